"""Give every template the portal database's name, so that no template spells it out."""

from datasette import hookimpl

from microlensing_to_sqlite.portal import DATABASE


@hookimpl
def extra_template_vars():
    return {"database_name": DATABASE}
