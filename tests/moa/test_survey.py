"""MOA in the build (moa/survey.py): the real 2017 index.dat with the hand-written pages in a mirror, loaded into a
database; and the URLs of an event's files."""

import math
import sqlite3

import pytest

from microlensing_to_sqlite.load import build
from microlensing_to_sqlite.mirror import Mirror
from microlensing_to_sqlite.moa import MOA, site
from microlensing_to_sqlite.moa.times import jd_to_hjd_minus_2450000
from tests.support.moa_pages import ALERT_PHP, DISPLAY_PHP, MOA2OGLE, PHOT, PRIME_DISPLAY, handwritten, name
from tests.support.paths import RECORDED_MIRROR

FIRST = name(2017, 1)
INTERNAL_ID = "gb2-R-2-19629"


def mirror_2017(folder, display_edit=lambda page: page):
    """A mirror of season 2017: the real index.dat, and the hand-written pages of MOA-2017-BLG-001."""
    mirror = Mirror(folder)
    mirror.write(site.index_dat_url(2017), Mirror(RECORDED_MIRROR).read_bytes(site.index_dat_url(2017)))
    mirror.write(site.alert_php_url(2017), handwritten(ALERT_PHP).encode())
    mirror.write(site.moa2ogle_url(2017), handwritten(MOA2OGLE).encode())
    mirror.write(site.display_php_url(2017, INTERNAL_ID), display_edit(handwritten(DISPLAY_PHP)).encode())
    mirror.write(site.photometry_url(2017, INTERNAL_ID), handwritten(PHOT).encode())
    return mirror


def build_2017(folder, display_edit=lambda page: page):
    build(mirror_2017(folder / "mirror", display_edit), folder / "x.db", [(MOA, [2017])], fit=False)
    db = sqlite3.connect(folder / "x.db")
    db.row_factory = sqlite3.Row
    return db


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    db = build_2017(tmp_path_factory.mktemp("moa-2017"))
    yield db
    db.close()


def alert(db, full_name):
    return db.execute("select * from alerts where alert_name = ?", [full_name]).fetchone()


def photometry(db):
    return db.execute("select * from photometry where alert_id = ? order by hjd", [FIRST.alert_id]).fetchall()


def test_every_index_dat_row_loads(db):
    assert db.execute("select count(*) from alerts").fetchone()[0] == 8


def test_calibration_from_index_dat_without_an_event_page(db):
    row = alert(db, "MOA-2017-BLG-002")
    assert (row["zp"], row["f_ref"]) == (27.6939729941, 14125.0241051)


def test_event_page_gives_uncertainties(db):
    row = alert(db, "MOA-2017-BLG-001")
    assert row["tE_err"] is not None and row["t0_err"] is not None


def test_event_page_gives_its_calibration(db):
    row = alert(db, "MOA-2017-BLG-001")
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
    assert first["hjd"] == pytest.approx(jd_to_hjd_minus_2450000(2457750.123456, 268.434977871, -34.2212870236),
                                         abs=1e-5)
    assert first["hjd"] != round(2457750.123456 - 2450000, 5)


def test_bad_rows_are_dropped(db):
    # The page has 12 rows: a JD 0 placeholder, a point 28000 days early and a zero flux error go.
    assert len(photometry(db)) == 9 - 1  # and one more has delta flux + F_ref <= 0: no magnitude


def test_uncalibrated_event_keeps_fluxes_with_null_magnitudes(tmp_path):
    db = build_2017(tmp_path, lambda page: page.replace("&#916F + 7518.9", "&#916F + 0.0"))
    rows = photometry(db)
    db.close()
    assert len(rows) == 9 and all(r["mag"] is None and r["mag_err"] is None and r["delta_flux"] is not None
                                  for r in rows)


def test_event_urls_need_the_internal_id_from_index_dat(tmp_path):
    mirror = mirror_2017(tmp_path)
    assert MOA.event_urls(mirror, FIRST) == [site.display_php_url(2017, INTERNAL_ID),
                                             site.photometry_url(2017, INTERNAL_ID)]


def test_moaprime_event_page_names_its_data_file(tmp_path):
    mirror = Mirror(tmp_path)
    mirror.write(site.prime_display_url(name(2025, 1)), handwritten(PRIME_DISPLAY).encode())
    assert MOA.followup_urls(mirror, name(2025, 1), ["I"]) == [
        "https://moaprime.massey.ac.nz/alerts/datafile/MOA/MOA-2025-BLG-0001"]
