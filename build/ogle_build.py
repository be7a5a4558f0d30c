"""OGLE in the build: which files to fetch, and how the mirrored files become alerts and photometry.

Per season: the list (lenses.par) names the events; each event has params.dat (the fit with
uncertainties) and phot.dat (the lightcurve). The load takes every event the list names plus every
event folder the mirror holds, so an event fetched on its own (`--events`) loads whether or not the
season's list names it. params.dat, when present, overrides the list's values.
"""

import datetime

from . import ogle
from .load import load_events, parse_mirrored, season_names

SURVEY = ogle.SURVEY
seasons = ogle.seasons
# One file that changes whenever the EWS does: if it has not, an update need not ask for anything else.
CHANGE_MARKER = ogle.LAST_CHANGED_URL


def mirrored_seasons(mirror):
    """The seasons the mirror holds anything for."""
    return [int(entry) for entry in mirror.listdir(ogle.DATA_ROOT + "/") if entry.isdigit()]


def list_urls(season):
    return [ogle.lenses_par_url(season)]


def event_urls(mirror, name):
    return [ogle.params_url(name), ogle.phot_url(name)]


def followup_urls(mirror, name, bands):
    return []


def load(mirror, writer, report, *, seasons, events=None, progress=None, today=None, bands=("I",)):
    current_season = (today or datetime.date.today()).year
    wanted = None if events is None else [e for e in events if e.survey == SURVEY]
    for season in seasons:
        listed = season_list(mirror, season, report, quiet=wanted is not None)
        names = season_names(listed, mirrored_events(mirror, season), wanted, season)
        load_events(names, lambda name: load_event(mirror, writer, report, name, listed.get(name), current_season),
                    progress, f"load {SURVEY} {season}")


def season_list(mirror, season, report=None, quiet=True):
    """The season's lenses.par records by name; a missing or broken list is reported, not fatal."""
    url = ogle.lenses_par_url(season)
    records = parse_mirrored(mirror, report, SURVEY, season, url, ogle.parse_lenses_par, report_missing=not quiet)
    if records is None:
        return {}
    fetched_at = mirror.fetched_at(url)
    return {r["name"]: {**r, "fetched_at": fetched_at} for r in records}


def mirrored_events(mirror, season):
    season_url = f"{ogle.DATA_ROOT}/{season}/"
    for entry in mirror.listdir(season_url):
        name = ogle.name_from_event_directory(season, entry)
        if name:
            yield name


def load_event(mirror, writer, report, name, listed, current_season):
    """Add one event's alert row and photometry; return False if one of its files was bad or missing."""
    record = dict(listed or {})
    params = read(mirror, report, name, ogle.params_url(name), ogle.parse_params_dat)
    if params is not None and params["name"] != name:
        report.problem("parse_error", SURVEY, name.season, ogle.params_url(name),
                       f"the file names {params['name'].full}, not {name.full}", name.full, 1)
        params = None
    if params is not None:
        record.update(params, fetched_at=mirror.fetched_at(ogle.params_url(name)))
    photometry = read(mirror, report, name, ogle.phot_url(name), ogle.parse_phot_dat)
    record.update(
        alert_name=name.full, alert_id=name.alert_id, short_name=name.short, survey=SURVEY,
        season=name.season, region=name.region,
        alert_url=ogle.alert_page_url(name, current_season), data_url=ogle.event_data_url(name),
    )
    if "fetched_at" not in record and photometry is not None:
        record["fetched_at"] = mirror.fetched_at(ogle.phot_url(name))
    writer.add_alert(record)
    report.count(SURVEY, name.season, "alerts")
    if photometry:
        report.count(SURVEY, name.season, "photometry",
                     writer.add_photometry(name.alert_id, ogle.TELESCOPE, ogle.BAND, ogle.PHOT_COLUMNS, photometry))
    return params is not None and photometry is not None


def read(mirror, report, name, url, parse):
    return parse_mirrored(mirror, report, SURVEY, name.season, url, parse, alert_name=name.full)
