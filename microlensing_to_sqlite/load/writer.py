"""The database being built, beside the one it replaces: the writer writes rows and commits, nothing else (the
stages that make the rows are load/__init__.py's).

Incremental: the new database starts as a copy of the one it replaces (when this version built it), and every
event whose inputs did not change is carried over as it is: its alert row, its cross-references, its problems,
its photometry. Only the events read again have their photometry deleted and inserted; the small tables
(alerts, events, crossmatches, cross-references, problems) are written whole at the end from what is carried
and what was read, exactly as a build from an empty database writes them. So the result equals a full build
of the same mirror, table by table, but for one thing: an event read again with fewer points than it had,
because one of its files is now missing or does not parse, keeps the points of the database being replaced
(a "kept_previous" problem, which fails the run), where a full build has nothing to keep.
"""

import datetime
import json
import os
import shutil
import sqlite3
from pathlib import Path

from .. import schema, sparklines
from ..photometry import COLUMNS, LIGHTCURVES_PER_ALERT, STORED
from ..reading import reads_now
from ..registry import SURVEYS
from ..report import FETCH_FAILED, KEPT_PREVIOUS, MISSING, NOT_FOUND
from ..visibility import hst_window_rows

# Cross-reference sources a survey publishes for a whole season (MOA's moa2ogle.txt), not per event.
SEASON_CROSSREF_SOURCES = {source for survey in SURVEYS for source in survey.season_crossref_sources}
# Problems that belong to one run (a download that failed, an event named that the mirror does not have), not
# to the mirror: never carried over.
RUN_PROBLEMS = {FETCH_FAILED, NOT_FOUND}


class DatabaseWriter:
    """Alerts, cross-references and problems are kept in memory and written at the end; photometry goes
    straight into its table with executemany, all in one transaction."""

    def __init__(self, path, previous=None):
        self.path = Path(path)
        self.path.unlink(missing_ok=True)
        self.incremental = previous is not None
        if self.incremental:
            copy_file(previous, self.path)
        self.db = sqlite3.connect(self.path, isolation_level=None)
        # The file is thrown away if the build fails, so it needs no journal.
        self.db.execute("PRAGMA journal_mode = OFF")
        self.db.execute("PRAGMA synchronous = OFF")
        if not self.incremental:
            self.db.executescript(schema.SCHEMA)
        self.db.execute("BEGIN")
        self.alerts = {}                # alert_name: its row
        self.alert_crossrefs = {}       # alert_name: [(other_name, source, published_as)]
        self.season_crossrefs = {}      # (survey, season): [(alert_name, other_name, source, published_as)]
        self.alert_problems = {}        # alert_name: [problem]
        self.season_problems = {}       # (survey, season): [problem], carried over from the previous build
        self.inputs = {}                # alert_name: (inputs key, reads, the file fetched_at is the time of)
        if self.incremental:
            self.read_previous()

    # What the database being replaced holds -----------------------------------------------------------------

    def read_previous(self):
        self.db.row_factory = sqlite3.Row
        for row in self.db.execute("SELECT * FROM alerts"):
            self.alerts[row["alert_name"]] = dict(row)
        for name, other, source, published_as in self.db.execute("SELECT * FROM published_crossrefs"):
            alert = self.alerts.get(name)
            if alert is None:
                continue
            if source in SEASON_CROSSREF_SOURCES:
                self.season_crossrefs.setdefault((alert["survey"], alert["season"]), []).append(
                    (name, other, source, published_as))
            else:
                self.alert_crossrefs.setdefault(name, []).append((other, source, published_as))
        for row in self.db.execute("SELECT survey, season, alert_name, kind, url, line, detail FROM build_problems"):
            problem = dict(row)
            if problem["kind"] in RUN_PROBLEMS:
                continue
            if problem["alert_name"] is None:
                self.season_problems.setdefault((problem["survey"], problem["season"]), []).append(problem)
            else:
                self.alert_problems.setdefault(problem["alert_name"], []).append(problem)
        for name, key, reads, fetched_from in self.db.execute("SELECT * FROM event_inputs"):
            self.inputs[name] = (key, json.loads(reads), fetched_from)
        self.db.row_factory = None

    def start_season(self, survey, season):
        """A season about to be read whole: what the previous build found for the season as a whole goes."""
        self.season_problems.pop((survey, season), None)
        self.season_crossrefs.pop((survey, season), None)

    def forget_others(self, survey, season, names):
        """The season's alerts are `names` now: any other the previous build had is gone from the mirror."""
        for name in [n for n, a in self.alerts.items() if (a["survey"], a["season"]) == (survey, season)]:
            if name not in names:
                self.drop_alert(name)

    def carry(self, name, key, mirror):
        """The alert's row if it is carried over (its key is as before, and every file it was read from is as
        it was), with fetched_at refreshed as a new reading would give it; None if it must be read again."""
        if name not in self.alerts or name not in self.inputs:
            return None
        if any(p["kind"] == KEPT_PREVIOUS for p in self.alert_problems.get(name, [])):
            return None  # its points are of an older reading: read it again, to keep them or to replace them
        previous_key, reads, fetched_from = self.inputs[name]
        if previous_key != key or reads_now(mirror, reads) != reads:
            return None
        record = self.alerts[name]
        if fetched_from:
            record["fetched_at"] = mirror.fetched_at(fetched_from)
        return record

    def drop_alert(self, name):
        """Remove an alert and everything of it (its photometry too)."""
        record = self.alerts.pop(name, None)
        self.alert_crossrefs.pop(name, None)
        self.alert_problems.pop(name, None)
        self.inputs.pop(name, None)
        if record is not None and self.incremental:
            first = record["alert_id"] * LIGHTCURVES_PER_ALERT
            for table in ("photometry_points", "lightcurves"):
                self.db.execute(f"DELETE FROM {table} WHERE lightcurve_id BETWEEN ? AND ?",
                                [first, first + LIGHTCURVES_PER_ALERT - 1])
            self.db.execute("DELETE FROM sparklines WHERE alert_id = ?", [record["alert_id"]])

    # What this build read ---------------------------------------------------------------------------------

    def season_crossrefs_found(self, survey, season, rows):
        """Cross-references published for the whole season: (alert_name, other_name, source, published_as)."""
        self.season_crossrefs[(survey, season)] = list(rows)

    def add_alert(self, alert):
        """Add an alert read from the mirror (reading.AlertReading), in place of any previous version of it; return
        how many photometric points it has.

        An alert that now has fewer points than the database being replaced gave it, and a file that is missing
        or does not parse, keeps its previous points, sparkline and inputs (so that its fit is kept too): a
        site that lost its files for a night, or a damaged mirror, is not news. The alert row is the new one;
        the alert gets a problem that says so (added to `alert`, before the report takes its problems)."""
        name = alert.name.full
        record = dict(alert.record)
        fetched_from = record.pop("fetched_from", None)
        kept = self.previous_points_to_keep(alert)
        if kept:
            record["n_photometry"] = kept
            # A file that does not parse says more than the files it held (a bundle's members), else the last
            # file read is the one that had the points (the surveys read their photometry last).
            cause = next((p for p in alert.problems if p["kind"] != MISSING), alert.problems[-1])
            what = "missing from the mirror" if cause["kind"] == MISSING else f"does not parse ({cause['detail']})"
            alert.problem(KEPT_PREVIOUS, alert.survey, alert.name.season, cause["url"],
                          f"{what}: the {kept:,} points of the previous build are kept", name)
        else:
            self.drop_alert(name)
            record["n_photometry"] = self.add_lightcurves(alert.name.alert_id, alert.survey, alert.lightcurves,
                                                          (record.get("t0"), record.get("tE")))
            self.inputs[name] = (alert.key, alert.reads, fetched_from)
        self.alerts[name] = record
        self.alert_crossrefs[name] = list(alert.crossrefs)
        self.alert_problems[name] = list(alert.problems)
        return record["n_photometry"]

    def previous_points_to_keep(self, alert):
        """How many points the database being replaced has of the alert, if it is to keep them; else None."""
        previous = self.alerts.get(alert.name.full) if self.incremental else None
        if not (previous and previous["n_photometry"] and alert.problems):
            return None
        read_now = sum(len(points) for _, _, points in merged(alert.lightcurves))
        return previous["n_photometry"] if read_now < previous["n_photometry"] else None

    def add_lightcurves(self, alert_id, survey, lightcurves, peak=(None, None)):
        """Insert an alert's lightcurves, each (telescope, band) one lightcurve keyed by its place among the
        alert's (sorted by telescope and band); the points of a repeated time once; and its sparkline, drawn
        around peak = (t0, tE). Return how many points."""
        drawn = merged(lightcurves)
        if len(drawn) > LIGHTCURVES_PER_ALERT:
            raise ValueError(f"alert {alert_id} has {len(drawn)} lightcurves; at most {LIGHTCURVES_PER_ALERT} fit")
        total = 0
        for place, (telescope, band, points) in enumerate(drawn):
            lightcurve_id = alert_id * LIGHTCURVES_PER_ALERT + place
            stored = points.stored()
            units = [stored[name][0] if name in stored else None for name in COLUMNS]
            self.db.execute(f"INSERT INTO lightcurves VALUES ({', '.join('?' * (6 + len(COLUMNS)))})",
                            [lightcurve_id, alert_id, survey, telescope, band, len(points), *units])
            values = {COLUMNS[name]: integers for name, (_, integers) in stored.items()}
            nothing = [None] * len(points)
            self.db.executemany(f"INSERT INTO photometry_points VALUES ({', '.join('?' * (1 + len(STORED)))})",
                                zip([lightcurve_id] * len(points), *(values.get(c, nothing) for c in STORED)))
            total += len(points)
        row = sparklines.sparkline(alert_id, drawn, *peak)
        if row:
            self.db.execute(f"INSERT INTO sparklines VALUES ({', '.join('?' * len(row))})", row)
        return total

    # The end ----------------------------------------------------------------------------------------------

    def problems(self, report):
        """Every problem the database keeps: the mirror's (carried or found now) and this run's downloads."""
        problems = [p for p in report.problems if p["alert_name"] is None or p["kind"] in RUN_PROBLEMS]
        problems += [p for found in self.season_problems.values() for p in found]
        problems += [p for name in self.alerts for p in self.alert_problems.get(name, [])]
        return sorted(problems, key=lambda p: (p["survey"] or "", p["season"] or 0, p["alert_name"] or "",
                                               p["kind"], p["url"] or "", p["line"] or 0, p["detail"] or ""))

    def published_crossrefs(self):
        """{(alert_name, other_name, source): published_as} of every cross-reference a loaded alert publishes
        (its own, and its season's), in name order."""
        crossrefs = {(name, other, source): published_as
                     for name, found in self.alert_crossrefs.items() for other, source, published_as in found}
        crossrefs.update({(name, other, source): published_as for found in self.season_crossrefs.values()
                          for name, other, source, published_as in found})
        return {key: crossrefs[key] for key in sorted(crossrefs) if key[0] in self.alerts}

    def write_tables(self, linked, report, build_info):
        """The small tables, whole: the alerts and the events they were linked into (load.link_events), the
        crossmatches and cross-references, the sources, every problem, what each alert was read from, and the
        build's facts."""
        report.problems = self.problems(report)
        for table in schema.REWRITTEN_TABLES if self.incremental else ():
            self.db.execute(f"DELETE FROM {table}")
        insert(self.db, "alerts", schema.ALERT_COLUMNS, linked.alerts)
        self.db.execute("INSERT INTO alerts_fts(alerts_fts) VALUES ('rebuild')")
        insert(self.db, "events", schema.EVENT_COLUMNS, linked.events)
        self.db.executemany("INSERT INTO hst_windows VALUES (?, ?, ?, ?)",
                            hst_window_rows(linked.events, datetime.date.fromisoformat(build_info["built_at"][:10])))
        insert(self.db, "crossmatches", schema.CROSSMATCH_COLUMNS, linked.matches)
        self.db.executemany("INSERT INTO published_crossrefs VALUES (?, ?, ?, ?)",
                            [(*key, published_as) for key, published_as in linked.crossrefs.items()])
        self.db.executemany("INSERT INTO sources VALUES (:survey, :name, :home_url, :data_url, :credit, :data_policy)",
                            [survey.source for survey in SURVEYS])
        self.db.executemany(
            "INSERT INTO build_problems (survey, season, alert_name, kind, url, line, detail) "
            "VALUES (:survey, :season, :alert_name, :kind, :url, :line, :detail)", report.problems)
        self.db.executemany("INSERT INTO event_inputs VALUES (?, ?, ?, ?)",
                            [(name, key, json.dumps(reads, separators=(",", ":")), fetched_from)
                             for name, (key, reads, fetched_from) in sorted(self.inputs.items()) if name in self.alerts])
        self.db.executemany("INSERT INTO build_info VALUES (?, ?)",
                            sorted({**build_info, "schema": schema.VERSION}.items()))

    def clear(self, tables):
        for table in tables:
            self.db.execute(f"DELETE FROM {table}")

    def commit(self, history=None):
        """The history copied in, then one COMMIT of the whole build; the planner's statistics, and a full
        build's file rewritten compact."""
        if history:
            history.copy_into(self.db)
        self.db.execute("COMMIT")
        # Statistics from a sample of each index: enough for the planner, and quick at any size.
        self.db.execute("PRAGMA analysis_limit = 1000")
        self.db.execute("ANALYZE")
        if not self.incremental:
            # Rewrites every b-tree with full pages: photometry shrinks by about a tenth. An incremental build
            # leaves its few rewritten pages as they are rather than rewrite the whole file.
            self.db.execute("VACUUM")
        self.db.close()

    def abandon(self):
        self.db.close()
        self.path.unlink(missing_ok=True)


def merged(lightcurves):
    """(telescope, band, points) of each telescope and band that has points, sorted: the parts of one joined,
    in time order, a repeated time once."""
    parts = {}
    for telescope, band, points in lightcurves:
        if len(points):
            parts.setdefault((telescope, band), []).append(points)
    return [(telescope, band, found[0].joined(found[1:]).in_time_order())
            for (telescope, band), found in sorted(parts.items())]


def insert(db, table, columns, rows):
    db.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
                   [[row.get(c) for c in columns] for row in rows])


def copy_file(source, target):
    """Copy a file in the kernel where it can (copy_file_range: a reflink on filesystems that share blocks)."""
    with open(source, "rb") as inside, open(target, "wb") as outside:
        size = os.fstat(inside.fileno()).st_size
        try:
            copied = 0
            while copied < size:
                done = os.copy_file_range(inside.fileno(), outside.fileno(), size - copied)
                if done == 0:
                    break
                copied += done
        except (AttributeError, OSError):
            inside.seek(0)
            outside.seek(0)
            outside.truncate()
            shutil.copyfileobj(inside, outside, 16 * 1024 * 1024)
