"""A `.votable` export of any table, view or query, for TOPCAT and astropy.

Main columns carry units and UCDs; the surveys' credit lines are the file's description. Missing values
stay missing (masked), never 0.
"""

import io
import numbers

import numpy
from astropy.io.votable import from_table
from astropy.table import MaskedColumn, Table
from datasette import hookimpl
from datasette.utils.asgi import Response

# column: (unit, UCD). Parameters' uncertainties (`<name>_err`) take the unit and "stat.error;" + UCD.
COLUMNS = {
    "alert_name": (None, "meta.id;meta.main"), "short_name": (None, "meta.id"), "survey": (None, "meta.dataset"),
    "ra": ("deg", "pos.eq.ra;meta.main"), "dec": ("deg", "pos.eq.dec;meta.main"),
    "l": ("deg", "pos.galactic.lon"), "b": ("deg", "pos.galactic.lat"),
    "t0": ("d", "time.epoch"), "tE": ("d", "time.duration"), "u0": (None, "src.var.index"),
    "Amax": (None, "src.var.amplitude"), "Dmag": ("mag", "src.var.amplitude"), "fbl": (None, "arith.ratio"),
    "Ibase": ("mag", "phot.mag;em.opt.I"), "Isrc": ("mag", "phot.mag;em.opt.I"), "Icat": ("mag", "phot.mag;em.opt.I"),
    "hjd": ("d", "time.epoch"), "mag": ("mag", "phot.mag"), "delta_flux": (None, "phot.flux"),
    "separation_arcsec": ("arcsec", "pos.angDistance"), "delta_t0": ("d", "time.interval"),
}
TIME_NOTE = "Times (t0, hjd) are HJD - 2450000."


def unit_and_ucd(column):
    if column in COLUMNS:
        return COLUMNS[column]
    if column.endswith("_err") and column[:-4] in COLUMNS:
        unit, ucd = COLUMNS[column[:-4]]
        return unit, "stat.error;" + (ucd or "")
    return None, None


def masked_column(name, values):
    present = [v for v in values if v is not None]
    if present and all(isinstance(v, int) for v in present):
        data = numpy.array([0 if v is None else v for v in values], dtype=numpy.int64)
    elif all(isinstance(v, numbers.Real) for v in present):  # an empty column is a missing number
        data = numpy.array([numpy.nan if v is None else v for v in values], dtype=float)
    else:
        data = numpy.array(["" if v is None else str(v) for v in values], dtype=str)
    unit, ucd = unit_and_ucd(name)
    column = MaskedColumn(data, name=name, mask=[v is None for v in values], unit=unit)
    column.meta["ucd"] = ucd
    return column


async def credits(datasette, database):
    db = datasette.get_database(database)
    if not await db.table_exists("sources"):
        return ""
    rows = await db.execute("select survey, credit, data_policy from sources")
    return " ".join(f"{survey}: {credit} {policy}" for survey, credit, policy in rows)


async def render_votable(datasette, columns, rows, database, table, query_name):
    values = [list(column) for column in zip(*[tuple(row) for row in rows])] or [[] for _ in columns]
    result = Table([masked_column(name, column) for name, column in zip(columns, values)])
    votable = from_table(result)
    resource = votable.resources[0]
    resource.description = f"{table or query_name or 'query'} from the Microlensing Alert Database. {TIME_NOTE} " \
                           + await credits(datasette, database)
    for field, name in zip(resource.tables[0].fields, columns):
        field.ucd = unit_and_ucd(name)[1]
    out = io.BytesIO()
    votable.to_xml(out)
    name = table or query_name or "query"
    return Response(out.getvalue(), content_type="application/x-votable+xml",
                    headers={"Content-Disposition": f'attachment; filename="{name}.votable.xml"'})


@hookimpl
def register_output_renderer():
    return {"extension": "votable", "render": render_votable}
