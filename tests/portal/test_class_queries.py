"""The black-hole query ranked by the PopSyCLE models' P(BH), on a fixture database whose events sit at, and
just outside, every cut."""

import pytest

from microlensing_to_sqlite import lens_class
from tests.support.databases import fitted_database
from tests.support.portal import query_rows

BUILT = "2026-06-01T12:00:00+00:00"
FIT = dict(status="ok", kind="pspl+parallax", posterior="sampled", t0=11150.0, u0=0.3, tE=150.0, piE=0.05)
EVENTS = {  # event: (season, the fit's changes, P(BH) under each model, in the query?)
    1: (2026, {}, (0.30, 0.50, 0.40), True),
    2: (2026, {}, (0.60, 0.70, 0.65), True),             # the highest lowest P(BH): first
    3: (2026, {}, (0.02, 0.10, 0.05), True),             # the highest model at the default cut
    4: (2026, {}, (0.02, 0.09, 0.05), False),            # below it
    5: (2025, {}, (0.90, 0.90, 0.90), False),            # last season
    6: (2026, {"posterior": "sampled, not converged"}, (0.9, 0.9, 0.9), False),
    7: (2026, {}, None, False),                           # not classified
}


@pytest.fixture(scope="module")
def portal(tmp_path_factory, portal_for):
    path = tmp_path_factory.mktemp("classes") / "microlensing.db"
    db = fitted_database(path, BUILT, {event_id: {**FIT, **changes, "season": season}
                                       for event_id, (season, changes, _, _) in EVENTS.items()})
    for event_id, (_, _, p_bh, _) in EVENTS.items():
        for model, p in zip(lens_class.MODELS, p_bh or ()):
            db.execute("insert into lens_classes (event_id, model, parameters, p_black_hole, p_none, "
                       "largest_shift_p16, largest_shift_p84, posterior_digest) values (?, ?, 'tE, piE', ?, 0.01, "
                       "0.5, 0.9, 'x')", [event_id, model, p])
    db.commit()
    return portal_for(path)


@pytest.mark.asyncio
async def test_this_seasons_classified_events_by_their_cautious_p_bh(portal):
    found = await query_rows(portal, "black_hole_candidates_by_class")
    assert [row["event_id"] for row in found] == [2, 1, 3]
    assert (found[0]["p_bh_low"], found[0]["p_bh_high"]) == (0.6, 0.7)
    assert found[0]["build_date"] == "2026-06-01" and found[0]["today_hjd"] == 11192.5
    assert (found[0]["shift_mas_low"], found[0]["shift_mas_high"]) == (0.5, 0.9)


@pytest.mark.asyncio
async def test_the_season_and_the_cut_are_parameters(portal):
    assert await query_rows(portal, "black_hole_candidates_by_class", season="2025", min_p_bh="0.95") == []
    found = await query_rows(portal, "black_hole_candidates_by_class", season="2025")
    assert [row["event_id"] for row in found] == [5]


@pytest.mark.asyncio
async def test_the_page_says_these_are_model_probabilities(portal):
    response = await portal.client.get("/microlensing/black_hole_candidates_by_class")
    assert response.status_code == 200
    assert "MODEL probabilities" in response.text and "build_date" in response.text
