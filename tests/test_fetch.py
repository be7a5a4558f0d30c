"""The fetch stage and a whole build, with httpx.MockTransport standing in for the sites (never the internet)."""

import datetime
import sqlite3
import threading

import httpx
import pytest

from build.__main__ import main
from build.fetch import ATTEMPTS, USER_AGENT, Fetcher
from build.mirror import Mirror

KMT_EVENT_PAGE = "https://kmtnet.kasi.re.kr/~ulens/event/2019/view.php?event=KMT-2019-BLG-0001"
EWS = "https://www.astrouw.edu.pl/ogle/ogle4/ews"
URL = f"{EWS}/2025/blg-0001/phot.dat"


class Site:
    """A MockTransport handler that answers from a list of responses per URL and records each request."""

    def __init__(self, answers=None, default=404):
        self.answers = {url: list(responses) for url, responses in (answers or {}).items()}
        self.default = default
        self.requests = []
        self.lock = threading.Lock()

    def __call__(self, request):
        with self.lock:
            self.requests.append(request)
            queue = self.answers.get(str(request.url), [])
            status, body = queue.pop(0) if len(queue) > 1 else (queue[0] if queue else (self.default, b""))
        return httpx.Response(status, content=body)

    @property
    def urls(self):
        return [str(r.url) for r in self.requests]


def fetch_one(tmp_path, site, url=URL):
    fetcher = Fetcher(Mirror(tmp_path), transport=httpx.MockTransport(site), backoff=0)
    try:
        return fetcher.fetch_one(url)
    finally:
        fetcher.close()


def stale_copy(tmp_path, url=URL, content=b"old copy\n"):
    return Mirror(tmp_path).write(url, content)


# Mirror paths ----------------------------------------------------------------------------------------------

def test_mirror_path_is_host_then_url_path(tmp_path):
    assert Mirror(tmp_path).path(URL) == tmp_path / "www.astrouw.edu.pl/ogle/ogle4/ews/2025/blg-0001/phot.dat"


def test_mirror_path_keeps_the_query_string_in_the_file_name(tmp_path):
    assert Mirror(tmp_path).path(KMT_EVENT_PAGE) == (
        tmp_path / "kmtnet.kasi.re.kr" / "~ulens" / "event" / "2019" / "view.php?event=KMT-2019-BLG-0001")


def test_mirror_path_of_a_folder_url_is_index_html(tmp_path):
    assert Mirror(tmp_path).path("https://kmtnet.kasi.re.kr/~ulens/event/2025/") == (
        tmp_path / "kmtnet.kasi.re.kr/~ulens/event/2025/index.html")


@pytest.mark.parametrize("url", [KMT_EVENT_PAGE, "https://kmtnet.kasi.re.kr/~ulens/event/2025/",
                                 f"{EWS}/2025/lenses.par", "ftp://ftp.astrouw.edu.pl/ogle/ogle4/ews/last.changed"])
def test_mirror_path_finds_the_recorded_files(shared_mirror, url):
    assert Mirror(shared_mirror).has(url)


def test_mirror_path_escapes_a_slash_in_the_query_string(tmp_path):
    url = "https://www.massey.ac.nz/~iabond/moa/alert2017/fetchtxt.php?path=moa/ephot/phot-gb5-R-8-12345.dat"
    assert Mirror(tmp_path).path(url) == (
        tmp_path / "www.massey.ac.nz/~iabond/moa/alert2017/fetchtxt.php?path=moa%2Fephot%2Fphot-gb5-R-8-12345.dat")


@pytest.mark.parametrize("url", ["https://www.astrouw.edu.pl/ogle/../../etc/passwd", "file:///etc/passwd",
                                 "https://www.astrouw.edu.pl/ogle//ews/2025/lenses.par"])
def test_mirror_path_refuses_urls_that_would_leave_their_host_folder(tmp_path, url):
    with pytest.raises(ValueError):
        Mirror(tmp_path).path(url)


# Fetcher ---------------------------------------------------------------------------------------------------

def test_fetch_200_is_fetched(tmp_path):
    assert fetch_one(tmp_path, Site({URL: [(200, b"2457821.85063 20.079 0.223 4.66 83.0\n")]})).status == "fetched"


def test_fetch_200_writes_the_body_to_the_mirror_path(tmp_path):
    body = b"2457821.85063 20.079 0.223 4.66 83.0\n"
    fetch_one(tmp_path, Site({URL: [(200, body)]}))
    assert (tmp_path / "www.astrouw.edu.pl/ogle/ogle4/ews/2025/blg-0001/phot.dat").read_bytes() == body


def test_fetch_200_replaces_the_old_copy_and_leaves_no_partial_file(tmp_path):
    stale_copy(tmp_path)
    fetch_one(tmp_path, Site({URL: [(200, b"new\n")]}))
    folder = tmp_path / "www.astrouw.edu.pl/ogle/ogle4/ews/2025/blg-0001"
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == {"phot.dat": b"new\n"}


def test_fetch_url_with_query_string_writes_that_file_name(tmp_path):
    fetch_one(tmp_path, Site({KMT_EVENT_PAGE: [(200, b"<html></html>")]}), KMT_EVENT_PAGE)
    assert (tmp_path / "kmtnet.kasi.re.kr/~ulens/event/2019/view.php?event=KMT-2019-BLG-0001").is_file()


@pytest.mark.parametrize("status", [404, 410])
def test_fetch_gone_is_missing(tmp_path, status):
    outcome = fetch_one(tmp_path, Site({URL: [(status, b"Not Found")]}))
    assert (outcome.status, outcome.detail) == ("missing", f"HTTP {status}")


def test_fetch_404_removes_the_stale_mirror_copy(tmp_path):
    path = stale_copy(tmp_path)
    fetch_one(tmp_path, Site({URL: [(404, b"Not Found")]}))
    assert not path.exists()


def test_fetch_404_is_not_retried(tmp_path):
    site = Site({URL: [(404, b"")]})
    fetch_one(tmp_path, site)
    assert site.urls == [URL]


def test_fetch_503_then_200_is_retried_and_fetched(tmp_path):
    site = Site({URL: [(503, b"busy"), (200, b"body\n")]})
    outcome = fetch_one(tmp_path, site)
    assert (outcome.status, site.urls, Mirror(tmp_path).read_text(URL)) == ("fetched", [URL, URL], "body\n")


def test_fetch_persistent_500_fails_after_every_attempt(tmp_path):
    site = Site({URL: [(500, b"oops")]})
    outcome = fetch_one(tmp_path, site)
    assert (outcome.status, outcome.detail, len(site.urls)) == ("failed", "HTTP 500", ATTEMPTS)


def test_fetch_persistent_500_keeps_the_old_mirror_copy(tmp_path):
    stale_copy(tmp_path)
    fetch_one(tmp_path, Site({URL: [(500, b"oops")]}))
    assert Mirror(tmp_path).read_text(URL) == "old copy\n"


def test_fetch_403_fails_without_retrying(tmp_path):
    site = Site({URL: [(403, b"No access granted")]})
    outcome = fetch_one(tmp_path, site)
    assert (outcome.status, outcome.detail, site.urls) == ("failed", "HTTP 403", [URL])


def test_fetch_connection_error_fails_and_keeps_the_old_copy(tmp_path):
    def refuse(request):
        raise httpx.ConnectError("connection refused", request=request)

    stale_copy(tmp_path)
    outcome = fetch_one(tmp_path, refuse)
    assert (outcome.status, Mirror(tmp_path).read_text(URL)) == ("failed", "old copy\n")
    assert outcome.detail.startswith("ConnectError")


def test_fetch_sends_the_user_agent(tmp_path):
    site = Site({URL: [(200, b"")]})
    fetch_one(tmp_path, site)
    assert site.requests[0].headers["User-Agent"] == USER_AGENT


def test_fetch_many_reports_each_outcome_once(tmp_path):
    urls = [f"{EWS}/2025/blg-{n:04d}/phot.dat" for n in range(1, 11)]
    site = Site({url: [(200, b"x\n")] for url in urls[:7]})
    done = []
    fetcher = Fetcher(Mirror(tmp_path), transport=httpx.MockTransport(site), backoff=0, rate=None)
    try:
        outcomes = fetcher.fetch(urls, on_done=done.append)
    finally:
        fetcher.close()
    assert sorted((o.url, o.status) for o in done) == sorted((o.url, o.status) for o in outcomes) == sorted(
        [(u, "fetched") for u in urls[:7]] + [(u, "missing") for u in urls[7:]])


# A whole build from the recorded OGLE 2025 files -----------------------------------------------------------

LENSES_PAR_2025 = f"{EWS}/2025/lenses.par"
# The 2025 lenses.par in the shared mirror is the head of the file: it lists 2025-BLG-0001 to 0008.
EVENT_URLS_2025 = [f"{EWS}/2025/blg-{n:04d}/{f}" for n in range(1, 9) for f in ("params.dat", "phot.dat")]
# What the shared mirror holds of those: the rest are 404.
RECORDED_2025 = {
    "www.astrouw.edu.pl/ogle/ogle4/ews/2025/lenses.par",
    "www.astrouw.edu.pl/ogle/ogle4/ews/2025/blg-0001/params.dat",
    "www.astrouw.edu.pl/ogle/ogle4/ews/2025/blg-0001/phot.dat",
    "www.astrouw.edu.pl/ogle/ogle4/ews/2025/blg-0006/params.dat",
}


class RecordedOgle2025(Site):
    """The OGLE data host as recorded: the shared mirror's 2025 files by URL, 404 for anything else."""

    def __init__(self, shared_mirror):
        super().__init__()
        self.recorded = Mirror(shared_mirror)

    def __call__(self, request):
        with self.lock:
            self.requests.append(request)
        url = str(request.url)
        if url.startswith(f"{EWS}/2025/") and self.recorded.has(url):
            return httpx.Response(200, content=self.recorded.path(url).read_bytes())
        return httpx.Response(404, content=b"Not Found")


def run_build(tmp_path, shared_mirror, *arguments):
    site = RecordedOgle2025(shared_mirror)
    status = main([*arguments, "--surveys", "ogle", "--rate", "0", "--mirror", str(tmp_path), "--db", str(tmp_path / "x.db")],
                  transport=httpx.MockTransport(site), today=datetime.date(2025, 6, 1))
    return site, status


def mirrored_files(root):
    """Files under a host folder: the mirror's own bookkeeping (history.db, .fetch-state.json) sits at its top."""
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file() and len(p.relative_to(root).parts) > 1}


def query(tmp_path, sql, *parameters):
    db = sqlite3.connect(tmp_path / "x.db")
    try:
        return db.execute(sql, parameters).fetchall()
    finally:
        db.close()


@pytest.fixture(scope="module")
def season_build(tmp_path_factory, shared_mirror):
    """`--years 2025 --surveys ogle` against the recorded site, once for the tests below."""
    tmp_path = tmp_path_factory.mktemp("season")
    site, status = run_build(tmp_path, shared_mirror, "--years", "2025")
    return tmp_path, site, status


def test_season_build_fetches_the_list_first(season_build):
    _, site, _ = season_build
    assert site.urls[0] == LENSES_PAR_2025


def test_season_build_fetches_both_files_of_every_listed_event_once(season_build):
    _, site, _ = season_build
    assert sorted(site.urls[1:]) == sorted(EVENT_URLS_2025)


def test_season_build_mirrors_exactly_what_the_site_served(season_build, shared_mirror):
    tmp_path, _, _ = season_build
    assert mirrored_files(tmp_path) == RECORDED_2025


def test_season_build_mirrors_byte_exact_copies(season_build, shared_mirror):
    tmp_path, _, _ = season_build
    for relative in RECORDED_2025:
        assert (tmp_path / relative).read_bytes() == (shared_mirror / relative).read_bytes(), relative


def test_season_build_has_an_alert_for_every_listed_event(season_build):
    tmp_path, _, _ = season_build
    assert query(tmp_path, "SELECT alert_name FROM alerts ORDER BY alert_id") == [
        (f"OGLE-2025-BLG-{n:04d}",) for n in range(1, 9)]


def test_season_build_loads_the_photometry(season_build):
    tmp_path, _, _ = season_build
    assert query(tmp_path, "SELECT count(*) FROM photometry WHERE alert_id = 10250001") == [(265,)]


def test_season_build_counts_the_photometry_on_the_alert(season_build):
    tmp_path, _, _ = season_build
    assert query(tmp_path, "SELECT alert_name, n_photometry FROM alerts WHERE n_photometry > 0") == [
        ("OGLE-2025-BLG-0001", 265)]


def test_season_build_takes_uncertainties_from_params_dat(season_build):
    tmp_path, _, _ = season_build
    assert query(tmp_path, "SELECT t0, t0_err, tE, tE_err FROM alerts WHERE alert_name = 'OGLE-2025-BLG-0001'") == [
        (10746.661, 0.203, 28.568, 1.387)]


def test_season_build_keeps_list_values_without_params_dat(season_build):
    tmp_path, _, _ = season_build
    assert query(tmp_path, "SELECT t0, t0_err, tE, tE_err FROM alerts WHERE alert_name = 'OGLE-2025-BLG-0002'") == [
        (10697.501, None, 111.4, None)]


def test_season_build_records_the_missing_files(season_build):
    tmp_path, _, _ = season_build
    missing = {url for url in EVENT_URLS_2025 if not url.startswith((f"{EWS}/2025/blg-0001/",
                                                                      f"{EWS}/2025/blg-0006/params"))}
    assert query(tmp_path, "SELECT DISTINCT kind FROM build_problems") == [("missing",)]
    assert {url for (url,) in query(tmp_path, "SELECT url FROM build_problems")} == missing


def test_season_build_exits_ok_when_only_files_are_missing(season_build):
    _, _, status = season_build
    assert status == 0


@pytest.fixture(scope="module")
def event_build(tmp_path_factory, shared_mirror):
    """`--events OGLE-2025-BLG-0368` against the recorded site: the list is not fetched."""
    tmp_path = tmp_path_factory.mktemp("event")
    site, status = run_build(tmp_path, shared_mirror, "--events", "OGLE-2025-BLG-0368")
    return tmp_path, site, status


def test_event_build_fetches_only_that_events_files(event_build):
    _, site, _ = event_build
    assert sorted(site.urls) == [f"{EWS}/2025/blg-0368/params.dat", f"{EWS}/2025/blg-0368/phot.dat"]


def test_event_build_mirrors_the_photometry_only(event_build):
    tmp_path, _, _ = event_build
    assert mirrored_files(tmp_path) == {"www.astrouw.edu.pl/ogle/ogle4/ews/2025/blg-0368/phot.dat"}


def test_event_build_loads_that_event_alone(event_build):
    tmp_path, _, _ = event_build
    assert query(tmp_path, "SELECT alert_name, alert_id, n_photometry FROM alerts") == [
        ("OGLE-2025-BLG-0368", 10250368, 4519)]


def test_event_build_keeps_the_zero_sky_as_null(event_build):
    tmp_path, _, _ = event_build
    assert query(tmp_path, "SELECT hjd, mag, mag_err, seeing FROM photometry WHERE sky IS NULL") == [
        (7868.88026, 19.938, 0.21, 9.99)]


# KMTNet and MOA: lists, then event pages, then the files the pages name ---------------------------------

def kmt_bundle():
    import io
    import tarfile
    text = (b"# HJD  \\Delta_flux flux_err  mag  mag_err  fwhm  sky  secz\n"
            b"8540.21006    -607.3898   230.0665    17.0141    0.0101    3.93  1288  1.90\n")
    data = io.BytesIO()
    with tarfile.open(fileobj=data, mode="w:gz") as tar:
        for name in ("KMTA11_I.pysis", "KMTC11_I.pysis", "KMTS11_I.pysis"):
            member = tarfile.TarInfo(name)
            member.size = len(text)
            tar.addfile(member, io.BytesIO(text))
    return data.getvalue()


@pytest.fixture(scope="module")
def kmt_season_build(tmp_path_factory, shared_mirror):
    folder = tmp_path_factory.mktemp("kmt")
    recorded = Mirror(shared_mirror)
    base = "https://kmtnet.kasi.re.kr/~ulens/event/2019"
    site = Site({f"{base}/listpage.dat": [(200, recorded.read_bytes(f"{base}/listpage.dat"))],
                 KMT_EVENT_PAGE: [(200, recorded.read_bytes(KMT_EVENT_PAGE))],
                 f"{base}/data/KB190001/pysis/pysis.tar.gz": [(200, kmt_bundle())]})
    status = main(["--years", "2019", "--surveys", "kmtnet", "--rate", "0", "--mirror", str(folder / "mirror"),
                   "--db", str(folder / "x.db")], transport=httpx.MockTransport(site), today=datetime.date(2025, 6, 1))
    return site, folder, status


def test_kmt_build_fetches_the_list_then_every_event_page(kmt_season_build):
    site, _, _ = kmt_season_build
    assert site.urls[0].endswith("/2019/listpage.dat")
    assert sum("view.php?event=KMT-2019-BLG-" in url for url in site.urls) == 27


def test_kmt_build_fetches_the_bundle_the_page_points_to(kmt_season_build):
    site, _, _ = kmt_season_build
    assert site.urls[-1] == "https://kmtnet.kasi.re.kr/~ulens/event/2019/data/KB190001/pysis/pysis.tar.gz"


def test_kmt_build_loads_the_bundled_photometry(kmt_season_build):
    _, folder, _ = kmt_season_build
    db = sqlite3.connect(folder / "x.db")
    assert db.execute("select count(*) from photometry where alert_id = 30190001").fetchone()[0] == 3


@pytest.fixture(scope="module")
def moa_season_build(tmp_path_factory, shared_mirror):
    import pathlib
    fixtures = pathlib.Path(__file__).parent / "fixtures" / "moa"
    folder = tmp_path_factory.mktemp("moa")
    root = "https://www.massey.ac.nz/~iabond/moa/alert2017"
    site = Site({f"{root}/index.dat": [(200, Mirror(shared_mirror).read_bytes(f"{root}/index.dat"))],
                 f"{root}/alert.php": [(200, (fixtures / "alert.php.2017.html").read_bytes())],
                 f"{root}/moa2ogle.txt": [(200, (fixtures / "moa2ogle.2017.txt").read_bytes())],
                 f"{root}/display.php?id=gb2-R-2-19629": [(200, (fixtures / "display.php.gb2-R-2-19629.html").read_bytes())],
                 f"{root}/fetchtxt.php?path=moa/ephot/phot-gb2-R-2-19629.dat":
                     [(200, (fixtures / "fetchtxt.phot-gb2-R-2-19629.html").read_bytes())]})
    main(["--years", "2017", "--surveys", "moa", "--rate", "0", "--mirror", str(folder / "mirror"), "--db", str(folder / "x.db")],
         transport=httpx.MockTransport(site), today=datetime.date(2025, 6, 1))
    return site, folder


def test_moa_build_fetches_lists_then_each_events_page_and_photometry(moa_season_build):
    site, _ = moa_season_build
    assert set(site.urls[:3]) == {"https://www.massey.ac.nz/~iabond/moa/alert2017/index.dat",
                                  "https://www.massey.ac.nz/~iabond/moa/alert2017/alert.php",
                                  "https://www.massey.ac.nz/~iabond/moa/alert2017/moa2ogle.txt"}  # in parallel
    assert len(site.urls) == 3 + 2 * 8


def test_moa_build_mirrors_the_photometry_under_its_query_string(moa_season_build):
    _, folder = moa_season_build
    assert (folder / "mirror/www.massey.ac.nz/~iabond/moa/alert2017/"
                     "fetchtxt.php?path=moa%2Fephot%2Fphot-gb2-R-2-19629.dat").is_file()


def test_moa_build_loads_magnitudes(moa_season_build):
    _, folder = moa_season_build
    db = sqlite3.connect(folder / "x.db")
    assert db.execute("select count(mag) from photometry where alert_id = 20170001").fetchone()[0] == 8
