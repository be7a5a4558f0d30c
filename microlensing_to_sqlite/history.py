"""What the surveys reported, night after night: parameter history and build runs, kept outside the
database (which every build writes anew) in a small SQLite file that each build reads and appends to.

By default it lives at the top of the mirror (`<mirror>/history.db`), so that backing up the mirror
backs up the history; a mirror we may not write to (a shared copy) gets no history.
"""

import contextlib
import os
import sqlite3
from pathlib import Path

from .schema import HISTORY_SCHEMA, RUN_COUNTS, TRACKED


def default_path(mirror_root):
    """`<mirror>/history.db`, or None where the mirror may not be written to."""
    root = Path(mirror_root)
    return root / "history.db" if root.is_dir() and os.access(root, os.W_OK) else None


class History:
    def __init__(self, path):
        self.path = Path(path)
        self.db = sqlite3.connect(self.path)
        self.db.executescript(HISTORY_SCHEMA)
        self.held = False

    def hold(self):
        """Keep what is written from here on uncommitted until commit(), once the database that carries it is
        in place, or rollback(): a build killed or failed before its swap leaves nothing in the history."""
        self.held = True

    def commit(self):
        self.held = False
        self.db.commit()

    def rollback(self):
        self.held = False
        self.db.rollback()

    def _writing(self):
        return contextlib.nullcontext() if self.held else self.db

    def close(self):
        self.db.close()

    def latest(self):
        """{alert_name: the last recorded values}."""
        rows = self.db.execute(f"""
            select h.alert_name, {", ".join(f"h.{c}" for c in TRACKED)} from alert_history h
            join (select alert_name, max(observed_at) as observed_at from alert_history group by alert_name) last
              using (alert_name, observed_at)""")
        return {name: tuple(values) for name, *values in rows}

    def record(self, records, observed_at):
        """Append a row for each alert whose reported values differ from its last row (or that is new).
        Returns how many rows were appended."""
        latest = self.latest()
        changed = []
        for record in records:
            values = tuple(record.get(c) for c in TRACKED)
            if latest.get(record["alert_name"]) != values:
                changed.append((record["alert_name"], observed_at, *values))
        with self._writing():
            self.db.executemany(f"INSERT OR REPLACE INTO alert_history VALUES ({', '.join('?' * (2 + len(TRACKED)))})",
                                changed)
        return len(changed)

    def first_seen(self):
        return dict(self.db.execute("select alert_name, min(observed_at) from alert_history group by alert_name"))

    def start_run(self, started_at, mode):
        with self._writing():
            return self.db.execute("INSERT INTO build_runs (started_at, mode, status) VALUES (?, ?, 'running')",
                                   [started_at, mode]).lastrowid

    def finish_run(self, run_id, finished_at, status, detail, counts):
        """`counts` maps (survey, season) to a Counter of RUN_COUNTS."""
        with self._writing():
            self.db.execute("UPDATE build_runs SET finished_at = ?, status = ?, detail = ? WHERE run_id = ?",
                            [finished_at, status, detail, run_id])
            self.db.executemany(
                f"INSERT OR REPLACE INTO build_run_sources VALUES (?, ?, ?, {', '.join('?' * len(RUN_COUNTS))})",
                [(run_id, survey, season, *[c[counter] for counter in RUN_COUNTS.values()])
                 for (survey, season), c in sorted(counts.items())])

    def copy_into(self, db):
        """Copy the history tables into a database being built (its schema has the same tables), as this
        connection sees them: with what it holds uncommitted."""
        for table in ("alert_history", "build_runs", "build_run_sources"):
            rows = self.db.execute(f"SELECT * FROM {table}")
            db.executemany(f"INSERT INTO main.{table} VALUES ({', '.join('?' * len(rows.description))})", rows)
