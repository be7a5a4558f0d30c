"""The bulk photometry export is bounded in every way and never stops silently (plugins/photometry_export.py)."""

import asyncio
import json
import sqlite3

import pytest
import yaml
from datasette.app import Datasette

from plugins import photometry_export
from tests.support.paths import ROOT


def portal(db_path, max_points=None, **settings):
    metadata = yaml.safe_load((ROOT / "metadata.yml").read_text())
    if max_points:
        metadata["plugins"] = {"photometry-export": {"max_points": max_points}}
    return Datasette(immutables=[str(db_path)], metadata=metadata, plugins_dir=str(ROOT / "plugins"),
                     settings={"suggest_facets": False, **settings})


def alert_names(db_path, where="1"):
    return [name for (name,) in sqlite3.connect(db_path).execute(
        f"select alert_name from alerts where {where} order by alert_id")]


def exported(text):
    return {line.split(",")[0] for line in text.splitlines()[1:] if line and not line.startswith(("#", "alert_name,"))}


@pytest.mark.asyncio
async def test_a_source_longer_than_a_page_is_exported_whole(demo_database):
    # Three rows a page: the export follows every page, as it would past 50,000 rows.
    response = await portal(demo_database, max_returned_rows=3).client.get(
        "/-/photometry.csv", params={"from": "/microlensing/alerts?survey=OGLE"})
    with_points = alert_names(demo_database, "survey = 'OGLE' and n_photometry > 0")
    assert exported(response.text) == set(with_points) and len(with_points) > 3


@pytest.mark.asyncio
async def test_a_page_named_by_its_size_or_next_is_exported_as_the_screen_shows_it(demo_database):
    ogle = set(alert_names(demo_database, "survey = 'OGLE' and n_photometry > 0"))
    served = portal(demo_database)
    source, pages = "/microlensing/alerts?survey=OGLE&_size=2", []
    for _ in range(2):  # the first page, then the next as its link names it
        page = (await served.client.get(source.replace("alerts?", "alerts.json?") + "&_shape=objects")).json()
        shown = {row["alert_name"] for row in page["rows"]}
        response = await served.client.get("/-/photometry.csv", params={"from": source})
        assert len(shown) == 2 and exported(response.text) == shown & ogle
        pages.append(shown)
        source = f"/microlensing/alerts?survey=OGLE&_size=2&_next={page['next']}"
    assert not pages[0] & pages[1] and len(ogle) > 4


@pytest.mark.asyncio
async def test_names_may_be_written_in_any_form_the_resolver_takes(demo_database):
    full = alert_names(demo_database, "survey = 'OGLE' and n_photometry > 0")[0]
    short = "OB" + full[7:9] + full[-4:]  # OGLE-2025-BLG-0001 -> OB250001
    response = await portal(demo_database).client.get("/-/photometry.csv", params={"names": f"{short},{full.lower()}"})
    assert response.status_code == 200 and exported(response.text) == {full}
    bare = await portal(demo_database).client.get("/-/photometry.csv", params={"names": full[5:]})
    assert bare.status_code == 400 and "needs its survey's prefix" in bare.text


@pytest.mark.asyncio
async def test_a_query_cut_at_its_page_is_refused_with_a_sentence(demo_database):
    response = await portal(demo_database, max_returned_rows=3).client.get(
        "/-/photometry.csv", params={"from": "/microlensing?sql=select alert_name from alerts"})
    assert (response.status_code, response.text.split(":")[0]) == (400, "Cannot export")
    assert "gives more rows than one page holds" in response.text


@pytest.mark.asyncio
async def test_an_export_over_the_point_cap_says_so_in_a_header_and_the_body(demo_database):
    response = await portal(demo_database, max_points=1000).client.get("/-/photometry.csv",
                                                      params={"from": "/microlensing/alerts"})
    assert response.headers["x-export-incomplete"].startswith("stopped after ")
    assert response.text.splitlines()[-1].startswith("# NOT COMPLETE: stopped after ")


@pytest.mark.asyncio
async def test_a_json_export_over_the_point_cap_says_so(demo_database):
    document = (await portal(demo_database, max_points=1000).client.get("/-/photometry.json",
                                                       params={"from": "/microlensing/alerts"})).json()
    assert document["complete"] is False and document["not_complete_because"].startswith("stopped after ")


@pytest.mark.asyncio
async def test_an_export_stops_at_max_csv_mb_and_says_so(demo_database):
    response = await portal(demo_database, max_csv_mb=1).client.get("/-/photometry.csv",
                                                                      params={"from": "/microlensing/alerts"})
    assert len(response.content) <= 1_000_200
    assert response.text.splitlines()[-1] == "# NOT COMPLETE: stopped at 1 MB, the most one export sends"


@pytest.mark.asyncio
async def test_a_complete_export_says_nothing_of_the_kind(demo_database):
    name = alert_names(demo_database, "n_photometry > 0")[0]
    response = await portal(demo_database).client.get("/-/photometry.csv", params={"names": name})
    assert "x-export-incomplete" not in response.headers and "NOT COMPLETE" not in response.text


@pytest.mark.asyncio
async def test_too_many_exports_at_once_are_told_to_come_back(demo_database):
    datasette = portal(demo_database)
    slots = photometry_export.export_slots(datasette)
    slots["admitted"] = photometry_export.EXPORTS_AT_ONCE + photometry_export.EXPORTS_WAITING
    response = await datasette.client.get("/-/photometry.csv", params={"names": alert_names(demo_database)[0]})
    assert (response.status_code, response.headers["retry-after"]) == (503, "60")


@pytest.mark.asyncio
async def test_a_burst_of_exports_is_admitted_only_as_far_as_the_slots_and_the_queue(demo_database):
    datasette = portal(demo_database)
    slots = photometry_export.export_slots(datasette)
    for _ in range(photometry_export.EXPORTS_AT_ONCE):  # every slot busy: no admitted export can finish yet
        await slots["semaphore"].acquire()
    name = alert_names(demo_database, "n_photometry > 0")[0]
    burst = [asyncio.create_task(datasette.client.get("/-/photometry.csv", params={"names": name}))
             for _ in range(photometry_export.EXPORTS_AT_ONCE + photometry_export.EXPORTS_WAITING + 3)]
    for _ in range(500):
        if sum(task.done() for task in burst) == 3:
            break
        await asyncio.sleep(0.01)
    turned_away = [task.result().status_code for task in burst if task.done()]
    for _ in range(photometry_export.EXPORTS_AT_ONCE):
        slots["semaphore"].release()
    served = [response.status_code for response in await asyncio.gather(*burst)]
    assert (turned_away, sorted(served)) == ([503] * 3, [200] * (len(burst) - 3) + [503] * 3)
    assert slots["admitted"] == 0


@pytest.mark.asyncio
async def test_exports_beyond_those_at_once_wait_their_turn(demo_database):
    datasette = portal(demo_database)
    name = alert_names(demo_database, "n_photometry > 0")[0]
    responses = await asyncio.gather(*[datasette.client.get("/-/photometry.csv", params={"names": name})
                                       for _ in range(photometry_export.EXPORTS_AT_ONCE + 3)])
    assert {r.status_code for r in responses} == {200} and len({r.text for r in responses}) == 1


@pytest.mark.asyncio
@pytest.mark.parametrize("source", ["/microlensing/../-/photometry.csv?from=/microlensing/alerts",
                                    "/microlensing/%2e%2e/-/lightcurve/alert/x.json", "javascript:alert(1)",
                                    "/\\example.org/x", "/microlensing/alerts\x00"])
async def test_from_must_be_a_page_of_the_portal_after_normalising(demo_database, source):
    response = await portal(demo_database).client.get("/-/photometry.csv", params={"from": source})
    assert (response.status_code, response.text.split(":")[0]) == (400, "Cannot export")


@pytest.mark.asyncio
async def test_rows_without_an_alert_name_are_a_sentence_not_an_error(demo_database):
    # lookup of a name that is no name gives a row with a NULL alert_name: an export of it once gave a 500.
    response = await portal(demo_database).client.get(
        "/-/photometry.csv", params={"from": "/microlensing/lookup?name=not-a-name&survey="})
    assert (response.status_code, response.text) == (400, "Cannot export: no alerts to export: the rows name none\n")


def photometry_view(db_path, names):
    return sorted(sqlite3.connect(db_path).execute(
        f"select p.alert_name, a.survey, telescope, band, hjd, mag, mag_err, delta_flux, flux_err from photometry p "
        f"join alerts a using (alert_id) where p.alert_name in ({', '.join('?' * len(names))})", names).fetchall())


@pytest.mark.asyncio
async def test_csv_values_are_the_photometry_views_with_the_published_decimals(demo_database):
    names = [alert_names(demo_database, f"survey = '{s}' and n_photometry > 0")[0] for s in ("OGLE", "MOA", "KMT")]
    response = await portal(demo_database).client.get("/-/photometry.csv", params={"names": ",".join(names)})
    lines = [line.split(",") for line in response.text.splitlines() if line and not line.startswith("#")][1:]
    rows = [(*line[:4], *(float(v) if v else None for v in line[4:])) for line in lines]
    assert sorted(rows) == photometry_view(demo_database, names)
    ogle = next(line for line in lines if line[1] == "OGLE")
    assert [len(v.partition(".")[2]) for v in ogle[4:7]] == [5, 3, 3]  # as OGLE writes them, trailing zeros too


@pytest.mark.asyncio
async def test_json_values_are_the_photometry_views(demo_database):
    names = [alert_names(demo_database, f"survey = '{s}' and n_photometry > 0")[0] for s in ("OGLE", "MOA", "KMT")]
    response = await portal(demo_database).client.get("/-/photometry.json", params={"names": ",".join(names)})
    rows = [(alert["alert_name"], alert["survey"], *point) for alert in response.json()["alerts"]
            for point in zip(*(alert["points"][c] for c in photometry_export.COLUMNS[2:]))]
    assert sorted(rows) == photometry_view(demo_database, names)


def one_lightcurve(points, units=(100000, 1000, 1000, None, None)):
    """A database of one alert (alert_id 1) with one lightcurve of `points` (hjd, mag, mag_err, delta_flux,
    flux_err as stored integers)."""
    db = sqlite3.connect(":memory:")
    db.execute("create table lightcurves (lightcurve_id, telescope, band, hjd_unit, mag_unit, mag_err_unit, "
               "delta_flux_unit, flux_err_unit)")
    db.execute("create table photometry_points (lightcurve_id, hjd, mag, mag_err, delta_flux, flux_err)")
    db.execute("insert into lightcurves values (32, 'KMTA', 'I', ?, ?, ?, ?, ?)", units)
    db.executemany("insert into photometry_points values (32, ?, ?, ?, ?, ?)", points)
    return db


def test_a_column_null_in_some_rows_is_an_empty_field_there_only():
    db = one_lightcurve([(1000012345, 17250, 12, None, None), (1000112345, None, None, None, None)])
    assert photometry_export.alert_csv(db, 1, "KMT-2025-BLG-0001", "KMT").splitlines() == [
        "KMT-2025-BLG-0001,KMT,KMTA,I,10000.12345,17.250,0.012,,",
        "KMT-2025-BLG-0001,KMT,KMTA,I,10001.12345,,,,"]


def test_negative_values_keep_their_sign_and_decimals():
    db = one_lightcurve([(1000012345, None, None, -1205, 7)], units=(100000, None, None, 100, 100))
    assert photometry_export.alert_csv(db, 1, "MOA-2025-BLG-001", "MOA") == \
        "MOA-2025-BLG-001,MOA,KMTA,I,10000.12345,,,-12.05,0.07\n"


async def streamed(db_path, stream):
    """What stream(database, planned, writer) sends for every alert of the database with points, and the plan."""
    database, sent = Datasette(immutables=[str(db_path)]).get_database(), []

    async def write(text):
        sent.append(text)
    planned, _, _ = await photometry_export.export_plan(database, alert_names(db_path, "n_photometry > 0"), 10**6)
    await stream(database, planned, photometry_export.Writer(write, 10**9))
    return "".join(sent), planned


@pytest.mark.asyncio
async def test_an_export_stopped_by_the_time_limit_says_where(demo_database, monkeypatch):
    def too_slow(conn, alert_id, name, survey):
        raise sqlite3.OperationalError("interrupted")
    monkeypatch.setattr(photometry_export, "alert_csv", too_slow)
    text, planned = await streamed(demo_database, lambda database, planned, writer: photometry_export.stream_csv(
        database, planned, {}, None, writer, 500))
    assert text.endswith(f"# NOT COMPLETE: stopped at {planned[0][1]}: reading its points took longer than the "
                         f"500 ms time limit\n")


@pytest.mark.asyncio
async def test_an_export_of_the_demo_says_it_is_synthetic(demo_database):
    names = ",".join(alert_names(demo_database, "n_photometry > 0")[:2])
    csv = (await portal(demo_database).client.get("/-/photometry.csv", params={"names": names})).text
    document = (await portal(demo_database).client.get("/-/photometry.json", params={"names": names})).json()
    assert csv.splitlines()[1].startswith("# SYNTHETIC: generated demo data")
    assert document["credits"]["SYNTHETIC"].startswith("generated demo data")


@pytest.mark.asyncio
async def test_an_export_of_survey_data_does_not_say_synthetic(recorded_db_path):
    names = ",".join(alert_names(recorded_db_path, "n_photometry > 0")[:2])
    csv = (await portal(recorded_db_path).client.get("/-/photometry.csv", params={"names": names})).text
    assert "SYNTHETIC" not in csv and csv.count("\n") > 10


@pytest.mark.asyncio
async def test_a_json_export_stopped_by_the_time_limit_says_where(demo_database, monkeypatch):
    async def too_slow(database, alert_id):
        raise sqlite3.OperationalError("interrupted")
    monkeypatch.setattr(photometry_export, "lightcurves_of", too_slow)
    text, planned = await streamed(demo_database, lambda database, planned, writer: photometry_export.stream_json(
        database, planned, {}, None, [], writer))
    document = json.loads(text)
    assert (document["complete"], document["alerts"]) == (False, [])
    assert document["not_complete_because"] == f"stopped at {planned[0][1]}: reading its points took longer than the time limit"


@pytest.mark.asyncio
async def test_a_source_is_read_only_for_its_alert_names(demo_database, monkeypatch):
    datasette = portal(demo_database)
    asked = []
    get = datasette.client.get

    async def recorded(url, *arguments, **keywords):
        asked.append(url)
        return await get(url, *arguments, **keywords)

    monkeypatch.setattr(datasette.client, "get", recorded)
    response = await datasette.client.get("/-/photometry.csv", params={"from": "/microlensing/alerts?survey=OGLE"})
    assert response.status_code == 200
    assert [url for url in asked if "alerts.json" in url] and all(
        "_col=alert_name" in url for url in asked if "alerts.json" in url)


@pytest.mark.asyncio
async def test_a_source_naming_more_alerts_than_an_export_takes_is_refused_at_once(demo_database, monkeypatch):
    from datasette.plugins import pm
    monkeypatch.setattr(pm.get_plugin("photometry_export.py"), "MAX_ALERTS", 3)  # the module Datasette serves
    response = await portal(demo_database).client.get("/-/photometry.csv", params={"from": "/microlensing/alerts"})
    assert response.status_code == 400 and "more than 3 alerts" in response.text


@pytest.mark.asyncio
async def test_a_source_whose_alert_name_is_not_text_is_refused_cleanly(demo_database):
    response = await portal(demo_database).client.get("/-/photometry.csv", params={
        "from": "/microlensing?sql=select x'00ff' as alert_name"})
    assert response.status_code == 400 and "no alerts to export" in response.text


@pytest.mark.asyncio
async def test_the_source_is_read_only_once_admitted(demo_database):
    datasette = portal(demo_database)
    slots = photometry_export.export_slots(datasette)
    slots["admitted"] = photometry_export.EXPORTS_AT_ONCE + photometry_export.EXPORTS_WAITING
    response = await datasette.client.get("/-/photometry.csv", params={"from": "/microlensing/nothing_such"})
    assert response.status_code == 503  # before: the source was read first (here: refused as 404)
