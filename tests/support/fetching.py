"""A Fetcher asking a stand-in site (site.Site on an httpx.MockTransport), never the internet: no rate cap, and a
sleep that records how long it was asked to wait and returns at once, unless a test asks otherwise."""

import io

import httpx

from microlensing_to_sqlite.fetch import Fetcher, Politeness, Retries
from microlensing_to_sqlite.mirror import Mirror

OGLE = "https://www.astrouw.edu.pl/ogle/ogle4/ews/2025"
KMT = "https://kmtnet.kasi.re.kr/~ulens/event/2025"
FTP = "ftp://ftp.astrouw.edu.pl/ogle/ogle4/ews/last.changed"
URL = f"{OGLE}/blg-0001/phot.dat"
OGLE_HOST, KMT_HOST = "www.astrouw.edu.pl", "kmtnet.kasi.re.kr"
PHOT_LINE = b"2457821.85063 20.079 0.223 4.66 83.0\n"
POLITENESS = ("per_host", "rate", "give_up_after", "workers")
RETRIES = ("attempts", "backoff", "sleep")


def ogle_urls(n):
    return [f"{OGLE}/blg-{i:04d}/phot.dat" for i in range(1, n + 1)]


def kmt_urls(n):
    return [f"{KMT}/view.php?event=KMT-2025-BLG-{i:04d}" for i in range(1, n + 1)]


class Sleeps(list):
    """A sleep that records how long it was asked to wait, and returns at once."""

    def __call__(self, seconds):
        self.append(seconds)


def fetcher_for(mirror_root, site, **options):
    """A Fetcher of the mirror at mirror_root asking site; options are Fetcher's, Politeness's and Retries'."""
    options = {"rate": None, "sleep": Sleeps(), **options}
    politeness = Politeness(**{k: options.pop(k) for k in POLITENESS if k in options})
    retries = Retries(**{k: options.pop(k) for k in RETRIES if k in options})
    return Fetcher(Mirror(mirror_root), transport=httpx.MockTransport(site), politeness=politeness,
                   retries=retries, **options)


def fetch(mirror_root, site, urls, on_done=None, **options):
    """The outcomes of fetching urls with a new Fetcher (closed after)."""
    fetcher = fetcher_for(mirror_root, site, **options)
    try:
        return fetcher.fetch(urls, on_done=on_done)
    finally:
        fetcher.close()


def fetch_one(mirror_root, site, url=URL, **options):
    [outcome] = fetch(mirror_root, site, [url], **options)
    return outcome


def stale_copy(mirror_root, url=URL, content=b"old copy\n"):
    """A copy of url already in the mirror; its path."""
    return Mirror(mirror_root).write(url, content)


def ftp_serving(*bodies):
    """An ftp_open that serves the next of `bodies` (bytes, or an exception to raise; the last repeats), and the
    list of URLs it was asked for."""
    queue, opened = list(bodies), []

    def ftp_open(url, timeout=None):
        opened.append(url)
        body = queue.pop(0) if len(queue) > 1 else queue[0]
        if isinstance(body, Exception):
            raise body
        return io.BytesIO(body)

    return ftp_open, opened
