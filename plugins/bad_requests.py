"""Requests Datasette 0.65 answers with a 500 (a server error) although the request is what is wrong: here they
get a 4xx with a sentence. The portal is read-only, so nothing but GET and HEAD is ever served (a POST to a
canned query crashed); `/microlensing.json` without `sql=` crashed on `_shape=array`; `_sort` of a column the
table does not have crashed; a CSV whose first page took longer than the SQL time limit crashed."""

import urllib.parse

from datasette import hookimpl
from datasette.utils.asgi import Response

from microlensing_to_sqlite.portal import DATABASE, interrupted, portal_database

FORMATS = (".json", ".csv", ".votable", ".atom")


async def refusal(datasette, scope):
    """The Response that refuses the request, or None to let Datasette answer it."""
    if scope["method"] not in ("GET", "HEAD"):
        return Response.text(f"{scope['method']} is not allowed here: this portal is read-only (GET only).\n",
                             status=405, headers={"Allow": "GET, HEAD"})
    arguments = urllib.parse.parse_qs(scope["query_string"].decode("latin-1"))
    path = urllib.parse.unquote(scope["path"])
    for ending in FORMATS:
        path = path.removesuffix(ending)
    if path == f"/{DATABASE}" and not arguments.get("sql", [""])[0].strip() and arguments.get("_shape"):
        return Response.text("give ?sql=<a select statement> to shape its rows\n", status=400)
    sorts = [value for key in ("_sort", "_sort_desc") for value in arguments.get(key, [])]
    relation = path.removeprefix(f"/{DATABASE}/")
    if sorts and "/" not in relation and relation != path:
        database = portal_database(datasette)
        if await database.table_exists(relation) or relation in await database.view_names():
            columns = set(await database.table_columns(relation)) | {"rowid"}
            unknown = [column for column in sorts if column not in columns]
            if unknown:
                return Response.text(f"cannot sort {relation} by {unknown[0][:100]!r}: it has no such column\n",
                                     status=400)
    return None


@hookimpl
def asgi_wrapper(datasette):
    def wrap(app):
        async def refusing_bad_requests(scope, receive, send):
            if scope["type"] == "http":
                response = await refusal(datasette, scope)
                if response is not None:
                    return await response.asgi_send(send)
            return await app(scope, receive, send)
        return refusing_bad_requests
    return wrap


@hookimpl
def handle_exception(exception):
    if interrupted(exception):
        return Response.text("The query took longer than the SQL time limit: narrow it (fewer rows, a filter), "
                             "or try again when the portal is less busy.\n", status=400)
    return None
