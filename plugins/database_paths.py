"""/-/databases.json without the server's file paths (Datasette lists each database's path): the public sees
each database's name, size and whether it is immutable, not where the server keeps it."""

from datasette import hookimpl
from datasette.utils.asgi import Response


async def databases(request, datasette):
    listed = [{key: value for key, value in database.items() if key != "path"}
              for database in datasette._connected_databases()]
    return Response.json(listed)


@hookimpl
def register_routes():
    return [(r"^/-/databases(\.(?P<format>json))?$", databases)]
