"""A stand-in survey site, for a Fetcher or a whole build to ask instead of the internet.

`Site` is an httpx.MockTransport handler (the loopback server in loopback.py serves one over HTTP too). It
serves files by URL, 404 for any other URL, except where a test gives the answer itself: an answer is
`answer(request, attempt)` (attempt: 1 for a URL's first request, 2 for its second...), returning an
httpx.Response or raising what a transport raises. The answers below build the usual ones.

The recorded sites: the survey seasons whose files tests/data holds, by URL (OGLE 2025, KMTNet 2019, MOA 2017).
"""

import collections
import email.utils
import threading
import time
from collections.abc import Mapping

import httpx

from microlensing_to_sqlite.kmtnet.demo import PYSIS_HEADER, bundle
from microlensing_to_sqlite.mirror import Mirror
from tests.support.paths import HANDWRITTEN_MOA, RECORDED_MIRROR

EWS = "https://www.astrouw.edu.pl/ogle/ogle4/ews"
KMT_2019 = "https://kmtnet.kasi.re.kr/~ulens/event/2019"
KMT_2019_EVENT_PAGE = f"{KMT_2019}/view.php?event=KMT-2019-BLG-0001"
KMT_2019_BUNDLE = f"{KMT_2019}/data/KB190001/pysis/pysis.tar.gz"
MOA_2017 = "https://www.massey.ac.nz/~iabond/moa/alert2017"
MOA_2017_PHOTOMETRY = f"{MOA_2017}/fetchtxt.php?path=moa/ephot/phot-gb2-R-2-19629.dat"
# A pySIS file with its header and one row (KMT-2019-BLG-0001's first listed time).
PYSIS_ONE_ROW = PYSIS_HEADER + "8540.21006    -607.3898   230.0665    17.0141    0.0101    3.93  1288  1.90\n"


class Site:
    """Serves `files` (URL -> bytes; a dict, or a MirrorFiles) and 404 for any other URL; a URL in `answers`
    is answered by its answer instead, and with `otherwise` every URL not in `answers` is. With `etags`, each
    file goes with an ETag and an If-None-Match that matches gets a 304; a MirrorFiles also gives each file
    its Last-Modified, and an If-Modified-Since not older gets a 304. `delay` holds each request to a host
    back that many seconds.

    Records every request (`requests`, in order; `answered`: with the status it got) and, by host, the
    most requests in flight at once (`most`; `most_overall`: over all hosts together)."""

    def __init__(self, files=None, answers=None, otherwise=None, etags=False, delay=None):
        self.files, self.answers, self.otherwise = files if files is not None else {}, answers or {}, otherwise
        self.etags, self.delay = etags, delay or {}
        self.lock = threading.Lock()
        self.requests, self.answered = [], []
        self.asked = collections.Counter()
        self.in_flight, self.most = collections.Counter(), collections.Counter()
        self.most_overall = 0

    def __call__(self, request):
        url, host = str(request.url), request.url.host
        with self.lock:
            self.requests.append(request)
            self.asked[url] += 1
            attempt = self.asked[url]
            self.in_flight[host] += 1
            self.most[host] = max(self.most[host], self.in_flight[host])
            self.most_overall = max(self.most_overall, sum(self.in_flight.values()))
        try:
            time.sleep(self.delay.get(host, 0))
            answer = self.answers.get(url, self.otherwise) or self.serve
            response = answer(request, attempt)
        finally:
            with self.lock:
                self.in_flight[host] -= 1
        with self.lock:
            self.answered.append((request, response.status_code))
        return response

    def serve(self, request, attempt):
        """The file at the request's URL (or a 304, or a 404)."""
        url = str(request.url)
        body = self.files.get(url)
        if body is None:
            return httpx.Response(404, content=b"Not Found")
        validators = {}
        if self.etags:
            validators["ETag"] = f'"{hash(body)}"'
        mtime = int(self.files.mtime(url)) if isinstance(self.files, MirrorFiles) else None
        if mtime is not None:
            validators["Last-Modified"] = email.utils.formatdate(mtime, usegmt=True)
        since = request.headers.get("If-Modified-Since")
        if self.etags and request.headers.get("If-None-Match") == validators["ETag"] or \
                mtime is not None and since and mtime <= email.utils.parsedate_to_datetime(since).timestamp():
            return httpx.Response(304, headers=validators)
        return httpx.Response(200, content=body, headers=validators)

    @property
    def urls(self):
        """The URLs asked for, in order."""
        with self.lock:
            return [str(request.url) for request in self.requests]

    def to(self, host):
        """The requests to one host, in order."""
        with self.lock:
            return [request for request in self.requests if request.url.host == host]

    def responses(self, run):
        """(url, status) of each request that carried the header `X-Run: run` (a build the loopback served)."""
        with self.lock:
            return [(str(request.url), status) for request, status in self.answered
                    if request.headers.get("X-Run") == run]


class MirrorFiles(Mapping):
    """The files of a mirror folder by URL, read when asked for (`root` may change between requests), each with
    its modification time; only URLs starting with `under`, if given."""

    def __init__(self, root, under=""):
        self.root, self.under = root, under

    def __getitem__(self, url):
        try:
            if url.startswith(self.under):
                return Mirror(self.root).path(url).read_bytes()
        except (ValueError, OSError):
            pass
        raise KeyError(url)

    def __iter__(self):
        """The URLs (https, plain paths: no query strings) of the files under `under`."""
        folder = Mirror(self.root).path(self.under.rstrip("/") + "/x").parent
        return (f"{self.under.rstrip('/')}/{path.relative_to(folder).as_posix()}"
                for path in sorted(folder.rglob("*")) if path.is_file())

    def __len__(self):
        return sum(1 for _ in self)

    def mtime(self, url):
        return Mirror(self.root).path(url).stat().st_mtime


# Answers -----------------------------------------------------------------------------------------------------

def respond(status, body=b"", headers=None):
    """Every request answered with this status, body and headers."""
    return lambda request, attempt: httpx.Response(status, content=body, headers=headers)


def serving(body):
    return respond(200, body)


def raising(error_type, message):
    """Every request fails as the transport would: error_type(message)."""
    def answer(request, attempt):
        raise error_type(message, request=request)
    return answer


def in_turn(*answers):
    """A URL's first request answered by the first of `answers`, its second by the second, ...; the last repeats."""
    return lambda request, attempt: answers[min(attempt, len(answers)) - 1](request, attempt)


# The recorded sites --------------------------------------------------------------------------------------------

def recorded(url):
    """A recorded file's bytes."""
    return Mirror(RECORDED_MIRROR).read_bytes(url)


def ogle_2025_files():
    """OGLE's 2025 folder as recorded: lenses.par (the head of it: 2025-BLG-0001 to 0008) and a few events' files."""
    return dict(MirrorFiles(RECORDED_MIRROR, under=f"{EWS}/2025/"))


def kmtnet_2019_files(members):
    """KMTNet 2019 as recorded (listpage.dat, the page of KMT-2019-BLG-0001), with that event's pysis.tar.gz
    made of `members` ({file name: text})."""
    return {f"{KMT_2019}/listpage.dat": recorded(f"{KMT_2019}/listpage.dat"),
            KMT_2019_EVENT_PAGE: recorded(KMT_2019_EVENT_PAGE),
            KMT_2019_BUNDLE: bundle(members, "KB190001")}


def moa_2017_files():
    """MOA 2017: the recorded index.dat, and the pages of which no real copy exists, written by hand."""
    def handwritten(name):
        return (HANDWRITTEN_MOA / name).read_bytes()

    return {f"{MOA_2017}/index.dat": recorded(f"{MOA_2017}/index.dat"),
            f"{MOA_2017}/alert.php": handwritten("alert.php.2017.html"),
            f"{MOA_2017}/moa2ogle.txt": handwritten("moa2ogle.2017.txt"),
            f"{MOA_2017}/display.php?id=gb2-R-2-19629": handwritten("display.php.gb2-R-2-19629.html"),
            MOA_2017_PHOTOMETRY: handwritten("fetchtxt.phot-gb2-R-2-19629.html")}


def one_row_bundle(file_names, folder="KB190001"):
    """A pysis.tar.gz holding each named file, each the one-row pySIS text."""
    return bundle(dict.fromkeys(file_names, PYSIS_ONE_ROW), folder)
