"""The fit stage: a joint point-lens fit (joint.py) of every physical event, kept in `fits`, `fit_datasets` and
`fit_curves`.

Run by the writer at the end of a build, on the database being built. An event keeps the fit the previous build
made when what the fit saw is the same: its alerts' files (event_inputs), their starting parameters and the
fitter's version; only the others are fitted again, on every core. A fit that fails is stored as failed, with
its reason; it never stops the build.
"""

import collections
import concurrent.futures
import datetime
import hashlib
import json
import math
import multiprocessing

import numpy
from threadpoolctl import threadpool_limits

from .. import schema
from ..formulas import degrees_to_sexagesimal, hjd_today
from ..photometry import OF_ALERT
from . import joint, posterior
from .data import Dataset
from .model import LARGEST_TE, earth_table

# The surveys whose fit starts ours, best first: OGLE's and MOA's come with uncertainties.
START_FROM = ["OGLE", "MOA", "KMT"]
IN_FLIGHT_PER_WORKER = 4
FINISHED_WAITING_PER_WORKER = 100
FIT_TABLES = ("fits", "fit_datasets", "fit_curves", "fit_solutions", "fit_samples")
POINTS = f"""
select l.lightcurve_id, l.telescope, l.band, p.hjd / l.hjd_unit, p.mag / l.mag_unit, p.mag_err / l.mag_err_unit
from photometry_points p join lightcurves l on l.lightcurve_id = p.lightcurve_id
where p.{OF_ALERT} and p.mag is not null and p.mag_err > 0
order by p.lightcurve_id, p.hjd
"""


def starting_point(members):
    """{t0, u0, tE} from the members' own fits, OGLE's first; None if none has all three."""
    for survey in START_FROM:
        for alert in members:
            if alert["survey"] == survey and None not in (alert.get("t0"), alert.get("u0"), alert.get("tE")):
                if alert["tE"] > 0:
                    return {"t0": alert["t0"], "u0": max(abs(alert["u0"]), 0.01), "tE": min(alert["tE"], LARGEST_TE)}
    return None


def inputs_key(members, inputs):
    """What a fit of these alerts sees: their files (their size and time), their starting parameters, the
    fitter's version."""
    seen = [[alert["alert_name"], inputs.get(alert["alert_name"], (None, None, None))[1],
             [alert.get(k) for k in ("t0", "u0", "tE")]] for alert in sorted(members, key=lambda a: a["alert_id"])]
    return hashlib.sha1(json.dumps([joint.FIT_VERSION, seen], default=str).encode()).hexdigest()


def datasets_of(db, members):
    found = []
    for alert in members:
        rows = db.execute(POINTS, {"alert_id": alert["alert_id"]}).fetchall()
        by_lightcurve = {}
        for lightcurve_id, telescope, band, *point in rows:
            by_lightcurve.setdefault((lightcurve_id, telescope, band), []).append(point)
        for (lightcurve_id, telescope, band), points in by_lightcurve.items():
            hjd, mag, err = numpy.array(points, dtype=float).T
            found.append(Dataset(lightcurve_id, f"{alert['alert_name']} {telescope} {band}", alert["survey"],
                                 hjd, mag, err))
    return found


def starts_from_data(datasets, season):
    """Where the data say the event peaks: the brightest of the running medians of five points of the biggest
    dataset in the alert's season, with u0 0.3 and tE 5, 20 or 80 days (the fit adds its grid around it)."""
    if not datasets:
        return []
    biggest = max(datasets, key=lambda d: len(d.hjd))
    season_start = hjd_today(datetime.date(season, 1, 1))
    near = (biggest.hjd > season_start - 120) & (biggest.hjd < season_start + 485)
    hjd, mag = (biggest.hjd[near], biggest.mag[near]) if near.sum() >= 5 else (biggest.hjd, biggest.mag)
    smooth = numpy.array([numpy.median(mag[max(0, i - 2):i + 3]) for i in range(len(mag))])
    t0 = float(hjd[numpy.argmin(smooth)])
    return [{"t0": t0, "u0": 0.3, "tE": tE} for tE in (20.0, 5.0, 80.0)]


def fit_one(task):
    event_id, datasets, start, coords, long_event, season = task
    try:
        starts = ([start] if start else []) + starts_from_data(datasets, season)
        return event_id, joint.fit_event(datasets, starts, coords, long_event, sample_seed=event_id)
    except Exception as error:  # a fit never stops the build: it is stored as failed, with the reason
        return event_id, joint.Fit("failed", f"the fit raised {type(error).__name__}: {str(error)[:200]}")


def update_fits(db, events, alerts, inputs, fitted_at, workers, report):
    """Fit every event whose inputs changed; keep the fits of the others; drop those of events that are gone.
    `events` are the events table's rows, `alerts` the alert rows (with event_id)."""
    members = {}
    for alert in alerts:
        members.setdefault(alert["event_id"], []).append(alert)
    kept = {event_id: key for event_id, key in db.execute("select event_id, inputs from fits")}
    tasks, keys = [], {}
    for event in events:
        event_id, group = event["event_id"], members.get(event["event_id"], [])
        keys[event_id] = inputs_key(group, inputs)
        if kept.get(event_id) != keys[event_id]:
            tasks.append((event_id, group, event))
    stale = [event_id for event_id, key in kept.items() if keys.get(event_id) != key]
    for table in FIT_TABLES:
        db.executemany(f"delete from {table} where event_id = ?", [[event_id] for event_id in stale])
    done, verdicts = 0, {}
    for event_id, fit in fitted(db, tasks, workers):
        store(db, event_id, fit, keys[event_id], fitted_at)
        done, verdicts[fit.status] = done + 1, verdicts.get(fit.status, 0) + 1
    report.fits = {"fitted": done, "failed": verdicts.get("failed", 0), "kept": len(kept) - len(stale),
                   "verdicts": verdicts}
    report.notes.append(f"joint fits: {done} events fitted ("
                        + ", ".join(f"{n} {status}" for status, n in sorted(verdicts.items()))
                        + f"), {len(kept) - len(stale)} kept from the last build")


def fitted(db, tasks, workers):
    """(event_id, Fit) of each task, read here and fitted on `workers` processes, a few at a time in flight."""
    def work():
        for event_id, group, event in tasks:
            coords = f"{degrees_to_sexagesimal(event['ra'], True)} {degrees_to_sexagesimal(event['dec'], False)}" \
                if event.get("ra") is not None else None
            long_event = any((alert.get("tE") or 0) >= joint.PARALLAX_FROM_TE for alert in group)
            datasets = datasets_of(db, group)
            if datasets:  # an event with no photometry has no fit
                yield event_id, datasets, starting_point(group), coords, long_event, event["season"]

    # Each fit's algebra is on tiny matrices: BLAS threads only spin against each other (6x slower on 2 cores).
    with threadpool_limits(limits=1):
        if workers <= 1 or len(tasks) < 4:
            yield from map(fit_one, work())
            return
        import MulensModel  # noqa: F401 (imported once here, not once in each process: it takes seconds)
        earth_table()  # the Earth's positions for every parallax fit, made once before the workers fork
        with concurrent.futures.ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
            # Results in the tasks' order; a slow fit at the head (a sampled posterior takes seconds) does not
            # stop the other workers: tasks are submitted as soon as any fit ends, and the finished ones wait
            # behind it, up to FINISHED_WAITING_PER_WORKER each.
            pending = collections.deque()
            for task in work():
                pending.append(pool.submit(fit_one, task))
                running = [f for f in pending if not f.done()]
                if len(running) >= workers * IN_FLIGHT_PER_WORKER:
                    concurrent.futures.wait(running, return_when=concurrent.futures.FIRST_COMPLETED)
                while pending and (pending[0].done() or len(pending) >= workers * FINISHED_WAITING_PER_WORKER):
                    yield pending.popleft().result()
            for future in pending:
                yield future.result()


def store(db, event_id, fit, key, fitted_at):
    p, e = fit.parameters, fit.errors
    points = sum(d["n_points"] for d in fit.datasets) or None
    row = {"event_id": event_id, "status": fit.status, "reason": fit.reason, "kind": fit.kind,
           **{name: p.get(name) for name in ("t0", "u0", "tE", "piE_N", "piE_E", "piE")},
           **{f"{name}_err": e.get(name) for name in ("t0", "u0", "tE", "piE_N", "piE_E", "piE")},
           "solution": fit.solution, "posterior": fit.posterior if fit.status != "failed" else None,
           "t0_par": fit.t0_par, "largest_shift_before": fit.largest_shift[0],
           "largest_shift_after": fit.largest_shift[1], "tE_lower_limit": fit.tE_lower_limit, "last_hjd": fit.last_hjd,
           "peak_mag": fit.forecast and fit.forecast["peak_mag"], "peak_mag_err": fit.forecast and fit.forecast["peak_mag_err"],
           "forecast_from": fit.forecast_from, "chi2": fit.chi2, "dof": fit.dof,
           "chi2_dof": fit.chi2 / fit.dof if fit.chi2 is not None and fit.dof and fit.dof > 0 else None,
           "delta_chi2_u0": fit.delta_chi2_u0, "delta_chi2_parallax": fit.delta_chi2_parallax,
           "n_datasets": len(fit.datasets) or None, "n_points": points, "n_dropped": fit.n_dropped,
           "reference_lightcurve_id": fit.reference, "fitted_at": fitted_at, "inputs": key}
    db.execute(f"insert into fits ({', '.join(schema.FIT_COLUMNS)}) values ({', '.join('?' * len(schema.FIT_COLUMNS))})",
               [row[c] for c in schema.FIT_COLUMNS])
    if fit.model_curve:
        db.execute("insert into fit_curves values (?, ?, ?)",
                   [event_id, json.dumps(fit.model_curve, separators=(",", ":")),
                    json.dumps(fit.forecast["curve"], separators=(",", ":")) if fit.forecast else None])
    for dataset in fit.datasets:
        name, telescope, band = dataset["label"].split(" ")
        db.execute(f"insert into fit_datasets values ({', '.join('?' * len(schema.DATASET_COLUMNS))})",
                   [event_id, dataset["lightcurve_id"], name, telescope, band, dataset["n_points"], dataset["n_used"],
                    dataset["chi2"], dataset["error_scale"], dataset["chi2_dof_published"], dataset["source_flux"],
                    dataset["blend_flux"],
                    int(dataset["held"]), int(dataset["lightcurve_id"] == fit.reference)])
    store_solutions(db, event_id, fit)


def store_solutions(db, event_id, fit):
    """fit_solutions and fit_samples of a parallax fit: each solution, its posterior's percentiles and draws,
    the draws weighted by the solution's share of the posterior (exp(-delta_chi2 / 2) among those sampled)."""
    sampled = [one for one in fit.solutions if one["posterior"]]
    shares = {one["solution"]: math.exp(-one["delta_chi2"] / 2) for one in sampled}
    total = sum(shares.values()) or 1.0
    for one in fit.solutions:
        p, found = one["parameters"], one["posterior"]
        row = {"event_id": event_id, "solution": one["solution"], "is_best": int(one is fit.solutions[0]),
               **{name: p.get(name) for name in schema.SOLUTION_PARAMETERS}, "chi2": one["chi2"],
               "delta_chi2": one["delta_chi2"], "posterior": found.state if found else "not sampled",
               "sampler": found and found.method, "effective_samples": found and found.effective,
               "autocorrelation_steps": found and found.autocorrelation,
               "acceptance": found and found.acceptance, "steps": found and found.steps}
        if row["autocorrelation_steps"] is not None and not math.isfinite(row["autocorrelation_steps"]):
            row["autocorrelation_steps"] = None  # a chain that did not move
        row["piE"] = math.hypot(p["piE_N"], p["piE_E"])
        for name in schema.SOLUTION_PARAMETERS:
            values = found.percentiles.get(name) if found else None
            for suffix, value in zip(schema.PERCENTILE_NAMES, values or [None] * len(schema.PERCENTILE_NAMES)):
                row[f"{name}_{suffix}"] = value
        db.execute(f"insert into fit_solutions ({', '.join(schema.SOLUTION_COLUMNS)}) "
                   f"values ({', '.join('?' * len(schema.SOLUTION_COLUMNS))})", [row[c] for c in schema.SOLUTION_COLUMNS])
        if found:
            weight = shares[one["solution"]] / total / len(found.draws["t0"])
            db.executemany(f"insert into fit_samples values ({', '.join('?' * len(schema.SAMPLE_COLUMNS))})",
                           [[event_id, one["solution"], draw, *(float(found.draws[n][draw]) for n in posterior.SAMPLED),
                             weight] for draw in range(len(found.draws["t0"]))])

