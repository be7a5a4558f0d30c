"""The database being built: alerts collected in memory, photometry streamed in, derived tables at the end."""

import collections
import sqlite3
from pathlib import Path

from . import crossmatch, schema
from .registry import SURVEYS
from .sky import add_galactic_coordinates


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
                            [survey.source for survey in SURVEYS])
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


def insert(db, table, columns, rows):
    db.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
                   [[row.get(c) for c in columns] for row in rows])
