"""A joint fit's verdict, `fits.status`: "ok" only for a measured fit; "unconstrained" where tE or piE is not
bounded by the data (at a bound, in the u0 -> 0 valley, sigma more than half the value, the reference's blend held
at its floor, a posterior reaching a bound); "not point lens" where the residuals hold a run the model does not
explain (a windowed chi2 test where the event is magnified). Each says, in words, what is and is not known.
"""

import numpy
from scipy import stats

from . import posterior
from .model import LARGEST_PIE, LARGEST_TE, LARGEST_U0, SMALLEST_TE, range_edges

# Structured residuals: k consecutive points of a dataset, where the model is magnified (within 2 tE of t0),
# whose chi2 has a chance below ANOMALY_CHANCE under the rescaled errors (about 6 sigma; a few thousand
# windows are tried per event) and exceeds its k points by ANOMALY_DELTA_CHI2 or more.
ANOMALY_WINDOWS = (5, 10, 20)
ANOMALY_CHANCE = 1e-9
ANOMALY_DELTA_CHI2 = 50.0
# Unconstrained: u0 this close to 0 (the valley where only u0 tE is measured), sigma(tE) above this share of
# tE, or a parallax component with a sigma above this.
U0_VALLEY = 1e-3
LARGEST_RELATIVE_TE_ERROR = 0.5
LARGEST_PIE_ERROR = 1.0


def anomaly(data, best, selection):
    """("not point lens", where and how much) if some run of consecutive points of a dataset, where the model
    is magnified, has a chi2 the rescaled errors make all but impossible (see ANOMALY_WINDOWS); else None."""
    pulls = data.evaluate(best)[0] * numpy.sqrt(data.weight)
    worst = None
    for i, d in enumerate(selection.window):
        mine = data.which == i
        hjd, squared = data.hjd[mine], pulls[mine] ** 2
        magnified = numpy.abs(hjd - best["t0"]) <= 2 * best["tE"]
        sums = numpy.concatenate([[0.0], numpy.cumsum(squared)])
        inside = numpy.concatenate([[0], numpy.cumsum(magnified)])
        for k in ANOMALY_WINDOWS:
            if len(hjd) < k:
                continue
            chi2 = sums[k:] - sums[:-k]
            candidates = numpy.flatnonzero((inside[k:] - inside[:-k] == k) & (chi2 - k >= ANOMALY_DELTA_CHI2))
            if not len(candidates):
                continue
            j = candidates[numpy.argmax(chi2[candidates])]
            chance = stats.chi2.sf(chi2[j], k)
            if chance < ANOMALY_CHANCE and (worst is None or chance < worst[0]):
                worst = (chance, d.label, float(hjd[j]), float(hjd[j + k - 1]), float(chi2[j] - k), k)
    if worst is None:
        return None
    _, label, first, last, excess, k = worst
    return ("not point lens", f"structured residuals: {k} consecutive points of {label} at HJD' {first:.2f}-{last:.2f} "
                              f"exceed the model by chi2 {excess:.0f} (a chance below {ANOMALY_CHANCE:g})")


def unconstrained(fit):
    """("unconstrained", what is and is not known) when tE or piE is not bounded by the data; else None."""
    p, e = fit.parameters, fit.errors
    effective = f"the data give u0 tE = {abs(p['u0']) * p['tE']:.2f} d"
    edges = range_edges(p)
    if "tE high" in edges:
        return "unconstrained", f"tE runs to its {LARGEST_TE:,.0f}-day bound: not bounded by the data ({effective})"
    if "tE low" in edges:
        return "unconstrained", f"tE runs to its bound of {SMALLEST_TE:g} days"
    if "u0" in edges:
        return "unconstrained", f"u0 runs to its bound of {LARGEST_U0:g}: too little magnification to fit"
    if abs(p["u0"]) <= U0_VALLEY:
        return "unconstrained", (f"u0 = {p['u0']:.1e}: the u0 -> 0, tE -> infinity valley, where tE = {p['tE']:.0f} d "
                                 f"is not measured ({effective})")
    floored = [d for d in fit.datasets if d["held"] and d["source_flux"] > 0]
    if floored:
        # A dataset's data want a blend more negative than the prior allows: u0, tE and the source flux then
        # follow the floor, not the data. A large u0 and a bright source fit a faint, blended bump as well as
        # the truth; in the injection every ok fit with the truth beyond 5 sigma had a dataset at its floor
        # (the reference or another: the shared u0 and tE bend to every dataset's shape).
        which = floored[0]["label"] + (", the reference," if floored[0] is fit.datasets[0] else "")
        return "unconstrained", (f"the blend of {which} sits at its floor (a quarter of its baseline below "
                                 f"zero): tE = {p['tE']:.3g} d and u0 = {abs(p['u0']):.3g} follow the prior there, "
                                 f"not the data ({effective})")
    if "tE" not in e or e["tE"] > LARGEST_RELATIVE_TE_ERROR * p["tE"]:
        sigma = f"sigma(tE) = {e['tE']:.0f} d" if "tE" in e else "no curvature in tE"
        return "unconstrained", f"tE = {p['tE']:.0f} d is not bounded by the data ({sigma}; {effective})"
    if "piE_N" in p:
        sigmas = [e.get("piE_N"), e.get("piE_E")]
        if None in sigmas or max(sigmas) > LARGEST_PIE_ERROR:
            shown = ", ".join("none" if v is None else f"{v:.2f}" for v in sigmas)
            return "unconstrained", f"piE is not bounded by the data (sigma of piE_N, piE_E: {shown}); tE is"
    return None


def posterior_at_a_bound(fit):
    sampled = fit.solutions and fit.solutions[0]["posterior"]
    found = sampled and posterior.reaches_a_bound(sampled)
    return ("unconstrained", found) if found else None


def parallax_at_its_bound(parameters):
    return max(abs(parameters["piE_N"]), abs(parameters["piE_E"])) >= 0.99 * LARGEST_PIE
