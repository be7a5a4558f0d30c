"""An offline build of every real file in ../shared/survey-samples/mirror."""

import sqlite3

import pytest

from build.__main__ import main


@pytest.fixture(scope="module")
def shared_db(shared_mirror, tmp_path_factory):
    path = tmp_path_factory.mktemp("shared") / "microlensing.db"
    main(["--offline", "--mirror", str(shared_mirror), "--db", str(path), "--surveys", "ogle"])
    db = sqlite3.connect(path)
    db.row_factory = sqlite3.Row
    yield db
    db.close()


def alert(db, name):
    return db.execute("select * from alerts where alert_name = ?", [name]).fetchone()


def test_every_2016_listed_event_loads_without_its_files(shared_db):
    assert shared_db.execute("select count(*) from alerts where season = 2016").fetchone()[0] == 1927


def test_2016_per_event_files_are_recorded_missing(shared_db):
    missing = shared_db.execute(
        "select count(*) from build_problems where season = 2016 and kind = 'missing'").fetchone()[0]
    assert missing == 2 * 1927


def test_t0_err_from_params_dat(shared_db):
    assert alert(shared_db, "OGLE-2025-BLG-0001")["t0_err"] == 0.203


def test_t0_is_hjd_minus_2450000(shared_db):
    assert alert(shared_db, "OGLE-2025-BLG-0001")["t0"] == 10746.661


def test_photometry_count(shared_db):
    assert alert(shared_db, "OGLE-2025-BLG-0001")["n_photometry"] == 265
    assert shared_db.execute("select count(*) from photometry where alert_id = 10250001").fetchone()[0] == 265


def test_u0_zero_has_null_amax(shared_db):
    row = alert(shared_db, "OGLE-2025-BLG-0006")
    assert (row["u0"], row["Amax"], row["Dmag"]) == (0, None, None)


def test_unlisted_event_folders_in_the_mirror_load(shared_db):
    # Neither is in the 2025 lenses.par head; 2023 has no list at all.
    assert alert(shared_db, "OGLE-2025-BLG-0013")["fbl"] == 0.470
    assert alert(shared_db, "OGLE-2025-BLG-0368")["n_photometry"] == 4519
    assert alert(shared_db, "OGLE-2023-BLG-0348")["n_photometry"] == 2995


def test_params_dat_overrides_lenses_par(shared_db):
    # lenses.par writes tau 28.56; params.dat 28.568 with its error.
    row = alert(shared_db, "OGLE-2025-BLG-0001")
    assert (row["tE"], row["tE_err"]) == (28.568, 1.387)


def test_listed_event_without_params_has_no_errors(shared_db):
    row = alert(shared_db, "OGLE-2025-BLG-0002")
    assert (row["tE"], row["tE_err"]) == (111.4, None)


def test_photometry_times_are_hjd_minus_2450000(shared_db):
    first = shared_db.execute(
        "select hjd, mag, mag_err, seeing, sky from photometry where alert_id = 10250368 order by hjd limit 1").fetchone()
    assert tuple(first) == (7790.8768, 19.817, 0.118, 5.67, 510.0)


def test_galactic_coordinates(shared_db):
    row = alert(shared_db, "OGLE-2025-BLG-0001")
    assert (row["l"], row["b"]) == pytest.approx((357.9153, 5.4362), abs=1e-3)


def test_not_synthetic(shared_db):
    assert shared_db.execute("select value from build_info where key = 'synthetic'").fetchone()[0] == "0"


def test_events_option_loads_only_the_named_events(shared_mirror, tmp_path):
    path = tmp_path / "events.db"
    main(["--offline", "--mirror", str(shared_mirror), "--db", str(path),
          "--events", "OGLE-2025-BLG-0013", "OGLE-2025-BLG-0368"])
    db = sqlite3.connect(path)
    assert db.execute("select alert_name, fbl, n_photometry from alerts order by 1").fetchall() == [
        ("OGLE-2025-BLG-0013", 0.47, 0), ("OGLE-2025-BLG-0368", None, 4519)]


def test_events_option_takes_list_values_when_the_mirror_has_the_list(shared_mirror, tmp_path):
    path = tmp_path / "events.db"
    main(["--offline", "--mirror", str(shared_mirror), "--db", str(path), "--events", "OGLE-2016-BLG-0001"])
    db = sqlite3.connect(path)
    assert db.execute("select tE, u0 from alerts").fetchall() == [(194.5, 0.266)]
