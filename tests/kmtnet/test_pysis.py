"""pySIS light curves against every recorded one, and MulensModel's cut-down copies of KMT-2018-BLG-0003.

Conventions checked here: every time is HJD - 2450000 rounded to the decimals KMTNet published, whatever
zero-point the file used (HJD - 2450000 up to 2022, full HJD in 2025); rows with a non-finite magnitude are
dropped and counted; fwhm -1.00 is None; V files have no magnitudes. Malformed text raises ParseError naming
the file and the line.
"""

import pytest

from microlensing_to_sqlite.kmtnet.demo import PYSIS_HEADER
from microlensing_to_sqlite.kmtnet.pysis import parse_pysis, pysis_telescope_and_band
from microlensing_to_sqlite.kmtnet.site import EVENT_ROOT
from microlensing_to_sqlite.parsing import ParseError
from tests.support.malformed import assert_parse_error, edit_line, insert_field, set_field
from tests.support.recorded import drop_field, drop_line, hjd_by_hand

# pySIS files in the mirror and the rows each holds (header excluded).
PYSIS = {
    "2021/data/KB211122/pysis/KMTA14_I.pysis": 414,
    "2021/data/KB211122/pysis/KMTA14_V.pysis": 39,
    "2022/data/KB220001/pysis/KMTC01_I.pysis": 9,
    "2025/data/KB250001/pysis/KMTA41_I.pysis": 9,
    "2025/data/KB250001/pysis/KMTC01_I.pysis": 9,
    "2025/data/KB250001/pysis/KMTC41_I.pysis": 9,
}
PYSIS_I = "2021/data/KB211122/pysis/KMTA14_I.pysis"
PYSIS_V = "2021/data/KB211122/pysis/KMTA14_V.pysis"
# MulensModel's copies of KMT-2018-BLG-0003: 5 columns, nan rows commented out with `#`.
MULENSMODEL = {"KMTA12": 296, "KMTA14": 67, "KMTC12": 77, "KMTC14": 169, "KMTS12": 37, "KMTS14": 56}
MULENSMODEL_FOLDER = "kmtnet-KB180003-MulensModel"


def pysis(kmtnet_file, path):
    return parse_pysis(kmtnet_file(path), source=path)


def mulensmodel_text(recorded_excerpts, telescope):
    path = recorded_excerpts / MULENSMODEL_FOLDER / f"KB180003_{telescope}_I.pysis.MulensModel_truncated"
    return path.read_text(encoding="ascii")


@pytest.mark.parametrize("path, rows", PYSIS.items(), ids=list(PYSIS))
def test_pysis_has_one_row_per_data_line(kmtnet_file, path, rows):
    lightcurve = pysis(kmtnet_file, path)
    assert (len(lightcurve.rows), lightcurve.dropped_non_finite) == (rows, 0)
    assert rows == len(kmtnet_file(path).splitlines()) - 1


@pytest.mark.parametrize("path, first_row", [
    ("2025/data/KB250001/pysis/KMTC01_I.pysis", (10726.83242, 17.0141, 0.0101, -607.3898, 230.0665, 3.93, 1288.0, 1.9)),
    ("2025/data/KB250001/pysis/KMTA41_I.pysis", (10727.24658, 16.8331, 0.0299, -5104.2503, 795.5798, 11.6, 1358.0, 1.56)),
    ("2022/data/KB220001/pysis/KMTC01_I.pysis", (9630.83268, 15.9579, 0.0055, -4045.9242, 333.17, 4.37, 1428.0, 1.9)),
    ("2021/data/KB211122/pysis/KMTA14_I.pysis", (9266.20869, 20.1487, 0.1743, 202.8777, 204.9351, 7.88, 756.0, 1.92)),
    ("2021/data/KB211122/pysis/KMTA14_V.pysis", (9273.28704, None, None, 87.2401, 196.6024, 5.42, 1888.0, 1.15)),
], ids=lambda value: value if isinstance(value, str) else "")
def test_pysis_first_row(kmtnet_file, path, first_row):
    assert pysis(kmtnet_file, path).rows[0] == first_row


def test_pysis_2025_full_hjd_is_converted(kmtnet_file):
    # Written `2460726.83242`.
    assert pysis(kmtnet_file, "2025/data/KB250001/pysis/KMTC01_I.pysis").rows[0][0] == 10726.83242


def test_pysis_2022_hjd_minus_2450000_is_kept(kmtnet_file):
    assert pysis(kmtnet_file, "2022/data/KB220001/pysis/KMTC01_I.pysis").rows[0][0] == 9630.83268


@pytest.mark.parametrize("path", PYSIS)
def test_pysis_every_row_is_the_published_numbers(kmtnet_file, path):
    lines = kmtnet_file(path).splitlines()
    names = lines[0][1:].split()
    expected = []
    for line in lines[1:]:
        value = dict(zip(names, line.split()))
        fwhm = float(value["fwhm"])
        expected.append((
            hjd_by_hand(value["HJD"]),
            float(value["mag"]) if "mag" in value else None, float(value["mag_err"]) if "mag_err" in value else None,
            float(value["\\Delta_flux"]), float(value["flux_err"]),
            None if fwhm == -1 else fwhm, float(value["sky"]), float(value["secz"]),
        ))
    assert pysis(kmtnet_file, path).rows == expected


@pytest.mark.parametrize("path, bad_frames", [(PYSIS_I, 29), (PYSIS_V, 13)])
def test_pysis_bad_frames_are_kept_with_fwhm_none(kmtnet_file, path, bad_frames):
    rows = pysis(kmtnet_file, path).rows
    assert sum(row[5] is None for row in rows) == bad_frames == kmtnet_file(path).count(" -1.00 ")


def test_pysis_bad_frame_row(kmtnet_file):
    # The last row of the 2021 I file but one: `9504.92169 -911.5872 1751.6676 19.5067 1.3132 -1.00 4429 1.70`.
    assert pysis(kmtnet_file, PYSIS_I).rows[-2] == (
        9504.92169, 19.5067, 1.3132, -911.5872, 1751.6676, None, 4429.0, 1.7)


def test_pysis_v_band_has_no_magnitudes(kmtnet_file):
    assert {(row[1], row[2]) for row in pysis(kmtnet_file, PYSIS_V).rows} == {(None, None)}


def test_pysis_outliers_are_kept(kmtnet_file):
    # A huge negative flux and mag_err 5.74 are published values, not parse failures.
    rows = pysis(kmtnet_file, PYSIS_I).rows
    assert (min(row[3] for row in rows), max(row[2] for row in rows)) == (-389728.054, 5.7386)


@pytest.mark.parametrize("path", PYSIS)
def test_pysis_holds_one_season(kmtnet_file, path):
    times = [row[0] for row in pysis(kmtnet_file, path).rows]
    assert max(times) - min(times) < 365


def test_pysis_non_finite_magnitude_row_is_dropped_and_counted(kmtnet_file):
    text = kmtnet_file(PYSIS_I).replace("20.1487    0.1743", "nan    nan")
    lightcurve = parse_pysis(text, source="KMTA14_I.pysis")
    assert (len(lightcurve.rows), lightcurve.dropped_non_finite) == (413, 1)
    assert lightcurve.rows[0][0] == 9266.26465


@pytest.mark.parametrize("mag", ["nan", "inf", "-inf", "-nan", "NaN"])
def test_pysis_every_non_finite_spelling_is_dropped(kmtnet_file, mag):
    text = kmtnet_file("2022/data/KB220001/pysis/KMTC01_I.pysis").replace("15.9579", mag)
    assert parse_pysis(text, source="KMTC01_I.pysis").dropped_non_finite == 1


def test_pysis_v_band_rows_without_magnitudes_are_not_dropped(kmtnet_file):
    assert pysis(kmtnet_file, PYSIS_V).dropped_non_finite == 0


@pytest.mark.parametrize("telescope, rows", MULENSMODEL.items())
def test_pysis_mulensmodel_5_columns(recorded_excerpts, telescope, rows):
    text = mulensmodel_text(recorded_excerpts, telescope)
    lightcurve = parse_pysis(text, source=f"KB180003/{telescope}_I.pysis")
    data_lines = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
    assert (len(lightcurve.rows), lightcurve.dropped_non_finite) == (rows, 0) == (len(data_lines), 0)


@pytest.mark.parametrize("telescope", MULENSMODEL)
def test_pysis_mulensmodel_every_row_is_the_published_numbers(recorded_excerpts, telescope):
    text = mulensmodel_text(recorded_excerpts, telescope)
    expected = []
    for line in text.splitlines():
        if line.startswith("#"):
            continue
        hjd, flux, flux_err, mag, mag_err = line.split()
        expected.append((float(hjd), float(mag), float(mag_err), float(flux), float(flux_err), None, None, None))
    assert parse_pysis(text, source=telescope).rows == expected


def test_pysis_mulensmodel_commented_nan_rows_are_skipped(recorded_excerpts):
    # MulensModel commented out its 5 nan rows (`#8177.23803  -524033.7371   641208.1339   nan  nan`).
    text = mulensmodel_text(recorded_excerpts, "KMTA12")
    rows = parse_pysis(text, source="KMTA12_I.pysis").rows
    assert text.count("nan  nan") == 5
    assert 8177.23803 not in {row[0] for row in rows}


def test_pysis_mulensmodel_first_row(recorded_excerpts):
    rows = parse_pysis(mulensmodel_text(recorded_excerpts, "KMTA12"), source="KMTA12_I.pysis").rows
    assert rows[0] == (8171.20494, 19.1618, 0.139613, -1844.839, 413.8464, None, None, None)


def test_pysis_header_only_has_no_rows():
    lightcurve = parse_pysis(PYSIS_HEADER, source="x.pysis")
    assert (lightcurve.rows, lightcurve.dropped_non_finite) == ([], 0)


@pytest.mark.parametrize("file_name, expected", [("KMTC01_I.pysis", ("KMTC01", "I")),
                                                 ("KMTA41_I.pysis", ("KMTA41", "I")),
                                                 ("KMTS15_V.pysis", ("KMTS15", "V"))])
def test_pysis_telescope_and_band(file_name, expected):
    assert pysis_telescope_and_band(file_name) == expected


@pytest.mark.parametrize("file_name", ["KMTC01_I.diapl", "KMTX01_I.pysis", "KMTC1_I.pysis", "KMTC01_R.pysis",
                                       "pysis.tar.gz", "data/KB190001/pysis/KMTC01_I.pysis", ""])
def test_pysis_telescope_and_band_rejects_other_names(file_name):
    with pytest.raises(ParseError):
        pysis_telescope_and_band(file_name)


# Malformed text: the 2021 I file has 415 lines (header + 414 rows), the V file 40.
MALFORMED = [
    pytest.param(PYSIS_I, lambda t: t[:-4], 415, id="truncated-last-line"),
    pytest.param(PYSIS_I, lambda t: t[:-1], 415, id="no-final-newline"),
    pytest.param(PYSIS_I, lambda t: t.replace("secz", "airmass"), 1, id="unknown-header-name"),
    pytest.param(PYSIS_I, lambda t: t.replace("  mag  mag_err", "  mag"), 1, id="header-mag-without-error"),
    pytest.param(PYSIS_I, lambda t: t.replace("  fwhm  sky", "  fwhm  fwhm  sky"), 1, id="header-repeats"),
    pytest.param(PYSIS_I, lambda t: t.replace("# HJD", "# JD"), 1, id="header-without-hjd"),
    pytest.param(PYSIS_I, drop_line(1), 1, id="no-header"),
    pytest.param(PYSIS_I, lambda t: "", 1, id="empty"),
    pytest.param(PYSIS_I, lambda t: edit_line(t, 100, set_field(1, "12x.5")), 100, id="flux-not-a-number"),
    pytest.param(PYSIS_I, lambda t: edit_line(t, 100, set_field(3, "19.1x")), 100, id="mag-not-a-number"),
    pytest.param(PYSIS_I, lambda t: edit_line(t, 100, set_field(6, "-")), 100, id="sky-not-a-number"),
    pytest.param(PYSIS_I, lambda t: edit_line(t, 100, set_field(0, "92x6.1")), 100, id="time-not-a-number"),
    pytest.param(PYSIS_I, lambda t: edit_line(t, 100, set_field(0, "nan")), 100, id="time-nan"),
    pytest.param(PYSIS_I, lambda t: edit_line(t, 100, set_field(0, "29266.2")), 100, id="time-in-no-convention"),
    pytest.param(PYSIS_I, lambda t: edit_line(t, 100, set_field(0, "2459300.12345")), 100,
                 id="time-convention-changes"),
    pytest.param(PYSIS_I, lambda t: edit_line(t, 200, drop_field(7)), 200, id="7-columns"),
    pytest.param(PYSIS_I, lambda t: edit_line(t, 201, lambda f: f.append("1.0")), 201, id="9-columns"),
    pytest.param(PYSIS_V, lambda t: edit_line(t, 20, insert_field(3, "19.1")), 20, id="v-with-a-magnitude"),
    pytest.param(PYSIS_V, lambda t: edit_line(t, 20, set_field(2, "2O1.3")), 20, id="v-flux-error-not-a-number"),
]


@pytest.mark.parametrize("path, edit, line", MALFORMED)
def test_malformed_pysis_raises_parse_error_naming_source_and_line(kmtnet_file, path, edit, line):
    assert_parse_error(parse_pysis, edit(kmtnet_file(path)), f"{EVENT_ROOT}/{path}", line)


def test_malformed_mulensmodel_pysis_raises_parse_error(recorded_excerpts):
    text = edit_line(mulensmodel_text(recorded_excerpts, "KMTS12"), 10, set_field(2, "2O3.8"))
    assert_parse_error(parse_pysis, text, "KMTS12_I.pysis", 10)
