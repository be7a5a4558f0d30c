"""The /lightcurves viewer's configuration (templates/pages/lightcurves.html, static/lightcurves.js): the
`from=` it pages through, checked here on the server (portal.portal_path, after decoding and normalising), so
that the page's script only ever fetches the checked path; a `from=` that is not a page of this portal shows
every alert, saying why."""

from datasette import hookimpl

from microlensing_to_sqlite.portal import DATABASE, NotAPortalPath, portal_path


def viewer_config(datasette, asked):
    alerts = datasette.urls.table(DATABASE, "alerts")
    config = {"base": datasette.urls.path("").rstrip("/"), "alerts": alerts, "from": alerts, "note": ""}
    if asked:
        try:
            config["from"] = portal_path(asked)
        except NotAPortalPath as error:
            config["note"] = f"{error}; showing every alert"
    return config


@hookimpl
def extra_template_vars(template, datasette, request):
    if template != "pages/lightcurves.html" or request is None:
        return {}
    return {"lightcurves_config": viewer_config(datasette, request.args.get("from"))}
