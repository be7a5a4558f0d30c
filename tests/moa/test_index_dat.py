"""index.dat (moa/index_dat.py): the real 2017 (first 8 rows) and 2024 (whole) files, checked against the real
text of alert.php 2017; malformed text raises ParseError naming the source and the line."""

import pytest

from microlensing_to_sqlite.formulas import magnification
from microlensing_to_sqlite.moa.index_dat import parse_index_dat
from microlensing_to_sqlite.moa.times import calendar_day_to_jd
from tests.support.malformed import assert_parse_error, edit_line, set_field
from tests.support.moa_pages import (
    INDEX_2017, INDEX_2024, alert_text_rows, assert_t0_is_heliocentric, index_2017, index_2024, index_lines, name,
    record_named, recorded,
)


# 2017 (first 8 rows) -----------------------------------------------------------------------------------------

def test_index_dat_2017_has_its_8_rows_in_order():
    assert [r["name"] for r in index_2017()] == [name(2017, n) for n in range(1, 9)]


def test_index_dat_2017_record_2017_blg_001():
    assert index_2017()[0] == {
        "name": name(2017, 1), "internal_id": "gb2-R-2-19629",
        "ra": 268.434977871, "dec": -34.2212870236, "ra_hms": "17:53:44.39", "dec_dms": "-34:13:16.63",
        "t0": 7782.04301, "t0_jd": 2457782.047299, "tE": 12.86, "u0": 0.4, "Ibase": 14.49,
        "zp": 25.7023916071, "f_ref": 7518.94040867, "calibration_ok": True,
    }


@pytest.mark.parametrize("url, records", [(INDEX_2017, index_2017), (INDEX_2024, index_2024)], ids=["2017", "2024"])
def test_index_dat_every_value_is_the_published_number(url, records):
    columns = {"ra": 2, "dec": 3, "t0_jd": 4, "tE": 5, "u0": 6, "Ibase": 7, "zp": 8, "f_ref": 9}
    for record, fields in zip(records(), index_lines(url), strict=True):
        assert record["name"].full == "MOA-" + fields[0]
        assert record["internal_id"] == fields[1]
        assert {c: record[c] for c in columns} == {c: float(fields[i]) for c, i in columns.items()}


def test_index_dat_f_ref_0_is_kept_but_uncalibrated():
    # 2017-BLG-005: ZP 27.4085866458, F_ref `0`.
    record = index_2017()[4]
    assert (record["zp"], record["f_ref"], record["calibration_ok"]) == (27.4085866458, 0.0, False)


def test_index_dat_2017_other_rows_are_calibrated():
    assert [r["calibration_ok"] for r in index_2017()] == [True] * 4 + [False] + [True] * 3


def test_index_dat_sexagesimal_text_is_derived_as_alert_php_writes_it():
    # The degrees of index.dat, written as hh:mm:ss.ss and dd:mm:ss.ss, give alert.php's text exactly.
    assert [(r["ra_hms"], r["dec_dms"]) for r in index_2017()] == [row[1:3] for row in alert_text_rows()]


def test_index_dat_t0_jd_is_alert_php_ut_date():
    # alert.php shows t0 as a UT date to 0.01 d; index.dat's JD rounds to it, so its t0 is JD (UT) too.
    for record, row in zip(index_2017(), alert_text_rows(), strict=True):
        assert abs(record["t0_jd"] - calendar_day_to_jd(row[3])) <= 0.005 + 1e-9


def test_index_dat_te_and_ibase_are_alert_php_values():
    assert [(r["tE"], r["Ibase"]) for r in index_2017()] == [(float(row[4]), float(row[6]))
                                                           for row in alert_text_rows()]


def test_index_dat_u0_gives_alert_php_amax():
    """u0 is the point-lens impact parameter: A = (u^2 + 2) / (u sqrt(u^2 + 4)) is alert.php's Amax.

    u0 is written to 4 decimals, so Amax is checked against the range that rounding allows."""
    for record, row in zip(index_2017(), alert_text_rows(), strict=True):
        low, high = magnification(record["u0"] + 5e-5), magnification(record["u0"] - 5e-5)
        assert low - 0.005 <= float(row[5]) <= high + 0.005, record["name"].full


# 2024 (whole) ------------------------------------------------------------------------------------------------

def test_index_dat_2024_names_every_event_from_1_to_285():
    assert [r["name"] for r in index_2024()] == [name(2024, n) for n in range(1, 286)]


def test_index_dat_2024_f_ref_is_0_in_96_rows():
    assert sum(r["f_ref"] == 0.0 for r in index_2024()) == 96


def test_index_dat_2024_uncalibrated_exactly_where_f_ref_is_0():
    assert [not r["calibration_ok"] for r in index_2024()] == [r["f_ref"] == 0.0 for r in index_2024()]


def test_index_dat_2024_zero_point_is_never_0():
    # So "uncalibrated" cannot mean ZP = F_ref = 0 only.
    assert min(r["zp"] for r in index_2024()) == 25.8274757401


@pytest.mark.parametrize("full_name, values", [
    ("MOA-2024-BLG-283", {"tE": 18505.57, "u0": 0.0001, "Ibase": 26.31, "f_ref": 0.0}),
    ("MOA-2024-BLG-284", {"tE": 0.32, "u0": 9.69, "Ibase": 7.46, "f_ref": 89750.5769448}),
    ("MOA-2024-BLG-013", {"tE": 194205.89, "u0": 0.0, "Ibase": 28.35}),
    ("MOA-2024-BLG-235", {"tE": 0.12, "u0": 21.0904, "Ibase": 0.42}),
])
def test_index_dat_2024_extreme_fits_are_kept(full_name, values):
    record = record_named(index_2024(), full_name)
    assert {k: record[k] for k in values} == values


def test_index_dat_2024_internal_ids_are_distinct():
    assert len({r["internal_id"] for r in index_2024()}) == 285


def test_index_dat_2024_is_all_bulge():
    assert {r["name"].region for r in index_2024()} == {"BLG"}


def test_index_dat_2024_names_have_3_digits():
    assert [r["name"].full for r in index_2024()] == ["MOA-" + f[0] for f in index_lines(INDEX_2024)]


# Times -------------------------------------------------------------------------------------------------------

def test_index_dat_t0_is_heliocentric_within_the_light_time_of_the_earth_orbit():
    assert_t0_is_heliocentric(index_2017() + index_2024())


def test_index_dat_t0_has_5_decimals():
    assert all(round(r["t0"], 5) == r["t0"] for r in index_2024())


# Other spellings ---------------------------------------------------------------------------------------------

def test_index_dat_sexagesimal_coordinates_are_converted():
    text = recorded(INDEX_2017).replace("268.434977871 -34.2212870236", "17:53:44.39 -34:13:16.63")
    record = parse_index_dat(text, season=2017)[0]
    assert (record["ra"], record["dec"], record["ra_hms"], record["dec_dms"]) == (
        268.4349583, -34.2212861, "17:53:44.39", "-34:13:16.63")


def test_index_dat_empty_file_is_no_events():
    assert parse_index_dat("", season=2024) == []


def test_index_dat_accepts_lmc_names():
    text = recorded(INDEX_2017).replace("2017-BLG-008", "2017-LMC-001")
    assert parse_index_dat(text, season=2017)[7]["name"] == name(2017, 1, "LMC")


# Malformed text: always ParseError, naming the source and the line -------------------------------------------

INDEX_DAT_MALFORMED = [
    pytest.param(lambda t: t[:-4], 285, id="truncated-last-line"),
    pytest.param(lambda t: t[:-1], 285, id="no-final-newline"),
    pytest.param(lambda t: edit_line(t, 100, list.pop), 100, id="9-fields"),
    pytest.param(lambda t: edit_line(t, 100, lambda f: f.append("0")), 100, id="11-fields"),
    pytest.param(lambda t: edit_line(t, 150, set_field(5, "5l.82")), 150, id="tE-not-a-number"),
    pytest.param(lambda t: edit_line(t, 150, set_field(8, "nan")), 150, id="zp-nan"),
    pytest.param(lambda t: edit_line(t, 150, set_field(9, "")), 150, id="f_ref-missing"),
    pytest.param(lambda t: edit_line(t, 150, set_field(4, "60448.883766")), 150, id="t0-not-full-jd"),
    pytest.param(lambda t: edit_line(t, 150, set_field(4, "24604488.83766")), 150, id="t0-garbled"),
    pytest.param(lambda t: edit_line(t, 150, set_field(2, "400.5")), 150, id="ra-out-of-range"),
    pytest.param(lambda t: edit_line(t, 150, set_field(2, "17:5x:00.1")), 150, id="sexagesimal-ra-not-a-number"),
    pytest.param(lambda t: edit_line(t, 150, set_field(0, "2024-XYZ-150")), 150, id="bad-name"),
    pytest.param(lambda t: edit_line(t, 150, set_field(0, "2023-BLG-150")), 150, id="other-season"),
    pytest.param(lambda t: edit_line(t, 150, set_field(1, "gb10_R_9_57160")), 150, id="bad-internal-id"),
]


@pytest.mark.parametrize("edit, line", INDEX_DAT_MALFORMED)
def test_malformed_index_dat_raises_parse_error(edit, line):
    assert_parse_error(parse_index_dat, edit(recorded(INDEX_2024)), INDEX_2024, line, season=2024)


def test_index_dat_of_another_season_raises_parse_error_at_line_1():
    error = assert_parse_error(parse_index_dat, recorded(INDEX_2024), INDEX_2024, 1, season=2023)
    assert "season 2023" in str(error)
