"""What the portal's plugins share: the database's name (the file is microlensing.db, so its URLs are
/microlensing/...), finding it among the databases Datasette serves, and the guards every route of ours keeps:
GET only, a `from=` that can only name a page of this portal, and reads that run under the SQL time limit."""

import functools
import posixpath
import sqlite3
import urllib.parse

from datasette.database import QueryInterrupted
from datasette.utils import sqlite_timelimit
from datasette.utils.asgi import Response

DATABASE = "microlensing"
# Longer than any path and query of this portal a person would pass on.
LONGEST_FROM = 2000
DEFAULT_TIME_LIMIT_MS = 1000  # Datasette's default sql_time_limit_ms


def portal_database(datasette):
    """The portal's database; in a Datasette serving one other file (a test's), that one."""
    return datasette.databases.get(DATABASE) or datasette.get_database()


# Served databases are immutable, so each file is asked once: {database file: holds the generated demo}.
_SYNTHETIC = {}
SYNTHETIC_NOTE = "generated demo data (make serve), not survey data: the events and their points are invented."


async def is_synthetic(database):
    """Whether the database holds the generated demo (build_info synthetic = 1) rather than survey data."""
    if database.path not in _SYNTHETIC:
        found = False
        if await database.table_exists("build_info"):
            rows = await database.execute("select value from build_info where key = 'synthetic'")
            found = bool(rows.rows) and rows.rows[0][0] == "1"
        _SYNTHETIC[database.path] = found
    return _SYNTHETIC[database.path]


# Names bound in one query: well under the 999 parameters older SQLite builds allow.
NAMES_IN_ONE_QUERY = 500


def names_asked(text):
    """The comma-separated names of a ?names= parameter, stripped, each once, in their order."""
    return list(dict.fromkeys(name.strip() for name in text.split(",") if name.strip()))


async def rows_for_names(database, sql, names):
    """Every row of `sql`, which ends with `alert_name in`, for the names, NAMES_IN_ONE_QUERY names a query."""
    rows = []
    for start in range(0, len(names), NAMES_IN_ONE_QUERY):
        chunk = names[start:start + NAMES_IN_ONE_QUERY]
        rows += (await database.execute(f"{sql} ({', '.join('?' * len(chunk))})", chunk)).rows
    return rows


def read_in_thread(database, read, time_limit_ms):
    """read(conn) run in one of Datasette's threads, off the event loop, every query under the SQL time limit
    (which raises sqlite3.OperationalError "interrupted" when it is reached)."""
    def limited(conn):
        with sqlite_timelimit(conn, time_limit_ms):
            return read(conn)
    return database.execute_fn(limited)


def interrupted(error):
    """Whether the error is the SQL time limit's: Datasette's QueryInterrupted, or SQLite's own in a thread."""
    return isinstance(error, QueryInterrupted) or (isinstance(error, sqlite3.OperationalError)
                                                   and "interrupted" in str(error))


def get_only(route):
    """A route that answers GET (and HEAD) and nothing else: 405, saying so, for POST, PUT, DELETE, ..."""
    @functools.wraps(route)
    async def guarded(request, datasette):
        if request.method not in ("GET", "HEAD"):
            return Response.text(f"{request.method} is not allowed here: only GET.\n", status=405,
                                 headers={"Allow": "GET, HEAD"})
        return await route(request, datasette)
    return guarded


class NotAPortalPath(ValueError):
    """A `from=` that is not a table, view or query page of this portal."""


def portal_path(source):
    """`source` as a same-site path of a table, view or query (`/microlensing/alerts?survey=KMT`), checked after
    decoding and normalising it; NotAPortalPath, saying why, for anything else (another site, `javascript:`,
    `/microlensing/../-/...`, a path of ours under `/-/`)."""
    if not source:
        raise NotAPortalPath("give ?from=<a table, view or query of this portal whose rows carry alert_name>")
    if len(source) > LONGEST_FROM:
        raise NotAPortalPath(f"?from= is longer than {LONGEST_FROM} characters")
    path, _, query = source.partition("?")
    decoded = urllib.parse.unquote(path)
    if not decoded.startswith("/") or decoded.startswith("//") or "\\" in decoded or any(c < " " for c in decoded):
        raise NotAPortalPath("?from= must be a path of this portal, such as /microlensing/alerts")
    normalised = posixpath.normpath(decoded)
    if normalised == "/" or normalised.startswith("/-"):
        raise NotAPortalPath("?from= must be a table, view or query of the portal, such as /microlensing/alerts")
    return urllib.parse.quote(normalised) + (f"?{query}" if query else "")
