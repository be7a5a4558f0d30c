"""Load: many concurrent clients on loopback against the portal as `make serve` runs it.

50 clients (asyncio tasks with one shared httpx.AsyncClient, a connection each) share a fixed list of
requests, a mix of what the portal's users ask for: alert row pages, lightcurve JSON, the canned queries
and CSV exports. Reported: throughput, median and 99th percentile latency, and errors (anything but a
200, or no answer at all).
"""

import asyncio
import random
import sqlite3
import statistics
import time

import httpx


def request_mix(db_path, total, seed=5):
    """`total` paths: 35% alert row pages, 30% lightcurve JSON, 20% canned queries, 15% CSV."""
    rng = random.Random(seed)
    with sqlite3.connect(f"file:{db_path}?immutable=1", uri=True) as db:
        names = [r[0] for r in db.execute("select alert_name from alerts where n_photometry <= 6000 "
                                          "order by random() limit 2000")]
    canned = ["/microlensing/black_hole_candidates", "/microlensing/black_hole_candidates.json?sigma_cut=yes",
              "/microlensing/short_timescale_candidates", "/microlensing/ongoing_high_magnification",
              "/microlensing/cone_search?ra=17:51:48.02&dec=-28:59:03.3&radius=3600"]
    kinds = [("row page", 35, lambda: f"/microlensing/alerts/{rng.choice(names)}"),
             ("lightcurve JSON", 30, lambda: f"/-/lightcurve/alert/{rng.choice(names)}.json"),
             ("canned query", 10, lambda: rng.choice(canned)),
             ("lookup", 10, lambda: f"/microlensing/lookup?name={rng.choice(names)}"),
             ("CSV", 15, lambda: rng.choice([f"/microlensing/photometry.csv?alert_id={alert_id(db_path, rng, names)}",
                                             f"/-/photometry.csv?names={rng.choice(names)}",
                                             "/microlensing/alerts.csv?survey=OGLE&_sort_desc=tE&_size=200"]))]
    paths = []
    for kind, weight, make in kinds:
        paths += [(kind, make()) for _ in range(round(total * weight / 100))]
    rng.shuffle(paths)
    return paths


_IDS = {}


def alert_id(db_path, rng, names):
    name = rng.choice(names)
    if name not in _IDS:
        with sqlite3.connect(f"file:{db_path}?immutable=1", uri=True) as db:
            _IDS[name] = db.execute("select alert_id from alerts where alert_name = ?", [name]).fetchone()[0]
    return _IDS[name]


async def _run(base, paths, clients):
    queue = asyncio.Queue()
    for item in paths:
        queue.put_nowait(item)
    results = []
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=base, timeout=60, limits=limits) as client:
        async def worker():
            while True:
                try:
                    kind, path = queue.get_nowait()
                except asyncio.QueueEmpty:
                    return
                start = time.perf_counter()
                try:
                    response = await client.get(path)
                    await response.aread()
                    status = response.status_code
                except httpx.HTTPError as error:
                    status = type(error).__name__
                results.append((kind, path, status, time.perf_counter() - start))

        start = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(clients)))
        return results, time.perf_counter() - start


def percentile(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def run(base, db_path, clients=50, total=3000):
    paths = request_mix(db_path, total)
    results, seconds = asyncio.run(_run(base, paths, clients))
    latencies = [r[3] for r in results]
    errors = [r for r in results if r[2] != 200]
    by_kind = {}
    for kind, _, _, latency in results:
        by_kind.setdefault(kind, []).append(latency)
    return {
        "clients": clients, "requests": len(results), "seconds": seconds, "throughput": len(results) / seconds,
        "p50": statistics.median(latencies), "p99": percentile(latencies, 0.99), "errors": len(errors),
        "error_examples": [(path, status) for _, path, status, _ in errors[:5]],
        "by_kind": {kind: {"n": len(v), "p50": statistics.median(v), "p99": percentile(v, 0.99)}
                    for kind, v in sorted(by_kind.items())},
    }
