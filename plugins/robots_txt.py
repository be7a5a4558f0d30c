"""/robots.txt: crawlers may read the front page, the tables and each alert's page, but not the photometry
(hundreds of millions of rows), the exports, the lightcurve data or the query pages, which cost the portal far
more than they give a search engine."""

from datasette import hookimpl
from datasette.utils.asgi import Response

from microlensing_to_sqlite.portal import DATABASE


async def robots(request, datasette):
    queries = await datasette.get_canned_queries(DATABASE, None)
    lines = ["User-agent: *", "Disallow: /-/", "Disallow: /lightcurves", f"Disallow: /{DATABASE}?",
             f"Disallow: /{DATABASE}.json", f"Disallow: /{DATABASE}/photometry", f"Disallow: /{DATABASE}/lightcurves",
             "Disallow: /*.csv", "Disallow: /*.json", "Disallow: /*.votable", "Disallow: /*.atom"]
    lines += [f"Disallow: /{DATABASE}/{name}" for name in sorted(queries)]
    return Response.text("\n".join(lines) + "\n")


@hookimpl
def register_routes():
    return [(r"^/robots\.txt$", robots)]
