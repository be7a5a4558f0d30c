"""MOA's times (moa/times.py): JD and UT calendar dates to HJD - 2450000, checked against a direct calculation
of the heliocentric correction that does not use astropy."""

import numpy as np
import pytest

from microlensing_to_sqlite.moa.times import calendar_day_to_jd, jd_to_hjd_minus_2450000
from microlensing_to_sqlite.parsing import ParseError
from tests.support.moa_pages import hjd_by_hand


@pytest.mark.parametrize("jd, ra, dec", [
    (2457782.047299, 268.434977871, -34.2212870236),   # 2017-BLG-001, January
    (2460458.288169, 267.097091789, -35.0030159558),   # 2024-BLG-001, June
    (2460709.03, 266.6463446, -34.2869917),            # MOA-2025-BLG-0001
    (2460738.8, 82.9523604, -69.2587887),              # MOA-2025-LMC-0001
    (2459000.2, 180.0, 0.0),
    (2458000.5, 10.0, 20.0),
])
def test_jd_to_hjd_agrees_with_a_direct_calculation(jd, ra, dec):
    assert jd_to_hjd_minus_2450000(jd, ra, dec) == pytest.approx(hjd_by_hand(jd, ra, dec), abs=1e-5)


def test_jd_to_hjd_of_an_array_is_each_element():
    jds = [2457750.123456, 2457782.0473, 2457800.956789]
    values = jd_to_hjd_minus_2450000(np.array(jds), 268.434977871, -34.2212870236)
    assert list(values) == [jd_to_hjd_minus_2450000(jd, 268.434977871, -34.2212870236) for jd in jds]


def test_jd_to_hjd_of_a_number_is_a_float_with_5_decimals():
    value = jd_to_hjd_minus_2450000(2457782.047299, 268.434977871, -34.2212870236)
    assert (type(value), value) == (float, 7782.04301)


def test_jd_to_hjd_of_nothing_is_empty():
    assert jd_to_hjd_minus_2450000([], 268.4, -34.2).shape == (0,)


def test_jd_to_hjd_works_past_the_earth_rotation_tables():
    # 2035: no IERS data exist; the function must neither download them nor fail.
    assert jd_to_hjd_minus_2450000(2464329.5, 268.4, -29.0) == pytest.approx(
        hjd_by_hand(2464329.5, 268.4, -29.0), abs=1e-5)


@pytest.mark.parametrize("text, jd", [
    ("2017-Jan-28.55", 2457782.05), ("2016-Nov-6.70", 2457699.2), ("2025-02-02.53", 2460709.03),
    ("2000-Jan-1", 2451544.5), ("2024-Feb-29.5", 2460370.0),
])
def test_calendar_day_to_jd(text, jd):
    assert calendar_day_to_jd(text) == jd


@pytest.mark.parametrize("text", [
    "2017-Foo-28.55", "2017-02-30.1", "28-Jan-2017", "2017-Jan", "",
    # Found by the fuzz tests: a point without decimals reached float(".") and raised ValueError.
    "2017-Jan-28.",
])
def test_calendar_day_to_jd_rejects_other_text(text):
    with pytest.raises(ParseError):
        calendar_day_to_jd(text, "alert.php", 21)
