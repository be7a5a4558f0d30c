"""Hostile input to the served portal: it changes nothing and errors cleanly. The portal is read-only."""

import hashlib
import pathlib
import re

import pytest


ROOT = pathlib.Path(__file__).resolve().parents[2]
HOSTILE = ["'", '"', "'; drop table alerts; --", "]", "[", "/* comment", "-- comment", "1; delete from alerts",
           "x' or '1'='1", "\\x00", "%00", "A" * 20_000, "OGLE-2025-BLG-0001' union select sql from sqlite_master --"]


@pytest.fixture(scope="module")
def portal(demo_database, portal_for):
    return portal_for(demo_database)


def digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


async def get(portal, path, **params):
    response = await portal.client.get(path, params=params)
    assert response.status_code < 500, (path, params, response.text[:300])
    return response


@pytest.mark.asyncio
@pytest.mark.parametrize("value", HOSTILE)
async def test_plugin_routes_take_hostile_input_cleanly(portal, demo_database, value):
    before = digest(demo_database)
    assert (await get(portal, "/-/resolve", name=value)).status_code == 404
    export = await get(portal, "/-/photometry.csv", names=value)
    assert export.text.splitlines()[-1].startswith("alert_name,")  # a header and no rows
    assert (await get(portal, "/-/photometry.json", **{"from": "/microlensing/alerts?alert_name=" + value})).status_code in (200, 400)
    assert (await get(portal, f"/-/lightcurve/alert/{value[:200]}.json")).status_code in (302, 404)
    assert digest(demo_database) == before


@pytest.mark.asyncio
@pytest.mark.parametrize("value", HOSTILE)
async def test_canned_query_parameters_are_parameters(portal, demo_database, value):
    before = digest(demo_database)
    for query, parameter in [("lookup", "name"), ("lookup", "survey"), ("black_hole_candidates", "min_tE"),
                             ("cone_search", "ra"), ("cone_search", "radius"), ("first_seen_since", "date"),
                             ("changes_since", "survey"), ("survey_comparison", "season")]:
        response = await get(portal, f"/microlensing/{query}.json", **{parameter: value, "_shape": "array"})
        assert response.status_code in (200, 400)
    assert digest(demo_database) == before


@pytest.mark.asyncio
@pytest.mark.parametrize("sql", ["insert into alerts (alert_name) values ('x')", "delete from alerts",
                                 "drop table alerts", "update alerts set tE = 0", "pragma writable_schema = on",
                                 "attach database '/tmp/x.db' as x", "vacuum"])
async def test_no_sql_writes(portal, demo_database, sql):
    before = digest(demo_database)
    response = await get(portal, "/microlensing.json", sql=sql)
    assert response.status_code == 400
    assert digest(demo_database) == before


@pytest.mark.asyncio
async def test_free_sql_runs_under_the_time_limit(portal):
    response = await get(portal, "/microlensing.json", sql="with recursive c(x) as (select 1 union all select x + 1 "
                                                            "from c) select count(*) from c", _timelimit="200")
    assert response.status_code == 400 and "too long" in response.text


@pytest.mark.asyncio
async def test_served_databases_are_immutable(portal):
    response = await get(portal, "/-/databases.json")
    assert [db["is_mutable"] for db in response.json() if db["name"] == "microlensing"] == [False]


def test_serving_limits_are_set_deliberately():
    makefile = (ROOT / "Makefile").read_text()
    for setting in ("max_returned_rows", "max_csv_mb", "sql_time_limit_ms", "suggest_facets"):
        assert re.search(rf"--setting {setting} \S+", makefile), setting
    assert re.search(r"datasette serve -i ", makefile)


def test_datasette_is_pinned_to_a_release_with_the_security_fixes():
    project = (ROOT / "pyproject.toml").read_text()
    assert '"datasette>=0.65.5,<0.66"' in project
