"""Conditional requests (microlensing_to_sqlite/fetch/validators.py): each URL's ETag and Last-Modified, sent back
so that an unchanged file costs a 304, and kept between runs in the mirror's state file."""

import datetime
import json

from microlensing_to_sqlite.fetch.validators import STATE_FILE
from microlensing_to_sqlite.mirror import Mirror
from tests.support.fetching import OGLE_HOST, PHOT_LINE, URL, fetch, fetch_one, fetcher_for, ogle_urls
from tests.support.site import Site, in_turn, respond

VALIDATED = {"ETag": '"5f-1a2b"', "Last-Modified": "Wed, 21 May 2025 07:28:00 GMT"}


def validated(body):
    """Every request answered with body and VALIDATED."""
    return Site(otherwise=respond(200, body, VALIDATED))


def test_a_304_is_unchanged_and_the_validators_were_sent(tmp_path):
    site = Site(otherwise=in_turn(respond(200, b"first\n", VALIDATED), respond(304)))
    fetcher = fetcher_for(tmp_path, site)
    try:
        fetcher.fetch([URL])
        [outcome] = fetcher.fetch([URL])
    finally:
        fetcher.close()
    second = site.to(OGLE_HOST)[1]
    assert (outcome.status, Mirror(tmp_path).read_bytes(URL)) == ("unchanged", b"first\n")
    assert (second.headers["If-None-Match"], second.headers["If-Modified-Since"]) == (
        VALIDATED["ETag"], VALIDATED["Last-Modified"])


def test_no_validators_are_sent_when_the_mirror_lost_the_file(tmp_path):
    site = validated(b"first\n")
    fetch_one(tmp_path, site)
    Mirror(tmp_path).remove(URL)
    outcome = fetch_one(tmp_path, site)
    assert outcome.status == "fetched" and "If-None-Match" not in site.to(OGLE_HOST)[1].headers


def test_the_state_file_carries_the_validators_to_the_next_fetcher(tmp_path):
    fetch_one(tmp_path, validated(b"first\n"))
    site = Site(otherwise=respond(304))
    outcome = fetch_one(tmp_path, site)
    assert outcome.status == "unchanged" and site.to(OGLE_HOST)[0].headers["If-None-Match"] == VALIDATED["ETag"]


def test_the_state_file_is_json_in_the_mirror_root_with_no_partial_copy_left(tmp_path):
    fetch_one(tmp_path, validated(b"first\n"))
    assert sorted(p.name for p in tmp_path.iterdir()) == [STATE_FILE, OGLE_HOST]
    found = Mirror(tmp_path).path(URL).stat()
    assert json.loads((tmp_path / STATE_FILE).read_text()) == {
        URL: {"etag": VALIDATED["ETag"], "last_modified": VALIDATED["Last-Modified"],
              "copy": [found.st_size, found.st_mtime_ns]}}


def test_a_site_that_sends_no_validators_leaves_only_the_copies_recorded(tmp_path):
    urls = ogle_urls(2)
    fetch(tmp_path, Site(otherwise=respond(200, PHOT_LINE)), urls)
    assert {url: list(known) for url, known in json.loads((tmp_path / STATE_FILE).read_text()).items()} == {
        url: ["copy"] for url in urls}


def test_a_fetched_copy_says_when_it_was_fetched_and_no_other_copy_does(tmp_path):
    """The alerts' `fetched`: a file's time is the download's only where the fetch stage wrote that copy (a
    recorded file, or a clone of a mirror, has the time it was written here)."""
    before = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
    fetch_one(tmp_path, Site(otherwise=respond(200, PHOT_LINE)))
    mirror = Mirror(tmp_path)
    fetched = datetime.datetime.fromisoformat(mirror.fetched_at(URL))
    assert before <= fetched <= datetime.datetime.now(datetime.timezone.utc)
    mirror.write(URL, PHOT_LINE + PHOT_LINE)  # written here, not fetched
    assert mirror.fetched_at(URL) is None
    other = tmp_path / "recorded"
    Mirror(other).write(URL, PHOT_LINE)
    assert Mirror(other).fetched_at(URL) is None


def test_a_damaged_state_file_is_ignored(tmp_path):
    (tmp_path / STATE_FILE).write_text("{not json")
    outcome = fetch_one(tmp_path, validated(b"x\n"))
    assert outcome.status == "fetched" and URL in json.loads((tmp_path / STATE_FILE).read_text())


def test_a_404_for_a_file_never_held_remembers_when(tmp_path):
    fetch_one(tmp_path, Site())
    assert list(json.loads((tmp_path / STATE_FILE).read_text())[URL]) == ["missing_since"]


def test_a_404_for_a_file_held_keeps_the_copy_and_its_validators(tmp_path):
    fetch_one(tmp_path, validated(b"x\n"))
    fetch_one(tmp_path, Site())
    site = Site(otherwise=respond(304))
    assert fetch_one(tmp_path, site).status == "unchanged"
    assert site.to(OGLE_HOST)[0].headers["If-None-Match"] == VALIDATED["ETag"]


def test_validators_saved_while_another_fetch_rewrote_the_file_are_not_sent_for_the_new_copy(tmp_path):
    """Two surveys fetch side by side and share the state: one's fetch saves it after the other's wrote a new
    copy of a file but before it remembered that copy's validators, and the build is then killed. The old
    copy's validators (older than the new copy) must not be sent: the new copy's own time is."""
    from microlensing_to_sqlite.fetch.validators import Validators
    fetch_one(tmp_path, validated(b"first\n"))               # the old copy and its validators, saved
    mirror = Mirror(tmp_path)
    state = Validators(mirror)
    mirror.write(URL, b"second\n")                           # the other fetch stores the new copy...
    state.changed = True
    state.save()                                             # ...and this one saves the state: then the kill
    headers, known = Validators(mirror).conditions(URL)
    assert known == {} and headers.get("If-Modified-Since") != VALIDATED["Last-Modified"]
    assert "If-None-Match" not in headers


def test_validators_are_kept_with_the_copy_they_are_for(tmp_path):
    fetch_one(tmp_path, validated(b"first\n"))
    kept = json.loads((tmp_path / STATE_FILE).read_text())[URL]
    found = (Mirror(tmp_path).path(URL)).stat()
    assert kept["copy"] == [found.st_size, found.st_mtime_ns] and kept["etag"] == VALIDATED["ETag"]
