"""The candidates view (issue 21, item 1): one row per physical event, on the database built from the recorded
real files."""

import contextlib
import datetime
import sqlite3

import pytest


def rows(db_path, sql, *parameters):
    with contextlib.closing(sqlite3.connect(db_path)) as db:
        db.row_factory = sqlite3.Row
        return [dict(row) for row in db.execute(sql, parameters)]


def test_one_row_per_physical_event(recorded_db_path):
    (events,), = [tuple(r.values()) for r in rows(recorded_db_path, "select count(*) from events")]
    found = rows(recorded_db_path, "select event_id, title, alert_name, n_alerts from candidates")
    assert len(found) == events == len({r["event_id"] for r in found})
    assert all(len(r["title"].split(" = ")) == r["n_alerts"] and r["title"].startswith(r["alert_name"]) for r in found)


def test_a_crossmatched_event_shows_its_names_our_fit_and_each_surveys(recorded_db_path):
    (row,) = rows(recorded_db_path, "select c.*, f.status, f.tE as fit_tE, f.t0 as fit_t0, "
                                    "(select value from build_info where key = 'built_at') as built_at "
                                    "from candidates c join fits f using (event_id) "
                                    "where c.title = 'OGLE-2025-BLG-0070 = MOA-2025-BLG-0010'")
    assert row["alert_name"] == "OGLE-2025-BLG-0070"  # OGLE's first
    assert (row["verdict"], row["tE"]) == (row["status"], row["fit_tE"])
    assert (row["ogle_tE"], row["ogle_tE_err"]) == (pytest.approx(37.674), pytest.approx(1.429))
    assert row["moa_tE_err"] is None  # MOA's page gives its fit without uncertainties, and says so:
    assert row["survey_fit_flags"] == 'MOA-2025-BLG-0010 ["no uncertainties"]'
    # t0's calendar date: HJD as JD (2451545.0 is 2000-01-01 12:00 UTC)
    peak = datetime.datetime(2000, 1, 1, 12) + datetime.timedelta(days=row["fit_t0"] + 2450000 - 2451545.0)
    assert row["t0_date"] == peak.date().isoformat()
    built = datetime.datetime.fromisoformat(row["built_at"])
    assert row["build_date"] == built.date().isoformat()
    today = (built - datetime.datetime(2000, 1, 1, 12, tzinfo=datetime.timezone.utc)).total_seconds() / 86400 \
        + 2451545.0 - 2450000
    assert row["days_since_peak"] == pytest.approx(today - row["fit_t0"], abs=0.05)


def test_an_event_without_photometry_has_no_verdict_not_a_made_up_one(recorded_db_path):
    unfitted = rows(recorded_db_path, "select verdict, tE, t0_date from candidates "
                                      "where event_id not in (select event_id from fits)")
    assert unfitted and all(r == {"verdict": None, "tE": None, "t0_date": None} for r in unfitted)


@pytest.mark.asyncio
async def test_the_page_links_every_alert_of_an_event(recorded_db_path, portal_for):
    datasette = portal_for(recorded_db_path)
    response = await datasette.client.get("/microlensing/candidates?title=OGLE-2025-BLG-0070+%3D+MOA-2025-BLG-0010")
    assert response.status_code == 200
    assert ('<a href="/microlensing/alerts/OGLE-2025-BLG-0070">OGLE-2025-BLG-0070</a> = '
            '<a href="/microlensing/alerts/MOA-2025-BLG-0010">MOA-2025-BLG-0010</a>') in response.text
    assert "HJD - 2450000" in response.text  # the columns' descriptions


def test_the_largest_shift_is_dated_only_for_measured_fits(recorded_db_path):
    found = rows(recorded_db_path, "select c.verdict, c.largest_shift_date, c.largest_shift_in_hst_window, "
                                   "f.largest_shift_after from candidates c join fits f using (event_id)")
    ok = [r for r in found if r["verdict"] == "ok"]
    assert ok and all(r["largest_shift_date"] is not None for r in ok if r["largest_shift_after"] is not None)
    assert all(r["largest_shift_date"] is None and r["largest_shift_in_hst_window"] is None
               for r in found if r["verdict"] != "ok")
    # The recorded events peaked long before the build's day: the windows do not reach back to their dates.
    assert all(r["largest_shift_in_hst_window"] is None for r in ok)
