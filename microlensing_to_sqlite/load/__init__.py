"""The load stage: read the mirror, write a new database file, and swap it in only once it is complete. `build`
reads as its stages, one a line: read the seasons (seasons.py, on every core), refuse a season that lost its
alerts, record the history, link the alerts into physical events (the crossmatch), write the tables
(writer.py), fit every event whose data changed (fit/stage.py) and classify its lens (lens_class.py), commit,
swap.

A failed or interrupted build leaves the previous database in place: everything is written to
`<db>.building`, which replaces `<db>` atomically at the very end. By default the build is incremental: the new
file starts as a copy of the old, and only events whose inputs changed are read again (writer.py).
"""

import collections
import contextlib
import datetime
import os
import shutil
import sqlite3
from pathlib import Path

from .. import crossmatch, schema
from ..fit.stage import FIT_TABLES, update_fits
from ..lens_class import update_lens_classes
from ..registry import BY_NAME, SURVEYS
from ..report import Report
from ..sky import add_galactic_coordinates
from .seasons import read_seasons
from .writer import DatabaseWriter

# A file at the top of a mirror that marks its contents as generated demo data.
SYNTHETIC_MARKER = "SYNTHETIC.txt"


def refresh_history(db_path, history):
    """Put the latest runs into a database that is otherwise kept as it is (a refused or an unchanged
    build), so that the health page tells of them. Copy, update, swap: the served file is never written."""
    db_path = Path(db_path)
    if not db_path.is_file():
        return
    copy = db_path.with_name(db_path.name + ".building")
    shutil.copyfile(db_path, copy)
    try:
        with contextlib.closing(sqlite3.connect(copy, isolation_level=None)) as db:
            db.execute("BEGIN")
            for table in ("build_run_sources", "build_runs", "alert_history"):
                db.execute(f"DELETE FROM {table}")
            history.copy_into(db)
            db.execute("COMMIT")
    except BaseException:
        copy.unlink(missing_ok=True)
        raise
    os.replace(copy, db_path)


class DropRefused(Exception):
    """A survey-season lost more than DROP_LIMIT of its alerts or of its photometric points: a layout change, an
    outage or a damaged mirror, not news."""


DROP_LIMIT = 0.10


def alert_drops(db_path, alerts):
    """Survey-seasons of the database at db_path whose alert count, or photometric point count, fell by more
    than DROP_LIMIT. The points are counted from alerts.n_photometry: cheap at any size."""
    if not Path(db_path).is_file():
        return []
    with contextlib.closing(sqlite3.connect(db_path)) as previous:
        try:
            before = {(s, y): (n, points or 0) for s, y, n, points in previous.execute(
                "select survey, season, count(*), sum(n_photometry) from alerts group by 1, 2")}
        except sqlite3.Error:
            return []
    after_alerts, after_points = collections.Counter(), collections.Counter()
    for alert in alerts:
        after_alerts[(alert["survey"], alert["season"])] += 1
        after_points[(alert["survey"], alert["season"])] += alert["n_photometry"] or 0
    drops = []
    for (survey, season), counts in sorted(before.items()):
        for what, count, now in zip(("alerts", "photometry points"), counts,
                                    (after_alerts[(survey, season)], after_points[(survey, season)])):
            if now < (1 - DROP_LIMIT) * count:
                drops.append(f"{survey} {season}: {count} {what} before, {now} now")
    return drops


def carried_from(db_path):
    """db_path if it is a database this version built (so that events can be carried over from it), else None."""
    if not Path(db_path).is_file():
        return None
    try:
        with contextlib.closing(sqlite3.connect(f"file:{Path(db_path).resolve()}?mode=ro", uri=True)) as db:
            row = db.execute("select value from build_info where key = 'schema'").fetchone()
    except sqlite3.Error:
        return None
    return db_path if row and row[0] == schema.VERSION else None


def build(mirror, db_path, plan, *, events=None, progress=None, today=None, report=None, bands=("I",),
          history=None, observed_at=None, force=False, on_loaded=None, full=False, workers=None, fit=True):
    """Load the mirror into a new database at db_path; return the Report.

    `plan` lists (Survey, seasons) pairs, e.g. [(registry.BY_KEY["ogle"], [2024, 2025])]; `events`, if given, limits
    the build to those AlertNames. Unless `full`, the events of the database being replaced whose inputs did not
    change are carried over, and everything outside the plan stays as it is. A mirror holding SYNTHETIC.txt at
    its top is demo data, and the database says so. Unless `force`, a survey-season whose alerts, or whose
    photometric points, dropped by more than 10% against the database being replaced stops the build
    (DropRefused) and the old database stays.
    With a History, each changed value is appended to it (observed at `observed_at`) and the history goes into
    the database; `on_loaded(report)` runs just before that, to record the run. Events are read on `workers`
    processes (default: every core), and then every event whose inputs changed is fitted (fit/stage.py) unless not `fit`.
    """
    db_path = Path(db_path)
    report = report or Report()
    observed_at = observed_at or datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")
    workers = workers or os.cpu_count() or 1
    writer = DatabaseWriter(db_path.with_name(db_path.name + ".building"), None if full else carried_from(db_path))
    if history:  # what this build adds to the history is kept only once its database is in place
        history.hold()
    try:
        read_seasons(plan, mirror, writer, report, events=events, progress=progress, today=today, bands=bands,
                     workers=workers)
        refuse_drops(db_path, writer.alerts.values(), force)
        if history:
            report.notes.append(f"parameter history: {history.record(writer.alerts.values(), observed_at)} "
                                f"alerts new or changed since the last build")
        if on_loaded:
            on_loaded(report)
        linked = link_events(writer, report, history)
        info = build_info(mirror, observed_at, linked.alerts)
        writer.write_tables(linked, report, info)
        if fit:
            update_fits(writer.db, linked.events, linked.alerts, writer.inputs, observed_at, workers, report)
            update_lens_classes(writer.db, report)
        else:
            writer.clear(FIT_TABLES + ("lens_classes",))
        writer.commit(history)
    except BaseException:
        writer.abandon()
        if history:
            history.rollback()
        raise
    os.replace(writer.path, db_path)
    if history:
        history.commit()
    return report


def refuse_drops(db_path, alerts, force):
    """DropRefused, unless `force`, when a survey-season lost more than DROP_LIMIT of its alerts or points."""
    drops = [] if force else alert_drops(db_path, alerts)
    if drops:
        raise DropRefused("; ".join(drops))


class Linked:
    """The alerts (rows, in alert_id order), the physical events they were linked into, the crossmatches and
    the published cross-references ({(alert_name, other_name, source): published_as})."""

    def __init__(self, alerts, events, matches, crossrefs):
        self.alerts, self.events, self.matches, self.crossrefs = alerts, events, matches, crossrefs


def link_events(writer, report, history=None, radius_arcsec=crossmatch.DEFAULT_RADIUS_ARCSEC):
    """The crossmatch: each alert's galactic coordinates and survey fit flags, the physical event it belongs to
    (crossmatch.py: by position and by the surveys' published cross-references; how many published pairs the
    positions recover goes into the report) and when it was first seen (the history, else its file's time)."""
    alerts = sorted(writer.alerts.values(), key=lambda r: r["alert_id"])
    add_galactic_coordinates(alerts)
    crossrefs = writer.published_crossrefs()
    published = list(crossrefs)
    matches = crossmatch.crossmatch_rows(alerts, published, radius_arcsec)
    events, event_of = crossmatch.event_rows(alerts, matches, published)
    report.notes.extend(crossmatch.recovery_of_published(alerts, published, matches, radius_arcsec))
    first_seen = history.first_seen() if history else {}
    for alert in alerts:
        alert["survey_fit_flags"] = BY_NAME[alert["survey"]].fit_flags(alert)
        alert["event_id"] = event_of[alert["alert_name"]]
        alert["first_seen"] = first_seen.get(alert["alert_name"]) or alert.get("fetched_at")
    return Linked(alerts, events, matches, crossrefs)


def build_info(mirror, built_at, alerts):
    """The build_info table's facts: when, from which mirror (by name: the server's paths are not the public's
    business), whether it is SYNTHETIC demo data, which surveys it holds."""
    present = {alert["survey"] for alert in alerts}
    return {"built_at": built_at, "mirror": mirror.root.name,
            "synthetic": "1" if (mirror.root / SYNTHETIC_MARKER).is_file() else "0",
            "surveys": " ".join(survey.name for survey in SURVEYS if survey.name in present)}
