"""moa2ogle.txt (moa/moa2ogle.py): MOA's MOA/OGLE cross-identifications, in the hand-written 2017 file and
2016 fetchtxt.php page; malformed text raises ParseError naming the source and the line."""

import pytest

from microlensing_to_sqlite.moa.moa2ogle import parse_moa2ogle
from microlensing_to_sqlite.names import AlertName
from tests.support.malformed import assert_parse_error, edit_line, set_field
from tests.support.moa_pages import FETCHTXT_MOA2OGLE, MOA2OGLE, handwritten, name


def ogle(season, number):
    return AlertName("OGLE", season, "BLG", number)


def test_moa2ogle_with_moa_first():
    assert parse_moa2ogle(handwritten(MOA2OGLE)) == [
        (name(2017, 1), ogle(2017, 94)), (name(2017, 2), ogle(2016, 1469)),
        (name(2017, 4), ogle(2017, 120)), (name(2017, 7), ogle(2017, 133)),
    ]


def test_moa2ogle_with_ogle_first_in_a_fetchtxt_page():
    assert parse_moa2ogle(handwritten(FETCHTXT_MOA2OGLE)) == [
        (name(2016, 8), ogle(2016, 6)), (name(2016, 9), ogle(2016, 21)), (name(2016, 350), ogle(2016, 1195)),
    ]


def test_moa2ogle_mixed_orders_in_one_file():
    text = handwritten(MOA2OGLE) + "OGLE-2017-BLG-1522  =  MOA-2017-BLG-432\n"
    assert parse_moa2ogle(text)[-1] == (name(2017, 432), ogle(2017, 1522))


def test_moa2ogle_extra_columns_are_ignored():
    text = "MOA-2017-BLG-001  =  OGLE-2017-BLG-0094  0.3 arcsec\n"
    assert parse_moa2ogle(text) == [(name(2017, 1), ogle(2017, 94))]


# Malformed text: always ParseError, naming the source and the line -------------------------------------------

MOA2OGLE_MALFORMED = [
    pytest.param(MOA2OGLE, lambda t: t[:-3], 10, id="truncated-last-line"),
    pytest.param(MOA2OGLE, lambda t: edit_line(t, 8, lambda f: f.pop()), 8, id="2-fields"),
    pytest.param(MOA2OGLE, lambda t: edit_line(t, 9, set_field(2, "MOA-2017-BLG-099")), 9, id="two-moa-names"),
    pytest.param(MOA2OGLE, lambda t: edit_line(t, 9, set_field(0, "2017-BLG-004")), 9, id="no-prefix"),
    pytest.param(MOA2OGLE, lambda t: edit_line(t, 9, set_field(2, "KMT-2017-BLG-0120")), 9, id="kmt-name"),
    pytest.param(FETCHTXT_MOA2OGLE, lambda t: t.replace("MOA-2016-BLG-009", "MOA-2016-BLG-9x"), 9,
                 id="fetchtxt-bad-name"),
    pytest.param(FETCHTXT_MOA2OGLE, lambda t: t.replace("</pre>", ""), 11, id="fetchtxt-no-closing-pre"),
]


@pytest.mark.parametrize("path, edit, line", MOA2OGLE_MALFORMED)
def test_malformed_moa2ogle_raises_parse_error(path, edit, line):
    assert_parse_error(parse_moa2ogle, edit(handwritten(path)), path, line)
