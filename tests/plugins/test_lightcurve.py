"""The lightcurve plugin: its JSON, the model curve, binning, bulk export and the browse links."""

import csv
import io
import math
import sqlite3

import pytest

from plugins import lightcurve_data


@pytest.fixture(scope="module")
def portal(demo_database, portal_for):
    return portal_for(demo_database)


@pytest.fixture(scope="module")
def event(demo_database):
    """An event seen by several surveys, and its photometry with magnitudes."""
    db = sqlite3.connect(demo_database)
    event_id, name = db.execute("select e.event_id, a.alert_name from events e join alerts a using (event_id) "
                                "where e.n_alerts > 1 order by e.event_id limit 1").fetchone()
    points = db.execute("select count(*) from photometry p join alerts a using (alert_id) "
                        "where a.event_id = ? and p.mag is not null", [event_id]).fetchone()[0]
    return {"event_id": event_id, "alert_name": name, "points": points}


@pytest.mark.asyncio
async def test_alert_json_has_every_point_of_its_event(portal, event):
    response = await portal.client.get(f"/-/lightcurve/alert/{event['alert_name']}.json")
    document = response.json()
    assert document["points"] == event["points"] == sum(len(s["hjd"]) for s in document["series"])


@pytest.mark.asyncio
async def test_event_json_matches_the_alert_json(portal, event):
    by_event = (await portal.client.get(f"/-/lightcurve/event/{event['event_id']}.json")).json()
    by_alert = (await portal.client.get(f"/-/lightcurve/alert/{event['alert_name']}.json")).json()
    assert by_event == by_alert


@pytest.mark.asyncio
async def test_series_are_one_per_telescope_and_band(portal, event, demo_database):
    document = (await portal.client.get(f"/-/lightcurve/event/{event['event_id']}.json")).json()
    db = sqlite3.connect(demo_database)
    expected = db.execute("select a.alert_name, p.telescope, p.band, count(*) from photometry p join alerts a "
                          "using (alert_id) where a.event_id = ? and p.mag is not null group by 1, 2, 3 "
                          "order by a.alert_id, 2, 3", [event["event_id"]]).fetchall()
    assert [(s["alert_name"], s["telescope"], s["band"], len(s["hjd"])) for s in document["series"]] == expected


@pytest.mark.asyncio
async def test_points_equal_the_database(portal, event, demo_database):
    document = (await portal.client.get(f"/-/lightcurve/event/{event['event_id']}.json")).json()
    first = document["series"][0]
    db = sqlite3.connect(demo_database)
    rows = db.execute("select hjd, mag, mag_err from photometry p join alerts a using (alert_id) "
                      "where a.alert_name = ? and telescope = ? and band = ? order by hjd",
                      [first["alert_name"], first["telescope"], first["band"]]).fetchall()
    assert list(zip(first["hjd"], first["mag"], first["mag_err"])) == rows


@pytest.mark.asyncio
async def test_json_is_compact_and_cacheable(portal, event):
    response = await portal.client.get(f"/-/lightcurve/event/{event['event_id']}.json")
    assert ", " not in response.text[:200] and "public, max-age" in response.headers["cache-control"]


@pytest.mark.asyncio
async def test_unknown_alert_is_404(portal):
    response = await portal.client.get("/-/lightcurve/alert/OGLE-1999-BLG-0001.json")
    assert response.status_code == 404


@pytest.mark.asyncio
async def test_model_curve_is_the_point_lens_formula(portal, event):
    document = (await portal.client.get(f"/-/lightcurve/event/{event['event_id']}.json")).json()
    alerts = {a["alert_name"]: a for a in document["alerts"]}
    for model in document["models"]:
        a = alerts[model["alert_name"]]
        fbl = a["fbl"] or 1.0
        for t, mag in list(zip(model["hjd"], model["mag"]))[::37]:
            u = math.hypot(a["u0"], (t - a["t0"]) / a["tE"])
            amplification = (u * u + 2) / (u * math.sqrt(u * u + 4))
            assert mag == pytest.approx(a["Ibase"] - 2.5 * math.log10(fbl * amplification + 1 - fbl), abs=1e-4)


def test_long_baseline_is_binned_away_from_the_peak():
    times = [float(t) for t in range(0, 3000)]
    series = [{"alert_name": "X", "telescope": "OGLE", "band": "I", "hjd": times, "mag": [18.0] * 3000,
               "mag_err": [0.01] * 3000}]
    binned = lightcurve_data.bin_baseline(series, [{"t0": 1500.0, "tE": 10.0}])
    near_peak = sum(1 for t in series[0]["hjd"] if abs(t - 1500) <= 30)
    assert binned == 3000 - 61 and near_peak == 61
    bins = {math.floor(t / lightcurve_data.BIN_DAYS) for t in times if abs(t - 1500) > 30}
    assert len(series[0]["hjd"]) == 61 + len(bins)


# Bulk export --------------------------------------------------------------------------------------------

def expected_rows(demo_database, where):
    db = sqlite3.connect(demo_database)
    return db.execute(f"select count(*) from photometry p join alerts a using (alert_id) where {where}").fetchone()[0]


@pytest.mark.asyncio
async def test_csv_export_of_a_query_result_has_every_point(portal, demo_database):
    response = await portal.client.get("/-/photometry.csv", params={"from": "/microlensing/alerts?survey=KMT"})
    lines = response.text.splitlines()
    credits = [line for line in lines if line.startswith("#")]
    rows = list(csv.reader(io.StringIO("\n".join(line for line in lines if not line.startswith("#")))))
    assert rows[0] == ["alert_name", "survey", "telescope", "band", "hjd", "mag", "mag_err", "delta_flux", "flux_err"]
    assert len(rows) - 1 == expected_rows(demo_database, "a.survey = 'KMT'")
    assert any("KMT" in line and "proprietary" in line for line in credits)


@pytest.mark.asyncio
async def test_json_export_is_grouped_by_alert(portal, demo_database):
    response = await portal.client.get("/-/photometry.json", params={"from": "/microlensing/alerts?survey=OGLE"})
    document = response.json()
    assert document["time"] == "HJD - 2450000" and "OGLE" in document["credits"]
    assert sum(len(a["points"]["hjd"]) for a in document["alerts"]) == expected_rows(demo_database, "a.survey = 'OGLE'")


@pytest.mark.asyncio
async def test_export_by_names(portal, event, demo_database):
    response = await portal.client.get("/-/photometry.json", params={"names": event["alert_name"]})
    [alert] = response.json()["alerts"]
    assert alert["alert_name"] == event["alert_name"]


@pytest.mark.asyncio
@pytest.mark.parametrize("source", ["", "https://example.org/x", "//example.org/x", "/-/photometry.csv",
                                   "/microlensing/sources"])
async def test_export_refuses_what_it_cannot_use(portal, source):
    response = await portal.client.get("/-/photometry.csv", params={"from": source})
    assert response.status_code == 400 and response.text.startswith("Cannot export")


# Browse -------------------------------------------------------------------------------------------------

@pytest.mark.asyncio
async def test_tables_with_alert_names_offer_the_lightcurve_viewer(portal):
    response = await portal.client.get("/microlensing/alerts")
    assert "View these lightcurves" in response.text


@pytest.mark.asyncio
async def test_canned_queries_with_alert_names_offer_the_lightcurve_viewer(portal):
    response = await portal.client.get("/microlensing/lookup?name=OB250001&survey=")
    assert "View these lightcurves" in response.text


@pytest.mark.asyncio
async def test_tables_without_alert_names_do_not(portal):
    response = await portal.client.get("/microlensing/sources")
    assert "View these lightcurves" not in response.text


@pytest.mark.asyncio
async def test_viewer_page_serves(portal):
    response = await portal.client.get("/lightcurves?from=/microlensing/alerts")
    assert response.status_code == 200 and 'id="next"' in response.text


@pytest.mark.asyncio
async def test_vendored_javascript_is_served(portal):
    for path in ("vendor/vega.min.js", "vendor/vega-lite.min.js", "vendor/vega-embed.min.js", "lightcurve.js"):
        assert (await portal.client.get(f"/assets/{path}")).status_code == 200


@pytest.mark.asyncio
async def test_datasette_vega_still_loads(portal):
    response = await portal.client.get("/microlensing/alerts")
    assert "datasette-vega" in response.text or "datasette_vega" in response.text
