"""Benchmarks, each against a baseline measured in the same run. Run with `make bench`.

    python -m benchmarks                       # everything, at the default sizes (about 30 minutes on 2 cores)
    python -m benchmarks --only build          # one or more parts: scrape build fits crossmatch serving load

Parts:
  scrape      a full synthetic season served by a loopback replay server with 100 ms latency, fetched and
              loaded by the real build at a per-host rate cap, against the bound (requests / cap) and a
              serial fetch; then a nightly --update after 10% of the events changed (benchmarks/scrape.py)
  build       a generated archive of all three surveys over 12 seasons at a stated fraction of the real size
              (benchmarks/archive.py): the full build against a bare pandas + executemany loader of the same
              files, bytes per photometry row, the nightly incremental update with 1% of the events changed at
              12 and 4 seasons, incremental against full, and the extrapolation to the real archive
              (benchmarks/archive_build.py)
  fits        the joint fit (issue 15) of a SYNTHETIC season of every survey: per event, point lens and parallax,
              against a fit made as MulensModel's examples make one; the fit stage of the season on every core,
              and the extrapolation to the real archive and a night (benchmarks/fits.py); injection and recovery
              from datasets (benchmarks/injection.py), and through the surveys' own files and the real build
              against the same truths fitted from their datasets (benchmarks/injection_files.py)
  candidates  the candidate desk (issue 21): the lens-class step per event against popclass's classify alone,
              /-/tonight's visibility of its most candidates against astroplan's observability_table
              (benchmarks/candidates.py)
  charts      the lightcurve chart in headless Chromium (issue 22): page to chart drawn and a toggle, for 5,000 and
              50,000 SYNTHETIC points, against a bare Vega-Lite scatter of the same points (benchmarks/charts.py)
  crossmatch  positional matching of 75,000 alerts against a pairwise loop (benchmarks/crossmatch.py)
  serving     Datasette as `make serve` runs it on a database of 60,000 alerts and tens of millions of rows:
              pages against raw SQLite reads or Datasette's CSV streaming (benchmarks/serving.py)
  load        50 concurrent clients against the same server; then 50 mixed clients, half of them sending what
              the third security review sent (abandoned streams and exports, feeds and VOTables of the largest
              pages, SQL asking for gigabytes), with /-/versions.json timed during the load and for a minute
              after, against the same request on the idle server (benchmarks/load.py)

Prints the results and, when every part ran (or with --results), writes them to benchmarks/RESULTS.md.
Generated data go to a temporary folder under --work (benchmarks/work/, git-ignored), removed at the end
unless --keep. Nothing here is a test assertion.
"""

import argparse
import datetime
import json
import os
import shutil
import sys
import tempfile
import time
import traceback
from pathlib import Path

from . import (archive, archive_build, candidates, charts, crossmatch, fits, injection, injection_files, load, scrape,
               serving)
from .report import render, source_state

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "RESULTS.md"
PARTS = ["scrape", "build", "fits", "candidates", "charts", "crossmatch", "serving", "load"]


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
    build_options = parser.add_argument_group("build")
    build_options.add_argument("--fraction", type=float, default=archive.FRACTION,
                               help=f"share of the real archive's events per season (default {archive.FRACTION:g})")
    build_options.add_argument("--seasons", type=int, default=12,
                               help="years up to 2025 the archive spans (default 12: OGLE, KMTNet and MOA have 10 "
                                    "seasons each in them)")
    build_options.add_argument("--small-seasons", type=int, default=4,
                               help="years of the small archive the nightly update is also timed on (default 4)")
    build_options.add_argument("--nightly", type=float, default=0.01,
                               help="share of the archive's events a night changes (default 0.01)")
    build_options.add_argument("--workers", type=int, default=None, help="the build's --workers (default: its own)")
    fit_options = parser.add_argument_group("fits")
    fit_options.add_argument("--fit-events", type=int, default=300, help="events of the season fitted (default 300)")
    fit_options.add_argument("--injected-events", type=int, default=1000,
                             help="SYNTHETIC events of the injection and recovery (default 1000)")
    fit_options.add_argument("--file-injected-events", type=int, default=200,
                             help="SYNTHETIC point lenses injected through the surveys' files (default 200)")
    other_options = parser.add_argument_group("crossmatch")
    other_options.add_argument("--crossmatch-alerts", type=int, default=75_000)
    serving_options = parser.add_argument_group("serving, load")
    serving_options.add_argument("--serving-alerts", type=int, default=60_000)
    serving_options.add_argument("--serving-rows", type=int, default=50_000_000)
    serving_options.add_argument("--samples", type=int, default=30, help="requests per page timed (default 30)")
    serving_options.add_argument("--stream-samples", type=int, default=10,
                                 help="requests of Datasette's CSV streaming timed (default 10: each takes seconds)")
    serving_options.add_argument("--clients", type=int, default=50)
    serving_options.add_argument("--load-requests", type=int, default=2000)
    serving_options.add_argument("--hostile-seconds", type=float, default=30,
                                 help="how long the 50 mixed clients, half of them hostile, run (default 30)")
    return parser.parse_args(argv)


def commands(a):
    """The command that reproduces each part with this run's sizes."""
    return {
        "scrape": f"python -m benchmarks --only scrape --ogle-events {a.ogle_events} --kmt-events {a.kmt_events} "
                  f"--kmt-points {a.kmt_points[0]} {a.kmt_points[1]} --rate {a.rate:g} --per-host {a.per_host} "
                  f"--latency {a.latency:g} --serial-sample {a.serial_sample} --changed {a.changed:g}",
        "build": f"python -m benchmarks --only build --fraction {a.fraction:g} --seasons {a.seasons} "
                 f"--small-seasons {a.small_seasons} --nightly {a.nightly:g}"
                 + (f" --workers {a.workers}" if a.workers else ""),
        "fits": f"python -m benchmarks --only fits --fit-events {a.fit_events} --injected-events {a.injected_events} "
                f"--file-injected-events {a.file_injected_events}"
                + (f" --workers {a.workers}" if a.workers else ""),
        "candidates": "python -m benchmarks --only candidates",
        "charts": "python -m benchmarks --only charts",
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
    started, load_before, source = time.perf_counter(), os.getloadavg(), source_state()
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
        if "build" in a.only:
            (work / "build").mkdir()
            part("build", f"an archive of {a.seasons} seasons at {a.fraction:g} of the real size",
                 lambda: archive_build.run(work / "build", a.seasons, a.small_seasons, a.fraction, a.nightly,
                                           a.workers, log))
            if not a.keep:
                shutil.rmtree(work / "build", ignore_errors=True)  # gigabytes: not kept till the end
        if "fits" in a.only:
            (work / "fits").mkdir()
            part("fits", f"a season of {a.fit_events} events", lambda: fits.run(work / "fits", a.fit_events,
                                                                                 workers=a.workers))
            part("injection", f"{a.injected_events} injected events",
                 lambda: injection.run(a.injected_events, a.workers or os.cpu_count()))
            (work / "injection_files").mkdir()
            part("injection_files", f"{a.file_injected_events} injected events through the surveys' files",
                 lambda: injection_files.run(work / "injection_files", a.file_injected_events,
                                             a.workers or os.cpu_count()))
        if "candidates" in a.only:
            part("candidates", "the lens-class step and /-/tonight", candidates.run)
        if "charts" in a.only:
            (work / "charts").mkdir()
            part("charts", "the lightcurve chart in headless Chromium", lambda: charts.run(work / "charts"))
        if "crossmatch" in a.only:
            part("crossmatch", f"{a.crossmatch_alerts:,} alerts",
                 lambda: crossmatch.crossmatch_all_seasons(a.crossmatch_alerts))
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
                        part("hostile load", f"{a.clients} clients, half of them hostile, {a.hostile_seconds:g} s",
                             lambda: load.run_mixed(base, db_path, a.clients, a.hostile_seconds))
    finally:
        if not a.keep:
            shutil.rmtree(work, ignore_errors=True)
    total = time.perf_counter() - started
    report = render(results, a, commands(a), durations, total, load_before, os.getloadavg(), source, failures)
    print(report)
    (Path(a.work) / "last-results.json").write_text(json.dumps(results, indent=1, default=str))
    if a.results or set(a.only) == set(PARTS):
        Path(a.results or RESULTS).write_text(report)
        log(f"wrote {a.results or RESULTS}")
    log(f"total {total / 60:.1f} min")


if __name__ == "__main__":
    main()
