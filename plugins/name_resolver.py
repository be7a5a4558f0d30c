"""Resolve any way a person writes an alert name to the survey's own full name, and to its event.

- SQL function `ml_alert_name(text [, survey])`, usable in any query:
  `ml_alert_name('ob190161')` is 'OGLE-2019-BLG-0161', `ml_alert_name('2019-BLG-0161', 'OGLE')` too.
- `/-/resolve?name=...` (the front page's search box) redirects to the alert's event page, or says
  plainly that the name is not known.
"""

import re

from datasette import hookimpl
from datasette.utils.asgi import Response

PREFIXES = {"OGLE": "OGLE", "O": "OGLE", "MOA": "MOA", "M": "MOA", "KMT": "KMT", "KMTNET": "KMT", "K": "KMT",
            "PRIME": "PRIME", "P": "PRIME"}
FULL = re.compile(r"^(OGLE|MOA|KMTNET|KMT|PRIME)[-_ ]?(\d{4})[-_ ]?(BLG|GD|DG|LMC|SMC)[-_ ]?(\d{1,5})$")
BARE = re.compile(r"^(\d{4})[-_ ]?(BLG|GD|DG|LMC|SMC)[-_ ]?(\d{1,5})$")
# Short forms as in KMTNet's related-event column: OB190161, MB19061, MB250060, KB190001, PB250007.
SHORT = re.compile(r"^([OMKP])B(\d{2})(\d{3,4})$")


def alert_name(text, survey=None):
    """The full alert name for any form of it, or None. Digits are padded as the survey pads them:
    MOA 3 digits up to 2024 and 4 from 2025, everyone else 4."""
    if not isinstance(text, str):
        return None
    compact = text.strip().upper()
    if match := FULL.match(compact):
        prefix, season, region, number = match.groups()
    elif (match := BARE.match(compact)) and survey:
        prefix, (season, region, number) = str(survey).strip().upper(), match.groups()
    elif match := SHORT.match(compact):
        prefix, year, number = match.groups()
        season, region = f"20{year}", "BLG"
    else:
        return None
    survey_name = PREFIXES.get(prefix)
    if survey_name is None or len(number.lstrip("0")) > 4:
        return None
    digits = 3 if survey_name == "MOA" and int(season) <= 2024 else 4
    if match.re is SHORT and len(number) != digits:
        return None  # short forms are always padded: OB19016 is not OB190016
    if len(number) > digits and number[: len(number) - digits].strip("0"):
        return None
    return f"{survey_name}-{season}-{region}-{int(number):0{digits}d}"


@hookimpl
def prepare_connection(conn):
    conn.create_function("ml_alert_name", 1, alert_name, deterministic=True)
    conn.create_function("ml_alert_name", 2, alert_name, deterministic=True)


@hookimpl
def register_routes():
    return [(r"^/-/resolve$", resolve)]


async def resolve(request, datasette):
    typed = request.args.get("name", "")[:200]
    survey = request.args.get("survey") or None
    # `2019-BLG-0161` without a survey: whichever survey has it.
    candidates = [alert_name(typed, s) for s in ([survey] if survey else [None, "OGLE", "MOA", "KMT"])]
    candidates = [c for c in dict.fromkeys(candidates) if c]
    database = datasette.databases.get("microlensing") or datasette.get_database()
    row = None
    if candidates and await database.table_exists("alerts"):
        rows = await database.execute(
            f"select alert_name, event_id from alerts where alert_name in ({', '.join('?' * len(candidates))})",
            candidates)
        row = rows.first()
    name = candidates[0] if candidates else None
    if row is not None:
        if row["event_id"] is not None:
            return Response.redirect(datasette.urls.row(database.name, "events", str(row["event_id"])))
        return Response.redirect(datasette.urls.row(database.name, "alerts", row["alert_name"]))
    html = await datasette.render_template("resolve_not_found.html", {"typed": typed, "name": name}, request=request)
    return Response.html(html, status=404)
