"""The posterior of a joint fit's solution: what the curvature's sigma cannot say where the chi2 surface is curved,
skewed or bounded.

The likelihood is the fit's: chi2 with the rescaled errors of its final selection, each dataset's fluxes solved
at every step (the profile over fluxes, as MulensModel's examples sample), of each dataset's nights averaged
where the model is steady through them (model.JointData.binned: on real OGLE cadences, a quarter of the points
and the same chi2 differences to 0.15). The parameters are t0, u0, ln tE and,
with parallax, piE_N and piE_E; the prior is flat in each within the fit's ranges (so flat in ln tE: popclass
divides that prior out), and u0 keeps the solution's sign.

Two samplers, the cheap one first:
- **Importance sampling** ("importance"): IMPORTANCE_DRAWS draws from a Student-t (4 degrees of freedom) around
  the solution with the curvature's covariance inflated by IMPORTANCE_INFLATION, each weighted by posterior /
  proposal. Kept when the weights' effective sample size is at least IMPORTANCE_EFFECTIVE and no draw carries
  more than IMPORTANCE_LARGEST_WEIGHT of the total: then the posterior is close enough to the curvature's
  Gaussian for the draws to cover it, and that is converged. A round that fails moves the proposal to its
  weighted draws' mean and covariance, up to IMPORTANCE_ROUNDS rounds. Where none covers it (a valley, a
  bound, two modes),
- **emcee** (Foreman-Mackey et al. 2013, the field's usual sampler): WALKERS_PER_PARAMETER walkers per
  parameter start in a ball of the curvature's sigma around the solution (differential evolution expands a
  smaller one too slowly: from a tenth of it, 300 steps of burn-in left a chain 2 sigma off that the
  autocorrelation time called converged) and move by differential evolution (80% DEMove, 20%
  DESnookerMove, as emcee's documentation suggests for correlated and multimodal posteriors: on the long events
  of tests/test_posterior.py the autocorrelation time is 15-20 steps, the default stretch move's 45-70). It
  burns in BURN_STEPS, then samples in chunks until the chain is longer than CONVERGED_AUTOCORRELATIONS
  integrated autocorrelation times (emcee.autocorr; 50, as emcee's authors advise), or MOST_STEPS is reached,
  or the autocorrelation time measured so far says MOST_STEPS cannot be long enough (cannot_converge); it is
  called converged only in the first case and with a mean acceptance within ACCEPTANCE.

fit_solutions keeps the sampler, the effective samples or the autocorrelation time, the steps and the
acceptance. The percentiles are of every draw (weighted); the stored draws are DRAWS, equally weighted (an even
thinning of the chain, or a systematic resampling of the weighted draws). Seeded by the event, so that the same
data give the same draws.
"""

import logging
import math

import numpy

from .model import LARGEST_PIE, LARGEST_TE, LARGEST_U0, SMALLEST_TE, T0_SEARCHED

PERCENTILES = (2.5, 16.0, 50.0, 84.0, 97.5)
IMPORTANCE_DRAWS = 3000
IMPORTANCE_INFLATION = 1.5
IMPORTANCE_EFFECTIVE = 600
IMPORTANCE_LARGEST_WEIGHT = 0.01
IMPORTANCE_ROUNDS = 3
IMPORTANCE_BATCH = 250  # draws evaluated at once: memory grows as draws x points
WALKERS_PER_PARAMETER = 4
BURN_STEPS = 600
CHUNK_STEPS = 300
MOST_STEPS = 1800
CONVERGED_AUTOCORRELATIONS = 50
HOPELESS_AUTOCORRELATION = 1.4  # see cannot_converge
ACCEPTANCE = (0.1, 0.8)
DRAWS = 100
SAMPLED = ("t0", "u0", "tE", "piE_N", "piE_E")
# emcee warns on every estimate made before the chain is 50 times longer: the state is stored instead.
logging.getLogger("emcee").setLevel(logging.ERROR)


class Posterior:
    """What a sampler found for one solution: every draw {name: array} with its weight, the percentiles
    {name: [5 values]} (|piE| included), DRAWS equally weighted draws, whether it converged, and how it was
    judged (effective samples, or the longest autocorrelation time, the mean acceptance and the steps)."""

    def __init__(self, method, every, weights, draws, converged, effective=None, autocorrelation=None,
                 acceptance=None, steps=None):
        self.method, self.every, self.weights, self.draws, self.converged = method, every, weights, draws, converged
        self.effective, self.autocorrelation, self.acceptance, self.steps = effective, autocorrelation, acceptance, steps
        for values in (every, draws):
            if "piE_N" in values:
                values["piE"] = numpy.hypot(values["piE_N"], values["piE_E"])
        self.percentiles = {name: weighted_percentiles(values, weights) for name, values in every.items()}

    @property
    def state(self):
        return "sampled" if self.converged else "sampled, not converged"


def weighted_percentiles(values, weights):
    order = numpy.argsort(values)
    cumulative = numpy.cumsum(weights[order]) / weights.sum()
    places = numpy.minimum(numpy.searchsorted(cumulative, numpy.array(PERCENTILES) / 100), len(values) - 1)
    return [float(v) for v in values[order][places]]


class Space:
    """The sampled coordinates (t0, u0, ln tE[, piE_N, piE_E]) of a solution, their bounds, and the
    log-posterior of many points at once."""

    def __init__(self, data, solution, names):
        self.data, self.names = data, names
        sign = 1.0 if solution["u0"] >= 0 else -1.0
        self.centre = numpy.array([solution["t0"], solution["u0"], math.log(solution["tE"])]
                                  + [solution[n] for n in names[3:]])
        extra = len(names) - 3
        self.low = numpy.array([solution["t0"] - T0_SEARCHED, 0.0 if sign > 0 else -LARGEST_U0, math.log(SMALLEST_TE)]
                               + [-LARGEST_PIE] * extra)
        self.high = numpy.array([solution["t0"] + T0_SEARCHED, LARGEST_U0 if sign > 0 else 0.0, math.log(LARGEST_TE)]
                                + [LARGEST_PIE] * extra)

    def parameters(self, positions):
        found = {"t0": positions[:, 0], "u0": positions[:, 1], "tE": numpy.exp(positions[:, 2])}
        found.update({n: positions[:, 3 + i] for i, n in enumerate(self.names[3:])})
        return found

    def log_posterior(self, positions):
        inside = numpy.all((positions > self.low) & (positions < self.high), axis=1)
        chi2 = numpy.full(len(positions), numpy.inf)
        if inside.any():
            chi2[inside] = self.data.chi2_many(self.parameters(positions[inside]))
        return numpy.where(numpy.isfinite(chi2), -0.5 * chi2, -numpy.inf)


def sample(data, solution, errors, names, seed, covariance=None, by_emcee_too=True):
    """The posterior around `solution` ({t0, u0, tE[, piE_N, piE_E]}) of the fit's JointData `data`: by
    importance sampling when the curvature's `covariance` (in t0, u0, tE, ...) describes it well enough, else
    by emcee (None without `by_emcee_too`); `errors` (the curvature's sigma, where known) size emcee's
    starting ball."""
    rng = numpy.random.default_rng(seed)
    space = Space(data, solution, names)
    if covariance is not None:
        found = by_importance(space, solution, covariance, rng)
        if found is not None:
            return found
    return by_emcee(space, solution, errors, rng) if by_emcee_too else None


def by_importance(space, solution, covariance, rng, degrees=4):
    """Posterior draws weighted against a Student-t proposal, or None when the weights say the proposal does not
    cover the posterior (see the module's docstring). A proposal that does not is moved to the weighted draws'
    mean and covariance and tried again, IMPORTANCE_ROUNDS times in all (adaptive importance sampling)."""
    jacobian = numpy.ones(len(space.names))
    jacobian[2] = 1 / solution["tE"]  # d ln tE / d tE
    curvature = covariance * numpy.outer(jacobian, jacobian)  # in the sampled coordinates
    centre, scale = space.centre, curvature * IMPORTANCE_INFLATION ** 2
    for _ in range(IMPORTANCE_ROUNDS):
        found = importance_round(space, centre, scale, rng, degrees)
        if found is None:
            return None
        positions, weights, effective = found
        if effective >= IMPORTANCE_EFFECTIVE and weights.max() <= IMPORTANCE_LARGEST_WEIGHT * weights.sum():
            return resampled(space, positions, weights, effective, rng)
        share = weights / weights.sum()
        centre = share @ positions
        spread = positions - centre
        scale = (spread.T * share) @ spread * IMPORTANCE_INFLATION ** 2
        if effective < 2 * len(space.names):  # too few draws to measure a covariance from: widen instead
            scale = curvature * (2 * IMPORTANCE_INFLATION) ** 2
    return None


def importance_round(space, centre, scale, rng, degrees):
    """(positions, weights, effective sample size) of IMPORTANCE_DRAWS Student-t draws around centre; None if
    the scale is not a covariance or no draw has a finite posterior."""
    try:
        root = numpy.linalg.cholesky(scale)
    except numpy.linalg.LinAlgError:
        return None
    dimensions = len(space.names)
    normal = rng.standard_normal((IMPORTANCE_DRAWS, dimensions))
    stretch = numpy.sqrt(degrees / rng.chisquare(degrees, IMPORTANCE_DRAWS))
    offsets = (normal @ root.T) * stretch[:, None]
    positions = centre + offsets
    # log of the proposal's density, up to a constant: the t distribution's
    mahalanobis = numpy.sum(numpy.linalg.solve(root, offsets.T) ** 2, axis=0)
    log_proposal = -0.5 * (degrees + dimensions) * numpy.log1p(mahalanobis / degrees)
    log_posterior = numpy.concatenate([space.log_posterior(positions[i:i + IMPORTANCE_BATCH])
                                       for i in range(0, len(positions), IMPORTANCE_BATCH)])
    log_weights = log_posterior - log_proposal
    finite = numpy.isfinite(log_weights)
    if not finite.any():
        return None
    weights = numpy.where(finite, numpy.exp(log_weights - numpy.max(log_weights[finite])), 0.0)
    return positions, weights, float(weights.sum() ** 2 / numpy.sum(weights ** 2))


def resampled(space, positions, weights, effective, rng):
    """The Posterior of weighted draws, with DRAWS equally weighted ones by systematic resampling."""
    cumulative = numpy.cumsum(weights) / weights.sum()
    picked = numpy.minimum(numpy.searchsorted(cumulative, (rng.random() + numpy.arange(DRAWS)) / DRAWS),
                           len(weights) - 1)
    return Posterior("importance", space.parameters(positions), weights, space.parameters(positions[picked]), True,
                     effective=effective, steps=len(weights))


def by_emcee(space, solution, errors, rng):
    import emcee

    spread = numpy.array([min(errors.get("t0", 1e-3 * solution["tE"]), 0.1 * solution["tE"]),
                          min(errors.get("u0", 1e-3), 0.1 * max(abs(solution["u0"]), 1e-3)),
                          min(errors.get("tE", 1e-3 * solution["tE"]) / solution["tE"], 0.1)]
                         + [min(errors.get(n, 1e-3), 0.1) for n in space.names[3:]])
    dimensions = len(space.names)
    walkers = WALKERS_PER_PARAMETER * dimensions
    start = space.centre + spread * rng.standard_normal((walkers, dimensions))
    margin = 1e-9 * (space.high - space.low)
    start = numpy.clip(start, space.low + margin, space.high - margin)
    moves = [(emcee.moves.DEMove(), 0.8), (emcee.moves.DESnookerMove(), 0.2)]
    sampler = emcee.EnsembleSampler(walkers, dimensions, space.log_posterior, vectorize=True, moves=moves)
    sampler.random_state = numpy.random.RandomState(int(rng.integers(2 ** 31))).get_state()
    state = sampler.run_mcmc(start, BURN_STEPS)
    sampler.reset()
    autocorrelation = math.inf
    while sampler.iteration < MOST_STEPS:
        state = sampler.run_mcmc(state, CHUNK_STEPS)
        with numpy.errstate(all="ignore"):  # a walker ensemble that does not move has no autocorrelation
            times = emcee.autocorr.integrated_time(sampler.get_chain(), quiet=True)
        autocorrelation = float(numpy.max(times)) if numpy.all(numpy.isfinite(times)) else math.inf
        if sampler.iteration >= CONVERGED_AUTOCORRELATIONS * autocorrelation:
            break
        if cannot_converge(autocorrelation, sampler.iteration):
            break
    acceptance = float(numpy.mean(sampler.acceptance_fraction))
    converged = (sampler.iteration >= CONVERGED_AUTOCORRELATIONS * autocorrelation
                 and ACCEPTANCE[0] <= acceptance <= ACCEPTANCE[1])
    flat = sampler.get_chain(flat=True)
    thinned = flat[numpy.linspace(0, len(flat) - 1, DRAWS).round().astype(int)]
    return Posterior("emcee", space.parameters(flat), numpy.ones(len(flat)), space.parameters(thinned), converged,
                     autocorrelation=autocorrelation, acceptance=acceptance, steps=sampler.iteration)


def cannot_converge(autocorrelation, steps):
    """Whether a chain with this autocorrelation time so far will not be CONVERGED_AUTOCORRELATIONS of them long
    by MOST_STEPS: an ensemble that does not move (no finite time after two chunks), or a time already
    HOPELESS_AUTOCORRELATION times the longest that could converge. Estimates grow as the chain does (on the
    long events of the fit benchmark, 1.2-2.3 times from 600 steps to 1,800; none above 50 steps at 600 ever
    fell below the 36 that converge), so the chain stops, not converged, and spends no more."""
    if not math.isfinite(autocorrelation):
        return steps >= 2 * CHUNK_STEPS
    return autocorrelation >= HOPELESS_AUTOCORRELATION * MOST_STEPS / CONVERGED_AUTOCORRELATIONS


def reaches_a_bound(posterior):
    """In words, which bound the posterior's 95% interval reaches (tE's 2,000 days, piE's +-5); None."""
    p = posterior.percentiles
    if p["tE"][4] >= 0.9 * LARGEST_TE:
        return f"the posterior's 97.5th percentile of tE ({p['tE'][4]:,.0f} d) reaches its {LARGEST_TE:,.0f}-day bound"
    if "piE_N" in p and max(abs(p[n][i]) for n in ("piE_N", "piE_E") for i in (0, 4)) >= 0.9 * LARGEST_PIE:
        return f"the posterior of piE reaches its bound of {LARGEST_PIE:g} (95% of |piE| below {p['piE'][4]:.2f})"
    return None


def mixture_percentiles(solutions, name):
    """PERCENTILES of `name` over the sampled u0 solutions together, each weighted by its share of the posterior
    (exp(-delta_chi2 / 2)): where the two signs are close, the event's answer is neither alone."""
    sampled = [one for one in solutions if one["posterior"]]
    values = numpy.concatenate([one["posterior"].every[name] for one in sampled])
    weights = numpy.concatenate([one["posterior"].weights / one["posterior"].weights.sum()
                                 * math.exp(-one["delta_chi2"] / 2) for one in sampled])
    return weighted_percentiles(values, weights)
