"""The HST query on the candidates view, on a fixture database whose events sit at, and just outside, every cut."""

import sqlite3

import pytest

from tests.support.databases import fitted_database
from tests.support.portal import query_rows

BUILT = "2026-06-01T12:00:00+00:00"
# 2026-06-01 00:00 UTC is HJD - 2450000 = 11192.5; every event has a window from the build's day to 2026-11-01
WINDOW = ("2026-06-01", "2026-11-01")
FIT = dict(status="ok", kind="pspl+parallax", posterior="sampled", t0=11150.0, u0=0.3, tE=150.0, piE=0.05,
           largest_shift_after=11250.0)  # 2026-07-28
EVENTS = {  # event: (the fit's changes, tE's 16th percentile, in the query?)
    1: ({}, 120.0, True),
    2: ({"largest_shift_after": 11200.0}, 100.0, True),         # 2026-06-08, at the tE cut; the soonest: first
    3: ({}, 99.9, False),                                       # tE's 16th percentile below 100
    4: ({"largest_shift_after": 11350.0}, 120.0, False),        # 2026-11-06: HST cannot look then
    5: ({"largest_shift_after": 11600.0}, 120.0, False),        # 2027-07-13, beyond the windows' year: not in
    6: ({"status": "unconstrained"}, 120.0, False),
    7: ({"posterior": "curvature"}, None, False),
    8: ({"kind": "pspl"}, 120.0, False),
    9: ({"posterior": "sampled, not converged"}, 120.0, False),
}


@pytest.fixture(scope="module")
def portal(tmp_path_factory, portal_for):
    path = tmp_path_factory.mktemp("hst") / "microlensing.db"
    db = fitted_database(path, BUILT, {event_id: {**FIT, **changes} for event_id, (changes, _, _) in EVENTS.items()})
    for event_id, (_, tE_p16, _) in EVENTS.items():
        db.execute("insert into fit_solutions (event_id, solution, is_best, tE_p16) values (?, '+', 1, ?)",
                   [event_id, tE_p16])
        db.execute("insert into hst_windows values (?, 50, ?, ?)", [event_id, *WINDOW])
    db.commit()
    return portal_for(path)


def test_the_view_says_not_in_a_window_only_within_the_windows_year(portal):
    db = sqlite3.connect(portal.databases["microlensing"].path)
    found = dict(db.execute("select event_id, largest_shift_in_hst_window from candidates where event_id in (4, 5)"))
    assert found == {4: 0, 5: None}


@pytest.mark.asyncio
async def test_only_long_measured_events_whose_largest_shift_hst_can_see(portal):
    found = await query_rows(portal, "hst_shift_targets")
    assert [row["event_id"] for row in found] == [2, 1]
    assert found[0]["build_date"] == "2026-06-01" and found[0]["hst_window"] == "2026-06-01 to 2026-11-01"
    assert [row["largest_shift_date"] for row in found] == ["2026-06-08", "2026-07-28"]


@pytest.mark.asyncio
async def test_the_page_says_what_today_is_and_what_it_cannot_say(portal):
    response = await portal.client.get("/microlensing/hst_shift_targets")
    assert response.status_code == 200
    assert "build_date" in response.text and "not known from photometry" in response.text
