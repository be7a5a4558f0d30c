"""The served portal, through Datasette's own test client, on the synthetic demo database."""

import pathlib

import pytest
import yaml


ROOT = pathlib.Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def datasette(demo_database, portal_for):
    return portal_for(demo_database)


@pytest.fixture(scope="module")
def first_alert(demo_database):
    import sqlite3
    return sqlite3.connect(demo_database).execute(
        "select alert_name, alert_id from alerts where n_photometry > 0 order by alert_id limit 1").fetchone()


@pytest.mark.asyncio
async def test_index_says_synthetic(datasette):
    response = await datasette.client.get("/")
    assert response.status_code == 200
    assert "Synthetic demo data" in response.text


@pytest.mark.asyncio
async def test_the_synthetic_banner_names_commands_that_exist(datasette):
    import importlib.util
    import re
    text = (await datasette.client.get("/")).text
    modules = re.findall(r"python -m ([\w.]+)", text)
    targets = re.findall(r"make (\w+)", text)
    assert modules and targets
    assert all(importlib.util.find_spec(m) is not None for m in modules), modules
    makefile = (ROOT / "Makefile").read_text()
    assert all(re.search(rf"^{t}:", makefile, re.M) for t in targets), targets


@pytest.mark.asyncio
@pytest.mark.parametrize("table", ["alerts", "photometry", "sources", "build_problems", "build_info"])
async def test_every_table_page_serves(datasette, table):
    response = await datasette.client.get(f"/microlensing/{table}")
    assert response.status_code == 200


@pytest.mark.asyncio
async def test_column_descriptions_are_shown(datasette):
    response = await datasette.client.get("/microlensing/alerts")
    assert "Time of maximum magnification [HJD - 2450000]" in response.text


@pytest.mark.asyncio
async def test_alert_row_page_links_its_photometry(datasette, first_alert):
    name, alert_id = first_alert
    response = await datasette.client.get(f"/microlensing/alerts/{name}")
    assert response.status_code == 200
    assert f'<a href="/microlensing/photometry?alert_id={alert_id}">' in response.text


@pytest.mark.asyncio
async def test_photometry_shows_alert_names_linked_to_alert_pages(datasette, first_alert):
    name, alert_id = first_alert
    response = await datasette.client.get(f"/microlensing/photometry?alert_id={alert_id}&_size=1")
    assert f'<a href="/microlensing/alerts/{name}">{name}</a>' in response.text


@pytest.mark.asyncio
async def test_json_export_of_an_alert(datasette, first_alert):
    name, _ = first_alert
    response = await datasette.client.get(f"/microlensing/alerts/{name}.json?_shape=array")
    [row] = response.json()
    assert row["alert_name"] == name and row["survey"] == "OGLE"


@pytest.mark.asyncio
async def test_csv_export_of_a_lightcurve_with_names(datasette, first_alert):
    name, alert_id = first_alert
    response = await datasette.client.get(f"/microlensing/photometry.csv?alert_id={alert_id}&_size=max")
    lines = response.text.splitlines()
    assert lines[0] == ("alert_id,alert_name,telescope,band,hjd,mag,mag_err,"
                        "delta_flux,flux_err,seeing,fwhm,sky,secz")
    assert lines[1].startswith(f"{alert_id},{name},OGLE,I,")


@pytest.mark.asyncio
async def test_numbers_keep_their_published_precision(datasette, demo_database):
    response = await datasette.client.get("/microlensing/photometry.csv?_size=200")
    for line in response.text.splitlines()[1:]:
        for value in line.split(",")[3:]:
            assert len(value.partition(".")[2]) <= 5, line


def test_metadata_describes_every_column(demo_database):
    import sqlite3
    metadata = yaml.safe_load((ROOT / "metadata.yml").read_text())
    tables = metadata["databases"]["microlensing"]["tables"]
    db = sqlite3.connect(demo_database)
    for (table,) in db.execute("select name from sqlite_master where type in ('table', 'view') "
                               "and name not like 'sqlite_%' and name not like '%_fts%'"):
        columns = {row[1] for row in db.execute(f"pragma table_info([{table}])")}
        assert columns == set(tables[table]["columns"]), table


def test_metadata_has_no_repeated_keys():
    """YAML keeps the last of two equal keys without a word; a repeated description would hide the first."""

    class Strict(yaml.SafeLoader):
        def construct_mapping(self, node, deep=False):
            keys = [self.construct_object(key, deep=deep) for key, _ in node.value]
            repeated = {key for key in keys if keys.count(key) > 1}
            assert not repeated, f"repeated keys {repeated} at line {node.start_mark.line + 1}"
            return super().construct_mapping(node, deep)

    yaml.load((ROOT / "metadata.yml").read_text(), Loader=Strict)


def test_every_canned_query_says_what_it_finds():
    queries = yaml.safe_load((ROOT / "metadata.yml").read_text())["databases"]["microlensing"]["queries"]
    assert all(query.get("title") and query.get("description") for query in queries.values())


@pytest.mark.asyncio
async def test_an_event_page_shows_the_joint_fits_verdict_solutions_and_quality(datasette, demo_database):
    import sqlite3
    db = sqlite3.connect(demo_database)
    event_id, status = db.execute("select f.event_id, f.status from fits f join fit_solutions s using (event_id) "
                                  "where s.posterior like 'sampled%' order by f.event_id limit 1").fetchone()
    text = (await datasette.client.get(f"/microlensing/events/{event_id}")).text
    assert f"Verdict: {status}" in text and "from the posterior" in text
    assert ">u0 +" in text and ">u0 -" in text and "95%" in text  # both solutions, with percentiles
    assert "chi2/dof (published errors)" in text and "error scale" in text
    assert f"/microlensing/fit_samples?event_id={event_id}" in text


@pytest.mark.asyncio
async def test_an_alert_page_links_its_event_and_the_event_page_is_titled_by_its_alerts(datasette, demo_database):
    import sqlite3
    name, event_id, ogle, moa, kmt = sqlite3.connect(demo_database).execute(
        "select a.alert_name, e.event_id, e.ogle_name, e.moa_name, e.kmt_name from alerts a join events e "
        "using (event_id) where e.n_alerts = 3 order by e.event_id limit 1").fetchone()
    page = (await datasette.client.get(f"/microlensing/alerts/{name}")).text
    assert f'<a href="/microlensing/events/{event_id}">its physical event</a>' in page
    page = (await datasette.client.get(f"/microlensing/events/{event_id}")).text
    assert f">{ogle} = {moa} = {kmt}</h1>" in page
