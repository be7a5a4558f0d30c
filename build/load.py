"""The load stage: read the mirror, write a new database file, and swap it in only once it is complete.

A failed or interrupted build leaves the previous database in place: everything is written to
`<db>.building`, which replaces `<db>` atomically at the very end.
"""

import collections
import contextlib
import datetime
import os
import shutil
import sqlite3
import threading
from pathlib import Path

from . import crossmatch, schema
from .sky import add_galactic_coordinates
from .parsing import ParseError
from .sources import SOURCES

# A file at the top of a mirror that marks its contents as generated demo data.
SYNTHETIC_MARKER = "SYNTHETIC.txt"


class Report:
    """What a build loaded and what went wrong, per survey and season."""

    def __init__(self):
        self.counts = collections.defaultdict(collections.Counter)
        self.problems = []
        self.notes = []
        self.lock = threading.Lock()

    def count(self, survey, season, what, n=1):
        with self.lock:  # the surveys are fetched side by side
            self.counts[(survey, season)][what] += n

    def problem(self, kind, survey, season, url, detail, alert_name=None, line=None):
        self.problems.append({"survey": survey, "season": season, "alert_name": alert_name, "kind": kind,
                              "url": url, "line": line, "detail": detail})
        self.count(survey, season, kind)

    def summary(self):
        lines = [f"{'survey':6} {'season':>6} {'alerts':>7} {'photometry':>11} {'dropped':>8} {'missing':>8} "
                 f"{'unparsed':>8} {'failed':>7}"]
        for (survey, season), c in sorted(self.counts.items()):
            # Points a survey publishes without a usable time, flux or magnitude (see the survey loaders).
            dropped = sum(n for what, n in c.items() if what.startswith("dropped"))
            lines.append(f"{survey:6} {season:>6} {c['alerts']:>7} {c['photometry']:>11} {dropped:>8} "
                         f"{c['missing']:>8} {c['parse_error']:>8} {c['fetch_failed']:>7}")
        for p in self.problems:
            if p["kind"] != "missing":
                where = f"{p['url']}, line {p['line']}" if p["line"] else p["url"]
                lines.append(f"  {p['kind']}: {where}: {p['detail']}")
        return "\n".join(lines + self.notes)


class DatabaseWriter:
    """Collects alerts in memory (they get galactic coordinates in one vectorised step) and streams
    photometry straight into the table with executemany, all in one transaction."""

    def __init__(self, path):
        self.path = Path(path)
        self.path.unlink(missing_ok=True)
        self.db = sqlite3.connect(self.path, isolation_level=None)
        # The file is thrown away if the build fails, so it needs no journal.
        self.db.execute("PRAGMA journal_mode = OFF")
        self.db.execute("PRAGMA synchronous = OFF")
        self.db.executescript(schema.SCHEMA)
        self.db.execute("BEGIN")
        self.alerts = {}
        self.crossrefs = {}
        self.photometry_counts = collections.Counter()

    def add_alert(self, record):
        self.alerts[record["alert_name"]] = record

    def add_crossref(self, alert_name, other_name, source, published_as):
        self.crossrefs[(alert_name, other_name, source)] = published_as

    def add_photometry(self, alert_id, telescope, band, columns, rows):
        """Insert one lightcurve: `rows` are tuples of `columns`, the first of which is hjd. Return how
        many rows were new (repeated times are dropped). Sorting by time makes the inserts appends to
        the clustered photometry table."""
        before = self.db.total_changes
        self.db.executemany(
            f"INSERT OR IGNORE INTO photometry (alert_id, telescope, band, {', '.join(columns)}) "
            f"VALUES (?, ?, ?, {', '.join('?' * len(columns))})",
            [(alert_id, telescope, band, *row) for row in sorted(rows, key=lambda row: row[0])])
        inserted = self.db.total_changes - before
        self.photometry_counts[alert_id] += inserted
        return inserted

    def finish(self, report, build_info, history=None, radius_arcsec=crossmatch.DEFAULT_RADIUS_ARCSEC):
        records = sorted(self.alerts.values(), key=lambda r: r["alert_id"])
        first_seen = history.first_seen() if history else {}
        add_galactic_coordinates(records)
        published = [key for key in sorted(self.crossrefs) if key[0] in self.alerts]
        matches = crossmatch.crossmatch_rows(records, published, radius_arcsec)
        events, event_of = crossmatch.event_rows(records, matches, published)
        report.notes.extend(crossmatch.recovery_of_published(records, published, matches, radius_arcsec))
        for record in records:
            record["n_photometry"] = self.photometry_counts[record["alert_id"]]
            record["event_id"] = event_of[record["alert_name"]]
            record["first_seen"] = first_seen.get(record["alert_name"]) or record.get("fetched_at")
        insert(self.db, "alerts", schema.ALERT_COLUMNS, records)
        self.db.execute("INSERT INTO alerts_fts(alerts_fts) VALUES ('rebuild')")
        insert(self.db, "events", schema.EVENT_COLUMNS, events)
        insert(self.db, "crossmatches", schema.CROSSMATCH_COLUMNS, matches)
        self.db.executemany("INSERT INTO published_crossrefs VALUES (?, ?, ?, ?)",
                            [(*key, self.crossrefs[key]) for key in published])
        self.db.executemany("INSERT INTO sources VALUES (:survey, :name, :home_url, :data_url, :credit, :data_policy)",
                            SOURCES)
        self.db.executemany(
            "INSERT INTO build_problems (survey, season, alert_name, kind, url, line, detail) "
            "VALUES (:survey, :season, :alert_name, :kind, :url, :line, :detail)", report.problems)
        self.db.executemany("INSERT INTO build_info VALUES (?, ?)", sorted(build_info.items()))
        if history:
            history.copy_into(self.db)
        self.db.execute("COMMIT")
        self.db.execute("ANALYZE")
        # Rewrites every b-tree with full pages: photometry shrinks by about a tenth.
        self.db.execute("VACUUM")
        self.db.close()

    def abandon(self):
        self.db.close()
        self.path.unlink(missing_ok=True)


def load_events(names, load_event, progress, label):
    """Load each event in alert_id order (appends to the clustered photometry table), with progress."""
    if progress:
        progress.start(label, len(names))
    for name in sorted(names, key=lambda n: n.alert_id):
        ok = load_event(name)
        if progress:
            progress.advance(error=not ok)
    if progress:
        progress.finish()


def season_names(listed, mirrored, wanted, season):
    """The events of a season to load: the list's and the mirror's, or only the wanted ones."""
    if wanted is None:
        return set(listed) | set(mirrored)
    return {e for e in wanted if e.season == season}


def insert(db, table, columns, rows):
    db.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
                   [[row.get(c) for c in columns] for row in rows])


def parse_mirrored(mirror, report, survey, season, url, parse, *, alert_name=None, report_missing=True):
    """Parse one mirrored file with parse(text, source=url); a missing or unparsable file is reported
    (unless report is None) and gives None."""
    text = mirror.read_text(url)
    if text is None:
        if report and report_missing:
            report.problem("missing", survey, season, url, "not in the mirror", alert_name)
        return None
    try:
        return parse(text, source=url)
    except ParseError as error:
        if report:
            report.problem("parse_error", survey, season, url, error.reason, alert_name, error.line)
        return None


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
    """A survey-season lost more than DROP_LIMIT of its alerts: a layout change or an outage, not news."""


DROP_LIMIT = 0.10


def alert_drops(db_path, alerts, plan):
    """Survey-seasons of the plan whose alert count fell by more than DROP_LIMIT against db_path."""
    if not Path(db_path).is_file():
        return []
    with contextlib.closing(sqlite3.connect(db_path)) as previous:
        try:
            before = dict(((s, y), n) for s, y, n in
                          previous.execute("select survey, season, count(*) from alerts group by 1, 2"))
        except sqlite3.Error:
            return []
    after = collections.Counter((a["survey"], a["season"]) for a in alerts)
    planned = {(b.SURVEY, season) for b, seasons in plan for season in seasons}
    return [f"{survey} {season}: {count} alerts before, {after[(survey, season)]} now"
            for (survey, season), count in sorted(before.items())
            if (survey, season) in planned and after[(survey, season)] < (1 - DROP_LIMIT) * count]


def build(mirror, db_path, plan, *, events=None, progress=None, today=None, report=None, bands=("I",),
          history=None, observed_at=None, force=False, on_loaded=None):
    """Load the mirror into a new database at db_path; return the Report.

    `plan` lists (survey module, seasons) pairs, e.g. [(build.ogle_build, [2024, 2025])]; `events`, if given, limits
    the build to those AlertNames. A mirror holding SYNTHETIC.txt at its top is demo data, and the
    database says so. Unless `force`, a survey-season whose alerts dropped by more than 10% against the
    database being replaced stops the build (DropRefused) and the old database stays. With a History,
    each changed value is appended to it (observed at `observed_at`) and the history goes into the
    database; `on_loaded(report)` runs just before that, to record the run.
    """
    db_path = Path(db_path)
    report = report or Report()
    observed_at = observed_at or datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")
    writer = DatabaseWriter(db_path.with_name(db_path.name + ".building"))
    if history:  # what this build adds to the history is kept only once its database is in place
        history.hold()
    try:
        for survey_build, seasons in plan:
            survey_build.load(mirror, writer, report, seasons=seasons, events=events, progress=progress,
                              today=today, bands=bands)
        drops = [] if force or events else alert_drops(db_path, writer.alerts.values(), plan)
        if drops:
            raise DropRefused("; ".join(drops))
        if history:
            report.notes.append(f"parameter history: {history.record(writer.alerts.values(), observed_at)} "
                                f"alerts new or changed since the last build")
        if on_loaded:
            on_loaded(report)
        writer.finish(report, {
            "built_at": observed_at,
            "mirror": str(mirror.root),
            "synthetic": "1" if (mirror.root / SYNTHETIC_MARKER).is_file() else "0",
            "surveys": " ".join(b.SURVEY for b, _ in plan),
        }, history)
    except BaseException:
        writer.abandon()
        if history:
            history.rollback()
        raise
    os.replace(writer.path, db_path)
    if history:
        history.commit()
    return report
