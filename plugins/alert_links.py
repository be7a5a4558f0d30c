"""Show an alert's name, wherever a table, view or query gives one, linked to the alert's own page.

The lightcurves table refers to alerts by `alert_id`, whose foreign key Datasette expands to the alert's name
but links by the key; the photometry view and the canned queries give `alert_name` as plain text. The alert
pages are keyed by name. The candidates view's title, an event's alerts with " = " between them, links each.
"""

from datasette import hookimpl
from markupsafe import Markup, escape

from microlensing_to_sqlite.names import parse_full_name


@hookimpl
def render_cell(value, column, table, database, datasette):
    if table == "alerts":
        return None
    if table == "candidates" and column == "title" and isinstance(value, str):
        # an event's alerts, " = " between them: each its own link
        return Markup(" = ".join(link(datasette, database, name) if parse_full_name(name) else str(escape(name))
                                 for name in value.split(" = ")))
    if column == "alert_id" and isinstance(value, dict):
        name = value.get("label")
    elif column == "alert_name" and isinstance(value, str) and parse_full_name(value):
        name = value
    else:
        return None
    if not name:
        return None
    return Markup(link(datasette, database, name))


def link(datasette, database, name):
    url = datasette.urls.row(database, "alerts", name)
    return f'<a href="{escape(url)}">{escape(name)}</a>'
