"""The joint point-lens fit of one physical event: every survey's and telescope's photometry together. Pure:
datasets in, a result out (no database), so that events are fitted on every core.

The model and its priors (README, "How the joint fit is made"):
- magnification A(u), u(t)^2 = u0^2 + ((t - t0) / tE)^2, for long events also annual parallax (piE_N, piE_E)
  with t0_par fixed at the starting t0 rounded to a day, both signs of u0 tried; MulensModel's model and
  geometry, its chi2 evaluated by pointlens.py;
- each dataset k (one telescope, band and alert) has its own source and blend flux, F_k = fs_k A(t) + fb_k, solved
  by linear least squares for each trial of the others: fs_k not negative, fb_k not below a quarter of the
  dataset's baseline flux below zero (pointlens.BLEND_FLOOR_SHARE); ranges 0 <= |u0| <= 3, 0.05 <= tE <= 2000 days, |piE|
  components <= 5, t0 within 2000 days of its start;
- the search starts from each survey's fit and from a grid over t0 (the data's brightest points), u0 and tE;
  the best point any step saw is the answer, so no minimisation ends above where it started;
- the points within 6 tE + 120 days of t0, the window following the fit until it no longer changes;
- errors rescaled per dataset so that chi2/dof = 1 there (the factor and the chi2/dof before are kept), isolated
  points beyond 5 sigma dropped (and counted; a run of them is kept: it is the event's, or the model's failure);
- uncertainties from the curvature of chi2 at the minimum (covariance = 2 H^-1), fluxes profiled out;
- a verdict: "ok" only for a measured fit; "unconstrained" where tE or piE is not bounded by the data (at a
  bound, in the u0 -> 0 valley, sigma more than half the value, the reference's blend held at its floor); "not point lens" where the residuals hold a
  run the model does not explain (a windowed chi2 test where the event is magnified); "failed" with its reason.
  A parallax fit that runs to its bound is dropped, and the point-lens fit kept.
"""

import math
from dataclasses import dataclass, field

import numpy
from scipy import optimize, stats

from .formulas import magnitude_of
from .pointlens import JointData, magnification_at, parallax_offsets

# Bumped when the fit changes, so that every event is fitted again.
FIT_VERSION = 4
# Parallax for events this long (in any survey's fit, or the point-lens fit).
PARALLAX_FROM_TE = 60.0
OUTLIER_SIGMAS = 5.0
# A fit this little better than a constant flux is of a flat lightcurve: no event to fit.
FLAT_DELTA_CHI2 = 25.0
FEWEST_POINTS = 10
FEWEST_POINTS_PER_DATASET = 4
# Points per fitted number (each dataset's two fluxes, and the model's parameters) below which a fit is not
# tried: with fewer, a fit finds a degenerate minimum and a Hessian that understates its errors.
POINTS_PER_PARAMETER = 10
# The longest alerted events last a few hundred days; a fit that wants more is held by the degeneracy of u0 -> 0
# and tE -> infinity (the data constrain only u0 tE), and is reported as at the edge.
LARGEST_TE = 2000.0
POINT_LENS = ("t0", "u0", "tE")
WITH_PARALLAX = POINT_LENS + ("piE_N", "piE_E")
LARGEST_PIE = 5.0
# The grid the search also starts from, at each t0 the data or a survey suggest; the few best points of it on
# the event's window are minimised (each grid point costs one chi2, each minimisation a hundred).
GRID_U0 = (0.01, 0.1, 0.4, 1.0)
GRID_TE = (3.0, 10.0, 30.0, 100.0, 300.0)
GRID_STARTS_KEPT = 3
WINDOW_ITERATIONS = 5
# A point is dropped as an outlier only if no neighbour in time is off the same way by RUN_SIGMAS.
RUN_SIGMAS = 3.0
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
# The other u0 solution's posterior is sampled when its chi2 is within this of the best's.
OTHER_SOLUTION_SAMPLED_WITHIN = 25.0


@dataclass
class Dataset:
    """One lightcurve: its key, label, and points (HJD - 2450000, magnitude, error)."""
    lightcurve_id: int
    label: str
    survey: str
    hjd: numpy.ndarray
    mag: numpy.ndarray
    mag_err: numpy.ndarray


@dataclass
class Fit:
    status: str                                  # "ok", "unconstrained", "not point lens" or "failed"
    reason: str = None
    kind: str = None                             # "pspl" or "pspl+parallax"
    parameters: dict = field(default_factory=dict)   # t0, u0, tE, piE_N, piE_E, piE (t0 as HJD - 2450000)
    errors: dict = field(default_factory=dict)
    t0_par: float = None
    chi2: float = None
    dof: int = None
    delta_chi2_u0: float = None                  # chi2 of the best fit with the other sign of u0, less the best's
    delta_chi2_parallax: float = None            # the point-lens chi2, less the parallax fit's
    datasets: list = field(default_factory=list)     # per dataset: lightcurve_id, n_points, n_used, chi2, ...
    reference: int = None                        # the lightcurve_id every dataset is aligned to
    model_curve: list = None                     # [(hjd, mag)] of the fitted model in the reference's magnitudes
    n_dropped: int = 0
    solution: str = None                         # which u0 solution is the best ("+" or "-"; parallax fits)
    posterior: str = "curvature"                 # where the errors come from: "curvature", "sampled", or
                                                 # "sampled, not converged"
    solutions: list = field(default_factory=list)    # parallax fits: each u0 solution, see `solution_rows`


class Selection:
    """The datasets near the peak, which of their points are kept, and each one's error scale."""

    def __init__(self, window):
        self.window = window
        self.keep = [numpy.ones(len(d.hjd), dtype=bool) for d in window]
        self.scales = numpy.ones(len(window))
        self.offsets = {}

    def data(self, parallax=None):
        """The kept points, with errors scaled; with parallax = (coords, t0_par), its offsets (computed once)."""
        kept = numpy.concatenate(self.keep)
        if parallax is not None and parallax not in self.offsets:
            self.offsets[parallax] = parallax_offsets(numpy.concatenate([d.hjd for d in self.window]), *parallax)
        offsets = tuple(o[kept] for o in self.offsets[parallax]) if parallax is not None else None
        return JointData([(d.hjd[k], d.mag[k], d.mag_err[k] * s) for d, k, s in
                          zip(self.window, self.keep, self.scales)], offsets)

    def rescale_and_clip(self, parameters, parallax=None):
        """Per dataset: the error scale that makes chi2/dof 1 there; then keep the points within 5 sigma, and
        those beyond it that have a neighbour in time off the same way by RUN_SIGMAS (a run is the event's)."""
        data = self.data(parallax)
        normalised = data.evaluate(parameters)[0] * numpy.sqrt(data.weight)
        scales, keep = self.scales.copy(), []
        for i, (k, part) in enumerate(zip(self.keep, numpy.split(normalised, numpy.cumsum([k.sum() for k in self.keep])[:-1]))):
            factor = math.sqrt(max(float(numpy.sum(part ** 2)) / max(int(k.sum()) - 2, 1), 1e-4))
            scales[i] *= factor
            pull = part / factor
            off = numpy.abs(pull) > RUN_SIGMAS
            same_way = numpy.zeros(len(pull), dtype=bool)
            same_way[1:] |= off[:-1] & (numpy.sign(pull[:-1]) == numpy.sign(pull[1:]))
            same_way[:-1] |= off[1:] & (numpy.sign(pull[1:]) == numpy.sign(pull[:-1]))
            kept = k.copy()
            kept[numpy.flatnonzero(k)] = (numpy.abs(pull) <= OUTLIER_SIGMAS) | same_way
            keep.append(kept)
        self.scales, self.keep = scales, keep

    def n_used(self):
        return int(sum(k.sum() for k in self.keep))


def fit_event(datasets, starts, coords, long_event=False, sample_seed=None):
    """Fit the datasets (a list of Dataset) jointly, from `starts` [{t0, u0, tE}] (t0 as HJD - 2450000; the
    surveys' fits and where the data peak) and a grid around each of their t0, at the event's `coords`
    ("hh:mm:ss.s dd:mm:ss.s"); with parallax as well if long_event or the fit is long (and coords are known).
    With a `sample_seed`, each u0 solution of a parallax fit has its posterior sampled (posterior.py)."""
    starts = [starts] if isinstance(starts, dict) else list(starts)
    usable = [in_time_order(d) for d in datasets if len(d.hjd) >= FEWEST_POINTS_PER_DATASET]
    points = sum(len(d.hjd) for d in usable)
    if points < FEWEST_POINTS:
        return Fit("failed", f"too few points: {points} in datasets of at least {FEWEST_POINTS_PER_DATASET}, "
                             f"{FEWEST_POINTS} needed")
    usable.sort(key=lambda d: (d.survey != "OGLE", -len(d.hjd), d.lightcurve_id))  # the reference first
    grid = grid_starts(starts)
    found = point_lens_in_its_window(usable, starts, grid)
    if isinstance(found, Fit):
        return found
    selection, point_lens = found
    near = sum(len(d.hjd) for d in selection.window)
    best, names, parallax, by_sign, dropped_parallax = point_lens, POINT_LENS, None, {}, None
    enough = near >= POINTS_PER_PARAMETER * (2 * len(selection.window) + len(WITH_PARALLAX))
    if coords and enough and (long_event or point_lens["tE"] >= PARALLAX_FROM_TE):
        # Before the errors are rescaled: a point-lens misfit of a parallax event would be taken for noise.
        # t0_par at the surveys' t0 (not the point-lens fit's), so that the same data always give the same frame.
        parallax = (coords, float(round(starts[0]["t0"])))
        by_sign = fit_parallax(selection.data(parallax), [point_lens] + starts)
        if not by_sign:
            parallax = None
        else:
            best, names = min(by_sign.values(), key=selection.data(parallax).chi2), WITH_PARALLAX
    for _ in range(2):  # rescale the errors and drop outliers for the better model; fit both again
        selection.rescale_and_clip(best, parallax)
        point_lens = minimise(selection.data(), POINT_LENS, point_lens) or point_lens
        if parallax:
            by_sign = fit_parallax(selection.data(parallax), [point_lens], by_sign) or by_sign
            best = min(by_sign.values(), key=selection.data(parallax).chi2)
        else:
            best = point_lens
    if parallax and parallax_at_its_bound(best):
        # A parallax fit that runs to its bound measured nothing: the point-lens fit stands.
        dropped_parallax = f"the parallax fit ran to its bound (piE_N {best['piE_N']:.2f}, piE_E {best['piE_E']:.2f})"
        best, names, parallax, by_sign = point_lens, POINT_LENS, None, {}
    data = selection.data(parallax)
    chi2 = data.chi2(best)
    flat = flat_chi2(data)
    if flat - chi2 < FLAT_DELTA_CHI2:
        return Fit("failed", f"flat lightcurve: the point-lens fit is only {flat - chi2:.1f} in chi2 better "
                             f"than a constant (at least {FLAT_DELTA_CHI2:g} needed)")
    result = Fit("ok", kind="pspl+parallax" if parallax else "pspl", parameters=dict(best), chi2=chi2,
                 t0_par=parallax[1] if parallax else None)
    result.errors, covariance = uncertainties(data, names, best)
    if parallax:
        result.delta_chi2_parallax = selection.data().chi2(point_lens) - chi2
        add_parallax_length(result, covariance)
        result.solutions = [{"solution": "+" if sign > 0 else "-", "parameters": found, "chi2": data.chi2(found),
                             "delta_chi2": data.chi2(found) - chi2, "posterior": None}
                            for sign, found in sorted(by_sign.items(), key=lambda item: data.chi2(item[1]))]
        result.solution = result.solutions[0]["solution"]
        others = [one["delta_chi2"] for one in result.solutions[1:]]
        result.delta_chi2_u0 = others[0] if others else None
    held = data.evaluate(best)[3]
    result.dof = selection.n_used() - (2 * len(selection.window) - int(held.sum())) - len(names)
    result.n_dropped = sum(len(d.hjd) for d in selection.window) - selection.n_used()
    result.datasets = dataset_results(data, selection, best)
    result.reference = selection.window[0].lightcurve_id
    result.model_curve = model_curve(selection.window, best, result.datasets[0], parallax)
    judged = anomaly(data, best, selection) or unconstrained(result)
    if parallax and sample_seed is not None:
        # A fit the curvature already finds unconstrained is not worth emcee's minutes: its posterior is sampled
        # only where the cheap importance draws cover it.
        sample_solutions(result, data, names, sample_seed, by_emcee_too=judged is None)
        judged = judged or unconstrained(result) or posterior_at_a_bound(result)
    if judged:
        result.status, result.reason = judged
    if dropped_parallax:
        result.reason = "; ".join(filter(None, [result.reason, dropped_parallax + ": the point-lens fit is kept"]))
    return result


def in_time_order(d):
    order = numpy.argsort(d.hjd, kind="stable")
    return Dataset(d.lightcurve_id, d.label, d.survey, d.hjd[order], d.mag[order], d.mag_err[order])


def grid_starts(starts):
    """The grid over u0 and tE at each distinct t0 of the starts."""
    t0s = sorted({round(start["t0"], 1) for start in starts})
    return [{"t0": t0, "u0": u0, "tE": tE} for t0 in t0s for u0 in GRID_U0 for tE in GRID_TE]


def point_lens_in_its_window(usable, starts, grid):
    """(Selection, point-lens fit) with the window that the fit's own t0 and tE give (refitted until the window
    no longer changes, at most WINDOW_ITERATIONS times); or a failed Fit."""
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
            return Fit("failed", f"too few points near the peak: {near} for {len(selection.window)} datasets, "
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
        return Fit("failed", "the point-lens fit did not converge from any start")
    return best


def sample_solutions(result, data, names, seed, by_emcee_too=True):
    """Each u0 solution's posterior (posterior.py; by importance sampling only, unless `by_emcee_too`); where the
    best's was sampled, its percentiles give the fit's errors (half the 16th-84th percentile range), and
    `result.posterior` says whether the sampler converged."""
    from . import posterior
    for one in result.solutions:
        if one["delta_chi2"] > OTHER_SOLUTION_SAMPLED_WITHIN:
            continue  # a solution this much worse carries less than 1e-5 of the posterior
        errors, covariance = uncertainties(data, names, one["parameters"])
        one["posterior"] = posterior.sample(data, one["parameters"], errors, names, seed, covariance, by_emcee_too)
    best = result.solutions[0]["posterior"]
    if best is not None:
        result.posterior = best.state
        result.errors = {name: (values[3] - values[1]) / 2 for name, values in best.percentiles.items()}


def posterior_at_a_bound(fit):
    from . import posterior
    sampled = fit.solutions and fit.solutions[0]["posterior"]
    found = sampled and posterior.reaches_a_bound(sampled)
    return ("unconstrained", found) if found else None


def parallax_at_its_bound(parameters):
    return max(abs(parameters["piE_N"]), abs(parameters["piE_E"])) >= 0.99 * LARGEST_PIE


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
    if p["tE"] >= 0.99 * LARGEST_TE:
        return "unconstrained", f"tE runs to its {LARGEST_TE:,.0f}-day bound: not bounded by the data ({effective})"
    if p["tE"] <= 0.051:
        return "unconstrained", "tE runs to its bound of 0.05 days"
    if abs(p["u0"]) >= 2.99:
        return "unconstrained", "u0 runs to its bound of 3: too little magnification to fit"
    if abs(p["u0"]) <= U0_VALLEY:
        return "unconstrained", (f"u0 = {p['u0']:.1e}: the u0 -> 0, tE -> infinity valley, where tE = {p['tE']:.0f} d "
                                 f"is not measured ({effective})")
    reference = fit.datasets[0]
    if reference["held"] and reference["source_flux"] > 0:
        # The reference's data want a blend more negative than the prior allows: u0, tE and the source flux
        # then follow the floor (a large u0 and a bright source fit a faint, blended event as well), not the
        # data. (Another dataset at its floor only scales itself to the shape the reference gives.)
        return "unconstrained", (f"the blend of {reference['label']}, the reference, sits at its floor (a quarter "
                                 f"of its baseline below zero): tE = {p['tE']:.3g} d and u0 = {abs(p['u0']):.3g} "
                                 f"follow the prior there, not the data ({effective})")
    if "tE" not in e or e["tE"] > LARGEST_RELATIVE_TE_ERROR * p["tE"]:
        sigma = f"sigma(tE) = {e['tE']:.0f} d" if "tE" in e else "no curvature in tE"
        return "unconstrained", f"tE = {p['tE']:.0f} d is not bounded by the data ({sigma}; {effective})"
    if "piE_N" in p:
        sigmas = [e.get("piE_N"), e.get("piE_E")]
        if None in sigmas or max(sigmas) > LARGEST_PIE_ERROR:
            shown = ", ".join("none" if v is None else f"{v:.2f}" for v in sigmas)
            return "unconstrained", f"piE is not bounded by the data (sigma of piE_N, piE_E: {shown}); tE is"
    return None


def best_of(data, starts, names):
    """The lowest chi2 found from each of the starts; None if none converged."""
    found = [best for best in (minimise(data, names, start) for start in starts) if best is not None]
    return min(found, key=data.chi2) if found else None


def at_an_edge(parameters):
    """Which parameter sits at the edge of its allowed range, in words; None if none does (such a start is not
    worth a parallax fit)."""
    if abs(parameters["u0"]) >= 2.99:
        return f"u0 = {parameters['u0']:.2f}"
    if parameters["tE"] <= 0.051 or parameters["tE"] >= 0.99 * LARGEST_TE:
        return f"tE = {parameters['tE']:.3g} days"
    return None


def select_window(datasets, start):
    """The points near the peak: within 6 tE and 120 days of the starting t0 (all of them for a long event)."""
    half = 6 * min(max(start["tE"], 1.0), LARGEST_TE) + 120
    chosen = []
    for d in datasets:
        near = numpy.abs(d.hjd - start["t0"]) <= half
        if near.sum() >= FEWEST_POINTS_PER_DATASET:
            chosen.append(Dataset(d.lightcurve_id, d.label, d.survey, d.hjd[near], d.mag[near], d.mag_err[near]))
    return chosen


def minimise(data, names, start, signed_u0=False):
    """The chi2 minimum from start ({t0, u0, tE, ...}); None if the optimiser failed.

    The optimiser works in units in which one step is a large but sane move: t0 in effective timescales
    (u0 tE), u0 in halves of itself, ln tE in steps of 0.3 and parallax in 0.1. In days and raw u0 its first step
    along the gradient of a high-magnification event would throw tE to its bound."""
    x0 = numpy.array([start.get(n, 0.0) for n in names], dtype=float)
    if not signed_u0:
        x0[1] = abs(x0[1]) or 0.1
    x0[2] = min(max(x0[2], 0.06), LARGEST_TE * 0.99)
    scale = numpy.array([max(abs(x0[1]), 0.02) * x0[2], max(abs(x0[1]), 0.01) / 2, 0.3] + [0.1] * (len(names) - 3))
    shift = numpy.array([x0[0]] + [0.0] * (len(names) - 1))
    bounds = [(x0[0] - 2000, x0[0] + 2000), (-3.0 if signed_u0 else 0.0, 3.0), (math.log(0.05), math.log(LARGEST_TE))]
    bounds = [((low - s) / k, (high - s) / k) for (low, high), k, s in
              zip(bounds + [(-5.0, 5.0)] * (len(names) - 3), scale, shift)]

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


def flat_chi2(data):
    """chi2 of a constant flux for each dataset: what the event's model must beat."""
    mean = data.sums(data.weight * data.flux) / data.sums(data.weight)
    return float(numpy.sum(data.weight * (data.flux - mean[data.which]) ** 2))


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


def add_parallax_length(result, covariance):
    """|piE| and its error, through the covariance of piE_N and piE_E (the last two parameters)."""
    north, east = result.parameters["piE_N"], result.parameters["piE_E"]
    length = math.hypot(north, east)
    result.parameters["piE"] = length
    if covariance is not None and length > 0:
        direction = numpy.array([north, east]) / length
        variance = float(direction @ covariance[-2:, -2:] @ direction)
        if variance > 0:
            result.errors["piE"] = math.sqrt(variance)


def dataset_results(data, selection, best):
    _, source, blend, held, *_ = data.evaluate(best)
    chi2 = data.chi2_per_dataset(best)
    # chi2/dof with the published errors: what says whether they, or the model, are right (after rescaling it
    # is 1 by construction).
    return [{"lightcurve_id": d.lightcurve_id, "label": d.label, "n_points": len(d.hjd), "n_used": int(k.sum()),
             "chi2": float(chi2[i]), "error_scale": float(selection.scales[i]),
             "chi2_dof_published": float(chi2[i] * selection.scales[i] ** 2 / max(int(k.sum()) - 2, 1)),
             "source_flux": float(source[i]), "blend_flux": float(blend[i]), "held": bool(held[i])}
            for i, (d, k) in enumerate(zip(selection.window, selection.keep))]


def model_curve(window, best, reference, parallax, samples=600, near_peak=300):
    """The model in the reference dataset's magnitudes, on a grid dense across the peak: [(hjd, mag)]."""
    first = min(float(d.hjd.min()) for d in window)
    last = max(float(d.hjd.max()) for d in window)
    width = max(3 * abs(best["u0"]) * best["tE"], 0.5)
    grid = numpy.unique(numpy.concatenate([numpy.linspace(first, last, samples),
                                           numpy.linspace(best["t0"] - width, best["t0"] + width, near_peak)]))
    grid = grid[(grid >= first - 1) & (grid <= last + 1)]
    mags = magnitude_of(reference["source_flux"] * magnification_at(grid, best, parallax) + reference["blend_flux"])
    return [(round(float(t), 5), round(float(m), 4)) for t, m in zip(grid, mags) if math.isfinite(m)]

