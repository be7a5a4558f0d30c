"""Scrape speed against politeness, and the nightly update, with the real build against a replay server.

The build runs as `./build` does (cli.main), with httpx sending every request to the
loopback replay server (benchmarks/replay.py) and OGLE's last.changed fetched through it too. The fetch
stage is timed by wrapping pipeline.FetchStage.run (one call per survey) and fetch.Fetcher.fetch (one
call per batch of URLs); nothing in the package is changed.
"""

import contextlib
import random
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

import httpx

from microlensing_to_sqlite import cli, pipeline
from microlensing_to_sqlite.fetch import fetcher as fetch_module
from microlensing_to_sqlite.mirror import Mirror

from .replay import ReplayServer, difference, requests_in
from .season import SEASON, TODAY, SyntheticSeason


@contextlib.contextmanager
def fetch_timer():
    """Record when each survey's fetch stage and each Fetcher.fetch batch ran while the build runs: the build
    may run the surveys one after another or side by side, so the fetch's wall time is the span from the
    first start to the last end."""
    surveys, batches, lock = [], [], threading.Lock()
    survey_fetch, batch_fetch = pipeline.FetchStage.run, fetch_module.Fetcher.fetch

    def timed_survey(stage, survey, *args, **kwargs):
        start = time.perf_counter()
        try:
            return survey_fetch(stage, survey, *args, **kwargs)
        finally:
            with lock:
                surveys.append((survey.name, start, time.perf_counter()))

    def timed_batch(self, urls, *args, **kwargs):
        urls = list(urls)
        hosts = sorted({urlsplit(url).hostname for url in urls})
        start = time.perf_counter()
        try:
            return batch_fetch(self, urls, *args, **kwargs)
        finally:
            with lock:
                batches.append((" ".join(hosts), len(urls), start, time.perf_counter()))

    pipeline.FetchStage.run, fetch_module.Fetcher.fetch = timed_survey, timed_batch
    try:
        yield surveys, batches
    finally:
        pipeline.FetchStage.run, fetch_module.Fetcher.fetch = survey_fetch, batch_fetch


def run_build(server, argv, log):
    """cli.main(argv) against the server: exit status, wall seconds, the fetch stage's wall seconds
    (first start to last end), per-survey spans and batches (seconds from the fetch's start), and the
    requests answered per host and status."""
    before = server.stats()
    with fetch_timer() as (surveys, batches), open(log, "a") as out, contextlib.redirect_stdout(out):
        print(f"$ ./build {' '.join(argv)}", flush=True)
        start = time.perf_counter()
        status = cli.main(argv, transport=server.transport(), today=TODAY, ftp_open=server.ftp_open)
        seconds = time.perf_counter() - start
    first = min(s for _, s, _ in surveys)
    spans = {}
    for survey, s, e in surveys:
        spans.setdefault(survey, []).append((s - first, e - first))
    overlap = any(a[1] < b[2] and b[1] < a[2] for i, a in enumerate(surveys) for b in surveys[i + 1:])
    return {"status": status, "seconds": seconds, "fetch_seconds": max(e for _, _, e in surveys) - first,
            "surveys": {k: sum(e - s for s, e in v) for k, v in spans.items()}, "spans": spans,
            "side_by_side": overlap,
            "batches": [(host, n, s - first, e - first) for host, n, s, e in sorted(batches, key=lambda b: b[2])],
            "requests": difference(server.stats(), before)}


def serial_fetch(server, urls, folder):
    """One request at a time, no rate cap, each file written to a scratch mirror: seconds per request."""
    mirror = Mirror(folder)
    with httpx.Client(transport=server.transport(), timeout=60) as client:
        start = time.perf_counter()
        for url in urls:
            response = client.get(url)
            response.raise_for_status()
            mirror.write(url, response.content)
        return (time.perf_counter() - start) / len(urls)


def run(work, ogle_events=2000, kmt_events=3000, kmt_points=(300, 800), pool=40, rate=40.0, per_host=8,
        latency=0.1, serial_sample=150, changed=0.10, seed=7):
    work = Path(work)
    start = time.perf_counter()
    season = SyntheticSeason(work / "origin", ogle_events, kmt_events, pool, seed, tuple(kmt_points))
    generate_seconds = time.perf_counter() - start
    mirror, db, log = work / "mirror", work / "microlensing.db", work / "build.log"
    common = ["--mirror", str(mirror), "--db", str(db), "--surveys", "ogle", "kmtnet", "--rate", f"{rate:g}",
              "--per-host", str(per_host)]
    with ReplayServer(work / "origin", latency) as server:
        full = run_build(server, ["--years", str(SEASON), *common], log)
        full_requests = requests_in(full["requests"])
        # The same files one at a time: a random sample of the full build's URLs, extrapolated.
        urls = season.urls()
        sample = random.Random(seed).sample(urls, min(serial_sample, len(urls)))
        per_request = serial_fetch(server, sample, work / "serial")
        # A night later: a share of the events refitted (their lines and their files), then --update.
        names = season.change(changed)
        update = run_build(server, ["--update", *common], log)
    total_requests = sum(full_requests.values())
    bound = max(n / rate for n in full_requests.values())  # hosts in parallel, each at the cap
    return {
        "generate_seconds": generate_seconds,
        "ogle_events": ogle_events, "kmt_events": kmt_events, "kmt_points": list(kmt_points), "pool": pool,
        "ogle_points": season.ogle_points, "kmt_i_points": season.kmt_i_points,
        "files_per_kmt_event": sorted({len(files) for _, files, _ in season.pool}),
        "rate": rate, "per_host": per_host, "latency": latency,
        "full": full, "full_requests": full_requests, "total_requests": total_requests,
        "bound_seconds": bound, "bound_surveys_in_turn": sum(n / rate for n in full_requests.values()),
        "serial_sample": len(sample), "serial_per_request": per_request, "serial_seconds": per_request * total_requests,
        "changed_events": len(names), "update": update,
        "update_requests": sum(requests_in(update["requests"]).values()),
        "log": str(log),
    }
