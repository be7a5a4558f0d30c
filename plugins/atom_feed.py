"""An Atom feed of any result whose rows carry alert_name, e.g. /microlensing/black_hole_candidates.atom,
so that a group can subscribe to new candidates. Each alert is one entry, updated when first seen."""

import datetime
from xml.etree import ElementTree

from datasette import hookimpl
from datasette.utils.asgi import Response

ATOM = "http://www.w3.org/2005/Atom"
SUMMARY_FIELDS = ["survey", "t0", "t0_err", "tE", "tE_err", "u0", "Ibase", "b", "classification"]


def element(parent, tag, text=None, **attributes):
    child = ElementTree.SubElement(parent, f"{{{ATOM}}}{tag}", attributes)
    if text is not None:
        child.text = str(text)
    return child


def feed_xml(title, self_url, rows, alert_url):
    ElementTree.register_namespace("", ATOM)
    feed = ElementTree.Element(f"{{{ATOM}}}feed")
    now = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")
    element(feed, "title", title)
    element(feed, "id", self_url)
    element(feed, "link", href=self_url, rel="self")
    element(feed, "updated", max((row.get("first_seen") or row.get("fetched_at") or now for row in rows), default=now))
    element(element(feed, "author"), "name", "Microlensing Alert Database")
    for row in rows:
        entry = element(feed, "entry")
        url = alert_url(row["alert_name"])
        element(entry, "id", url)
        element(entry, "title", f"{row['alert_name']}" + (f": tE {row['tE']} d" if row.get("tE") is not None else ""))
        element(entry, "link", href=url)
        element(entry, "updated", row.get("first_seen") or row.get("fetched_at") or now)
        element(entry, "summary", ", ".join(f"{k} {row[k]}" for k in SUMMARY_FIELDS if row.get(k) is not None))
    return ElementTree.tostring(feed, encoding="unicode", xml_declaration=True)


async def render_atom(datasette, request, columns, rows, database, table, query_name):
    records = [dict(zip(columns, tuple(row))) for row in rows]
    title = f"{query_name or table} - Microlensing Alert Database"

    def alert_url(name):
        return datasette.absolute_url(request, datasette.urls.row(database, "alerts", name))

    xml = feed_xml(title, datasette.absolute_url(request, request.full_path), records, alert_url)
    return Response(xml, content_type="application/atom+xml; charset=utf-8")


@hookimpl
def register_output_renderer():
    return {"extension": "atom", "render": render_atom, "can_render": lambda columns: "alert_name" in columns}
