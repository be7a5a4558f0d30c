"""What the portal's plugins share: the database's name (the file is microlensing.db, so its URLs are
/microlensing/...), finding it among the databases Datasette serves, the guards every route of ours keeps:
a `from=` that can only name a page of this portal, and reads that run under the SQL time limit, and
the limits of what public SQL may do (`restrict_connection`, `ResultBudget`)."""

import asyncio
import concurrent.futures
import concurrent.futures.process
import contextlib
import importlib.util
import multiprocessing
import posixpath
import sqlite3
import urllib.parse

from datasette.database import QueryInterrupted
from datasette.utils import sqlite_timelimit

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


async def built_at(database):
    """When the database was built (build_info's built_at, ISO 8601 UTC), or None."""
    if not await database.table_exists("build_info"):
        return None
    found = (await database.execute("select value from build_info where key = 'built_at'")).first()
    return found[0] if found else None


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


def read_in_thread(database, read, time_limit_ms, longest_value=None):
    """read(conn) run in one of Datasette's threads, off the event loop, every query under the SQL time limit
    (which raises sqlite3.OperationalError "interrupted" when it is reached); with `longest_value`, the values
    SQLite may make are allowed that many bytes instead of LONGEST_VALUE (our own bounded reads only)."""
    def limited(conn):
        with sqlite_timelimit(conn, time_limit_ms), values_up_to(conn, longest_value):
            return read(conn)
    return database.execute_fn(limited)


# Large renderings (a VOTable, an Atom feed of hundreds of rows) are pure Python, seconds of it. In a thread they
# still hold the interpreter the event loop needs, and a cheap page waited a second behind them (make bench, part
# "hostile load"). So one process of its own makes them, one after another; a few more wait their turn, and the
# rest are told to come back. The process starts at the first rendering (forkserver: not a fork of a server
# with threads) and imports the plugin file the rendering function is in; arguments and answers are pickled,
# so they are plain values (tuples of rows, no Datasette objects).
RENDERINGS_WAITING = 4
_renderings = {"admitted": 0, "process": None}
_plugin_modules = {}


class Busy(Exception):
    """Too many renderings at once: the answer is 503 with Retry-After."""


def _rendering_process():
    if _renderings["process"] is None:
        _renderings["process"] = concurrent.futures.ProcessPoolExecutor(
            1, mp_context=multiprocessing.get_context("forkserver"))
    return _renderings["process"]


def _render(plugin_file, name, arguments):
    """In the rendering process: the plugin file's function `name` applied to the arguments."""
    if plugin_file not in _plugin_modules:
        spec = importlib.util.spec_from_file_location(f"rendering_{len(_plugin_modules)}", plugin_file)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        _plugin_modules[plugin_file] = module
    return getattr(_plugin_modules[plugin_file], name)(*arguments)


async def render_in_process(make, *arguments):
    """make(*arguments) in the rendering process (make: a module-level function of a plugin file); Busy when
    more than RENDERINGS_WAITING are already waiting, or when the process died (it is started again)."""
    if _renderings["admitted"] > RENDERINGS_WAITING:
        raise Busy("too many large exports are being made: try again in a minute")
    _renderings["admitted"] += 1
    try:
        return await asyncio.get_running_loop().run_in_executor(
            _rendering_process(), _render, make.__code__.co_filename, make.__name__, arguments)
    except concurrent.futures.process.BrokenProcessPool:
        _renderings["process"] = None
        raise Busy("the export could not be made: try again in a minute") from None
    finally:
        _renderings["admitted"] -= 1


# What public SQL may do ---------------------------------------------------------------------------------------
#
# Custom SQL is public, and the SQL time limit stops SQLite's loop but not memory: one zeroblob(), printf() or
# randomblob() can ask for a gigabyte in a millisecond, and a page of large values is gigabytes in Python
# (and seconds of JSON or HTML made on the event loop, where nothing else runs meanwhile). So every value SQLite
# makes on a portal connection is at most LONGEST_VALUE bytes (50 times the longest the database holds, a fit's
# model curve of ~20 KB), a result row at most LONGEST_ROW columns (the widest table has 47), and the rows one
# query hands to Datasette at most RESULT_BYTES bytes (a page of 1,000 alerts is about 1 MB).
LONGEST_VALUE = 1_000_000
LONGEST_ROW = 200
LONGEST_SQL = 100_000
RESULT_BYTES = 20_000_000
# Column names of pragma functions whose values are the server's file paths.
SERVER_PATHS = {("pragma_database_list", "file")}


def refused(*arguments):
    raise sqlite3.DatabaseError("not allowed on this portal")


def restrict_connection(conn):
    """Make one of the portal's connections safe for public SQL (see above). fts3_tokenizer() is refused in
    both forms: with one argument it tells a library address, with two it replaces a tokenizer's code pointer
    with any bytes, and the next fts3tokenize query crashes the server (SQLite built with
    ENABLE_FTS3_TOKENIZER, as Debian's is). Server paths (pragma_database_list's file) read as NULL."""
    for arguments in (1, 2):
        conn.create_function("fts3_tokenizer", arguments, refused)
    conn.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, LONGEST_VALUE)
    conn.setlimit(sqlite3.SQLITE_LIMIT_COLUMN, LONGEST_ROW)
    conn.setlimit(sqlite3.SQLITE_LIMIT_SQL_LENGTH, LONGEST_SQL)
    conn.set_authorizer(hide_server_paths)


def hide_server_paths(action, table, column, database, trigger):
    if action == sqlite3.SQLITE_READ and (table, column) in SERVER_PATHS:
        return sqlite3.SQLITE_IGNORE
    return sqlite3.SQLITE_OK


@contextlib.contextmanager
def values_up_to(conn, longest_value):
    if longest_value is None:
        yield
        return
    before = conn.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, longest_value)
    try:
        yield
    finally:
        conn.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, before)


class ResultTooLarge(sqlite3.OperationalError):
    pass


class ResultBudget:
    """A connection whose cursors stop a query once its rows hold more than RESULT_BYTES (text and blobs by
    their length, any other value 8 bytes), with an error saying so. Datasette reads every query's rows with
    fetchmany or fetchall on conn.cursor(): those are counted row by row, as they arrive."""

    def __init__(self, conn, budget=RESULT_BYTES):
        self.conn, self.budget = conn, budget

    def __getattr__(self, name):
        return getattr(self.conn, name)

    def cursor(self, *arguments):
        return BudgetedCursor(self.conn.cursor(*arguments), self.budget)


TEXT = {str, bytes}


class BudgetedCursor:
    def __init__(self, cursor, budget):
        self.cursor, self.budget, self.spent = cursor, budget, 0

    def __getattr__(self, name):
        return getattr(self.cursor, name)

    def __iter__(self):
        for row in self.cursor:
            self.spent += 8 * len(row)
            for value in row:  # a plain loop: a third of the time of a generator, and this runs on every row
                if type(value) in TEXT:
                    self.spent += len(value)
            if self.spent > self.budget:
                raise ResultTooLarge(f"the result is larger than {self.budget // 1_000_000} MB, the most one "
                                     f"request may read: ask for fewer rows or columns, or shorter values")
            yield row

    def fetchmany(self, size=None):
        rows = []
        for row in self:
            rows.append(row)
            if len(rows) >= (size or self.cursor.arraysize):
                break
        return rows

    def fetchall(self):
        return list(self)

    def fetchone(self):
        return next(iter(self), None)


def budget_results(database):
    """Every function Datasette runs on the database's connections gets them through a ResultBudget."""
    run = database.execute_fn

    async def execute_fn(fn):
        return await run(lambda conn: fn(ResultBudget(conn)))

    database.execute_fn = execute_fn


def interrupted(error):
    """Whether the error is the SQL time limit's: Datasette's QueryInterrupted, or SQLite's own in a thread."""
    return isinstance(error, QueryInterrupted) or (isinstance(error, sqlite3.OperationalError)
                                                   and "interrupted" in str(error))


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
