"""The joint fit: time per event (point lens, and with parallax) and for a whole season on every core, against
a fit made the way MulensModel's own examples make one (its Event's chi2 under scipy's Nelder-Mead) of the same
events in the same run.

A season of SYNTHETIC events in the surveys' formats (demo.write_season: real per-dataset offsets and blends,
parallax in the long events) is built without fits; then the fit stage runs on it as a build runs it
(stage.update_fits, on every core), and a sample of its events is fitted one at a time in this process.
"""

import datetime
import json
import os
import sqlite3
import statistics
import time
from pathlib import Path
from unittest.mock import patch

import numpy
from threadpoolctl import threadpool_limits

from microlensing_to_sqlite.fit import joint, stage
from microlensing_to_sqlite.fit.data import Dataset, select_window
from microlensing_to_sqlite.fit.model import JointData, magnification_at
from microlensing_to_sqlite.ogle.phot_dat import parse_phot_dat
from microlensing_to_sqlite.demo import write_season
from microlensing_to_sqlite.formulas import degrees_to_sexagesimal
from microlensing_to_sqlite.load import build
from microlensing_to_sqlite.mirror import Mirror
from microlensing_to_sqlite.registry import SURVEYS
from microlensing_to_sqlite.report import Report
from microlensing_to_sqlite.synthetic import datetime_to_hjd, draw_event

SEASON = 2025
TODAY = datetime.date(2025, 12, 1)
# The real archive: OGLE 25,000 + MOA 9,000 + KMTNet 30,000 alerts make about 45,000 physical events; a night
# changes the photometry of the current season's running events, a few thousand at most.
ARCHIVE_EVENTS = 45_000
NIGHTLY_EVENTS = 3_000


def rows(db, sql, *parameters):
    db.row_factory = sqlite3.Row
    return [dict(row) for row in db.execute(sql, parameters)]


def stage_inputs(db):
    """What the writer hands the fit stage: the events, the alerts and the inputs of each alert."""
    inputs = {name: (key, json.loads(reads), fetched_from)
              for name, key, reads, fetched_from in db.execute("select * from event_inputs")}
    return rows(db, "select * from events"), rows(db, "select * from alerts"), inputs


def one_by_one(db, events, alerts, sample):
    """Seconds and kind of each of the first `sample` events' fits, in this process."""
    members = {}
    for alert in alerts:
        members.setdefault(alert["event_id"], []).append(alert)
    found = []
    for event in events[:sample]:
        group = members[event["event_id"]]
        datasets = stage.datasets_of(db, group)
        if not datasets:
            continue
        coords = f"{degrees_to_sexagesimal(event['ra'], True)} {degrees_to_sexagesimal(event['dec'], False)}"
        start = time.perf_counter()
        fit = joint.fit_event(datasets, stage.starting_point(group) or stage.starts_from_data(datasets, SEASON), coords,
                                any((a.get("tE") or 0) >= joint.PARALLAX_FROM_TE for a in group))
        found.append({"seconds": time.perf_counter() - start, "kind": fit.kind or fit.status, "datasets": datasets,
                      "start": stage.starting_point(group), "coords": coords})
    return found


def mulensmodel_fit(datasets, start, coords):
    """The point-lens fit as MulensModel's examples make it: an Event of every dataset, its chi2 minimised by
    Nelder-Mead over (t0, u0, tE) from the same start."""
    import MulensModel
    from scipy import optimize

    data = [MulensModel.MulensData([d.hjd + 2450000, d.mag, d.mag_err], phot_fmt="mag") for d in datasets]
    model = MulensModel.Model({"t_0": start["t0"] + 2450000, "u_0": start["u0"], "t_E": start["tE"]}, coords=coords)
    event = MulensModel.Event(datasets=data, model=model)

    def chi2(x):
        if x[2] <= 0:
            return 1e30
        for name, value in zip(("t_0", "u_0", "t_E"), x):
            setattr(event.model.parameters, name, value)
        return event.get_chi2()

    optimize.minimize(chi2, [start["t0"] + 2450000, start["u0"], start["tE"]], method="Nelder-Mead")


# Two recorded OGLE events' real times and errors (4 points a night: the synthetic season has about one).
REAL_CADENCES = (("2025/blg-0368", 18.5), ("2023/blg-0348", 17.0))
OGLE_EWS = Path(__file__).resolve().parent.parent / "tests/data/mirror/www.astrouw.edu.pl/ogle/ogle4/ews"
REAL_CADENCE_EVENTS = ((0.3, 150.0), (0.1, 90.0), (0.5, 250.0), (0.05, 120.0))
COORDS = "17:54:00.00 -29:12:00.00"


def real_cadence_event(u0, tE, seed):
    """Datasets of a SYNTHETIC long parallax event (truth: t0 10850, piE (0.08, -0.05), source 30% of the
    baseline, noise 1.3 x the stated errors) on the real times and errors of REAL_CADENCES."""
    truth = {"t0": 10850.0, "u0": u0, "tE": tE, "piE_N": 0.08, "piE_E": -0.05}
    rng = numpy.random.default_rng(seed)
    found = []
    for i, (name, baseline) in enumerate(REAL_CADENCES):
        points = parse_phot_dat((OGLE_EWS / name / "phot.dat").read_text(encoding="ascii")).columns
        hjd, error = points["hjd"] + (10850 - points["hjd"].mean()), points["mag_err"]
        a = magnification_at(hjd, truth, (COORDS, 10850.0))
        mag = baseline - 2.5 * numpy.log10(0.3 * a + 0.7) + rng.normal(0, 1.3 * error)
        found.append(Dataset(i, f"SYNTHETIC on OGLE-{name}", "OGLE", hjd, mag, error))
    return found


def real_cadence_fits(binned=True):
    """Seconds of the whole fit (posterior included) of each REAL_CADENCE_EVENTS, one core; with the sampler on
    nightly bins, as the build runs it, or on every point."""
    seconds = []
    with threadpool_limits(limits=1), patch.object(JointData, "binned", JointData.binned if binned else
                                                   (lambda data, solutions: data)):
        for seed, (u0, tE) in enumerate(REAL_CADENCE_EVENTS):
            datasets = real_cadence_event(u0, tE, seed)
            began = time.perf_counter()
            joint.fit_event(datasets, [{"t0": 10851.0, "u0": 1.1 * u0, "tE": 0.9 * tE}], COORDS, long_event=True,
                            sample_seed=seed)
            seconds.append(time.perf_counter() - began)
    return seconds


def run(work, n_events=300, sample=40, baseline_sample=8, workers=None, seed=5):
    mirror = Mirror(work / "mirror")
    rng = numpy.random.default_rng(seed)
    today_hjd = datetime_to_hjd(datetime.datetime(TODAY.year, TODAY.month, TODAY.day))
    write_season(mirror, rng, SEASON, [draw_event(rng, SEASON, today_hjd) for _ in range(n_events)], today_hjd)
    db_path = work / "microlensing.db"
    build(mirror, db_path, [(survey, [SEASON]) for survey in SURVEYS], today=TODAY, fit=False)
    workers = workers or os.cpu_count()
    db = sqlite3.connect(db_path)
    events, alerts, inputs = stage_inputs(db)
    start = time.perf_counter()
    report = Report()
    stage.update_fits(db, events, alerts, inputs, "now", workers, report)
    season_seconds = time.perf_counter() - start
    db.rollback()
    with threadpool_limits(limits=1):  # as the fit stage runs them
        timed = one_by_one(db, events, alerts, sample)
        by_kind = {kind: [t["seconds"] for t in timed if t["kind"] == kind] for kind in {t["kind"] for t in timed}}
        point_lens = [t for t in timed if t["kind"] == "pspl" and t["start"]][:baseline_sample]
        baseline = []
        for one in point_lens:
            begin = time.perf_counter()
            mulensmodel_fit(select_window(one["datasets"], one["start"]), one["start"], one["coords"])
            baseline.append(time.perf_counter() - begin)
    ours = statistics.median(t["seconds"] for t in point_lens) if point_lens else None
    binned, every_point = sum(real_cadence_fits()), sum(real_cadence_fits(binned=False))
    mean = season_seconds / max(report.fits["fitted"], 1)  # wall time per event on `workers` cores
    db.close()
    return {"events": len(events), "fitted": report.fits["fitted"], "verdicts": report.fits["verdicts"],
            "workers": workers, "season_seconds": season_seconds, "per_event_wall": mean,
            "per_kind": {kind: {"n": len(s), "median": statistics.median(s), "max": max(s)} for kind, s in by_kind.items()},
            "point_lens_median": ours, "baseline_median": statistics.median(baseline) if baseline else None,
            "baseline_n": len(baseline), "real_cadence_events": len(REAL_CADENCE_EVENTS),
            "real_cadence_binned": binned, "real_cadence_every_point": every_point,
            "archive_minutes": ARCHIVE_EVENTS * mean / 60, "nightly_minutes": NIGHTLY_EVENTS * mean / 60}
