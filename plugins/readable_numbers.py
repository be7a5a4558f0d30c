"""Show computed numbers (the fits, posteriors, lens classes) on HTML pages to the digits that mean something,
not as 17-digit floats; the full value is the cell's tooltip, and every export (CSV, JSON, VOTable, SQL) keeps
all of its digits.

A value as the survey published it (tE 23.4, t0 10850.12345, RA 265.4933333) has a short shortest-repr and is
shown as it is. A computed one (0.30000000000000004, a chi2 of 2482.1234567891) is shown to 5 decimals from 1
up, so that an HJD - 2450000 keeps the surveys' own precision (1e-5 day is a second) and degrees a tenth of an
arcsecond, and to 6 significant digits below 1.
"""

from datasette import hookimpl
from markupsafe import Markup, escape

LONGEST_AS_IS = 12  # characters of the shortest repr shown unchanged: no survey publishes more digits


def readable(value):
    if abs(value) >= 1:
        shown = f"{value:.5f}".rstrip("0").rstrip(".")
    else:
        shown = f"{value:.6g}"
    return shown


@hookimpl
def render_cell(value):
    if not isinstance(value, float) or len(repr(value)) <= LONGEST_AS_IS or value != value:
        return None
    return Markup(f'<span title="{escape(repr(value))}">{escape(readable(value))}</span>')
