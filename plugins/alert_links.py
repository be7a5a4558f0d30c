"""Show an alert's name, wherever a table, view or query gives one, linked to the alert's own page.

The lightcurves table refers to alerts by `alert_id`, whose foreign key Datasette expands to the alert's name
but links by the key; the photometry view and the canned queries give `alert_name` as plain text. The alert
pages are keyed by name.
"""

from datasette import hookimpl
from markupsafe import Markup, escape

from microlensing_to_sqlite.names import parse_full_name


@hookimpl
def render_cell(value, column, table, database, datasette):
    if table == "alerts":
        return None
    if column == "alert_id" and isinstance(value, dict):
        name = value.get("label")
    elif column == "alert_name" and isinstance(value, str) and parse_full_name(value):
        name = value
    else:
        return None
    if not name:
        return None
    url = datasette.urls.row(database, "alerts", name)
    return Markup(f'<a href="{escape(url)}">{escape(name)}</a>')
