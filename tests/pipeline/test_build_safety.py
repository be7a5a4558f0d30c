"""A failed or interrupted build never touches the database being served; a bad file is skipped."""

import sqlite3

import pytest

from microlensing_to_sqlite.ogle import OGLE, site as ogle
from microlensing_to_sqlite.ogle.demo import LENSES_PAR_HEADER
from microlensing_to_sqlite.load import build
from microlensing_to_sqlite.mirror import Mirror
from microlensing_to_sqlite.names import AlertName

SEASON = 2025
FIRST = AlertName("OGLE", SEASON, "BLG", 1)
SECOND = AlertName("OGLE", SEASON, "BLG", 2)
LIST = LENSES_PAR_HEADER + (
    "2025-BLG-0001 BLG497.22  26223 17:19:44.68 -27:43:21.4 2460746.661 2025-03-12.16 28.56   0.128  7.889 2.243 1.000 19.911 19.911\n"
    "2025-BLG-0002 BLG498.16  23293 17:17:24.61 -29:19:44.8 2460697.501 2025-01-22.00 111.4   0.138  7.309 2.160 1.000 18.961 18.961\n")
PHOT = "2457821.85063 20.079 0.223 4.66 83.0\n2457822.90785 20.084 0.261 4.73 120.0\n"


@pytest.fixture
def mirror(tmp_path):
    mirror = Mirror(tmp_path / "mirror")
    mirror.write(ogle.lenses_par_url(SEASON), LIST.encode())
    mirror.write(ogle.phot_url(FIRST), PHOT.encode())
    mirror.write(ogle.phot_url(SECOND), PHOT.encode())
    return mirror


def run(mirror, db_path, **options):
    return build(mirror, db_path, [(OGLE, [SEASON])], fit=False, **options)


def test_a_file_that_does_not_parse_is_reported_and_skipped(mirror, tmp_path):
    mirror.write(ogle.phot_url(SECOND), (PHOT + "2457823.1 20.1 oops 4.7 120.0\n").encode())
    report = run(mirror, tmp_path / "x.db")
    [problem] = [p for p in report.problems if p["kind"] == "parse_error"]
    assert (problem["url"], problem["line"]) == (ogle.phot_url(SECOND), 3)
    assert "5 numbers" in problem["detail"]
    db = sqlite3.connect(tmp_path / "x.db")
    assert db.execute("select alert_name, n_photometry from alerts order by 1").fetchall() == [
        ("OGLE-2025-BLG-0001", 2), ("OGLE-2025-BLG-0002", 0)]
    assert db.execute("select url, line from build_problems where kind = 'parse_error'").fetchall() == [
        (ogle.phot_url(SECOND), 3)]


def test_a_truncated_file_loads_none_of_its_rows(mirror, tmp_path):
    mirror.write(ogle.phot_url(SECOND), PHOT.encode()[:-10])
    run(mirror, tmp_path / "x.db")
    db = sqlite3.connect(tmp_path / "x.db")
    assert db.execute("select count(*) from photometry where alert_id = ?", [SECOND.alert_id]).fetchone()[0] == 0


def test_a_failed_build_leaves_the_old_database(mirror, tmp_path, monkeypatch):
    db_path = tmp_path / "microlensing.db"
    run(mirror, db_path)
    before = db_path.read_bytes()

    def explode(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(OGLE, "read_alert", explode)
    with pytest.raises(RuntimeError):
        run(mirror, db_path, full=True)  # every event read again, and the reading fails
    assert db_path.read_bytes() == before
    assert not (tmp_path / "microlensing.db.building").exists()


def test_a_leftover_partial_build_is_replaced(mirror, tmp_path):
    (tmp_path / "microlensing.db.building").write_bytes(b"half a database")
    run(mirror, tmp_path / "microlensing.db")
    db = sqlite3.connect(tmp_path / "microlensing.db")
    assert db.execute("pragma integrity_check").fetchone()[0] == "ok"
    assert not (tmp_path / "microlensing.db.building").exists()


def test_a_missing_season_list_is_recorded(tmp_path):
    report = run(Mirror(tmp_path / "empty"), tmp_path / "x.db")
    assert [(p["kind"], p["url"]) for p in report.problems] == [("missing", ogle.lenses_par_url(SEASON))]


def test_repeated_times_in_one_file_are_loaded_once(mirror, tmp_path):
    mirror.write(ogle.phot_url(FIRST), (PHOT + PHOT.splitlines()[0] + "\n").encode())
    run(mirror, tmp_path / "x.db")
    db = sqlite3.connect(tmp_path / "x.db")
    assert db.execute("select n_photometry from alerts where alert_id = ?", [FIRST.alert_id]).fetchone()[0] == 2
