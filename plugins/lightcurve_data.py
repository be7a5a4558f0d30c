"""Lightcurve data as compact, columnar JSON, for the charts on alert and event pages.

    /-/lightcurve/alert/<alert_name>.json    the alert's event: every survey's photometry of that star
    /-/lightcurve/event/<event_id>.json      the same, by event

Each telescope/band is one series of parallel arrays of the stored integers: a value is the integer divided by
the series' unit for it (`units`), so the published decimals arrive exactly and the answer is quick to encode.
Where the event has a joint fit (fits, fit_datasets), each fitted series also has its magnitudes aligned to the
fit's reference dataset and their residuals from the fit's model (integers of ALIGNED_UNIT), and the document
has the fit and its model curve. Each alert's own reported point-lens model is sampled on a grid. Long baselines
are binned (see BIN_ABOVE) and the answer says so. The database is immutable, so answers may be cached for a day.
"""

import json
import sqlite3

import numpy

from datasette import hookimpl
from datasette.utils.asgi import NotFound, Response

from microlensing_to_sqlite.formulas import aligned_magnitude, point_lens_magnitude
from microlensing_to_sqlite.photometry import OF_ALERT
from microlensing_to_sqlite.portal import DEFAULT_TIME_LIMIT_MS, interrupted, portal_database, read_in_thread

# Above this many points a lightcurve is thinned: points far from the peak (|t - t0| > 3 tE, and at
# least 30 days) are averaged in 5-day bins per telescope and band. The peak keeps every point.
BIN_ABOVE = 6000
BIN_DAYS = 5.0
MODEL_POINTS = 400
# Aligned magnitudes and residuals are sent as integers of 1/ALIGNED_UNIT mag.
ALIGNED_UNIT = 10000
CACHE = "public, max-age=86400"
ALERT_FIELDS = ["alert_name", "alert_id", "survey", "t0", "tE", "u0", "fbl", "Ibase", "event_id"]
FIT_PARAMETERS = ["t0", "u0", "tE", "piE_N", "piE_E", "piE"]
LIGHTCURVES = f"""
select lightcurve_id, telescope, band, hjd_unit, mag_unit, mag_err_unit from lightcurves
where {OF_ALERT} and mag_unit is not null order by lightcurve_id
"""
POINTS = f"""
select lightcurve_id, hjd, mag, mag_err from photometry_points
where {OF_ALERT} and mag is not null
"""


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


def integers(values):
    """A float array of whole numbers as a JSON-ready list, None where NaN."""
    if not numpy.isnan(values).any():
        return values.astype(numpy.int64).tolist()
    return [None if v != v else int(v) for v in values.tolist()]


def bin_baseline(series, alerts):
    """Average each series' points far from every peak in BIN_DAYS bins (rounded to its units); return the
    number of points binned. Series hold float arrays of stored integers: hjd, mag, mag_err (NaN: none)."""
    peaks = [(a["t0"], max(3 * a["tE"], 30.0)) for a in alerts if a.get("t0") is not None and a.get("tE")]
    binned_points = 0
    for one in series:
        hjd = one["hjd"] / one["units"]["hjd"]
        near = numpy.zeros(len(hjd), dtype=bool)
        for t0, width in peaks:
            near |= numpy.abs(hjd - t0) <= width
        far = ~near
        if not far.any():
            continue
        binned_points += int(far.sum())
        bins, which = numpy.unique(numpy.floor(hjd[far] / BIN_DAYS), return_inverse=True)
        count = numpy.bincount(which)
        mean = {k: numpy.bincount(which, one[k][far]) / count for k in ("hjd", "mag")}
        spread = numpy.sqrt(numpy.bincount(which, (one["mag"][far] - mean["mag"][which]) ** 2)
                            / numpy.maximum(count - 1, 1) / count)
        scatter = numpy.where(count > 1, spread / one["units"]["mag"] * one["units"]["mag_err"], numpy.nan) \
            if one["units"]["mag_err"] else numpy.full(len(bins), numpy.nan)
        order = numpy.argsort(numpy.concatenate([one["hjd"][near], numpy.rint(mean["hjd"])]), kind="stable")
        for key, binned in (("hjd", numpy.rint(mean["hjd"])), ("mag", numpy.rint(mean["mag"])),
                            ("mag_err", numpy.rint(scatter))):
            one[key] = numpy.concatenate([one[key][near], binned])[order]
    return binned_points


def read_series(conn, alerts):
    """One series per lightcurve of the alerts with magnitudes, in key order, as float arrays."""
    series = []
    for alert in alerts:
        lightcurves = conn.execute(LIGHTCURVES, {"alert_id": alert["alert_id"]}).fetchall()
        if not lightcurves:
            continue
        points = conn.cursor()
        points.row_factory = None  # plain tuples: sqlite3.Row objects take twice as long for thousands of rows
        rows = points.execute(POINTS, {"alert_id": alert["alert_id"]}).fetchall()
        ids, hjd, mag, mag_err = (numpy.array(column, dtype=float) for column in zip(*rows)) if rows else \
            (numpy.empty(0),) * 4
        for lightcurve_id, telescope, band, hjd_unit, mag_unit, mag_err_unit in lightcurves:
            mine = ids == lightcurve_id
            if mine.any():
                series.append({"lightcurve_id": lightcurve_id, "alert_name": alert["alert_name"],
                               "survey": alert["survey"], "telescope": telescope, "band": band,
                               "units": {"hjd": hjd_unit, "mag": mag_unit, "mag_err": mag_err_unit},
                               "hjd": hjd[mine], "mag": mag[mine], "mag_err": mag_err[mine]})
    return series


def has_table(conn, name):
    return conn.execute("select 1 from sqlite_master where type = 'table' and name = ?", [name]).fetchone() is not None


def joint_fit(conn, event_id):
    """The event's joint fit with its datasets by lightcurve_id; None if it has none."""
    if event_id is None or not has_table(conn, "fits"):
        return None
    fit = conn.execute("select * from fits where event_id = ?", [event_id]).fetchone()
    if fit is None:
        return None
    datasets = [dict(r) for r in conn.execute(
        "select lightcurve_id, alert_name, telescope, band, n_points, n_used, chi2, error_scale, chi2_dof_published, "
        "source_flux, blend_flux, is_reference from fit_datasets where event_id = ? order by lightcurve_id",
        [event_id])]
    reference = next((d for d in datasets if d["is_reference"]), None)
    curve = conn.execute("select * from fit_curves where event_id = ?", [event_id]).fetchone()
    model = json.loads(curve["model_curve"]) if curve else []
    ahead = json.loads(curve["forecast"]) if curve and curve["forecast"] else []
    return {"status": fit["status"], "reason": fit["reason"], "kind": fit["kind"],
            "parameters": {p: [fit[p], fit[f"{p}_err"]] for p in FIT_PARAMETERS if fit[p] is not None},
            "t0_par": fit["t0_par"], "chi2_dof": fit["chi2_dof"], "delta_chi2_u0": fit["delta_chi2_u0"],
            "delta_chi2_parallax": fit["delta_chi2_parallax"], "n_points": fit["n_points"],
            "fitted_at": fit["fitted_at"], "datasets": datasets,
            "reference": reference and f"{reference['alert_name']} {reference['telescope']} {reference['band']}",
            "model": {"hjd": [t for t, _ in model], "mag": [m for _, m in model]},
            # Past the last point (fit/forecast.py): the band of the draws' curves, their 16th and 84th percentiles.
            "forecast": {"hjd": [r[0] for r in ahead], "low": [r[1] for r in ahead], "mag": [r[2] for r in ahead],
                         "high": [r[3] for r in ahead], "from": fit["forecast_from"], "peak_mag": fit["peak_mag"],
                         "peak_mag_err": fit["peak_mag_err"]}}


def align(series, fit):
    """Each fitted series' magnitudes on the reference's scale, and their residuals from the model (integers of
    1/ALIGNED_UNIT mag; None outside the model's span)."""
    datasets = {d["lightcurve_id"]: d for d in fit["datasets"]}
    reference = next(d for d in fit["datasets"] if d["is_reference"])
    model_hjd, model_mag = numpy.array(fit["model"]["hjd"]), numpy.array(fit["model"]["mag"])
    for one in series:
        dataset = datasets.get(one["lightcurve_id"])
        if dataset is None or not dataset["source_flux"] or not len(model_hjd):
            continue  # not in the fit, or saw none of the event: it has no place on the reference's scale
        hjd = one["hjd"] / one["units"]["hjd"]
        aligned = aligned_magnitude(one["mag"] / one["units"]["mag"], dataset, reference)
        inside = (hjd >= model_hjd[0]) & (hjd <= model_hjd[-1])
        residual = numpy.where(inside, aligned - numpy.interp(hjd, model_hjd, model_mag), numpy.nan)
        one["aligned"] = integers(numpy.rint(aligned * ALIGNED_UNIT))
        one["residual"] = integers(numpy.rint(residual * ALIGNED_UNIT))


async def lightcurve(database, where, parameter, time_limit_ms=DEFAULT_TIME_LIMIT_MS):
    """The JSON document for the alerts selected by `where` (SQL on alerts) and their event. Read and made in one
    of Datasette's threads, off the event loop, every query under the SQL time limit."""
    def read(conn):
        conn.row_factory = sqlite3.Row
        return document(conn, where, parameter)
    return await read_in_thread(database, read, time_limit_ms)


def document(conn, where, parameter):
    alerts = [dict(row) for row in conn.execute(
        f"select {', '.join(ALERT_FIELDS)} from alerts where event_id in "
        f"(select event_id from alerts where {where}) or {where} order by alert_id", [parameter, parameter])]
    if not alerts:
        raise NotFound("No such alert or event")
    series = read_series(conn, alerts)
    total = sum(len(s["hjd"]) for s in series)
    binned = bin_baseline(series, alerts) if total > BIN_ABOVE else 0
    peaks = [a for a in alerts if a["t0"] is not None and a["tE"]]
    window = [min(a["t0"] - 3 * a["tE"] for a in peaks), max(a["t0"] + 3 * a["tE"] for a in peaks)] if peaks else None
    firsts = [s["hjd"][0] / s["units"]["hjd"] for s in series if len(s["hjd"])]
    lasts = [s["hjd"][-1] / s["units"]["hjd"] for s in series if len(s["hjd"])]
    data_span = (min(firsts) - 5, max(lasts) + 5) if firsts else None
    span = (min(firsts + (window or [])) - 5, max(lasts + (window or [])) + 5) if firsts or window else (0.0, 1.0)
    if window and data_span:
        # A survey fit with an unconstrained tE (thousands of days) would put the data in a corner: the view
        # stays within the data, and shows them all where t0 +- 3 tE holds none.
        clamped = [max(window[0], data_span[0]), min(window[1], data_span[1])]
        window = clamped if clamped[1] > clamped[0] else list(data_span)
    fit = joint_fit(conn, alerts[0]["event_id"])
    if fit and fit["status"] != "failed" and fit["reference"]:
        align(series, fit)
    magnitudes = view_magnitudes(series, window or list(span), fit)
    for one in series:
        for key in ("hjd", "mag", "mag_err"):
            one[key] = integers(one[key])
    history = []
    if has_table(conn, "alert_history"):
        names = [a["alert_name"] for a in alerts]
        history = [dict(row) for row in conn.execute(
            "select alert_name, observed_at, t0, tE, tE_err, u0 from alert_history "
            f"where alert_name in ({', '.join('?' * len(names))}) order by alert_name, observed_at", names)]
    return {
        "time": "HJD - 2450000",
        "alerts": alerts,
        "history": history,
        "series": series,
        "aligned_unit": ALIGNED_UNIT,
        "fit": fit,
        "models": [m for m in (model_curve(a, span) for a in alerts) if m],
        "points": total,
        "binned": {"points": binned, "bin_days": BIN_DAYS,
                   "note": f"{binned:,} baseline points far from the peak are shown as {BIN_DAYS:g}-day means"
                   if binned else None},
        "window": window or list(span),
        "magnitudes": magnitudes,
        "today": today(conn),
    }


# The magnitude axis of the default view: the points' 1st to 99th percentiles within the view, widened by
# MAGNITUDE_MARGIN and to the model's brightest point there; outliers beyond it are clipped, not plotted far off.
MAGNITUDE_PERCENTILES = (1.0, 99.0)
MAGNITUDE_MARGIN = 0.15


def view_magnitudes(series, window, fit):
    """{published: [bright, faint], aligned: [bright, faint] or None}: the magnitude ranges of the default view,
    robust to outliers (KMTNet's pySIS files hold points 10 magnitudes off) and to aligned magnitudes of
    points fainter than the fit's blend (no magnitude on the reference's scale)."""
    found = {}
    for key in ("mag", "aligned"):
        values = []
        for one in series:
            if key not in one:
                continue
            hjd = numpy.asarray(one["hjd"], dtype=float) / one["units"]["hjd"]
            unit = one["units"]["mag"] if key == "mag" else ALIGNED_UNIT
            mags = numpy.array(one[key], dtype=float) / unit  # None (no aligned magnitude) becomes NaN
            inside = (hjd >= window[0]) & (hjd <= window[1]) & numpy.isfinite(mags)
            values.append(mags[inside])
        values = numpy.concatenate(values) if values else numpy.array([])
        if not len(values):
            found["published" if key == "mag" else "aligned"] = None
            continue
        bright, faint = numpy.percentile(values, MAGNITUDE_PERCENTILES)
        if key == "aligned" and fit and fit["model"]["mag"]:
            model_hjd, model_mag = numpy.array(fit["model"]["hjd"]), numpy.array(fit["model"]["mag"])
            shown = model_mag[(model_hjd >= window[0]) & (model_hjd <= window[1])]
            if len(shown):
                bright = min(bright, float(shown.min()))
        found["published" if key == "mag" else "aligned"] = [round(float(bright) - MAGNITUDE_MARGIN, 3),
                                                            round(float(faint) + MAGNITUDE_MARGIN, 3)]
    return found


def today(conn):
    """The build's day as HJD - 2450000 (its 00:00 UTC; HJD taken as JD), for the chart's "today" line."""
    if not has_table(conn, "build_info"):
        return None
    found = conn.execute("select julianday(date(value)) - 2450000 from build_info where key = 'built_at'").fetchone()
    return found[0] if found else None


def compact_json(document):
    return Response(json.dumps(document, separators=(",", ":")), content_type="application/json",
                    headers={"Cache-Control": CACHE})


async def answer(datasette, where, parameter):
    limit = datasette.setting("sql_time_limit_ms")
    try:
        return compact_json(await lightcurve(portal_database(datasette), where, parameter, limit))
    except sqlite3.OperationalError as error:
        if not interrupted(error):
            raise
        return Response.text(f"This lightcurve took longer than the time limit ({limit} ms) to read; try again later.\n",
                             status=503, headers={"Retry-After": "60"})


async def alert_lightcurve(request, datasette):
    return await answer(datasette, "alert_name = ?", request.url_vars["name"])


async def event_lightcurve(request, datasette):
    return await answer(datasette, "event_id = ?", request.url_vars["event_id"])


@hookimpl
def register_routes():
    return [
        (r"^/-/lightcurve/alert/(?P<name>[A-Za-z0-9-]+)\.json$", alert_lightcurve),
        (r"^/-/lightcurve/event/(?P<event_id>\d+)\.json$", event_lightcurve),
    ]
