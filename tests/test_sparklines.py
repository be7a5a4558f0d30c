"""Sparklines: an alert's lightcurve near its peak in one character per bin."""

import numpy

from microlensing_to_sqlite import formulas
from microlensing_to_sqlite.photometry import Points
from microlensing_to_sqlite.sparklines import BINS, EMPTY, LEVELS, sparkline


def event_points(t0=100.0, tE=10.0, n=400, first=60.0, last=140.0):
    hjd = numpy.linspace(first, last, n)
    return Points(hjd=hjd, mag=numpy.round(formulas.point_lens_magnitude(hjd, t0, tE, 0.2, 18.0, 1.0), 3),
                  mag_err=numpy.full(n, 0.01))


def test_the_peak_is_the_brightest_character_and_the_wings_the_faintest():
    row = sparkline(1, [("OGLE", "I", event_points())], t0=100.0, tE=10.0)
    heights = row[-1]
    assert len(heights) == BINS
    assert LEVELS[-1] in heights[BINS // 2 - 1: BINS // 2 + 1]
    assert heights[0] == LEVELS[0]


def test_the_window_is_two_te_either_side_of_t0():
    row = sparkline(1, [("OGLE", "I", event_points())], t0=100.0, tE=10.0)
    assert row[3:5] == [80.0, 120.0]


def test_bins_without_points_are_empty():
    row = sparkline(1, [("OGLE", "I", event_points(first=95.0, last=140.0))], t0=100.0, tE=10.0)
    assert row[-1].startswith(EMPTY * 10)


def test_the_lightcurve_with_most_points_near_the_peak_is_drawn():
    few, many = event_points(n=50), event_points(n=400)
    assert sparkline(1, [("KMTA", "I", few), ("KMTC", "I", many)], t0=100.0, tE=10.0)[1] == "KMTC"


def test_without_a_fit_the_last_150_days_are_drawn():
    row = sparkline(1, [("OGLE", "I", event_points(first=0.0, last=400.0))])
    assert row[3:5] == [250.0, 400.0]


def test_no_magnitudes_no_sparkline():
    flux_only = Points(hjd=numpy.arange(10.0), delta_flux=numpy.ones(10))
    assert sparkline(1, [("MOA", "Red", flux_only)], t0=5.0, tE=2.0) is None
