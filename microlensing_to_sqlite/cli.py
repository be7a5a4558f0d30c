"""Build microlensing.db: fetch the surveys' files into a mirror, then load the mirror into SQLite.

    ./build --years 2024 2025 --surveys ogle                # live: fetch, then load
    ./build --update                                        # nightly: the current season, politely
    ./build --offline --mirror DIR --db FILE                # load a mirror, no network
    ./build --events OGLE-2025-BLG-0368 ...                 # just these events

Exit status: 0 all good, 3 some files failed, 4 a whole source failed, 5 refused (an alert count
dropped by more than 10%; --force to accept).
"""
# The command line only parses the options; pipeline.py runs them.

import argparse
import datetime
import math
import sys

from . import pipeline, plan
from .fetch.hosts import PER_HOST, RATE
from .mirror import Mirror
from .names import parse_full_name
from .registry import BY_KEY


def whole_number(least):
    def check(text):
        try:
            value = int(text)
        except ValueError:
            value = None
        if value is None or value < least:
            raise argparse.ArgumentTypeError(f"a whole number of at least {least}, not {text!r}")
        return value
    return check


def number_at_least_zero(text):
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and value >= 0):
        raise argparse.ArgumentTypeError(f"a number of 0 or more, not {text!r}")
    return value


def year(text):
    if not (text.isdigit() and len(text) == 4):
        raise argparse.ArgumentTypeError(f"a year such as 2025, not {text!r}")
    return int(text)


def parse_arguments(argv):
    parser = argparse.ArgumentParser(prog="./build", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mirror", default="data/mirror", help="mirror directory (default: data/mirror)")
    parser.add_argument("--db", default="microlensing.db", help="database to write (default: microlensing.db)")
    parser.add_argument("--offline", action="store_true", help="load the mirror as it is; fetch nothing")
    parser.add_argument("--update", action="store_true",
                        help="nightly update: fetch the current season (and the previous one's events that are "
                             "still going) with conditional requests, then load every season the mirror holds")
    parser.add_argument("--refresh-old-days", type=number_at_least_zero, default=7.0, metavar="DAYS",
                        help="events long over (now > t0 + 5 tE + 60 d), and in an update events whose line in "
                             "the season list did not change, are fetched again only when their files are older "
                             "than this (default 7)")
    parser.add_argument("--history", metavar="FILE",
                        help="parameter history and build runs, kept between builds (default: MIRROR/history.db when "
                             "fetching; none offline, or if the mirror is read-only)")
    parser.add_argument("--per-host", type=whole_number(1), default=PER_HOST, metavar="N",
                        help=f"requests in flight per host (default {PER_HOST})")
    parser.add_argument("--rate", type=number_at_least_zero, default=RATE, metavar="PER_SECOND",
                        help=f"request starts per second per host (default {RATE:g}; 0: no cap)")
    parser.add_argument("--retry-wait", type=number_at_least_zero, default=2.0, metavar="SECONDS",
                        help="first wait before a retry, doubled each time, with jitter (default 2)")
    parser.add_argument("--full", action="store_true",
                        help="read every event of the plan again, into an empty database (default: carry over the "
                             "events whose files did not change, and keep what the plan does not name)")
    parser.add_argument("--workers", type=whole_number(1), default=None, metavar="N",
                        help="processes that read events while one writes (default, and at most: one per core)")
    parser.add_argument("--no-fit", dest="fit", action="store_false",
                        help="skip the joint point-lens fit of the events whose photometry changed (the fits table "
                             "is left empty)")
    parser.add_argument("--force", action="store_true",
                        help="swap in the new database even if a survey-season lost more than 10%% of its alerts")
    parser.add_argument("--surveys", nargs="+", default=list(BY_KEY), choices=list(BY_KEY),
                        help="surveys to build (default: all)")
    parser.add_argument("--years", nargs="+", type=year, metavar="YEAR",
                        help="seasons to build (default: every season of each survey)")
    parser.add_argument("--events", nargs="+", metavar="NAME",
                        help="only these alerts, by full name (OGLE-2025-BLG-0368); listed or not (the "
                             "surveys' word is 'event': here an event is what the crossmatch joins)")
    parser.add_argument("--bands", nargs="+", default=["I"], choices=["I", "V"],
                        help="photometric bands to load where a survey has several (KMTNet: I, V); default I")
    parser.add_argument("--debug", action="store_true", help="on an unexpected error, show the whole traceback")
    options = parser.parse_args(argv)
    if options.events:
        names = [parse_full_name(e) for e in options.events]
        bad = [e for e, n in zip(options.events, names) if n is None]
        if bad:
            parser.error(f"not a full alert name such as OGLE-2025-BLG-0001: {', '.join(bad)}")
        options.events = names
    options.surveys = [BY_KEY[key] for key in options.surveys]
    return options


def main(argv=None, transport=None, today=None, observed_at=None, ftp_open=None):
    """Parse argv and run; the keyword arguments are for tests (a mock transport, a fixed date).

    Arguments that would build nothing, or write where they cannot, are refused with one line and exit 2
    before anything is touched; an unexpected error is one line and exit 1 (--debug: the traceback).
    """
    options = parse_arguments(argv)
    today = today or datetime.date.today()
    refusal = plan.refusal(options, today, Mirror(options.mirror))
    if refusal:
        print(f"error: {refusal}", file=sys.stderr)
        return plan.EXIT_REFUSED_ARGUMENTS
    workers = plan.usable_workers(options.workers)
    if options.workers and workers < options.workers:
        print(f"note: --workers {options.workers} is more than this machine's {workers} cores: using {workers}",
              file=sys.stderr)
        options.workers = workers
    try:
        return pipeline.run(options, transport=transport, today=today, observed_at=observed_at, ftp_open=ftp_open)
    except Exception as error:
        if options.debug:
            raise
        print(f"error: {type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''} "
              f"(--debug shows where)", file=sys.stderr)
        return plan.EXIT_UNEXPECTED
