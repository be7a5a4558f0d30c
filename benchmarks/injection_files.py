"""Injection and recovery through the surveys' own files (issue 20): the injection's SYNTHETIC point lenses
(injection.draw; no binaries, none cut before the peak), each alerted by all three surveys and written by their
demo.py (the one writer of each format) in two seasons: 2022 in the layouts of then (MOA's www.massey.ac.nz
pages with JD times, KMTNet's HJD - 2450000 and bundled pySIS files) and 2025 in today's. The real build reads,
crossmatches and fits them (load.build), and what `fits` and `fit_solutions` store is held against the truth.

The baseline, in the same run: the same truths fitted from their datasets directly, as injection.py does
(synthetic.observed_datasets, no files). Both routes are judged the same way (`judge`): the best solution's stored
2.5-97.5 and 16-84 percentiles where the fit was sampled, else the value +- 1 and 2 of its sigma. Parsing, time
systems, MOA's flux to magnitude, KMTNet's zero-points and the crossmatch are in the files route only: a bias there
shows as a coverage or a mean signed pull (t0 above all) that the direct route does not have.
"""

import concurrent.futures
import contextlib
import datetime
import math
import multiprocessing
import sqlite3
import time

import numpy

from microlensing_to_sqlite import synthetic
from microlensing_to_sqlite.demo import write_season
from microlensing_to_sqlite.load import build
from microlensing_to_sqlite.mirror import Mirror
from microlensing_to_sqlite.registry import SURVEYS

from . import injection

TODAY = datetime.date(2025, 12, 1)
# The injection draws t0 in the 2025 season; the older season's events are the same draws three years earlier.
SEASON_SHIFT_DAYS = {2022: -1096.0, 2025: 0.0}
JUDGED = ("t0", "tE", "u0", "piE")


def truths(events, seed=23):
    """`events` point lenses (every other one in each season), as synthetic.draw_event makes them (a random
    position, field and star) with the injection's parameters: [(season, event)]."""
    found, index = [], 0
    today_hjd = synthetic.datetime_to_hjd(datetime.datetime(TODAY.year, TODAY.month, TODAY.day))
    while len(found) < events:
        truth, kind, rising, rng = injection.draw(index, seed)
        index += 1
        if kind != "point lens" or rising:
            continue
        season = list(SEASON_SHIFT_DAYS)[len(found) % 2]
        event = synthetic.draw_event(rng, season, today_hjd, "ordinary")
        event.update({key: truth[key] for key in ("u0", "tE", "fbl", "Ibase", "piE_N", "piE_E")},
                     t0=truth["t0"] + SEASON_SHIFT_DAYS[season])
        found.append((season, event))
    return found


def judge(status, posterior, values, errors, percentiles, truth):
    """Whether the truth is inside the 68% and 95% intervals of each parameter, and its signed pull
    (value - truth) / sigma. `values`, `errors`: the fit's; `percentiles`: {name: [p2.5, p16, p50, p84, p97.5]}
    of the best solution, or {} where it was not sampled. u0 is judged as |u0| (the truth's sign is +)."""
    judged = {"status": status, "posterior": posterior, "inside": {}, "pulls": {}}
    for name in JUDGED:
        value, sigma = values.get(name), errors.get(name)
        if value is None or not sigma:
            continue
        p = percentiles.get(name)
        p = p if p and None not in p else None
        if name == "u0" and value < 0:
            value, p = -value, p and [-x for x in reversed(p)]
        if p:
            low95, low68, _, high68, high95 = p
        else:
            low95, low68, high68, high95 = value - 2 * sigma, value - sigma, value + sigma, value + 2 * sigma
        judged["inside"][name] = (low68 <= truth[name] <= high68, low95 <= truth[name] <= high95)
        judged["pulls"][name] = (value - truth[name]) / sigma
    return judged


def truth_of(event):
    return {"t0": event["t0"] - injection.HJD_OFFSET, "tE": event["tE"], "u0": event["u0"],
            "piE": math.hypot(event["piE_N"], event["piE_E"])}


# The files route ----------------------------------------------------------------------------------------------

def through_files(folder, drawn, workers):
    """Write the events' files, build and fit them; judge each event's stored fit."""
    rng = numpy.random.default_rng(29)
    today_hjd = synthetic.datetime_to_hjd(datetime.datetime(TODAY.year, TODAY.month, TODAY.day))
    mirror = Mirror(folder / "mirror")
    ogle_name = {}
    for season in SEASON_SHIFT_DAYS:
        events = [event for s, event in drawn if s == season]
        alerts = write_season(mirror, rng, season, events, today_hjd, every_survey=True)
        ogle_name.update({id(event): name.full for survey, alerted in alerts.items() if survey.name == "OGLE"
                          for name, event in alerted})
    began = time.perf_counter()
    report = build(mirror, folder / "microlensing.db", [(survey, list(SEASON_SHIFT_DAYS)) for survey in SURVEYS],
                   today=TODAY, workers=workers)
    seconds = time.perf_counter() - began
    judged = []
    with contextlib.closing(sqlite3.connect(folder / "microlensing.db")) as db:
        db.row_factory = sqlite3.Row
        for season, event in drawn:
            fit = db.execute("select f.* from fits f join alerts a using (event_id) where a.alert_name = ?",
                             [ogle_name[id(event)]]).fetchone()
            if fit is None:
                judged.append({"status": "not fitted", "posterior": None, "inside": {}, "pulls": {}})
                continue
            best = db.execute("select * from fit_solutions where event_id = ? and is_best", [fit["event_id"]]).fetchone()
            percentiles = {} if best is None or best["posterior"] is None else {
                name: [best[f"{name}_{p}"] for p in ("p2_5", "p16", "p50", "p84", "p97_5")] for name in JUDGED}
            judged.append(judge(fit["status"], fit["posterior"], {n: fit[n] for n in JUDGED},
                                {n: fit[f"{n}_err"] for n in JUDGED}, percentiles, truth_of(event)))
    problems = len(report.problems)
    return judged, seconds, problems


# The direct route -------------------------------------------------------------------------------------------

def fit_directly(item):
    """The event fitted from its datasets (injection.fit_one's way, at the event's own position)."""
    index, (season, event) = item
    # At the injection's own t0 (the 2022 events' three years on: the Earth is where it was, to 0.3 days).
    event = {**event, "t0": event["t0"] - SEASON_SHIFT_DAYS[season]}
    rng = numpy.random.default_rng([31, index])
    datasets = synthetic.observed_datasets(event, rng, injection.FIRST, injection.LAST, float(rng.uniform(1.0, 2.0)))
    fit = injection.fit_as_the_build(event, datasets, rng, index)
    best = fit.solutions[0]["posterior"] if fit.solutions else None
    percentiles = {name: list(best.percentiles[name]) for name in JUDGED if name in best.percentiles} if best else {}
    return judge(fit.status, fit.posterior, fit.parameters, fit.errors, percentiles, truth_of(event))


def directly(drawn, workers):
    began = time.perf_counter()
    with concurrent.futures.ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
        judged = list(pool.map(fit_directly, enumerate(drawn), chunksize=2))
    return judged, time.perf_counter() - began


# Both --------------------------------------------------------------------------------------------------------

def summarise(judged):
    """Coverage of the 68% and 95% intervals and the mean signed pull of each parameter among ok fits, and the
    verdicts."""
    ok = [j for j in judged if j["status"] == "ok"]
    coverage = {}
    for name in JUDGED:
        inside = [j["inside"][name] for j in ok if name in j["inside"]]
        pulls = [j["pulls"][name] for j in ok if name in j["pulls"] and math.isfinite(j["pulls"][name])]
        if inside:
            coverage[name] = {"n": len(inside), "68": sum(a for a, _ in inside) / len(inside),
                              "95": sum(b for _, b in inside) / len(inside),
                              "mean_pull": float(numpy.mean(pulls)), "pull_error": float(numpy.std(pulls) / math.sqrt(len(pulls)))}
    statuses = {}
    for j in judged:
        statuses[j["status"]] = statuses.get(j["status"], 0) + 1
    return {"events": len(judged), "ok": len(ok), "coverage": coverage, "statuses": statuses}


def run(folder, events=120, workers=2):
    import MulensModel  # noqa: F401 (once, before the workers fork)
    drawn = truths(events)
    files, files_seconds, problems = through_files(folder, drawn, workers)
    direct, direct_seconds = directly(drawn, workers)
    return {"events": events, "workers": workers, "seasons": list(SEASON_SHIFT_DAYS),
            "files": {**summarise(files), "seconds": files_seconds, "build_problems": problems},
            "direct": {**summarise(direct), "seconds": direct_seconds}}
