"""What a mirror holds is read only within bounds: a file bigger than its kind's cap, or a link to a file outside
the mirror, is a reported problem naming the file, and is not read (nor anything of it published)."""

import datetime
import sqlite3


from microlensing_to_sqlite import limits
from microlensing_to_sqlite.cli import main
from microlensing_to_sqlite.names import AlertName
from microlensing_to_sqlite.ogle import site as ogle

TODAY = datetime.date(2026, 12, 3)
OGLE_2025_0368 = AlertName("OGLE", 2025, "BLG", 368)


def build_ogle_2025(mirror):
    db = mirror.root.parent / "microlensing.db"
    status = main(["--offline", "--mirror", str(mirror.root), "--db", str(db), "--full", "--force", "--no-fit",
                   "--surveys", "ogle", "--years", "2025"], today=TODAY)
    with sqlite3.connect(db) as connection:
        return status, connection.execute("select url, detail from build_problems where kind = 'parse_error'").fetchall(), \
            connection.execute("select n_photometry from alerts where alert_name = ?", [OGLE_2025_0368.full]).fetchone()


def test_a_photometry_file_over_its_cap_is_a_reported_problem_not_read(mirror, monkeypatch):
    # The recorded phot.dat of OGLE-2025-BLG-0368 is 172 KB; the others are 14 KB at most.
    monkeypatch.setattr(limits, "PHOTOMETRY", 100_000, raising=False)
    status, problems, photometry = build_ogle_2025(mirror)
    assert (status, photometry) == (3, (0,))
    assert problems == [(ogle.phot_url(OGLE_2025_0368),
                         "expected a photometry file of at most 100,000 bytes, found '171,771 bytes: not read'")]


def test_a_link_to_a_file_outside_the_mirror_is_a_reported_problem_not_read(mirror):
    secret = mirror.root.parent / "secret.txt"
    secret.write_text("root:SECRET-OF-THE-MACHINE:0:0\n")
    path = mirror.path(ogle.phot_url(OGLE_2025_0368))
    path.unlink()
    path.symlink_to(secret)
    status, problems, photometry = build_ogle_2025(mirror)
    assert (status, photometry) == (3, (0,))
    assert problems == [(ogle.phot_url(OGLE_2025_0368),
                         "expected a file inside the mirror, found 'a link to a file outside it: not read'")]


def test_a_link_inside_the_mirror_is_read(mirror):
    path = mirror.path(ogle.phot_url(OGLE_2025_0368))
    kept = path.with_name("phot.dat.kept")
    path.rename(kept)
    path.symlink_to(kept)
    status, problems, photometry = build_ogle_2025(mirror)
    assert problems == [] and photometry[0] > 0
