"""Build microlensing.db: fetch the survey files into the mirror, then load the mirror into SQLite.

    python -m build --years 2024 2025 --surveys ogle          # live: fetch, then load
    python -m build --update                                  # nightly: the current season, politely
    python -m build --offline --mirror DIR --db FILE          # load a mirror, no network
    python -m build --events OGLE-2025-BLG-0368 ...           # just these events

Exit status: 0 all good, 3 some files failed, 4 a whole source failed, 5 refused (an alert count
dropped by more than 10%; --force to accept).
"""

import argparse
import concurrent.futures
import datetime
import sys
from pathlib import Path

from . import history, kmtnet_build, load, moa_build, ogle_build
from . import fetch as fetch_stage
from .fetch import Fetcher
from .mirror import Mirror
from .names import parse_full_name
from .progress import Progress

SURVEY_BUILDS = {"ogle": ogle_build, "moa": moa_build, "kmtnet": kmtnet_build}

EXIT_OK = 0
EXIT_SOME_FILES_FAILED = 3
EXIT_SOURCE_FAILED = 4
EXIT_REFUSED = 5
STATUS_WORDS = {EXIT_OK: "ok", EXIT_SOME_FILES_FAILED: "some files failed", EXIT_SOURCE_FAILED: "a source failed",
                EXIT_REFUSED: "refused"}


def parse_arguments(argv):
    parser = argparse.ArgumentParser(prog="python -m build", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mirror", default="data/mirror", help="mirror directory (default: data/mirror)")
    parser.add_argument("--db", default="microlensing.db", help="database to write (default: microlensing.db)")
    parser.add_argument("--offline", action="store_true", help="load the mirror as it is; fetch nothing")
    parser.add_argument("--update", action="store_true",
                        help="nightly update: fetch the current season (and the previous one's events that are "
                             "still going) with conditional requests, then load every season the mirror holds")
    parser.add_argument("--refresh-old-days", type=float, default=7.0, metavar="DAYS",
                        help="events long over (now > t0 + 5 tE + 60 d), and in an update events whose line in "
                             "the season list did not change, are fetched again only when their files are older "
                             "than this (default 7)")
    parser.add_argument("--history", metavar="FILE",
                        help="parameter history and build runs, kept between builds (default: MIRROR/history.db; "
                             "none if the mirror is read-only)")
    parser.add_argument("--per-host", type=int, default=fetch_stage.PER_HOST, metavar="N",
                        help=f"requests in flight per host (default {fetch_stage.PER_HOST})")
    parser.add_argument("--rate", type=float, default=fetch_stage.RATE, metavar="PER_SECOND",
                        help=f"request starts per second per host (default {fetch_stage.RATE:g}; 0: no cap)")
    parser.add_argument("--retry-wait", type=float, default=2.0, metavar="SECONDS",
                        help="first wait before a retry, doubled each time, with jitter (default 2)")
    parser.add_argument("--force", action="store_true",
                        help="swap in the new database even if a survey-season lost more than 10%% of its alerts")
    parser.add_argument("--surveys", nargs="+", default=list(SURVEY_BUILDS), choices=list(SURVEY_BUILDS),
                        help="surveys to build (default: all)")
    parser.add_argument("--years", nargs="+", type=int, metavar="YEAR",
                        help="seasons to build (default: every season of each survey)")
    parser.add_argument("--events", nargs="+", metavar="NAME",
                        help="only these alerts, by full name (OGLE-2025-BLG-0368); listed or not")
    parser.add_argument("--bands", nargs="+", default=["I"], choices=["I", "V"],
                        help="photometric bands to load where a survey has several (KMTNet: I, V); default I")
    arguments = parser.parse_args(argv)
    if arguments.events:
        names = [parse_full_name(e) for e in arguments.events]
        bad = [e for e, n in zip(arguments.events, names) if n is None]
        if bad:
            parser.error(f"not a full alert name such as OGLE-2025-BLG-0001: {', '.join(bad)}")
        arguments.events = names
    return arguments


def seasons_for(survey_build, arguments, today, mirror):
    """--years, else every season the survey has had (offline: every season the mirror holds)."""
    available = survey_build.seasons(today)
    if arguments.events:
        return sorted({e.season for e in arguments.events if e.survey == survey_build.SURVEY})
    if arguments.years:
        return [y for y in arguments.years if y in available]
    if arguments.offline:
        return sorted(set(available) & set(survey_build.mirrored_seasons(mirror)))
    if arguments.update:
        return [s for s in available if s >= today.year - 1]
    return available


def is_long_over(record, today_hjd):
    """Over for good: more than 5 tE and 60 days past the peak."""
    t0, tE = record.get("t0"), record.get("tE")
    return t0 is not None and tE is not None and today_hjd > t0 + 5 * tE + 60


def unchanged_since_last_update(fetcher, survey_build, loaded_at):
    """True when the survey's change marker (OGLE's last.changed) came back unchanged, and the marker we
    hold was already there when the database was built (a killed run may have fetched it and no more)."""
    marker = getattr(survey_build, "CHANGE_MARKER", None)
    mirror = fetcher.mirror
    if not marker or not mirror.has(marker) or loaded_at is None or mirror.path(marker).stat().st_mtime > loaded_at:
        return False
    return fetcher.fetch([marker])[0].status == "unchanged"


def fetch(fetcher, survey_build, seasons, events, report, progress, bands, today, refresh_old_days, update=False,
          loaded_at=None):
    """Fetch each season's lists, then the files of every event they name (or just `events`), then the
    files those pages point to (KMTNet's pySIS files are named on its event pages). Events long over
    whose files are fresh enough are not asked for again; in an update, nothing is asked for when the
    survey says nothing changed."""
    survey = survey_build.SURVEY
    mirror = fetcher.mirror
    today_hjd = today.toordinal() + 1721424.5 - 2450000
    if update and unchanged_since_last_update(fetcher, survey_build, loaded_at):
        for season in seasons:
            report.count(survey, season, "unchanged")
        return
    if update and getattr(survey_build, "CHANGE_MARKER", None) and not mirror.has(survey_build.CHANGE_MARKER):
        fetcher.fetch([survey_build.CHANGE_MARKER])  # remembered for the next update
    for season in seasons:
        if events is None:
            # The listing the database was built from; a list newer than the database (a run killed after
            # fetching it) was never loaded, so it says nothing about what changed.
            list_url = survey_build.list_urls(season)[0]
            loaded = loaded_at is not None and mirror.has(list_url) and mirror.path(list_url).stat().st_mtime <= loaded_at
            before = survey_build.season_list(mirror, season) if update and loaded else {}
            count_outcomes(fetcher.fetch(survey_build.list_urls(season)), report, survey, season)
            listed = survey_build.season_list(mirror, season)
            names = events_due(survey_build, fetcher, before, listed, today_hjd, refresh_old_days, update)
            report.count(survey, season, "skipped", len(listed) - len(names))
        else:
            names = [e for e in events if e.survey == survey and e.season == season]
        stages = [("events", lambda name: survey_build.event_urls(mirror, name)),
                  ("data", lambda name: survey_build.followup_urls(mirror, name, bands))]
        for stage, urls_of in stages:
            urls = [url for name in names for url in urls_of(name)]
            if not urls:
                continue
            progress.start(f"fetch {survey} {season} {stage}", len(urls))
            outcomes = fetcher.fetch(urls, on_done=lambda o: progress.advance(error=o.status == "failed"))
            count_outcomes(outcomes, report, survey, season)
            progress.finish()


def events_due(survey_build, fetcher, before, listed, today_hjd, refresh_days, update):
    """The listed events worth asking about. In an update: those whose line in the season list is new or
    changed since the list the database was built from (the surveys refit an event when new data come),
    and any whose files are older than refresh_days. In a full build: all but the events long over whose
    files are younger than refresh_days."""
    due = []
    for name, record in listed.items():
        urls = survey_build.event_urls(fetcher.mirror, name)
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


def count_outcomes(outcomes, report, survey, season):
    """Per survey-season counts of fetched, unchanged, missing, failed and skipped files; a failure, or a
    file not asked for because its host kept failing, is also a problem with its URL and reason."""
    for outcome in outcomes:
        report.count(survey, season, outcome.status)
        if outcome.detail.endswith(fetch_stage.REMOVED):
            report.count(survey, season, "removed")
        if outcome.status in ("failed", "skipped"):
            report.problem("fetch_failed", survey, season, outcome.url, outcome.detail)


def now_utc():
    return datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")


def main(argv=None, transport=None, today=None, observed_at=None, ftp_open=None):
    arguments = parse_arguments(argv)
    today = today or datetime.date.today()
    mirror = Mirror(arguments.mirror)
    history_path = arguments.history or history.default_path(mirror.root)
    run_history = history.History(history_path) if history_path else None
    mode = "offline" if arguments.offline else "update" if arguments.update else "live"
    run_id = run_history.start_run(now_utc(), mode) if run_history else None
    report = load.Report()
    status, detail = EXIT_OK, ""
    try:
        status, detail = run(arguments, mirror, mode, today, transport, report, run_history, run_id, observed_at,
                             ftp_open)
    except load.DropRefused as refusal:
        status, detail = EXIT_REFUSED, f"refused to replace {arguments.db}: alert counts dropped by more than " \
                                       f"10% ({refusal}); the previous database stays; use --force to accept"
    except BaseException as error:
        if run_history:
            run_history.finish_run(run_id, now_utc(), "failed", f"{type(error).__name__}: {error}", report.counts)
        raise
    if run_history:
        run_history.finish_run(run_id, now_utc(), STATUS_WORDS[status], detail, report.counts)
        if detail:  # the database was kept as it is: show this run on its health page all the same
            load.refresh_history(arguments.db, run_history)
        run_history.close()
    print(report.summary())
    print(detail or f"wrote {arguments.db}")
    return status


def run(arguments, mirror, mode, today, transport, report, run_history, run_id, observed_at, ftp_open):
    """Fetch (unless offline), then load; returns (exit status, what to say instead of "wrote DB")."""
    fetch_plan = [(SURVEY_BUILDS[s], seasons_for(SURVEY_BUILDS[s], arguments, today, mirror)) for s in arguments.surveys]
    progress = Progress()
    db_path = Path(arguments.db)
    loaded_at = db_path.stat().st_mtime if db_path.is_file() else None
    if mode != "offline":
        fetcher = Fetcher(mirror, transport=transport, per_host=arguments.per_host, rate=arguments.rate or None,
                          backoff=arguments.retry_wait,
                          **({"ftp_open": ftp_open} if ftp_open else {}))
        try:
            # The surveys live on different hosts: fetch them side by side (each host keeps its own limits).
            with concurrent.futures.ThreadPoolExecutor(max(len(fetch_plan), 1)) as pool:
                for done in [pool.submit(fetch, fetcher, survey_build, seasons, arguments.events, report, progress,
                                         arguments.bands, today, arguments.refresh_old_days, update=mode == "update",
                                         loaded_at=loaded_at)
                             for survey_build, seasons in fetch_plan]:
                    done.result()
        finally:
            fetcher.close()
    if mode == "update":
        changed = sum(c["fetched"] + c["removed"] for c in report.counts.values())
        markers = [b.CHANGE_MARKER for b, _ in fetch_plan if getattr(b, "CHANGE_MARKER", None)]
        if not changed and loaded_at is not None and not mirror.changed_since(loaded_at, ignore=markers):
            return exit_status(report, fetch_plan, loaded=False), f"nothing changed; {arguments.db} stays as it is"
        # The update fetched the recent seasons; the database holds every season the mirror has.
        arguments.offline = True
    plan = [(SURVEY_BUILDS[s], seasons_for(SURVEY_BUILDS[s], arguments, today, mirror)) for s in arguments.surveys]

    def record_run(report):
        if run_history:
            run_history.finish_run(run_id, now_utc(), STATUS_WORDS[exit_status(report, plan)], "", report.counts)

    load.build(mirror, arguments.db, plan, events=arguments.events, progress=progress, today=today,
               report=report, bands=arguments.bands, history=run_history, observed_at=observed_at,
               force=arguments.force, on_loaded=record_run)
    return exit_status(report, plan), ""


def exit_status(report, plan, loaded=True):
    alerts = {b.SURVEY: 0 for b, seasons in plan if seasons}
    for (survey, _), counts in report.counts.items():
        alerts[survey] = alerts.get(survey, 0) + counts["alerts"]
    if loaded and any(n == 0 for n in alerts.values()):
        return EXIT_SOURCE_FAILED
    if any(p["kind"] != "missing" for p in report.problems):
        return EXIT_SOME_FILES_FAILED
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
