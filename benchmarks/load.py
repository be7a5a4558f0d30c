"""Load: many concurrent clients on loopback against the portal as `make serve` runs it.

50 clients (asyncio tasks with one shared httpx.AsyncClient, a connection each) share a fixed list of
requests, a mix of what the portal's users ask for: alert row pages, lightcurve JSON, the canned queries
and CSV exports. Reported: throughput, median and 99th percentile latency, and errors (anything but a
200, or no answer at all).
"""

import asyncio
import multiprocessing
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


# Mixed clients, the hostile ones included (issue 19) ----------------------------------------------------------

def hostile_mix(db_path, seed=7):
    """(kind, path, abandon) of what the third security review sent besides ordinary browsing: streams and
    exports left after their first bytes, feeds and VOTables of the largest pages, exports whose source is the
    photometry view, public SQL asking for gigabytes, and ordinary pages. `abandon`: the client leaves after the
    first chunk of the answer."""
    rng = random.Random(seed)
    ordinary = request_mix(db_path, 200, seed)
    with sqlite3.connect(f"file:{db_path}?immutable=1", uri=True) as db:
        names = [r[0] for r in db.execute("select alert_name from alerts order by n_photometry desc limit 50")]
    hostile = [
        ("view stream, abandoned", "/microlensing/photometry.csv?_stream=on", True),
        ("table stream, abandoned", "/microlensing/alerts.csv?_stream=on&_size=max", True),
        ("export, abandoned", "/-/photometry.csv?names=" + ",".join(names), True),
        ("export from the photometry view", "/-/photometry.csv?from=/microlensing/photometry", False),
        ("feed of a large page", "/microlensing/photometry.atom?_size=max", False),
        ("VOTable of a large page", "/microlensing/alerts.votable?_size=max", False),
        ("SQL asking for gigabytes", "/microlensing.json?sql=select+zeroblob(300000000)", False),
        ("SQL asking for gigabytes", "/microlensing.json?sql=with+recursive+n(i)+as+(select+1+union+all+select+"
                                     "i%2B1+from+n)+select+printf('%25.*c',900000,'x')+from+n", False),
        ("angle of a blob", "/microlensing.json?sql=select+ml_ra_degrees(zeroblob(300000000))", False),
    ]
    return [(kind, path, False) for kind, path in ordinary], hostile, rng


def probe(base, path, stop, answers, gap=0.1):
    """In a process of its own, so that the clients' own work cannot delay it: ask for `path` every `gap` s until
    `stop` is set, putting (wall time asked, latency) into `answers` (infinite latency: no answer)."""
    with httpx.Client(base_url=base, timeout=120) as client:
        while not stop.is_set():
            asked, start = time.time(), time.perf_counter()
            try:
                client.get(path)
                latency = time.perf_counter() - start
            except httpx.HTTPError:
                latency = float("inf")
            answers.put((asked, latency))
            time.sleep(max(0.0, gap - (time.perf_counter() - start)))
        answers.put(None)


async def _mixed(base, db_path, clients, seconds, recovery_seconds, idle_seconds=5):
    ordinary, hostile, rng = hostile_mix(db_path)
    results = []
    context = multiprocessing.get_context("fork")
    stop, answers = context.Event(), context.Queue()
    prober = context.Process(target=probe, args=(base, "/-/versions.json", stop, answers))
    prober.start()
    await asyncio.sleep(idle_seconds)
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=base, timeout=120, limits=limits) as client:
        loading = {"on": True}

        async def worker(index):
            while loading["on"]:
                kind, path, abandon = rng.choice(hostile) if index % 2 else rng.choice(ordinary)
                asked = time.perf_counter()
                try:
                    async with client.stream("GET", path) as response:
                        async for _ in response.aiter_raw():
                            if abandon:
                                break
                        status = response.status_code
                except httpx.HTTPError as error:
                    status = type(error).__name__
                results.append((kind, status, time.perf_counter() - asked))

        started = time.time()
        workers = [asyncio.create_task(worker(i)) for i in range(clients)]
        await asyncio.sleep(seconds)
        loading["on"] = False
        ended = time.time()
        for task in workers:  # a client still inside a long answer leaves it there, as a person closing the tab
            task.cancel()
        await asyncio.gather(*workers, return_exceptions=True)
    await asyncio.sleep(recovery_seconds)
    stop.set()
    probes = list(iter(answers.get, None))
    prober.join()
    idle = [latency for at, latency in probes if at < started]
    during = [latency for at, latency in probes if started <= at < ended]
    after = [(at - ended, latency) for at, latency in probes if at >= ended]
    idle_p99 = percentile(idle, 0.99)
    by_kind = {}
    for kind, status, latency in results:
        entry = by_kind.setdefault(kind, {"n": 0, "statuses": {}, "latencies": []})
        entry["n"] += 1
        entry["statuses"][str(status)] = entry["statuses"].get(str(status), 0) + 1
        entry["latencies"].append(latency)
    return {
        "clients": clients, "seconds": ended - started, "requests": len(results),
        "idle": {"n": len(idle), "p50": statistics.median(idle), "p99": idle_p99},
        "during": {"n": len(during), "p50": statistics.median(during), "worst": max(during)},
        "recovered_after": recovered_after(after, max(2 * idle_p99, idle_p99 + 0.02)),
        # 503 with Retry-After is the portal turning work away on purpose; anything else from 500 up is a fault.
        "server_errors": sum(1 for _, status, _ in results if isinstance(status, int) and status >= 500
                             and status != 503),
        "turned_away": sum(1 for _, status, _ in results if status == 503),
        "by_kind": {kind: {"n": e["n"], "statuses": e["statuses"], "p50": statistics.median(e["latencies"])}
                    for kind, e in sorted(by_kind.items())},
    }


def recovered_after(probes, fast):
    """Seconds after the load ended from which every later probe was at most `fast`; None if it never was."""
    for index, (at, _) in enumerate(probes):
        if all(latency <= fast for _, latency in probes[index:]) and len(probes) - index >= 10:
            return at
    return None


def run_mixed(base, db_path, clients=50, seconds=30, recovery_seconds=60):
    return asyncio.run(_mixed(base, db_path, clients, seconds, recovery_seconds))
