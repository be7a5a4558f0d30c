"""diapl, KMTNet's DIA light curves over several seasons, against the recorded one (HJD - 2400000, no header).
Malformed text raises ParseError naming the file and the line."""

import pytest

from microlensing_to_sqlite.kmtnet.diapl import parse_diapl
from microlensing_to_sqlite.kmtnet.site import EVENT_ROOT
from tests.support.malformed import assert_parse_error, edit_line, set_field
from tests.support.recorded import drop_field, hjd_by_hand

DIAPL = "2025/data/KB250001/diapl/KMTC01_I.diapl"


def test_diapl_rows(kmtnet_file):
    rows = parse_diapl(kmtnet_file(DIAPL), source=DIAPL)
    assert len(rows) == 9 == len(kmtnet_file(DIAPL).splitlines())


def test_diapl_first_row_time_from_hjd_minus_2400000(kmtnet_file):
    assert parse_diapl(kmtnet_file(DIAPL), source=DIAPL)[0] == (8168.85148, 230.23, 277.0, 0.81, 4.08, 993.0, 1.68)


def test_diapl_every_row_is_the_published_numbers(kmtnet_file):
    expected = [(hjd_by_hand(fields[0]), *map(float, fields[1:]))
                for fields in (line.split() for line in kmtnet_file(DIAPL).splitlines())]
    assert parse_diapl(kmtnet_file(DIAPL), source=DIAPL) == expected


def test_diapl_starts_seasons_before_its_event(kmtnet_file):
    # A 2025 event's DIA curve starts in February 2018 (HJD 2458168).
    assert parse_diapl(kmtnet_file(DIAPL), source=DIAPL)[0][0] < 8200


# Malformed text: the file has 9 lines.
MALFORMED = [
    pytest.param(lambda t: t[:-3], 9, id="truncated-last-line"),
    pytest.param(lambda t: edit_line(t, 4, set_field(1, "-16x.08")), 4, id="flux-not-a-number"),
    pytest.param(lambda t: edit_line(t, 4, set_field(6, "nan")), 4, id="nan"),
    pytest.param(lambda t: edit_line(t, 5, drop_field(6)), 5, id="6-columns"),
    pytest.param(lambda t: "# HJD flux\n" + t, 1, id="header"),
    pytest.param(lambda t: edit_line(t, 6, set_field(0, "8170.88709")), 6, id="time-convention-changes"),
]


@pytest.mark.parametrize("edit, line", MALFORMED)
def test_malformed_diapl_raises_parse_error_naming_source_and_line(kmtnet_file, edit, line):
    assert_parse_error(parse_diapl, edit(kmtnet_file(DIAPL)), f"{EVENT_ROOT}/{DIAPL}", line)
