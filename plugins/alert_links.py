"""Show photometry's integer alert key as the alert's name, linked to the alert's own page.

Photometry refers to alerts by `alert_id` to keep its rows small. Datasette expands that foreign key
to the alert's label (its name), but links by the key; the alert pages are keyed by name.
"""

from datasette import hookimpl
from markupsafe import Markup, escape


@hookimpl
def render_cell(value, column, table, database, datasette):
    if column != "alert_id" or table == "alerts" or not isinstance(value, dict):
        return None
    name = value.get("label")
    if not name:
        return None
    url = datasette.urls.row(database, "alerts", name)
    return Markup(f'<a href="{escape(url)}">{escape(name)}</a>')
