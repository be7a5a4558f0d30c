"""A download whose client has gone stops, and gives back its export slot (plugins/abandoned_requests.py)."""

import asyncio
import sqlite3

import pytest

from plugins import photometry_export


def request(path, query):
    return {"type": "http", "http_version": "1.1", "method": "GET", "scheme": "http", "path": path,
            "raw_path": path.encode(), "query_string": query.encode(), "root_path": "",
            "headers": [(b"host", b"localhost")], "client": ("127.0.0.1", 5000), "server": ("localhost", 80)}


async def abandoned(datasette, path, query, after_seconds=0.3):
    """Ask for path?query as a client that reads slowly and leaves after after_seconds; how long the server
    went on after the client left, and what it sent."""
    app, sent, asked = datasette.app(), [], []

    async def receive():  # as a server does: the request, then, when the client goes, a disconnect
        asked.append(1)
        if len(asked) == 1:
            return {"type": "http.request", "body": b"", "more_body": False}
        await asyncio.sleep(after_seconds)
        return {"type": "http.disconnect"}

    async def send(message):  # a slow reader: the server writes on into a closed connection
        sent.append(message)
        await asyncio.sleep(0.05)

    started = asyncio.get_running_loop().time()
    await asyncio.wait_for(app(request(path, query), receive, send), timeout=30)
    return asyncio.get_running_loop().time() - started - after_seconds, sent


@pytest.mark.asyncio
async def test_an_abandoned_export_stops_and_gives_back_its_slot(demo_database, portal_for):
    datasette = portal_for(demo_database)
    names = [n for (n,) in sqlite3.connect(demo_database).execute(
        "select alert_name from alerts where n_photometry > 0 order by alert_id")]
    went_on, sent = await abandoned(datasette, "/-/photometry.csv", "names=" + ",".join(names * 1))
    assert went_on < 1.0 and len(sent) < len(names)
    assert photometry_export.export_slots(datasette)["admitted"] == 0


@pytest.mark.asyncio
async def test_a_whole_view_is_not_streamed(demo_database, portal_for):
    # Datasette pages a view with offset, so a stream of 0.4 billion points would cost the square of that.
    response = await portal_for(demo_database).client.get("/microlensing/photometry.csv?_stream=on")
    assert response.status_code == 400 and "/-/photometry.csv" in response.text
    assert (await portal_for(demo_database).client.get("/microlensing/alerts.csv?_stream=on")).status_code == 200
