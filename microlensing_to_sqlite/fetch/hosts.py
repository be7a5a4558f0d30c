"""Politeness per host: at most `per_host` requests in flight and `rate` starts a second, and a host that
failed `give_up_after` times in a row is given up for the run. Each host keeps its own limits, so a slow or
failing host holds up only its own URLs."""

import threading
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

# Four requests in flight and four starts a second per host is what a polite crawler of a small academic
# server keeps to; three or four survey hosts in parallel need no more than 16 threads in all.
PER_HOST = 4
RATE = 4.0
WORKERS = 16
# Eight failures in a row, each after its retries, is a host that is down or refusing us, not a bad file.
GIVE_UP_AFTER = 8


@dataclass(frozen=True)
class Politeness:
    per_host: int = PER_HOST
    rate: float = RATE                  # request starts a second per host; None or 0: no cap
    give_up_after: int = GIVE_UP_AFTER
    workers: int = WORKERS              # threads for all hosts together

    @property
    def interval(self):
        return 1.0 / self.rate if self.rate else 0.0


class Host:
    """One host: its request slots, when its next request may start, and its failures in a row."""

    def __init__(self, name, politeness):
        self.name, self.politeness = name, politeness
        self.lock = threading.Lock()
        self.slots = threading.BoundedSemaphore(politeness.per_host)
        self.next_start, self.failures = 0.0, 0

    @property
    def given_up(self):
        return self.failures >= self.politeness.give_up_after

    def book_start(self):
        """When the next request may start, booking that time. Call with the lock held."""
        start = max(time.monotonic(), self.next_start)
        self.next_start = start + self.politeness.interval
        return start

    def hold_back(self, wait):
        """Hold back every request to this host `wait` seconds (a retry's backoff); the retry's new start."""
        with self.lock:
            self.next_start = max(self.next_start, time.monotonic() + wait)
            return self.book_start()

    def record(self, failed):
        with self.lock:
            self.failures = self.failures + 1 if failed else 0


class Hosts:
    """The hosts met so far, by name."""

    def __init__(self, politeness):
        self.politeness, self.known, self.lock = politeness, {}, threading.Lock()

    def of(self, url):
        name = urlsplit(url).hostname or ""
        with self.lock:
            return self.known.setdefault(name, Host(name, self.politeness))
