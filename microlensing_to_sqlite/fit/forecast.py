"""The joint model past the last point: a band of model curves in the reference dataset's magnitudes, and for an
event whose peak is still ahead of the data, the predicted peak magnitude with its spread.

The curves are those of draws of the parameters, each with its fluxes solved on the data as the fit solves them:
the posterior's draws where it was sampled (both u0 solutions by their weights), else draws from the
curvature's Gaussian (the covariance 2 H^-1; `fits.forecast_from` says which). What it does not model: an
anomaly still to come, and blending or errors different after the last point.
"""

import math

import numpy

from ..formulas import SMALLEST_U, magnification, magnitude_of
from .model import parallax_offsets, trajectory

DRAWS = 100
STEPS = 150
PEAK_STEPS = 400
PERCENTILES = (16.0, 50.0, 84.0)


def horizon(tE):
    """How far past the last point the forecast runs [days]: two tE, at least 60 days and at most 400."""
    return min(max(2 * tE, 60.0), 400.0)


def curvature_draws(best, names, covariance, rng, n=DRAWS):
    """n draws {name: value} from the Gaussian of the curvature around `best`, keeping tE positive and u0's
    sign; None without a covariance."""
    if covariance is None:
        return None
    try:
        offsets = rng.multivariate_normal(numpy.zeros(len(names)), covariance, n, method="cholesky")
    except (numpy.linalg.LinAlgError, ValueError):
        return None
    found = []
    for row in offsets:
        p = {name: best[name] + row[i] for i, name in enumerate(names)}
        if p["tE"] > 0 and p["u0"] * best["u0"] >= 0:
            found.append(p)
    return found or None


def posterior_draws(solutions, n=DRAWS):
    """n draws {name: value} from the sampled u0 solutions, each in proportion to its share exp(-delta_chi2 / 2)."""
    sampled = [one for one in solutions if one["posterior"]]
    shares = numpy.array([math.exp(-one["delta_chi2"] / 2) for one in sampled])
    counts = numpy.round(n * shares / shares.sum()).astype(int)
    found = []
    for one, count in zip(sampled, counts):
        draws = one["posterior"].draws
        names = [k for k in ("t0", "u0", "tE", "piE_N", "piE_E") if k in draws]
        picked = numpy.linspace(0, len(draws["t0"]) - 1, count).round().astype(int) if count else []
        found += [{k: float(draws[k][i]) for k in names} for i in picked]
    return found or None


def magnitudes(data, draws, hjd, parallax):
    """Each draw's model magnitude at times hjd in the reference dataset's (the first) fluxes: draws x times."""
    offsets = parallax_offsets(hjd, *parallax) if parallax else (None, None)
    rows = []
    for p in draws:
        _, source, blend, *_ = data.evaluate(p)
        a = magnification(numpy.maximum(numpy.hypot(*trajectory(hjd, p, *offsets)), SMALLEST_U))
        rows.append(magnitude_of(source[0] * a + blend[0]))
    return numpy.array(rows)


def forecast(data, best, draws, last, parallax):
    """{curve: [[hjd, mag p16, p50, p84], ...] from the last point to its horizon, peak_mag, peak_mag_err}: the
    peak's (the brightest point of each draw's curve near t0) median and half its 16th-84th percentile range,
    only where t0 is after `last`, the data's last time."""
    hjd = numpy.linspace(last, last + horizon(best["tE"]), STEPS)
    mags = magnitudes(data, draws, hjd, parallax)
    with numpy.errstate(all="ignore"):
        bands = numpy.nanpercentile(mags, PERCENTILES, axis=0)
    curve = [[round(float(t), 4), *(round(float(b), 4) for b in band)] for t, band in zip(hjd, bands.T)
             if numpy.all(numpy.isfinite(band))]
    found = {"curve": curve, "peak_mag": None, "peak_mag_err": None}
    if best["t0"] > last:
        t0s, tEs = numpy.array([p["t0"] for p in draws]), numpy.array([p["tE"] for p in draws])
        reach = max(0.5 * float(numpy.median(tEs)), 1.0)
        near = numpy.linspace(t0s.min() - reach, t0s.max() + reach, PEAK_STEPS)
        peaks = numpy.nanmin(magnitudes(data, draws, near, parallax), axis=1)
        peaks = peaks[numpy.isfinite(peaks)]
        if len(peaks):
            low, middle, high = numpy.percentile(peaks, PERCENTILES)
            found.update(peak_mag=float(middle), peak_mag_err=float(high - low) / 2)
    return found
