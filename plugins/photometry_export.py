"""Bulk photometry export: every point of every alert a table, view or query returns, in one file.

    /-/photometry.csv?from=/microlensing/alerts%3Fsurvey%3DOGLE
    /-/photometry.json?from=...            grouped by alert
    /-/photometry.csv?names=OGLE-2025-BLG-0001,KMT-2025-BLG-0002

`from` is any table, view or query of the portal whose rows carry `alert_name`. The survey credit lines head
the file. The points are read straight from SQLite one alert at a time, in a Datasette thread under the SQL
time limit, and streamed as they are read; SQLite itself writes the CSV lines (printf over the stored integers,
one pass a lightcurve), which makes the export several times faster than Datasette's CSV stream. Every export
is bounded: at most MAX_ALERTS alerts, MAX_POINTS points and max_csv_mb megabytes, and EXPORTS_AT_ONCE
exports run at once (a few more wait, the rest are told to come back), so that the cheap pages stay fast. An
export that stops early says so, in a header (X-Export-Incomplete) and in its body; it never stops silently.
"""

import asyncio
import itertools
import json
import math
import urllib.parse

import numpy

from datasette import hookimpl
from datasette.utils.asgi import AsgiStream, Response

from microlensing_to_sqlite.names import resolve_typed_name
from microlensing_to_sqlite.photometry import OF_ALERT
from microlensing_to_sqlite.portal import (DEFAULT_TIME_LIMIT_MS, SYNTHETIC_NOTE, NotAPortalPath, interrupted,
                                          is_synthetic, names_asked, portal_database, portal_path, read_in_thread,
                                          rows_for_names)

COLUMNS = ["alert_name", "survey", "telescope", "band", "hjd", "mag", "mag_err", "delta_flux", "flux_err"]
MAX_ALERTS = 5000
MAX_POINTS = 2_000_000
# The rows of `from` read to find its alerts: a source larger than this (the photometry view, say) is refused.
MAX_SOURCE_ROWS = 2 * MAX_ALERTS
EXPORTS_AT_ONCE = 2
EXPORTS_WAITING = 6
# The stored integers and their units (lightcurves.<column>_unit = 10^d): a value is the integer / unit, written
# with d decimals, as the survey published it.
LIGHTCURVES = f"""
select lightcurve_id, telescope, band, hjd_unit, mag_unit, mag_err_unit, delta_flux_unit, flux_err_unit
from lightcurves where {OF_ALERT}
"""
POINTS = f"""
select lightcurve_id, hjd, mag, mag_err, delta_flux, flux_err from photometry_points
where {OF_ALERT}
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


# Per lightcurve of an alert: how many points, and how many of them hold each column (count() skips NULL).
COUNTS = f"""
select lightcurve_id, count(*), {', '.join(f'count({c})' for c in COLUMNS[4:])} from photometry_points
where {OF_ALERT}
group by lightcurve_id
"""


def csv_sql(units, counts, total):
    """SQL that returns one lightcurve's CSV lines as one text, made by SQLite's printf in one pass: each value
    its integer / unit with the unit's decimals, as published; an empty field where the column is NULL. Only a
    column NULL in some rows but not all needs a test per row."""
    specs, arguments = ["%s"], [":prefix"]
    for column, unit, held in zip(COLUMNS[4:], units, counts):
        if unit is None or held == 0:
            specs.append("")
            continue
        spec, value = f"%.{decimals(unit)}f", f"{column} / {float(unit)!r}"
        if held == total:
            specs.append(spec)
            arguments.append(value)
        else:
            specs.append("%s")
            arguments.append(f"case when {column} is null then '' else printf('{spec}', {value}) end")
    return (f"select group_concat(printf('{','.join(specs)}', {', '.join(arguments)}), char(10)) from "
            f"(select * from photometry_points where lightcurve_id = :lightcurve_id order by hjd)")


def alert_csv(conn, alert_id, name, survey):
    """An alert's CSV lines, every lightcurve in key order."""
    units = {row[0]: row[1:] for row in conn.execute(LIGHTCURVES, {"alert_id": alert_id})}
    parts = []
    for lightcurve_id, total, *counts in conn.execute(COUNTS, {"alert_id": alert_id}).fetchall():
        telescope, band, *column_units = units[lightcurve_id]
        prefix = ",".join(map(csv_field, (name, survey, telescope, band)))
        text = conn.execute(csv_sql(column_units, counts, total),
                            {"lightcurve_id": lightcurve_id, "prefix": prefix}).fetchone()[0]
        parts.append(text + "\n")
    return "".join(parts)


def csv_field(text):
    text = str(text)
    return '"' + text.replace('"', '""') + '"' if any(c in text for c in ',"\r\n') else text


class ExportError(ValueError):
    pass


async def alert_names(request, datasette):
    """The alerts to export, from ?names= or from the rows of ?from=, in order, each once."""
    if request.args.get("names"):
        # Any form the name resolver takes (OB250001, ob250001, KB190001, MB19061, ...), as the search box does.
        asked = names_asked(request.args["names"])
        names = [resolve_typed_name(n) for n in asked]
        bad = [typed for typed, name in zip(asked, names) if not name]
        if bad:
            raise ExportError(f"not alert names such as OGLE-2025-BLG-0001 or OB250001 (a bare 2025-BLG-0001 "
                              f"needs its survey's prefix): {', '.join(bad[:5])[:200]}")
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
    """The alert names of the rows of a portal page: of the page it names where it names one (its _size or
    _next: what the screen showed), else of every row, following its pages; of a table or view only its
    alert_name column is read. Stops as soon as the rows name more than MAX_ALERTS alerts."""
    path, _, query = source.partition("?")
    asked = urllib.parse.parse_qsl(query, keep_blank_values=True)
    one_page = any(k in ("_size", "_next") for k, _ in asked)
    arguments = [(k, v) for k, v in asked if k not in ("_shape", "_col", "_nocol")
                 and (one_page or k not in ("_size", "_next"))]
    database = portal_database(datasette)
    parts = urllib.parse.unquote(path).removesuffix(".json").split("/")
    relation = parts[2] if len(parts) == 3 and parts[1] == database.name else None
    if relation and (await database.table_exists(relation) or relation in await database.view_names()):
        if "alert_name" not in await database.table_columns(relation):
            raise ExportError(f"the rows of {source} have no alert_name column")
        arguments.append(("_col", "alert_name"))
    url = (path if path.endswith(".json") else path + ".json") + "?" + urllib.parse.urlencode(
        arguments + [("_shape", "objects")] + ([] if one_page else [("_size", "max")]))
    names, rows_read = {}, 0
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
        # A name is text: a query can make alert_name anything (a blob arrives as {"$base64": ...}).
        names.update((row["alert_name"], None) for row in rows if isinstance(row.get("alert_name"), str))
        if len(names) > MAX_ALERTS:
            raise ExportError(f"{source} names more than {MAX_ALERTS:,} alerts, the most one export takes; narrow it")
        next_url = None if one_page else page.get("next_url")
        url = urllib.parse.urlsplit(next_url)._replace(scheme="", netloc="").geturl() if next_url else None
    return [name for name in names if name]


async def export_plan(database, names, max_points):
    """(alert_id, name, survey, points) of the known alerts in key order, as many as fit in max_points; the
    names the database does not have; and what was left out, in words (None if nothing)."""
    found = {row[1]: tuple(row) for row in await rows_for_names(
        database, "select alert_id, alert_name, survey, n_photometry from alerts where alert_name in", names)}
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


async def stream_csv(database, planned, credits, left_out, writer, time_limit_ms=DEFAULT_TIME_LIMIT_MS):
    lines = ["# Photometry from the Microlensing Alert Database. Times are HJD - 2450000; magnitudes in each "
             "survey's band."] + [f"# {survey}: {line}" for survey, line in credits.items()]
    if left_out:
        lines.append(f"# NOT COMPLETE: {left_out}")
    await writer.send("\n".join(lines) + "\n" + ",".join(COLUMNS) + "\n")
    for alert_id, name, survey, _ in planned:
        try:
            # One lightcurve's lines are one text made by SQLite: longer than public SQL's values may be.
            text = await read_in_thread(database, lambda conn: alert_csv(conn, alert_id, name, survey), time_limit_ms,
                                        longest_value=writer.limit)
        except Exception as error:
            if not interrupted(error):
                raise
            await writer.write(f"# NOT COMPLETE: stopped at {name}: reading its points took longer than the "
                               f"{time_limit_ms:,} ms time limit\n")
            return
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
        try:
            lightcurves = await lightcurves_of(database, alert_id)
        except Exception as error:
            if not interrupted(error):
                raise
            left_out = f"stopped at {name}: reading its points took longer than the time limit"
            break
        for telescope, band, units, columns in lightcurves:
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
    """How many exports are admitted (running or waiting their turn), per event loop (tests run several)."""
    slots = datasette.__dict__.setdefault("_photometry_exports", {})
    loop = asyncio.get_running_loop()
    if loop not in slots:
        slots[loop] = {"semaphore": asyncio.Semaphore(EXPORTS_AT_ONCE), "admitted": 0}
    return slots[loop]


class AdmittedStream(AsgiStream):
    """An admitted export: it runs when one of the slots is free, and gives its admission back when it ends,
    however it ends."""

    def __init__(self, body, slots, **kwargs):
        super().__init__(self.run, **kwargs)
        self.body, self.slots = body, slots

    async def run(self, write):
        async with self.slots["semaphore"]:
            await self.body(write)

    async def asgi_send(self, send):
        try:
            await super().asgi_send(send)
        finally:
            self.slots["admitted"] -= 1


async def export(request, datasette):
    """Admitted first (counted from now, so that a burst of requests cannot all pass the check together), then
    the alerts read from ?from= in one of the slots, then the stream."""
    fmt = request.url_vars["format"]
    slots = export_slots(datasette)
    if slots["admitted"] >= EXPORTS_AT_ONCE + EXPORTS_WAITING:
        return Response.text("Too many exports at once: try again in a minute.\n", status=503,
                             headers={"Retry-After": "60"})
    slots["admitted"] += 1
    try:
        async with slots["semaphore"]:
            names = await alert_names(request, datasette)
        return await admitted_export(datasette, fmt, names, slots)
    except ExportError as error:
        slots["admitted"] -= 1
        return Response.text(f"Cannot export: {error}\n", status=400)
    except BaseException:
        slots["admitted"] -= 1
        raise


async def admitted_export(datasette, fmt, names, slots):
    database = portal_database(datasette)
    # The cap can be set in metadata.yml: plugins: photometry-export: max_points: ...
    max_points = int((datasette.plugin_config("photometry-export") or {}).get("max_points", MAX_POINTS))
    planned, missing, left_out = await export_plan(database, names, max_points)
    credits = credits_of(await database.execute("select survey, credit, data_policy from sources"),
                         {survey for _, _, survey, _ in planned})
    if await is_synthetic(database):
        credits = {"SYNTHETIC": SYNTHETIC_NOTE, **credits}
    limit = int(datasette.setting("max_csv_mb") or 100) * 1_000_000
    time_limit_ms = int(datasette.setting("sql_time_limit_ms") or DEFAULT_TIME_LIMIT_MS)

    async def stream(write):
        writer = Writer(write.write, limit)
        if fmt == "csv":
            await stream_csv(database, planned, credits, left_out, writer, time_limit_ms)
        else:
            await stream_json(database, planned, credits, left_out, missing, writer)

    headers = {"Content-Disposition": f'attachment; filename="photometry.{fmt}"'}
    if left_out:
        headers["X-Export-Incomplete"] = left_out
    return AdmittedStream(stream, slots, headers=headers,
                          content_type="text/csv; charset=utf-8" if fmt == "csv" else "application/json")


@hookimpl
def register_routes():
    return [(r"^/-/photometry\.(?P<format>csv|json)$", export)]
