"""The network: download survey files into the mirror. Nothing else in the build talks to the sites.

Polite: per host at most `per_host` requests in flight and `rate` starts a second; hosts are fetched side
by side, so a slow one holds up only its own URLs. Timeouts, connection errors, 429 and 5xx are retried
after exponential backoff with jitter, or the server's Retry-After, and the wait holds back the whole
host. After `give_up_after` failures in a row a host's remaining URLs are "skipped".
Incremental: each URL's ETag / Last-Modified are kept in `<mirror>/.fetch-state.json` and sent back; a
304, or a body the mirror already has, is "unchanged" and leaves the file (and its mtime) alone.
Tests pass an httpx.MockTransport, an ftp_open and a sleep; the live build uses the real ones.
"""

import collections
import concurrent.futures
import datetime
import email.utils
import json
import queue
import random
import threading
import time
import urllib.request
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx

USER_AGENT = ("microlensing-alert-database/0.1 (read-only aggregator of OGLE, MOA and KMTNet alerts; "
              "https://github.com/microlensing-alert-database)")
# Four requests in flight and four starts a second per host is what a polite crawler of a small academic
# server keeps to; three or four survey hosts in parallel need no more than 16 threads in all.
PER_HOST = 4
RATE = 4.0
WORKERS = 16
ATTEMPTS = 3
# Eight failures in a row, each after its retries, is a host that is down or refusing us, not a bad file.
GIVE_UP_AFTER = 8
# A server may ask for hours; five minutes is the longest one request waits before it counts as failed.
RETRY_AFTER_CAP = 300.0
RETRY_STATUSES = {429, 500, 502, 503, 504}
STATUSES = ("fetched", "unchanged", "missing", "failed", "skipped")
REMOVED = "; removed from the mirror"  # a missing file the mirror had: a change for an update
STATE_FILE = ".fetch-state.json"
# What the state file keeps of each URL: (key, response header, the request header that sends it back).
VALIDATORS = (("etag", "ETag", "If-None-Match"), ("last_modified", "Last-Modified", "If-Modified-Since"))


@dataclass
class Outcome:
    url: str
    status: str  # one of STATUSES: "missing" is a 404/410, "skipped" a URL of a host given up
    detail: str = ""


def counts(outcomes):
    """How many outcomes have each status: {"fetched": 3, "unchanged": 0, "missing": 1, ...}."""
    statuses = [outcome.status for outcome in outcomes]
    return {status: statuses.count(status) for status in STATUSES}


class _Host:
    """One host: its request slots, when its next request may start, and its failures in a row."""
    def __init__(self, name, per_host):
        self.name, self.lock, self.slots = name, threading.Lock(), threading.BoundedSemaphore(per_host)
        self.next_start, self.failures = 0.0, 0


class _Retry(Exception):
    """A failure worth another attempt: (detail, the server's Retry-After in seconds or None)."""


class Fetcher:
    def __init__(self, mirror, transport=None, per_host=PER_HOST, rate=RATE, attempts=ATTEMPTS,
                 give_up_after=GIVE_UP_AFTER, workers=WORKERS, timeout=60.0, backoff=2.0,
                 sleep=time.sleep, ftp_open=urllib.request.urlopen):
        self.mirror, self.sleep, self.ftp_open = mirror, sleep, ftp_open
        self.per_host, self.workers, self.attempts = per_host, workers, attempts
        self.interval = 1.0 / rate if rate else 0.0  # rate None or 0: no spacing
        self.give_up_after, self.timeout, self.backoff = give_up_after, timeout, backoff
        self.client = httpx.Client(transport=transport, timeout=timeout, follow_redirects=True,
                                   headers={"User-Agent": USER_AGENT})
        self.hosts, self.lock = {}, threading.Lock()  # the lock guards hosts, state and changed
        self.state_path = mirror.root / STATE_FILE
        try:  # url -> {"etag": ..., "last_modified": ...}; absent or damaged, the next fetch is in full
            self.state = dict(json.loads(self.state_path.read_text(encoding="utf-8")))
            self.saved_ns = self.state_path.stat().st_mtime_ns
        except (OSError, ValueError, TypeError):
            self.state, self.saved_ns = {}, None
        self.changed = False
        self.remembered = set()  # URLs whose validators this fetcher had from the site itself

    def close(self):
        self.save_state()
        self.client.close()

    def fetch(self, urls, on_done=None):
        """Fetch every URL, hosts in parallel; call on_done(outcome) for each as it finishes (in this thread)."""
        urls, queues = list(urls), {}
        for url in urls:
            queues.setdefault(self._host(url), collections.deque()).append(url)
        # Up to per_host loops per host, submitted a round across the hosts at a time, each taking the
        # host's next URL until none is left: every host gets threads however slow the others are.
        loops = [(host, q) for i in range(self.per_host) for host, q in queues.items() if i < len(q)]
        results, outcomes = queue.Queue(), []
        try:
            with concurrent.futures.ThreadPoolExecutor(max(1, min(self.workers, len(loops)))) as pool:
                for host, q in loops:
                    pool.submit(self._drain, host, q, results)
                try:
                    for _ in urls:
                        outcome = results.get()
                        if isinstance(outcome, BaseException):
                            raise outcome
                        outcomes.append(outcome)
                        if on_done:
                            on_done(outcome)
                finally:  # empty unless this failed: then the loops finish their current request and stop
                    for host, q in queues.items():
                        with host.lock:
                            q.clear()
        finally:
            self.save_state()
        return outcomes

    def fetch_one(self, url):
        return self.fetch([url])[0]  # through the host's queue, so a host given up is not asked again

    def _drain(self, host, urls, results):
        try:
            while True:
                with host.lock:  # take the next URL and book its start together, so starts keep list order
                    if not urls:
                        return
                    url = urls.popleft()
                    start = None if host.failures >= self.give_up_after else self._turn(host)
                results.put(self._fetch(url, host, start))
        except BaseException as error:  # a bug: hand it to fetch() to raise rather than leave it waiting
            results.put(error)

    def _turn(self, host):
        """When the next request to host may start, booking that time. Call with host.lock held."""
        start = max(time.monotonic(), host.next_start)
        host.next_start = start + self.interval
        return start

    def _fetch(self, url, host, start):
        if start is None:
            return Outcome(url, "skipped", f"not requested: the last {host.failures} requests to "
                                           f"{host.name} failed")
        try:
            self.mirror.path(url)
        except ValueError as error:
            return Outcome(url, "failed", f"cannot write to the mirror: {error}")
        for attempt in range(1, self.attempts + 1):
            if start > (now := time.monotonic()):
                self.sleep(start - now)
            try:
                outcome = self._ftp(url, host) if url.startswith("ftp://") else self._http(url, host)
                break
            except _Retry as retry:
                detail, wait = retry.args
                outcome = Outcome(url, "failed", detail)
                if attempt == self.attempts:
                    break
                if wait is None:
                    wait = self.backoff * 2 ** (attempt - 1) * random.uniform(0.5, 1.5)
                with host.lock:  # the wait holds back every request to this host, not just this one
                    host.next_start = max(host.next_start, time.monotonic() + wait)
                    start = self._turn(host)
        with host.lock:
            host.failures = host.failures + 1 if outcome.status == "failed" else 0
        return outcome

    def _http(self, url, host):
        known = self.state.get(url, {}) if self.mirror.has(url) else {}
        if known and url not in self.remembered and self.mirror.path(url).stat().st_mtime_ns > self.saved_ns:
            known = {}  # kept for an older copy: this one was written by a build killed before it saved its own
        headers = {send: known[key] for key, _, send in VALIDATORS if key in known}
        if self.mirror.has(url) and not headers:
            # No validators kept (a build killed before it saved them): the file's own time will do.
            mtime = self.mirror.path(url).stat().st_mtime
            headers["If-Modified-Since"] = email.utils.formatdate(mtime, usegmt=True)
        try:
            with host.slots:
                response = self.client.get(url, headers=headers)
        except (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError) as error:
            raise _Retry(f"{type(error).__name__}: {error}", None)
        except httpx.HTTPError as error:
            return Outcome(url, "failed", f"{type(error).__name__}: {error}")
        status = response.status_code
        validators = {key: response.headers[name] for key, name, _ in VALIDATORS if name in response.headers}
        if status == 304:
            self._remember(url, validators or known)
            return Outcome(url, "unchanged", "HTTP 304")
        if status == 200:
            outcome = self._store(url, response.content)
            if outcome.status != "failed":
                self._remember(url, validators)
            return outcome
        if status in (404, 410):
            return self._missing(url, f"HTTP {status}")
        if status in RETRY_STATUSES:
            raise _Retry(f"HTTP {status}", retry_after(response) if status in (429, 503) else None)
        return Outcome(url, "failed", f"HTTP {status}")

    def _ftp(self, url, host):
        try:
            with host.slots, self.ftp_open(url, timeout=self.timeout) as response:
                body = response.read()
        except OSError as error:  # urllib's URLError wraps ftplib's errors; timeouts and resets are plain
            if "550" in str(error):  # FTP's "no such file"
                return self._missing(url, f"FTP {error}")
            raise _Retry(f"{type(error).__name__}: {error}", None)
        return self._store(url, body)

    def _store(self, url, body):
        if expects_data_file(url) and looks_like_html(body):
            # A site's error page served with status 200; the good copy we hold stays.
            return Outcome(url, "failed", "an HTML page where a data file was expected")
        try:
            if self.mirror.read_bytes(url) == body:
                return Outcome(url, "unchanged", "same bytes as the mirrored copy")
            self.mirror.write(url, body)
        except OSError as error:  # a full disk, or a folder where the file should be
            return Outcome(url, "failed", f"cannot write to the mirror: {error}")
        return Outcome(url, "fetched")

    def _missing(self, url, detail):
        if self.mirror.has(url):  # the site no longer has it, so neither does the mirror
            self.mirror.remove(url)
            detail += REMOVED
        # Remember when the site said so, so that an update need not ask again every night.
        self._remember(url, {"missing_since": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")})
        return Outcome(url, "missing", detail)

    def last_answer_age_days(self, url):
        """Days since the site last answered for this URL with the file or with a 404 (inf if never)."""
        if self.mirror.has(url):
            return (time.time() - self.mirror.path(url).stat().st_mtime) / 86400
        missing_since = self.state.get(url, {}).get("missing_since")
        if missing_since is None:
            return float("inf")
        return (datetime.datetime.now(datetime.timezone.utc) - datetime.datetime.fromisoformat(missing_since)
                ).total_seconds() / 86400

    def _host(self, url):
        name = urlsplit(url).hostname or ""
        with self.lock:
            return self.hosts.setdefault(name, _Host(name, self.per_host))

    def _remember(self, url, validators):
        with self.lock:
            self.remembered.add(url)
            old = self.state.pop(url, {})
            if validators:
                self.state[url] = validators
            self.changed |= validators != old

    def save_state(self):
        """Write the validators to the state file, if they changed, atomically: write a copy, rename it."""
        with self.lock:
            if self.changed:
                # A 404 is remembered too, so the mirror root may not exist yet (a new mirror's first answer).
                self.state_path.parent.mkdir(parents=True, exist_ok=True)
                partial = self.state_path.with_name(STATE_FILE + ".partial")
                partial.write_text(json.dumps(self.state, indent=1, sort_keys=True), encoding="utf-8")
                partial.replace(self.state_path)
                self.changed = False


DATA_FILE_ENDINGS = (".dat", ".par", ".pysis", ".diapl", ".txt", ".tar.gz", "last.changed")


def expects_data_file(url):
    return urlsplit(url).path.endswith(DATA_FILE_ENDINGS)


def looks_like_html(body):
    start = body[:1024].lstrip().lower()
    return start.startswith((b"<!doctype", b"<html", b"<head", b"<body")) or b"<html" in start


def retry_after(response):
    """The Retry-After header in seconds (it may be a number or an HTTP date), capped; None if absent."""
    value = response.headers.get("Retry-After", "").strip()
    try:
        date = None if value.isdigit() else email.utils.parsedate_tz(value)
        seconds = int(value) if date is None else email.utils.mktime_tz(date) - time.time()
    except (ValueError, OverflowError):  # absent, or neither a number nor a date
        return None
    return min(max(seconds, 0.0), RETRY_AFTER_CAP)
