"""The posterior of a joint fit's solution, sampled with emcee (Foreman-Mackey et al. 2013), the field's usual
sampler: what the curvature's sigma cannot say where the chi2 surface is curved, skewed or bounded.

The likelihood is the fit's: chi2 with the rescaled errors of its final selection, each dataset's fluxes solved
at every step (the profile over fluxes, as MulensModel's examples sample). The parameters are t0, u0, ln tE and,
with parallax, piE_N and piE_E; the prior is flat in each within the fit's ranges (so flat in ln tE: popclass
divides that prior out), and u0 keeps the solution's sign. An ensemble of WALKERS_PER_PARAMETER walkers per
parameter starts in a small ball around the solution and moves by differential evolution (80% DEMove, 20%
DESnookerMove, as emcee's documentation suggests for correlated and multimodal posteriors: on the long events of
tests/test_posterior.py its autocorrelation time is 15-20 steps, the default stretch move's 45-70). It burns in
BURN_STEPS, then samples in chunks until the chain is longer than CONVERGED_AUTOCORRELATIONS integrated
autocorrelation times (emcee.autocorr; 50, as emcee's authors advise) or MOST_STEPS is reached; it is called
converged only then and with a mean acceptance within ACCEPTANCE. fit_solutions keeps the time, the steps and
the acceptance. The percentiles are of every step after the burn-in; the stored draws are thinned evenly to
DRAWS. Seeded by the event, so that the same data give the same draws.
"""

import logging
import math

import numpy

from .fitting import LARGEST_PIE, LARGEST_TE

PERCENTILES = (2.5, 16.0, 50.0, 84.0, 97.5)
WALKERS_PER_PARAMETER = 4
BURN_STEPS = 300
CHUNK_STEPS = 300
MOST_STEPS = 1800
CONVERGED_AUTOCORRELATIONS = 50
ACCEPTANCE = (0.1, 0.8)
DRAWS = 100
SAMPLED = ("t0", "u0", "tE", "piE_N", "piE_E")
# emcee warns on every estimate made before the chain is 50 times longer: the state is stored instead.
logging.getLogger("emcee").setLevel(logging.ERROR)


class Posterior:
    """What the sampler found for one solution: draws {name: array}, percentiles {name: [5 values]} (|piE|
    included), whether it converged, the longest autocorrelation time, the mean acceptance, the steps."""

    def __init__(self, draws, converged, autocorrelation, acceptance, steps):
        self.draws, self.converged = draws, converged
        self.autocorrelation, self.acceptance, self.steps = autocorrelation, acceptance, steps
        if "piE_N" in draws:
            draws["piE"] = numpy.hypot(draws["piE_N"], draws["piE_E"])
        self.percentiles = {name: [float(v) for v in numpy.percentile(values, PERCENTILES)]
                            for name, values in draws.items()}

    @property
    def state(self):
        return "sampled" if self.converged else "sampled, not converged"


def sample(data, solution, errors, names, seed):
    """The posterior around `solution` ({t0, u0, tE[, piE_N, piE_E]}) of the fit's JointData `data`; `errors`
    (the curvature's sigma, where known) size the starting ball."""
    import emcee

    rng = numpy.random.default_rng(seed)
    sign = 1.0 if solution["u0"] >= 0 else -1.0
    centre = numpy.array([solution["t0"], solution["u0"], math.log(solution["tE"])]
                         + [solution[n] for n in names[3:]])
    spread = numpy.array([min(errors.get("t0", 1e-3 * solution["tE"]), 0.1 * solution["tE"]),
                          min(errors.get("u0", 1e-3), 0.1 * max(abs(solution["u0"]), 1e-3)),
                          min(errors.get("tE", 1e-3 * solution["tE"]) / solution["tE"], 0.1)]
                         + [min(errors.get(n, 1e-3), 0.1) for n in names[3:]]) * 0.1
    low = numpy.array([solution["t0"] - 2000, 0.0 if sign > 0 else -3.0, math.log(0.05)] + [-LARGEST_PIE] * (len(names) - 3))
    high = numpy.array([solution["t0"] + 2000, 3.0 if sign > 0 else 0.0, math.log(LARGEST_TE)] + [LARGEST_PIE] * (len(names) - 3))

    def log_probability(positions):
        inside = numpy.all((positions > low) & (positions < high), axis=1)
        chi2 = numpy.full(len(positions), numpy.inf)
        if inside.any():
            chosen = positions[inside]
            parameters = {"t0": chosen[:, 0], "u0": chosen[:, 1], "tE": numpy.exp(chosen[:, 2])}
            parameters.update({n: chosen[:, 3 + i] for i, n in enumerate(names[3:])})
            chi2[inside] = data.chi2_many(parameters)
        return numpy.where(numpy.isfinite(chi2), -0.5 * chi2, -numpy.inf)

    walkers = WALKERS_PER_PARAMETER * len(names)
    start = centre + spread * rng.standard_normal((walkers, len(names)))
    start = numpy.clip(start, low + 1e-9 * (high - low), high - 1e-9 * (high - low))
    moves = [(emcee.moves.DEMove(), 0.8), (emcee.moves.DESnookerMove(), 0.2)]
    sampler = emcee.EnsembleSampler(walkers, len(names), log_probability, vectorize=True, moves=moves)
    sampler.random_state = numpy.random.RandomState(int(rng.integers(2 ** 31))).get_state()
    state = sampler.run_mcmc(start, BURN_STEPS)
    sampler.reset()
    autocorrelation = math.inf
    while sampler.iteration < MOST_STEPS:
        state = sampler.run_mcmc(state, CHUNK_STEPS)
        autocorrelation = float(numpy.max(emcee.autocorr.integrated_time(sampler.get_chain(), quiet=True)))
        if sampler.iteration >= CONVERGED_AUTOCORRELATIONS * autocorrelation:
            break
    acceptance = float(numpy.mean(sampler.acceptance_fraction))
    converged = (sampler.iteration >= CONVERGED_AUTOCORRELATIONS * autocorrelation
                 and ACCEPTANCE[0] <= acceptance <= ACCEPTANCE[1])
    flat = sampler.get_chain(flat=True)
    chosen = flat[numpy.linspace(0, len(flat) - 1, DRAWS).round().astype(int)]
    draws = {"t0": chosen[:, 0], "u0": chosen[:, 1], "tE": numpy.exp(chosen[:, 2])}
    draws.update({n: chosen[:, 3 + i] for i, n in enumerate(names[3:])})
    # the percentiles from every draw of the chain, the stored draws thinned
    every = {"t0": flat[:, 0], "u0": flat[:, 1], "tE": numpy.exp(flat[:, 2])}
    every.update({n: flat[:, 3 + i] for i, n in enumerate(names[3:])})
    found = Posterior(every, converged, autocorrelation, acceptance, sampler.iteration)
    found.every, found.draws = every, draws
    if "piE_N" in draws:
        draws["piE"] = numpy.hypot(draws["piE_N"], draws["piE_E"])
    return found


def reaches_a_bound(posterior):
    """In words, which bound the posterior's 95% interval reaches (tE's 2,000 days, u0 = 0, piE's +-5); None."""
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
    weights = numpy.concatenate([numpy.full(len(one["posterior"].every[name]),
                                            math.exp(-one["delta_chi2"] / 2) / len(one["posterior"].every[name]))
                                 for one in sampled])
    order = numpy.argsort(values)
    cumulative = numpy.cumsum(weights[order]) / weights.sum()
    return [float(values[order][numpy.searchsorted(cumulative, q / 100)]) for q in PERCENTILES]

