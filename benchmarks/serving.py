"""Serving at scale: a database of ~60,000 alerts and tens of millions of photometry rows, written straight
into the build's schema, served by Datasette exactly as `make serve` runs it (a subprocess, immutable,
with an inspect file and the Makefile's DATASETTE_OPTIONS), and timed page by page against a raw
SQLite read of the same rows, or Datasette's own CSV streaming of them."""

import contextlib
import datetime
import os
import shlex
import socket
import sqlite3
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx
import numpy

from microlensing_to_sqlite import crossmatch, schema
from microlensing_to_sqlite.formulas import hjd_today
from microlensing_to_sqlite.kmtnet import site as kmtnet
from microlensing_to_sqlite.names import AlertName
from microlensing_to_sqlite.kmtnet.pysis import PYSIS_ROW as KMT_COLUMNS
from microlensing_to_sqlite.ogle.phot_dat import PHOT_COLUMNS as OGLE_COLUMNS
from microlensing_to_sqlite.photometry import Points
from microlensing_to_sqlite.registry import SURVEYS
from microlensing_to_sqlite.load.writer import DatabaseWriter, insert
from microlensing_to_sqlite.sky import add_galactic_coordinates

from . import pressure

ROOT = Path(__file__).resolve().parents[1]
# The probes: OGLE-2025-BLG-0001 is the 5,000-point lightcurve; 0001-0020 are the 100,000-point export.
PROBE_POINTS = 5000
PROBES = 20
SEASONS = range(2016, 2026)


def alert_names(total, rng):
    """Names of `total` alerts over ten seasons: 40% OGLE, 50% KMTNet, 10% MOA (as in 2016-2025)."""
    per_season = {"OGLE": 0.4 * total / len(SEASONS), "KMT": 0.5 * total / len(SEASONS),
                  "MOA": 0.1 * total / len(SEASONS)}
    names = [AlertName(survey, season, "BLG", n) for season in SEASONS for survey, count in per_season.items()
             for n in range(1, int(round(count)) + 1)]
    return sorted(names[:total], key=lambda name: name.alert_id)


def alert_record(name, rng, today_hjd, planted):
    t0 = float(rng.uniform(-30, 270) + hjd_today(datetime.date(name.season, 3, 1)))
    tE, Ibase = float(rng.lognormal(numpy.log(25), 0.7)), float(rng.uniform(15.5, 20.5))
    if planted:  # long events peaking in the last 14 days: what black_hole_candidates looks for
        t0, tE, Ibase = today_hjd - float(rng.uniform(0, 12)), float(rng.uniform(100, 300)), float(rng.uniform(16, 19.5))
    with_errors = name.survey != "KMT"
    ra, dec = float(rng.uniform(262.5, 272.5)), float(rng.uniform(-34.5, -22.5))
    record = {
        "alert_name": name.full, "alert_id": name.alert_id, "short_name": name.short, "survey": name.survey,
        "season": name.season, "region": name.region, "field": "BLG500.01", "star_id": str(rng.integers(1, 99999)),
        "ra": round(ra, 6), "dec": round(dec, 6), "ra_hms": None, "dec_dms": None,
        "t0": round(t0, 5), "tE": round(tE, 3), "u0": round(float(rng.uniform(0.01, 1)), 3),
        "fbl": round(float(rng.uniform(0.2, 1)), 3), "Ibase": round(Ibase, 3),
        "t0_err": round(float(rng.uniform(0.01, 1)), 3) if with_errors else None,
        "tE_err": round(tE * float(rng.uniform(0.02, 0.2)), 3) if with_errors else None,
        "u0_err": round(float(rng.uniform(0.001, 0.05)), 3) if with_errors else None,
        "Ibase_err": round(float(rng.uniform(0.002, 0.03)), 3) if with_errors else None,
        "classification": "1" if name.survey == "KMT" else None,
        "alert_url": f"https://example.invalid/{name.full}", "fetched_at": "2025-10-15T00:00:00+00:00",
    }
    if name.survey == "KMT":
        record["public_from"] = kmtnet.public_from(name.season).isoformat()
    return record


MOA_COLUMNS = ("hjd", "mag", "mag_err", "delta_flux", "flux_err")


def photometry(name, n, rng):
    """(telescope, band, Points) of one alert's n points, in the survey's shape and published decimals, times
    increasing."""
    if name.survey == "OGLE":
        parts = [("OGLE", "I", OGLE_COLUMNS, n)]
    elif name.survey == "MOA":
        parts = [("MOA", "MOA-Red", MOA_COLUMNS, n)]
    else:
        sites = sorted(f"KMT{site}{field:02d}" for field in (1, 41) for site in "ACS")[:int(rng.integers(3, 7))]
        split = numpy.diff(numpy.linspace(0, n, len(sites) + 1).astype(int))
        parts = [(telescope, "I", KMT_COLUMNS, int(k)) for telescope, k in zip(sites, split) if k]
    start = 10000 + 365.25 * (name.season - 2023) - 60
    for telescope, band, columns, k in parts:
        values = [numpy.round(start + numpy.cumsum(rng.uniform(0.005, 600 / k, k)), 5),
                  numpy.round(rng.uniform(15, 21, k), 3), numpy.round(rng.uniform(0.003, 0.3, k), 3)]
        if columns is OGLE_COLUMNS:
            values += [numpy.round(rng.uniform(2, 9, k), 2), numpy.round(rng.uniform(50, 2000, k))]
        else:
            values += [numpy.round(rng.normal(0, 800, k), 4), numpy.round(rng.uniform(50, 400, k), 4)]
            if columns is KMT_COLUMNS:
                values += [numpy.round(rng.uniform(2.5, 6, k), 2), rng.integers(500, 3000, k),
                           numpy.round(rng.uniform(1, 2, k), 2)]
        yield telescope, band, Points(**dict(zip(columns, values)))


def make_database(path, total_alerts=60_000, total_rows=50_000_000, seed=3, today=None):
    """Write the serving database: alerts in the build's schema, photometry through the build's own
    DatabaseWriter.add_lightcurves (lightcurves and photometry_points, fixed point, in key order), then what the
    build's finish() does (events, crossmatches, FTS, sources, build_info, ANALYZE) except VACUUM, which would
    rewrite gigabytes for a tenth less space. Returns facts about it."""
    rng = numpy.random.default_rng(seed)
    today = today or datetime.date.today()
    today_hjd = hjd_today(today)
    names = alert_names(total_alerts, rng)
    probes = [AlertName("OGLE", 2025, "BLG", n) for n in range(1, PROBES + 1)]
    planted = set(rng.choice(len(names), 40, replace=False).tolist())
    records = [alert_record(name, rng, today_hjd, i in planted and name not in probes) for i, name in enumerate(names)]
    # Lightcurve lengths: lognormal (a long tail, like the surveys'), scaled so that the total is total_rows.
    weights = rng.lognormal(0, 0.9, len(names))
    weights[[i for i, name in enumerate(names) if name in probes]] = 0
    others = total_rows - PROBES * PROBE_POINTS
    lengths = numpy.maximum((weights * others / weights.sum()).astype(int), 20)
    lengths[weights == 0] = PROBE_POINTS
    shortfall = total_rows - int(lengths.sum())
    lengths[numpy.flatnonzero(weights)[:max(shortfall, 0)]] += 1
    writer = DatabaseWriter(path)
    start, rows = time.perf_counter(), 0
    for record, name, n in zip(records, names, lengths.tolist()):
        record["n_photometry"] = writer.add_lightcurves(name.alert_id, name.survey, list(photometry(name, n, rng)))
        rows += record["n_photometry"]
    photometry_seconds = time.perf_counter() - start
    finish(writer, records)
    return {"alerts": len(records), "rows": rows, "photometry_seconds": photometry_seconds,
            "seconds": time.perf_counter() - start, "bytes": os.path.getsize(path),
            "lightcurve_alert": probes[0].full, "export_alerts": [p.full for p in probes]}


def finish(writer, records):
    """DatabaseWriter.finish without the VACUUM, and with a sampled ANALYZE (analysis_limit)."""
    db = writer.db
    add_galactic_coordinates(records)
    matches = crossmatch.crossmatch_rows(records, [])
    events, event_of = crossmatch.event_rows(records, matches, [])
    for record in records:
        record["event_id"] = event_of[record["alert_name"]]
        record["first_seen"] = record["fetched_at"]
    insert(db, "alerts", schema.ALERT_COLUMNS, records)
    db.execute("INSERT INTO alerts_fts(alerts_fts) VALUES ('rebuild')")
    insert(db, "events", schema.EVENT_COLUMNS, events)
    insert(db, "crossmatches", schema.CROSSMATCH_COLUMNS, matches)
    db.executemany("INSERT INTO sources VALUES (:survey, :name, :home_url, :data_url, :credit, :data_policy)",
                   [survey.source for survey in SURVEYS])
    db.executemany("INSERT INTO build_info VALUES (?, ?)", [("built_at", "benchmark"), ("synthetic", "1"),
                                                             ("surveys", "OGLE MOA KMT")])
    db.execute("COMMIT")
    db.execute("PRAGMA analysis_limit = 1000")
    db.execute("ANALYZE")
    db.close()


# Datasette, as `make serve` runs it -------------------------------------------------------------------------

def makefile_options():
    """$(DATASETTE_OPTIONS) as the Makefile has them (make expands them; no copy of the settings here)."""
    output = subprocess.run(["make", "--no-print-directory", "-s", "-C", str(ROOT),
                             "--eval=print-datasette-options: ; @echo $(DATASETTE_OPTIONS)", "print-datasette-options"],
                            capture_output=True, text=True, check=True).stdout
    return shlex.split(output)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def datasette(db_path, log_path):
    """`datasette inspect`, then `datasette serve -i DB --inspect-file inspect.json $(DATASETTE_OPTIONS)` on a free
    loopback port; yields (base URL, the command, seconds to inspect)."""
    bin_dir = Path(sys.executable).parent
    inspect = Path(db_path).with_name("inspect.json")
    start = time.perf_counter()
    subprocess.run([str(bin_dir / "datasette"), "inspect", str(db_path), "--inspect-file", str(inspect)], check=True,
                   cwd=ROOT)
    inspect_seconds = time.perf_counter() - start
    port = free_port()
    command = [str(bin_dir / "datasette"), "serve", "-i", str(db_path), "--inspect-file", str(inspect),
               *makefile_options(), "-h", "127.0.0.1", "-p", str(port)]
    with open(log_path, "w") as log:
        process = subprocess.Popen(command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                if httpx.get(f"{base}/-/versions.json", timeout=5).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"datasette did not start; see {log_path}")
            time.sleep(0.2)
        yield base, command, inspect_seconds
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()


def timings(fetch, n, warm=3):
    """Seconds of n calls of fetch() after `warm` unmeasured ones."""
    for _ in range(warm):
        fetch()
    out = []
    for _ in range(n):
        start = time.perf_counter()
        fetch()
        out.append(time.perf_counter() - start)
    return out


def summary(seconds):
    ordered = sorted(seconds)
    return {"median": statistics.median(ordered), "p95": ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))],
            "n": len(ordered)}


def measure(base, db_path, facts, n=30, stream_n=10):
    """Median and p95 of each page, with its baseline. Returns {key: {...}}."""
    client = httpx.Client(base_url=base, timeout=120)
    raw = sqlite3.connect(f"file:{db_path}?immutable=1", uri=True, check_same_thread=False)
    name = facts["lightcurve_alert"]
    alert_id = raw.execute("select alert_id from alerts where alert_name = ?", [name]).fetchone()[0]
    results = {}

    errors = []

    def get(path, expect=200):
        def call():
            response = client.get(path)
            if response.status_code != expect:  # counted and reported, not fatal: the other figures still come
                errors.append({"path": path[:120], "status": response.status_code, "said": said(response.text)})
            return response
        return call

    def query(sql, parameters=()):
        return lambda: raw.execute(sql, parameters).fetchall()

    document = get(f"/-/lightcurve/alert/{name}.json")().json()
    plugin_seconds, plugin_steps = plugin_lightcurve(db_path, name, n)
    results["floor"] = {"what": "Datasette's smallest answer, /-/versions.json (the per-request floor)",
                        "path": "/-/versions.json", **summary(timings(get("/-/versions.json"), n))}
    results["lightcurve"] = {
        "path": f"/-/lightcurve/alert/{name}.json", "points": document["points"],
        **summary(timings(get(f"/-/lightcurve/alert/{name}.json"), n)),
        "baseline": summary(timings(query(
            "select telescope, band, hjd, mag, mag_err from photometry where alert_id = ? and mag is not null "
            "order by telescope, band, hjd", [alert_id]), n)),
        "baseline_what": "sqlite3 fetchall of the same rows (telescope, band, hjd, mag, mag_err) by the key",
        "in_process": summary(plugin_seconds),
        "steps": plugin_steps,
    }
    results["row_page"] = {
        "path": f"/microlensing/alerts/{name}", **summary(timings(get(f"/microlensing/alerts/{name}"), n)),
        "baseline": summary(timings(query("select * from alerts where alert_name = ?", [name]), n)),
        "baseline_what": "sqlite3 select * of the row",
    }
    canned = yaml_query("black_hole_candidates")
    results["black_holes"] = {
        "path": "/microlensing/black_hole_candidates",
        "rows": len(get("/microlensing/black_hole_candidates.json?_shape=array")().json()),
        **summary(timings(get("/microlensing/black_hole_candidates"), n)),
        "baseline": summary(timings(query(canned, {k: "" for k in ("max_abs_b", "min_tE", "sigma_cut", "days",
                                                                    "max_Ibase")}), n)),
        "baseline_what": "sqlite3 of the canned query's SQL, default parameters",
    }
    results["table_page"] = {
        "path": "/microlensing/photometry", **summary(timings(get("/microlensing/photometry"), n)),
        "baseline": summary(timings(query("select * from photometry limit 101"), n)),
        "baseline_what": "sqlite3 of the page's 101 rows (the view's first)",
        "facets_timed_out": facets_timed_out(get("/microlensing/photometry")().text),
        # The same page without its default facets (telescope, band): where the time goes.
        "without_facets": summary(timings(get("/microlensing/photometry?_nofacet=1"), max(5, n // 3))),
        # ... and without the count of a view's rows, which Datasette runs up to the SQL time limit.
        "without_count": summary(timings(get("/microlensing/photometry?_nocount=1"), max(5, n // 3))),
    }
    names = facts["export_alerts"]
    ids = [r[0] for r in raw.execute(f"select alert_id from alerts where alert_name in ({', '.join('?' * len(names))})",
                                     names)]
    export = f"/-/photometry.csv?names={','.join(names)}"
    stream = (f"/microlensing/photometry.csv?_stream=on&_size=max&alert_id__in={','.join(map(str, ids))}")
    export_lines = get(export)().text.count("\n")
    stream_lines = get(stream)().text.count("\n")
    results["export"] = {
        "path": export, "lines": export_lines, **summary(timings(get(export), n, warm=1)),
        # The plugin's own work (its SQL and the CSV), in this process on a raw connection.
        "in_process": summary(plugin_export(db_path, names, max(3, n // 6))),
        "baseline": summary(timings(get(stream), stream_n, warm=1)), "baseline_path": stream,
        "baseline_lines": stream_lines,
        "baseline_what": f"Datasette's CSV streaming of the same rows ({stream_n} requests)",
    }
    results["pressure"] = pressure.run(base, export)
    client.close()
    raw.close()
    results["errors"] = errors
    return results


def plugin_lightcurve(db_path, name, n):
    """The lightcurve plugin's own work without HTTP: its lightcurve() on a Datasette Database object of the
    same file, in this process (seconds of n calls), and two of its steps on the document it made: sampling
    the model and encoding the JSON (median seconds)."""
    import asyncio
    import json

    from datasette.app import Datasette

    from plugins.lightcurve_data import compact_json, lightcurve, model_curve

    database = Datasette(immutables=[str(db_path)]).get_database()

    async def run():
        out, document = [], None
        for i in range(n + 3):
            start = time.perf_counter()
            document = await lightcurve(database, "alert_name = ?", name)
            compact_json(document)
            if i >= 3:
                out.append(time.perf_counter() - start)
        return out, document

    seconds, document = asyncio.run(run())
    times = [t / one["units"]["hjd"] for one in document["series"] for t in one["hjd"]]
    span = (min(times) - 5, max(times) + 5)
    steps = {"model": lambda: [model_curve(a, span) for a in document["alerts"]],
             "json": lambda: json.dumps(document, separators=(",", ":"))}
    return seconds, {step: statistics.median(timings(call, n)) for step, call in steps.items()}


def plugin_export(db_path, names, n):
    """The export plugin's own work without HTTP: its export_plan and stream_csv on a Datasette Database object of
    the same file, in this process, the text collected in memory (seconds of n calls after one unmeasured)."""
    import asyncio

    from datasette.app import Datasette

    from plugins.photometry_export import MAX_POINTS, Writer, export_plan, stream_csv

    database = Datasette(immutables=[str(db_path)]).get_database()

    async def once():
        parts = []

        async def write(text):
            parts.append(text)

        planned, _, left_out = await export_plan(database, names, MAX_POINTS)
        await stream_csv(database, planned, {}, left_out, Writer(write, 1 << 40))

    async def run():
        out = []
        for i in range(n + 1):
            start = time.perf_counter()
            await once()
            if i:
                out.append(time.perf_counter() - start)
        return out

    return asyncio.run(run())


def said(html):
    """The text of an error page, without its markup, shortened."""
    import re

    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()[:400]


def facets_timed_out(html):
    """The facets a Datasette 0.65 table page says timed out ("These facets timed out: telescope, band")."""
    import re

    match = re.search(r"These facets timed out:\s*([^<]+)", html)
    return [f.strip() for f in match.group(1).split(",")] if match else []


def yaml_query(name):
    import yaml
    metadata = yaml.safe_load((ROOT / "metadata.yml").read_text())
    return metadata["databases"]["microlensing"]["queries"][name]["sql"]


