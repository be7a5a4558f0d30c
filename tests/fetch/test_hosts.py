"""Politeness per host (microlensing_to_sqlite/fetch/hosts.py): requests in flight, the rate of starts, a retry's
wait holding back the host, and giving up on a host that keeps failing; each host apart from the others.

A recording sleep takes the waits; only the concurrency tests really wait, a few hundredths of a second at a time."""

import collections

import httpx
import pytest

from microlensing_to_sqlite.fetch.outcome import Outcome
from tests.support.fetching import (KMT, KMT_HOST, OGLE, OGLE_HOST, PHOT_LINE, URL, Sleeps, fetch, kmt_urls,
                                    ogle_urls)
from tests.support.site import Site, in_turn, respond, serving

OK = serving(PHOT_LINE)


def statuses(outcomes, prefix=""):
    return collections.Counter(o.status for o in outcomes if o.url.startswith(prefix))


# Concurrency and rate ------------------------------------------------------------------------------------

def test_requests_in_flight_to_one_host_never_exceed_per_host(tmp_path):
    site = Site(otherwise=OK, delay={OGLE_HOST: 0.02})
    fetch(tmp_path, site, ogle_urls(12), per_host=3)
    assert 1 <= site.most[OGLE_HOST] <= 3


def test_two_hosts_are_fetched_in_parallel(tmp_path):
    site = Site(otherwise=OK, delay={OGLE_HOST: 0.05, KMT_HOST: 0.05})
    fetch(tmp_path, site, ogle_urls(6) + kmt_urls(6), per_host=2)
    assert site.most_overall > 2


def test_a_slow_host_does_not_hold_up_another(tmp_path):
    finished = []
    fetch(tmp_path, Site(otherwise=OK, delay={OGLE_HOST: 0.15}), ogle_urls(4) + kmt_urls(8), per_host=2,
          on_done=lambda o: finished.append(o.url))
    assert all(url.startswith(KMT) for url in finished[:8])


def test_the_rate_cap_spaces_the_starts_of_requests_to_one_host(tmp_path):
    sleeps = Sleeps()
    fetch(tmp_path, Site(otherwise=OK), ogle_urls(20), rate=50, sleep=sleeps)
    # Each start after the first waits for its slot; the 20th is booked 19 slots of 1/50 s after the first
    # (the sleep records and returns, so the clock moves only by the work done meanwhile).
    assert len(sleeps) == 19 and max(sleeps) >= 19 / 50 - 0.1


def test_the_rate_cap_is_per_host(tmp_path):
    sleeps = Sleeps()
    fetch(tmp_path, Site(otherwise=OK), ogle_urls(1) + kmt_urls(1), rate=0.1, sleep=sleeps)
    assert sleeps == []  # a 10 s spacing, yet the second host's first request did not wait for the first's


def test_a_retry_holds_back_the_other_requests_to_that_host(tmp_path):
    sleeps = Sleeps()
    site = Site(answers={URL: in_turn(respond(429, headers={"Retry-After": "7"}), respond(200))},
                otherwise=respond(200))
    fetch(tmp_path, site, ogle_urls(2), per_host=1, sleep=sleeps)
    # The recording sleep does not move the clock, so the second URL too is seen to wait the whole pause.
    assert sleeps == [pytest.approx(7, abs=0.1)] * 2


# Giving up on a host --------------------------------------------------------------------------------------

def test_a_persistently_failing_host_is_given_up_while_another_completes(tmp_path):
    site = Site(otherwise=lambda request, attempt: httpx.Response(500) if request.url.host == OGLE_HOST
                else OK(request, attempt))
    outcomes = fetch(tmp_path, site, ogle_urls(12) + kmt_urls(5), per_host=1, give_up_after=8, attempts=3)
    assert statuses(outcomes, OGLE) == {"failed": 8, "skipped": 4}
    assert len(site.to(OGLE_HOST)) == 8 * 3
    assert statuses(outcomes, KMT) == {"fetched": 5}


def test_a_skipped_url_says_why(tmp_path):
    outcomes = fetch(tmp_path, Site(otherwise=respond(500)), ogle_urls(3), per_host=1, give_up_after=2)
    assert outcomes[-1] == Outcome(ogle_urls(3)[-1], "skipped",
                                   f"not requested: the last 2 requests to {OGLE_HOST} failed")


def test_a_success_resets_the_count_of_failures(tmp_path):
    urls = ogle_urls(5)
    failing = {urls[0], urls[2], urls[3]}
    site = Site(otherwise=lambda request, attempt: httpx.Response(500 if str(request.url) in failing else 200,
                                                                  content=b"a file\n"))
    outcomes = fetch(tmp_path, site, urls, per_host=1, give_up_after=3, attempts=1)
    assert [o.status for o in outcomes] == ["failed", "fetched", "failed", "failed", "fetched"]
