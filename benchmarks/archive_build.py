"""The full build and the nightly update of a generated multi-season archive (benchmarks/archive.py), each against
a baseline measured in the same run.

(a) Full build: `./build --offline --full` (cli.main) of the archive's `years` seasons, against a bare loader of
    the same photometry files: pandas.read_csv of each file and one executemany (fed file by file) into a bare
    WITHOUT ROWID table, in one process, one transaction, with no validation. Rows per second of each.
(b) Bytes per photometry row of that build: the whole file, and photometry_points' share (dbstat); the bare
    table's too.
(c) The nightly update: 1% of the archive's events refitted in the current season (archive.Archive.nightly),
    then `./build --offline` (incremental, the default) at two archive sizes, `years` and `small_years` seasons
    (the small one is the big one's last seasons, hard-linked), the same events changed in both. The copy of
    the previous database (writer.copy_file) is timed apart (phases.py). A full build of the changed small
    archive checks that the incremental result equals it, table by table.
(d) The extrapolation to the real archive, from the measured rates (see extrapolate()).
"""

import contextlib
import gzip
import io
import itertools
import os
import sqlite3
import tarfile
import time
from pathlib import Path

import pandas

from microlensing_to_sqlite import cli
from microlensing_to_sqlite.load import writer

from . import archive as archives, phases
from .season import TODAY

BARE_COLUMNS = 8  # the time and up to seven more numbers a row (KMTNet's I files have eight columns)
MOA_NUMBERS = [0, 1, 2, 4, 5, 6, 7]  # MOA's 4th column is a frame name
# Tables an incremental build writes by other means than a full one, or not at all offline.
NOT_COMPARED = {"build_info", "build_runs", "build_run_sources", "alert_history", "sqlite_stat1"}
# Columns that say when a build computed a row: a carried row keeps the time of the build that made it.
BUILD_TIMES = {"fitted_at"}


def build(mirror, db, log, full, workers=None):
    """cli.main as ./build runs it, offline; its exit status, wall seconds and phases (phases.py)."""
    argv = ["--offline", "--mirror", str(mirror), "--db", str(db)] + (["--full"] if full else []) + \
        (["--workers", str(workers)] if workers else [])
    with phases.measured() as measured, open(log, "a") as out, contextlib.redirect_stdout(out):
        print(f"$ ./build {' '.join(argv)}", flush=True)
        start = time.perf_counter()
        status = cli.main(argv, today=TODAY)
        seconds = time.perf_counter() - start
    with contextlib.closing(sqlite3.connect(db)) as done:
        rows, alerts = (done.execute(f"select count(*) from {t}").fetchone()[0] for t in ("photometry_points", "alerts"))
    return {"status": status, "seconds": seconds, "rows": rows, "alerts": alerts, "bytes": os.path.getsize(db),
            "phases": measured.as_dict()}


# (a) The bare loader ------------------------------------------------------------------------------------------

def photometry_texts(mirror, survey, url, members):
    """The photometry text(s) of one file as bytes: a KMTNet bundle's I-band members, a MOA page's <pre>."""
    data = mirror.read_bytes(url)
    if survey == "KMT":
        with tarfile.open(fileobj=io.BytesIO(gzip.decompress(data))) as bundle:
            return [bundle.extractfile(f"pysis/{name}").read() for name in members]
    if b"<pre>" in data:
        return [data[data.index(b"<pre>") + 5:data.rindex(b"</pre>")]]
    return [data]


def bare_rows(mirror, files):
    """(lightcurve, time, numbers...) of every row of every file, as pandas reads them."""
    lightcurve = 0
    for survey, url, members in files:
        for text in photometry_texts(mirror, survey, url, members):
            lightcurve += 1
            frame = pandas.read_csv(io.BytesIO(text), sep=r"\s+", header=None, comment="#",
                                    usecols=MOA_NUMBERS if survey == "MOA" else None)
            columns = [frame[c].to_numpy().tolist() for c in frame.columns]
            yield from zip(itertools.repeat(lightcurve), *columns,
                           *[itertools.repeat(None)] * (BARE_COLUMNS - len(columns)))


def bare_load(mirror, files, path):
    """The baseline: every photometry file read by pandas and inserted by one executemany into a bare WITHOUT
    ROWID table, one transaction, one process, no validation. Rows, seconds, bytes."""
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode = OFF")
    db.execute("PRAGMA synchronous = OFF")
    db.execute(f"CREATE TABLE points (lightcurve INTEGER NOT NULL, hjd REAL NOT NULL, "
               f"{', '.join(f'c{i} REAL' for i in range(1, BARE_COLUMNS))}, PRIMARY KEY (lightcurve, hjd)) WITHOUT ROWID")
    start = time.perf_counter()
    db.execute("BEGIN")
    db.executemany(f"INSERT INTO points VALUES ({', '.join('?' * (BARE_COLUMNS + 1))})", bare_rows(mirror, files))
    db.execute("COMMIT")
    seconds = time.perf_counter() - start
    rows = db.execute("select count(*) from points").fetchone()[0]
    db.close()
    return {"rows": rows, "seconds": seconds, "bytes": os.path.getsize(path), "files": len(files)}


# (b) Where the bytes go ---------------------------------------------------------------------------------------

def storage(path):
    """The file's bytes by table and index (dbstat), and what each column of photometry_points costs in a row's
    record, by survey (a sample of 30 lightcurves each) and over all rows."""
    with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as db:
        tables = {name: {"bytes": size, "payload": payload, "unused": unused, "cells": cells, "pages": pages}
                  for name, size, payload, unused, cells, pages in db.execute(
                      "select name, sum(pgsize), sum(payload), sum(unused), sum(ncell), count(*) from dbstat "
                      "group by name order by 2 desc")}
        columns = [r[1] for r in db.execute("pragma table_info(photometry_points)")]
        surveys = {}
        for survey, rows in db.execute("select survey, sum(n_points) from lightcurves group by 1").fetchall():
            sample = db.execute("select * from photometry_points where lightcurve_id in (select lightcurve_id from "
                                "lightcurves where survey = ? order by random() limit 30)", [survey]).fetchall()
            surveys[survey] = {"rows": rows, "value_bytes": {c: sum(value_bytes(r[i]) for r in sample) / len(sample)
                                                             for i, c in enumerate(columns)}}
    total = sum(s["rows"] for s in surveys.values())
    overall = {c: sum(s["rows"] * s["value_bytes"][c] for s in surveys.values()) / total for c in columns}
    return {"tables": tables, "surveys": surveys, "value_bytes": overall, "record_header": len(columns) + 1,
            "bytes": os.path.getsize(path), "rows": total}


def value_bytes(value):
    """Bytes SQLite stores for one value in a record (its serial type's size): 0 for NULL, 0 and 1."""
    if value is None or value in (0, 1):
        return 0
    if isinstance(value, int):
        for size, limit in ((1, 2 ** 7), (2, 2 ** 15), (3, 2 ** 23), (4, 2 ** 31), (6, 2 ** 47)):
            if -limit <= value < limit:
                return size
    return 8


# (c) Incremental equals full ----------------------------------------------------------------------------------

def disk_copy(source, target):
    """The writer's copy of a database (writer.copy_file) made durable (fsync): the rate a copy far larger than
    the page cache's dirty pages, the real archive's, would go at."""
    start = time.perf_counter()
    writer.copy_file(source, target)
    with open(target, "rb+") as copied:
        os.fsync(copied.fileno())
    seconds = time.perf_counter() - start
    Path(target).unlink()
    return {"bytes": os.path.getsize(source), "seconds": seconds}


def compare(one, other):
    """{table: (rows in one, rows in other, same content)}: whole rows for the small tables (but the times a
    build computed them, BUILD_TIMES), the row count and every column's sum for photometry_points."""
    with contextlib.closing(sqlite3.connect(one)) as db:
        db.execute("attach database ? as other", [str(other)])
        tables = [r[0] for r in db.execute("select name from sqlite_master where type = 'table' and name not like "
                                           "'sqlite_%' and name not like 'alerts_fts%' order by name")]
        found = {}
        for table in tables:
            if table in NOT_COMPARED:
                continue
            counts = [db.execute(f"select count(*) from {s}.{table}").fetchone()[0] for s in ("main", "other")]
            if table == "photometry_points":
                columns = [r[1] for r in db.execute("pragma table_info(photometry_points)")]
                sums = [db.execute(f"select {', '.join(f'sum({c})' for c in columns)} from {s}.{table}").fetchone()
                        for s in ("main", "other")]
                same = sums[0] == sums[1]
            else:
                columns = ", ".join(r[1] for r in db.execute(f"pragma table_info({table})") if r[1] not in BUILD_TIMES)
                same = all(db.execute(f"select count(*) from (select {columns} from {a}.{table} except "
                                      f"select {columns} from {b}.{table})").fetchone()[0] == 0
                           for a, b in (("main", "other"), ("other", "main")))
            found[table] = (*counts, same and counts[0] == counts[1])
    return found


# (d) The extrapolation ----------------------------------------------------------------------------------------

def changed_seconds(update):
    """Seconds the update spent on the events it read again: their reading (CPU, summed: a night's few events per
    season are read one after another), their inserts and the fits of their physical events."""
    reading = sum(steps.get("read", 0) for steps in update["phases"]["reading"].values())
    main = update["phases"]["main"]
    return reading + main.get("insert", 0) + main.get("finish: fits", 0)


def rest(update):
    """What an update takes besides the copy and the events it reads again: what may grow with the archive."""
    return update["seconds"] - update["phases"]["main"].get("copy", 0) - changed_seconds(update)


def extrapolate(facts):
    """The real archive's full build, nightly update and size from the rates measured here:

    full build = real rows / the full build's rows per second;
    size = real rows x the full build's bytes per photometry row (whole file);
    nightly update = size / the slower of the big update's copy and the same copy made durable (disk_copy)
                   + rest(big) + slope x (real alerts - big's alerts), slope = (rest(big) - rest(small)) / (big's
                     alerts - small's), at least 0
                   + the real night's changed events (1% of the real alerts, in the surveys' shares of a season),
                     each its survey's reading CPU per event in the full build / workers, plus its rows x the full
                     build's insert seconds per row, plus the big update's fits per changed event."""
    full, big, small = facts["full"], facts["updates"]["big"], facts["updates"]["small"]
    rate, bytes_per_row = full["rows"] / full["seconds"], full["bytes"] / full["rows"]
    size = archives.REAL_ROWS * bytes_per_row
    copy_rate = min(facts["disk_copy"]["bytes"] / facts["disk_copy"]["seconds"],
                    big["bytes"] / big["phases"]["main"]["copy"])
    slope = max(0.0, (rest(big) - rest(small)) / (big["alerts"] - small["alerts"]))
    per_season = {s: archives.REAL_EVENTS[s] / archives.REAL_SEASONS[s] for s in archives.SURVEYS}
    changed = round(archives.REAL_ALERTS * facts["nightly"])
    points, reading = facts["archive"]["points"], full["phases"]["reading"]
    insert_per_row = full["phases"]["main"]["insert"] / full["rows"]
    per_event = {s: reading[s]["read"] / full["phases"]["events"][s] / facts["workers"]
                 + insert_per_row * points[s]["points"] / points[s]["files"] for s in archives.SURVEYS}
    fits = big["phases"]["main"].get("finish: fits", 0) / facts["changed"]
    night = sum(changed * per_season[s] / sum(per_season.values()) * per_event[s] for s in archives.SURVEYS) \
        + changed * fits
    grows = slope * (archives.REAL_ALERTS - big["alerts"])
    return {"rows": archives.REAL_ROWS, "alerts": archives.REAL_ALERTS, "rate": rate,
            "full_seconds": archives.REAL_ROWS / rate, "bytes_per_row": bytes_per_row, "bytes": size,
            "copy_rate": copy_rate, "copy_seconds": size / copy_rate, "rest": rest(big), "rest_small": rest(small),
            "slope": slope, "grows": grows, "changed": changed, "per_event": per_event, "fits": fits, "night": night,
            "update_seconds": size / copy_rate + rest(big) + grows + night}


# The run ------------------------------------------------------------------------------------------------------

def run(work, years=12, small_years=4, fraction=archives.FRACTION, nightly=0.01, workers=None, log=print):
    work = Path(work)
    start = time.perf_counter()
    archive = archives.Archive(work / "mirror-big", years, fraction)
    generate_seconds = time.perf_counter() - start
    small = archive.subset(work / "mirror-small", small_years)
    facts = {"archive": archive.facts(), "generate_seconds": generate_seconds, "years": years,
             "small_years": small_years, "workers": workers or os.cpu_count(), "nightly": nightly}
    dbs = {key: work / key / "microlensing.db" for key in ("big", "small", "check")}
    for path in dbs.values():
        path.parent.mkdir()
    build_log = work / "build.log"
    log(f"build: full build of {years} seasons ({archive.events():,} events)")
    facts["full"] = build(archive.mirror.root, dbs["big"], build_log, full=True, workers=workers)
    facts["storage"] = storage(dbs["big"])
    log("build: the bare loader")
    facts["bare"] = bare_load(archive.mirror, archive.photometry, work / "bare.db")
    (work / "bare.db").unlink()
    log(f"build: full build of {small_years} seasons")
    facts["small_full"] = build(small.root, dbs["small"], build_log, full=True, workers=workers)
    changes = archive.nightly(round(nightly * archive.events()))
    facts["changed"] = len(changes["events"])
    facts["changed_files"] = len(changes["files"])
    for mirror in (archive.mirror, small):
        archives.apply(changes, mirror)
    facts["updates"] = {}
    for key, mirror in (("small", small), ("big", archive.mirror)):
        log(f"build: nightly update, {key} archive ({facts['changed']} events changed)")
        facts["updates"][key] = build(mirror.root, dbs[key], build_log, full=False, workers=workers)
    os.sync()
    facts["disk_copy"] = disk_copy(dbs["big"], work / "copy.db")
    log(f"build: full build of the changed {small_years} seasons, to compare")
    facts["check_full"] = build(small.root, dbs["check"], build_log, full=True, workers=workers)
    facts["equal"] = compare(dbs["small"], dbs["check"])
    facts["extrapolation"] = extrapolate(facts)
    facts["log"] = str(build_log)
    return facts
