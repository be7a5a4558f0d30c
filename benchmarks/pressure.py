"""Cheap pages while exports run (issue 14): the p99 of /-/versions.json while 30 bulk exports are asked for at
once, against the same request on the same server when it is idle.

The exports come from 30 threads, each one request read to its end and discarded; the probes from one more
thread, one request after another, as long as any export is still running (and at least `samples` of them).
The plugin runs EXPORTS_AT_ONCE exports, queues EXPORTS_WAITING and answers the rest 503 at once: the status
counts say how the 30 were served."""

import collections
import threading
import time

import httpx

from .load import percentile


def probe(client, samples):
    seconds = []
    for _ in range(samples):
        start = time.perf_counter()
        client.get("/-/versions.json").raise_for_status()
        seconds.append(time.perf_counter() - start)
    return seconds


def export_once(base, path, statuses, lock):
    with httpx.Client(base_url=base, timeout=600) as client, client.stream("GET", path) as response:
        for _ in response.iter_bytes():
            pass
    with lock:
        statuses[response.status_code] += 1


def run(base, export_path, exports=30, samples=200):
    with httpx.Client(base_url=base, timeout=600) as client:
        probe(client, 5)  # warm
        idle = probe(client, samples)
        statuses, lock = collections.Counter(), threading.Lock()
        threads = [threading.Thread(target=export_once, args=(base, export_path, statuses, lock))
                   for _ in range(exports)]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        time.sleep(0.2)  # every export asked for
        loaded = []
        while any(thread.is_alive() for thread in threads) or len(loaded) < samples:
            loaded += probe(client, 1)
        for thread in threads:
            thread.join()
        exports_seconds = time.perf_counter() - started
    return {"exports": exports, "statuses": dict(statuses), "exports_seconds": exports_seconds,
            "idle": {"p50": percentile(idle, 0.5), "p99": percentile(idle, 0.99), "n": len(idle)},
            "loaded": {"p50": percentile(loaded, 0.5), "p99": percentile(loaded, 0.99), "n": len(loaded)}}
