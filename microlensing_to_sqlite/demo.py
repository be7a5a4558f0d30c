"""Write a SYNTHETIC demo mirror: point-lens events drawn at random, in the surveys' real file formats.

    python -m microlensing_to_sqlite.demo data/demo-mirror [--events-per-season 80] [--seed 1]

Nothing here is real data. The mirror carries SYNTHETIC.txt, and a database built from it says
"synthetic demo data" on every page of the portal. The events are placed relative to today, so the
candidate queries ("t0 in the last 14 days") always have something to find. One older season
(ARCHIVE_SEASON, a quarter of the events, each alerted by all three surveys) is in the layouts the surveys
used before they changed them, so the demo holds every layout the build reads.
"""

import argparse
import datetime
from pathlib import Path

import numpy

from .fetch.validators import Validators
from .load import SYNTHETIC_MARKER
from .mirror import Mirror
from .names import AlertName
from .registry import SURVEYS
from .synthetic import PLANTED_NOW, datetime_to_hjd, draw_event

# MOA's www.massey.ac.nz pages (up to 2024), KMTNet's HJD - 2450000 and its pySIS files in their bundle (up to
# 2022), two classification columns.
ARCHIVE_SEASON = 2022


def write_demo_mirror(root, events_per_season=80, seed=1, today=None):
    today = today or datetime.date.today()
    today_hjd = datetime_to_hjd(datetime.datetime(today.year, today.month, today.day))
    rng = numpy.random.default_rng(seed)
    mirror = WrittenMirror(root)
    for season in demo_seasons(today):
        # The current season always has a few events of the kinds the candidate queries look for.
        planted = PLANTED_NOW if season == today.year else []
        count = max(2, events_per_season // 4) if season == ARCHIVE_SEASON else events_per_season
        kinds = (planted + [None] * count)[:count]
        events = [draw_event(rng, season, today_hjd, kind) for kind in kinds]
        write_season(mirror, rng, season, events, today_hjd, every_survey=season == ARCHIVE_SEASON)
    # As if each file were served when it was written: the alerts' "fetched" is then the demo's time.
    Validators(mirror).remember_written(mirror.written)
    (Path(root) / SYNTHETIC_MARKER).write_text(
        "SYNTHETIC DEMO DATA, written by `python -m microlensing_to_sqlite.demo`.\n"
        "Every event, parameter and photometric point here was drawn at random in the surveys' file formats.\n"
        "The names look like real alert names but belong to no real event.\n")
    return mirror


class WrittenMirror(Mirror):
    """A mirror that lists the URLs it wrote."""

    def __init__(self, root):
        super().__init__(root)
        self.written = []

    def write(self, url, content):
        self.written.append(url)
        return super().write(url, content)


def write_season(mirror, rng, season, events, today_hjd, every_survey=False):
    """Write the season's files of every survey for these physical events (as synthetic.draw_event makes them),
    each alerted by a survey with its demo_share of chance (or by all) and numbered by each in order of t0."""
    events = sorted(events, key=lambda e: e["t0"])
    alerts = {}
    for survey in SURVEYS:
        alerted = [e for e in events if every_survey or rng.random() < survey.demo_share]
        alerts[survey] = [(AlertName(survey.name, season, "BLG", n), event) for n, event in enumerate(alerted, 1)]
        for name, event in alerts[survey]:
            event.setdefault("names", {})[survey.name] = name  # KMTNet's related-event column names the others
    for survey in SURVEYS:
        survey.write_demo_season(mirror, rng, season, alerts[survey], today_hjd)
    return alerts


def demo_seasons(today=None):
    year = (today or datetime.date.today()).year
    return [ARCHIVE_SEASON, year - 1, year] if ARCHIVE_SEASON < year - 1 else [year - 1, year]


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m microlensing_to_sqlite.demo", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("mirror", help="folder to write the demo mirror into")
    parser.add_argument("--events-per-season", type=int, default=80)
    parser.add_argument("--seed", type=int, default=1)
    arguments = parser.parse_args(argv)
    write_demo_mirror(arguments.mirror, arguments.events_per_season, arguments.seed)
    print(f"wrote a synthetic demo mirror to {arguments.mirror} (seasons {' '.join(map(str, demo_seasons()))})")


if __name__ == "__main__":
    main()
