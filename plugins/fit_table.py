"""The joint fit of an event, as a table on its page (templates/row-microlensing-events.html): the verdict and
what it rests on, each u0 solution with its posterior's percentiles, and each dataset's part and quality
(chi2/dof with its published errors, the error scale, the points dropped, the fluxes)."""

import sqlite3

from datasette import hookimpl

from microlensing_to_sqlite.portal import portal_database
from microlensing_to_sqlite.schema import PERCENTILE_NAMES

SHOWN = ["t0", "u0", "tE", "piE_N", "piE_E", "piE"]


async def joint_fit(database, event_id):
    """{fit, solutions, datasets} of the event, each a list of dicts; None when it has no fit."""
    def read(conn):
        conn.row_factory = sqlite3.Row
        tables = {r[0] for r in conn.execute("select name from sqlite_master where type = 'table'")}
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
        return {"fit": dict(fit), "solutions": solutions, "datasets": datasets}
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
