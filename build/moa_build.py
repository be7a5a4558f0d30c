"""MOA in the build: which files to fetch, and how the mirrored files become alerts and photometry.

Up to 2024 (www.massey.ac.nz/~iabond/moa/alertYYYY/): index.dat lists the events with their calibration,
alert.php gives MOA's assessment, moa2ogle.txt the OGLE names; each event has display.php?id=<internal id>
(the fit with uncertainties) and its photometry through fetchtxt.php. From 2025 (moaprime.massey.ac.nz):
the season index is an HTML table and each event's display page names its data file.

MOA photometry is difference flux against full JD. It is stored as HJD - 2450000 (astropy's heliocentric
correction at the event's position) and as magnitudes I = ZP - 2.5 log10(dF + F_ref), with the fluxes kept.
"""

import functools
import math
import re
import urllib.parse

import numpy

from . import moa, moa_pages
from .load import load_events, parse_mirrored, season_names

SURVEY = moa.SURVEY
seasons = moa.seasons
TELESCOPE = moa.TELESCOPE
PHOT_COLUMNS = ("hjd", "mag", "mag_err", "delta_flux", "flux_err")


def old_layout(season):
    return season <= moa.LAST_OLD_SEASON


def mirrored_seasons(mirror):
    old = [int(m.group(1)) for entry in mirror.listdir(moa.OLD_ROOT + "/")
           if (m := re.fullmatch(r"alert(\d{4})", entry))]
    new = [int(entry) for entry in mirror.listdir(f"{moa.PRIME_ROOT}/alerts/index/moa/") if entry.isdigit()]
    return sorted(set(old) | set(new))


def list_urls(season):
    if old_layout(season):
        return [moa.index_dat_url(season), moa.alert_php_url(season), moa.moa2ogle_url(season)]
    return [moa.prime_index_url(season)]


def season_list(mirror, season, report=None, quiet=True):
    """The season list's records by name ({} if missing or broken; reported when a report is given)."""
    url = moa.list_url(season)
    parse = functools.partial(parse_season_list, season=season)
    records = parse_mirrored(mirror, report, SURVEY, season, url, parse, report_missing=not quiet)
    if not records:
        return {}
    fetched_at = mirror.fetched_at(url)
    return {r["name"]: {**r, "fetched_at": fetched_at} for r in records}


@functools.lru_cache(maxsize=4)
def parse_season_list(text, source, season):
    """The list's records, parsed once per text: every event's URLs come from it (and each parse of
    index.dat makes an astropy call), so a season would otherwise parse it once or more per event."""
    parse = moa.parse_index_dat if old_layout(season) else moa_pages.parse_moaprime_index
    return tuple(parse(text, source=source, season=season))


def event_urls(mirror, name):
    if not old_layout(name.season):
        return [moa.prime_display_url(name)]
    record = season_list(mirror, name.season).get(name)
    if record is None:
        return []  # the internal id that addresses the event's files is only in the season's index.dat
    return [moa.display_php_url(name.season, record["internal_id"]),
            moa.photometry_url(name.season, record["internal_id"])]


def followup_urls(mirror, name, bands):
    if old_layout(name.season):
        return []
    display = read_display(mirror, name)
    return [photometry_link(name, display)] if display and display.get("photometry_url") else []


def photometry_link(name, display):
    return urllib.parse.urljoin(moa.prime_display_url(name), display["photometry_url"])


def read_display(mirror, name, record=None, report=None):
    url = display_url(name, record or season_list(mirror, name.season).get(name) or {})
    if url is None:
        return None
    if report is None:
        text = mirror.read_text(url)
        try:
            return moa_pages.parse_display_page(text, source=url) if text else None
        except moa.ParseError:
            return None
    return parse_mirrored(mirror, report, SURVEY, name.season, url, moa_pages.parse_display_page,
                          alert_name=name.full)


def display_url(name, record):
    if not old_layout(name.season):
        return moa.prime_display_url(name)
    return moa.display_php_url(name.season, record["internal_id"]) if record.get("internal_id") else None


def load(mirror, writer, report, *, seasons, events=None, progress=None, today=None, bands=("I",)):
    wanted = None if events is None else [e for e in events if e.survey == SURVEY]
    for season in seasons:
        listed = season_list(mirror, season, report, quiet=wanted is not None)
        if old_layout(season) and wanted is None:
            assessments = season_assessments(mirror, season, report)
            for moa_name, ogle_name in season_moa2ogle(mirror, season, report):
                writer.add_crossref(moa_name.full, ogle_name.full, "moa2ogle", ogle_name.full)
        else:
            assessments = {}
        # MOA's event files are named by internal ids, which only the season list gives.
        names = season_names(listed, [], wanted, season)
        load_events(names, lambda name: load_event(mirror, writer, report, name, listed.get(name),
                                                   assessments.get(name)),
                    progress, f"load {SURVEY} {season}")


def season_assessments(mirror, season, report):
    page = parse_mirrored(mirror, report, SURVEY, season, moa.alert_php_url(season), moa_pages.parse_alert_page)
    return page["assessments"] if page else {}


def season_moa2ogle(mirror, season, report):
    return parse_mirrored(mirror, report, SURVEY, season, moa.moa2ogle_url(season), moa.parse_moa2ogle) or []


def load_event(mirror, writer, report, name, listed, assessment):
    """Add one event's alert row and photometry; False if one of its files was bad or missing."""
    record = dict(listed or {})
    display = read_display(mirror, name, record, report)
    if display is not None and display["name"] != name:
        report.problem("parse_error", SURVEY, name.season, display_url(name, record),
                       f"the page is about {display['name'].full}, not {name.full}", name.full)
        display = None
    if display is not None:
        # The event page has the uncertainties and, where it prints one, the calibration MOA uses now.
        updates = {k: v for k, v in display.items() if v is not None and k not in ("name", "photometry_url")}
        record.update(updates)
        record.setdefault("fetched_at", mirror.fetched_at(display_url(name, record)))
    record.update(
        alert_name=name.full, alert_id=name.alert_id, short_name=name.short, survey=SURVEY, season=name.season,
        region=name.region, classification=record.get("assessment") or assessment,
        alert_url=moa.alert_page_url(name, record.get("internal_id")),
        data_url=moa.season_root(name.season) + "/" if old_layout(name.season) else moa.prime_display_url(name),
    )
    writer.add_alert(record)
    report.count(SURVEY, name.season, "alerts")
    photometry = photometry_url(name, record, display)
    if photometry is None:
        return display is not None
    return load_photometry(mirror, writer, report, name, record, photometry) and display is not None


def photometry_url(name, record, display):
    if old_layout(name.season):
        return moa.photometry_url(name.season, record["internal_id"]) if record.get("internal_id") else None
    return photometry_link(name, display) if display and display.get("photometry_url") else None


def load_photometry(mirror, writer, report, name, record, url):
    data = mirror.read_bytes(url)
    if data is None:
        report.problem("missing", SURVEY, name.season, url, "not in the mirror", name.full)
        return False
    try:
        photometry = moa.parse_photometry(data, source=url)
    except moa.ParseError as error:
        report.problem("parse_error", SURVEY, name.season, url, error.reason, name.full, error.line)
        return False
    report.count(SURVEY, name.season, "dropped_bad_jd", photometry.dropped_bad_jd)
    report.count(SURVEY, name.season, "dropped_bad_error", photometry.dropped_bad_error)
    if record.get("ra") is None or record.get("dec") is None:
        report.problem("parse_error", SURVEY, name.season, url, "a position for the heliocentric correction",
                       name.full)
        return False
    rows, dropped = magnitude_rows(photometry.rows, record)
    report.count(SURVEY, name.season, "dropped_no_magnitude", dropped)
    report.count(SURVEY, name.season, "photometry",
                 writer.add_photometry(name.alert_id, TELESCOPE, moa.BAND, PHOT_COLUMNS, rows))
    return True


def magnitude_rows(rows, record):
    """(hjd, mag, mag_err, delta_flux, flux_err) rows, and how many were dropped.

    A calibrated event drops the points with dF + F_ref <= 0 (they have no magnitude); an uncalibrated one
    keeps every point, with NULL magnitudes.
    """
    if not rows:
        return [], 0
    jd, flux, error = (numpy.array(column, dtype=float) for column in zip(*rows))
    zp, f_ref = record.get("zp"), record.get("f_ref")
    mag, mag_err = moa.flux_to_magnitudes_array(flux, error, zp, f_ref)
    keep = numpy.isfinite(mag) if moa.calibrated(zp, f_ref) else numpy.ones(len(jd), dtype=bool)
    hjd = moa.jd_to_hjd_minus_2450000(jd[keep], record["ra"], record["dec"])
    return [(float(t), none_if_nan(round(m, 4)), none_if_nan(round(e, 4)), float(f), float(s))
            for t, m, e, f, s in zip(numpy.atleast_1d(hjd), mag[keep], mag_err[keep], flux[keep], error[keep])], \
        int((~keep).sum())


def none_if_nan(value):
    return None if math.isnan(value) else float(value)
