"""The search for a joint fit's minimum: from the surveys' fits and a grid over t0, u0 and tE, on a window that
follows the fit; point lens, then parallax with both signs of u0; and the curvature's errors at the minimum.
The best point any step saw is the answer, so no minimisation ends above where it started.
"""

import math

import numpy
from scipy import optimize

from .data import FEWEST_POINTS, Selection, select_window
from .model import LARGEST_PIE, LARGEST_TE, LARGEST_U0, POINT_LENS, SMALLEST_TE, T0_SEARCHED, WITH_PARALLAX, range_edges

# Points per fitted number (each dataset's two fluxes, and the model's parameters) below which a fit is not
# tried: with fewer, a fit finds a degenerate minimum and a Hessian that understates its errors.
POINTS_PER_PARAMETER = 10
# The grid the search also starts from, at each t0 the data or a survey suggest; the few best points of it on
# the event's window are minimised (each grid point costs one chi2, each minimisation a hundred).
GRID_U0 = (0.01, 0.1, 0.4, 1.0)
GRID_TE = (3.0, 10.0, 30.0, 100.0, 300.0)
GRID_STARTS_KEPT = 3
WINDOW_ITERATIONS = 5


def grid_starts(starts):
    """The grid over u0 and tE at each distinct t0 of the starts."""
    t0s = sorted({round(start["t0"], 1) for start in starts})
    return [{"t0": t0, "u0": u0, "tE": tE} for t0 in t0s for u0 in GRID_U0 for tE in GRID_TE]


def point_lens_in_its_window(usable, starts, grid):
    """(Selection, point-lens fit) with the window that the fit's own t0 and tE give (refitted until the window
    no longer changes, at most WINDOW_ITERATIONS times); or, failing, why (a string)."""
    around, seen, best = starts[0], set(), None
    for _ in range(WINDOW_ITERATIONS):
        selection = Selection(select_window(usable, around))
        window = tuple((d.lightcurve_id, len(d.hjd), float(d.hjd[0]), float(d.hjd[-1])) for d in selection.window)
        if window in seen:
            break
        seen.add(window)
        near = sum(len(d.hjd) for d in selection.window)
        needed = POINTS_PER_PARAMETER * (2 * len(selection.window) + len(POINT_LENS))
        if near < max(needed, FEWEST_POINTS):
            if best is not None:
                break
            return (f"too few points near the peak: {near} for {len(selection.window)} datasets, "
                    f"{needed} needed ({POINTS_PER_PARAMETER} per flux and parameter)")
        data = selection.data()
        # The first window is searched from every start; a window that moved, from the fit that moved it and
        # the grid's best point on it.
        ranked = sorted(grid, key=data.chi2)
        tried = [best[1]] + ranked[:1] if best else starts + ranked[:GRID_STARTS_KEPT]
        found = best_of(data, tried, POINT_LENS)
        if found is None:
            break
        best, around = (selection, found), found
    if best is None:
        return "the point-lens fit did not converge from any start"
    return best


def best_of(data, starts, names):
    """The lowest chi2 found from each of the starts; None if none converged."""
    found = [best for best in (minimise(data, names, start) for start in starts) if best is not None]
    return min(found, key=data.chi2) if found else None


def at_an_edge(parameters):
    """Which parameter sits at the edge of its allowed range, in words; None if none does (such a start is not
    worth a parallax fit)."""
    edges = range_edges(parameters)
    if "u0" in edges:
        return f"u0 = {parameters['u0']:.2f}"
    if edges:
        return f"tE = {parameters['tE']:.3g} days"
    return None


def minimise(data, names, start, signed_u0=False, tE_held=None):
    """The chi2 minimum from start ({t0, u0, tE, ...}); None if the optimiser failed. With `tE_held`, tE is held
    there (the profile of chi2 in tE).

    The optimiser works in units in which one step is a large but sane move: t0 in effective timescales
    (u0 tE), u0 in halves of itself, ln tE in steps of 0.3 and parallax in 0.1. In days and raw u0 its first step
    along the gradient of a high-magnification event would throw tE to its bound."""
    x0 = numpy.array([start.get(n, 0.0) for n in names], dtype=float)
    if not signed_u0:
        x0[1] = abs(x0[1]) or 0.1
    x0[2] = tE_held if tE_held else min(max(x0[2], 0.06), LARGEST_TE * 0.99)
    scale = numpy.array([max(abs(x0[1]), 0.02) * x0[2], max(abs(x0[1]), 0.01) / 2, 0.3] + [0.1] * (len(names) - 3))
    shift = numpy.array([x0[0]] + [0.0] * (len(names) - 1))
    bounds = [(x0[0] - T0_SEARCHED, x0[0] + T0_SEARCHED), (-LARGEST_U0 if signed_u0 else 0.0, LARGEST_U0),
              (math.log(tE_held), math.log(tE_held)) if tE_held else (math.log(SMALLEST_TE), math.log(LARGEST_TE))]
    bounds = [((low - s) / k, (high - s) / k) for (low, high), k, s in
              zip(bounds + [(-LARGEST_PIE, LARGEST_PIE)] * (len(names) - 3), scale, shift)]

    def physical(y):
        x = y * scale + shift
        x[2] = math.exp(x[2])
        return dict(zip(names, x))

    seen = {"chi2": math.inf, "y": None}  # the best point any step saw: L-BFGS-B can end above it

    def chi2_and_gradient(y):
        p = physical(y)
        chi2, gradient = data.chi2_and_gradient(p, names)
        if not (math.isfinite(chi2) and numpy.all(numpy.isfinite(gradient))):
            return 1e300, numpy.zeros(len(names))
        if chi2 < seen["chi2"]:
            seen.update(chi2=chi2, y=numpy.array(y, dtype=float))
        gradient = gradient * scale
        gradient[2] *= p["tE"]  # d/d(ln tE) = tE d/dtE
        return chi2, gradient

    y0 = (numpy.array([x0[0], x0[1], math.log(x0[2])] + list(x0[3:])) - shift) / scale
    with numpy.errstate(all="ignore"):
        optimize.minimize(chi2_and_gradient, y0, jac=True, method="L-BFGS-B", bounds=bounds,
                          options={"maxiter": 1000, "ftol": 1e-13, "gtol": 1e-7})
    if seen["y"] is None:
        return None
    return {n: float(v) for n, v in physical(seen["y"]).items()}


# A one-sided 97.5% limit from the profile of chi2: the counterpart of a posterior's 2.5th percentile.
LIMIT_DELTA_CHI2 = 1.96 ** 2
LIMIT_HALVINGS, LIMIT_BISECTIONS = 12, 5


def tE_lower_limit(data, names, best, signed_u0=False):
    """The smallest tE the data allow at 97.5% (one-sided): where the profile of chi2 in tE (every other
    parameter and the fluxes fitted) rises LIMIT_DELTA_CHI2 above the best, found by halving tE from the best
    and then bisecting in ln tE; None where even SMALLEST_TE is allowed or the profile cannot be followed."""
    lowest = data.chi2(best)

    def rise(tE, start):
        found = minimise(data, names, {**start, "tE": tE}, signed_u0=signed_u0, tE_held=tE)
        return (math.inf, start) if found is None else (data.chi2(found) - lowest, found)

    allowed, start, excluded = math.log(best["tE"]), best, None
    for _ in range(LIMIT_HALVINGS):
        tE = math.exp(allowed) / 2
        if tE < SMALLEST_TE:
            return None
        delta, found = rise(tE, start)
        if not math.isfinite(delta):
            return None
        if delta >= LIMIT_DELTA_CHI2:
            excluded = math.log(tE)
            break
        allowed, start = math.log(tE), found
    if excluded is None:
        return None
    for _ in range(LIMIT_BISECTIONS):
        middle = (allowed + excluded) / 2
        delta, found = rise(math.exp(middle), start)
        if delta >= LIMIT_DELTA_CHI2:
            excluded = middle
        else:
            allowed, start = middle, found
    return math.exp((allowed + excluded) / 2)


def fit_parallax(data, starts, previous=None):
    """The best parallax fit with u0 > 0 and with u0 < 0, from each start with that sign and piE at 0, and from
    that sign's `previous` solution: {+1: parameters, -1: parameters} of those that converged."""
    by_sign = {}
    for sign in (1, -1):
        tried = [{**start, "u0": sign * abs(start["u0"]), "piE_N": 0.0, "piE_E": 0.0} for start in starts
                 if not at_an_edge(start)] + ([previous[sign]] if previous and sign in previous else [])
        found = [best for best in (minimise(data, WITH_PARALLAX, s, signed_u0=True) for s in tried) if best]
        if found:
            by_sign[sign] = min(found, key=data.chi2)
    return by_sign


def uncertainties(data, names, best):
    """1-sigma errors from the Hessian of chi2 (by differences of its analytic gradient); none where the
    curvature is not positive (a flat direction)."""
    steps = numpy.array([1e-3 * max(best["tE"], 1.0), 1e-3 * max(abs(best["u0"]), 1e-3), 1e-3 * best["tE"]]
                        + [1e-3] * (len(names) - 3))
    hessian = numpy.empty((len(names), len(names)))
    for j, name in enumerate(names):
        up = data.chi2_and_gradient({**best, name: best[name] + steps[j]}, names)[1]
        down = data.chi2_and_gradient({**best, name: best[name] - steps[j]}, names)[1]
        hessian[:, j] = (up - down) / (2 * steps[j])
    try:
        covariance = 2 * numpy.linalg.inv((hessian + hessian.T) / 2)
    except numpy.linalg.LinAlgError:
        return {}, None
    variances = numpy.diag(covariance)
    return {n: float(math.sqrt(v)) for n, v in zip(names, variances) if v > 0 and math.isfinite(v)}, covariance
