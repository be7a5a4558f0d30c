"""params.dat, one OGLE event's fit with uncertainties, against every recorded one.

Conventions checked here: Amax >= 99999 (`99999.999`) is undefined and takes Amax_err, Dmag and Dmag_err with
it; errors of 0.000 or >= 999.999 are NULL; empty remarks are NULL. Malformed text raises ParseError naming
the file and the line.
"""

import math

import pytest

from microlensing_to_sqlite.names import AlertName
from microlensing_to_sqlite.ogle import site
from microlensing_to_sqlite.ogle.params_dat import parse_params_dat
from tests.support.malformed import assert_parse_error, edit_line, set_field
from tests.support.recorded import drop_line, lenses_par, record_named

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


def params_dat(ogle_file, event):
    return parse_params_dat(ogle_file(f"{event}/params.dat"), source=f"{event}/params.dat")


@pytest.mark.parametrize("event", PARAMS_DAT_RECORDS)
def test_params_dat_record(ogle_file, event):
    assert params_dat(ogle_file, event) == PARAMS_DAT_RECORDS[event]


@pytest.mark.parametrize("event", PARAMS_DAT_RECORDS)
def test_params_dat_names_the_event_of_its_folder(ogle_file, event):
    season, folder = event.split("/")
    assert params_dat(ogle_file, event)["name"] == site.name_from_event_directory(int(season), folder)


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
    record = parse_params_dat(text)
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
    assert parse_params_dat(text)["remarks"] == "binary?"


def test_params_dat_accepts_a_tab_between_key_and_value(ogle_file):
    text = ogle_file("2025/blg-0013/params.dat").replace("StarNo         22244", "StarNo\t22244")
    assert parse_params_dat(text)["star_id"] == "22244"


@pytest.mark.parametrize("event", ["2025/blg-0001", "2025/blg-0006"])
def test_params_dat_agrees_with_lenses_par(ogle_file, event):
    listed = record_named(lenses_par, ogle_file, "OGLE-" + event.replace("/blg-", "-BLG-"))
    fitted = params_dat(ogle_file, event)
    keys = ["name", "field", "star_id", "ra", "dec", "t0", "u0", "fbl", "Ibase", "Isrc"]
    assert {k: fitted[k] for k in keys} == {k: listed[k] for k in keys}


# Malformed text: always ParseError, naming the source and the line. 2025/blg-0013/params.dat has 16 lines;
# Tmax is line 9, tau 10, umin 11, I0 16.
MALFORMED = [
    pytest.param(lambda t: t[:-3], 16, id="truncated-last-line"),
    pytest.param(lambda t: edit_line(t, 10, lambda f: f.append("1.0")), 10, id="4-columns"),
    pytest.param(lambda t: edit_line(t, 16, list.pop), 16, id="2-columns"),
    pytest.param(lambda t: edit_line(t, 10, set_field(1, "29.2O6")), 10, id="value-not-a-number"),
    pytest.param(lambda t: edit_line(t, 11, set_field(2, "0.05l")), 11, id="error-not-a-number"),
    pytest.param(lambda t: edit_line(t, 9, set_field(1, "2460737.7x2")), 9, id="tmax-not-a-number"),
    pytest.param(lambda t: edit_line(t, 5, set_field(1, "17:51:3O.82")), 5, id="ra-not-a-number"),
    pytest.param(lambda t: edit_line(t, 6, set_field(1, "-30:16:3Z.1")), 6, id="dec-not-a-number"),
    pytest.param(lambda t: edit_line(edit_line(t, 12, set_field(1, "5")), 13, set_field(1, "99999.000")), 13,
                 id="dmag-of-hundreds-of-magnitudes"),
    pytest.param(lambda t: edit_line(t, 10, set_field(0, "tE")), 10, id="unknown-key"),
    pytest.param(lambda t: edit_line(t, 3, set_field(0, "Subfield")), 3, id="unknown-header-key"),
    # A missing key has no line of its own: the error names the end of the file (15 lines once umin is gone).
    pytest.param(drop_line(11), 15, id="missing-umin"),
    pytest.param(drop_line(4), 15, id="missing-starno"),
    pytest.param(lambda t: "2025-BLG-13\n" + t.split("\n", 1)[1], 1, id="bad-name"),
    pytest.param(lambda t: "", 1, id="empty"),
]


@pytest.mark.parametrize("edit, line", MALFORMED)
def test_malformed_params_dat_raises_parse_error_naming_source_and_line(ogle_file, edit, line):
    source = site.params_url(AlertName("OGLE", 2025, "BLG", 13))
    assert_parse_error(parse_params_dat, edit(ogle_file("2025/blg-0013/params.dat")), source, line)
