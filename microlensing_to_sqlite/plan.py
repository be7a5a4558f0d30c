"""What a run does: which seasons of which surveys, which events are due for a fetch, and what its exit
status says. Pure decisions over the options, the mirror and the date; nothing here fetches or loads."""

import contextlib
import os
import sqlite3
import tempfile
from pathlib import Path

from . import history
from .formulas import hjd_today
from .report import MISSING

EXIT_OK = 0
EXIT_UNEXPECTED = 1            # an error nobody foresaw: one line (--debug: the traceback)
EXIT_REFUSED_ARGUMENTS = 2     # options that would build nothing or write where they cannot (refusal)
EXIT_SOME_FILES_FAILED = 3
EXIT_SOURCE_FAILED = 4
EXIT_REFUSED = 5
STATUS_WORDS = {EXIT_OK: "ok", EXIT_SOME_FILES_FAILED: "some files failed", EXIT_SOURCE_FAILED: "a source failed",
                EXIT_REFUSED: "refused"}
# An event is over for good this long after its peak: more than 5 tE and 60 days.
OVER_AFTER_TE = 5
OVER_AFTER_DAYS = 60


def fetch_seasons(survey, options, today):
    """The seasons to fetch: --events' seasons, --years, in an update the current and the previous season,
    else every season the survey has had."""
    available = survey.seasons(today)
    if options.events:
        return sorted({e.season for e in options.events if e.survey == survey.name})
    if options.years:
        return [y for y in options.years if y in available]
    if options.update:
        return [s for s in available if s >= today.year - 1]
    return available


def load_seasons(survey, options, today, mirror):
    """The seasons to load: a live build's (or those named with --events or --years) are the seasons it
    fetched; offline and in an update, every season the mirror holds."""
    if options.events or options.years or not (options.offline or options.update):
        return fetch_seasons(survey, options, today)
    return sorted(set(survey.seasons(today)) & set(survey.mirrored_seasons(mirror)))


def fetch_plan(options, today):
    return [(survey, fetch_seasons(survey, options, today)) for survey in options.surveys]


def load_plan(options, today, mirror):
    return [(survey, load_seasons(survey, options, today, mirror)) for survey in options.surveys]


def is_long_over(record, today_hjd):
    """Over for good: more than 5 tE and 60 days past the peak."""
    t0, tE = record.get("t0"), record.get("tE")
    return t0 is not None and tE is not None and today_hjd > t0 + OVER_AFTER_TE * tE + OVER_AFTER_DAYS


def events_due(survey, fetcher, before, listed, today, refresh_days, update):
    """The listed events worth asking about. In an update: those whose line in the season list is new or
    changed since the list the database was built from (the surveys refit an event when new data come),
    and any whose files are older than refresh_days. In a full build: all but the events long over whose
    files are younger than refresh_days."""
    today_hjd = hjd_today(today)
    due = []
    for name, record in listed.items():
        urls = survey.event_urls(fetcher.mirror, name)
        fresh = bool(urls) and fetcher.last_answer_age_days(urls[0]) < refresh_days
        if update:
            unchanged = name in before and same_listing(before[name], record)
            skip = fresh and unchanged
        else:
            skip = fresh and is_long_over(record, today_hjd)
        if not skip:
            due.append(name)
    return due


def same_listing(one, other):
    return {k: v for k, v in one.items() if k != "fetched_at"} == {k: v for k, v in other.items() if k != "fetched_at"}


def exit_status(report, plan, loaded=True):
    """0 all good; 3 some files failed; 4 a survey of the plan loaded no alert at all."""
    alerts = {survey.name: 0 for survey, seasons in plan if seasons}
    for (survey, _), counts in report.counts.items():
        alerts[survey] = alerts.get(survey, 0) + counts["alerts"]
    if loaded and any(n == 0 for n in alerts.values()):
        return EXIT_SOURCE_FAILED
    if any(p["kind"] != MISSING for p in report.problems):
        return EXIT_SOME_FILES_FAILED
    return EXIT_OK


def refusal(options, today, mirror):
    """Why the options must not run, in one sentence; None if they may. Nothing a wrong argument names is
    touched: a build that would read nothing, or write where it cannot, never starts."""
    root = mirror.root
    if root.exists() and not root.is_dir():
        return f"--mirror {root} is not a folder"
    if options.offline:
        if not root.is_dir():
            return f"--mirror {root} does not exist"
        planned = load_plan(options, today, mirror)
        if not any(set(seasons) & set(survey.mirrored_seasons(mirror)) for survey, seasons in planned):
            held = {survey.name: survey.mirrored_seasons(mirror) for survey in options.surveys}
            return (f"the mirror {root} holds no season the options name ("
                    + "; ".join(f"{name}: {', '.join(map(str, seasons)) or 'none'}" for name, seasons in held.items())
                    + ")")
    elif not any(seasons for _, seasons in fetch_plan(options, today)):
        return "no season to fetch: " + "; ".join(
            f"{survey.name} has {min(survey.seasons(today))}-{max(survey.seasons(today))}" for survey in options.surveys)
    history_file = history_path(options, mirror)
    return database_refusal("--db", Path(options.db), "a database this project built", {"build_info", "alerts"}) \
        or (history_file and database_refusal("--history", Path(history_file), "a parameter history",
                                              {"alert_history", "build_runs"}, not_in_it={"build_info"}))


def history_path(options, mirror):
    """The history a run reads and appends to: --history, else (fetching) the mirror's own; None offline, where the
    mirror may be someone else's."""
    return options.history or (None if options.offline else history.default_path(mirror.root))


def usable_workers(asked):
    """The processes that read events: as many as asked for (default: one per core), but no more than the cores,
    where more would only take turns, each with its own memory."""
    cores = os.cpu_count() or 1
    return min(asked or cores, cores)


def database_refusal(option, path, what, tables, not_in_it=()):
    """Why the SQLite file at path must not be written as `what`, in one sentence naming it; None if it may. A
    file that is there must be SQLite with `tables` (and none of `not_in_it`), or hold no table at all: a
    mistyped name must not replace another file, the irreplaceable history least of all."""
    if path.exists() and not path.is_file():
        return f"{option} {path} is not a file"
    if not path.parent.is_dir():
        return f"{option} {path}: the folder {path.parent} does not exist"
    try:  # the build writes beside the file (<db>.building, the history's journal): a file made and gone at once
        with tempfile.TemporaryFile(dir=path.parent):
            pass
    except OSError as error:
        return f"{option} {path}: cannot write in the folder {path.parent} ({error.strerror})"
    if not path.exists():
        return None
    try:
        with contextlib.closing(sqlite3.connect(f"file:{path.resolve()}?mode=ro", uri=True)) as db:
            found = {name for (name,) in db.execute("select name from sqlite_master where type = 'table'")}
    except sqlite3.Error as error:
        return f"{option} {path} is not {what}: it is not an SQLite database ({error}); nothing was touched"
    missing, foreign = sorted(set(tables) - found), sorted(set(not_in_it) & found)
    if found and (missing or foreign):
        has = f"it has no {' or '.join(missing)} table" if missing else f"it has a {' and '.join(foreign)} table"
        return f"{option} {path} is not {what}: {has}; nothing was touched"
    return None
