"""The Fetcher (microlensing_to_sqlite/fetch/fetcher.py): every URL asked for once, its outcome reported once,
HTTP and FTP, with the build's User-Agent. A stand-in site answers (tests/support/site.py), never the internet."""

from microlensing_to_sqlite.fetch.fetcher import USER_AGENT
from microlensing_to_sqlite.mirror import Mirror
from tests.support.fetching import FTP, OGLE, PHOT_LINE, URL, fetch, fetch_one, ftp_serving
from tests.support.site import Site


def test_fetch_200_is_fetched(tmp_path):
    assert fetch_one(tmp_path, Site({URL: PHOT_LINE})).status == "fetched"


def test_fetch_sends_the_user_agent(tmp_path):
    site = Site({URL: b""})
    fetch_one(tmp_path, site)
    assert site.requests[0].headers["User-Agent"] == USER_AGENT


def test_fetch_many_reports_each_outcome_once(tmp_path):
    urls = [f"{OGLE}/blg-{n:04d}/phot.dat" for n in range(1, 11)]
    site = Site({url: b"x\n" for url in urls[:7]})
    done = []
    outcomes = fetch(tmp_path, site, urls, on_done=done.append, backoff=0)
    assert sorted((o.url, o.status) for o in done) == sorted((o.url, o.status) for o in outcomes) == sorted(
        [(u, "fetched") for u in urls[:7]] + [(u, "missing") for u in urls[7:]])


def test_ftp_is_fetched_with_the_injected_opener(tmp_path):
    ftp_open, opened = ftp_serving(b"2025-06-01 12:00\n")
    outcome = fetch_one(tmp_path, Site(), FTP, ftp_open=ftp_open)
    assert (outcome.status, opened, Mirror(tmp_path).read_bytes(FTP)) == ("fetched", [FTP], b"2025-06-01 12:00\n")


def test_a_url_of_a_host_no_survey_publishes_on_is_refused_unasked(tmp_path):
    site = Site({"http://169.254.169.254/latest/meta-data/": b"secret\n"})
    outcome = fetch_one(tmp_path, site, "http://169.254.169.254/latest/meta-data/")
    assert (outcome.status, site.urls) == ("failed", [])
    assert "not one of the surveys' hosts" in outcome.detail and "secret" not in outcome.detail
    assert not (tmp_path / "169.254.169.254").exists()
