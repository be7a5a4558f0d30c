"""lenses.par, an OGLE season's list, against every recorded one (2015, 2016 and 2025).

Conventions checked here: times are HJD - 2450000 rounded to the decimals OGLE published; Amax >= 99999
(`99999.`) is undefined and takes Dmag with it; there are no uncertainties; Ibase is I_bl (source + blend)
and Isrc is I0 (source alone); StarNo is text; `-` is NULL. Malformed text raises ParseError naming the file
and the line.
"""

import pytest

from microlensing_to_sqlite.names import AlertName
from microlensing_to_sqlite.ogle import site
from microlensing_to_sqlite.ogle.lenses_par import parse_lenses_par
from tests.support.malformed import assert_parse_error, edit_line, set_field
from tests.support.recorded import (assert_degrees_are_the_sexagesimal_text, drop_line,
                                    hjd_by_hand, lenses_par, record_named)

LENSES_PAR_EVENTS = {2015: 8, 2016: 1927, 2025: 8}
ALL_ERRORS = ["t0_err", "tE_err", "u0_err", "Amax_err", "Dmag_err", "fbl_err", "Ibase_err", "Isrc_err"]
# lenses.par columns after the name: their index in a line's fields and the column each becomes.
LENSES_PAR_VALUES = {"tE": 7, "u0": 8, "Amax": 9, "Dmag": 10, "fbl": 11, "Ibase": 12, "Isrc": 13}


def lenses_par_record(ogle_file, full_name):
    return record_named(lenses_par, ogle_file, full_name)


def lenses_par_lines(ogle_file, season):
    """The event lines of a lenses.par, split by hand: header and blank lines skipped."""
    return [line.split() for line in ogle_file(f"{season}/lenses.par").splitlines()[1:] if line.strip()]


@pytest.mark.parametrize("season, events", LENSES_PAR_EVENTS.items())
def test_lenses_par_has_one_record_per_event_line(ogle_file, season, events):
    assert len(lenses_par(ogle_file, season)) == events == len(lenses_par_lines(ogle_file, season))


@pytest.mark.parametrize("season", LENSES_PAR_EVENTS)
def test_lenses_par_names_are_read_from_the_file_in_order(ogle_file, season):
    names = [r["name"].full for r in lenses_par(ogle_file, season)]
    assert names == ["OGLE-" + fields[0] for fields in lenses_par_lines(ogle_file, season)]


def test_lenses_par_2016_names_every_event_from_1_to_1927(ogle_file):
    names = [r["name"] for r in lenses_par(ogle_file, 2016)]
    assert names == [AlertName("OGLE", 2016, "BLG", n) for n in range(1, 1928)]


def test_lenses_par_record_2025_blg_0001(ogle_file):
    assert lenses_par_record(ogle_file, "OGLE-2025-BLG-0001") == {
        "name": AlertName("OGLE", 2025, "BLG", 1),
        "field": "BLG497.22", "star_id": "26223",
        "ra_hms": "17:19:44.68", "dec_dms": "-27:43:21.4", "ra": 259.9361667, "dec": -27.7226111,
        "t0": 10746.661, "t0_err": None, "tE": 28.56, "tE_err": None, "u0": 0.128, "u0_err": None,
        "Amax": 7.889, "Amax_err": None, "Dmag": 2.243, "Dmag_err": None, "fbl": 1.0, "fbl_err": None,
        "Ibase": 19.911, "Ibase_err": None, "Isrc": 19.911, "Isrc_err": None,
    }


def test_lenses_par_record_2015_blg_0001(ogle_file):
    assert lenses_par_record(ogle_file, "OGLE-2015-BLG-0001") == {
        "name": AlertName("OGLE", 2015, "BLG", 1),
        "field": "BLG500.01", "star_id": "87779",
        "ra_hms": "17:54:17.55", "dec_dms": "-29:00:25.5", "ra": 268.573125, "dec": -29.0070833,
        "t0": 7082.428, "t0_err": None, "tE": 71.08, "tE_err": None, "u0": 0.338, "u0_err": None,
        "Amax": 3.081, "Amax_err": None, "Dmag": 1.222, "Dmag_err": None, "fbl": 1.0, "fbl_err": None,
        "Ibase": 17.904, "Ibase_err": None, "Isrc": 17.904, "Isrc_err": None,
    }


def test_lenses_par_t0_is_hjd_minus_2450000_exactly(ogle_file):
    assert lenses_par_record(ogle_file, "OGLE-2025-BLG-0001")["t0"] == 10746.661


@pytest.mark.parametrize("season", LENSES_PAR_EVENTS)
def test_lenses_par_every_t0_is_rounded_to_the_published_decimals(ogle_file, season):
    t0 = [r["t0"] for r in lenses_par(ogle_file, season)]
    assert t0 == [hjd_by_hand(fields[5]) for fields in lenses_par_lines(ogle_file, season)]


@pytest.mark.parametrize("season", LENSES_PAR_EVENTS)
def test_lenses_par_has_no_uncertainties(ogle_file, season):
    assert {r[e] for r in lenses_par(ogle_file, season) for e in ALL_ERRORS} == {None}


@pytest.mark.parametrize("season", LENSES_PAR_EVENTS)
def test_lenses_par_every_value_is_the_published_number(ogle_file, season):
    """Each parameter equals its token; `-` and the Amax sentinel (with the Dmag it implies) are None.

    An Amax that fills its 6-character column (`500877`) is checked by the tests below instead."""
    for record, fields in zip(lenses_par(ogle_file, season), lenses_par_lines(ogle_file, season)):
        undefined_amax = fields[9] in ("99999.", "99999.999")
        for column, index in LENSES_PAR_VALUES.items():
            if column == "Amax" and fields[index] != "-" and "." not in fields[index]:
                continue
            if fields[index] == "-" or (undefined_amax and column in ("Amax", "Dmag")):
                expected = None
            else:
                expected = float(fields[index])
            assert record[column] == expected, (record["name"].full, column)


@pytest.mark.parametrize("season", LENSES_PAR_EVENTS)
def test_lenses_par_keeps_field_star_and_sexagesimal_text(ogle_file, season):
    texts = [(r["field"], r["star_id"], r["ra_hms"], r["dec_dms"]) for r in lenses_par(ogle_file, season)]
    assert texts == [tuple(fields[1:5]) for fields in lenses_par_lines(ogle_file, season)]


@pytest.mark.parametrize("season", LENSES_PAR_EVENTS)
def test_lenses_par_ra_dec_round_trip_from_sexagesimal(ogle_file, season):
    assert_degrees_are_the_sexagesimal_text(lenses_par(ogle_file, season))


def test_lenses_par_amax_sentinel_is_none_with_dmag(ogle_file):
    # 2025-BLG-0006: umin 0.000, Amax `99999.`, Dmag 12.50.
    record = lenses_par_record(ogle_file, "OGLE-2025-BLG-0006")
    assert (record["u0"], record["Amax"], record["Dmag"]) == (0.0, None, None)


def test_lenses_par_amax_filling_its_column_is_kept_when_dmag_agrees(ogle_file):
    # 2016-BLG-0080: umin 0.000, Amax `500877`, Dmag 14.24 = 2.5 log10(500877), fbl 1.
    record = lenses_par_record(ogle_file, "OGLE-2016-BLG-0080")
    assert (record["u0"], record["Amax"], record["Dmag"]) == (0.0, 500877.0, 14.24)


def test_lenses_par_amax_that_lost_a_digit_is_none(ogle_file):
    # 2016-BLG-1882: Amax `100218` but Dmag 15.00 with fbl 1 means about 1.0e6: the column cut a digit.
    record = lenses_par_record(ogle_file, "OGLE-2016-BLG-1882")
    assert (record["Amax"], record["Dmag"]) == (None, 15.0)


def test_lenses_par_amax_below_sentinel_is_kept(ogle_file):
    record = lenses_par_record(ogle_file, "OGLE-2025-BLG-0005")
    assert (record["u0"], record["Amax"], record["Dmag"]) == (0.005, 214.47, 5.828)


def test_lenses_par_ibase_is_i_bl_and_isrc_is_i0(ogle_file):
    # 2015-BLG-0003: fbl 0.460, I_bl 17.662, I0 18.506.
    record = lenses_par_record(ogle_file, "OGLE-2015-BLG-0003")
    assert (record["fbl"], record["Ibase"], record["Isrc"]) == (0.46, 17.662, 18.506)


def test_lenses_par_star_id_is_text(ogle_file):
    # Stars found only in difference images carry an N suffix.
    assert lenses_par_record(ogle_file, "OGLE-2016-BLG-0200")["star_id"] == "59N"


def test_lenses_par_every_star_id_is_a_string(ogle_file):
    assert {type(r["star_id"]) for r in lenses_par(ogle_file, 2016)} == {str}


def test_lenses_par_dash_placeholders_are_none(ogle_file):
    record = lenses_par_record(ogle_file, "OGLE-2016-BLG-0045")
    assert (record["tE"], record["u0"], record["Amax"], record["Dmag"]) == (None, None, None, None)


def test_lenses_par_dash_placeholders_leave_other_values(ogle_file):
    record = lenses_par_record(ogle_file, "OGLE-2016-BLG-0045")
    assert (record["t0"], record["fbl"], record["Ibase"], record["Isrc"]) == (7440.53, 1.0, 26.475, 26.475)


def test_lenses_par_2016_is_all_bulge(ogle_file):
    assert {r["name"].region for r in lenses_par(ogle_file, 2016)} == {"BLG"}


def test_alert_ids_of_a_season_are_distinct(ogle_file):
    records = lenses_par(ogle_file, 2016)
    assert len({r["name"].alert_id for r in records}) == len(records)


# Malformed text: always ParseError, naming the source and the line. The whole 2016 file, edited deep inside so
# that line numbers are tested.
MALFORMED = [
    pytest.param(lambda t: t[:-4], 1929, id="truncated-last-line"),
    pytest.param(lambda t: t[:-1], 1929, id="no-final-newline"),
    pytest.param(lambda t: edit_line(t, 1000, list.pop), 1000, id="13-columns"),
    pytest.param(lambda t: edit_line(t, 1000, lambda f: f.append("1.0")), 1000, id="15-columns"),
    pytest.param(lambda t: edit_line(t, 500, set_field(7, "6O.1")), 500, id="tau-not-a-number"),
    pytest.param(lambda t: edit_line(t, 500, set_field(5, "2457x34.425")), 500, id="tmax-not-a-number"),
    pytest.param(lambda t: edit_line(t, 500, set_field(13, "nan")), 500, id="i0-nan"),
    pytest.param(lambda t: edit_line(t, 500, set_field(3, "17:5x:48.02")), 500, id="ra-not-a-number"),
    pytest.param(lambda t: edit_line(t, 500, set_field(4, "-28:59")), 500, id="dec-two-parts"),
    pytest.param(lambda t: edit_line(t, 500, set_field(0, "2016-XYZ-0498")), 500, id="bad-name"),
    # Found by tests/*/test_fuzz.py: an Amax without a decimal point is checked against Dmag, and 10 ** (771 / 2.5)
    # overflowed (OverflowError) instead of naming the garbled Dmag.
    pytest.param(lambda t: edit_line(t, 530, set_field(10, "771")), 530, id="dmag-of-hundreds-of-magnitudes"),
    pytest.param(drop_line(1), 1, id="no-header"),
    pytest.param(lambda t: t.split("\n", 2)[2], 1, id="starts-with-an-event"),
    pytest.param(lambda t: "", 1, id="empty"),
]


@pytest.mark.parametrize("edit, line", MALFORMED)
def test_malformed_lenses_par_raises_parse_error_naming_source_and_line(ogle_file, edit, line):
    # Any other exception escapes and fails the test; no exception at all is an AssertionError.
    source = site.lenses_par_url(2016)
    assert_parse_error(parse_lenses_par, edit(ogle_file("2016/lenses.par")), source, line)
