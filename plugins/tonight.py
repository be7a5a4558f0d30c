"""/-/tonight?site=lco&date=2026-06-15&min_tE=20: the current candidates a site can observe in the night that
begins on that date's local evening, with their observable hours (microlensing_to_sqlite/tonight.py). The sites
are shipped (visibility.SITES); a night's answer is kept for the life of the process, as the database is
immutable."""

import asyncio
import datetime

from datasette import hookimpl
from datasette.utils.asgi import Response

from microlensing_to_sqlite import tonight, visibility
from microlensing_to_sqlite.portal import built_at, portal_database

_answers = {}
KEPT_ANSWERS = 64


@hookimpl
def register_routes():
    return [(r"^/-/tonight$", tonight_page)]


async def tonight_page(request, datasette):
    database = portal_database(datasette)
    built = await built_at(database)
    built = datetime.date.fromisoformat(built[:10]) if built else datetime.datetime.now(datetime.timezone.utc).date()
    context = {"sites": visibility.SITES, "site": request.args.get("site") or "lco", "date": request.args.get("date") or "",
               "min_tE": request.args.get("min_tE") or "", "built": built.isoformat(), "answer": None, "error": None,
               "most": tonight.MOST_TARGETS, "largest_airmass": visibility.LARGEST_AIRMASS,
               "moon": visibility.SMALLEST_MOON_DEGREES}
    status = 200
    try:
        site, day, min_tE = tonight.parse_request(request.args.get("site"), request.args.get("date"),
                                                  request.args.get("min_tE"), built)
        context.update(site=site, date=day.isoformat(), min_tE=min_tE)
        key = (database.path, site, day, min_tE)
        if key not in _answers:
            if not await database.table_exists("fits"):
                raise tonight.TonightError("this database has no joint fits, so no candidates")
            rows = [dict(r) for r in await database.execute(
                tonight.CANDIDATES, {"year": day.year, "min_tE": min_tE, "limit": tonight.MOST_TARGETS})]
            answer = await asyncio.get_running_loop().run_in_executor(None, tonight.tonight, rows, site, day)
            if len(_answers) >= KEPT_ANSWERS:
                _answers.pop(next(iter(_answers)))
            _answers[key] = answer
        context["answer"] = _answers[key]
    except tonight.TonightError as error:
        context["error"], status = str(error), 400
    html = await datasette.render_template("tonight.html", context, request=request)
    return Response.html(html, status=status)
