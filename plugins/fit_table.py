"""The joint fit of an event, as a table on its page (templates/row-microlensing-events.html): the verdict and
what it rests on, each u0 solution with its posterior's percentiles, each dataset's part and quality
(chi2/dof with its published errors, the error scale, the points dropped, the fluxes); and what the candidate
desk adds: the lens-class model probabilities and the shift they give, the largest shift's date, and HST's
windows."""

import sqlite3

from datasette import hookimpl

from microlensing_to_sqlite.portal import portal_database
from microlensing_to_sqlite.schema import PERCENTILE_NAMES

SHOWN = ["t0", "u0", "tE", "piE_N", "piE_E", "piE"]
# lens_classes' probability columns, with their labels and bar colours.
CLASS_COLUMNS = [("p_star", "star", "#8da0cb"), ("p_white_dwarf", "white dwarf", "#66c2a5"),
                 ("p_neutron_star", "neutron star", "#fc8d62"), ("p_black_hole", "black hole", "#222222"),
                 ("p_none", "none of these", "#dddddd")]


def timeline(windows, today):
    """HST's windows on a year from the build's day, as {limit, windows: [{opens, closes, left, width}]} with
    left and width in percent of the year (for a bar per Sun limit)."""
    if not windows or not today:
        return []
    import datetime
    start = datetime.date.fromisoformat(today)
    by_limit = {}
    for w in windows:
        opens = max((datetime.date.fromisoformat(w["opens"]) - start).days, 0)
        closes = min((datetime.date.fromisoformat(w["closes"]) - start).days + 1, 365)
        if closes > opens:
            by_limit.setdefault(w["sun_limit_deg"], []).append(
                {**w, "left": round(opens / 3.65, 2), "width": round((closes - opens) / 3.65, 2)})
    return [{"limit": limit, "windows": found} for limit, found in sorted(by_limit.items())]


async def joint_fit(database, event_id):
    """{fit, solutions, datasets} of the event, each a list of dicts; None when it has no fit."""
    def read(conn):
        conn.row_factory = sqlite3.Row
        tables = {r[0] for r in conn.execute("select name from sqlite_master where type in ('table', 'view')")}
        if "fits" not in tables:
            return None
        fit = conn.execute("select * from fits where event_id = ?", [event_id]).fetchone()
        if fit is None:
            return None
        solutions = [dict(r) for r in conn.execute(
            "select * from fit_solutions where event_id = ? order by is_best desc, solution", [event_id])] \
            if "fit_solutions" in tables else []
        for one in solutions:
            one["ranges"] = {name: [one.get(f"{name}_{q}") for q in PERCENTILE_NAMES] for name in SHOWN}
        datasets = [dict(r) for r in conn.execute(
            "select * from fit_datasets where event_id = ? order by is_reference desc, lightcurve_id", [event_id])]
        classes = [dict(r) for r in conn.execute(
            "select * from lens_classes where event_id = ? order by model", [event_id])] \
            if "lens_classes" in tables else []
        windows = [dict(r) for r in conn.execute(
            "select sun_limit_deg, opens, closes from hst_windows where event_id = ? order by sun_limit_deg, opens",
            [event_id])] if "hst_windows" in tables else []
        candidate = conn.execute("select * from candidates where event_id = ?", [event_id]).fetchone() \
            if "candidates" in tables else None
        built = conn.execute("select value from build_info where key = 'built_at'").fetchone()
        return {"fit": dict(fit), "solutions": solutions, "datasets": datasets, "classes": classes,
                "class_names": CLASS_COLUMNS, "hst_windows": timeline(windows, built[0][:10] if built else None),
                "candidate": dict(candidate) if candidate else None}
    return await database.execute_fn(read)


@hookimpl
def extra_template_vars(template, request, datasette):
    if template != "row-microlensing-events.html" or request is None:
        return {}

    async def variables():
        try:
            event_id = int(request.url_vars.get("pks", ""))
        except ValueError:
            return {"joint_fit": None}
        return {"joint_fit": await joint_fit(portal_database(datasette), event_id), "shown_parameters": SHOWN}

    return variables
