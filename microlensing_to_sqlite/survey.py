"""What a survey must provide: the interface between the core of the build and one survey's package.

The core (the command line, the fetch stage, the load, the crossmatch, the name resolver, the demo and the
tests) knows the surveys only through the `Survey` instances listed in `registry.SURVEYS`. A survey's package
subclasses `Survey`, sets its naming and its source, and implements the methods marked "a survey implements".

The lifecycle, for each survey and season the plan names:

1. Fetch (skipped offline): `list_urls(season)` into the mirror; then for each event due,
   `event_urls(mirror, name)`; then `followup_urls(mirror, name, bands)`, the files those pages point to.
2. Load: `load(...)` reads only the mirror. The default reads the season list (`season_list`), takes every
   event it names plus every event the mirror holds files for (`mirrored_events`), and calls
   `load_event(season, name)` for each, in alert_id order; `before_season(season)` may add what concerns the
   whole season (MOA's cross-identifications, for instance).

Every parser a survey uses raises `parsing.ParseError` on text it does not recognise; the load reports the file
and goes on with the next event.
"""

import datetime
from dataclasses import dataclass, field

from .parsing import ParseError


@dataclass(frozen=True)
class Naming:
    """How a survey names its alerts: `OGLE-2025-BLG-0001`, short `OB250001`, alert_id 10250001."""
    prefix: str                   # the full name's prefix, and the value of alerts.survey: "OGLE"
    letter: str                   # the short form's letter: "O" in OB250001
    code: int                     # the first digit of alert_id; fixed for ever, never reused
    regions: tuple = ("BLG",)     # the sky regions its names may carry
    three_digits_until: int = 0   # the last season whose numbers had 3 digits (MOA: 2024); 0 if none did

    def digits(self, season):
        return 3 if season <= self.three_digits_until else 4


@dataclass
class Season:
    """What loading one season of one survey shares between its events."""
    mirror: object
    writer: object
    report: object
    season: int
    listed: dict                  # the season list's records by AlertName
    whole: bool                   # the whole season (not just the events named with --events)
    today: datetime.date
    bands: tuple
    extras: dict = field(default_factory=dict)   # whatever before_season() found for the whole season


class Survey:
    """One survey. Subclasses set the class attributes and implement the methods that raise NotImplementedError."""

    naming: Naming
    key: str                      # its name on the command line: "ogle"
    events_prefix: str            # the prefix of its columns in the events table: "ogle" (ogle_name, ogle_t0, ...)
    source: dict                  # its row of the `sources` table: name, home_url, data_url, credit, data_policy
    change_marker = None          # a URL that changes whenever anything on the site does (OGLE's last.changed)
    seasons_url = None            # the folder URL whose subfolders are the seasons (`.../ews/2025/`), if there is one
    demo_share = 0.5              # the share of the demo's physical events this survey alerts

    @property
    def name(self):
        """The survey as alerts.survey and build reports name it: "OGLE", "MOA", "KMT"."""
        return self.naming.prefix

    def __repr__(self):
        return f"<survey {self.name}>"

    # Seasons and the fetch plan: a survey implements these.

    def seasons(self, today=None):
        """Every season the survey has had up to `today`'s year."""
        raise NotImplementedError

    def mirrored_seasons(self, mirror):
        """The seasons the mirror holds files for: by default the four-digit folders under seasons_url."""
        return [int(entry) for entry in mirror.listdir(self.seasons_url) if entry.isdigit() and len(entry) == 4]

    def list_urls(self, season):
        """The season's list files, the one `season_list` reads first."""
        raise NotImplementedError

    def event_urls(self, mirror, name):
        """An event's own files (the first is the one whose age says how fresh the event is)."""
        raise NotImplementedError

    def followup_urls(self, mirror, name, bands):
        """Files that the event's files point to (KMTNet's pySIS files are named on its page)."""
        return []

    # The season list: a survey implements parse_season_list.

    def parse_season_list(self, text, source, season):
        """The records of the season list's text, each with at least "name" (an AlertName)."""
        raise NotImplementedError

    def season_list(self, mirror, season, report=None, quiet=True):
        """The season list's records by name, each with the time the list was fetched ({} when the list is
        missing or does not parse: reported when a report is given, a missing one only unless `quiet`)."""
        url = self.list_urls(season)[0]
        records = parse_mirrored(mirror, report, self.name, season, url,
                                 lambda text, source: self.parse_season_list(text, source, season),
                                 report_missing=not quiet)
        if not records:
            return {}
        fetched_at = mirror.fetched_at(url)
        return {r["name"]: {**r, "fetched_at": fetched_at} for r in records}

    def mirrored_events(self, mirror, season):
        """Events the mirror holds files for, listed or not."""
        return []

    # The load: a survey implements load_event.

    def load(self, mirror, writer, report, *, seasons, events=None, progress=None, today=None, bands=("I",)):
        """Load the seasons (or only `events`, AlertNames) from the mirror into the writer."""
        wanted = None if events is None else [e for e in events if e.survey == self.name]
        for number in seasons:
            season = Season(mirror, writer, report, number, {}, wanted is None, today or datetime.date.today(),
                            tuple(bands))
            season.listed = self.season_list(mirror, number, report, quiet=not season.whole)
            self.before_season(season)
            names = season_names(season.listed, self.mirrored_events(mirror, number), wanted, number)
            load_events(names, lambda name: self.load_event(season, name), progress, f"load {self.name} {number}")

    def before_season(self, season):
        """Read what concerns the whole season, into season.extras."""

    def load_event(self, season, name):
        """Add one event's alert row and photometry to season.writer; False if one of its files was bad or
        missing (reported to season.report)."""
        raise NotImplementedError

    # The demo.

    def write_demo_season(self, mirror, rng, season, alerts, today_hjd):
        """Write SYNTHETIC files of the season into the mirror: `alerts` are (AlertName, event) pairs, the
        events as synthetic.draw_event makes them."""
        raise NotImplementedError


# Helpers for the survey packages ------------------------------------------------------------------------------

def load_events(names, load_event, progress, label):
    """Load each event in alert_id order (appends to the clustered photometry table), with progress."""
    if progress:
        progress.start(label, len(names))
    for name in sorted(names, key=lambda n: n.alert_id):
        ok = load_event(name)
        if progress:
            progress.advance(error=not ok)
    if progress:
        progress.finish()


def season_names(listed, mirrored, wanted, season):
    """The events of a season to load: the list's and the mirror's, or only the wanted ones."""
    if wanted is None:
        return set(listed) | set(mirrored)
    return {e for e in wanted if e.season == season}


def parse_mirrored(mirror, report, survey, season, url, parse, *, alert_name=None, report_missing=True):
    """Parse one mirrored file with parse(text, source=url); a missing or unparsable file is reported
    (unless report is None) and gives None."""
    text = mirror.read_text(url)
    if text is None:
        if report and report_missing:
            report.problem("missing", survey, season, url, "not in the mirror", alert_name)
        return None
    try:
        return parse(text, source=url)
    except ParseError as error:
        if report:
            report.problem("parse_error", survey, season, url, error.reason, alert_name, error.line)
        return None
