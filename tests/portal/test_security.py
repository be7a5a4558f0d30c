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
    assert (export.status_code, export.text.split(":")[0]) == (400, "Cannot export")  # a sentence, no rows
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
                                 "attach database '/tmp/x.db' as x", "vacuum",
                                 "select load_extension('/lib/x86_64-linux-gnu/libc.so.6')"])
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
    for setting in ("max_returned_rows", "max_csv_mb", "sql_time_limit_ms", "suggest_facets", "allow_download"):
        assert re.search(rf"--setting {setting} \S+", makefile), setting
    assert re.search(r"datasette serve -i ", makefile)


def test_datasette_is_pinned_to_a_release_with_the_security_fixes():
    project = (ROOT / "pyproject.toml").read_text()
    assert '"datasette>=0.65.5,<0.66"' in project


# Headers, methods, crawlers ---------------------------------------------------------------------------------

@pytest.mark.asyncio
@pytest.mark.parametrize("path", ["/", "/microlensing/alerts", "/-/photometry.csv?names=x", "/lightcurves"])
async def test_no_page_may_be_framed_or_sniffed(portal, path):
    headers = (await portal.client.get(path)).headers
    assert (headers["x-frame-options"], headers["content-security-policy"], headers["x-content-type-options"]) == (
        "DENY", "frame-ancestors 'none'", "nosniff")


@pytest.mark.asyncio
@pytest.mark.parametrize("path", ["/-/photometry.csv", "/-/photometry.json", "/-/resolve",
                                  "/-/lightcurve/alert/OGLE-2025-BLG-0001.json", "/-/lightcurve/event/1.json",
                                  "/robots.txt"])
@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH"])
async def test_our_routes_answer_only_get(portal, path, method):
    response = await portal.client.request(method, path)
    assert (response.status_code, response.headers.get("allow")) == (405, "GET, HEAD")


@pytest.mark.asyncio
async def test_robots_keep_crawlers_off_photometry_exports_and_queries(portal):
    robots = (await portal.client.get("/robots.txt")).text.splitlines()
    for rule in ["Disallow: /-/", "Disallow: /microlensing/photometry", "Disallow: /microlensing?",
                 "Disallow: /microlensing/black_hole_candidates", "Disallow: /*.csv", "Disallow: /lightcurves"]:
        assert rule in robots


@pytest.mark.asyncio
async def test_a_cone_search_says_why_it_cannot_read_a_position(portal):
    [row] = (await portal.client.get("/microlensing/cone_search.json?_shape=array&ra=267,95&dec=-28&radius=")).json()
    assert row["alert_name"] is None and row["note"].startswith("ra '267,95' is not a right ascension")


@pytest.mark.asyncio
@pytest.mark.parametrize("ra", ["17:51:60", "17:60:48", "1:1:1" + " " * 40000 + "x"])
async def test_a_cone_search_refuses_what_is_not_an_angle(portal, ra):
    [row] = (await portal.client.get("/microlensing/cone_search.json",
                                     params={"_shape": "array", "ra": ra, "dec": "-28", "radius": "5"})).json()
    assert row["note"].startswith("ra ")


@pytest.mark.asyncio
async def test_an_angle_built_in_sql_is_refused_at_once(portal):
    response = await portal.client.get("/microlensing.json", params={
        "sql": "select ml_ra_degrees('1:1:1' || printf('%.*c', 40000, ' ') || 'x') as ra", "_shape": "array"})
    assert response.json() == [{"ra": None}]


# What public SQL may do ---------------------------------------------------------------------------------------

CRASH = """
import asyncio, sys
sys.path.insert(0, {root!r})
from tests.conftest import portal_for
async def main():
    portal = portal_for.__wrapped__()({db!r})
    for sql in ["select fts3_tokenizer('simple', x'4141414141414141')", "select hex(fts3_tokenizer('simple'))",
                "/alerts?_where=fts3_tokenizer('simple', x'4141414141414141') is null",
                "select count(*) from fts3tokenize where input = 'a b'"]:
        path, sql = (sql.split("?_where=") if sql.startswith("/") else ("", sql))
        response = await portal.client.get(f"/microlensing{{path}}.json", params={{
            "_where" if path else "sql": sql, "_shape": "array"}})
        body = response.json()
        print(response.status_code, body["error"] if isinstance(body, dict) else body)
asyncio.run(main())
"""


def test_the_tokenizer_pointer_cannot_be_replaced_or_read(demo_database, tmp_path):
    # Before the fix the last query segfaulted the process: so it runs in a process of its own.
    import subprocess
    import sys
    db = tmp_path / "microlensing.db"
    db.write_bytes(demo_database.read_bytes())
    with __import__("sqlite3").connect(db) as conn:
        conn.execute("create virtual table fts3tokenize using fts3tokenize(simple)")
    done = subprocess.run([sys.executable, "-c", CRASH.format(root=str(ROOT), db=str(db))], capture_output=True,
                          text=True, timeout=120, cwd=ROOT)
    assert done.returncode == 0, done.stderr[-2000:]
    answers = done.stdout.splitlines()
    assert [line.split()[0] for line in answers] == ["400", "400", "400", "200"], answers
    assert "raised exception" in answers[0] and answers[3] == "200 [{'count(*)': 2}]"


@pytest.mark.asyncio
@pytest.mark.parametrize("sql", ["select zeroblob(300000000) as x", "select randomblob(300000000) as x",
                                 "select length(replace(hex(zeroblob(600000)), '0', '00')) as x"])
async def test_no_value_public_sql_makes_is_large(portal, sql):
    response = await portal.client.get("/microlensing.json", params={"sql": sql})
    assert response.status_code == 400 and "too big" in response.text


@pytest.mark.asyncio
async def test_a_result_larger_than_the_budget_is_stopped_saying_so(portal):
    from microlensing_to_sqlite.portal import RESULT_BYTES
    sql = ("with recursive n(i) as (select 1 union all select i + 1 from n limit 200) "
           f"select i, zeroblob({RESULT_BYTES // 100}) as x from n")
    response = await portal.client.get("/microlensing.json", params={"sql": sql})
    assert response.status_code == 400 and f"larger than {RESULT_BYTES // 1_000_000} MB" in response.text


@pytest.mark.asyncio
async def test_the_databases_listed_do_not_show_server_paths(portal, demo_database):
    response = await portal.client.get("/-/databases.json")
    assert str(demo_database.parent) not in response.text and response.json()[0]["name"] == "microlensing"
    info = (await portal.client.get("/microlensing/build_info.json?_shape=array&key=mirror")).json()
    assert info == [{"key": "mirror", "value": "mirror"}]


@pytest.mark.asyncio
async def test_public_sql_does_not_show_server_paths(portal):
    rows = (await portal.client.get("/microlensing.json", params={
        "sql": "select name, file from pragma_database_list", "_shape": "array"})).json()
    assert rows == [{"name": "main", "file": None}]


@pytest.mark.asyncio
@pytest.mark.parametrize("method, path, status", [
    ("POST", "/microlensing/black_hole_candidates", 405), ("POST", "/microlensing", 405),
    ("GET", "/microlensing.json?_shape=array", 400), ("GET", "/microlensing/alerts.json?_sort=nope", 400),
    ("GET", "/microlensing/alerts?_sort_desc=nope", 400), ("GET", "/microlensing/photometry.json?_sort=x", 400),
])
async def test_a_wrong_request_is_a_4xx_with_a_sentence(portal, method, path, status):
    response = await portal.client.request(method, path)
    assert response.status_code == status and len(response.text) < 200, response.text[:300]


@pytest.mark.asyncio
async def test_sorting_by_a_real_column_still_works(portal):
    response = await portal.client.get("/microlensing/alerts.json?_sort=tE&_shape=array&_size=3")
    assert response.status_code == 200 and len(response.json()) == 3


SLOW_WHERE = "(with recursive c(x) as (select 1 union all select x + 1 from c) select count(*) from c) > 0"


@pytest.mark.asyncio
@pytest.mark.parametrize("path", ["/microlensing/alerts.csv", "/microlensing/alerts.csv?_stream=on"])
async def test_a_csv_past_the_time_limit_says_so(portal, path):
    response = await portal.client.get(path, params={"_where": SLOW_WHERE, "_timelimit": "100"})
    assert response.status_code == 400 and "time limit" in response.text


@pytest.mark.asyncio
@pytest.mark.parametrize("path", ["/microlensing/alerts.votable", "/microlensing/alerts.atom"])
async def test_large_renderings_beyond_those_waiting_are_told_to_come_back(portal, path, monkeypatch):
    from microlensing_to_sqlite import portal as shared
    monkeypatch.setitem(shared._renderings, "admitted", shared.RENDERINGS_WAITING + 1)
    response = await portal.client.get(path)
    assert (response.status_code, response.headers.get("retry-after")) == (503, "60")
