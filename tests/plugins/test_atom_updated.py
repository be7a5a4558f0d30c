"""An Atom entry's `updated` is when what it shows last changed (the history, the joint fit), not the request."""

import asyncio
from xml.etree import ElementTree

import pytest

from microlensing_to_sqlite import schema
from microlensing_to_sqlite.load.writer import insert
from tests.support.databases import fitted_database

ATOM = "{http://www.w3.org/2005/Atom}"
BUILT = "2026-06-03T12:00:00+00:00"


def alert(name, alert_id, event_id, first_seen):
    return {"alert_name": name, "alert_id": alert_id, "survey": name.split("-")[0], "season": 2026, "region": "BLG",
            "event_id": event_id, "n_photometry": 0, "tE": 120.0, "first_seen": first_seen}


@pytest.fixture(scope="module")
def portal(tmp_path_factory, portal_for):
    path = tmp_path_factory.mktemp("atom") / "microlensing.db"
    db = fitted_database(path, BUILT, {1: {"status": "ok", "tE": 120.0, "fitted_at": "2026-05-20T12:00:00+00:00"},
                                       2: {"status": "ok", "tE": 90.0, "fitted_at": "2026-05-01T12:00:00+00:00"}})
    insert(db, "alerts", schema.ALERT_COLUMNS, [
        alert("OGLE-2026-BLG-0001", 10260001, 1, "2026-04-01T12:00:00+00:00"),
        alert("KMT-2026-BLG-0001", 30260001, 1, "2026-04-02T12:00:00+00:00"),
        alert("OGLE-2026-BLG-0002", 10260002, 2, "2026-04-03T12:00:00+00:00")])
    db.executemany("insert into alert_history (alert_name, observed_at, tE) values (?, ?, ?)", [
        ("OGLE-2026-BLG-0001", "2026-04-01T12:00:00+00:00", 100.0),
        ("KMT-2026-BLG-0001", "2026-05-30T12:00:00+00:00", 130.0),    # KMTNet's fit changed last
        ("OGLE-2026-BLG-0002", "2026-04-03T12:00:00+00:00", 90.0)])
    db.commit()
    return portal_for(path)


async def updated(portal, path):
    feed = ElementTree.fromstring((await portal.client.get(path)).content)
    return feed.find(f"{ATOM}updated").text, {e.find(f"{ATOM}id").text.rsplit(":", 1)[1]: e.find(f"{ATOM}updated").text
                                              for e in feed.findall(f"{ATOM}entry")}


@pytest.mark.asyncio
async def test_an_alerts_entry_changes_when_its_survey_values_did(portal):
    _, entries = await updated(portal, "/microlensing/alerts.atom")
    assert entries == {"OGLE-2026-BLG-0001": "2026-04-01T12:00:00+00:00",
                       "KMT-2026-BLG-0001": "2026-05-30T12:00:00+00:00",
                       "OGLE-2026-BLG-0002": "2026-04-03T12:00:00+00:00"}


@pytest.mark.asyncio
async def test_an_events_entry_changes_with_any_of_its_alerts_or_its_fit(portal):
    feed_updated, entries = await updated(portal, "/microlensing/candidates.atom")
    assert entries == {"OGLE-2026-BLG-0001": "2026-05-30T12:00:00+00:00",   # its KMTNet alert changed
                       "OGLE-2026-BLG-0002": "2026-05-01T12:00:00+00:00"}   # its fit was made again
    assert feed_updated == "2026-05-30T12:00:00+00:00"


@pytest.mark.asyncio
async def test_the_same_database_gives_the_same_feed(portal):
    first = (await portal.client.get("/microlensing/candidates.atom")).content
    await asyncio.sleep(1.1)
    assert (await portal.client.get("/microlensing/candidates.atom")).content == first
