"""Bulk photometry export: every point of every alert a table, view or query returns, in one file.

    /-/photometry.csv?from=/microlensing/alerts%3Fsurvey%3DOGLE
    /-/photometry.json?from=...            grouped by alert
    /-/photometry.csv?names=OGLE-2025-BLG-0001,KMT-2025-BLG-0002

`from` is any table, view or query of the portal whose rows carry `alert_name`. The survey credit lines head
the file. The points are read straight from SQLite, one alert's lightcurves at a time (each query under the
SQL time limit), and streamed as they are read. Every export is bounded: at most MAX_ALERTS alerts, MAX_POINTS
points and max_csv_mb megabytes, and EXPORTS_AT_ONCE exports run at once (a few more wait, the rest are told
to come back), so that the cheap pages stay fast. An export that stops early says so, in a header
(X-Export-Incomplete) and in its body; it never stops silently.
"""

import asyncio
import itertools
import json
import math
import urllib.parse

import numpy

from datasette import hookimpl
from datasette.utils.asgi import AsgiStream, Response

from microlensing_to_sqlite.names import parse_full_name
from microlensing_to_sqlite.portal import NotAPortalPath, get_only, portal_database, portal_path

COLUMNS = ["alert_name", "survey", "telescope", "band", "hjd", "mag", "mag_err", "delta_flux", "flux_err"]
MAX_ALERTS = 5000
MAX_POINTS = 2_000_000
# The rows of `from` read to find its alerts: a source larger than this (the photometry view, say) is refused.
MAX_SOURCE_ROWS = 200_000
EXPORTS_AT_ONCE = 2
EXPORTS_WAITING = 6
LIGHTCURVES_PER_ALERT = 32
# The stored integers and their units (lightcurves.<column>_unit = 10^d): a value is the integer / unit, written
# with d decimals, as the survey published it.
LIGHTCURVES = f"""
select lightcurve_id, telescope, band, hjd_unit, mag_unit, mag_err_unit, delta_flux_unit, flux_err_unit
from lightcurves where lightcurve_id between :alert_id * {LIGHTCURVES_PER_ALERT} and :alert_id * {LIGHTCURVES_PER_ALERT} + 31
"""
POINTS = f"""
select lightcurve_id, hjd, mag, mag_err, delta_flux, flux_err from photometry_points
where lightcurve_id between :alert_id * {LIGHTCURVES_PER_ALERT} and :alert_id * {LIGHTCURVES_PER_ALERT} + 31
"""


async def lightcurves_of(database, alert_id):
    """[(telescope, band, units, columns)] of an alert, each column a tuple of stored integers (None: missing)
    in the order of COLUMNS[4:], in key order."""
    units = {row[0]: row[1:] for row in await database.execute(LIGHTCURVES, {"alert_id": alert_id})}
    rows = (await database.execute(POINTS, {"alert_id": alert_id})).rows
    return [(units[lightcurve_id][0], units[lightcurve_id][1], units[lightcurve_id][2:], list(zip(*group))[1:])
            for lightcurve_id, group in itertools.groupby(rows, key=lambda row: row[0])]


def decimals(unit):
    return round(math.log10(unit))


def values(column, unit):
    """A column's values as floats (None: missing)."""
    if unit is None:
        return [None] * len(column)
    if None in column:
        return [v / unit if v is not None else None for v in column]
    return (numpy.array(column, dtype=float) / unit).tolist()


def csv_text(prefix, units, columns):
    """One lightcurve's CSV lines: the prefix fields, then each value with its published decimals. One format
    per lightcurve, so a row costs one %."""
    specs, formatted = [], []
    for column, unit in zip(columns, units):
        if unit is None:
            specs.append("")
        elif None in column:
            spec = f"%.{decimals(unit)}f"
            specs.append("%s")
            formatted.append([spec % (v / unit) if v is not None else "" for v in column])
        else:
            specs.append(f"%.{decimals(unit)}f")
            formatted.append(values(column, unit))
    row = prefix.replace("%", "%%") + "," + ",".join(specs) + "\n"
    return "".join([row % one for one in zip(*formatted)]) if formatted else (row * len(columns[0]))


def csv_field(text):
    text = str(text)
    return '"' + text.replace('"', '""') + '"' if any(c in text for c in ',"\r\n') else text


class ExportError(ValueError):
    pass


async def alert_names(request, datasette):
    """The alerts to export, from ?names= or from the rows of ?from=, in order, each once."""
    if request.args.get("names"):
        names = [n.strip() for n in request.args["names"].split(",") if n.strip()]
        bad = [n for n in names if not parse_full_name(n)]
        if bad:
            raise ExportError(f"not alert names such as OGLE-2025-BLG-0001: {', '.join(bad[:5])[:200]}")
    else:
        try:
            names = await names_in(portal_path(request.args.get("from", "")), datasette)
        except NotAPortalPath as error:
            raise ExportError(str(error)) from None
    names = list(dict.fromkeys(names))
    if not names:
        raise ExportError("no alerts to export: the rows name none")
    if len(names) > MAX_ALERTS:
        raise ExportError(f"at most {MAX_ALERTS:,} alerts at a time ({len(names):,} asked); narrow the query")
    return names


async def names_in(source, datasette):
    """The alert names of every row of a portal page, following its pages."""
    path, _, query = source.partition("?")
    arguments = [(k, v) for k, v in urllib.parse.parse_qsl(query, keep_blank_values=True)
                 if k not in ("_shape", "_size", "_next")]
    url = (path if path.endswith(".json") else path + ".json") + "?" + urllib.parse.urlencode(
        arguments + [("_shape", "objects"), ("_size", "max")])
    names, rows_read = [], 0
    while url:
        response = await datasette.client.get(url)
        if response.status_code != 200:
            raise ExportError(f"{source} answered {response.status_code}")
        page = response.json()
        rows = page.get("rows") or []
        if rows and "alert_name" not in rows[0]:
            raise ExportError(f"the rows of {source} have no alert_name column")
        if page.get("truncated"):
            raise ExportError(f"{source} gives more rows than one page holds; narrow it")
        rows_read += len(rows)
        if rows_read > MAX_SOURCE_ROWS:
            raise ExportError(f"{source} has more than {MAX_SOURCE_ROWS:,} rows; narrow it")
        names += [row["alert_name"] for row in rows if row.get("alert_name")]
        next_url = page.get("next_url")
        url = urllib.parse.urlsplit(next_url)._replace(scheme="", netloc="").geturl() if next_url else None
    return names


async def export_plan(database, names, max_points):
    """(alert_id, name, survey, points) of the known alerts in key order, as many as fit in max_points; the
    names the database does not have; and what was left out, in words (None if nothing)."""
    found = {}
    for start in range(0, len(names), 500):
        chunk = names[start:start + 500]
        rows = await database.execute(f"select alert_id, alert_name, survey, n_photometry from alerts "
                                      f"where alert_name in ({', '.join('?' * len(chunk))})", chunk)
        found.update({row[1]: tuple(row) for row in rows})
    alerts, total = sorted(found.values()), 0
    planned = []
    for alert in alerts:
        if total + alert[3] > max_points and planned:
            break
        planned.append(alert)
        total += alert[3]
    left_out = None
    if len(planned) < len(alerts):
        all_points = sum(a[3] for a in alerts)
        left_out = (f"stopped after {len(planned):,} of {len(alerts):,} alerts ({total:,} of {all_points:,} points): "
                    f"an export holds at most {max_points:,} points; ask for fewer alerts")
    return planned, [n for n in names if n not in found], left_out


def credits_of(rows, surveys):
    return {survey: f"{credit} {policy}" for survey, credit, policy in rows if survey in surveys}


class Writer:
    """Bytes sent, against the size limit."""

    def __init__(self, write, limit):
        self.write, self.limit, self.sent, self.full = write, limit, 0, False

    async def send(self, text):
        self.sent += len(text.encode())
        if self.sent > self.limit:
            self.full = True
            return False
        await self.write(text)
        return True


async def stream_csv(database, planned, credits, left_out, writer):
    lines = ["# Photometry from the Microlensing Alert Database. Times are HJD - 2450000; magnitudes in each "
             "survey's band."] + [f"# {survey}: {line}" for survey, line in credits.items()]
    if left_out:
        lines.append(f"# NOT COMPLETE: {left_out}")
    await writer.send("\n".join(lines) + "\n" + ",".join(COLUMNS) + "\n")
    for alert_id, name, survey, _ in planned:
        text = "".join(csv_text(",".join(map(csv_field, (name, survey, telescope, band))), units, columns)
                       for telescope, band, units, columns in await lightcurves_of(database, alert_id))
        if not await writer.send(text):
            break
    if writer.full:
        await writer.write(f"# NOT COMPLETE: stopped at {writer.limit // 1_000_000:,} MB, the most one export sends\n")
    elif left_out:
        await writer.write(f"# NOT COMPLETE: {left_out}\n")


async def stream_json(database, planned, credits, left_out, missing, writer):
    await writer.send('{"time":"HJD - 2450000","credits":' + json.dumps(credits) + ',"alerts":[')
    first = True
    for alert_id, name, survey, _ in planned:
        points = {column: [] for column in COLUMNS[2:]}
        for telescope, band, units, columns in await lightcurves_of(database, alert_id):
            points["telescope"] += [telescope] * len(columns[0])
            points["band"] += [band] * len(columns[0])
            for column, unit, stored in zip(COLUMNS[4:], units, columns):
                points[column] += values(stored, unit)
        entry = {"alert_name": name, "survey": survey, "points": points}
        if not await writer.send(("" if first else ",") + json.dumps(entry, separators=(",", ":"))):
            break
        first = False
    if writer.full:
        left_out = f"stopped at {writer.limit // 1_000_000:,} MB, the most one export sends"
    await writer.write('],"missing":' + json.dumps(missing) + ',"complete":' + json.dumps(left_out is None)
                       + ',"not_complete_because":' + json.dumps(left_out) + "}")


def export_slots(datasette):
    """How many exports run and wait, per event loop (tests run several)."""
    slots = datasette.__dict__.setdefault("_photometry_exports", {})
    loop = asyncio.get_running_loop()
    if loop not in slots:
        slots[loop] = {"semaphore": asyncio.Semaphore(EXPORTS_AT_ONCE), "waiting": 0}
    return slots[loop]


@get_only
async def export(request, datasette):
    fmt = request.url_vars["format"]
    try:
        names = await alert_names(request, datasette)
    except ExportError as error:
        return Response.text(f"Cannot export: {error}\n", status=400)
    slots = export_slots(datasette)
    if slots["semaphore"].locked() and slots["waiting"] >= EXPORTS_WAITING:
        return Response.text("Too many exports at once: try again in a minute.\n", status=503,
                             headers={"Retry-After": "60"})
    database = portal_database(datasette)
    # The cap can be set in metadata.yml: plugins: photometry-export: max_points: ...
    max_points = int((datasette.plugin_config("photometry-export") or {}).get("max_points", MAX_POINTS))
    planned, missing, left_out = await export_plan(database, names, max_points)
    credits = credits_of(await database.execute("select survey, credit, data_policy from sources"),
                         {survey for _, _, survey, _ in planned})
    limit = int(datasette.setting("max_csv_mb") or 100) * 1_000_000

    async def stream(write):
        slots["waiting"] += 1
        async with slots["semaphore"]:
            slots["waiting"] -= 1
            writer = Writer(write.write, limit)
            if fmt == "csv":
                await stream_csv(database, planned, credits, left_out, writer)
            else:
                await stream_json(database, planned, credits, left_out, missing, writer)

    headers = {"Content-Disposition": f'attachment; filename="photometry.{fmt}"'}
    if left_out:
        headers["X-Export-Incomplete"] = left_out
    return AsgiStream(stream, headers=headers,
                      content_type="text/csv; charset=utf-8" if fmt == "csv" else "application/json")


@hookimpl
def register_routes():
    return [(r"^/-/photometry\.(?P<format>csv|json)$", export)]
