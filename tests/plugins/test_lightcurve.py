"""The lightcurve plugin: its JSON, the model curve, binning, bulk export and the browse links."""

import csv
import io
import math
import sqlite3

import numpy
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
    units = first["units"]
    db = sqlite3.connect(demo_database)
    rows = db.execute("select hjd, mag, mag_err from photometry p join alerts a using (alert_id) "
                      "where a.alert_name = ? and telescope = ? and band = ? order by hjd",
                      [first["alert_name"], first["telescope"], first["band"]]).fetchall()
    assert [(t / units["hjd"], m / units["mag"], e / units["mag_err"])
            for t, m, e in zip(first["hjd"], first["mag"], first["mag_err"])] == rows


@pytest.fixture(scope="module")
def fitted(demo_database):
    """An event with an ok joint fit of several datasets, and its fits row."""
    db = sqlite3.connect(demo_database)
    db.row_factory = sqlite3.Row
    row = db.execute("select * from fits where status = 'ok' and n_datasets > 2 order by event_id limit 1").fetchone()
    return dict(row)


async def event_document(portal, event_id):
    return (await portal.client.get(f"/-/lightcurve/event/{event_id}.json")).json()


@pytest.mark.asyncio
async def test_the_document_has_the_events_joint_fit(portal, fitted):
    fit = (await event_document(portal, fitted["event_id"]))["fit"]
    assert (fit["status"], fit["kind"]) == ("ok", fitted["kind"])
    assert fit["parameters"]["tE"] == [fitted["tE"], fitted["tE_err"]]
    assert len(fit["model"]["hjd"]) == len(fit["model"]["mag"]) > 100


@pytest.mark.asyncio
async def test_every_fitted_series_is_aligned_with_residuals(portal, fitted):
    document = await event_document(portal, fitted["event_id"])
    fitted_ids = {d["lightcurve_id"] for d in document["fit"]["datasets"] if d["source_flux"] > 0}
    aligned = {s["lightcurve_id"] for s in document["series"] if s.get("aligned")}
    assert aligned == fitted_ids
    for one in document["series"]:
        if one.get("aligned"):
            assert len(one["aligned"]) == len(one["residual"]) == len(one["hjd"])


@pytest.mark.asyncio
async def test_the_reference_series_aligned_is_itself(portal, fitted):
    document = await event_document(portal, fitted["event_id"])
    reference = next(d for d in document["fit"]["datasets"] if d["is_reference"])
    one = next(s for s in document["series"] if s["lightcurve_id"] == reference["lightcurve_id"])
    unit = document["aligned_unit"]
    assert all(abs(a / unit - m / one["units"]["mag"]) <= 1 / unit for a, m in zip(one["aligned"], one["mag"]))


@pytest.mark.asyncio
async def test_aligned_surveys_agree_with_the_model_within_their_errors(portal, fitted):
    document = await event_document(portal, fitted["event_id"])
    scales = {d["lightcurve_id"]: d["error_scale"] for d in document["fit"]["datasets"]}
    unit = document["aligned_unit"]
    for one in document["series"]:
        pulls = [r / unit / (e / one["units"]["mag_err"] * scales[one["lightcurve_id"]])
                 for r, e in zip(one.get("residual") or [], one["mag_err"]) if r is not None and e]
        if len(pulls) > 20:
            assert sum(p * p for p in pulls) / len(pulls) < 3


@pytest.mark.asyncio
async def test_json_is_compact_and_cacheable(portal, event):
    response = await portal.client.get(f"/-/lightcurve/event/{event['event_id']}.json")
    assert ", " not in response.text[:200] and "public, max-age" in response.headers["cache-control"]


@pytest.mark.asyncio
async def test_a_lightcurve_is_read_under_the_sql_time_limit(demo_database, event):
    from datasette.app import Datasette
    database = Datasette(immutables=[str(demo_database)]).get_database()
    with pytest.raises(sqlite3.OperationalError, match="interrupted"):
        await lightcurve_data.lightcurve(database, "event_id = ?", event["event_id"], time_limit_ms=1)


@pytest.mark.asyncio
async def test_a_lightcurve_over_the_time_limit_is_a_503_that_says_so(portal, event, monkeypatch):
    async def interrupted(*arguments):
        raise sqlite3.OperationalError("interrupted")

    monkeypatch.setattr(lightcurve_data, "lightcurve", interrupted)
    response = await lightcurve_data.answer(portal, "event_id = ?", event["event_id"])
    assert response.status == 503 and "longer than the time limit" in response.body


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
    hjd = numpy.arange(0.0, 3000.0) * 1000  # days in units of 1/1000
    series = [{"alert_name": "X", "telescope": "OGLE", "band": "I", "units": {"hjd": 1000.0, "mag": 1000.0, "mag_err": 1000.0},
               "hjd": hjd, "mag": numpy.full(3000, 18000.0), "mag_err": numpy.full(3000, 10.0)}]
    binned = lightcurve_data.bin_baseline(series, [{"t0": 1500.0, "tE": 10.0}])
    days = series[0]["hjd"] / 1000
    assert binned == 3000 - 61 and sum(1 for t in days if abs(t - 1500) <= 30) == 61
    bins = {math.floor(t / lightcurve_data.BIN_DAYS) for t in range(3000) if abs(t - 1500) > 30}
    assert len(days) == 61 + len(bins) and list(days) == sorted(days)
    assert set(series[0]["mag"]) == {18000.0}


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
    # static/lightcurve_links.js writes the links (the browser tests follow them), configured as JSON
    assert '/assets/lightcurve_links.js"' in response.text and 'window.LIGHTCURVE_LINKS = {"base": ""}' in response.text


@pytest.mark.asyncio
async def test_canned_queries_with_alert_names_offer_the_lightcurve_viewer(portal):
    response = await portal.client.get("/microlensing/lookup?name=OB250001&survey=")
    assert '/assets/lightcurve_links.js"' in response.text


@pytest.mark.asyncio
async def test_tables_without_alert_names_do_not(portal):
    response = await portal.client.get("/microlensing/sources")
    assert "lightcurve_links.js" not in response.text and "LIGHTCURVE_LINKS" not in response.text


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


@pytest.mark.asyncio
@pytest.mark.parametrize("asked, shown", [
    ("/microlensing/alerts?survey=OGLE", "/microlensing/alerts?survey=OGLE"),
    ("/.//evil.example/x", "/evil.example/x"),  # the page's own check once let this through as //evil.example/x
    ("//evil.example/x", "/microlensing/alerts"), ("javascript:alert(1)", "/microlensing/alerts"),
    ("/microlensing/../-/photometry.csv", "/microlensing/alerts"),
])
async def test_the_viewer_pages_only_through_a_from_checked_on_the_server(portal, asked, shown):
    import html
    import json
    import re
    page = (await portal.client.get("/lightcurves", params={"from": asked})).text
    config = json.loads(html.unescape(re.search(r'id="lightcurves-config">(.*?)</script>', page).group(1)))
    assert config["from"] == shown and bool(config["note"]) == (shown == "/microlensing/alerts")
    assert "location.search" not in page  # the page's script is static/lightcurves.js, which reads only the config


# The default view ---------------------------------------------------------------------------------------

def document_with(demo_database, tmp_path, sql, parameters=()):
    """The lightcurve document of the demo's first fitted OGLE alert after `sql` changed a copy of the demo."""
    import shutil
    path = tmp_path / "microlensing.db"
    shutil.copy(demo_database, path)
    db = sqlite3.connect(path)
    db.row_factory = sqlite3.Row
    (name,) = db.execute("select a.alert_name from alerts a join fits f using (event_id) where f.status = 'ok' "
                         "and a.survey = 'OGLE' order by a.alert_id limit 1").fetchone()
    db.execute(sql.replace(":name", "?"), [*parameters, name] if ":name" in sql else parameters)
    return lightcurve_data.document(db, "alert_name = ?", name)


def test_an_unconstrained_survey_tE_does_not_stretch_the_view_beyond_the_data(demo_database, tmp_path):
    found = document_with(demo_database, tmp_path, "update alerts set tE = 20000 where alert_name = :name")
    first = min(s["hjd"][0] / s["units"]["hjd"] for s in found["series"])
    last = max(s["hjd"][-1] / s["units"]["hjd"] for s in found["series"])
    assert first - 5 <= found["window"][0] < found["window"][1] <= last + 5


def test_outliers_do_not_stretch_the_magnitude_axis(demo_database, tmp_path):
    # A few points ten magnitudes off, as KMTNet's pySIS files hold.
    found = document_with(demo_database, tmp_path,
                          "update photometry_points set mag = mag + 10 * (select mag_unit from lightcurves l where "
                          "l.lightcurve_id = photometry_points.lightcurve_id) where hjd % 97 = 0 and lightcurve_id in "
                          "(select l.lightcurve_id from lightcurves l join alerts a using (alert_id) where a.alert_name = :name)")
    bright, faint = found["magnitudes"]["published"]
    every = numpy.concatenate([numpy.asarray(s["mag"], float) / s["units"]["mag"] for s in found["series"]])
    assert every.max() > faint + 5  # the outliers are there, beyond the axis
    assert faint - bright < 6
    aligned_bright, aligned_faint = found["magnitudes"]["aligned"]
    assert aligned_bright <= min(found["fit"]["model"]["mag"]) and aligned_faint - aligned_bright < 6  # the peak shown
