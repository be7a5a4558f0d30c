"""Alert names: full and short forms, alert ids, and the digits each survey writes."""

import pytest

from microlensing_to_sqlite.names import AlertName, parse_full_name


def test_parse_full_name():
    assert parse_full_name("OGLE-2025-BLG-0001") == AlertName("OGLE", 2025, "BLG", 1)


@pytest.mark.parametrize("text", ["2025-BLG-0001", "OB250001", "OGLE-2025-XYZ-0001", "OGLE-25-BLG-0001",
                                  "OGLE-2025-BLG-00001", "OGLE-2025-BLG-01", "ASASSN-2025-BLG-0001", ""])
def test_parse_full_name_rejects_other_text(text):
    assert parse_full_name(text) is None


@pytest.mark.parametrize("full", ["OGLE-2025-BLG-0001", "OGLE-2016-BLG-1927", "OGLE-2024-GD-0010",
                                  "OGLE-2019-DG-0003", "MOA-2017-BLG-001", "MOA-2024-BLG-285",
                                  "MOA-2025-BLG-0001", "MOA-2025-LMC-0001", "KMT-2019-BLG-0001"])
def test_full_name_round_trips(full):
    assert parse_full_name(full).full == full


@pytest.mark.parametrize("full, short", [
    ("OGLE-2025-BLG-0001", "OB250001"), ("OGLE-2019-BLG-0161", "OB190161"), ("KMT-2019-BLG-0001", "KB190001"),
    ("MOA-2017-BLG-001", "MB17001"), ("MOA-2025-BLG-0001", "MB250001"),
])
def test_short_name(full, short):
    assert parse_full_name(full).short == short


@pytest.mark.parametrize("full", ["OGLE-2024-GD-0010", "OGLE-2019-DG-0003"])
def test_short_name_is_none_outside_the_bulge(full):
    assert parse_full_name(full).short is None


@pytest.mark.parametrize("full, alert_id", [
    ("OGLE-2025-BLG-0001", 10250001), ("OGLE-2016-BLG-1927", 10161927), ("OGLE-2024-GD-0010", 11240010),
    ("MOA-2024-BLG-285", 20240285), ("KMT-2019-BLG-0001", 30190001),
])
def test_alert_id(full, alert_id):
    assert parse_full_name(full).alert_id == alert_id


@pytest.mark.parametrize("season, full", [(2017, "MOA-2017-BLG-007"), (2024, "MOA-2024-BLG-007"),
                                          (2025, "MOA-2025-BLG-0007"), (2026, "MOA-2026-BLG-0007")])
def test_moa_numbers_have_3_digits_up_to_2024_and_4_from_2025(season, full):
    assert AlertName("MOA", season, "BLG", 7).full == full


@pytest.mark.parametrize("season", [2011, 2024, 2025])
def test_ogle_numbers_always_have_4_digits(season):
    assert AlertName("OGLE", season, "BLG", 7).full == f"OGLE-{season}-BLG-0007"
