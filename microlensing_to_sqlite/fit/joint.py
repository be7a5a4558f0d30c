"""The joint point-lens fit of one physical event: every survey's and telescope's photometry together. Pure:
datasets in, a result out (no database), so that events are fitted on every core.

The model and its priors (docs/joint-fit.md):
- magnification A(u), u(t)^2 = u0^2 + ((t - t0) / tE)^2, for long events also annual parallax (piE_N, piE_E)
  with t0_par fixed at the starting t0 rounded to a day, both signs of u0 tried; MulensModel's model and
  geometry, its chi2 evaluated by model.py;
- each dataset k (one telescope, band and alert) has its own source and blend flux, F_k = fs_k A(t) + fb_k, solved
  by linear least squares for each trial of the others: fs_k not negative, fb_k not below a quarter of the
  dataset's baseline flux below zero (model.BLEND_FLOOR_SHARE); ranges 0 <= |u0| <= 3, 0.05 <= tE <= 2000 days, |piE|
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

from ..formulas import magnitude_of
from . import forecast, posterior
from .data import FEWEST_POINTS, FEWEST_POINTS_PER_DATASET, flat_chi2, in_time_order
from .model import POINT_LENS, WITH_PARALLAX, largest_shift_times, magnification_at
from .search import (POINTS_PER_PARAMETER, fit_parallax, grid_starts, minimise, point_lens_in_its_window,
                     tE_lower_limit, uncertainties)
from .verdict import anomaly, parallax_at_its_bound, posterior_at_a_bound, unconstrained

# Bumped when the fit changes, so that every event is fitted again.
FIT_VERSION = 10
# Parallax for events this long (in any survey's fit, or the point-lens fit).
PARALLAX_FROM_TE = 60.0
# A fit this little better than a constant flux is of a flat lightcurve: no event to fit.
FLAT_DELTA_CHI2 = 25.0
# The other u0 solution's posterior is sampled when its chi2 is within this of the best's.
OTHER_SOLUTION_SAMPLED_WITHIN = 25.0


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
    largest_shift: tuple = (None, None)          # HJD - 2450000 of u = sqrt(2) before and after t0 (model.py)
    n_dropped: int = 0
    solution: str = None                         # which u0 solution is the best ("+" or "-"; parallax fits)
    posterior: str = "curvature"                 # where the errors come from: "curvature", "sampled", or
                                                 # "sampled, not converged"
    solutions: list = field(default_factory=list)    # parallax fits: each u0 solution, see `solution_rows`
    tE_lower_limit: float = None                 # unconstrained fits: tE's one-sided 97.5% lower limit [days]
    last_hjd: float = None                       # the data's last time (HJD - 2450000)
    forecast: dict = None                        # forecast.py: the model past the last point, and the peak ahead
    forecast_from: str = None                    # the draws it is made of: "sampled" or "curvature"


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
    if isinstance(found, str):
        return Fit("failed", found)
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
        solutions = [{"solution": "+" if sign > 0 else "-", "parameters": found, "chi2": data.chi2(found),
                      "posterior": None} for sign, found in by_sign.items()]
        result.solutions = sorted(({**one, "delta_chi2": one["chi2"] - chi2} for one in solutions),
                                  key=lambda one: one["chi2"])
        result.solution = result.solutions[0]["solution"]
        others = [one["delta_chi2"] for one in result.solutions[1:]]
        result.delta_chi2_u0 = others[0] if others else None
    result.datasets = dataset_results(data, selection, best)
    held = sum(d["held"] for d in result.datasets)
    result.dof = selection.n_used() - (2 * len(selection.window) - held) - len(names)
    result.n_dropped = sum(len(d.hjd) for d in selection.window) - selection.n_used()
    result.reference = selection.window[0].lightcurve_id
    result.model_curve = model_curve(selection.window, best, result.datasets[0], parallax)
    result.largest_shift = largest_shift_times(best, parallax)
    judged = anomaly(data, best, selection) or unconstrained(result)
    if parallax and sample_seed is not None:
        # A fit the curvature already finds unconstrained is not worth emcee's minutes: its posterior is sampled
        # only where the cheap importance draws cover it.
        sample_solutions(result, data, names, sample_seed, by_emcee_too=judged is None)
        judged = judged or unconstrained(result) or posterior_at_a_bound(result)
    if judged:
        result.status, result.reason = judged
    if result.status == "unconstrained":
        add_tE_lower_limit(result, data, names, best, parallax)
    result.last_hjd = max(float(d.hjd.max()) for d in usable)
    if result.status == "ok":
        add_forecast(result, data, names, best, covariance, parallax, sample_seed)
    if dropped_parallax:
        result.reason = "; ".join(filter(None, [result.reason, dropped_parallax + ": the point-lens fit is kept"]))
    return result


def sample_solutions(result, data, names, seed, by_emcee_too=True):
    """Each u0 solution's posterior (posterior.py; by importance sampling only, unless `by_emcee_too`); where the
    best's was sampled, its percentiles give the fit's errors (half the 16th-84th percentile range), and
    `result.posterior` says whether the sampler converged."""
    # a solution this much worse carries less than 1e-5 of the posterior
    sampled = [one for one in result.solutions if one["delta_chi2"] <= OTHER_SOLUTION_SAMPLED_WITHIN]
    nightly = data.binned([one["parameters"] for one in sampled])
    for one in sampled:
        errors, covariance = uncertainties(data, names, one["parameters"])
        one["posterior"] = posterior.sample(nightly, one["parameters"], errors, names, seed, covariance,
                                            by_emcee_too)
    best = result.solutions[0]["posterior"]
    if best is not None:
        result.posterior = best.state
        result.errors = {name: (values[3] - values[1]) / 2 for name, values in best.percentiles.items()}


def add_tE_lower_limit(result, data, names, best, parallax):
    """What an unconstrained fit still knows of tE: its 97.5% lower limit, from the posterior (the 2.5th
    percentile, both u0 solutions by their weights) where it was sampled, else from the profile of chi2
    (search.tE_lower_limit); said in the reason too."""
    if result.solutions and any(one["posterior"] for one in result.solutions):
        result.tE_lower_limit, how = posterior.mixture_percentiles(result.solutions, "tE")[0], "the posterior"
    else:
        result.tE_lower_limit, how = tE_lower_limit(data, names, best, signed_u0=bool(parallax)), "the chi2 profile"
    if result.tE_lower_limit is not None:
        result.reason += f"; tE > {result.tE_lower_limit:.3g} d at 97.5% ({how})"


def add_forecast(result, data, names, best, covariance, parallax, seed):
    """The model past the last point (forecast.py), from the posterior's draws where it was sampled, else the
    curvature's."""
    draws = forecast.posterior_draws(result.solutions) if result.posterior != "curvature" else None
    result.forecast_from = "sampled" if draws else "curvature"
    draws = draws or forecast.curvature_draws(best, names, covariance, numpy.random.default_rng(seed or 0))
    if draws:
        result.forecast = forecast.forecast(data, best, draws, result.last_hjd, parallax)
    else:
        result.forecast_from = None


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
