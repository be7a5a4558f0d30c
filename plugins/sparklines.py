"""Sparklines: a thumbnail of each alert's lightcurve beside its name, on every table, view and query page whose
rows carry alert_name (static/sparklines.js draws them), from the sparklines table the build made.

    /-/sparklines.json?names=OGLE-2025-BLG-0001,KMT-2025-BLG-0002    at most MOST_NAMES names

One indexed lookup per page; the answer is a few dozen bytes an alert and may be cached for a day.
"""

import json

from datasette import hookimpl
from datasette.utils.asgi import Response

from microlensing_to_sqlite.names import parse_full_name
from microlensing_to_sqlite.portal import names_asked, portal_database, rows_for_names

# More than a page of results (Datasette's largest page is 1,000 rows; the default 100).
MOST_NAMES = 1000
CACHE = "public, max-age=86400"
FIELDS = ["telescope", "band", "hjd_from", "hjd_to", "mag_bright", "mag_faint", "heights"]
OF_NAMES = (f"select a.alert_name, {', '.join('s.' + f for f in FIELDS)} from alerts a "
            "join sparklines s using (alert_id) where a.alert_name in")


async def sparklines(request, datasette):
    names = names_asked(request.args.get("names", ""))
    if len(names) > MOST_NAMES:
        return Response.text(f"at most {MOST_NAMES} names at a time ({len(names)} asked)\n", status=400)
    names = [n for n in names if parse_full_name(n)]
    rows = await rows_for_names(portal_database(datasette), OF_NAMES, names)
    found = {row[0]: dict(zip(FIELDS, row[1:])) for row in rows}
    return Response(json.dumps({"time": "HJD - 2450000", "sparklines": found}, separators=(",", ":")),
                    content_type="application/json", headers={"Cache-Control": CACHE})


@hookimpl
def extra_js_urls(columns, view_name, datasette):
    if view_name in ("table", "query") and columns and "alert_name" in columns:
        return [{"url": datasette.urls.path("/assets/sparklines.js"), "module": False}]
    return []


@hookimpl
def register_routes():
    return [(r"^/-/sparklines\.json$", sparklines)]
