"""What a survey must provide: the interface between the core of the build and one survey's package.

The core (the command line, the fetch stage, the load, the crossmatch, the name resolver, the demo and the
tests) knows the surveys only through the `Survey` instances listed in `registry.SURVEYS`. A survey's package
subclasses `Survey`, sets its naming and its source, and implements the methods marked "a survey implements".
template_survey/ is a runnable template of such a package (a fictional survey that a test registers and builds).

The lifecycle, for each survey and season the plan names:

1. Fetch (skipped offline): `list_urls(season)` into the mirror; then for each event due,
   `event_urls(mirror, name)`; then `followup_urls(mirror, name, bands)`, the files those pages point to.
2. Load (load/seasons.py) reads only the mirror. It reads the season list (`season_list`), takes every event
   it names plus every event the mirror holds files for (`mirrored_events`), and for each, in alert_id order,
   either carries the event over from the database being replaced (when neither its line in the list nor any
   file it was read from changed: `inputs_key`) or reads it again: `read_alert(season, name, alert)` fills an
   `reading.AlertReading` from the mirror alone, so that alerts are read on every core (an alert read again with fewer
   points, and a file missing or bad, keeps the points it had: load.writer.DatabaseWriter.add_alert).
   `before_season` may add what concerns the whole season (MOA's cross-identifications, for instance).

Every parser a survey uses raises `parsing.ParseError` on text it does not recognise; the load reports the file
and goes on with the next event.
"""

import dataclasses
import datetime
import json
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from .formulas import hjd_today
from .parsing import ParseError
from .reading import canonical_json
from .report import MISSING, PARSE_ERROR

# alerts.survey_fit_flags: what in a survey's own fit is not a measurement. The first two make the fit's tE, or
# its t0, unmeasured for the candidate queries; the third says only that its precision is unknown.
TE_AT_BOUND = "tE at fit bound"     # the survey's fits stop at tE_bound (KMTNet's at 200 d)
T0_FAR = "t0 far from season"       # t0 outside the alert's season and the years either side of it (OGLE's
                                    # fits of faint events reach years away: t0 in 2019 for a 2016 alert)
NO_SIGMA = "no uncertainties"       # tE without a sigma: KMTNet's list, a missing params.dat
SURVEY_FIT_FLAGS = (TE_AT_BOUND, T0_FAR, NO_SIGMA)
UNMEASURED_FLAGS = (TE_AT_BOUND, T0_FAR)
# KMTNet's listpage fits sit at 197.9-200.0 d where the bound stops them (19 of its 39 alerts over 190 d in
# the recorded files); 196 d and less are spread as measured values are.
BOUND_MARGIN_DAYS = 2.5


def season_start(year):
    """1 January of `year`, 0h UTC, as HJD - 2450000."""
    return hjd_today(datetime.date(year, 1, 1))


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
class SeasonReading:
    """What reading one season of one survey shares between its alerts (the season itself is `year`)."""
    mirror: object
    year: int
    listed: dict                  # the season list's records by AlertName
    whole: bool                   # the whole season (not just the events named with --events)
    today: datetime.date
    bands: tuple
    extras: dict = field(default_factory=dict)   # whatever before_season() found for the whole season

    def reading_through(self, mirror):
        return dataclasses.replace(self, mirror=mirror)


class Survey:
    """One survey. Subclasses set the class attributes and implement the methods that raise NotImplementedError."""

    naming: Naming
    key: str                      # its name on the command line: "ogle"
    events_prefix: str            # the prefix of its columns in the events table: "ogle" (ogle_name, ogle_t0, ...)
    source: dict                  # its row of the `sources` table: name, home_url, data_url, credit, data_policy
    change_marker = None          # a URL that changes whenever anything on the site does (OGLE's last.changed)
    seasons_url = None            # the folder URL whose subfolders are the seasons (`.../ews/2025/`), if there is one
    season_crossref_sources = ()  # cross-references it publishes for a season as a whole (MOA's "moa2ogle")
    demo_share = 0.5              # the share of the demo's physical events this survey alerts
    tE_bound = None               # the longest tE its own fits reach (KMTNet's stop at 200 d), if they stop

    @property
    def name(self):
        """The survey as alerts.survey and build reports name it: "OGLE", "MOA", "KMT"."""
        return self.naming.prefix

    def __repr__(self):
        return f"<survey {self.name}>"

    @property
    def hosts(self):
        """The hosts the survey publishes on (its pages, its data, its change marker): the only hosts the build
        asks, and the only ones a link found in its files may point to."""
        return frozenset(urlsplit(url).hostname for url in (self.source["home_url"], self.source["data_url"],
                                                            self.change_marker) if url)

    def on_own_host(self, url):
        """Is url on one of the survey's hosts? A link read from a page may point anywhere."""
        return urlsplit(url).hostname in self.hosts

    def fit_flags(self, record):
        """What is not a measurement in the survey's own fit of an alert (record: its row of alerts), as the
        JSON list of alerts.survey_fit_flags, or None when nothing is flagged (see SURVEY_FIT_FLAGS)."""
        tE, t0 = record.get("tE"), record.get("t0")
        flags = []
        if tE is not None and self.tE_bound is not None and tE >= self.tE_bound - BOUND_MARGIN_DAYS:
            flags.append(TE_AT_BOUND)
        if t0 is not None and not season_start(record["season"] - 1) <= t0 < season_start(record["season"] + 2):
            flags.append(T0_FAR)
        if tE is not None and record.get("tE_err") is None:
            flags.append(NO_SIGMA)
        return json.dumps(flags) if flags else None

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

    def parse_season_list(self, text, source, season, bad_lines):
        """The records of the season list's text, each with at least "name" (an AlertName). A line that does
        not parse goes into the list `bad_lines` (parsing.keep_or_raise), so that one bad line costs one event;
        a layout the parser does not know at all is a ParseError."""
        raise NotImplementedError

    def season_list(self, mirror, season, report=None, quiet=True):
        """The season list's records by name, each with the time the list was fetched ({} when the list is
        missing or does not parse; a bad line is left out). What is wrong is reported when a report is given,
        a missing list only unless `quiet`."""
        url, bad_lines = self.list_urls(season)[0], []
        records = parse_mirrored(mirror, report, self.name, season, url,
                                 lambda text, source: self.parse_season_list(text, source, season, bad_lines),
                                 report_missing=not quiet)
        for error in bad_lines if report else ():
            report.problem(PARSE_ERROR, self.name, season, url, error.reason, None, error.line)
        if not records:
            return {}
        fetched_at = mirror.fetched_at(url)
        return {r["name"]: {**r, "fetched_at": fetched_at, "fetched_from": url} for r in records}

    def mirrored_events(self, mirror, season):
        """Events the mirror holds files for, listed or not."""
        return []

    # The load (load/seasons.py): a survey implements read_alert.

    def inputs_key(self, season, name):
        """What decides an event's alert row besides its own files: its line in the season list (but not when
        the list was fetched) and the event's context. An event whose key and files are as they were is carried
        over, not read again."""
        listed = {k: v for k, v in (season.listed.get(name) or {}).items() if k not in ("fetched_at", "fetched_from")}
        return canonical_json([listed, self.event_context(season, name)])

    def event_context(self, season, name):
        """Anything besides the files and the list that read_alert depends on (the bands asked for, ...)."""
        return {"bands": sorted(season.bands)}

    def before_season(self, season, writer, report):
        """Read what concerns the whole season: into season.extras, cross-references into the writer."""

    def before_forking(self, season):
        """Work that every process reading the season's events would otherwise repeat, done once in this process
        just before they are forked (they inherit it). Nothing by default."""

    def read_alert(self, season, name, alert):
        """Fill the alert's reading (reading.AlertReading) from season.mirror alone: its row (`alert.record`, with
        "fetched_at" and the URL it came from, "fetched_from"), its lightcurves and cross-references, its files'
        problems; True if none of its files was bad or missing."""
        raise NotImplementedError

    # The demo.

    def write_demo_season(self, mirror, rng, season, alerts, today_hjd):
        """Write SYNTHETIC files of the season into the mirror: `alerts` are (AlertName, event) pairs, the
        events as synthetic.draw_event makes them."""
        raise NotImplementedError


# Helpers for the survey packages ------------------------------------------------------------------------------

def parse_mirrored(mirror, report, survey, season, url, parse, *, alert_name=None, report_missing=True):
    """Parse one mirrored file with parse(text, source=url); a missing or unparsable file is reported
    (unless report is None) and gives None."""
    try:
        text = mirror.read_text(url)
        if text is None:
            if report and report_missing:
                report.problem(MISSING, survey, season, url, "not in the mirror", alert_name)
            return None
        return parse(text, source=url)
    except ParseError as error:
        if report:
            report.problem(PARSE_ERROR, survey, season, url, error.reason, alert_name, error.line)
        return None
