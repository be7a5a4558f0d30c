"""MOA's flux calibration: I = ZP - 2.5 log10(dF + F_ref), from the event page or index.dat."""

import math

import numpy

# 2.5 / ln 10: the magnitude error of a small flux error.
MAG_PER_LN_FLUX = 2.5 / math.log(10)


def calibrated(zp, f_ref):
    """Does the calibration give magnitudes? A zero point or reference flux of 0 means MOA has none.

    In 2024 index.dat F_ref is 0 in 96 of 285 rows while ZP is not: F_ref = 0 alone means uncalibrated
    (with F_ref = 0 a baseline point, delta flux about 0, would have no magnitude at all).
    """
    return zp is not None and f_ref is not None and zp > 0 and f_ref > 0


def flux_to_magnitudes(delta_flux, flux_err, zp, f_ref):
    """MOA's calibration over arrays: I = ZP - 2.5 log10(dF + F_ref), sigma_I = (2.5 / ln 10) sigma_dF / (dF + F_ref).

    NaN where there is no magnitude: the event is uncalibrated (see `calibrated`) or dF + F_ref <= 0.
    """
    delta_flux = numpy.asarray(delta_flux, dtype=float)
    flux_err = numpy.asarray(flux_err, dtype=float)
    total = delta_flux + f_ref
    ok = total > 0 if calibrated(zp, f_ref) else numpy.zeros(total.shape, dtype=bool)
    safe = numpy.where(ok, total, 1.0)
    mag = numpy.where(ok, zp - 2.5 * numpy.log10(safe), numpy.nan)
    err = numpy.where(ok, MAG_PER_LN_FLUX * flux_err / safe, numpy.nan)
    return mag, err
