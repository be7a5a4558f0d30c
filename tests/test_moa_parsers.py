"""The MOA parsers against every real MOA file in ../shared/survey-samples, and against hand-written fixtures.

Real: index.dat 2017 (first 8 rows) and 2024 (whole), the moaprime 2025 index (whole), the text of alert.php 2017
after its tags were stripped, and two fragments of archive photometry. Hand-written, in the layouts
../shared/notes/formats.md infers (tests/fixtures/moa/README.md): alert.php, display.php, the moaprime event page,
the fetchtxt.php photometry and moa2ogle.txt.

Conventions checked here: names are MOA AlertNames (3 digits up to 2024, 4 from 2025, BLG or LMC); times are
HJD - 2450000, made heliocentric from MOA's JD or UT dates (5 decimals), except display.php's `HJD` tmax; F_ref = 0
means uncalibrated and gives no magnitudes; malformed text raises ParseError naming the source and the line.
"""

import datetime
import functools
import gzip
import math
import re
from pathlib import Path

import numpy as np
import pytest

from build import moa, moa_pages
from build.mirror import Mirror
from build.names import AlertName
from build.parsing import ParseError
from tests.malformed import assert_parse_error, edit_line, set_field

FIXTURES = Path(__file__).parent / "fixtures" / "moa"
INDEX_2017 = "https://www.massey.ac.nz/~iabond/moa/alert2017/index.dat"
INDEX_2024 = "https://www.massey.ac.nz/~iabond/moa/alert2024/index.dat"
PRIME_2025 = "https://moaprime.massey.ac.nz/alerts/index/moa/2025"
# Light takes 499.0 s to cross 1 AU; the Earth is 1.0167 AU from the Sun at aphelion: 507.3 s = 0.00587 d.
MAX_HELIOCENTRIC_DAYS = 1.0167 * 499.005 / 86400


@pytest.fixture(scope="session")
def shared_excerpts(shared_mirror):
    """The real MOA excerpts beside the mirror: not servable files (a text capture, fragments)."""
    return shared_mirror.parent / "excerpts" / "moa"


@pytest.fixture(scope="session")
def real(shared_mirror):
    """`real(url)`: a recorded file, read from the mirror at the URL the build would fetch."""
    mirror = Mirror(shared_mirror)

    @functools.lru_cache(maxsize=None)
    def read(url):
        text = mirror.read_text(url)
        assert text is not None, f"the mirror has no {url}"
        return text

    return read


@functools.lru_cache(maxsize=None)
def fixture(name):
    return (FIXTURES / name).read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def index_2017(real):
    return moa.parse_index_dat(real(INDEX_2017), source=INDEX_2017, season=2017)


@pytest.fixture(scope="session")
def index_2024(real):
    return moa.parse_index_dat(real(INDEX_2024), source=INDEX_2024, season=2024)


@pytest.fixture(scope="session")
def prime_2025(real):
    return moa_pages.parse_moaprime_index(real(PRIME_2025), source=PRIME_2025, season=2025)


@pytest.fixture(scope="session")
def alert_text_rows(shared_excerpts):
    """The event rows of the real alert.php text: the cells run together, so they are split by pattern."""
    text = (shared_excerpts / "alert.php.2017.text_lines_as_captured.txt").read_text()
    pattern = (r"(\d{4}-BLG-\d{3})(\d\d:\d\d:\d\d\.\d\d)(-\d\d:\d\d:\d\d\.\d\d)(\d{4}-[A-Z][a-z]{2}-\d+\.\d\d)"
               r"(\d+\.\d\d)(\d+\.\d\d)(\d+\.\d\d)([a-z]+)")
    return [re.fullmatch(pattern, line).groups() for line in text.splitlines() if re.match(r"\d{4}-BLG", line)]


def record_named(records, full_name):
    [record] = [r for r in records if r["name"].full == full_name]
    return record


def index_lines(real, url):
    return [line.split() for line in real(url).splitlines() if line.strip()]


def name(season, number, region="BLG"):
    return AlertName("MOA", season, region, number)


# URLs ------------------------------------------------------------------------------------------------------

def test_seasons_run_from_2016_to_this_year():
    assert moa.seasons(datetime.date(2026, 5, 1)) == list(range(2016, 2027))


@pytest.mark.parametrize("url, expected", [
    (moa.index_dat_url(2017), "https://www.massey.ac.nz/~iabond/moa/alert2017/index.dat"),
    (moa.alert_php_url(2017), "https://www.massey.ac.nz/~iabond/moa/alert2017/alert.php"),
    (moa.display_php_url(2017, "gb2-R-2-19629"),
     "https://www.massey.ac.nz/~iabond/moa/alert2017/display.php?id=gb2-R-2-19629"),
    (moa.photometry_url(2017, "gb2-R-2-19629"),
     "https://www.massey.ac.nz/~iabond/moa/alert2017/fetchtxt.php?path=moa/ephot/phot-gb2-R-2-19629.dat"),
    (moa.moa2ogle_url(2017), "https://www.massey.ac.nz/~iabond/moa/alert2017/moa2ogle.txt"),
    (moa.moa2ogle_fetchtxt_url(2017),
     "https://www.massey.ac.nz/~iabond/moa/alert2017/fetchtxt.php?path=moa/alert2017/moa2ogle.txt"),
    (moa.prime_index_url(2025), "https://moaprime.massey.ac.nz/alerts/index/moa/2025"),
    (moa.prime_display_url(name(2025, 1)), "https://moaprime.massey.ac.nz/alerts/display/MOA-2025-BLG-0001"),
    (moa.list_url(2024), "https://www.massey.ac.nz/~iabond/moa/alert2024/index.dat"),
    (moa.list_url(2025), "https://moaprime.massey.ac.nz/alerts/index/moa/2025"),
])
def test_url(url, expected):
    assert url == expected


@pytest.mark.parametrize("alert, internal_id, expected", [
    (name(2017, 1), "gb2-R-2-19629", "https://www.massey.ac.nz/~iabond/moa/alert2017/display.php?id=gb2-R-2-19629"),
    (name(2017, 1), None, "https://www.massey.ac.nz/~iabond/moa/alert2017/alert.php"),
    (name(2025, 1, "LMC"), None, "https://moaprime.massey.ac.nz/alerts/display/MOA-2025-LMC-0001"),
])
def test_alert_page_url(alert, internal_id, expected):
    assert moa.alert_page_url(alert, internal_id) == expected


@pytest.mark.parametrize("url", [INDEX_2017, INDEX_2024, PRIME_2025])
def test_the_real_lists_are_in_the_mirror_at_their_urls(shared_mirror, url):
    assert Mirror(shared_mirror).has(url)


# index.dat 2017 (first 8 rows) -----------------------------------------------------------------------------

def test_index_dat_2017_has_its_8_rows_in_order(index_2017):
    assert [r["name"] for r in index_2017] == [name(2017, n) for n in range(1, 9)]


def test_index_dat_2017_record_2017_blg_001(index_2017):
    assert index_2017[0] == {
        "name": name(2017, 1), "internal_id": "gb2-R-2-19629",
        "ra": 268.434977871, "dec": -34.2212870236, "ra_hms": "17:53:44.39", "dec_dms": "-34:13:16.63",
        "t0": 7782.04301, "t0_jd": 2457782.047299, "tE": 12.86, "u0": 0.4, "Ibase": 14.49,
        "zp": 25.7023916071, "f_ref": 7518.94040867, "calibration_ok": True,
    }


def test_index_dat_every_value_is_the_published_number(real, index_2017, index_2024):
    columns = {"ra": 2, "dec": 3, "t0_jd": 4, "tE": 5, "u0": 6, "Ibase": 7, "zp": 8, "f_ref": 9}
    for url, records in ((INDEX_2017, index_2017), (INDEX_2024, index_2024)):
        for record, fields in zip(records, index_lines(real, url), strict=True):
            assert record["name"].full == "MOA-" + fields[0]
            assert record["internal_id"] == fields[1]
            assert {c: record[c] for c in columns} == {c: float(fields[i]) for c, i in columns.items()}


def test_index_dat_f_ref_0_is_kept_but_uncalibrated(index_2017):
    # 2017-BLG-005: ZP 27.4085866458, F_ref `0`.
    record = index_2017[4]
    assert (record["zp"], record["f_ref"], record["calibration_ok"]) == (27.4085866458, 0.0, False)


def test_index_dat_2017_other_rows_are_calibrated(index_2017):
    assert [r["calibration_ok"] for r in index_2017] == [True] * 4 + [False] + [True] * 3


def test_index_dat_sexagesimal_text_is_derived_as_alert_php_writes_it(index_2017, alert_text_rows):
    # The degrees of index.dat, written as hh:mm:ss.ss and dd:mm:ss.ss, give alert.php's text exactly.
    assert [(r["ra_hms"], r["dec_dms"]) for r in index_2017] == [row[1:3] for row in alert_text_rows]


def test_index_dat_t0_jd_is_alert_php_ut_date(index_2017, alert_text_rows):
    # alert.php shows t0 as a UT date to 0.01 d; index.dat's JD rounds to it, so its t0 is JD (UT) too.
    for record, row in zip(index_2017, alert_text_rows, strict=True):
        assert abs(record["t0_jd"] - moa.calendar_day_to_jd(row[3])) <= 0.005 + 1e-9


def test_index_dat_te_and_ibase_are_alert_php_values(index_2017, alert_text_rows):
    assert [(r["tE"], r["Ibase"]) for r in index_2017] == [(float(row[4]), float(row[6])) for row in alert_text_rows]


def test_index_dat_u0_gives_alert_php_amax(index_2017, alert_text_rows):
    """u0 is the point-lens impact parameter: A = (u^2 + 2) / (u sqrt(u^2 + 4)) is alert.php's Amax.

    u0 is written to 4 decimals, so Amax is checked against the range that rounding allows."""
    def magnification(u):
        return (u * u + 2) / (u * math.sqrt(u * u + 4))

    for record, row in zip(index_2017, alert_text_rows, strict=True):
        low, high = magnification(record["u0"] + 5e-5), magnification(record["u0"] - 5e-5)
        assert low - 0.005 <= float(row[5]) <= high + 0.005, record["name"].full


# index.dat 2024 (whole) ------------------------------------------------------------------------------------

def test_index_dat_2024_names_every_event_from_1_to_285(index_2024):
    assert [r["name"] for r in index_2024] == [name(2024, n) for n in range(1, 286)]


def test_index_dat_2024_f_ref_is_0_in_96_rows(index_2024):
    assert sum(r["f_ref"] == 0.0 for r in index_2024) == 96


def test_index_dat_2024_uncalibrated_exactly_where_f_ref_is_0(index_2024):
    assert [not r["calibration_ok"] for r in index_2024] == [r["f_ref"] == 0.0 for r in index_2024]


def test_index_dat_2024_zero_point_is_never_0(index_2024):
    # So "uncalibrated" cannot mean ZP = F_ref = 0 only.
    assert min(r["zp"] for r in index_2024) == 25.8274757401


@pytest.mark.parametrize("full_name, values", [
    ("MOA-2024-BLG-283", {"tE": 18505.57, "u0": 0.0001, "Ibase": 26.31, "f_ref": 0.0}),
    ("MOA-2024-BLG-284", {"tE": 0.32, "u0": 9.69, "Ibase": 7.46, "f_ref": 89750.5769448}),
    ("MOA-2024-BLG-013", {"tE": 194205.89, "u0": 0.0, "Ibase": 28.35}),
    ("MOA-2024-BLG-235", {"tE": 0.12, "u0": 21.0904, "Ibase": 0.42}),
])
def test_index_dat_2024_extreme_fits_are_kept(index_2024, full_name, values):
    record = record_named(index_2024, full_name)
    assert {k: record[k] for k in values} == values


def test_index_dat_2024_internal_ids_are_distinct(index_2024):
    assert len({r["internal_id"] for r in index_2024}) == 285


def test_index_dat_2024_is_all_bulge_with_3_digit_names(real, index_2024):
    assert {r["name"].region for r in index_2024} == {"BLG"}
    assert [r["name"].full for r in index_2024] == ["MOA-" + f[0] for f in index_lines(real, INDEX_2024)]


def test_index_dat_t0_is_heliocentric_within_the_light_time_of_the_earth_orbit(index_2017, index_2024):
    for record in index_2017 + index_2024:
        assert 0 < abs(record["t0"] - (record["t0_jd"] - 2450000)) <= MAX_HELIOCENTRIC_DAYS


def test_index_dat_t0_has_5_decimals(index_2024):
    assert all(round(r["t0"], 5) == r["t0"] for r in index_2024)


def test_index_dat_sexagesimal_coordinates_are_converted(real):
    text = real(INDEX_2017).replace("268.434977871 -34.2212870236", "17:53:44.39 -34:13:16.63")
    record = moa.parse_index_dat(text, season=2017)[0]
    assert (record["ra"], record["dec"], record["ra_hms"], record["dec_dms"]) == (
        268.4349583, -34.2212861, "17:53:44.39", "-34:13:16.63")


def test_index_dat_empty_file_is_no_events():
    assert moa.parse_index_dat("", season=2024) == []


def test_index_dat_accepts_lmc_names(real):
    text = real(INDEX_2017).replace("2017-BLG-008", "2017-LMC-001")
    assert moa.parse_index_dat(text, season=2017)[7]["name"] == name(2017, 1, "LMC")


# JD -> HJD -------------------------------------------------------------------------------------------------

def hjd_by_hand(jd, ra, dec):
    """HJD - 2450000 from the Astronomical Almanac's low-precision Sun (0.01 deg), independent of astropy.

    HJD = JD - (Sun's geocentric position . direction to the star) / c, in the J2000 equator."""
    n = jd - 2451545.0
    mean_anomaly = math.radians(357.528 + 0.9856003 * n)
    longitude = math.radians(280.460 + 0.9856474 * n + 1.915 * math.sin(mean_anomaly)
                             + 0.020 * math.sin(2 * mean_anomaly) - 1.397 * n / 36525)  # equinox of J2000
    distance = 1.00014 - 0.01671 * math.cos(mean_anomaly) - 0.00014 * math.cos(2 * mean_anomaly)
    obliquity = math.radians(23.4393)
    sun = (distance * math.cos(longitude), distance * math.cos(obliquity) * math.sin(longitude),
           distance * math.sin(obliquity) * math.sin(longitude))
    a, d = math.radians(ra), math.radians(dec)
    star = (math.cos(d) * math.cos(a), math.cos(d) * math.sin(a), math.sin(d))
    au_light_days = 149597870.7 / 299792.458 / 86400
    return jd - sum(s * t for s, t in zip(sun, star)) * au_light_days - 2450000


@pytest.mark.parametrize("jd, ra, dec", [
    (2457782.047299, 268.434977871, -34.2212870236),   # 2017-BLG-001, January
    (2460458.288169, 267.097091789, -35.0030159558),   # 2024-BLG-001, June
    (2460709.03, 266.6463446, -34.2869917),            # MOA-2025-BLG-0001
    (2460738.8, 82.9523604, -69.2587887),              # MOA-2025-LMC-0001
    (2459000.2, 180.0, 0.0),
    (2458000.5, 10.0, 20.0),
])
def test_jd_to_hjd_agrees_with_a_direct_calculation(jd, ra, dec):
    assert moa.jd_to_hjd_minus_2450000(jd, ra, dec) == pytest.approx(hjd_by_hand(jd, ra, dec), abs=1e-5)


def test_jd_to_hjd_of_an_array_is_each_element():
    jds = [2457750.123456, 2457782.0473, 2457800.956789]
    values = moa.jd_to_hjd_minus_2450000(np.array(jds), 268.434977871, -34.2212870236)
    assert list(values) == [moa.jd_to_hjd_minus_2450000(jd, 268.434977871, -34.2212870236) for jd in jds]


def test_jd_to_hjd_of_a_number_is_a_float_with_5_decimals():
    value = moa.jd_to_hjd_minus_2450000(2457782.047299, 268.434977871, -34.2212870236)
    assert (type(value), value) == (float, 7782.04301)


def test_jd_to_hjd_of_nothing_is_empty():
    assert moa.jd_to_hjd_minus_2450000([], 268.4, -34.2).shape == (0,)


def test_jd_to_hjd_works_past_the_earth_rotation_tables():
    # 2035: no IERS data exist; the function must neither download them nor fail.
    assert moa.jd_to_hjd_minus_2450000(2464329.5, 268.4, -29.0) == pytest.approx(
        hjd_by_hand(2464329.5, 268.4, -29.0), abs=1e-5)


@pytest.mark.parametrize("text, jd", [
    ("2017-Jan-28.55", 2457782.05), ("2016-Nov-6.70", 2457699.2), ("2025-02-02.53", 2460709.03),
    ("2000-Jan-1", 2451544.5), ("2024-Feb-29.5", 2460370.0),
])
def test_calendar_day_to_jd(text, jd):
    assert moa.calendar_day_to_jd(text) == jd


@pytest.mark.parametrize("text", [
    "2017-Foo-28.55", "2017-02-30.1", "28-Jan-2017", "2017-Jan", "",
    # Found by tests/test_fuzz.py: a point without decimals reached float(".") and raised ValueError.
    "2017-Jan-28.",
])
def test_calendar_day_to_jd_rejects_other_text(text):
    with pytest.raises(ParseError):
        moa.calendar_day_to_jd(text, "alert.php", 21)


@pytest.mark.parametrize("value, hours, text", [
    (268.434977871, True, "17:53:44.39"), (-34.2212870236, False, "-34:13:16.63"), (359.9999999, True, "00:00:00.00"),
    (-0.0000001, False, "00:00:00.00"), (-0.5, False, "-00:30:00.00"),
])
def test_degrees_to_sexagesimal(value, hours, text):
    assert moa.degrees_to_sexagesimal(value, hours) == text


# Magnitudes ------------------------------------------------------------------------------------------------

def test_flux_to_magnitudes_is_the_calibration_equation():
    mag, err = moa.flux_to_magnitudes(2500.3318, 95.331, 25.70, 7518.9)
    assert mag == pytest.approx(25.70 - 2.5 * math.log10(2500.3318 + 7518.9), abs=1e-12)
    assert err == pytest.approx(2.5 / math.log(10) * 95.331 / (2500.3318 + 7518.9), abs=1e-12)


def test_flux_to_magnitudes_error_factor_is_2_5_over_ln_10():
    assert moa.flux_to_magnitudes(0.0, 1.0, 27.0, 1.0)[1] == 1.0857362047581294


def test_flux_to_magnitudes_reference_flux_alone_is_the_reference_magnitude():
    assert moa.flux_to_magnitudes(0.0, 10.0, 27.40, 1000.0)[0] == pytest.approx(27.40 - 7.5)


@pytest.mark.parametrize("delta_flux", [-7518.9, -8000.0, -1e9])
def test_flux_to_magnitudes_none_when_total_flux_is_not_positive(delta_flux):
    assert moa.flux_to_magnitudes(delta_flux, 400.0, 25.70, 7518.9) == (None, None)


@pytest.mark.parametrize("zp, f_ref", [(27.4085866458, 0.0), (0.0, 0.0), (0.0, 1523.4)])
def test_flux_to_magnitudes_none_when_uncalibrated(zp, f_ref):
    assert moa.flux_to_magnitudes(12379.9, 120.4, zp, f_ref) == (None, None)


def test_flux_to_magnitudes_array_matches_the_scalar_function():
    flux = [-35.2104, 12379.9451, -8000.0, -7518.9, 900.2087]
    error = [90.1187, 120.4022, 400.51, 50.0, 91.0452]
    mags, errs = moa.flux_to_magnitudes_array(flux, error, 25.70, 7518.9)
    for f, e, m, s in zip(flux, error, mags, errs):
        expected = moa.flux_to_magnitudes(f, e, 25.70, 7518.9)
        assert (None, None) == expected if math.isnan(m) else (m, s) == pytest.approx(expected, abs=1e-12)
    assert list(np.isnan(mags)) == [False, False, True, True, False]


def test_flux_to_magnitudes_array_is_all_nan_when_uncalibrated():
    mags, errs = moa.flux_to_magnitudes_array([1.0, 100.0], [1.0, 1.0], 27.4, 0.0)
    assert np.isnan(mags).all() and np.isnan(errs).all()


# moaprime 2025 index (whole) -------------------------------------------------------------------------------

def prime_cells(real):
    """The table cells of the real 2025 page, read with a plain pattern (independent of the parser)."""
    rows = re.findall(r"<tr>(.*?)</tr>", real(PRIME_2025), re.S)[1:]
    return [[re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
            for row in rows]


def test_moaprime_index_has_106_events(prime_2025):
    assert len(prime_2025) == 106


def test_moaprime_index_names_bulge_1_to_105_and_lmc_1(prime_2025):
    assert [r["name"] for r in prime_2025] == [name(2025, n) for n in range(1, 106)] + [name(2025, 1, "LMC")]


def test_moaprime_index_names_have_4_digits(prime_2025):
    assert prime_2025[0]["name"].full == "MOA-2025-BLG-0001"


def test_moaprime_index_record_0001(prime_2025):
    assert prime_2025[0] == {
        "name": name(2025, 1), "display_url": "/alerts/display/MOA-2025-BLG-0001",
        "alert_date": "2025-02-25T01:11:13.1481",
        "ra": 266.6463446, "dec": -34.2869917, "ra_hms": "17:46:35.1227", "dec_dms": "-34:17:13.1701",
        "t0": 10709.02615, "t0_jd": 2460709.03, "t0_date": "2025-02-02.53",
        "tE": 28.03, "Amax": 30268.15, "Ibase": 18.38,
    }


def test_moaprime_index_lmc_event(prime_2025):
    record = prime_2025[-1]
    assert (record["name"].region, record["ra_hms"], record["dec_dms"], record["ra"], record["dec"]) == (
        "LMC", "5:31:48.5665", "-69:15:31.6393", 82.9523604, -69.2587887)


def test_moaprime_index_keeps_a_huge_amax(prime_2025):
    assert record_named(prime_2025, "MOA-2025-BLG-0104")["Amax"] == 53607187.71


def test_moaprime_index_every_value_is_the_published_text(real, prime_2025):
    for record, cells in zip(prime_2025, prime_cells(real), strict=True):
        assert record["name"].full == cells[0]
        assert (record["alert_date"], record["t0_date"]) == (cells[1], cells[4])
        assert (record["ra_hms"], record["dec_dms"]) == (cells[2].lstrip("+"), cells[3])
        assert (record["tE"], record["Amax"], record["Ibase"]) == tuple(float(c) for c in cells[5:])


def test_moaprime_index_t0_calendar_date_becomes_jd(prime_2025):
    for record in prime_2025:
        year, month, day = record["t0_date"].split("-")
        midnight = datetime.date(int(year), int(month), int(float(day)))
        expected = 2451544.5 + (midnight - datetime.date(2000, 1, 1)).days + float(day) % 1
        assert record["t0_jd"] == pytest.approx(expected, abs=1e-9)


def test_moaprime_index_t0_is_heliocentric(prime_2025):
    for record in prime_2025:
        assert 0 < abs(record["t0"] - (record["t0_jd"] - 2450000)) <= MAX_HELIOCENTRIC_DAYS


def test_moaprime_index_t0_agrees_with_a_direct_calculation(prime_2025):
    for record in prime_2025[::15]:
        assert record["t0"] == pytest.approx(hjd_by_hand(record["t0_jd"], record["ra"], record["dec"]), abs=1e-5)


def test_moaprime_index_positions_round_trip(prime_2025):
    for record in prime_2025:
        assert moa.degrees_to_sexagesimal(record["ra"], hours=True, places=4) == record["ra_hms"].zfill(13)


# alert.php (hand-written fixture, checked against the real text) ------------------------------------------

def alert_page(text=None):
    return moa_pages.parse_alert_page(text or fixture("alert.php.2017.html"), source="alert.php")


def test_alert_php_fixture_without_tags_is_the_real_text(shared_excerpts):
    real_lines = (shared_excerpts / "alert.php.2017.text_lines_as_captured.txt").read_text().split("\n")
    assert [re.sub(r"<[^>]*>", "", line) for line in fixture("alert.php.2017.html").split("\n")] == real_lines


def test_alert_php_names_and_assessments_are_the_real_rows(alert_text_rows):
    assessments = alert_page()["assessments"]
    assert [(n.full, a) for n, a in assessments.items()] == [("MOA-" + r[0], r[7]) for r in alert_text_rows]


def test_alert_php_rows_are_the_real_values(alert_text_rows):
    rows = alert_page()["rows"]
    assert [(r["ra_hms"], r["dec_dms"], r["t0_date"], r["tE"], r["Amax"], r["Ibase"]) for r in rows] == [
        (r[1], r[2], r[3], float(r[4]), float(r[5]), float(r[6])) for r in alert_text_rows]


def test_alert_php_internal_ids_come_from_the_display_links(index_2017):
    assert [r["internal_id"] for r in alert_page()["rows"]] == [r["internal_id"] for r in index_2017]


def test_alert_php_positions_agree_with_index_dat(index_2017):
    # Within the rounding of alert.php's text: 0.005 s of RA, 0.005" of Dec (robonet saw them differ in some years).
    for row, record in zip(alert_page()["rows"], index_2017, strict=True):
        assert row["ra"] == pytest.approx(record["ra"], abs=0.005 * 15 / 3600 + 1e-7)
        assert row["dec"] == pytest.approx(record["dec"], abs=0.005 / 3600 + 1e-7)


def test_alert_php_record_2017_blg_002():
    assert alert_page()["rows"][1] == {
        "name": name(2017, 2), "internal_id": "gb22-R-1-1852",
        "ra": 278.45875, "dec": -23.2755694, "ra_hms": "18:33:50.10", "dec_dms": "-23:16:32.05",
        "t0_date": "2016-Nov-6.70", "t0_jd": 2457699.2, "tE": 115.32, "Amax": 5.73, "Ibase": 18.66,
        "assessment": "microlensing",
    }


def test_alert_php_footer_is_the_update_time():
    assert alert_page()["updated"] == datetime.datetime(2017, 4, 19, 16, 26, 11, tzinfo=datetime.timezone.utc)


def test_alert_php_without_footer_has_no_update_time():
    assert alert_page(fixture("alert.php.2017.html").replace("This page last updated", "Updated"))["updated"] is None


@pytest.mark.parametrize("assessment", ["cv", "unknown", "moving", "microlensing"])
def test_alert_php_assessment_is_kept_as_written(assessment):
    text = fixture("alert.php.2017.html").replace(
        "<td align=right>18.26</td><td>microlensing</td>", f"<td align=right>18.26</td><td>{assessment}</td>")
    assert alert_page(text)["assessments"][name(2017, 3)] == assessment


# display.php and the moaprime event page (hand-written fixtures) -------------------------------------------

def display_page(text=None):
    return moa_pages.parse_display_page(text or fixture("display.php.gb2-R-2-19629.html"), source="display.php")


def prime_display_page(text=None):
    return moa_pages.parse_display_page(text or fixture("moaprime.display.MOA-2025-BLG-0001.html"), source="display")


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
    record = display_page(fixture("display.php.gb2-R-2-19629.html").replace("&#916F + 7518.9", written))
    assert (record["zp"], record["f_ref"], record["calibration_ok"]) == (25.7, 7518.9, True)


def test_display_php_calibration_with_zero_reference_flux_is_uncalibrated():
    record = display_page(fixture("display.php.gb2-R-2-19629.html").replace("+ 7518.9", "+ 0.0000"))
    assert (record["zp"], record["f_ref"], record["calibration_ok"]) == (25.7, 0.0, False)


def test_display_php_without_calibration_line():
    record = display_page(fixture("display.php.gb2-R-2-19629.html").replace("I = 25.70", "no calibration"))
    assert (record["zp"], record["f_ref"], record["calibration_ok"]) == (None, None, False)


def test_display_php_with_closed_cells_reads_the_same():
    text = re.sub(r"(<td[^>]*>[^<\n]*)(?=<td|\n)", r"\1</td>", fixture("display.php.gb2-R-2-19629.html"))
    assert "<td>=</td>" in text and display_page(text) == display_page()


def test_display_php_fit_table_as_escaped_text_reads_the_same():
    # MAD found `<td>=<td align=right>` as text inside the page: the reader also takes escaped cell tags.
    page = fixture("display.php.gb2-R-2-19629.html")
    start, end = page.index('<div id="micro">'), page.index('<div id="lastphot">')
    micro = page[start:end].replace("<t", "&lt;t").replace("<tr>", "&lt;tr&gt;")
    micro = re.sub(r"&lt;(t[^>]*)>", r"&lt;\1&gt;", micro)
    assert display_page(page[:start] + micro + page[end:])["tE_err"] == 0.6


def test_moaprime_display_record():
    assert prime_display_page() == {
        "name": name(2025, 1), "internal_id": "gb10-R-3-12345", "assessment": "microlensing",
        "ra": 266.6463446, "dec": -34.2869917, "ra_hms": "17:46:35.1227", "dec_dms": "-34:17:13.1701",
        "t0": moa.jd_to_hjd_minus_2450000(2460709.03, 266.6463446, -34.2869917), "t0_err": 0.21, "t0_date": None,
        "tE": 28.03, "tE_err": 1.52, "u0": 0.0, "u0_err": 0.0002, "Ibase": 18.38, "Ibase_err": 0.02,
        "Amax": 30268.15, "Amax_err": None,
        "zp": 27.6026, "f_ref": 1523.4, "calibration_ok": True,
        "photometry_url": "/alerts/datafile/MOA/MOA-2025-BLG-0001", "remarks": None,
    }


def test_moaprime_display_t0_as_bare_jd_is_made_heliocentric(prime_2025):
    # The same t0 as the real index row (2025-02-02.53 = JD 2460709.03), so the same HJD.
    assert prime_display_page()["t0"] == prime_2025[0]["t0"] == 10709.02615


def test_moaprime_display_t0_as_calendar_date():
    record = prime_display_page(fixture("moaprime.display.MOA-2025-BLG-0001.html").replace(
        '"right">2460709.03<', '"right">2025-02-02.53<'))
    assert (record["t0"], record["t0_date"]) == (10709.02615, "2025-02-02.53")


def test_moaprime_display_uncalibrated_archive_style_line():
    record = prime_display_page(fixture("moaprime.display.MOA-2025-BLG-0001.html").replace(
        "27.6026 - 2.5 log<sub>10</sub>(&Delta; Flux + 1523.4000)",
        "0.0000 - 2.5 log<sub>10</sub>(&Delta; Flux + 0.0000)"))
    assert (record["zp"], record["f_ref"], record["calibration_ok"]) == (0.0, 0.0, False)


# fetchtxt.php photometry (hand-written fixture) and the real archive fragments -----------------------------

def photometry(text=None):
    return moa.parse_photometry(text or fixture("fetchtxt.phot-gb2-R-2-19629.html"), source="fetchtxt.php")


def test_photometry_keeps_9_of_12_rows():
    result = photometry()
    assert (len(result.rows), result.dropped_bad_jd, result.dropped_bad_error) == (9, 2, 1)


def test_photometry_first_row_is_jd_flux_error():
    assert photometry().rows[0] == (2457750.123456, -35.2104, 90.1187)


def test_photometry_drops_jd_0_and_the_point_28000_days_early():
    assert [jd for jd, _, _ in photometry().rows if jd < 2457000] == []


def test_photometry_drops_zero_flux_error():
    assert 9800.1203 not in [flux for _, flux, _ in photometry().rows]


def test_photometry_as_plain_text_reads_the_same():
    page = fixture("fetchtxt.phot-gb2-R-2-19629.html")
    text = page[page.index("<pre>") + 5:page.index("</pre>")]
    assert photometry(text) == photometry()


def test_photometry_from_gzip_bytes_reads_the_same():
    data = gzip.compress(fixture("fetchtxt.phot-gb2-R-2-19629.html").encode("ascii"))
    assert photometry(data) == photometry()


@pytest.mark.parametrize("damage", [
    pytest.param(lambda data: data[:2], id="gzip-magic-only"),
    pytest.param(lambda data: data[:len(data) // 2], id="cut-short"),
    pytest.param(lambda data: data[:-8] + bytes(8), id="crc-and-length-wrong"),
    pytest.param(lambda data: data[:10] + bytes([data[10] ^ 0xFF]) + data[11:], id="deflate-stream-garbled"),
])
def test_broken_gzip_photometry_raises_parse_error(damage):
    # Found by tests/test_fuzz.py: EOFError, gzip.BadGzipFile and zlib.error escaped from gzip.decompress.
    data = damage(gzip.compress(fixture("fetchtxt.phot-gb2-R-2-19629.html").encode("ascii"), mtime=0))
    assert_parse_error(moa.parse_photometry, data, "fetchtxt.php", None)


def test_maybe_gunzip():
    assert (moa.maybe_gunzip(gzip.compress(b"# RUN\n")), moa.maybe_gunzip(b"# RUN\n")) == (b"# RUN\n", b"# RUN\n")


def test_archive_photometry_fragment(shared_excerpts):
    text = (shared_excerpts / "moaarchive_phot.rows_fragment.dat").read_text()
    assert moa.parse_photometry(text) == moa.Photometry([(2453658.85453, -192.7525, 1155.2324)], 0, 0)


def test_archive_photometry_zero_jd_row_is_dropped_and_counted(shared_excerpts):
    text = (shared_excerpts / "moaarchive_phot.zero_jd_rows_fragment.dat").read_text()
    assert moa.parse_photometry(text) == moa.Photometry([(2453658.85453, -192.7525, 1155.2324)], 1, 0)


def test_archive_photometry_gzipped_fragment(shared_excerpts):
    data = gzip.compress((shared_excerpts / "moaarchive_phot.zero_jd_rows_fragment.dat").read_bytes())
    assert moa.parse_photometry(data).dropped_bad_jd == 1


def test_photometry_with_4_columns():
    text = "# RUN B39558\n2453658.854530 -192.7525 1155.2324 B300-gb5-R-1\n2453659.1 10.5 900.1 B301-gb5-R-1\n"
    assert moa.parse_photometry(text).rows == [(2453658.85453, -192.7525, 1155.2324), (2453659.1, 10.5, 900.1)]


# moa2ogle.txt (hand-written fixtures) ----------------------------------------------------------------------

def test_moa2ogle_with_moa_first():
    assert moa.parse_moa2ogle(fixture("moa2ogle.2017.txt")) == [
        (name(2017, 1), AlertName("OGLE", 2017, "BLG", 94)), (name(2017, 2), AlertName("OGLE", 2016, "BLG", 1469)),
        (name(2017, 4), AlertName("OGLE", 2017, "BLG", 120)), (name(2017, 7), AlertName("OGLE", 2017, "BLG", 133)),
    ]


def test_moa2ogle_with_ogle_first_in_a_fetchtxt_page():
    assert moa.parse_moa2ogle(fixture("fetchtxt.moa2ogle.2016.html")) == [
        (name(2016, 8), AlertName("OGLE", 2016, "BLG", 6)), (name(2016, 9), AlertName("OGLE", 2016, "BLG", 21)),
        (name(2016, 350), AlertName("OGLE", 2016, "BLG", 1195)),
    ]


def test_moa2ogle_mixed_orders_in_one_file():
    text = fixture("moa2ogle.2017.txt") + "OGLE-2017-BLG-1522  =  MOA-2017-BLG-432\n"
    assert moa.parse_moa2ogle(text)[-1] == (name(2017, 432), AlertName("OGLE", 2017, "BLG", 1522))


def test_moa2ogle_extra_columns_are_ignored():
    text = "MOA-2017-BLG-001  =  OGLE-2017-BLG-0094  0.3 arcsec\n"
    assert moa.parse_moa2ogle(text) == [(name(2017, 1), AlertName("OGLE", 2017, "BLG", 94))]


# Malformed text: always ParseError, naming the source and the line ---------------------------------------





def line_of(text, needle):
    return text[:text.index(needle)].count("\n") + 1




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
def test_malformed_index_dat_raises_parse_error(real, edit, line):
    assert_parse_error(moa.parse_index_dat, edit(real(INDEX_2024)), INDEX_2024, line, season=2024)


def test_index_dat_of_another_season_raises_parse_error_at_line_1(real):
    error = assert_parse_error(moa.parse_index_dat, real(INDEX_2024), INDEX_2024, 1, season=2023)
    assert "season 2023" in str(error)


PRIME_ROW_104 = "MOA-2025-BLG-0104"

MOAPRIME_MALFORMED = [
    pytest.param(lambda t: t.replace("<th width=\"80\">tE (days)</th>", "<th>tE</th>"), None, id="header-changed"),
    pytest.param(lambda t: t.replace("<table", "<div").replace("</table>", "</div>").replace("<th", "<p")
                 .replace("</th>", "</p>").replace("<tr>", "").replace("<td", "<span").replace("</td>", "</span>"),
                 None, id="no-table"),
    pytest.param(lambda t: t.replace("<td align=\"right\">53607187.71</td>", ""), "row-104", id="7-cells"),
    pytest.param(lambda t: t.replace("<td align=\"right\">53607187.71</td>", "<td>53607187.71</td><td></td>"),
                 "row-104", id="9-cells"),
    pytest.param(lambda t: t.replace(">64531.88<", ">6453l.88<"), "row-104", id="tE-not-a-number"),
    pytest.param(lambda t: t.replace(">2025-04-03.88<", ">2025-04-33.88<"), "row-104", id="t0-impossible-date"),
    pytest.param(lambda t: t.replace(">+17:54:57.0758<", ">+17:54:5x.0758<"), "row-104", id="ra-not-a-number"),
    pytest.param(lambda t: t.replace(">2025-04-01T21:48:16.8253<", ">yesterday<"), "row-104", id="bad-alert-date"),
    pytest.param(lambda t: t.replace(">MOA-2025-BLG-0104<", ">2025-BLG-0104<"), "row-104", id="short-name"),
    pytest.param(lambda t: t.replace(">MOA-2025-BLG-0104<", ">MOA-2024-BLG-0104<"), "row-104", id="other-season"),
    # Found by tests/test_fuzz.py: html.parser gives up on a `<![` that opens no marked section (bs4's
    # ParserRejectedMarkup escaped); it does not say where.
    pytest.param(lambda t: "<![" + t, None, id="markup-html-parser-rejects"),
]


@pytest.mark.parametrize("edit, line", MOAPRIME_MALFORMED)
def test_malformed_moaprime_index_raises_parse_error(real, edit, line):
    text = edit(real(PRIME_2025))
    if line == "row-104":
        line = line_of(text, "<td><a href=/alerts/display/" + PRIME_ROW_104)
    assert_parse_error(moa_pages.parse_moaprime_index, text, PRIME_2025, line, season=2025)


def test_moaprime_index_unknown_header_names_the_expected_headers(real):
    text = real(PRIME_2025).replace("<th width=\"80\">tE (days)</th>", "<th>tE</th>")
    error = assert_parse_error(moa_pages.parse_moaprime_index, text, PRIME_2025, None, season=2025)
    assert "Alert Date, RA, Dec, t0, tE (days), A<sub>max</sub>, I<sub>0</sub>" in str(error)


ALERT_PHP_MALFORMED = [
    pytest.param(lambda t: t.replace("<th>Assessment</th>", "<th>Class</th>"), None, id="header-changed"),
    pytest.param(lambda t: t.replace("<td align=right>86.66</td>", ""), 24, id="7-cells"),
    pytest.param(lambda t: t.replace(">86.66<", ">8b.66<"), 24, id="tE-not-a-number"),
    pytest.param(lambda t: t.replace(">2017-Feb-18.19<", ">2017-Fbr-18.19<"), 24, id="t0-not-a-date"),
    pytest.param(lambda t: t.replace(">-27:11:00.19<", ">-27:11<"), 24, id="dec-two-parts"),
    pytest.param(lambda t: t.replace(">2017-BLG-004<", ">2017-BLG-4<"), 24, id="bad-name"),
    pytest.param(lambda t: "", None, id="empty"),
    # Found by tests/test_fuzz.py: the footer time went to datetime.fromisoformat unchecked (ValueError).
    pytest.param(lambda t: t.replace("updated: 2017-04-19T", "updated: 2017-13-19T"), 29, id="updated-month-13"),
    # Found by tests/test_fuzz.py: bs4's ParserRejectedMarkup escaped.
    pytest.param(lambda t: "<![" + t, None, id="markup-html-parser-rejects"),
]


def test_alert_php_footer_with_digits_of_another_script_is_not_an_update_time():
    # Found by tests/test_fuzz.py: `\d` matched the Arabic-Indic `٢` and datetime.fromisoformat raised ValueError.
    assert alert_page(fixture("alert.php.2017.html").replace("updated: 2017-", "updated: ٢017-"))["updated"] is None


@pytest.mark.parametrize("edit, line", ALERT_PHP_MALFORMED)
def test_malformed_alert_php_raises_parse_error(edit, line):
    assert_parse_error(moa_pages.parse_alert_page, edit(fixture("alert.php.2017.html")), "alert.php", line)


DISPLAY_PHP = "display.php.gb2-R-2-19629.html"
PRIME_DISPLAY = "moaprime.display.MOA-2025-BLG-0001.html"
# Per fixture: the tE cell, the tE error cell and the t0 cell as written, and the label of the t0 row.
DISPLAY_CELLS = {
    DISPLAY_PHP: (">12.86<", ">0.60 days\n", ">HJD 2457782.04<", "t<sub>max</sub>"),
    PRIME_DISPLAY: ('"right">28.03<', "<td>1.52<", '"right">2460709.03<', "t<sub>0</sub>"),
}


def display_edits(path):
    page = fixture(path)
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
        # Found by tests/test_fuzz.py: bs4's ParserRejectedMarkup escaped.
        pytest.param(path, lambda t: "<![" + t, None, id=f"{path}-markup-html-parser-rejects"),
    ]


@pytest.mark.parametrize("path, edit, line", display_edits(DISPLAY_PHP) + display_edits(PRIME_DISPLAY))
def test_malformed_display_page_raises_parse_error(path, edit, line):
    assert_parse_error(moa_pages.parse_display_page, edit(fixture(path)), path, line)


def test_display_page_of_unknown_layout_names_both_layouts():
    error = assert_parse_error(moa_pages.parse_display_page, "<html><body><p>Not found</p></body></html>\n",
                               "display.php", None)
    assert "div#micro" in str(error) and "moaprime" in str(error)


def test_moaprime_display_without_position_cannot_make_t0_heliocentric():
    text = fixture("moaprime.display.MOA-2025-BLG-0001.html").replace("RA:", "Right ascension")
    assert_parse_error(moa_pages.parse_display_page, text, "display", line_of(text, "t<sub>0</sub>"))


PHOT = "fetchtxt.phot-gb2-R-2-19629.html"

PHOTOMETRY_MALFORMED = [
    pytest.param(lambda t: t[:t.index("</pre>")], 23, id="no-closing-pre"),
    pytest.param(lambda t: t.replace("<body>", "<body><pre>x</pre>"), 4, id="two-pre-blocks"),
    pytest.param(lambda t: t.replace("  100.00\n2457790", "\n2457790"), 19, id="7-columns"),
    pytest.param(lambda t: t.replace("  100.00\n2457790", "  100.00  1\n2457790"), 19, id="9-columns"),
    pytest.param(lambda t: t.replace("900.2087", "900.2O87"), 20, id="flux-not-a-number"),
    pytest.param(lambda t: t.replace("2457750.123456", "2457750.l23456"), 12, id="jd-not-a-number"),
    pytest.param(lambda t: t.replace("2457750.123456    -35.2104     90.1187  B31002-gb2-R-2  2.812345  "
                                     "1523.4411  1.412345  100.00", "2457750.123456 -35.2104"), 12,
                 id="2-columns"),
]


@pytest.mark.parametrize("edit, line", PHOTOMETRY_MALFORMED)
def test_malformed_photometry_raises_parse_error(edit, line):
    assert_parse_error(moa.parse_photometry, edit(fixture(PHOT)), "fetchtxt.php", line)


def test_photometry_fixture_line_numbers_are_those_of_the_page():
    page = fixture(PHOT)
    assert (line_of(page, "2457750.123456"), line_of(page, "2457790.734567"), len(page.splitlines())) == (12, 20, 24)


def test_plain_photometry_with_truncated_last_line_raises_parse_error(shared_excerpts):
    text = (shared_excerpts / "moaarchive_phot.zero_jd_rows_fragment.dat").read_text()
    assert_parse_error(moa.parse_photometry, text[:-5], "phot/2005-BLG-001", 2)


MOA2OGLE_MALFORMED = [
    pytest.param("moa2ogle.2017.txt", lambda t: t[:-3], 10, id="truncated-last-line"),
    pytest.param("moa2ogle.2017.txt", lambda t: edit_line(t, 8, lambda f: f.pop()), 8, id="2-fields"),
    pytest.param("moa2ogle.2017.txt", lambda t: edit_line(t, 9, set_field(2, "MOA-2017-BLG-099")), 9,
                 id="two-moa-names"),
    pytest.param("moa2ogle.2017.txt", lambda t: edit_line(t, 9, set_field(0, "2017-BLG-004")), 9, id="no-prefix"),
    pytest.param("moa2ogle.2017.txt", lambda t: edit_line(t, 9, set_field(2, "KMT-2017-BLG-0120")), 9,
                 id="kmt-name"),
    pytest.param("fetchtxt.moa2ogle.2016.html", lambda t: t.replace("MOA-2016-BLG-009", "MOA-2016-BLG-9x"), 9,
                 id="fetchtxt-bad-name"),
    pytest.param("fetchtxt.moa2ogle.2016.html", lambda t: t.replace("</pre>", ""), 11, id="fetchtxt-no-closing-pre"),
]


@pytest.mark.parametrize("path, edit, line", MOA2OGLE_MALFORMED)
def test_malformed_moa2ogle_raises_parse_error(path, edit, line):
    assert_parse_error(moa.parse_moa2ogle, edit(fixture(path)), path, line)
