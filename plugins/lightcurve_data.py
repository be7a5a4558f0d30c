"""Lightcurve data as compact JSON, for the charts on alert and event pages.

    /-/lightcurve/alert/<alert_name>.json    the alert's event: every survey's photometry of that star
    /-/lightcurve/event/<event_id>.json      the same, by event

One indexed query reads the photometry (a range of photometry's clustered key per alert). Each
telescope/band is one series of parallel arrays. Each alert's reported point-lens model is sampled on
a grid. Long baselines are binned (see BIN_ABOVE) and the answer says so. The database is immutable,
so answers may be cached for a day.
"""

import json
import math

import numpy

from datasette import hookimpl
from datasette.utils.asgi import NotFound, Response

from microlensing_to_sqlite.formulas import point_lens_magnitude
from microlensing_to_sqlite.portal import get_only, portal_database

# Above this many points a lightcurve is thinned: points far from the peak (|t - t0| > 3 tE, and at
# least 30 days) are averaged in 5-day bins per telescope and band. The peak keeps every point.
BIN_ABOVE = 6000
BIN_DAYS = 5.0
MODEL_POINTS = 400
CACHE = "public, max-age=86400"
ALERT_FIELDS = ["alert_name", "alert_id", "survey", "t0", "tE", "u0", "fbl", "Ibase", "event_id"]


def model_curve(alert, span):
    """The model sampled densely across the peak and sparsely over the rest of `span` (HJD - 2450000)."""
    t0, tE, u0, Ibase = (alert.get(k) for k in ("t0", "tE", "u0", "Ibase"))
    if None in (t0, tE, u0, Ibase) or tE <= 0:
        return None
    fbl = alert.get("fbl") or 1.0
    if fbl <= 0:
        return None
    lo, hi = span
    near = [t0 + tE * (6 * i / MODEL_POINTS - 3) for i in range(MODEL_POINTS + 1)]
    far = [lo + (hi - lo) * i / 100 for i in range(101)]
    times = sorted({round(t, 4) for t in near + far if lo <= t <= hi} | {round(t0, 4)})
    magnitudes = point_lens_magnitude(numpy.array(times), t0, tE, u0, Ibase, fbl)
    return {"alert_name": alert["alert_name"], "survey": alert["survey"], "hjd": times,
            "mag": [round(float(m), 4) for m in magnitudes]}


def series_from_rows(rows):
    """Rows (alert_name, telescope, band, hjd, mag, mag_err) in key order to one series per telescope/band."""
    series, current = [], None
    for name, telescope, band, hjd, mag, mag_err in rows:
        if current is None or (current["alert_name"], current["telescope"], current["band"]) != (name, telescope, band):
            current = {"alert_name": name, "telescope": telescope, "band": band, "hjd": [], "mag": [], "mag_err": []}
            series.append(current)
        current["hjd"].append(hjd)
        current["mag"].append(mag)
        current["mag_err"].append(mag_err)
    return series


def bin_baseline(series, alerts):
    """Average the points far from every peak in BIN_DAYS bins; return the number of points binned."""
    peaks = [(a["t0"], max(3 * a["tE"], 30.0)) for a in alerts if a.get("t0") is not None and a.get("tE")]
    binned_points = 0
    for one in series:
        kept, bins = {"hjd": [], "mag": [], "mag_err": []}, {}
        for t, m, e in zip(one["hjd"], one["mag"], one["mag_err"]):
            if any(abs(t - t0) <= width for t0, width in peaks):
                kept["hjd"].append(t), kept["mag"].append(m), kept["mag_err"].append(e)
            else:
                bins.setdefault(math.floor(t / BIN_DAYS), []).append((t, m))
        for points in bins.values():
            binned_points += len(points)
            mags = [m for _, m in points]
            mean = sum(mags) / len(mags)
            scatter = math.sqrt(sum((m - mean) ** 2 for m in mags) / max(len(mags) - 1, 1)) / math.sqrt(len(mags))
            kept["hjd"].append(round(sum(t for t, _ in points) / len(points), 5))
            kept["mag"].append(round(mean, 4))
            kept["mag_err"].append(round(scatter, 4) if len(mags) > 1 else None)
        order = sorted(range(len(kept["hjd"])), key=kept["hjd"].__getitem__)
        for key in kept:
            one[key] = [kept[key][i] for i in order]
    return binned_points


async def lightcurve(database, where, parameter):
    """The JSON document for the alerts selected by `where` (SQL on alerts) and their event."""
    alerts = [dict(row) for row in (await database.execute(
        f"select {', '.join(ALERT_FIELDS)} from alerts where event_id in "
        f"(select event_id from alerts where {where}) or {where} order by alert_id", [parameter, parameter])).rows]
    if not alerts:
        raise NotFound("No such alert or event")
    names = {a["alert_id"]: a["alert_name"] for a in alerts}
    rows = (await database.execute(
        "select alert_id, telescope, band, hjd, mag, mag_err from photometry "
        f"where alert_id in ({', '.join('?' * len(names))}) and mag is not null "
        "order by alert_id, telescope, band, hjd", list(names))).rows
    series = series_from_rows((names[alert_id], *rest) for alert_id, *rest in rows)
    total = sum(len(s["hjd"]) for s in series)
    binned = bin_baseline(series, alerts) if total > BIN_ABOVE else 0
    peaks = [a for a in alerts if a["t0"] is not None and a["tE"]]
    window = [min(a["t0"] - 3 * a["tE"] for a in peaks), max(a["t0"] + 3 * a["tE"] for a in peaks)] if peaks else None
    times = [t for s in series for t in s["hjd"]] + (window or [])
    span = (min(times) - 5, max(times) + 5) if times else (0.0, 1.0)
    window = window or list(span)
    history = []
    if await database.table_exists("alert_history"):
        names = [a["alert_name"] for a in alerts]
        history = [dict(row) for row in (await database.execute(
            "select alert_name, observed_at, t0, tE, tE_err, u0 from alert_history "
            f"where alert_name in ({', '.join('?' * len(names))}) order by alert_name, observed_at", names)).rows]
    return {
        "alerts": alerts,
        "history": history,
        "series": series,
        "models": [m for m in (model_curve(a, span) for a in alerts) if m],
        "points": total,
        "binned": {"points": binned, "bin_days": BIN_DAYS,
                   "note": f"{binned:,} baseline points far from the peak are shown as {BIN_DAYS:g}-day means"
                   if binned else None},
        "window": window,
        "time": "HJD - 2450000",
    }


def compact_json(document):
    return Response(json.dumps(document, separators=(",", ":")), content_type="application/json",
                    headers={"Cache-Control": CACHE})


@get_only
async def alert_lightcurve(request, datasette):
    return compact_json(await lightcurve(portal_database(datasette), "alert_name = ?", request.url_vars["name"]))


@get_only
async def event_lightcurve(request, datasette):
    return compact_json(await lightcurve(portal_database(datasette), "event_id = ?", request.url_vars["event_id"]))


@hookimpl
def register_routes():
    return [
        (r"^/-/lightcurve/alert/(?P<name>[A-Za-z0-9-]+)\.json$", alert_lightcurve),
        (r"^/-/lightcurve/event/(?P<event_id>\d+)\.json$", event_lightcurve),
    ]
