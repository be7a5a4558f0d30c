"""An Atom feed of any result whose rows carry alert_name, e.g. /microlensing/black_hole_candidates.atom,
so that a group can subscribe to new candidates. Each alert is one entry, updated when first seen; at most
MOST_ENTRIES entries (the feed's subtitle says when there were more rows). Entry ids are the alerts' names
(never the Host a request names) and links are paths, resolved against the feed's own address. The feed is
made in the rendering process (portal.render_in_process), not in the server."""

import datetime
from xml.etree import ElementTree

from datasette import hookimpl
from datasette.utils.asgi import Response

from microlensing_to_sqlite.portal import Busy, render_in_process

ATOM = "http://www.w3.org/2005/Atom"
SUMMARY_FIELDS = ["survey", "t0", "t0_err", "tE", "tE_err", "u0", "Ibase", "b", "classification"]
MOST_ENTRIES = 500
ALERT_ID = "urn:microlensing-alert-database:alert:{}"
FEED_ID = "urn:microlensing-alert-database:feed:{}"


def element(parent, tag, text=None, **attributes):
    child = ElementTree.SubElement(parent, f"{{{ATOM}}}{tag}", attributes)
    if text is not None:
        child.text = str(text)
    return child


def feed_xml(title, self_path, columns, rows, alert_paths, most):
    """The feed of the first `most` rows (tuples in the order of `columns`; the subtitle says when there were
    more); alert_paths: {alert_name: its page's path}."""
    cut, rows = len(rows) > most, [dict(zip(columns, row)) for row in rows[:most]]
    ElementTree.register_namespace("", ATOM)
    feed = ElementTree.Element(f"{{{ATOM}}}feed")
    now = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")
    element(feed, "title", title)
    if cut:
        element(feed, "subtitle", f"at most the first {most} rows of the result")
    element(feed, "id", FEED_ID.format(self_path))
    element(feed, "link", href=self_path, rel="self")
    element(feed, "updated", max((row.get("first_seen") or row.get("fetched_at") or now for row in rows), default=now))
    element(element(feed, "author"), "name", "Microlensing Alert Database")
    for row in rows:
        entry = element(feed, "entry")
        url = alert_paths[str(row["alert_name"])]
        element(entry, "id", ALERT_ID.format(row["alert_name"]))
        element(entry, "title", f"{row['alert_name']}" + (f": tE {row['tE']} d" if row.get("tE") is not None else ""))
        element(entry, "link", href=url)
        element(entry, "updated", row.get("first_seen") or row.get("fetched_at") or now)
        element(entry, "summary", ", ".join(f"{k} {row[k]}" for k in SUMMARY_FIELDS if row.get(k) is not None))
    return ElementTree.tostring(feed, encoding="unicode", xml_declaration=True)


async def render_atom(datasette, request, columns, rows, database, table, query_name):
    title = f"{query_name or table} - Microlensing Alert Database"

    rows = [tuple(row) for row in rows[:MOST_ENTRIES + 1]]
    where = columns.index("alert_name")
    alert_paths = {str(row[where]): datasette.urls.row(database, "alerts", str(row[where])) for row in rows}
    try:
        xml = await render_in_process(feed_xml, title, request.full_path, columns, rows, alert_paths,
                                      MOST_ENTRIES)
    except Busy as error:
        return Response.text(f"{error}\n", status=503, headers={"Retry-After": "60"})
    return Response(xml, content_type="application/atom+xml; charset=utf-8")


@hookimpl
def register_output_renderer():
    return {"extension": "atom", "render": render_atom, "can_render": lambda columns: "alert_name" in columns}
