"""/-/tonight on a fixture database: current candidates, observable ones first, with their hours and predicted
magnitudes; bad requests answered 400 in words."""

import pytest

from tests.support.databases import fitted_database

BUILT = "2026-06-01T12:00:00+00:00"
FIT = dict(status="ok", kind="pspl", posterior="curvature", t0=11200.0, u0=0.2, tE=80.0)
EVENTS = {  # event: (season, ra, dec, the fit's changes)
    1: (2026, 10.0, 40.0, {}),                     # a northern position: never observable from Las Campanas
    2: (2026, 268.5, -29.2, {"tE": 150.0}),        # the bulge
    3: (2026, 268.5, -29.2, {"tE": 10.0}),         # too short for min_tE 20
    4: (2024, 268.5, -29.2, {}),                    # an old season
    5: (2026, 268.5, -29.2, {"status": "failed"}),
}


@pytest.fixture(scope="module")
def portal(tmp_path_factory, portal_for):
    path = tmp_path_factory.mktemp("tonight") / "microlensing.db"
    db = fitted_database(path, BUILT, {event_id: {**FIT, **changes, "season": season, "ra": ra, "dec": dec}
                                       for event_id, (season, ra, dec, changes) in EVENTS.items()})
    for event_id, (season, *_) in EVENTS.items():
        db.execute("insert into fit_datasets (event_id, lightcurve_id, alert_name, telescope, band, source_flux, "
                   "blend_flux, is_reference) values (?, ?, ?, 'OGLE', 'I', 2.0, 1.0, 1)",
                   [event_id, event_id * 32, f"OGLE-{season}-BLG-{event_id:04d}"])
    db.commit()
    return portal_for(path)


@pytest.mark.asyncio
async def test_current_candidates_observable_first(portal):
    response = await portal.client.get("/-/tonight", params={"site": "lco", "date": "2026-06-15"})
    assert response.status_code == 200, response.text
    text = response.text
    assert "2026-06-15T23:16 to 2026-06-16T10:10 UTC" in text
    assert text.index("/microlensing/events/2") < text.index("/microlensing/events/1")
    for absent in (3, 4, 5):
        assert f"/microlensing/events/{absent}\"" not in text
    assert "OGLE I" in text  # a predicted magnitude in the reference's band


@pytest.mark.asyncio
@pytest.mark.parametrize("params, words", [({"site": "atlantis"}, "unknown site"),
                                           ({"date": "tomorrow"}, "not a date"),
                                           ({"date": "2031-01-01"}, "more than 400 days")])
async def test_bad_requests_are_400_in_words(portal, params, words):
    response = await portal.client.get("/-/tonight", params=params)
    assert response.status_code == 400 and words in response.text


@pytest.mark.asyncio
async def test_every_shipped_site_is_offered(portal):
    from microlensing_to_sqlite.visibility import SITES
    response = await portal.client.get("/-/tonight", params={"date": "2026-06-15", "site": "saao"})
    assert all(f'value="{key}"' in response.text for key in SITES)
