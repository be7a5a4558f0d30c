"""The fetcher is polite (per-host limits, retries, giving up) and incremental (validators, unchanged files).

httpx.MockTransport stands in for the sites and an injected sleep records waits instead of sleeping;
only the concurrency and rate tests really wait, a few hundredths of a second at a time.
"""

import collections
import datetime
import email.utils
import io
import json
import os
import threading
import time
import urllib.error

import httpx
import pytest

from build.fetch import STATE_FILE, Fetcher, Outcome, counts
from build.mirror import Mirror

OGLE = "https://www.astrouw.edu.pl/ogle/ogle4/ews/2025"
KMT = "https://kmtnet.kasi.re.kr/~ulens/event/2025"
FTP = "ftp://ftp.astrouw.edu.pl/ogle/ogle4/ews/last.changed"
URL = f"{OGLE}/blg-0001/phot.dat"
OGLE_HOST, KMT_HOST = "www.astrouw.edu.pl", "kmtnet.kasi.re.kr"


def ogle_urls(n):
    return [f"{OGLE}/blg-{i:04d}/phot.dat" for i in range(1, n + 1)]


def kmt_urls(n):
    return [f"{KMT}/view.php?event=KMT-2025-BLG-{i:04d}" for i in range(1, n + 1)]


def ok(request):
    return httpx.Response(200, content=b"2457821.85063 20.079 0.223\n")


class Site:
    """A handler that answers with `answer(request)` after `delay[host]` seconds and records, per host, the
    requests, their start times and the most in flight at once (and the most in flight over all hosts)."""

    def __init__(self, answer=ok, delay=None):
        self.answer, self.delay = answer, delay or {}
        self.lock = threading.Lock()
        self.requests, self.starts = collections.defaultdict(list), collections.defaultdict(list)
        self.in_flight, self.most = collections.Counter(), collections.Counter()
        self.most_overall = 0

    def __call__(self, request):
        host = request.url.host
        with self.lock:
            self.requests[host].append(request)
            self.starts[host].append(time.monotonic())
            self.in_flight[host] += 1
            self.most[host] = max(self.most[host], self.in_flight[host])
            self.most_overall = max(self.most_overall, sum(self.in_flight.values()))
        try:
            time.sleep(self.delay.get(host, 0))
            return self.answer(request)
        finally:
            with self.lock:
                self.in_flight[host] -= 1


class Sleeps(list):
    """A sleep that records how long it was asked to wait, and returns at once."""

    def __call__(self, seconds):
        self.append(seconds)


def fetcher_for(tmp_path, handler, **options):
    """No rate cap and a recording sleep unless a test asks otherwise."""
    options = {"rate": None, "sleep": Sleeps(), **options}
    return Fetcher(Mirror(tmp_path), transport=httpx.MockTransport(handler), **options)


def fetch(tmp_path, handler, urls, **options):
    fetcher = fetcher_for(tmp_path, handler, **options)
    try:
        return fetcher.fetch(urls)
    finally:
        fetcher.close()


def answers(*responses):
    """A handler answering each request to a URL with the next of `responses` (the last one repeats)."""
    queues, lock = collections.defaultdict(lambda: list(responses)), threading.Lock()

    def answer(request):
        with lock:
            queue = queues[str(request.url)]
            response = queue.pop(0) if len(queue) > 1 else queue[0]
        return response() if callable(response) else response

    return answer


def statuses(outcomes, prefix=""):
    return collections.Counter(o.status for o in outcomes if o.url.startswith(prefix))


# Concurrency and rate ------------------------------------------------------------------------------------

def test_requests_in_flight_to_one_host_never_exceed_per_host(tmp_path):
    site = Site(delay={OGLE_HOST: 0.02})
    fetch(tmp_path, site, ogle_urls(12), per_host=3)
    assert 1 <= site.most[OGLE_HOST] <= 3


def test_two_hosts_are_fetched_in_parallel(tmp_path):
    site = Site(delay={OGLE_HOST: 0.05, KMT_HOST: 0.05})
    fetch(tmp_path, site, ogle_urls(6) + kmt_urls(6), per_host=2)
    assert site.most_overall > 2


def test_a_slow_host_does_not_hold_up_another(tmp_path):
    site = Site(delay={OGLE_HOST: 0.15})
    fetcher = fetcher_for(tmp_path, site, per_host=2)
    finished = []
    try:
        fetcher.fetch(ogle_urls(4) + kmt_urls(8), on_done=lambda o: finished.append(o.url))
    finally:
        fetcher.close()
    assert all(url.startswith(KMT) for url in finished[:8])


def test_the_rate_cap_spaces_the_starts_of_requests_to_one_host(tmp_path):
    sleeps = Sleeps()
    fetch(tmp_path, Site(), ogle_urls(20), rate=50, sleep=sleeps)
    # Each start after the first waits for its slot; the 20th is booked 19 slots of 1/50 s after the first
    # (the sleep records and returns, so the clock moves only by the work done meanwhile).
    assert len(sleeps) == 19 and max(sleeps) >= 19 / 50 - 0.1


def test_the_rate_cap_is_per_host(tmp_path):
    sleeps = Sleeps()
    fetch(tmp_path, Site(), ogle_urls(1) + kmt_urls(1), rate=0.1, sleep=sleeps)
    assert sleeps == []  # a 10 s spacing, yet the second host's first request did not wait for the first's


# Retries --------------------------------------------------------------------------------------------------

def test_429_with_retry_after_seconds_is_waited_out_then_fetched(tmp_path):
    sleeps = Sleeps()
    site = Site(answers(httpx.Response(429, headers={"Retry-After": "7"}), httpx.Response(200, content=b"x\n")))
    [outcome] = fetch(tmp_path, site, [URL], sleep=sleeps)
    assert outcome.status == "fetched" and len(site.requests[OGLE_HOST]) == 2
    assert sleeps == [pytest.approx(7, abs=0.1)]


def test_retry_after_as_an_http_date_is_waited_out(tmp_path):
    when = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=30)
    sleeps = Sleeps()
    site = Site(answers(httpx.Response(429, headers={"Retry-After": email.utils.format_datetime(when, usegmt=True)}),
                        httpx.Response(200, content=b"x\n")))
    [outcome] = fetch(tmp_path, site, [URL], sleep=sleeps)
    assert outcome.status == "fetched" and sleeps == [pytest.approx(30, abs=2)]


def test_503_with_retry_after_is_waited_out_then_fetched(tmp_path):
    sleeps = Sleeps()
    site = Site(answers(httpx.Response(503, headers={"Retry-After": "5"}), httpx.Response(200, content=b"x\n")))
    [outcome] = fetch(tmp_path, site, [URL], sleep=sleeps)
    assert outcome.status == "fetched" and sleeps == [pytest.approx(5, abs=0.1)]


def test_a_long_retry_after_is_capped_at_five_minutes(tmp_path):
    sleeps = Sleeps()
    fetch(tmp_path, Site(answers(httpx.Response(429, headers={"Retry-After": "86400"}), httpx.Response(200))),
          [URL], sleep=sleeps)
    assert sleeps == [pytest.approx(300, abs=0.1)]


def test_retries_back_off_exponentially_with_jitter(tmp_path):
    sleeps = Sleeps()
    [outcome] = fetch(tmp_path, Site(answers(httpx.Response(500))), [URL], backoff=1.0, attempts=4, sleep=sleeps)
    assert outcome.status == "failed" and len(sleeps) == 3
    assert [0.5 <= s / 2 ** i <= 1.5 for i, s in enumerate(sleeps)] == [True] * 3


def test_a_timeout_is_retried(tmp_path):
    def time_out():
        raise httpx.ReadTimeout("read timed out")

    [outcome] = fetch(tmp_path, Site(answers(time_out, httpx.Response(200, content=b"x\n"))), [URL])
    assert outcome.status == "fetched"


def test_a_retry_holds_back_the_other_requests_to_that_host(tmp_path):
    sleeps = Sleeps()
    first = answers(httpx.Response(429, headers={"Retry-After": "7"}), httpx.Response(200))

    def answer(request):
        return first(request) if str(request.url) == URL else httpx.Response(200)

    fetch(tmp_path, Site(answer), ogle_urls(2), per_host=1, sleep=sleeps)
    # The recording sleep does not move the clock, so the second URL too is seen to wait the whole pause.
    assert sleeps == [pytest.approx(7, abs=0.1)] * 2


# Giving up on a host --------------------------------------------------------------------------------------

def test_a_persistently_failing_host_is_given_up_while_another_completes(tmp_path):
    site = Site(lambda request: httpx.Response(500) if request.url.host == OGLE_HOST else ok(request))
    outcomes = fetch(tmp_path, site, ogle_urls(12) + kmt_urls(5), per_host=1, give_up_after=8, attempts=3)
    assert statuses(outcomes, OGLE) == {"failed": 8, "skipped": 4}
    assert len(site.requests[OGLE_HOST]) == 8 * 3
    assert statuses(outcomes, KMT) == {"fetched": 5}


def test_a_skipped_url_says_why(tmp_path):
    outcomes = fetch(tmp_path, Site(answers(httpx.Response(500))), ogle_urls(3), per_host=1, give_up_after=2)
    assert outcomes[-1] == Outcome(ogle_urls(3)[-1], "skipped",
                                   f"not requested: the last 2 requests to {OGLE_HOST} failed")


def test_a_success_resets_the_count_of_failures(tmp_path):
    urls = ogle_urls(5)
    failing = {urls[0], urls[2], urls[3]}
    site = Site(lambda request: httpx.Response(500 if str(request.url) in failing else 200))
    outcomes = fetch(tmp_path, site, urls, per_host=1, give_up_after=3, attempts=1)
    assert [o.status for o in outcomes] == ["failed", "fetched", "failed", "failed", "fetched"]


# Conditional requests and unchanged files -----------------------------------------------------------------

VALIDATED = {"ETag": '"5f-1a2b"', "Last-Modified": "Wed, 21 May 2025 07:28:00 GMT"}


def test_a_304_is_unchanged_and_the_validators_were_sent(tmp_path):
    site = Site(answers(httpx.Response(200, headers=VALIDATED, content=b"first\n"), httpx.Response(304)))
    fetcher = fetcher_for(tmp_path, site)
    try:
        fetcher.fetch([URL])
        [outcome] = fetcher.fetch([URL])
    finally:
        fetcher.close()
    second = site.requests[OGLE_HOST][1]
    assert (outcome.status, Mirror(tmp_path).read_bytes(URL)) == ("unchanged", b"first\n")
    assert (second.headers["If-None-Match"], second.headers["If-Modified-Since"]) == (
        VALIDATED["ETag"], VALIDATED["Last-Modified"])


def test_no_validators_are_sent_when_the_mirror_lost_the_file(tmp_path):
    site = Site(answers(httpx.Response(200, headers=VALIDATED, content=b"first\n")))
    fetch(tmp_path, site, [URL])
    Mirror(tmp_path).remove(URL)
    [outcome] = fetch(tmp_path, site, [URL])
    assert outcome.status == "fetched" and "If-None-Match" not in site.requests[OGLE_HOST][1].headers


def test_an_identical_200_body_is_unchanged_and_not_rewritten(tmp_path):
    path = Mirror(tmp_path).write(URL, b"same\n")
    os.utime(path, ns=(1_000_000_000_000_000_000, 1_000_000_000_000_000_000))
    [outcome] = fetch(tmp_path, Site(answers(httpx.Response(200, content=b"same\n"))), [URL])
    assert (outcome.status, path.stat().st_mtime_ns) == ("unchanged", 1_000_000_000_000_000_000)


def test_a_200_with_new_content_is_fetched(tmp_path):
    Mirror(tmp_path).write(URL, b"old\n")
    [outcome] = fetch(tmp_path, Site(answers(httpx.Response(200, content=b"new\n"))), [URL])
    assert (outcome.status, Mirror(tmp_path).read_bytes(URL)) == ("fetched", b"new\n")


def test_the_state_file_carries_the_validators_to_the_next_fetcher(tmp_path):
    fetch(tmp_path, Site(answers(httpx.Response(200, headers=VALIDATED, content=b"first\n"))), [URL])
    site = Site(answers(httpx.Response(304)))
    [outcome] = fetch(tmp_path, site, [URL])
    assert outcome.status == "unchanged" and site.requests[OGLE_HOST][0].headers["If-None-Match"] == VALIDATED["ETag"]


def test_the_state_file_is_json_in_the_mirror_root_with_no_partial_copy_left(tmp_path):
    fetch(tmp_path, Site(answers(httpx.Response(200, headers=VALIDATED, content=b"first\n"))), [URL])
    assert sorted(p.name for p in tmp_path.iterdir()) == [STATE_FILE, OGLE_HOST]
    assert json.loads((tmp_path / STATE_FILE).read_text()) == {
        URL: {"etag": VALIDATED["ETag"], "last_modified": VALIDATED["Last-Modified"]}}


def test_no_state_file_is_written_when_there_is_nothing_to_remember(tmp_path):
    fetch(tmp_path, Site(), ogle_urls(2))
    assert not (tmp_path / STATE_FILE).exists()


def test_a_damaged_state_file_is_ignored(tmp_path):
    (tmp_path / STATE_FILE).write_text("{not json")
    [outcome] = fetch(tmp_path, Site(answers(httpx.Response(200, headers=VALIDATED, content=b"x\n"))), [URL])
    assert outcome.status == "fetched" and URL in json.loads((tmp_path / STATE_FILE).read_text())


def test_a_404_forgets_the_validators_and_remembers_when(tmp_path):
    fetch(tmp_path, Site(answers(httpx.Response(200, headers=VALIDATED, content=b"x\n"))), [URL])
    fetch(tmp_path, Site(answers(httpx.Response(404))), [URL])
    assert list(json.loads((tmp_path / STATE_FILE).read_text())[URL]) == ["missing_since"]


# FTP -------------------------------------------------------------------------------------------------------

def ftp_serving(*bodies):
    """An ftp_open that serves the next of `bodies` (bytes, or an exception to raise) and records the URLs."""
    queue, opened = list(bodies), []

    def ftp_open(url, timeout=None):
        opened.append(url)
        body = queue.pop(0) if len(queue) > 1 else queue[0]
        if isinstance(body, Exception):
            raise body
        return io.BytesIO(body)

    return ftp_open, opened


def test_ftp_is_fetched_with_the_injected_opener(tmp_path):
    ftp_open, opened = ftp_serving(b"2025-06-01 12:00\n")
    [outcome] = fetch(tmp_path, Site(), [FTP], ftp_open=ftp_open)
    assert (outcome.status, opened, Mirror(tmp_path).read_bytes(FTP)) == ("fetched", [FTP], b"2025-06-01 12:00\n")


def test_ftp_with_the_mirrored_bytes_is_unchanged(tmp_path):
    Mirror(tmp_path).write(FTP, b"2025-06-01 12:00\n")
    ftp_open, _ = ftp_serving(b"2025-06-01 12:00\n")
    [outcome] = fetch(tmp_path, Site(), [FTP], ftp_open=ftp_open)
    assert outcome.status == "unchanged"


def test_ftp_errors_are_retried(tmp_path):
    ftp_open, opened = ftp_serving(urllib.error.URLError("ftp error: timed out"), b"x\n")
    [outcome] = fetch(tmp_path, Site(), [FTP], ftp_open=ftp_open)
    assert (outcome.status, len(opened)) == ("fetched", 2)


# Summaries -------------------------------------------------------------------------------------------------

def test_counts_has_every_status(tmp_path):
    outcomes = [Outcome("a", "fetched"), Outcome("b", "fetched"), Outcome("c", "skipped")]
    assert counts(outcomes) == {"fetched": 2, "unchanged": 0, "missing": 0, "failed": 0, "skipped": 1}
