"""Build microlensing.db: fetch the survey files into the mirror, then load the mirror into SQLite.

    python -m build --years 2024 2025 --surveys ogle          # live: fetch, then load
    python -m build --offline --mirror DIR --db FILE          # load a mirror, no network
    python -m build --events OGLE-2025-BLG-0368 ...           # just these events
"""

import argparse
import datetime
import sys

from . import kmtnet_build, load, moa_build, ogle_build
from .fetch import Fetcher
from .mirror import Mirror
from .names import parse_full_name
from .progress import Progress

SURVEY_BUILDS = {"ogle": ogle_build, "moa": moa_build, "kmtnet": kmtnet_build}

EXIT_OK = 0
EXIT_SOME_FILES_FAILED = 3
EXIT_SOURCE_FAILED = 4


def parse_arguments(argv):
    parser = argparse.ArgumentParser(prog="python -m build", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mirror", default="data/mirror", help="mirror directory (default: data/mirror)")
    parser.add_argument("--db", default="microlensing.db", help="database to write (default: microlensing.db)")
    parser.add_argument("--offline", action="store_true", help="load the mirror as it is; fetch nothing")
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
    return available


def fetch(fetcher, survey_build, seasons, events, report, progress, bands):
    """Fetch each season's lists, then the files of every event they name (or just `events`), then the
    files those pages point to (KMTNet's pySIS files are named on its event pages)."""
    survey = survey_build.SURVEY
    mirror = fetcher.mirror
    for season in seasons:
        if events is None:
            record_failures(fetcher.fetch(survey_build.list_urls(season)), report, survey, season)
            names = survey_build.listed_events(mirror, season)
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
            record_failures(outcomes, report, survey, season)
            progress.finish()


def record_failures(outcomes, report, survey, season):
    for outcome in outcomes:
        if outcome.status == "failed":
            report.problem("fetch_failed", survey, season, outcome.url, outcome.detail)


def main(argv=None, transport=None, today=None):
    arguments = parse_arguments(argv)
    today = today or datetime.date.today()
    mirror = Mirror(arguments.mirror)
    plan = [(SURVEY_BUILDS[s], seasons_for(SURVEY_BUILDS[s], arguments, today, mirror)) for s in arguments.surveys]
    progress = Progress()
    report = load.Report()
    if not arguments.offline:
        fetcher = Fetcher(mirror, transport=transport)
        try:
            for survey_build, seasons in plan:
                fetch(fetcher, survey_build, seasons, arguments.events, report, progress, arguments.bands)
        finally:
            fetcher.close()
    load.build(mirror, arguments.db, plan, events=arguments.events, progress=progress, today=today,
               report=report, bands=arguments.bands)
    print(report.summary())
    print(f"wrote {arguments.db}")
    return exit_status(report, plan)


def exit_status(report, plan):
    alerts = {b.SURVEY: 0 for b, _ in plan}
    for (survey, _), counts in report.counts.items():
        alerts[survey] = alerts.get(survey, 0) + counts["alerts"]
    if any(n == 0 for n in alerts.values()):
        return EXIT_SOURCE_FAILED
    if any(p["kind"] != "missing" for p in report.problems):
        return EXIT_SOME_FILES_FAILED
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
