"""Benchmarks, each against a baseline measured in the same run. Run with `make bench`.

    python -m benchmarks                       # everything, at the default sizes (under 30 minutes on 2 cores)
    python -m benchmarks --only scrape         # one part: scrape ingest crossmatch serving load

Parts:
  scrape      a full synthetic season served by a loopback replay server with 100 ms latency, fetched and
              loaded by the real build at a per-host rate cap, against the bound (requests / cap) and a
              serial fetch; then a nightly --update after 10% of the events changed (benchmarks/scrape.py)
  ingest      photometry ingest and bytes per row against a bare executemany (benchmarks/ingest.py)
  crossmatch  positional matching of 75,000 alerts against a pairwise loop (benchmarks/ingest.py)
  serving     Datasette as `make serve` runs it on a database of 60,000 alerts and tens of millions of rows:
              pages against raw SQLite reads or Datasette's CSV streaming (benchmarks/serving.py)
  load        50 concurrent clients against the same server (benchmarks/load.py)

Prints the results and, when every part ran (or with --results), writes them to benchmarks/RESULTS.md.
Generated data go to a temporary folder under --work (benchmarks/work/, git-ignored), removed at the end
unless --keep. Nothing here is a test assertion.
"""

import argparse
import datetime
import json
import os
import platform
import shutil
import sqlite3
import sys
import tempfile
import time
import traceback
from pathlib import Path
from urllib.parse import urlsplit

from microlensing_to_sqlite.kmtnet import site as kmtnet
from microlensing_to_sqlite.ogle import site as ogle

from . import ingest, load, scrape, serving

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "RESULTS.md"
PARTS = ["scrape", "ingest", "crossmatch", "serving", "load"]


def parse_arguments(argv):
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", nargs="+", choices=PARTS, default=PARTS, help="run only these parts")
    parser.add_argument("--work", default=str(HERE / "work"), help="where generated data go (default benchmarks/work)")
    parser.add_argument("--keep", action="store_true", help="keep the generated data")
    parser.add_argument("--results", help="write the results here (default: benchmarks/RESULTS.md, full runs only)")
    scrape_options = parser.add_argument_group("scrape")
    scrape_options.add_argument("--ogle-events", type=int, default=2000)
    scrape_options.add_argument("--kmt-events", type=int, default=3000)
    scrape_options.add_argument("--kmt-points", type=int, nargs=2, default=[300, 800], metavar=("MIN", "MAX"),
                                help="points per KMTNet I-band pySIS file (default 300 800; the real files have "
                                     "1,000-2,700, which makes each load of the season about 3x longer)")
    scrape_options.add_argument("--rate", type=float, default=40.0, help="the build's --rate, per host (default 40)")
    scrape_options.add_argument("--per-host", type=int, default=8, help="the build's --per-host (default 8)")
    scrape_options.add_argument("--latency", type=float, default=0.1, help="replay server latency, s (default 0.1)")
    scrape_options.add_argument("--serial-sample", type=int, default=150, help="URLs fetched one at a time")
    scrape_options.add_argument("--changed", type=float, default=0.10, help="share of events changed for --update")
    ingest_options = parser.add_argument_group("ingest, crossmatch")
    ingest_options.add_argument("--rows", type=int, default=10_000_000, help="photometry rows to load (default 10 M)")
    ingest_options.add_argument("--crossmatch-alerts", type=int, default=75_000)
    serving_options = parser.add_argument_group("serving, load")
    serving_options.add_argument("--serving-alerts", type=int, default=60_000)
    serving_options.add_argument("--serving-rows", type=int, default=50_000_000)
    serving_options.add_argument("--samples", type=int, default=30, help="requests per page timed (default 30)")
    serving_options.add_argument("--stream-samples", type=int, default=10,
                                 help="requests of Datasette's CSV streaming timed (default 10: each takes seconds)")
    serving_options.add_argument("--clients", type=int, default=50)
    serving_options.add_argument("--load-requests", type=int, default=2000)
    return parser.parse_args(argv)


def commands(a):
    """The command that reproduces each part with this run's sizes."""
    return {
        "scrape": f"python -m benchmarks --only scrape --ogle-events {a.ogle_events} --kmt-events {a.kmt_events} "
                  f"--kmt-points {a.kmt_points[0]} {a.kmt_points[1]} --rate {a.rate:g} --per-host {a.per_host} "
                  f"--latency {a.latency:g} --serial-sample {a.serial_sample} --changed {a.changed:g}",
        "ingest": f"python -m benchmarks --only ingest --rows {a.rows}",
        "crossmatch": f"python -m benchmarks --only crossmatch --crossmatch-alerts {a.crossmatch_alerts}",
        "serving": f"python -m benchmarks --only serving --serving-alerts {a.serving_alerts} "
                   f"--serving-rows {a.serving_rows} --samples {a.samples} --stream-samples {a.stream_samples}",
        "load": f"python -m benchmarks --only load --serving-alerts {a.serving_alerts} --serving-rows {a.serving_rows} "
                f"--clients {a.clients} --load-requests {a.load_requests}",
    }


def log(message):
    print(f"[{datetime.datetime.now():%H:%M:%S}] {message}", file=sys.stderr, flush=True)


def main(argv=None):
    a = parse_arguments(argv)
    started, load_before = time.perf_counter(), os.getloadavg()
    Path(a.work).mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="run-", dir=a.work))
    results, durations, failures = {}, {}, {}

    def part(name, what, run):
        """Run one part, timed; a part that fails is reported with its error and the others still run."""
        log(f"{name}: {what}")
        start = time.perf_counter()
        try:
            results[name] = run()
        except Exception as error:  # a benchmark that breaks says so in the results instead of losing the run
            failures[name] = f"{type(error).__name__}: {error}"
            log(f"{name} failed: {failures[name]}\n{traceback.format_exc()}")
        durations[name] = time.perf_counter() - start

    try:
        if "scrape" in a.only:
            part("scrape", "generating the season, full build, serial sample, update",
                 lambda: scrape.run(work / "scrape", a.ogle_events, a.kmt_events, a.kmt_points, rate=a.rate,
                                    per_host=a.per_host, latency=a.latency, serial_sample=a.serial_sample,
                                    changed=a.changed))
            shutil.rmtree(work / "scrape", ignore_errors=True)
        if "ingest" in a.only:
            (work / "ingest").mkdir()
            part("ingest", f"{a.rows:,} rows", lambda: ingest.ingest(a.rows, work / "ingest"))
        if "crossmatch" in a.only:
            part("crossmatch", f"{a.crossmatch_alerts:,} alerts", lambda: ingest.crossmatch_all_seasons(a.crossmatch_alerts))
        if {"serving", "load"} & set(a.only):
            (work / "serving").mkdir()
            db_path = work / "serving" / "microlensing.db"  # the name makes the database "microlensing"
            part("database", f"writing {a.serving_alerts:,} alerts and {a.serving_rows:,} photometry rows",
                 lambda: serving.make_database(db_path, a.serving_alerts, a.serving_rows))
            if "database" in results:
                with serving.datasette(db_path, work / "serving" / "datasette.log") as (base, command, inspect_seconds):
                    results["database"].update(inspect_seconds=inspect_seconds, command=command)
                    if "serving" in a.only:
                        part("serving", "timing pages",
                             lambda: serving.measure(base, db_path, results["database"], a.samples, a.stream_samples))
                    if "load" in a.only:
                        part("load", f"{a.clients} clients, {a.load_requests:,} requests",
                             lambda: load.run(base, db_path, a.clients, a.load_requests))
    finally:
        if not a.keep:
            shutil.rmtree(work, ignore_errors=True)
    total = time.perf_counter() - started
    report = render(results, a, durations, total, load_before, os.getloadavg(), failures)
    print(report)
    (Path(a.work) / "last-results.json").write_text(json.dumps(results, indent=1, default=str))
    if a.results or set(a.only) == set(PARTS):
        Path(a.results or RESULTS).write_text(report)
        log(f"wrote {a.results or RESULTS}")
    log(f"total {total / 60:.1f} min")


# Rendering -------------------------------------------------------------------------------------------------

def ms(seconds):
    if seconds < 0.001:
        return f"{seconds * 1000:.3f} ms"
    return f"{seconds * 1000:,.1f} ms" if seconds < 10 else f"{seconds:,.1f} s"


def verdict(value, goal, higher_is_better, unit=""):
    """'met' or 'MISSED by ...' (absolute and relative)."""
    met = value >= goal if higher_is_better else value <= goal
    if met:
        return "met"
    gap = abs(value - goal)
    return f"**missed** by {gap:,.2f}{unit} ({gap / goal:.0%} of the goal)"


def render(results, a, durations, total, load_before, load_after, failures=None):
    cmd = commands(a)
    lines = ["# Benchmark results", "",
             f"Measured {datetime.date.today()} on {platform.machine()} with {os.cpu_count()} cores, Python "
             f"{platform.python_version()}, SQLite {sqlite3.sqlite_version}. One run of `python -m benchmarks` "
             f"({' '.join(sys.argv[1:]) or 'default sizes'}) took **{total / 60:.1f} min** "
             f"({', '.join(f'{k} {v / 60:.1f}' for k, v in durations.items())} min). "
             f"Load average before and after: {load_before[0]:.1f} / {load_after[0]:.1f}"
             f"{' (other processes were using the cores: treat times as upper bounds)' if max(load_before[0], load_after[0]) > 2.5 else ''}.",
             "", "Every baseline was measured in the same run. Goals come from the issue; a missed goal says by how much.",
             "", "| # | measure | this build | baseline (same run) | ratio | goal | verdict | reproduce |",
             "|---|---|---|---|---|---|---|---|"]
    notes = []
    s = results.get("scrape")
    if s:
        full, update = s["full"], s["update"]
        ratio = s["bound_seconds"] / full["fetch_seconds"]
        lines.append(
            f"| 1 | fetch of a full season, {s['total_requests']:,} requests ({', '.join(f'{h} {n:,}' for h, n in s['full_requests'].items())}), "
            f"--rate {s['rate']:g} --per-host {s['per_host']}, {s['latency'] * 1000:.0f} ms latency | "
            f"{full['fetch_seconds']:,.1f} s | {s['bound_seconds']:,.1f} s bound (requests / cap per host, hosts in parallel) | "
            f"bound/actual {ratio:.2f} | >= 0.85 | {verdict(ratio, 0.85, True)} | `{cmd['scrape']}` |")
        lines.append(
            f"| 1 | same fetch against a serial one-at-a-time fetch | {full['fetch_seconds']:,.1f} s | "
            f"{s['serial_seconds']:,.0f} s (serial, extrapolated from {s['serial_sample']} URLs at "
            f"{s['serial_per_request'] * 1000:.0f} ms each) | {s['serial_seconds'] / full['fetch_seconds']:.1f}x faster | "
            f"(politeness caps it at {s['serial_seconds'] / s['bound_seconds']:.1f}x) | - | `{cmd['scrape']}` |")
        req_ratio = s["update_requests"] / s["total_requests"]
        lines.append(
            f"| 2 | nightly --update after {s['changed_events']:,} of {s['ogle_events'] + s['kmt_events']:,} events changed: requests | "
            f"{s['update_requests']:,} | {s['total_requests']:,} (full build) | {req_ratio:.1%} | <= 20% | "
            f"{verdict(req_ratio, 0.20, False)} | `{cmd['scrape']}` |")
        lines.append(
            f"| 2 | same update: wall time (fetch + load) | {update['seconds']:,.1f} s (fetch {update['fetch_seconds']:,.1f} s) | "
            f"{full['seconds']:,.1f} s (full build; fetch {full['fetch_seconds']:,.1f} s) | "
            f"{update['seconds'] / full['seconds']:.0%} | - | - | `{cmd['scrape']}` |")
        notes += scrape_notes(s)
    i = results.get("ingest")
    if i:
        lines.append(
            f"| 3 | photometry ingest, {i['rows']:,} OGLE-shaped rows (rows/s) | {i['build_rate']:,.0f} | "
            f"{i['bare_rate']:,.0f} (bare executemany, no key) | {i['build_rate'] / i['bare_rate']:.2f}x | >= 0.5x | "
            f"{verdict(i['build_rate'] / i['bare_rate'], 0.5, True, 'x')} | `{cmd['ingest']}` |")
        lines.append(
            f"| 4 | photometry storage at {i['rows']:,} rows (bytes/row, whole file after VACUUM) | "
            f"{i['bytes_per_row']:.1f} | {i['bare_bytes_per_row']:.1f} (bare table, no index) | "
            f"{i['bytes_per_row'] / i['bare_bytes_per_row']:.2f}x | <= 40 B | {verdict(i['bytes_per_row'], 40, False, ' B')} | "
            f"`{cmd['ingest']}` |")
        notes += storage_notes(i)
    c = results.get("crossmatch")
    if c:
        lines.append(
            f"| - | positional crossmatch of {c['alerts']:,} alerts (s) | {c['seconds']:.1f} | "
            f"{c['brute_seconds']:,.0f} (pairwise loop, extrapolated from 300) | "
            f"{c['brute_seconds'] / c['seconds']:,.0f}x faster | seconds | {verdict(c['seconds'], 10, False, ' s')} | "
            f"`{cmd['crossmatch']}` |")
    v = results.get("serving")
    if v:
        d = results["database"]
        where = f"{d['alerts']:,} alerts, {d['rows'] / 1e6:,.1f} M rows"
        lc = v["lightcurve"]
        ratio = lc["median"] / lc["baseline"]["median"]
        lines.append(
            f"| 5 | lightcurve JSON, {lc['points']:,} points ({where}): median / p95 | {ms(lc['median'])} / {ms(lc['p95'])} | "
            f"{ms(lc['baseline']['median'])} / {ms(lc['baseline']['p95'])} (raw SQLite read of the same rows) | "
            f"{ratio:.1f}x | <= 2x | {verdict(ratio, 2, False, 'x')} | `{cmd['serving']}` |")
        for key, label in [("row_page", "alert row page (HTML)"), ("black_holes", f"black_hole_candidates (HTML, {v['black_holes']['rows']} rows)"),
                           ("table_page", "photometry table page (HTML)")]:
            r = v[key]
            lines.append(
                f"| 5 | {label}: median / p95 | {ms(r['median'])} / {ms(r['p95'])} | "
                f"{ms(r['baseline']['median'])} / {ms(r['baseline']['p95'])} ({r['baseline_what']}) | "
                f"{r['median'] / r['baseline']['median']:,.0f}x | - | - | `{cmd['serving']}` |")
        e = v["export"]
        speed = e["baseline"]["median"] / e["median"]
        lines.append(
            f"| 5 | bulk export of {e['lines'] - 3:,} points, /-/photometry.csv?names=: median / p95 | "
            f"{ms(e['median'])} / {ms(e['p95'])} | {ms(e['baseline']['median'])} / {ms(e['baseline']['p95'])} "
            f"(Datasette CSV ?_stream=on of the same rows, {e['baseline']['n']} requests) | {speed:.1f}x faster | >= 10x | "
            f"{verdict(speed, 10, True, 'x')} | `{cmd['serving']}` |")
        lines.append(
            f"| 5 | per-request floor, /-/versions.json: median / p95 | {ms(v['floor']['median'])} / {ms(v['floor']['p95'])} | - | - | - | - | "
            f"`{cmd['serving']}` |")
        notes += serving_notes(results["database"], v)
    l = results.get("load")
    if l:
        lines.append(
            f"| 6 | {l['clients']} concurrent clients, {l['requests']:,} requests (row pages, lightcurves, canned queries, CSV) | "
            f"{l['throughput']:,.1f} req/s; p50 {ms(l['p50'])}, p99 {ms(l['p99'])} | - | - | 0 errors | "
            f"{l['errors']} errors: {'met' if l['errors'] == 0 else '**missed**'} | `{cmd['load']}` |")
        notes += load_notes(l)
    if failures:
        notes += ["## Parts that failed", ""] + [f"- {name}: `{error}`" for name, error in failures.items()] + [""]
    return "\n".join(lines + [""] + notes + [""])


HOSTS = {"OGLE": urlsplit(ogle.DATA_ROOT).hostname, "KMT": urlsplit(kmtnet.EVENT_ROOT).hostname}


def scrape_notes(s):
    full, update = s["full"], s["update"]
    rate = s["rate"]
    surveys = []
    for survey, seconds in full["surveys"].items():
        host = HOSTS.get(survey, survey)
        n = s["full_requests"].get(host, 0)
        busy = sum(e - b for h, _, b, e in full["batches"] if h == host)
        surveys.append((survey, host, n, seconds, busy))
    per_survey = "; ".join(f"{survey} ({host}) {n:,} requests in {seconds:,.1f} s, {n / seconds:,.1f}/s, its own bound "
                           f"{n / rate:,.1f} s ({n / rate / seconds:.2f}); {seconds - busy:,.1f} s of it with no batch "
                           f"in flight" for survey, host, n, seconds, busy in surveys)
    batches = "; ".join(f"{host} {n:,} URLs in {e - b:,.1f} s ({n / (e - b):,.1f}/s) from {b:,.1f} s"
                        for host, n, b, e in full["batches"] if n > 1)
    slowest = max(surveys, key=lambda x: x[3])
    rows, load_seconds = s["ogle_points"] + s["kmt_i_points"], full["seconds"] - full["fetch_seconds"]
    real_rows = s["ogle_points"] + s["kmt_i_points"] * 1850 / (sum(s["kmt_points"]) / 2)  # 1,000-2,700: mean ~1,850
    if full["side_by_side"]:
        where = (f"the build fetched the surveys side by side, so the fetch lasts as long as the slower survey, "
                 f"{slowest[0]} ({slowest[3]:,.1f} s against its own bound of {slowest[2] / rate:,.1f} s). What it loses "
                 f"to the bound is time with no batch in flight ({slowest[3] - slowest[4]:,.1f} s)"
                 + (": between KMTNet's view.php batch and its pySIS batch the build reads every view.php to name the "
                    "bundles before asking for any." if slowest[0] == "KMT" else "."))
    else:
        where = (f"the build fetched the surveys one after another, so the two hosts never ran in parallel; with the "
                 f"surveys in turn the bound would be {s['bound_surveys_in_turn']:,.1f} s, and the build reached "
                 f"{s['bound_surveys_in_turn'] / full['fetch_seconds']:.2f} of that.")
    return [
        "## 1-2. Scrape speed against politeness; the nightly update", "",
        f"- The season: {s['ogle_events']:,} OGLE events (params.dat and phot.dat, {s['ogle_points']:,} points: "
        f"median ~800, up to 4,600 a file) and {s['kmt_events']:,} KMTNet events (listpage.dat, view.php and a "
        f"pysis.tar.gz of {min(s['files_per_kmt_event'])}-{max(s['files_per_kmt_event'])} pySIS files each, I and V, "
        f"{s['kmt_i_points']:,} I-band points), generated in {s['generate_seconds']:.0f} s. The bundles come from a pool "
        f"of {s['pool']} hard-linked into every event folder; the build downloads and parses each event's copy.",
        f"- **KMTNet lightcurves are shorter than real ones**: {s['kmt_points'][0]:,}-{s['kmt_points'][1]:,} points per "
        f"I-band file instead of 1,000-2,700. The number of files and requests is real; the points are cut so that the two "
        f"loads of the season (full build and update, each of the whole mirror) fit the 30-minute run. The full build "
        f"loaded {rows:,} rows in {load_seconds:,.0f} s ({rows / load_seconds:,.0f} rows/s, parsing included); at that "
        f"rate the season with real KMTNet lengths (~{real_rows / 1e6:,.0f} M rows) would take "
        f"~{real_rows / (rows / load_seconds) / 60:,.1f} min per load. `--kmt-points 1000 2700` gives the real lengths.",
        f"- Served from a loopback replay server (127.0.0.1, threaded, its own process, {s['latency'] * 1000:.0f} ms per "
        f"request, ETag/Last-Modified and 304, enforcing nothing). The build ran as `./build --years 2025 --surveys "
        f"ogle kmtnet --rate {rate:g} --per-host {s['per_host']}` (cli.main) with httpx forwarding every "
        f"request to it. The rate cap is {rate:g} request starts a second per host (the default is 4) so that the season "
        f"fits the run; --per-host {s['per_host']} so that the cap, not latency x concurrency ({s['per_host']} / "
        f"{s['latency']:g} s = {s['per_host'] / s['latency']:.0f}/s), is the limit.",
        f"- Per survey: {per_survey}. Batches (seconds from the fetch's start): {batches}.",
        f"- **Where the fetch time goes**: {where}",
        f"- The serial baseline fetched {s['serial_sample']} URLs drawn at random from the full build's, one at a time "
        f"with no cap, writing each file, and was extrapolated to all {s['total_requests']:,}.",
        f"- Update: after the full build, {s['changed_events']:,} events had their list line and files changed (OGLE: "
        f"lenses.par line, params.dat, phot.dat with new points; KMTNet: listpage.dat line, view.php, a new bundle) and "
        f"last.changed moved; `--update` ran with today = {scrape.TODAY}. Requests by host and answer: "
        f"{json.dumps(update['requests'])}. Fetch {update['fetch_seconds']:,.1f} s, load "
        f"{update['seconds'] - update['fetch_seconds']:,.1f} s (the full build's load: {load_seconds:,.1f} s): when "
        f"anything changed an update loads every season the mirror holds again, so its wall time is mostly that load.",
        f"- Exit status: full build {full['status']}, update {update['status']}.", ""]


def storage_notes(i):
    columns = i["value_bytes"]
    key = sum(columns[c] for c in ("alert_id", "telescope", "band"))
    reals = {c: v for c, v in columns.items() if c not in ("alert_id", "telescope", "band") and v}
    pages = i.get("pages") or {}
    overhead = ""
    if pages:
        cell = (pages["bytes"] - pages["payload"] - pages["unused"]) / pages["cells"]
        overhead = (f" Per row in the b-tree: {pages['payload'] / pages['cells']:.1f} B of record, {cell:.1f} B of cell "
                    f"pointer, length and page headers, {pages['unused'] / pages['cells']:.1f} B unused; the photometry "
                    f"table is {pages['bytes'] / i['rows']:.1f} of the file's {i['bytes_per_row']:.1f} B/row.")
    record = i["record_header"] + sum(columns.values())
    return [
        "## 3-4. Ingest and storage", "",
        f"- Storage is {i['bytes_per_row']:.1f} B/row against the goal of 40 ({(i['bytes_per_row'] - 40) / 40:+.0%}). A row's "
        f"record is {record:.1f} B: the record header {i['record_header']} B (one serial-type byte for each of the "
        f"{i['columns']} columns, NULLs included, plus its length), the key {key:.1f} B (alert_id "
        f"{columns['alert_id']:.0f}, telescope {columns['telescope']:.0f}, band {columns['band']:.0f}), and the values "
        f"{', '.join(f'{c} {v:.1f}' for c, v in reals.items())} B: hjd, mag and mag_err are 8-byte REALs (24 B), "
        f"seeing another 8, sky a whole number stored as a small integer.{overhead}",
        "- Getting under 40 B would take storing fewer bytes per value (e.g. mag and mag_err as integer milli-magnitudes: "
        "2 B each instead of 8, saving ~12 B), or dropping the telescope/band text from each row (a small integer code), "
        "or fewer columns in the record (the 12-column record pays a header byte for every NULL column).", ""]


def serving_notes(d, v):
    lc, e = v["lightcurve"], v["export"]
    raw = lc["baseline"]["median"]
    steps = ", ".join(f"{k} {ms(t)} ({t / raw:.1f}x the raw read)" for k, t in lc["steps"].items())
    return [
        "## 5. Serving", "",
        f"- Database: {d['alerts']:,} alerts (40% OGLE, 50% KMTNet, 10% MOA, seasons 2016-2025) and {d['rows']:,} "
        f"photometry rows, {d['bytes'] / 1e9:.1f} GB, written by executemany in key order straight into the "
        f"build's schema (a DatabaseWriter's table and connection; {d['photometry_seconds'] / 60:.1f} min), then the build's finish() steps except VACUUM (it would "
        f"rewrite the whole file for about a tenth less space) and with a sampled ANALYZE. "
        f"{'The issue asks for 50 M rows; ' + format(d['rows'] / 1e6, ',.0f') + ' M is what fits the 30-minute run.' if d['rows'] < 50e6 else ''}",
        f"- Served by `{' '.join(Path(x).name if i == 0 else x for i, x in enumerate(d['command']))}` (the Makefile's "
        f"DATASETTE_OPTIONS read through make; `datasette inspect` took {d['inspect_seconds']:.1f} s).",
        f"- Timed with one httpx client, {lc['n']} requests each after warm-up; percentiles are of those.",
        f"- Where the lightcurve answer's time goes (`{lc['path']}`): the per-request floor of Datasette alone "
        f"({ms(v['floor']['median'])} for /-/versions.json) is {v['floor']['median'] / raw:.1f}x the raw read; the plugin's "
        f"own work, its lightcurve() run in-process without HTTP, takes {ms(lc['in_process']['median'])} (median), "
        f"{lc['in_process']['median'] / raw:.1f}x the raw read by itself; of that, on its document: {steps}; the rest "
        f"is its queries and building the series in Python.",
        f"- Export: `/-/photometry.csv?names=` ({e['lines']:,} lines) against `{e['baseline_path'][:90]}...` "
        f"({e['baseline_lines']:,} lines). The plugin's own work in-process (as_csv on a raw connection: its SQL and "
        f"csv.writer, the whole file built in memory before the first byte is sent) takes {ms(e['in_process']['median'])} "
        f"of the {ms(e['median'])}.",
        f"- The photometry table page takes {ms(v['table_page']['median'])} ({ms(v['table_page']['without_facets']['median'])} "
        f"with ?_nofacet=1); facets the page says timed out (facet_time_limit_ms 500): "
        f"{', '.join(v['table_page']['facets_timed_out']) or 'none'}.",
        f"- Requests that did not answer 200 while these were timed: {len(v['errors'])}"
        f"{': ' + json.dumps(v['errors'][:3]) if v['errors'] else ''}.", ""]


def load_notes(l):
    kinds = "; ".join(f"{k} {r['n']:,}: p50 {ms(r['p50'])}, p99 {ms(r['p99'])}" for k, r in l["by_kind"].items())
    return ["## 6. Load", "",
            f"- {l['clients']} asyncio clients (one httpx.AsyncClient, {l['clients']} connections) on the same 2 cores "
            f"as the server, {l['requests']:,} requests in {l['seconds']:.1f} s. By kind: {kinds}.",
            f"- Errors: {l['errors']}{': ' + json.dumps(l['error_examples']) if l['errors'] else ''}.", ""]


if __name__ == "__main__":
    main()
