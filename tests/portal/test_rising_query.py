"""The "long events still rising" query on a fixture database whose events sit at, and just outside, every cut."""

import pytest

from tests.support.databases import fitted_database
from tests.support.portal import query_rows

BUILT = "2026-06-01T12:00:00+00:00"
FIT = dict(status="ok", kind="pspl", posterior="curvature", t0=11220.0, t0_err=2.0, u0=0.2, tE=80.0,
           last_hjd=11192.0, peak_mag=15.5, peak_mag_err=0.2)
EVENTS = {  # event: (the fit's changes, in the query?)
    1: ({}, True),
    2: ({"t0": 11200.0, "tE": 60.0}, True),          # at the tE cut, the soonest peak: first
    3: ({"tE": 59.9}, False),
    4: ({"t0": 11191.0}, False),                      # the peak is in the data
    5: ({"status": "unconstrained"}, False),
    6: ({"season": 2024}, False),                     # an old season
}


@pytest.fixture(scope="module")
def portal(tmp_path_factory, portal_for):
    path = tmp_path_factory.mktemp("rising") / "microlensing.db"
    db = fitted_database(path, BUILT, {event_id: {**FIT, **changes} for event_id, (changes, _) in EVENTS.items()})
    db.commit()
    return portal_for(path)


@pytest.mark.asyncio
async def test_long_current_events_whose_peak_is_ahead(portal):
    found = await query_rows(portal, "long_events_still_rising")
    assert [row["event_id"] for row in found] == [2, 1]
    assert found[1]["predicted_peak_date"] == "2026-06-28" and found[1]["peak_mag"] == 15.5
    assert found[1]["build_date"] == "2026-06-01"


@pytest.mark.asyncio
async def test_the_tE_cut_is_a_parameter(portal):
    found = await query_rows(portal, "long_events_still_rising", min_tE="70")
    assert [row["event_id"] for row in found] == [1]

