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

from . import pipeline
from .fetch.hosts import PER_HOST, RATE
from .names import parse_full_name
from .registry import BY_KEY


def parse_arguments(argv):
    parser = argparse.ArgumentParser(prog="./build", description=__doc__,
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
                        help="parameter history and build runs, kept between builds (default: MIRROR/history.db when "
                             "fetching; none offline, or if the mirror is read-only)")
    parser.add_argument("--per-host", type=int, default=PER_HOST, metavar="N",
                        help=f"requests in flight per host (default {PER_HOST})")
    parser.add_argument("--rate", type=float, default=RATE, metavar="PER_SECOND",
                        help=f"request starts per second per host (default {RATE:g}; 0: no cap)")
    parser.add_argument("--retry-wait", type=float, default=2.0, metavar="SECONDS",
                        help="first wait before a retry, doubled each time, with jitter (default 2)")
    parser.add_argument("--full", action="store_true",
                        help="read every event of the plan again, into an empty database (default: carry over the "
                             "events whose files did not change, and keep what the plan does not name)")
    parser.add_argument("--workers", type=int, default=None, metavar="N",
                        help="processes that read events while one writes (default: one per core)")
    parser.add_argument("--force", action="store_true",
                        help="swap in the new database even if a survey-season lost more than 10%% of its alerts")
    parser.add_argument("--surveys", nargs="+", default=list(BY_KEY), choices=list(BY_KEY),
                        help="surveys to build (default: all)")
    parser.add_argument("--years", nargs="+", type=int, metavar="YEAR",
                        help="seasons to build (default: every season of each survey)")
    parser.add_argument("--events", nargs="+", metavar="NAME",
                        help="only these alerts, by full name (OGLE-2025-BLG-0368); listed or not")
    parser.add_argument("--bands", nargs="+", default=["I"], choices=["I", "V"],
                        help="photometric bands to load where a survey has several (KMTNet: I, V); default I")
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
    """Parse argv and run; the keyword arguments are for tests (a mock transport, a fixed date)."""
    return pipeline.run(parse_arguments(argv), transport=transport, today=today, observed_at=observed_at,
                        ftp_open=ftp_open)
