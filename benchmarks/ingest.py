"""Photometry ingest and storage (the build's DatabaseWriter against a bare executemany of the same rows),
and the positional crossmatch of every alert of every season (against a brute-force pairwise search)."""

import os
import sqlite3
import time

import numpy

from microlensing_to_sqlite.ogle.phot_dat import PHOT_COLUMNS
from microlensing_to_sqlite.writer import DatabaseWriter


def lightcurves(total_rows, seed=1, first_alert_id=10250000):
    """OGLE-shaped lightcurves: lengths drawn like the 2025 phot.dat files (median ~800, up to ~4,600)."""
    rng = numpy.random.default_rng(seed)
    alert_id, made = first_alert_id, 0
    while made < total_rows:
        alert_id += 1
        n = int(min(max(rng.lognormal(numpy.log(800), 0.8), 57), 4600, total_rows - made))
        hjd = numpy.round(7790 + numpy.cumsum(rng.uniform(0.05, 2.0, n)), 5)
        mag = numpy.round(rng.uniform(15, 21, n), 3)
        err = numpy.round(rng.uniform(0.005, 0.3, n), 3)
        seeing = numpy.round(rng.uniform(2, 9, n), 2)
        sky = numpy.round(rng.uniform(50, 2000, n))  # OGLE writes whole counts: `849.0`
        yield alert_id, list(zip(hjd.tolist(), mag.tolist(), err.tolist(), seeing.tolist(), sky.tolist()))
        made += n


def ingest(total_rows, folder):
    """The build's photometry load against a bare executemany of the same rows into a plain table."""
    data = list(lightcurves(total_rows))
    rows = sum(len(r) for _, r in data)

    bare = sqlite3.connect(folder / "bare.db", isolation_level=None)
    bare.execute("PRAGMA journal_mode = OFF")
    bare.execute("PRAGMA synchronous = OFF")
    bare.execute("CREATE TABLE p (alert_id, telescope, band, hjd, mag, mag_err, seeing, sky)")
    start = time.perf_counter()
    bare.execute("BEGIN")
    for alert_id, lightcurve in data:
        bare.executemany("INSERT INTO p VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                         [(alert_id, "OGLE", "I", *row) for row in lightcurve])
    bare.execute("COMMIT")
    bare_seconds = time.perf_counter() - start
    bare.close()

    writer = DatabaseWriter(folder / "build.db")
    start = time.perf_counter()
    for alert_id, lightcurve in data:
        writer.add_photometry(alert_id, "OGLE", "I", PHOT_COLUMNS, lightcurve)
    writer.db.execute("COMMIT")
    build_seconds = time.perf_counter() - start
    writer.db.execute("VACUUM")  # as the build's finish() does
    pages = table_bytes(writer.db, "photometry")
    breakdown = record_breakdown(writer.db)
    writer.db.close()
    size = os.path.getsize(folder / "build.db")
    result = {
        "rows": rows,
        "bare_seconds": bare_seconds,
        "build_seconds": build_seconds,
        "bare_rate": rows / bare_seconds,
        "build_rate": rows / build_seconds,
        "bytes_per_row": size / rows,
        "pages": pages,
        "bare_bytes_per_row": os.path.getsize(folder / "bare.db") / rows,
        **breakdown,
    }
    for name in ("bare.db", "build.db"):
        (folder / name).unlink()
    return result


def table_bytes(db, table):
    """The table's b-tree pages from dbstat (SQLite is usually compiled with it): bytes in all, in records
    (payload), unused, cells and pages; None where dbstat is missing."""
    try:
        size, payload, unused, cells, pages = db.execute(
            "select sum(pgsize), sum(payload), sum(unused), sum(ncell), count(*) from dbstat where name = ?",
            [table]).fetchone()
    except sqlite3.Error:
        return None
    return {"bytes": size, "payload": payload, "unused": unused, "cells": cells, "pages": pages}


def value_bytes(value):
    """Bytes SQLite stores for one value in a record (its serial type's size). A REAL with no fraction is
    stored as an integer; 0 and 1 take no bytes (schema format 4)."""
    if value is None:
        return 0
    if isinstance(value, float) and value.is_integer() and abs(value) < 2 ** 47:
        value = int(value)
    if isinstance(value, int):
        if value in (0, 1):
            return 0
        for size, limit in ((1, 2 ** 7), (2, 2 ** 15), (3, 2 ** 23), (4, 2 ** 31), (6, 2 ** 47)):
            if -limit <= value < limit:
                return size
        return 8
    if isinstance(value, float):
        return 8
    return len(value.encode() if isinstance(value, str) else value)


def record_breakdown(db, sample=5000):
    """Mean bytes per photometry row by column, and the record header (one byte per column's serial type
    plus one for the header's own length), over a sample of rows in key order."""
    columns = [r[1] for r in db.execute("pragma table_info(photometry)")]
    rows = db.execute(f"select * from photometry limit {sample}").fetchall()
    per_column = {c: sum(value_bytes(r[i]) for r in rows) / len(rows) for i, c in enumerate(columns)}
    return {"value_bytes": per_column, "record_header": len(columns) + 1, "columns": len(columns)}


def crossmatch_all_seasons(n_alerts=75_000, seed=2):
    """Positional matching of every alert of every season at once, against a brute-force search of a
    sample (the vectorised KD-tree search must finish in seconds)."""
    from microlensing_to_sqlite.crossmatch import crossmatch_rows, separation_arcsec

    rng = numpy.random.default_rng(seed)
    surveys = ["OGLE", "MOA", "KMT"]
    stars = n_alerts // 3  # each star alerted three times: i, i + stars, i + 2 stars, by three surveys
    ra, dec = rng.uniform(262, 272, stars), rng.uniform(-35, -22, stars)
    alerts = []
    for i in range(n_alerts):
        star = i % stars
        jitter = rng.normal(0, 0.5 / 3600, 2)
        alerts.append({"alert_name": f"{surveys[i % 3]}-2025-BLG-{i:05d}", "alert_id": i, "survey": surveys[i % 3],
                       "season": 2016 + i % 10, "ra": ra[star] + jitter[0], "dec": dec[star] + jitter[1], "t0": 0.0})
    start = time.perf_counter()
    rows = crossmatch_rows(alerts, [])
    seconds = time.perf_counter() - start
    sample = alerts[:300]
    start = time.perf_counter()
    brute = sum(1 for i, a in enumerate(sample) for b in sample[i + 1:] if separation_arcsec(a, b) <= 2)
    brute_seconds = (time.perf_counter() - start) * (n_alerts / len(sample)) ** 2
    return {"alerts": n_alerts, "pairs": len(rows), "seconds": seconds, "brute_seconds": brute_seconds,
            "brute_pairs_in_sample": brute}
