"""The OGLE EWS parsers against every real OGLE file in ../shared/survey-samples/mirror, and alert names.

Conventions checked here: times are HJD - 2450000 rounded to the decimals OGLE published; Amax >= 99999
(`99999.`, `99999.999`) is undefined and takes Amax_err, Dmag and Dmag_err with it; errors of 0.000 or
>= 999.999 are NULL; Ibase is I_bl (source + blend) and Isrc is I0 (source alone); StarNo is text; `-`
is NULL; a phot.dat sky of 0.0 is NULL. Malformed text raises ParseError naming the file and the line.
"""

import datetime
import math
from decimal import Decimal

import pytest

from build import ogle
from build.names import AlertName, parse_full_name
from build.parsing import ParseError, sexagesimal_to_degrees
from tests.malformed import assert_parse_error, edit_line, set_field

LENSES_PAR_EVENTS = {2015: 8, 2016: 1927, 2025: 8}
PARAMS_DAT = ["2025/blg-0001", "2025/blg-0006", "2025/blg-0013", "2025/blg-0070"]
PHOT_DAT_ROWS = {"2025/blg-0001": 265, "2025/blg-0070": 353, "2025/blg-0368": 4519, "2023/blg-0348": 2995}
ALL_ERRORS = ["t0_err", "tE_err", "u0_err", "Amax_err", "Dmag_err", "fbl_err", "Ibase_err", "Isrc_err"]
# lenses.par columns after the name: their index in a line's fields and the column each becomes.
LENSES_PAR_VALUES = {"tE": 7, "u0": 8, "Amax": 9, "Dmag": 10, "fbl": 11, "Ibase": 12, "Isrc": 13}


def lenses_par(ogle_file, season):
    return ogle.parse_lenses_par(ogle_file(f"{season}/lenses.par"), source=f"{season}/lenses.par")


def lenses_par_record(ogle_file, full_name):
    season = parse_full_name(full_name).season
    [record] = [r for r in lenses_par(ogle_file, season) if r["name"].full == full_name]
    return record


def lenses_par_lines(ogle_file, season):
    """The event lines of a lenses.par, split by hand: header and blank lines skipped."""
    return [line.split() for line in ogle_file(f"{season}/lenses.par").splitlines()[1:] if line.strip()]


def params_dat(ogle_file, event):
    return ogle.parse_params_dat(ogle_file(f"{event}/params.dat"), source=f"{event}/params.dat")


def phot_dat(ogle_file, event):
    return ogle.parse_phot_dat(ogle_file(f"{event}/phot.dat"), source=f"{event}/phot.dat")


def hjd_token_minus_2450000(token):
    """The published time minus 2450000, computed exactly in decimal: what rounding must give."""
    return float(Decimal(token) - 2450000)


def degrees_by_hand(text, hours):
    sign = -1 if text.startswith("-") else 1
    whole, minutes, seconds = (abs(float(part)) for part in text.split(":"))
    return sign * (whole + minutes / 60 + seconds / 3600) * (15 if hours else 1)


# lenses.par ------------------------------------------------------------------------------------------------

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
    assert t0 == [hjd_token_minus_2450000(fields[5]) for fields in lenses_par_lines(ogle_file, season)]


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
    for record in lenses_par(ogle_file, season):
        assert record["ra"] == pytest.approx(degrees_by_hand(record["ra_hms"], hours=True), abs=1e-6)
        assert record["dec"] == pytest.approx(degrees_by_hand(record["dec_dms"], hours=False), abs=1e-6)


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


# params.dat ------------------------------------------------------------------------------------------------

PARAMS_DAT_RECORDS = {
    "2025/blg-0001": {
        "name": AlertName("OGLE", 2025, "BLG", 1), "field": "BLG497.22", "star_id": "26223",
        "ra_hms": "17:19:44.68", "dec_dms": "-27:43:21.4", "ra": 259.9361667, "dec": -27.7226111,
        "remarks": None,
        "t0": 10746.661, "t0_err": 0.203, "tE": 28.568, "tE_err": 1.387, "u0": 0.128, "u0_err": 0.005,
        "Amax": 7.889, "Amax_err": 0.277, "Dmag": 2.243, "Dmag_err": 0.038, "fbl": 1.0, "fbl_err": None,
        "Ibase": 19.911, "Ibase_err": 0.019, "Isrc": 19.911, "Isrc_err": 0.019,
    },
    "2025/blg-0006": {
        "name": AlertName("OGLE", 2025, "BLG", 6), "field": "BLG500.01", "star_id": "200510",
        "ra_hms": "17:53:49.57", "dec_dms": "-29:03:37.0", "ra": 268.4565417, "dec": -29.0602778,
        "remarks": None,
        "t0": 10734.825, "t0_err": 0.156, "tE": 11.519, "tE_err": 3.653, "u0": 0.0, "u0_err": None,
        "Amax": None, "Amax_err": None, "Dmag": None, "Dmag_err": None, "fbl": 1.0, "fbl_err": 0.493,
        "Ibase": 19.709, "Ibase_err": 0.003, "Isrc": 19.709, "Isrc_err": 0.535,
    },
    "2025/blg-0013": {
        "name": AlertName("OGLE", 2025, "BLG", 13), "field": "BLG501.05", "star_id": "22244",
        "ra_hms": "17:51:30.82", "dec_dms": "-30:16:32.1", "ra": 267.8784167, "dec": -30.2755833,
        "remarks": None,
        "t0": 10737.762, "t0_err": 0.484, "tE": 29.206, "tE_err": 4.399, "u0": 0.195, "u0_err": 0.051,
        "Amax": 5.201, "Amax_err": 1.318, "Dmag": 1.183, "Dmag_err": 0.314, "fbl": 0.47, "fbl_err": 0.142,
        "Ibase": 19.264, "Ibase_err": 0.002, "Isrc": 20.084, "Isrc_err": 0.328,
    },
    "2025/blg-0070": {
        "name": AlertName("OGLE", 2025, "BLG", 70), "field": "BLG515.32", "star_id": "7133",
        "ra_hms": "18:01:24.94", "dec_dms": "-31:53:42.1", "ra": 270.3539167, "dec": -31.8950278,
        "remarks": None,
        "t0": 10721.411, "t0_err": 0.819, "tE": 37.674, "tE_err": 1.429, "u0": 0.0, "u0_err": 381.976,
        "Amax": None, "Amax_err": None, "Dmag": None, "Dmag_err": None, "fbl": 1.0, "fbl_err": None,
        "Ibase": 18.727, "Ibase_err": 0.003, "Isrc": 18.727, "Isrc_err": 0.003,
    },
}


@pytest.mark.parametrize("event", PARAMS_DAT)
def test_params_dat_record(ogle_file, event):
    assert params_dat(ogle_file, event) == PARAMS_DAT_RECORDS[event]


@pytest.mark.parametrize("event", PARAMS_DAT)
def test_params_dat_names_the_event_of_its_folder(ogle_file, event):
    season, folder = event.split("/")
    assert params_dat(ogle_file, event)["name"] == ogle.name_from_event_directory(int(season), folder)


def test_params_dat_t0_is_hjd_minus_2450000_exactly(ogle_file):
    record = params_dat(ogle_file, "2025/blg-0001")
    assert (record["t0"], record["t0_err"]) == (10746.661, 0.203)


def test_params_dat_zero_error_is_none(ogle_file):
    # `fbl 1.000 0.000`: fbl held fixed.
    record = params_dat(ogle_file, "2025/blg-0001")
    assert (record["fbl"], record["fbl_err"]) == (1.0, None)


@pytest.mark.parametrize("event", ["2025/blg-0006", "2025/blg-0070"])
def test_params_dat_amax_sentinel_clears_amax_and_dmag_with_errors(ogle_file, event):
    # `Amax 99999.999 0.000` (0006) and `Amax 99999.999 999.999` (0070); Dmag 12.500 follows from it.
    record = params_dat(ogle_file, event)
    assert [record[c] for c in ("Amax", "Amax_err", "Dmag", "Dmag_err")] == [None, None, None, None]


def test_params_dat_large_error_below_sentinel_is_kept(ogle_file):
    record = params_dat(ogle_file, "2025/blg-0070")
    assert (record["u0"], record["u0_err"], record["Amax"]) == (0.0, 381.976, None)


@pytest.mark.parametrize("error", ["999.999", "1234.567"])
def test_params_dat_error_at_or_above_999_999_is_none(ogle_file, error):
    text = ogle_file("2025/blg-0001/params.dat").replace("28.568     1.387", f"28.568  {error}")
    record = ogle.parse_params_dat(text)
    assert (record["tE"], record["tE_err"]) == (28.568, None)


def test_params_dat_ibase_is_i_bl_and_isrc_is_i0(ogle_file):
    record = params_dat(ogle_file, "2025/blg-0013")
    assert (record["fbl"], record["Ibase"], record["Isrc"]) == (0.47, 19.264, 20.084)


def test_params_dat_source_is_fainter_than_baseline_by_the_blend_fraction(ogle_file):
    record = params_dat(ogle_file, "2025/blg-0013")
    assert record["Isrc"] - record["Ibase"] == pytest.approx(-2.5 * math.log10(record["fbl"]), abs=0.01)


def test_params_dat_empty_remarks_is_none(ogle_file):
    # `Remarks        ` with its trailing spaces.
    assert params_dat(ogle_file, "2025/blg-0001")["remarks"] is None


def test_params_dat_remarks_text_is_kept(ogle_file):
    text = ogle_file("2025/blg-0001/params.dat").replace("Remarks        ", "Remarks        binary?")
    assert ogle.parse_params_dat(text)["remarks"] == "binary?"


@pytest.mark.parametrize("event", ["2025/blg-0001", "2025/blg-0006"])
def test_params_dat_agrees_with_lenses_par(ogle_file, event):
    listed = lenses_par_record(ogle_file, "OGLE-" + event.replace("/blg-", "-BLG-"))
    fitted = params_dat(ogle_file, event)
    keys = ["name", "field", "star_id", "ra", "dec", "t0", "u0", "fbl", "Ibase", "Isrc"]
    assert {k: fitted[k] for k in keys} == {k: listed[k] for k in keys}


# phot.dat --------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("event, rows", PHOT_DAT_ROWS.items())
def test_phot_dat_has_one_row_per_line(ogle_file, event, rows):
    assert len(phot_dat(ogle_file, event)) == rows == len(ogle_file(f"{event}/phot.dat").splitlines())


@pytest.mark.parametrize("event", PHOT_DAT_ROWS)
def test_phot_dat_every_row_is_the_published_numbers(ogle_file, event):
    expected = []
    for line in ogle_file(f"{event}/phot.dat").splitlines():
        hjd, mag, err, seeing, sky = line.split()
        expected.append((hjd_token_minus_2450000(hjd), float(mag), float(err), float(seeing), float(sky) or None))
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


# last.changed ----------------------------------------------------------------------------------------------

def test_last_changed_is_utc_date_plus_day_fraction(shared_mirror):
    text = (shared_mirror / "ftp.astrouw.edu.pl/ogle/ogle4/ews/last.changed").read_text()
    assert ogle.parse_last_changed(text) == datetime.datetime(2016, 11, 2, 1, 4, 39, 360000,
                                                              tzinfo=datetime.timezone.utc)


# Malformed text: always ParseError, naming the source and the line ---------------------------------------





def drop_line(line_number):
    return lambda text: "".join(t for n, t in enumerate(text.splitlines(keepends=True), 1) if n != line_number)


MALFORMED = [
    # lenses.par: the whole 2016 file, edited deep inside so that line numbers are tested.
    pytest.param("2016/lenses.par", lambda t: t[:-4], 1929, id="lenses.par-truncated-last-line"),
    pytest.param("2016/lenses.par", lambda t: t[:-1], 1929, id="lenses.par-no-final-newline"),
    pytest.param("2016/lenses.par", lambda t: edit_line(t, 1000, list.pop), 1000, id="lenses.par-13-columns"),
    pytest.param("2016/lenses.par", lambda t: edit_line(t, 1000, lambda f: f.append("1.0")), 1000,
                 id="lenses.par-15-columns"),
    pytest.param("2016/lenses.par", lambda t: edit_line(t, 500, set_field(7, "6O.1")), 500,
                 id="lenses.par-tau-not-a-number"),
    pytest.param("2016/lenses.par", lambda t: edit_line(t, 500, set_field(5, "2457x34.425")), 500,
                 id="lenses.par-tmax-not-a-number"),
    pytest.param("2016/lenses.par", lambda t: edit_line(t, 500, set_field(13, "nan")), 500,
                 id="lenses.par-i0-nan"),
    pytest.param("2016/lenses.par", lambda t: edit_line(t, 500, set_field(3, "17:5x:48.02")), 500,
                 id="lenses.par-ra-not-a-number"),
    pytest.param("2016/lenses.par", lambda t: edit_line(t, 500, set_field(4, "-28:59")), 500,
                 id="lenses.par-dec-two-parts"),
    pytest.param("2016/lenses.par", lambda t: edit_line(t, 500, set_field(0, "2016-XYZ-0498")), 500,
                 id="lenses.par-bad-name"),
    # Found by tests/test_fuzz.py: an Amax without a decimal point is checked against Dmag, and 10 ** (771 / 2.5)
    # overflowed (OverflowError) instead of naming the garbled Dmag.
    pytest.param("2016/lenses.par", lambda t: edit_line(t, 530, set_field(10, "771")), 530,
                 id="lenses.par-dmag-of-hundreds-of-magnitudes"),
    pytest.param("2016/lenses.par", drop_line(1), 1, id="lenses.par-no-header"),
    pytest.param("2016/lenses.par", lambda t: t.split("\n", 2)[2], 1, id="lenses.par-starts-with-an-event"),
    pytest.param("2016/lenses.par", lambda t: "", 1, id="lenses.par-empty"),
    # params.dat: 16 lines; Tmax is line 9, tau 10, umin 11, I0 16.
    pytest.param("2025/blg-0013/params.dat", lambda t: t[:-3], 16, id="params.dat-truncated-last-line"),
    pytest.param("2025/blg-0013/params.dat", lambda t: edit_line(t, 10, lambda f: f.append("1.0")), 10,
                 id="params.dat-4-columns"),
    pytest.param("2025/blg-0013/params.dat", lambda t: edit_line(t, 16, list.pop), 16, id="params.dat-2-columns"),
    pytest.param("2025/blg-0013/params.dat", lambda t: edit_line(t, 10, set_field(1, "29.2O6")), 10,
                 id="params.dat-value-not-a-number"),
    pytest.param("2025/blg-0013/params.dat", lambda t: edit_line(t, 11, set_field(2, "0.05l")), 11,
                 id="params.dat-error-not-a-number"),
    pytest.param("2025/blg-0013/params.dat", lambda t: edit_line(t, 9, set_field(1, "2460737.7x2")), 9,
                 id="params.dat-tmax-not-a-number"),
    pytest.param("2025/blg-0013/params.dat", lambda t: edit_line(t, 5, set_field(1, "17:51:3O.82")), 5,
                 id="params.dat-ra-not-a-number"),
    pytest.param("2025/blg-0013/params.dat", lambda t: edit_line(t, 6, set_field(1, "-30:16:3Z.1")), 6,
                 id="params.dat-dec-not-a-number"),
    pytest.param("2025/blg-0013/params.dat",
                 lambda t: edit_line(edit_line(t, 12, set_field(1, "5")), 13, set_field(1, "99999.000")), 13,
                 id="params.dat-dmag-of-hundreds-of-magnitudes"),
    pytest.param("2025/blg-0013/params.dat", lambda t: edit_line(t, 10, set_field(0, "tE")), 10,
                 id="params.dat-unknown-key"),
    pytest.param("2025/blg-0013/params.dat", lambda t: edit_line(t, 3, set_field(0, "Subfield")), 3,
                 id="params.dat-unknown-header-key"),
    # A missing key has no line of its own: the error names the end of the file (15 lines once umin is gone).
    pytest.param("2025/blg-0013/params.dat", drop_line(11), 15, id="params.dat-missing-umin"),
    pytest.param("2025/blg-0013/params.dat", drop_line(4), 15, id="params.dat-missing-starno"),
    pytest.param("2025/blg-0013/params.dat", lambda t: "2025-BLG-13\n" + t.split("\n", 1)[1], 1,
                 id="params.dat-bad-name"),
    pytest.param("2025/blg-0013/params.dat", lambda t: "", 1, id="params.dat-empty"),
    # phot.dat: 353 lines.
    pytest.param("2025/blg-0070/phot.dat", lambda t: t[:-4], 353, id="phot.dat-truncated-last-line"),
    pytest.param("2025/blg-0070/phot.dat", lambda t: t[:-1], 353, id="phot.dat-no-final-newline"),
    pytest.param("2025/blg-0070/phot.dat", lambda t: edit_line(t, 100, list.pop), 100, id="phot.dat-4-columns"),
    pytest.param("2025/blg-0070/phot.dat", lambda t: edit_line(t, 101, lambda f: f.append("1")), 101,
                 id="phot.dat-6-columns"),
    pytest.param("2025/blg-0070/phot.dat", lambda t: edit_line(t, 200, set_field(1, "18.7l5")), 200,
                 id="phot.dat-mag-not-a-number"),
    pytest.param("2025/blg-0070/phot.dat", lambda t: edit_line(t, 1, set_field(0, "2457796.8851x")), 1,
                 id="phot.dat-hjd-not-a-number"),
    pytest.param("2025/blg-0070/phot.dat", lambda t: edit_line(t, 50, set_field(0, "57796.38519")), 50,
                 id="phot.dat-hjd-not-full"),
]

PARSERS = {"lenses.par": ogle.parse_lenses_par, "params.dat": ogle.parse_params_dat,
           "phot.dat": ogle.parse_phot_dat}


@pytest.mark.parametrize("path, edit, line", MALFORMED)
def test_malformed_text_raises_parse_error_naming_source_and_line(ogle_file, path, edit, line):
    source = f"https://www.astrouw.edu.pl/ogle/ogle4/ews/{path}"
    parse = PARSERS[path.rsplit("/", 1)[-1]]
    # Any other exception escapes and fails the test; no exception at all is an AssertionError.
    assert_parse_error(parse, edit(ogle_file(path)), source, line)




@pytest.mark.parametrize("text", [
    pytest.param("2016110x.0449\n", id="not-a-number"),
    pytest.param("", id="empty"),
    pytest.param("2016-11-02\n", id="iso-date"),
    pytest.param("20161332.0449\n", id="impossible-date"),
    # The fraction rounds up to a whole day past 9999-12-31: it was an OverflowError.
    pytest.param("99991231.99999999999999999\n", id="past-the-year-9999"),
])
def test_malformed_last_changed_raises_parse_error(text):
    assert_parse_error(ogle.parse_last_changed, text, "last.changed", 1)


# names -----------------------------------------------------------------------------------------------------

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


def test_alert_ids_of_a_season_are_distinct(ogle_file):
    records = lenses_par(ogle_file, 2016)
    assert len({r["name"].alert_id for r in records}) == len(records)


@pytest.mark.parametrize("season, full", [(2017, "MOA-2017-BLG-007"), (2024, "MOA-2024-BLG-007"),
                                          (2025, "MOA-2025-BLG-0007"), (2026, "MOA-2026-BLG-0007")])
def test_moa_numbers_have_3_digits_up_to_2024_and_4_from_2025(season, full):
    assert AlertName("MOA", season, "BLG", 7).full == full


@pytest.mark.parametrize("season", [2011, 2024, 2025])
def test_ogle_numbers_always_have_4_digits(season):
    assert AlertName("OGLE", season, "BLG", 7).full == f"OGLE-{season}-BLG-0007"


def test_params_dat_accepts_a_tab_between_key_and_value(ogle_file):
    text = ogle_file("2025/blg-0013/params.dat").replace("StarNo         22244", "StarNo\t22244")
    assert ogle.parse_params_dat(text)["star_id"] == "22244"


@pytest.mark.parametrize("ra", ["-01:00:00.00", "24:00:00.00"])
def test_ra_outside_0_to_24_hours_is_a_parse_error(ra):
    with pytest.raises(ParseError):
        sexagesimal_to_degrees(ra, hours=True, source="x", line=1)
