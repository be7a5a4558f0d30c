"""A `.votable` export of any table, view or query, for TOPCAT and astropy.

Main columns carry units and UCDs, and the time columns refer to a TIMESYS that says what they are (HJD -
2450000: heliocentric, origin JD 2450000); the surveys' credit lines are the file's description. Missing values
stay missing (masked), never 0. The file is made in the rendering process (portal.render_in_process), not in the server, and text
cells are cut at LONGEST_CELL characters (the description says so) and kept as variable-length text, so that no
cell makes every row of its column big.
"""

import io
import numbers

import numpy
from astropy.io.votable import from_table
from astropy.io.votable.tree import TimeSys
from astropy.table import MaskedColumn, Table
from datasette import hookimpl
from datasette.utils.asgi import Response

from microlensing_to_sqlite.portal import Busy, render_in_process

# column: (unit, UCD). Parameters' uncertainties (`<name>_err`) take the unit and "stat.error;" + UCD.
COLUMNS = {
    "alert_name": (None, "meta.id;meta.main"), "short_name": (None, "meta.id"), "survey": (None, "meta.dataset"),
    "ra": ("deg", "pos.eq.ra;meta.main"), "dec": ("deg", "pos.eq.dec;meta.main"),
    "l": ("deg", "pos.galactic.lon"), "b": ("deg", "pos.galactic.lat"),
    "t0": ("d", "time.epoch"), "tE": ("d", "time.duration"), "u0": (None, "src.var.index"),
    "Amax": (None, "src.var.amplitude"), "Dmag": ("mag", "src.var.amplitude"), "fbl": (None, "phot.flux;arith.ratio"),
    "Ibase": ("mag", "phot.mag;em.opt.I"), "Isrc": ("mag", "phot.mag;em.opt.I"), "Icat": ("mag", "phot.mag;em.opt.I"),
    "hjd": ("d", "time.epoch"), "mag": ("mag", "phot.mag"), "delta_flux": (None, "phot.flux"),
    "separation_arcsec": ("arcsec", "pos.angDistance"), "delta_t0": ("d", "time.interval"),
}
TIME_NOTE = "Times (t0, hjd) are HJD - 2450000."
TIME_COLUMNS = {"t0", "hjd"}
# Heliocentric Julian dates less 2450000, as every survey's times are made here (the surveys give HJD in UTC).
TIMESYS = {"ID": "hjd_minus_2450000", "timeorigin": 2450000.0, "timescale": "UTC", "refposition": "HELIOCENTER"}
LONGEST_CELL = 4096


def unit_and_ucd(column):
    if column in COLUMNS:
        return COLUMNS[column]
    if column.endswith("_err") and column[:-4] in COLUMNS:
        unit, ucd = COLUMNS[column[:-4]]
        return unit, "stat.error;" + (ucd or "")
    return None, None


def masked_column(name, values):
    present = [v for v in values if v is not None]
    missing = [v is None for v in values]
    if present and all(isinstance(v, int) for v in present):
        data = numpy.array([0 if v is None else v for v in values], dtype=numpy.int64)
    elif all(isinstance(v, numbers.Real) for v in present):  # an empty column is a missing number
        data = numpy.array([numpy.nan if v is None else v for v in values], dtype=float)
    else:
        # Objects, not numpy's fixed-width text: one long cell would make every row of the column that long. A
        # missing text is the empty string, VOTable's null for text (astropy cannot write masked objects).
        data = numpy.array(["" if v is None else str(v)[:LONGEST_CELL] for v in values], dtype=object)
        missing = False
    unit, ucd = unit_and_ucd(name)
    column = MaskedColumn(data, name=name, mask=missing, unit=unit)
    column.meta["ucd"] = ucd
    return column


async def credits(datasette, database):
    db = datasette.get_database(database)
    if not await db.table_exists("sources"):
        return ""
    rows = await db.execute("select survey, credit, data_policy from sources")
    return " ".join(f"{survey}: {credit} {policy}" for survey, credit, policy in rows)


def votable_bytes(columns, rows, description, descriptions=None):
    values = [list(column) for column in zip(*[tuple(row) for row in rows])] or [[] for _ in columns]
    result = Table([masked_column(name, column) for name, column in zip(columns, values)])
    votable = from_table(result)  # VOTable 1.4, the first with TIMESYS
    resource = votable.resources[0]
    resource.description = description
    votable.time_systems.append(TimeSys(**TIMESYS, config={"version": votable.version, "version_1_4_or_later": True}))
    for field, name in zip(resource.tables[0].fields, columns):
        field.ucd = unit_and_ucd(name)[1]
        if (descriptions or {}).get(name):
            field.description = descriptions[name]
        if name in TIME_COLUMNS:
            field.ref = TIMESYS["ID"]
    out = io.BytesIO()
    votable.to_xml(out)
    return out.getvalue()


def column_descriptions(datasette, database, table, query_name):
    """{column: its description in metadata.yml} for the table or view (a canned query's columns are described
    where they come from: the candidates view's and the alerts table's descriptions serve)."""
    tables = datasette.metadata("tables", database=database) or {}
    found = {}
    for source in ([table] if table else []) + ["alerts", "candidates", "fits"]:
        for name, text in ((tables.get(source) or {}).get("columns") or {}).items():
            found.setdefault(name, " ".join(str(text).split()))
    return found


def page_note(data, rows):
    """Words saying that the file holds one page of a longer result, and how to ask for it all; "" if not."""
    total = (data or {}).get("filtered_table_rows_count")
    if (data or {}).get("next") is None and not (data or {}).get("truncated"):
        return ""
    of = f" of {total:,}" if isinstance(total, int) else ""
    return (f" THIS FILE HOLDS ONE PAGE: the first {len(rows):,} rows{of}. Ask with _size=max for up to the portal's "
            f"most rows a page, and follow _next for the rest (or narrow the query).")


async def render_votable(datasette, columns, rows, database, table, query_name, data=None):
    rows = [tuple(row) for row in rows]
    description = (f"{table or query_name or 'query'} from the Microlensing Alert Database.{page_note(data, rows)} "
                   f"{TIME_NOTE} Text longer than {LONGEST_CELL:,} characters is cut. "
                   + await credits(datasette, database))
    try:
        body = await render_in_process(votable_bytes, columns, rows, description,
                                       column_descriptions(datasette, database, table, query_name))
    except Busy as error:
        return Response.text(f"{error}\n", status=503, headers={"Retry-After": "60"})
    name = table or query_name or "query"
    return Response(body, content_type="application/x-votable+xml",
                    headers={"Content-Disposition": f'attachment; filename="{name}.votable.xml"'})


@hookimpl
def register_output_renderer():
    return {"extension": "votable", "render": render_votable}
