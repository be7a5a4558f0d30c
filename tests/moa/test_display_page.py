"""One MOA event's page (moa/display_page.py): display.php (2016-2024) and the moaprime event page (2025+), both
hand-written; malformed text raises ParseError naming the source and the line."""

import re

import pytest

from microlensing_to_sqlite.moa.display_page import parse_display_page
from microlensing_to_sqlite.moa.times import jd_to_hjd_minus_2450000
from tests.support.malformed import assert_parse_error
from tests.support.moa_pages import DISPLAY_PHP, PRIME_DISPLAY, handwritten, line_of, name, prime_2025


def display_page(text=None):
    return parse_display_page(text or handwritten(DISPLAY_PHP), source="display.php")


def prime_display_page(text=None):
    return parse_display_page(text or handwritten(PRIME_DISPLAY), source="display")


def calibration(record):
    return record["zp"], record["f_ref"], record["calibration_ok"]


# display.php -------------------------------------------------------------------------------------------------

def test_display_php_record():
    assert display_page() == {
        "name": name(2017, 1), "internal_id": "gb2-R-2-19629", "assessment": "microlensing",
        "ra": 268.4349583, "dec": -34.2212861, "ra_hms": "17:53:44.39", "dec_dms": "-34:13:16.63",
        "t0": 7782.04, "t0_err": 0.05, "t0_date": "2017-Jan-28.55",
        "tE": 12.86, "tE_err": 0.6, "u0": 0.4, "u0_err": 0.0123, "Ibase": 14.49, "Ibase_err": 0.01,
        "Amax": None, "Amax_err": None,
        "zp": 25.7, "f_ref": 7518.9, "calibration_ok": True,
        "photometry_url": "fetchtxt.php?path=/moa/ephot/phot-gb2-R-2-19629.dat",
        "remarks": "Bright source; the peak was covered from Mt John.",
    }


def test_display_php_tmax_labelled_hjd_is_taken_as_hjd():
    assert display_page()["t0"] == 7782.04


@pytest.mark.parametrize("written", [
    "&#916F + 7518.9", "&#916;F + 7518.9", "&Delta;F + 7518.9", "ΔF + 7518.9", "&Delta; Flux + 7518.9",
    "&amp;#916F + 7518.9",
])
def test_display_php_calibration_line_in_every_spelling(written):
    record = display_page(handwritten(DISPLAY_PHP).replace("&#916F + 7518.9", written))
    assert calibration(record) == (25.7, 7518.9, True)


def test_display_php_calibration_with_zero_reference_flux_is_uncalibrated():
    record = display_page(handwritten(DISPLAY_PHP).replace("+ 7518.9", "+ 0.0000"))
    assert calibration(record) == (25.7, 0.0, False)


def test_display_php_without_calibration_line():
    record = display_page(handwritten(DISPLAY_PHP).replace("I = 25.70", "no calibration"))
    assert calibration(record) == (None, None, False)


# The moaprime event page -------------------------------------------------------------------------------------

def test_moaprime_display_record():
    assert prime_display_page() == {
        "name": name(2025, 1), "internal_id": "gb10-R-3-12345", "assessment": "microlensing",
        "ra": 266.6463446, "dec": -34.2869917, "ra_hms": "17:46:35.1227", "dec_dms": "-34:17:13.1701",
        "t0": jd_to_hjd_minus_2450000(2460709.03, 266.6463446, -34.2869917), "t0_err": 0.21, "t0_date": None,
        "tE": 28.03, "tE_err": 1.52, "u0": 0.0, "u0_err": 0.0002, "Ibase": 18.38, "Ibase_err": 0.02,
        "Amax": 30268.15, "Amax_err": None,
        "zp": 27.6026, "f_ref": 1523.4, "calibration_ok": True,
        "photometry_url": "/alerts/datafile/MOA/MOA-2025-BLG-0001", "remarks": None,
    }


def test_moaprime_display_t0_as_bare_jd_is_made_heliocentric():
    # The same t0 as the real index row (2025-02-02.53 = JD 2460709.03), so the same HJD.
    assert prime_display_page()["t0"] == prime_2025()[0]["t0"] == 10709.02615


def test_moaprime_display_t0_as_calendar_date():
    record = prime_display_page(handwritten(PRIME_DISPLAY).replace('"right">2460709.03<', '"right">2025-02-02.53<'))
    assert (record["t0"], record["t0_date"]) == (10709.02615, "2025-02-02.53")


def test_moaprime_display_uncalibrated_archive_style_line():
    record = prime_display_page(handwritten(PRIME_DISPLAY).replace(
        "27.6026 - 2.5 log<sub>10</sub>(&Delta; Flux + 1523.4000)",
        "0.0000 - 2.5 log<sub>10</sub>(&Delta; Flux + 0.0000)"))
    assert calibration(record) == (0.0, 0.0, False)


# Malformed text: always ParseError, naming the source and the line -------------------------------------------

# Per page: the tE cell, the tE error cell and the t0 cell as written, and the label of the t0 row.
DISPLAY_CELLS = {
    DISPLAY_PHP: (">12.86<", ">0.60 days\n", ">HJD 2457782.04<", "t<sub>max</sub>"),
    PRIME_DISPLAY: ('"right">28.03<', "<td>1.52<", '"right">2460709.03<', "t<sub>0</sub>"),
}


def display_edits(path):
    page = handwritten(path)
    te, te_error, t0, t0_label = DISPLAY_CELLS[path]
    te_line, t0_line = line_of(page, "t<sub>E</sub>"), line_of(page, t0_label)
    return [
        pytest.param(path, lambda t: t.replace('id="micro"', "").replace("<td>=", "<td>:"), None,
                     id=f"{path}-no-fit-rows"),
        pytest.param(path, lambda t: re.sub(r"\b\d{4}-BLG-\d{3,4}\b", "event", t), None, id=f"{path}-no-name"),
        pytest.param(path, lambda t: t.replace(te, te.replace("8", "B")), te_line, id=f"{path}-tE-not-a-number"),
        pytest.param(path, lambda t: t.replace(te_error, te_error.replace(".", ",")), te_line,
                     id=f"{path}-tE-error-not-a-number"),
        pytest.param(path, lambda t: t.replace(t0, t0.replace("24", "2x4")), t0_line, id=f"{path}-t0-not-a-number"),
        pytest.param(path, lambda t: t.replace(t0, t0.replace("24", "")), t0_line, id=f"{path}-t0-not-full"),
        pytest.param(path, lambda t: t.replace("-34:", "-34;"), line_of(page, "Dec:"), id=f"{path}-bad-dec"),
        pytest.param(path, lambda t: t.replace("+17:", "+27:").replace(">17:", ">27:"), line_of(page, "RA:"),
                     id=f"{path}-ra-out-of-range"),
        # Found by the fuzz tests: bs4's ParserRejectedMarkup escaped.
        pytest.param(path, lambda t: "<![" + t, None, id=f"{path}-markup-html-parser-rejects"),
    ]


@pytest.mark.parametrize("path, edit, line", display_edits(DISPLAY_PHP) + display_edits(PRIME_DISPLAY))
def test_malformed_display_page_raises_parse_error(path, edit, line):
    assert_parse_error(parse_display_page, edit(handwritten(path)), path, line)


def test_display_page_of_unknown_layout_names_both_layouts():
    error = assert_parse_error(parse_display_page, "<html><body><p>Not found</p></body></html>\n", "display.php", None)
    assert "div#micro" in str(error) and "moaprime" in str(error)


def test_moaprime_display_without_position_cannot_make_t0_heliocentric():
    text = handwritten(PRIME_DISPLAY).replace("RA:", "Right ascension")
    assert_parse_error(parse_display_page, text, "display", line_of(text, "t<sub>0</sub>"))
