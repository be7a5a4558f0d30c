"""An answer into the mirror, or not (microlensing_to_sqlite/fetch/store.py): a 200 replaces the copy whole, the
same bytes leave it alone, and a 404 or 410 or a failure keeps it."""

import os

import pytest

from microlensing_to_sqlite.mirror import Mirror
from tests.support.fetching import FTP, PHOT_LINE, URL, fetch_one, ftp_serving, stale_copy
from tests.support.site import KMT_2019_EVENT_PAGE, Site, respond


def test_fetch_200_writes_the_body_to_the_mirror_path(tmp_path):
    fetch_one(tmp_path, Site({URL: PHOT_LINE}))
    assert (tmp_path / "www.astrouw.edu.pl/ogle/ogle4/ews/2025/blg-0001/phot.dat").read_bytes() == PHOT_LINE


def test_fetch_200_replaces_the_old_copy_and_leaves_no_partial_file(tmp_path):
    stale_copy(tmp_path)
    fetch_one(tmp_path, Site({URL: b"new\n"}))
    folder = tmp_path / "www.astrouw.edu.pl/ogle/ogle4/ews/2025/blg-0001"
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == {"phot.dat": b"new\n"}


def test_fetch_url_with_query_string_writes_that_file_name(tmp_path):
    fetch_one(tmp_path, Site({KMT_2019_EVENT_PAGE: b"<html></html>"}), KMT_2019_EVENT_PAGE)
    assert (tmp_path / "kmtnet.kasi.re.kr/~ulens/event/2019/view.php?event=KMT-2019-BLG-0001").is_file()


@pytest.mark.parametrize("status", [404, 410])
def test_fetch_gone_is_missing(tmp_path, status):
    outcome = fetch_one(tmp_path, Site(answers={URL: respond(status, b"Not Found")}))
    assert (outcome.status, outcome.detail) == ("missing", f"HTTP {status}")


@pytest.mark.parametrize("status", [404, 410])
def test_fetch_gone_keeps_the_mirror_copy_and_says_so(tmp_path, status):
    path = stale_copy(tmp_path)
    outcome = fetch_one(tmp_path, Site(answers={URL: respond(status, b"Not Found")}))
    assert (outcome.status, outcome.detail) == (
        "gone", f"HTTP {status}: the site no longer has it; the mirror's copy is kept")
    assert path.read_bytes() == b"old copy\n"


def test_fetch_persistent_500_keeps_the_old_mirror_copy(tmp_path):
    stale_copy(tmp_path)
    fetch_one(tmp_path, Site(answers={URL: respond(500, b"oops")}))
    assert Mirror(tmp_path).read_text(URL) == "old copy\n"


def test_an_identical_200_body_is_unchanged_and_not_rewritten(tmp_path):
    path = stale_copy(tmp_path, content=b"same\n")
    os.utime(path, ns=(1_000_000_000_000_000_000, 1_000_000_000_000_000_000))
    outcome = fetch_one(tmp_path, Site({URL: b"same\n"}))
    assert (outcome.status, path.stat().st_mtime_ns) == ("unchanged", 1_000_000_000_000_000_000)


def test_a_200_with_new_content_is_fetched(tmp_path):
    stale_copy(tmp_path, content=b"old\n")
    outcome = fetch_one(tmp_path, Site({URL: b"new\n"}))
    assert (outcome.status, Mirror(tmp_path).read_bytes(URL)) == ("fetched", b"new\n")


def test_ftp_with_the_mirrored_bytes_is_unchanged(tmp_path):
    stale_copy(tmp_path, FTP, b"2025-06-01 12:00\n")
    ftp_open, _ = ftp_serving(b"2025-06-01 12:00\n")
    assert fetch_one(tmp_path, Site(), FTP, ftp_open=ftp_open).status == "unchanged"


def test_an_empty_200_is_a_failed_fetch(tmp_path):
    outcome = fetch_one(tmp_path, Site(answers={URL: respond(200, b"")}))
    assert (outcome.status, outcome.detail) == ("failed", "an empty answer where a file was expected")


def test_an_empty_200_keeps_the_good_copy(tmp_path):
    path = stale_copy(tmp_path, content=b"the good copy\n")
    fetch_one(tmp_path, Site(answers={URL: respond(200, b"")}))
    assert path.read_bytes() == b"the good copy\n"


def test_a_folder_where_the_copy_should_be_is_a_failed_fetch(tmp_path):
    Mirror(tmp_path).path(URL).mkdir(parents=True)
    outcome = fetch_one(tmp_path, Site({URL: PHOT_LINE}))
    assert outcome.status == "failed" and outcome.detail.startswith("cannot write to the mirror")
