"""The sparklines route and the script that draws them beside alert names (drawn in tests/portal/test_browser.py)."""

import sqlite3

import pytest


@pytest.fixture(scope="module")
def portal(demo_database, portal_for):
    return portal_for(demo_database)


@pytest.fixture(scope="module")
def names(demo_database):
    db = sqlite3.connect(demo_database)
    return [name for (name,) in db.execute("select alert_name from alerts join sparklines using (alert_id) "
                                           "order by alert_id limit 3")]


@pytest.mark.asyncio
async def test_sparklines_of_the_names_asked(portal, names):
    response = await portal.client.get("/-/sparklines.json", params={"names": ",".join(names)})
    found = response.json()["sparklines"]
    assert sorted(found) == sorted(names)
    assert all(len(line["heights"]) == 48 for line in found.values())
    assert "public, max-age" in response.headers["cache-control"]


@pytest.mark.asyncio
async def test_unknown_and_unreadable_names_are_left_out(portal, names):
    response = await portal.client.get("/-/sparklines.json", params={"names": f"{names[0]},OGLE-1999-BLG-0001,<x>"})
    assert list(response.json()["sparklines"]) == [names[0]]


@pytest.mark.asyncio
async def test_too_many_names_is_a_400_that_says_so(portal):
    response = await portal.client.get("/-/sparklines.json",
                                       params={"names": ",".join(f"OGLE-2025-BLG-{n:04d}" for n in range(1, 1100))})
    assert response.status_code == 400 and "at most 1000 names" in response.text


@pytest.mark.asyncio
async def test_only_get(portal):
    response = await portal.client.post("/-/sparklines.json")
    assert response.status_code == 405


@pytest.mark.asyncio
@pytest.mark.parametrize("path", ["/microlensing/alerts", "/microlensing/lookup?name=OB250001&survey=",
                                  "/microlensing/fitted_black_hole_candidates?min_tE=1&max_piE=10"])
async def test_pages_listing_alert_names_load_the_script(portal, path):
    assert "/assets/sparklines.js" in (await portal.client.get(path)).text


@pytest.mark.asyncio
async def test_pages_without_alert_names_do_not(portal):
    assert "/assets/sparklines.js" not in (await portal.client.get("/microlensing/sources")).text
