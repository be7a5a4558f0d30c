"""A view is not streamed whole (`.csv?_stream=on`): Datasette pages a view, which has no key, with `limit ...
offset N`, so each page costs all the rows before it, and a stream of the photometry view (0.4 billion points)
would run for days. The answer says what to use instead: the bulk export, or one page of the view."""

import urllib.parse

from datasette import hookimpl
from datasette.utils.asgi import Response

from microlensing_to_sqlite.portal import DATABASE, portal_database

ADVICE = ("{view} is a view, which is not streamed whole (each page would cost every row before it). For "
          "photometry use /-/photometry.csv?names=<alert names> or ?from=<a page whose rows carry alert_name>; "
          "or ask for one page of the view (_size=max) with a filter.\n")


@hookimpl
def asgi_wrapper(datasette):
    views = []

    def wrap(app):
        async def without_view_streams(scope, receive, send):
            if scope["type"] == "http" and scope["path"].endswith(".csv") and b"_stream" in scope["query_string"]:
                if not views:
                    views.extend(await portal_database(datasette).view_names() or [None])
                view = urllib.parse.unquote(scope["path"][:-len(".csv")]).removeprefix(f"/{DATABASE}/")
                arguments = dict(urllib.parse.parse_qsl(scope["query_string"].decode("latin-1")))
                if view in views and arguments.get("_stream") not in (None, "", "0", "off"):
                    return await Response.text(ADVICE.format(view=view), status=400).asgi_send(send)
            return await app(scope, receive, send)
        return without_view_streams
    return wrap
