"""Comparing built databases table by table."""

import collections
import contextlib
import sqlite3

# What differs between two builds of the same mirror by design: when each was built, from which path, and the
# runs that built them.
RUN_TABLES = {"build_runs", "build_run_sources"}
RUN_INFO = {"built_at", "mirror"}
# When a fit was made: a fit carried over from an earlier build keeps its time.
FIT_TIME = "fitted_at"


def contents(db_path):
    """{table or view: its rows, sorted} of every table and view but SQLite's own and FTS5's shadow tables; the
    FTS index compared through its content (a search of every row)."""
    with contextlib.closing(sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)) as db:
        names = [name for (name,) in db.execute(
            "select name from sqlite_master where type in ('table', 'view') and name not like 'sqlite_%' "
            "and name not like 'alerts_fts_%' order by name")]
        found = {name: sorted(db.execute(f"select * from [{name}]").fetchall(), key=repr)
                 for name in names if name not in RUN_TABLES}
        found["schema"] = sorted(db.execute("select type, name, sql from sqlite_master "
                                            "where name not like 'sqlite_%'").fetchall(), key=repr)
    found["build_info"] = [row for row in found["build_info"] if row[0] not in RUN_INFO]
    with contextlib.closing(sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)) as db:
        columns = [row[1] for row in db.execute("pragma table_info(fits)") if row[1] != FIT_TIME]
        found["fits"] = sorted(db.execute(f"select {', '.join(columns)} from fits").fetchall(), key=repr)
    return found


def differences(one, other):
    """The tables whose rows differ between two databases, with a few rows of each side's difference."""
    a, b = contents(one), contents(other)
    found = {}
    for name in sorted(set(a) | set(b)):
        rows_a, rows_b = collections.Counter(a.get(name, [])), collections.Counter(b.get(name, []))
        if rows_a != rows_b:
            found[name] = (sorted(rows_a - rows_b, key=repr)[:3], sorted(rows_b - rows_a, key=repr)[:3])
    return found


def fitted_database(path, built_at, fits):
    """An empty database in the build's schema at `path`, built at `built_at`, holding `fits` ({event_id: fits
    row}) with an event row each (season 2026 unless the row names one): the portal fixtures' start. Returns
    the open connection, for the fixture's other rows."""
    from microlensing_to_sqlite import schema
    db = sqlite3.connect(path)
    db.executescript(schema.SCHEMA)
    db.execute("insert into build_info values ('built_at', ?)", [built_at])
    for event_id, row in fits.items():
        season, ra, dec = row.pop("season", 2026), row.pop("ra", None), row.pop("dec", None)
        row = {**row, "event_id": event_id}
        db.execute(f"insert into fits ({', '.join(row)}) values ({', '.join('?' * len(row))})", list(row.values()))
        db.execute("insert into events (event_id, n_alerts, season, ra, dec) values (?, 1, ?, ?, ?)",
                   [event_id, season, ra, dec])
    return db
