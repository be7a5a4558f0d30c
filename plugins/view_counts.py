"""The photometry view unfiltered is not counted: Datasette counts a view's rows on every page (a table's count
comes from the inspect file), and at the archive's 0.4 billion points that count ran to the 3-second SQL time
limit before each page was shown. With a filter (an alert, a telescope) the count is quick and is made."""

import urllib.parse

from datasette import hookimpl

from microlensing_to_sqlite.portal import DATABASE

UNCOUNTED_VIEWS = ("photometry",)


def needs_no_count(path, query_string):
    view = urllib.parse.unquote(path).removeprefix(f"/{DATABASE}/")
    for suffix in (".json", ".csv"):
        view = view.removesuffix(suffix)
    if view not in UNCOUNTED_VIEWS:
        return False
    arguments = urllib.parse.parse_qsl(query_string.decode("latin-1"), keep_blank_values=True)
    return not any(not name.startswith("_") for name, _ in arguments) and "_nocount" not in dict(arguments)


@hookimpl
def asgi_wrapper(datasette):
    def wrap(app):
        async def uncounted(scope, receive, send):
            if scope["type"] == "http" and needs_no_count(scope["path"], scope["query_string"]):
                separator = b"&" if scope["query_string"] else b""
                scope = dict(scope, query_string=scope["query_string"] + separator + b"_nocount=1")
            return await app(scope, receive, send)
        return uncounted
    return wrap
