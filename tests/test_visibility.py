"""HST's windows: the days the Sun is far enough from an event, checked against astropy's own separation."""

import datetime

import pytest
from astropy import units
from astropy.coordinates import SkyCoord, get_sun
from astropy.time import Time

from microlensing_to_sqlite import visibility

BULGE = {"event_id": 1, "season": 2025, "ra": 270.0, "dec": -29.0}
DAY = datetime.date(2025, 7, 1)


def sun_angle(day, ra, dec):
    sun = get_sun(Time(day.isoformat(), scale="utc"))
    return SkyCoord(ra * units.deg, dec * units.deg).separation(SkyCoord(sun.ra, sun.dec)).deg


def test_the_bulge_is_closed_to_hst_from_early_november_to_mid_february():
    rows = visibility.hst_window_rows([BULGE], DAY)
    by_limit = {limit: [(o, c) for _, lim, o, c in rows if lim == limit] for limit in visibility.SUN_LIMITS_DEGREES}
    (_, closes_50), (opens_50, _) = by_limit[50.0]
    (_, closes_55), (opens_55, _) = by_limit[55.0]
    assert "2025-10-25" <= closes_50 <= "2025-11-10" and "2026-02-01" <= opens_50 <= "2026-02-20"
    assert closes_55 < closes_50 and opens_55 > opens_50  # a larger Sun angle, a shorter window


@pytest.mark.parametrize("limit", visibility.SUN_LIMITS_DEGREES)
def test_each_window_edge_is_where_the_sun_crosses_the_limit(limit):
    for _, found, opens, closes in visibility.hst_window_rows([BULGE], DAY):
        if found != limit:
            continue
        opens, closes = datetime.date.fromisoformat(opens), datetime.date.fromisoformat(closes)
        assert sun_angle(opens, 270.0, -29.0) >= limit and sun_angle(closes, 270.0, -29.0) >= limit
        if opens > DAY:
            assert sun_angle(opens - datetime.timedelta(days=1), 270.0, -29.0) < limit
        if closes < DAY + datetime.timedelta(days=visibility.DAYS - 1):
            assert sun_angle(closes + datetime.timedelta(days=1), 270.0, -29.0) < limit


def test_only_current_events_with_a_position_get_windows():
    old = {**BULGE, "event_id": 2, "season": 2020}
    unplaced = {**BULGE, "event_id": 3, "ra": None}
    assert {row[0] for row in visibility.hst_window_rows([BULGE, old, unplaced], DAY)} == {1}


def test_the_candidates_view_shows_the_window_open_now_or_the_next(recorded_db_path):
    import contextlib
    import sqlite3
    with contextlib.closing(sqlite3.connect(recorded_db_path)) as db:
        built = db.execute("select date(value) from build_info where key = 'built_at'").fetchone()[0]
        found = db.execute("select c.hst_window, (select min(opens) || ' to ' || min(closes) from hst_windows w "
                           "where w.event_id = c.event_id and w.sun_limit_deg = 50 and w.closes >= ?) "
                           "from candidates c where c.hst_window is not null", [built]).fetchall()
    assert found and all(shown == expected for shown, expected in found)
