"""MOA in the build: the real 2017 index.dat with hand-written pages (tests/fixtures/moa) in a mirror."""

import math
import pathlib
import sqlite3

import pytest

from build import moa, moa_build
from build.load import build
from build.mirror import Mirror
from build.names import AlertName

FIXTURES = pathlib.Path(__file__).parent / "fixtures" / "moa"
FIRST = AlertName("MOA", 2017, "BLG", 1)
INTERNAL_ID = "gb2-R-2-19629"


def mirror_2017(shared_mirror, folder, display_edit=lambda page: page):
    mirror = Mirror(folder)
    mirror.write(moa.index_dat_url(2017), Mirror(shared_mirror).read_bytes(moa.index_dat_url(2017)))
    mirror.write(moa.alert_php_url(2017), (FIXTURES / "alert.php.2017.html").read_bytes())
    mirror.write(moa.moa2ogle_url(2017), (FIXTURES / "moa2ogle.2017.txt").read_bytes())
    page = (FIXTURES / "display.php.gb2-R-2-19629.html").read_text()
    mirror.write(moa.display_php_url(2017, INTERNAL_ID), display_edit(page).encode())
    mirror.write(moa.photometry_url(2017, INTERNAL_ID), (FIXTURES / "fetchtxt.phot-gb2-R-2-19629.html").read_bytes())
    return mirror


@pytest.fixture
def db(shared_mirror, tmp_path):
    mirror = mirror_2017(shared_mirror, tmp_path / "mirror")
    build(mirror, tmp_path / "x.db", [(moa_build, [2017])])
    db = sqlite3.connect(tmp_path / "x.db")
    db.row_factory = sqlite3.Row
    return db


def alert(db, name):
    return db.execute("select * from alerts where alert_name = ?", [name]).fetchone()


def photometry(db):
    return db.execute("select * from photometry where alert_id = ? order by hjd", [FIRST.alert_id]).fetchall()


def test_every_index_dat_row_loads(db):
    assert db.execute("select count(*) from alerts").fetchone()[0] == 8


def test_calibration_from_index_dat_without_an_event_page(db):
    row = alert(db, "MOA-2017-BLG-002")
    assert (row["zp"], row["f_ref"]) == (27.6939729941, 14125.0241051)


def test_event_page_gives_uncertainties_and_its_calibration(db):
    row = alert(db, "MOA-2017-BLG-001")
    assert row["tE_err"] is not None and row["t0_err"] is not None
    assert (row["zp"], row["f_ref"]) == (25.70, 7518.9)


def test_assessment_from_alert_php(db):
    assert alert(db, "MOA-2017-BLG-003")["classification"] == "microlensing"


def test_moa2ogle_pairs_are_published_cross_references(db):
    rows = db.execute("select alert_name, other_name from published_crossrefs where source = 'moa2ogle'").fetchall()
    assert ("MOA-2017-BLG-001", "OGLE-2017-BLG-0094") in [tuple(r) for r in rows]


def test_magnitudes_follow_the_calibration(db):
    for row in photometry(db):
        total = row["delta_flux"] + 7518.9
        assert row["mag"] == pytest.approx(25.70 - 2.5 * math.log10(total), abs=1e-4)
        assert row["mag_err"] == pytest.approx(2.5 / math.log(10) * row["flux_err"] / total, abs=1e-4)


def test_times_are_heliocentric(db):
    first = photometry(db)[0]
    assert first["hjd"] == pytest.approx(moa.jd_to_hjd_minus_2450000(2457750.123456, 268.434977871, -34.2212870236),
                                         abs=1e-5)
    assert first["hjd"] != round(2457750.123456 - 2450000, 5)


def test_bad_rows_are_dropped(db):
    # The fixture has 12 rows: a JD 0 placeholder, a point 28000 days early and a zero flux error go.
    assert len(photometry(db)) == 9 - 1  # and one more has delta flux + F_ref <= 0: no magnitude


def test_uncalibrated_event_keeps_fluxes_with_null_magnitudes(shared_mirror, tmp_path):
    mirror = mirror_2017(shared_mirror, tmp_path / "mirror",
                         lambda page: page.replace("&#916F + 7518.9", "&#916F + 0.0"))
    build(mirror, tmp_path / "x.db", [(moa_build, [2017])])
    db = sqlite3.connect(tmp_path / "x.db")
    rows = db.execute("select mag, mag_err, delta_flux from photometry where alert_id = ?", [FIRST.alert_id]).fetchall()
    assert len(rows) == 9 and all(r[0] is None and r[1] is None and r[2] is not None for r in rows)


def test_event_urls_need_the_internal_id_from_index_dat(shared_mirror, tmp_path):
    mirror = mirror_2017(shared_mirror, tmp_path)
    assert moa_build.event_urls(mirror, FIRST) == [moa.display_php_url(2017, INTERNAL_ID),
                                                   moa.photometry_url(2017, INTERNAL_ID)]


def test_moaprime_event_page_names_its_data_file(tmp_path):
    name = AlertName("MOA", 2025, "BLG", 1)
    mirror = Mirror(tmp_path)
    mirror.write(moa.prime_display_url(name), (FIXTURES / "moaprime.display.MOA-2025-BLG-0001.html").read_bytes())
    assert moa_build.followup_urls(mirror, name, ["I"]) == [
        "https://moaprime.massey.ac.nz/alerts/datafile/MOA/MOA-2025-BLG-0001"]
