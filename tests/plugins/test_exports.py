"""VOTable and Atom exports, the front page, and Datasette's own error page for bad SQL."""

import io
from xml.etree import ElementTree

import pytest
from astropy.io.votable import parse_single_table
from astropy.table import Table


@pytest.fixture(scope="module")
def portal(recorded_db_path, portal_for):
    return portal_for(recorded_db_path)


@pytest.mark.asyncio
async def test_votable_of_a_table_reads_back_with_units(portal):
    response = await portal.client.get("/microlensing/alerts.votable?survey=OGLE&season=2025&_size=20")
    assert response.status_code == 200
    table = Table.read(io.BytesIO(response.content), format="votable")
    assert str(table["ra"].unit) == "deg" and str(table["tE"].unit) == "d" and str(table["Ibase"].unit) == "mag"
    row = table[table["alert_name"] == "OGLE-2025-BLG-0001"][0]
    assert (row["t0"], row["t0_err"]) == (10746.661, 0.203)


@pytest.mark.asyncio
async def test_votable_keeps_missing_values_missing(portal):
    response = await portal.client.get("/microlensing/alerts.votable?alert_name=OGLE-2025-BLG-0006")
    table = Table.read(io.BytesIO(response.content), format="votable")
    assert table["Amax"].mask[0] and not table["u0"].mask[0]


@pytest.mark.asyncio
async def test_votable_carries_ucds_and_the_credits(portal):
    response = await portal.client.get("/microlensing/alerts.votable?_size=5")
    text = response.text
    assert 'ucd="pos.eq.ra;meta.main"' in text and "Udalski" in text and "HJD - 2450000" in text


@pytest.mark.asyncio
async def test_votable_of_a_canned_query(portal):
    response = await portal.client.get("/microlensing/cone_search.votable?ra=17:19:44.68&dec=-27:43:21.4&radius=2")
    table = Table.read(io.BytesIO(response.content), format="votable")
    assert list(table["alert_name"]) == ["OGLE-2025-BLG-0001"]
    assert str(table["separation_arcsec"].unit) == "arcsec"


@pytest.mark.asyncio
async def test_atom_feed_parses_back(portal):
    response = await portal.client.get("/microlensing/alerts.atom?survey=OGLE&season=2025")
    assert response.headers["content-type"].startswith("application/atom+xml")
    feed = ElementTree.fromstring(response.content)
    atom = "{http://www.w3.org/2005/Atom}"
    titles = [entry.find(f"{atom}title").text for entry in feed.findall(f"{atom}entry")]
    assert "OGLE-2025-BLG-0001: tE 28.568 d" in titles
    assert all(entry.find(f"{atom}updated").text for entry in feed.findall(f"{atom}entry"))


def served_plugin(name):
    """The module Datasette loaded from plugins/ (not the one `import plugins.<name>` makes)."""
    from datasette.plugins import pm
    return pm.get_plugin(f"{name}.py")


@pytest.mark.asyncio
async def test_atom_ids_and_links_do_not_come_from_the_host_a_request_names(portal):
    response = await portal.client.get("/microlensing/alerts.atom?survey=OGLE", headers={"Host": "evil.example"})
    assert "evil.example" not in response.text
    feed = ElementTree.fromstring(response.content)
    atom = "{http://www.w3.org/2005/Atom}"
    entry = feed.find(f"{atom}entry")
    name = entry.find(f"{atom}title").text.split(":")[0]
    assert entry.find(f"{atom}id").text == f"urn:microlensing-alert-database:alert:{name}"
    assert entry.find(f"{atom}link").get("href") == f"/microlensing/alerts/{name}"


@pytest.mark.asyncio
async def test_an_atom_feed_holds_at_most_its_cap_and_says_so(portal, monkeypatch):
    atom_feed = served_plugin("atom_feed")
    monkeypatch.setattr(atom_feed, "MOST_ENTRIES", 3)
    feed = ElementTree.fromstring((await portal.client.get("/microlensing/alerts.atom")).content)
    atom = "{http://www.w3.org/2005/Atom}"
    assert len(feed.findall(f"{atom}entry")) == 3 and "first 3 rows" in feed.find(f"{atom}subtitle").text


@pytest.mark.asyncio
async def test_large_renderings_are_made_in_a_process_of_their_own_while_pages_are_served(portal):
    import asyncio
    import os
    import time

    from microlensing_to_sqlite.portal import render_in_process
    from tests.support.renderings import slow_pid
    await render_in_process(slow_pid, 0)  # the process is started and has imported the file
    rendering = asyncio.create_task(render_in_process(slow_pid, 1.5))
    await asyncio.sleep(0.3)
    started = time.monotonic()
    assert (await portal.client.get("/-/versions.json")).status_code == 200
    assert time.monotonic() - started < 0.5
    assert await rendering != os.getpid()


@pytest.mark.asyncio
async def test_busy_threads_hand_the_interpreter_back_to_the_event_loop_often(portal):
    import sys
    await portal.client.get("/-/versions.json")
    assert sys.getswitchinterval() == pytest.approx(0.0005)


@pytest.mark.asyncio
async def test_a_rendering_process_that_dies_is_a_503_and_the_next_one_works(portal):
    from microlensing_to_sqlite.portal import Busy, render_in_process
    from tests.support.renderings import dies, slow_pid
    with pytest.raises(Busy, match="could not be made"):
        await render_in_process(dies)
    assert await render_in_process(slow_pid, 0)
    assert (await portal.client.get("/microlensing/alerts.atom")).status_code == 200


@pytest.mark.asyncio
async def test_black_hole_feed_is_offered(portal):
    response = await portal.client.get("/microlensing/black_hole_candidates")
    assert "black_hole_candidates.atom" in response.text


@pytest.mark.asyncio
async def test_front_page_explains_the_data(portal):
    text = (await portal.client.get("/")).text
    for words in ["HJD&nbsp;&minus;&nbsp;2450000", "Data last refreshed", "Questions one click away",
                  "Black-hole candidates", "proprietary until 1 July", "Udalski"]:
        assert words in text, words


@pytest.mark.asyncio
async def test_invalid_sql_shows_the_error_and_keeps_the_query(portal):
    response = await portal.client.get("/microlensing?sql=select+alert_nam+from+alerts")
    assert response.status_code == 400
    assert "no such column: alert_nam" in response.text
    assert "select alert_nam from alerts" in response.text  # still in the editor


@pytest.mark.asyncio
async def test_alerts_are_searchable(portal):
    response = await portal.client.get("/microlensing/alerts.json?_search=clear&_shape=array")
    assert [row["alert_name"] for row in response.json()] == ["KMT-2016-BLG-1000"]


@pytest.mark.asyncio
async def test_votable_validates_without_a_warning(portal):
    from astropy.io.votable import parse
    response = await portal.client.get("/microlensing/alerts.votable?_size=20")
    parse(io.BytesIO(response.content), verify="exception")  # W06 (an invalid UCD) and every other warning fail


@pytest.mark.asyncio
async def test_votable_declares_its_time_system(portal):
    from astropy.io.votable import parse
    votable = parse(io.BytesIO((await portal.client.get("/microlensing/alerts.votable?_size=5")).content))
    [timesys] = votable.time_systems
    assert (timesys.timeorigin, timesys.refposition) == (2450000.0, "HELIOCENTER")
    fields = {f.name: f for f in votable.get_first_table().fields}
    assert fields["t0"].ref == timesys.ID


@pytest.mark.asyncio
async def test_votable_cuts_long_text_cells(portal):
    response = await portal.client.get("/microlensing.votable", params={"sql": "select printf('%.*c', 100000, 'x') as x"})
    table = Table.read(io.BytesIO(response.content), format="votable")
    assert len(table["x"][0]) == 4096


def test_one_long_text_cell_does_not_make_every_row_of_its_column_long():
    import tracemalloc
    from plugins.votable import votable_bytes
    rows = [("x" * 4096,)] + [("short",), (None,)] * 10_000
    tracemalloc.start()
    body = votable_bytes(["remarks"], rows, "test")
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert b"short" in body and len(Table.read(io.BytesIO(body), format="votable")) == 20_001
    assert peak < 50_000_000  # as fixed-width text: 20,001 x 4,096 x 4 bytes = 328 MB


@pytest.mark.asyncio
async def test_votable_fields_carry_the_column_descriptions_of_metadata(portal):
    import yaml
    from tests.support.paths import ROOT
    described = yaml.safe_load((ROOT / "metadata.yml").read_text())["databases"]["microlensing"]["tables"]["alerts"]["columns"]
    response = await portal.client.get("/microlensing/alerts.votable?_size=5")
    votable = parse_single_table(io.BytesIO(response.content))
    fields = {field.name: field.description for field in votable.fields}
    assert " ".join(fields["tE"].split()) == " ".join(described["tE"].split()) and fields["alert_name"]


@pytest.mark.asyncio
async def test_a_votable_of_one_page_says_so_and_how_to_ask_for_more(portal):
    from astropy.io.votable import parse
    response = await portal.client.get("/microlensing/alerts.votable?_size=5")
    description = " ".join(parse(io.BytesIO(response.content)).resources[0].description.split())
    assert "THIS FILE HOLDS ONE PAGE: the first 5 rows of" in description and "_size=max" in description
    whole = await portal.client.get("/microlensing/sources.votable")
    assert "ONE PAGE" not in parse(io.BytesIO(whole.content)).resources[0].description
