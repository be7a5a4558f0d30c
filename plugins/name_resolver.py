"""Resolve any way a person writes an alert name to the survey's own full name, and to its event.

- SQL function `ml_alert_name(text [, survey])`, usable in any query:
  `ml_alert_name('ob190161')` is 'OGLE-2019-BLG-0161', `ml_alert_name('2019-BLG-0161', 'OGLE')` too.
- `/-/resolve?name=...` (the front page's search box) redirects to the alert's event page, or says
  plainly that the name is not known.
"""

from datasette import hookimpl
from datasette.utils.asgi import Response

from microlensing_to_sqlite.names import resolve_typed_name
from microlensing_to_sqlite.portal import portal_database
from microlensing_to_sqlite.registry import SURVEYS


@hookimpl
def prepare_connection(conn):
    conn.create_function("ml_alert_name", 1, resolve_typed_name, deterministic=True)
    conn.create_function("ml_alert_name", 2, resolve_typed_name, deterministic=True)


@hookimpl
def register_routes():
    return [(r"^/-/resolve$", resolve)]


async def resolve(request, datasette):
    typed = request.args.get("name", "")[:200]
    survey = request.args.get("survey") or None
    # `2019-BLG-0161` without a survey: whichever survey has it.
    surveys = [survey] if survey else [None, *(known.name for known in SURVEYS)]
    candidates = [resolve_typed_name(typed, one) for one in surveys]
    candidates = [c for c in dict.fromkeys(candidates) if c]
    database = portal_database(datasette)
    row = None
    if candidates and await database.table_exists("alerts"):
        rows = await database.execute(
            f"select alert_name, event_id from alerts where alert_name in ({', '.join('?' * len(candidates))})",
            candidates)
        found = [dict(r) for r in rows]
        if len({(r["event_id"] or r["alert_name"]) for r in found}) > 1:
            # `2025-BLG-0001` without a survey is an alert of each survey: which was meant is the person's call.
            html = await datasette.render_template("resolve_which.html", {"typed": typed, "found": found},
                                                   request=request)
            return Response.html(html, status=300)
        row = found[0] if found else None
    name = candidates[0] if candidates else None
    if row is not None:
        if row["event_id"] is not None:
            return Response.redirect(datasette.urls.row(database.name, "events", str(row["event_id"])))
        return Response.redirect(datasette.urls.row(database.name, "alerts", row["alert_name"]))
    html = await datasette.render_template("resolve_not_found.html", {"typed": typed, "name": name}, request=request)
    return Response.html(html, status=404)
