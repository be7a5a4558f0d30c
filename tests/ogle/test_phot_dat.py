"""phot.dat, one OGLE event's I-band photometry, against every recorded one.

Conventions checked here: times are HJD - 2450000 rounded to the decimals OGLE published; a sky of 0.0 is
NULL. Malformed text raises ParseError naming the file and the line.
"""

import pytest

from microlensing_to_sqlite.names import AlertName
from microlensing_to_sqlite.ogle import site
from microlensing_to_sqlite.ogle.phot_dat import parse_phot_dat
from tests.support.malformed import assert_parse_error, edit_line, set_field
from tests.support.recorded import hjd_by_hand

PHOT_DAT_ROWS = {"2025/blg-0001": 265, "2025/blg-0070": 353, "2025/blg-0368": 4519, "2023/blg-0348": 2995}


def phot_dat(ogle_file, event):
    """The file's points as rows (hjd, mag, mag_err, seeing, sky)."""
    return parse_phot_dat(ogle_file(f"{event}/phot.dat"), source=f"{event}/phot.dat").rows()


@pytest.mark.parametrize("event, rows", PHOT_DAT_ROWS.items())
def test_phot_dat_has_one_row_per_line(ogle_file, event, rows):
    assert len(phot_dat(ogle_file, event)) == rows == len(ogle_file(f"{event}/phot.dat").splitlines())


@pytest.mark.parametrize("event", PHOT_DAT_ROWS)
def test_phot_dat_every_row_is_the_published_numbers(ogle_file, event):
    expected = []
    for line in ogle_file(f"{event}/phot.dat").splitlines():
        hjd, mag, err, seeing, sky = line.split()
        expected.append((hjd_by_hand(hjd), float(mag), float(err), float(seeing), float(sky) or None))
    assert phot_dat(ogle_file, event) == expected


def test_phot_dat_first_row(ogle_file):
    assert phot_dat(ogle_file, "2025/blg-0368")[0] == (7790.8768, 19.817, 0.118, 5.67, 510.0)


def test_phot_dat_zero_sky_is_none(ogle_file):
    # Line 184 of 2025/blg-0368/phot.dat: `2457868.88026 19.938 0.210 9.99 0.0`.
    assert [r for r in phot_dat(ogle_file, "2025/blg-0368") if r[4] is None] == [
        (7868.88026, 19.938, 0.21, 9.99, None)]


@pytest.mark.parametrize("event", PHOT_DAT_ROWS)
def test_phot_dat_starts_before_its_season(ogle_file, event):
    # The files cover the whole OGLE-IV baseline from early 2017 (HJD 2457790), not just their season.
    assert phot_dat(ogle_file, event)[0][0] < 7900


# Malformed text: always ParseError, naming the source and the line. 2025/blg-0070/phot.dat has 353 lines.
MALFORMED = [
    pytest.param(lambda t: t[:-4], 353, id="truncated-last-line"),
    pytest.param(lambda t: t[:-1], 353, id="no-final-newline"),
    pytest.param(lambda t: edit_line(t, 100, list.pop), 100, id="4-columns"),
    pytest.param(lambda t: edit_line(t, 101, lambda f: f.append("1")), 101, id="6-columns"),
    pytest.param(lambda t: edit_line(t, 200, set_field(1, "18.7l5")), 200, id="mag-not-a-number"),
    pytest.param(lambda t: edit_line(t, 1, set_field(0, "2457796.8851x")), 1, id="hjd-not-a-number"),
    pytest.param(lambda t: edit_line(t, 50, set_field(0, "57796.38519")), 50, id="hjd-not-full"),
]


@pytest.mark.parametrize("edit, line", MALFORMED)
def test_malformed_phot_dat_raises_parse_error_naming_source_and_line(ogle_file, edit, line):
    source = site.phot_url(AlertName("OGLE", 2025, "BLG", 70))
    assert_parse_error(parse_phot_dat, edit(ogle_file("2025/blg-0070/phot.dat")), source, line)
