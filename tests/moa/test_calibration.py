"""MOA's flux calibration (moa/calibration.py): I = ZP - 2.5 log10(dF + F_ref); F_ref = 0 means uncalibrated."""

import math

import numpy as np
import pytest

from microlensing_to_sqlite.moa.calibration import flux_to_magnitudes as flux_to_magnitudes_array


def flux_to_magnitudes(delta_flux, flux_err, zp, f_ref):
    """One point through the array function: (mag, error), or (None, None) where there is no magnitude."""
    [mag], [err] = flux_to_magnitudes_array([delta_flux], [flux_err], zp, f_ref)
    return (None, None) if math.isnan(mag) else (float(mag), float(err))


def test_flux_to_magnitudes_is_the_calibration_equation():
    mag, err = flux_to_magnitudes(2500.3318, 95.331, 25.70, 7518.9)
    assert mag == pytest.approx(25.70 - 2.5 * math.log10(2500.3318 + 7518.9), abs=1e-12)
    assert err == pytest.approx(2.5 / math.log(10) * 95.331 / (2500.3318 + 7518.9), abs=1e-12)


def test_flux_to_magnitudes_error_factor_is_2_5_over_ln_10():
    assert flux_to_magnitudes(0.0, 1.0, 27.0, 1.0)[1] == 1.0857362047581294


def test_flux_to_magnitudes_reference_flux_alone_is_the_reference_magnitude():
    assert flux_to_magnitudes(0.0, 10.0, 27.40, 1000.0)[0] == pytest.approx(27.40 - 7.5)


@pytest.mark.parametrize("delta_flux", [-7518.9, -8000.0, -1e9])
def test_flux_to_magnitudes_none_when_total_flux_is_not_positive(delta_flux):
    assert flux_to_magnitudes(delta_flux, 400.0, 25.70, 7518.9) == (None, None)


@pytest.mark.parametrize("zp, f_ref", [(27.4085866458, 0.0), (0.0, 0.0), (0.0, 1523.4)])
def test_flux_to_magnitudes_none_when_uncalibrated(zp, f_ref):
    assert flux_to_magnitudes(12379.9, 120.4, zp, f_ref) == (None, None)


FLUX = [-35.2104, 12379.9451, -8000.0, -7518.9, 900.2087]
ERROR = [90.1187, 120.4022, 400.51, 50.0, 91.0452]


def test_flux_to_magnitudes_of_many_points_is_each_point_alone():
    mags, errs = flux_to_magnitudes_array(FLUX, ERROR, 25.70, 7518.9)
    for f, e, m, s in zip(FLUX, ERROR, mags, errs):
        expected = flux_to_magnitudes(f, e, 25.70, 7518.9)
        assert (None, None) == expected if math.isnan(m) else (m, s) == pytest.approx(expected, abs=1e-12)


def test_flux_to_magnitudes_array_is_nan_where_total_flux_is_not_positive():
    mags, _ = flux_to_magnitudes_array(FLUX, ERROR, 25.70, 7518.9)
    assert list(np.isnan(mags)) == [False, False, True, True, False]


def test_flux_to_magnitudes_array_is_all_nan_when_uncalibrated():
    mags, errs = flux_to_magnitudes_array([1.0, 100.0], [1.0, 1.0], 27.4, 0.0)
    assert np.isnan(mags).all() and np.isnan(errs).all()
