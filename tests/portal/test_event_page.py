"""The event page on a fixture database: what it says of an event with several alerts of one survey."""

from tests.support.databases import fitted_database

BUILT = "2026-06-01T12:00:00+00:00"


def test_an_event_with_three_alerts_of_one_survey_says_how_many_and_whose_values_it_shows(tmp_path, portal_for):
    import asyncio
    db = fitted_database(tmp_path / "microlensing.db", BUILT, {})
    db.execute("insert into events (event_id, n_alerts, season, ogle_name, ogle_tE, same_survey_alerts) values "
               "(7, 3, 2026, 'OGLE-2026-BLG-0001, OGLE-2026-BLG-0002, OGLE-2026-BLG-0003', 40.0, 'OGLE')")
    db.commit()
    text = asyncio.run(portal_for(tmp_path / "microlensing.db").client.get("/microlensing/events/7")).text
    assert "This event holds 3 alerts of OGLE" in text and "shows the values of OGLE-2026-BLG-0001, the first" in text
