"""One request with its retries (microlensing_to_sqlite/fetch/request.py): what is asked again and what is not,
the exponential backoff, and the server's Retry-After. A recording sleep takes the waits: nothing is timed."""

import datetime
import email.utils
import urllib.error

import httpx
import pytest

from microlensing_to_sqlite import limits
from microlensing_to_sqlite.fetch.request import ATTEMPTS
from microlensing_to_sqlite.mirror import Mirror
from tests.support.fetching import FTP, OGLE_HOST, URL, Sleeps, fetch_one, ftp_serving, stale_copy
from tests.support.site import Site, in_turn, raising, respond, serving

RETRY_AFTER_7 = respond(429, headers={"Retry-After": "7"})


def test_fetch_404_is_not_retried(tmp_path):
    site = Site()
    fetch_one(tmp_path, site)
    assert site.urls == [URL]


def test_fetch_503_then_200_is_retried_and_fetched(tmp_path):
    site = Site(answers={URL: in_turn(respond(503, b"busy"), serving(b"body\n"))})
    outcome = fetch_one(tmp_path, site)
    assert (outcome.status, site.urls, Mirror(tmp_path).read_text(URL)) == ("fetched", [URL, URL], "body\n")


def test_fetch_persistent_500_fails_after_every_attempt(tmp_path):
    site = Site(answers={URL: respond(500, b"oops")})
    outcome = fetch_one(tmp_path, site)
    assert (outcome.status, outcome.detail, len(site.urls)) == ("failed", "HTTP 500", ATTEMPTS)


def test_fetch_403_fails_without_retrying(tmp_path):
    site = Site(answers={URL: respond(403, b"No access granted")})
    outcome = fetch_one(tmp_path, site)
    assert (outcome.status, outcome.detail, site.urls) == ("failed", "HTTP 403", [URL])


def test_fetch_connection_error_fails_and_keeps_the_old_copy(tmp_path):
    stale_copy(tmp_path)
    outcome = fetch_one(tmp_path, Site(otherwise=raising(httpx.ConnectError, "connection refused")))
    assert (outcome.status, Mirror(tmp_path).read_text(URL)) == ("failed", "old copy\n")
    assert outcome.detail.startswith("ConnectError")


def test_a_timeout_is_retried(tmp_path):
    site = Site(otherwise=in_turn(raising(httpx.ReadTimeout, "read timed out"), serving(b"x\n")))
    assert fetch_one(tmp_path, site).status == "fetched"


def test_retries_back_off_exponentially_with_jitter(tmp_path):
    sleeps = Sleeps()
    outcome = fetch_one(tmp_path, Site(otherwise=respond(500)), backoff=1.0, attempts=4, sleep=sleeps)
    assert outcome.status == "failed" and len(sleeps) == 3
    assert [0.5 <= s / 2 ** i <= 1.5 for i, s in enumerate(sleeps)] == [True] * 3


def test_429_with_retry_after_seconds_is_waited_out_then_fetched(tmp_path):
    sleeps = Sleeps()
    site = Site(otherwise=in_turn(RETRY_AFTER_7, serving(b"x\n")))
    outcome = fetch_one(tmp_path, site, sleep=sleeps)
    assert outcome.status == "fetched" and len(site.to(OGLE_HOST)) == 2
    assert sleeps == [pytest.approx(7, abs=0.1)]


def test_retry_after_as_an_http_date_is_waited_out(tmp_path):
    when = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=30)
    sleeps = Sleeps()
    site = Site(otherwise=in_turn(respond(429, headers={"Retry-After": email.utils.format_datetime(when, usegmt=True)}),
                                  serving(b"x\n")))
    outcome = fetch_one(tmp_path, site, sleep=sleeps)
    assert outcome.status == "fetched" and sleeps == [pytest.approx(30, abs=2)]


def test_503_with_retry_after_is_waited_out_then_fetched(tmp_path):
    sleeps = Sleeps()
    site = Site(otherwise=in_turn(respond(503, headers={"Retry-After": "5"}), serving(b"x\n")))
    outcome = fetch_one(tmp_path, site, sleep=sleeps)
    assert outcome.status == "fetched" and sleeps == [pytest.approx(5, abs=0.1)]


def test_a_long_retry_after_is_capped_at_five_minutes(tmp_path):
    sleeps = Sleeps()
    fetch_one(tmp_path, Site(otherwise=in_turn(respond(429, headers={"Retry-After": "86400"}), respond(200))),
              sleep=sleeps)
    assert sleeps == [pytest.approx(300, abs=0.1)]


def test_ftp_errors_are_retried(tmp_path):
    ftp_open, opened = ftp_serving(urllib.error.URLError("ftp error: timed out"), b"x\n")
    outcome = fetch_one(tmp_path, Site(), FTP, ftp_open=ftp_open)
    assert (outcome.status, len(opened)) == ("fetched", 2)


def test_what_a_server_says_in_an_error_is_quoted_one_line_and_short(tmp_path):
    """The detail is published on the health page: a server's words are cut to one line, capped and escaped."""
    said = "550 " + "<script>x</script>\x1b[31m" * 40 + "\nsecond line of the server's reply"
    ftp_open, _ = ftp_serving(urllib.error.URLError(said))
    outcome = fetch_one(tmp_path, Site(), FTP, ftp_open=ftp_open)
    assert outcome.status == "missing"
    assert "\n" not in outcome.detail and "\x1b" not in outcome.detail and len(outcome.detail) < 160
    assert "second line" not in outcome.detail


def test_an_answer_bigger_than_its_kinds_cap_is_refused_and_not_stored(tmp_path, monkeypatch):
    monkeypatch.setattr(limits, "PHOTOMETRY", 1000, raising=False)
    outcome = fetch_one(tmp_path, Site({URL: b"2457821.85063 20.079 0.223\n" * 100}))
    assert outcome.status == "failed" and "refused" in outcome.detail and "1,000 bytes" in outcome.detail
    assert Mirror(tmp_path).read_bytes(URL) is None


def test_an_endless_answer_is_read_no_further_than_the_cap(tmp_path, monkeypatch):
    """An answer without a Content-Length is streamed, and dropped once past the cap: never held whole."""
    monkeypatch.setattr(limits, "PHOTOMETRY", 64 * 1024, raising=False)
    sent = []

    def endless():
        while len(sent) < 10_000:  # 10 MB, should the fetcher read it all
            sent.append(1)
            yield b"x" * 1024

    outcome = fetch_one(tmp_path, Site(answers={URL: lambda request, attempt: httpx.Response(200, content=endless())}))
    assert outcome.status == "failed" and "refused" in outcome.detail
    assert len(sent) < 100


def test_an_ftp_answer_bigger_than_its_cap_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(limits, "LIST_OR_PAGE", 10, raising=False)
    ftp_open, _ = ftp_serving(b"2025-06-01 12:00:00 and much more\n")
    outcome = fetch_one(tmp_path, Site(), FTP, ftp_open=ftp_open)
    assert outcome.status == "failed" and "refused" in outcome.detail
