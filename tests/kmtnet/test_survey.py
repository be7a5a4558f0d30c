"""KMTNet in the build: which files are fetched, and pySIS files read from the per-event bundle."""

import sqlite3

from microlensing_to_sqlite.kmtnet import KMTNET, site
from microlensing_to_sqlite.load import build
from microlensing_to_sqlite.mirror import Mirror
from microlensing_to_sqlite.names import AlertName
from tests.support.site import PYSIS_ONE_ROW as PYSIS, one_row_bundle as bundle

NAME = AlertName("KMT", 2019, "BLG", 1)


def mirror_with_view_page(recorded_mirror, folder):
    """A mirror in `folder` holding only the recorded view.php of NAME."""
    mirror = Mirror(folder)
    mirror.write(site.view_url(NAME), Mirror(recorded_mirror).read_bytes(site.view_url(NAME)))
    return mirror


def test_followup_fetches_the_bundle_when_it_saves_requests(recorded_mirror, tmp_path):
    mirror = mirror_with_view_page(recorded_mirror, tmp_path)
    # The page names three I-band and three V-band files.
    assert KMTNET.followup_urls(mirror, NAME, ["I"]) == [site.pysis_tarball_url(NAME)]


def test_followup_fetches_single_files_when_few(tmp_path):
    mirror = Mirror(tmp_path)
    mirror.write(site.pysis_url(NAME, "KMTC11_I.pysis"), PYSIS.encode())
    assert KMTNET.followup_urls(mirror, NAME, ["I"]) == [site.pysis_url(NAME, "KMTC11_I.pysis")]


def test_pysis_files_are_read_from_the_bundle(recorded_mirror, tmp_path):
    mirror = mirror_with_view_page(recorded_mirror, tmp_path / "mirror")
    mirror.write(site.pysis_tarball_url(NAME), bundle(["KMTA11_I.pysis", "KMTC11_I.pysis", "KMTS11_I.pysis"]))
    report = build(mirror, tmp_path / "x.db", [(KMTNET, [2019])], events=[NAME], fit=False)
    db = sqlite3.connect(tmp_path / "x.db")
    assert db.execute("select telescope, count(*) from photometry group by 1").fetchall() == [
        ("KMTA11", 1), ("KMTC11", 1), ("KMTS11", 1)]
    assert [p for p in report.problems if p["kind"] != "missing"] == []


def test_a_corrupt_bundle_is_reported(recorded_mirror, tmp_path):
    mirror = mirror_with_view_page(recorded_mirror, tmp_path / "mirror")
    mirror.write(site.pysis_tarball_url(NAME), b"\x1f\x8b not really gzip")
    report = build(mirror, tmp_path / "x.db", [(KMTNET, [2019])], events=[NAME], fit=False)
    assert [p["url"] for p in report.problems if p["kind"] == "parse_error"] == [site.pysis_tarball_url(NAME)]
