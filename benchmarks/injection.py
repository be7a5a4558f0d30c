"""Injection and recovery of the joint fit (issue 20): SYNTHETIC events drawn to look like the archive, fitted
as the build fits them (fit/stage.fit_one: the surveys' start, the grid, the window, the verdict, the posterior of
parallax fits), and how often the truth lies inside what is stored.

The draw: tE log-normal around 25 days with a tail to 500; u0 uniform to 1.5; the source's share of the
baseline log-uniform from 0.02 to 1, and for one event in ten above 1 (a negative blend, up to fb = -0.17 fs);
|piE| log-normal around 0.12 in a random direction; baselines of I = 16 to 20; the surveys' cadences and seasonal
gaps (synthetic.observation_times); each dataset's true noise 1 to 2 times its stated errors; 5% binary lenses
(MulensModel's VBBL, s of 0.6 to 1.6, q of 10^-3 to 1, rho 0.001: not all cross a caustic); 5% still rising at
the end of the data. The start is a survey's fit near the truth, as OGLE's usually is.
"""

import concurrent.futures
import math
import multiprocessing
import time

import numpy
from threadpoolctl import threadpool_limits

from microlensing_to_sqlite import synthetic
from microlensing_to_sqlite.fit import joint, posterior
from microlensing_to_sqlite.formulas import degrees_to_sexagesimal

HJD_OFFSET = 2450000.0
FIRST, LAST = 10600.0, 11250.0
BINARY_SHARE, RISING_SHARE, NEGATIVE_BLEND_SHARE = 0.05, 0.05, 0.10
CHECKED = ("tE", "u0", "piE")


def draw(index, seed=17):
    rng = numpy.random.default_rng([seed, index])
    tE = float(min(math.exp(rng.normal(math.log(25.0), 0.9)), 500.0))
    fbl = float(rng.uniform(1.0, 1.2)) if rng.random() < NEGATIVE_BLEND_SHARE else float(10 ** rng.uniform(-1.7, 0))
    length, angle = 10 ** rng.normal(math.log10(0.12), 0.35), rng.uniform(0, 2 * math.pi)
    event = {"t0": float(rng.uniform(10820.0, 10960.0)) + HJD_OFFSET, "u0": float(rng.uniform(0.0, 1.5)), "tE": tE,
             "piE_N": float(length * math.cos(angle)), "piE_E": float(length * math.sin(angle)), "fbl": fbl,
             "Ibase": float(rng.uniform(16.0, 20.0)), "ra": 268.5, "dec": -29.2}
    kind = "binary lens" if rng.random() < BINARY_SHARE else "point lens"
    rising = rng.random() < RISING_SHARE
    return event, kind, rising, rng


def binary_magnification(event, rng):
    import MulensModel
    model = MulensModel.Model({"t_0": event["t0"], "u_0": max(event["u0"], 0.01), "t_E": event["tE"],
                               "rho": 0.001, "s": float(rng.uniform(0.6, 1.6)), "q": float(10 ** rng.uniform(-3, 0)),
                               "alpha": float(rng.uniform(0, 360))})
    model.set_magnification_methods([event["t0"] - 3 * event["tE"], "VBBL", event["t0"] + 3 * event["tE"]])
    return lambda times: model.get_magnification(numpy.asarray(times, dtype=float))


def fit_as_the_build(event, datasets, rng, index):
    """The event (t0 in full HJD) fitted as the build fits it (joint.fit_event, one BLAS thread), from a survey's
    start near the truth. The survey's t0 is on the truth's day: the fit's parallax frame (t0_par, that t0
    rounded to a day) is then the truth's, and piE_N, piE_E compare as they are."""
    t0 = event["t0"] - HJD_OFFSET + float(rng.normal(0, 0.3))
    start = {"t0": t0 if round(t0) == round(event["t0"] - HJD_OFFSET) else event["t0"] - HJD_OFFSET,
             "u0": max(event["u0"], 0.01) * 1.1, "tE": event["tE"] * float(rng.uniform(0.8, 1.25))}
    coords = f"{degrees_to_sexagesimal(event['ra'], True)} {degrees_to_sexagesimal(event['dec'], False)}"
    with threadpool_limits(limits=1):
        return joint.fit_event(datasets, [start], coords, long_event=event["tE"] >= joint.PARALLAX_FROM_TE,
                               sample_seed=index)


def fit_one(index):
    event, kind, rising, rng = draw(index)
    last = event["t0"] - HJD_OFFSET - 0.3 * event["tE"] if rising else LAST
    magnification = binary_magnification(event, rng) if kind == "binary lens" else None
    datasets = synthetic.observed_datasets(event, rng, FIRST, last, float(rng.uniform(1.0, 2.0)), magnification)
    began = time.perf_counter()
    fit = fit_as_the_build(event, datasets, rng, index)
    seconds = time.perf_counter() - began
    truth = {"tE": event["tE"], "u0": event["u0"], "piE": math.hypot(event["piE_N"], event["piE_E"])}
    found = {"kind": kind, "rising": rising, "status": fit.status, "fit_kind": fit.kind, "posterior": fit.posterior,
             "seconds": seconds, "inside": {}, "pulls": {},
             "above_lower_limit": None if fit.tE_lower_limit is None else event["tE"] >= fit.tE_lower_limit}
    sampled = fit.solutions and fit.solutions[0]["posterior"]
    for name in CHECKED:
        if name not in fit.parameters or name not in fit.errors:
            continue
        value = abs(fit.parameters[name]) if name == "u0" else fit.parameters[name]
        if sampled:
            # both u0 solutions together, each by its share (posterior.mixture_percentiles); |u0| for u0
            if name == "u0":
                for one in fit.solutions:
                    if one["posterior"]:
                        one["posterior"].every["|u0|"] = numpy.abs(one["posterior"].every["u0"])
            p = posterior.mixture_percentiles(fit.solutions, "|u0|" if name == "u0" else name)
            low68, high68, low95, high95 = p[1], p[3], p[0], p[4]
        else:
            sigma = fit.errors[name]
            low68, high68, low95, high95 = value - sigma, value + sigma, value - 2 * sigma, value + 2 * sigma
        found["inside"][name] = (low68 <= truth[name] <= high68, low95 <= truth[name] <= high95)
        found["pulls"][name] = abs(value - truth[name]) / fit.errors[name] if fit.errors[name] > 0 else math.inf
    return found


def run(events=1000, workers=2):
    began = time.perf_counter()
    import MulensModel  # noqa: F401 (once, before the workers fork)
    with concurrent.futures.ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
        results = list(pool.map(fit_one, range(events), chunksize=4))
    wall = time.perf_counter() - began
    return summarise(results, wall, workers)


def summarise(results, wall, workers):
    """Coverage of the 68% and 95% intervals (posterior where sampled, else the curvature's sigma) among the
    measured fits (ok) of point lenses, the share of ok fits with the truth beyond 5 sigma, and the verdicts
    by what was injected."""
    coverage = {}
    # By where the intervals come from: a converged posterior, a chain that did not converge, the curvature.
    for source in ("sampled", "sampled, not converged", "curvature"):
        for name in CHECKED:
            chosen = [r["inside"][name] for r in results if r["status"] == "ok" and r["kind"] == "point lens"
                      and name in r["inside"] and r["posterior"] == source]
            if chosen:
                coverage[f"{name} ({source})"] = {"n": len(chosen), "68": sum(a for a, _ in chosen) / len(chosen),
                                                  "95": sum(b for _, b in chosen) / len(chosen)}
    limits = [r["above_lower_limit"] for r in results if r["status"] == "unconstrained" and r["kind"] == "point lens"
              and r["above_lower_limit"] is not None]
    ok = [r for r in results if r["status"] == "ok" and r["kind"] == "point lens"]
    beyond = sum(1 for r in ok if any(p > 5 for p in r["pulls"].values()))
    confusion = {}
    for r in results:
        truth = r["kind"] + (", rising at the end of the data" if r["rising"] else "")
        confusion.setdefault(truth, {}).setdefault(r["status"], 0)
        confusion[truth][r["status"]] += 1
    sampled = [r["seconds"] for r in results if r["posterior"] != "curvature"]
    return {"events": len(results), "workers": workers, "wall_seconds": wall, "coverage": coverage,
            "ok_point_lenses": len(ok), "beyond_5_sigma": beyond, "confusion": confusion,
            "lower_limits": len(limits), "above_lower_limit": sum(limits),
            "converged": sum(1 for r in results if r["posterior"] == "sampled"), "sampled": len(sampled),
            "seconds_sampled_median": float(numpy.median(sampled)) if sampled else None,
            "seconds_median": float(numpy.median([r["seconds"] for r in results]))}
