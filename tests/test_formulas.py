"""The formulas the build and the plugins share: times, the point-lens model, angles."""

import datetime
import math

import numpy
import pytest

from microlensing_to_sqlite import formulas


def test_hjd_today_is_midnight_ut_as_hjd_minus_2450000():
    # JD 2460749.5 is 2025-03-15 0h UT.
    assert formulas.hjd_today(datetime.date(2025, 3, 15)) == 10749.5


def test_magnification_of_a_number():
    u0 = 0.1
    assert formulas.magnification(u0) == pytest.approx((u0 ** 2 + 2) / (u0 * math.sqrt(u0 ** 2 + 4)))


def test_magnification_is_finite_at_zero_separation():
    assert numpy.isfinite(formulas.magnification(0.0))


def test_model_at_the_peak_reaches_amax():
    u0 = 0.1
    amax = (u0 ** 2 + 2) / (u0 * math.sqrt(u0 ** 2 + 4))
    peak = formulas.point_lens_magnitude(100.0, 100.0, 20.0, u0, 18.0, 1.0)
    assert peak == pytest.approx(18.0 - 2.5 * math.log10(amax))


def test_blending_dilutes_the_model():
    assert formulas.point_lens_magnitude(100.0, 100.0, 20.0, 0.1, 18.0, 0.3) > \
        formulas.point_lens_magnitude(100.0, 100.0, 20.0, 0.1, 18.0, 1.0)


def test_model_of_an_array_of_times():
    times = numpy.array([60.0, 100.0, 140.0])
    magnitudes = formulas.point_lens_magnitude(times, 100.0, 20.0, 0.1, 18.0, 1.0)
    assert magnitudes[1] < magnitudes[0] == pytest.approx(magnitudes[2])


def test_far_from_the_peak_the_model_is_the_baseline():
    assert formulas.point_lens_magnitude(1e6, 100.0, 20.0, 0.1, 18.0, 0.5) == pytest.approx(18.0, abs=1e-6)


@pytest.mark.parametrize("text, hours, degrees", [
    ("17:51:48.02", True, 267.9500833),
    ("-28:59:03.3", False, -28.98425),
    ("-00:30:00", False, -0.5),
    ("+17:46:35.1227", True, 266.6463446),
])
def test_survey_sexagesimal_to_degrees(text, hours, degrees):
    assert formulas.sexagesimal_to_degrees(text, hours) == degrees


@pytest.mark.parametrize("text, hours", [("24:00:00", True), ("-01:00:00", True), ("10:60:00", False),
                                         ("10:00:60", False), ("91:00:00", False), ("17:51", True)])
def test_survey_sexagesimal_out_of_range_or_malformed_is_refused(text, hours):
    with pytest.raises(ValueError):
        formulas.sexagesimal_to_degrees(text, hours)


@pytest.mark.parametrize("typed, hours, degrees", [
    ("17:51:48.02", True, 267.9500833), ("17 51 48.02", True, 267.9500833), ("17h51m48.02s", True, 267.9500833),
    ("267.95", True, 267.95), (267.95, True, 267.95), ("-28:59:03.3", False, -28.98425),
    ("-28d59m03.3s", False, -28.98425), (" -28 59 03.3 ", False, -28.98425),
])
def test_typed_angles(typed, hours, degrees):
    assert formulas.angle_degrees(typed, hours) == pytest.approx(degrees, abs=1e-7)


@pytest.mark.parametrize("typed, hours", [
    ("267,95", True), ("360", True), ("-1", True), ("95", False), ("17:51:60", True), ("17:60:00", True),
    ("x", True), ("", True), (None, True), ("nan", False), ("inf", True), ("1:1:1" + " " * 50 + "x", True),
    ("١٧:٥١:٤٨", True), ("２６７.９５", True), ("1_0", False), (b"17:51:48", True), (True, False),
])
def test_typed_angles_that_are_not_angles_are_none(typed, hours):
    assert formulas.angle_degrees(typed, hours) is None


def test_a_typed_angle_longer_than_any_angle_is_refused_unread():
    # The old pattern took time growing with the square of the length on `1:1:1`, spaces, `x`; now the text
    # is refused before the pattern sees it, and the pattern itself has no nested repetition.
    assert formulas.angle_degrees("17:51:48." + "0" * formulas.LONGEST_ANGLE_TEXT, hours=True) is None


def test_a_blob_is_refused_before_anything_is_built_from_it():
    class Blob(bytes):
        def __str__(self):
            raise AssertionError("the blob was made into text")
    assert formulas.angle_degrees(Blob(b"\x00" * 1000), hours=True) is None
    assert formulas.angle_degrees(memoryview(b"17:51:48.02"), hours=True) is None


def test_degrees_to_sexagesimal_round_trips():
    assert formulas.degrees_to_sexagesimal(267.9500833, hours=True) == "17:51:48.02"
    assert formulas.degrees_to_sexagesimal(-28.98425, hours=False, places=1) == "-28:59:03.3"
    assert formulas.degrees_to_sexagesimal(28.98425, hours=False, places=1, plus=True) == "+28:59:03.3"


def test_separation_of_two_positions():
    assert formulas.separation_arcsec(267.0, -28.0, 267.0, -28.0 + 1 / 3600) == pytest.approx(1.0)


def test_separation_with_a_missing_coordinate_is_none():
    assert formulas.separation_arcsec(267.0, None, 267.0, -28.0) is None


def test_heliocentric_jd_agrees_with_astropys_light_travel_time_within_2_ms():
    import warnings

    import astropy.units as u
    from astropy.coordinates import EarthLocation, SkyCoord
    from astropy.time import Time
    from astropy.utils import iers

    rng = numpy.random.default_rng(1)
    jds, ras, decs = rng.uniform(2453000, 2462000, 300), rng.uniform(0, 360, 300), rng.uniform(-89, 89, 300)
    place = {"lat": -43.9856, "lon": 170.4650, "height": 1029.0}
    observer = EarthLocation.from_geodetic(lon=place["lon"] * u.deg, lat=place["lat"] * u.deg, height=place["height"] * u.m)
    with iers.conf.set_temp("auto_download", False), iers.conf.set_temp("auto_max_age", None), \
            iers.conf.set_temp("iers_degraded_accuracy", "ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        delay = Time(jds, format="jd", scale="utc").light_travel_time(
            SkyCoord(ras * u.deg, decs * u.deg), kind="heliocentric", location=observer).to_value(u.day)
    assert numpy.abs(formulas.heliocentric_jd(jds, ras, decs, place) - (jds + delay)).max() * 86400 < 0.002


def test_the_ephemeris_tabulated_ahead_serves_every_later_correction():
    formulas.earth_ephemeris.cache_clear()
    formulas.tabulate_earth_ephemeris(2457000.5, 2458000.5)
    tabulated = formulas.earth_ephemeris.cache_info().currsize
    formulas.heliocentric_jd(numpy.linspace(2457001, 2457999, 50), numpy.full(50, 268.0), numpy.full(50, -29.0),
                             {"lat": -43.9856, "lon": 170.4650, "height": 1029.0})
    assert formulas.earth_ephemeris.cache_info().currsize == tabulated
