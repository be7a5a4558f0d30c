"""The Fetcher: every URL of a stage, the hosts side by side, each host within its limits (hosts.py), each
request with its retries (request.py), conditional where the mirror holds a copy (validators.py), and every
answer into the mirror (store.py). Only the surveys' own hosts are asked (registry.HOSTS): a URL of any other
host is refused unasked, whoever named it. Tests pass an httpx.MockTransport, an ftp_open and a sleep."""

import collections
import concurrent.futures
import queue
import urllib.request

import httpx

from ..registry import HOSTS
from . import store
from .hosts import Hosts, Politeness
from .outcome import Outcome
from .request import Retries, ftp_get, http_get, with_retries
from .validators import Validators

USER_AGENT = ("microlensing-alert-database/0.1 (read-only aggregator of OGLE, MOA and KMTNet alerts; "
              "https://github.com/microlensing-alert-database)")


class Fetcher:
    def __init__(self, mirror, transport=None, politeness=Politeness(), retries=Retries(), timeout=60.0,
                 ftp_open=urllib.request.urlopen, allowed_hosts=HOSTS):
        self.mirror, self.politeness, self.retries = mirror, politeness, retries
        self.allowed_hosts = allowed_hosts
        self.timeout, self.ftp_open = timeout, ftp_open
        self.client = httpx.Client(transport=transport, timeout=timeout, follow_redirects=True,
                                   headers={"User-Agent": USER_AGENT})
        self.hosts = Hosts(politeness)
        self.validators = Validators(mirror)

    def close(self):
        self.validators.save()
        self.client.close()

    def fetch(self, urls, on_done=None):
        """Fetch every URL, hosts in parallel; call on_done(outcome) for each as it finishes (in this thread)."""
        urls, queues = list(urls), {}
        for url in urls:
            queues.setdefault(self.hosts.of(url), collections.deque()).append(url)
        # Up to per_host loops per host, submitted a round across the hosts at a time, each taking the
        # host's next URL until none is left: every host gets threads however slow the others are.
        loops = [(host, q) for i in range(self.politeness.per_host) for host, q in queues.items() if i < len(q)]
        results, outcomes = queue.Queue(), []
        try:
            with concurrent.futures.ThreadPoolExecutor(max(1, min(self.politeness.workers, len(loops)))) as pool:
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
            self.validators.save()
        return outcomes

    def last_answer_age_days(self, url):
        return self.validators.last_answer_age_days(url)

    def _drain(self, host, urls, results):
        try:
            while True:
                with host.lock:  # take the next URL and book its start together, so starts keep list order
                    if not urls:
                        return
                    url = urls.popleft()
                    start = None if host.given_up else host.book_start()
                results.put(self._fetch(url, host, start))
        except BaseException as error:  # a bug: hand it to fetch() to raise rather than leave it waiting
            results.put(error)

    def _fetch(self, url, host, start):
        if start is None:
            return Outcome(url, "skipped", f"not requested: the last {host.failures} requests to "
                                           f"{host.name} failed")
        if host.name not in self.allowed_hosts:
            return Outcome(url, "failed", "refused, not asked: its host is not one of the surveys' hosts")
        try:
            self.mirror.path(url)
        except ValueError as error:
            return Outcome(url, "failed", f"cannot write to the mirror: {error}")
        answer = with_retries(lambda: self._ask(url, host), host, start, self.retries)
        outcome = Outcome(url, "failed", answer) if isinstance(answer, str) else answer
        host.record(failed=outcome.status == "failed")
        return outcome

    def _ask(self, url, host):
        """One attempt at url, its answer stored: an Outcome, or request.Retry raised."""
        if url.startswith("ftp://"):
            answer, known = ftp_get(self.ftp_open, url, self.timeout, host), None
        else:
            headers, known = self.validators.conditions(url)
            answer = http_get(self.client, url, headers, host)
        if answer.status is None:
            return Outcome(url, "failed", answer.detail)
        if answer.status == 304:
            self.validators.remember(url, answer.headers, known)
            return Outcome(url, "unchanged", "HTTP 304")
        if answer.status == 200:
            outcome = store.store(self.mirror, url, answer.body)
            if outcome.status != "failed":  # FTP sends no validators; its copy is recorded all the same
                self.validators.remember(url, answer.headers)
            return outcome
        if answer.status in (404, 410):
            outcome = store.gone(self.mirror, url, answer.detail or f"HTTP {answer.status}")
            if outcome.status == "missing":  # a kept copy keeps its validators: the next request is conditional
                self.validators.remember_missing(url)
            return outcome
        return Outcome(url, "failed", f"HTTP {answer.status}")
