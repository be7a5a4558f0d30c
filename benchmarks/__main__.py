"""Benchmarks, each against a baseline measured in the same run. Run with `make bench`.

    python -m benchmarks [--rows 10000000]

Prints a table of ratios and writes it to benchmarks/RESULTS.md. Nothing here is a test assertion.
"""

import argparse
import datetime
import os
import platform
import sqlite3
import tempfile
import time
from pathlib import Path

import numpy

from build.load import DatabaseWriter, Report
from build.ogle import PHOT_COLUMNS

RESULTS = Path(__file__).with_name("RESULTS.md")


def lightcurves(total_rows, seed=1):
    """OGLE-shaped lightcurves: lengths drawn like the 2025 phot.dat files (median ~800, up to ~4,600)."""
    rng = numpy.random.default_rng(seed)
    alert_id, made = 10250000, 0
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
    writer.db.execute("VACUUM")
    writer.db.close()
    size = os.path.getsize(folder / "build.db")
    return {
        "rows": rows,
        "bare_rate": rows / bare_seconds,
        "build_rate": rows / build_seconds,
        "bytes_per_row": size / rows,
        "bare_bytes_per_row": os.path.getsize(folder / "bare.db") / rows,
    }


def crossmatch_all_seasons(n_alerts=75_000, seed=2):
    """Positional matching of every alert of every season at once, against a brute-force search of a
    sample (the vectorised KD-tree search must finish in seconds)."""
    from build.crossmatch import crossmatch_rows, separation_arcsec

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


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=10_000_000, help="photometry rows to load (default 10 M)")
    arguments = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        result = ingest(arguments.rows, Path(folder))
    matching = crossmatch_all_seasons()
    command = f"python -m benchmarks --rows {arguments.rows}"
    table = [
        "| measure | this build | baseline | ratio | goal |",
        "|---|---|---|---|---|",
        f"| photometry ingest (rows/s) | {result['build_rate']:,.0f} | {result['bare_rate']:,.0f} (bare executemany, "
        f"no key) | {result['build_rate'] / result['bare_rate']:.2f}x | >= 0.5x |",
        f"| photometry storage (bytes/row, all indexes) | {result['bytes_per_row']:.1f} | "
        f"{result['bare_bytes_per_row']:.1f} (bare table, no index) | "
        f"{result['bytes_per_row'] / result['bare_bytes_per_row']:.2f}x | <= 40 B |",
        f"| positional crossmatch of {matching['alerts']:,} alerts (s) | {matching['seconds']:.1f} | "
        f"{matching['brute_seconds']:,.0f} (pairwise loop, extrapolated from 300) | "
        f"{matching['brute_seconds'] / matching['seconds']:,.0f}x faster | seconds |",
    ]
    report = "\n".join([
        "# Benchmark results", "",
        f"Measured {datetime.date.today()} on {platform.machine()} with {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}; {result['rows']:,} OGLE-shaped rows.",
        f"Reproduce with `{command}` (or `make bench`).", "", *table, "",
    ])
    print(report)
    RESULTS.write_text(report)


if __name__ == "__main__":
    main()
