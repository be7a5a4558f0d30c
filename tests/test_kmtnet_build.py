"""KMTNet in the build: which files are fetched, and pySIS files read from the per-event bundle."""

import io
import sqlite3
import tarfile

from build import kmtnet, kmtnet_build
from build.load import build
from build.mirror import Mirror
from build.names import AlertName

NAME = AlertName("KMT", 2019, "BLG", 1)
PYSIS = ("# HJD  \\Delta_flux flux_err  mag  mag_err  fwhm  sky  secz\n"
         "8540.21006    -607.3898   230.0665    17.0141    0.0101    3.93  1288  1.90\n")


def test_followup_fetches_the_bundle_when_it_saves_requests(shared_mirror, tmp_path):
    mirror = Mirror(tmp_path)
    mirror.write(kmtnet.view_url(NAME), Mirror(shared_mirror).read_bytes(kmtnet.view_url(NAME)))
    # The page names three I-band and three V-band files.
    assert kmtnet_build.followup_urls(mirror, NAME, ["I"]) == [kmtnet.pysis_tarball_url(NAME)]


def test_followup_fetches_single_files_when_few(shared_mirror, tmp_path):
    mirror = Mirror(tmp_path)
    mirror.write(kmtnet.pysis_url(NAME, "KMTC11_I.pysis"), PYSIS.encode())
    assert kmtnet_build.followup_urls(mirror, NAME, ["I"]) == [kmtnet.pysis_url(NAME, "KMTC11_I.pysis")]


def test_pysis_files_are_read_from_the_bundle(shared_mirror, tmp_path):
    mirror = Mirror(tmp_path / "mirror")
    mirror.write(kmtnet.view_url(NAME), Mirror(shared_mirror).read_bytes(kmtnet.view_url(NAME)))
    bundle = io.BytesIO()
    with tarfile.open(fileobj=bundle, mode="w:gz") as tar:
        for file_name in ("KMTA11_I.pysis", "KMTC11_I.pysis", "KMTS11_I.pysis"):
            member = tarfile.TarInfo(f"KB190001/{file_name}")
            member.size = len(PYSIS)
            tar.addfile(member, io.BytesIO(PYSIS.encode()))
    mirror.write(kmtnet.pysis_tarball_url(NAME), bundle.getvalue())
    report = build(mirror, tmp_path / "x.db", [(kmtnet_build, [2019])], events=[NAME])
    db = sqlite3.connect(tmp_path / "x.db")
    assert db.execute("select telescope, count(*) from photometry group by 1").fetchall() == [
        ("KMTA11", 1), ("KMTC11", 1), ("KMTS11", 1)]
    assert [p for p in report.problems if p["kind"] != "missing"] == []


def test_a_corrupt_bundle_is_reported(shared_mirror, tmp_path):
    mirror = Mirror(tmp_path / "mirror")
    mirror.write(kmtnet.view_url(NAME), Mirror(shared_mirror).read_bytes(kmtnet.view_url(NAME)))
    mirror.write(kmtnet.pysis_tarball_url(NAME), b"\x1f\x8b not really gzip")
    report = build(mirror, tmp_path / "x.db", [(kmtnet_build, [2019])], events=[NAME])
    assert [p["url"] for p in report.problems if p["kind"] == "parse_error"] == [kmtnet.pysis_tarball_url(NAME)]
