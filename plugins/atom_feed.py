"""An Atom feed of any result whose rows carry alert_name, e.g. /microlensing/black_hole_candidates.atom,
so that a group can subscribe to new candidates. Each alert is one entry; at most MOST_ENTRIES entries (the
feed's subtitle says when there were more rows). An entry's `updated` is when what it shows last changed, never
the request's time: for a result of alerts, the latest build that saw the survey's values change (the history)
or the alert first seen; for a result of events (rows with event_id and no survey: the candidates view, the
queries on it and on the joint fit), the same over all its alerts and when the event's joint fit was last made (a fit is made again only when its data change). Without either, the build's
time. Entry ids are the alerts' names
(never the Host a request names) and links are paths, resolved against the feed's own address. The feed is
made in the rendering process (portal.render_in_process), not in the server."""

import datetime
from xml.etree import ElementTree

from datasette import hookimpl
from datasette.utils.asgi import Response

from microlensing_to_sqlite.portal import Busy, built_at, render_in_process, rows_for_names

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


# When each alert's shown values last changed (see the module's docstring), for alerts and for events: one row
# an alert (max() of several values, not an aggregate; an event has one fit).
ALERT_UPDATED = """
select a.alert_name, max(coalesce(a.first_seen, ''),
  coalesce((select max(observed_at) from alert_history h where h.alert_name = a.alert_name), ''))
from alerts a where a.alert_name in"""
EVENT_UPDATED = """
select a.alert_name, max(coalesce(a.first_seen, ''), coalesce(f.fitted_at, ''),
  coalesce((select max(h.observed_at) from alert_history h join alerts b on b.alert_name = h.alert_name
            where b.event_id = a.event_id), ''))
from alerts a left join fits f on f.event_id = a.event_id where a.alert_name in"""


def feed_xml(title, self_path, columns, rows, alert_paths, most, updated=None, built=None):
    """The feed of the first `most` rows (tuples in the order of `columns`; the subtitle says when there were
    more); alert_paths: {alert_name: its page's path}; updated: {alert_name: when its values last changed};
    built: the build's time, for an entry with none."""
    cut, rows = len(rows) > most, [dict(zip(columns, row)) for row in rows[:most]]
    ElementTree.register_namespace("", ATOM)
    feed = ElementTree.Element(f"{{{ATOM}}}feed")
    updated = updated or {}
    now = built or datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")
    for row in rows:
        row["updated"] = updated.get(str(row["alert_name"])) or row.get("first_seen") or row.get("fetched_at") or now
    element(feed, "title", title)
    if cut:
        element(feed, "subtitle", f"at most the first {most} rows of the result")
    element(feed, "id", FEED_ID.format(self_path))
    element(feed, "link", href=self_path, rel="self")
    element(feed, "updated", max((row["updated"] for row in rows), default=now))
    element(element(feed, "author"), "name", "Microlensing Alert Database")
    for row in rows:
        entry = element(feed, "entry")
        url = alert_paths[str(row["alert_name"])]
        element(entry, "id", ALERT_ID.format(row["alert_name"]))
        element(entry, "title", f"{row['alert_name']}" + (f": tE {row['tE']} d" if row.get("tE") is not None else ""))
        element(entry, "link", href=url)
        element(entry, "updated", row["updated"])
        element(entry, "summary", ", ".join(f"{k} {row[k]}" for k in SUMMARY_FIELDS if row.get(k) is not None))
    return ElementTree.tostring(feed, encoding="unicode", xml_declaration=True)


async def render_atom(datasette, request, columns, rows, database, table, query_name):
    title = f"{query_name or table} - Microlensing Alert Database"

    rows = [tuple(row) for row in rows[:MOST_ENTRIES + 1]]
    where = columns.index("alert_name")
    alert_paths = {str(row[where]): datasette.urls.row(database, "alerts", str(row[where])) for row in rows}
    updated, built = await when_changed(datasette.get_database(database), list(alert_paths)[:MOST_ENTRIES],
                                        by_event="event_id" in columns and "survey" not in columns)
    try:
        xml = await render_in_process(feed_xml, title, request.full_path, columns, rows, alert_paths,
                                      MOST_ENTRIES, updated, built)
    except Busy as error:
        return Response.text(f"{error}\n", status=503, headers={"Retry-After": "60"})
    return Response(xml, content_type="application/atom+xml; charset=utf-8")


async def when_changed(db, names, by_event):
    """({alert_name: when its shown values last changed}, the build's time) from the database."""
    tables = set(await db.table_names())
    built = await built_at(db)
    if not names or not {"alerts", "alert_history"} <= tables or (by_event and "fits" not in tables):
        return {}, built
    rows = await rows_for_names(db, EVENT_UPDATED if by_event else ALERT_UPDATED, names)
    return {name: when for name, when in rows if when}, built


@hookimpl
def register_output_renderer():
    return {"extension": "atom", "render": render_atom, "can_render": lambda columns: "alert_name" in columns}
