"""The network: download survey files into the mirror. Nothing else in the build talks to the sites.

Tests pass an httpx.MockTransport; the live build uses the default transport.
"""

import concurrent.futures
import random
import time
from dataclasses import dataclass

import httpx

USER_AGENT = ("microlensing-alert-database/0.1 (read-only aggregator of OGLE, MOA and KMTNet alerts; "
              "https://github.com/microlensing-alert-database)")
# Four requests in flight is what a polite crawler of a small academic server keeps to.
WORKERS = 4
ATTEMPTS = 3
RETRY_STATUSES = {429, 500, 502, 503, 504}


@dataclass
class Outcome:
    url: str
    status: str  # "fetched", "missing" (404/410) or "failed"
    detail: str = ""


class Fetcher:
    def __init__(self, mirror, transport=None, workers=WORKERS, timeout=60.0, backoff=2.0):
        self.mirror = mirror
        self.workers = workers
        self.backoff = backoff
        self.client = httpx.Client(transport=transport, timeout=timeout, follow_redirects=True,
                                   headers={"User-Agent": USER_AGENT})

    def close(self):
        self.client.close()

    def fetch_one(self, url):
        for attempt in range(1, ATTEMPTS + 1):
            try:
                response = self.client.get(url)
            except httpx.HTTPError as error:
                detail = f"{type(error).__name__}: {error}"
                wait = self.backoff * 2 ** (attempt - 1)
            else:
                if response.status_code == 200:
                    try:
                        self.mirror.write(url, response.content)
                    except (OSError, ValueError) as error:  # a full disk, or a URL with no mirror path
                        return Outcome(url, "failed", f"cannot write to the mirror: {error}")
                    return Outcome(url, "fetched")
                if response.status_code in (404, 410):
                    # The site no longer has it, so neither does the mirror.
                    self.mirror.remove(url)
                    return Outcome(url, "missing", f"HTTP {response.status_code}")
                detail = f"HTTP {response.status_code}"
                if response.status_code not in RETRY_STATUSES:
                    break
                wait = retry_after(response) or self.backoff * 2 ** (attempt - 1)
            if attempt < ATTEMPTS:
                time.sleep(wait * random.uniform(0.5, 1.5))
        return Outcome(url, "failed", detail)

    def fetch(self, urls, on_done=None):
        """Fetch every URL (in parallel); call on_done(outcome) for each as it finishes."""
        outcomes = []
        with concurrent.futures.ThreadPoolExecutor(self.workers) as pool:
            for future in concurrent.futures.as_completed([pool.submit(self.fetch_one, u) for u in urls]):
                outcome = future.result()
                outcomes.append(outcome)
                if on_done:
                    on_done(outcome)
        return outcomes


def retry_after(response):
    try:
        return min(float(response.headers.get("Retry-After", "")), 300.0)
    except ValueError:
        return None
