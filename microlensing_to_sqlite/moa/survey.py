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

from ..parsing import ParseError
from ..survey import Naming, Survey, parse_mirrored
from . import site
from .alert_page import parse_alert_page
from .calibration import calibrated, flux_to_magnitudes
from .display_page import parse_display_page
from .index_dat import parse_index_dat
from .moa2ogle import parse_moa2ogle
from .photometry import parse_photometry
from .prime_index import parse_moaprime_index
from .site import old_layout
from .times import jd_to_hjd_minus_2450000

PHOT_COLUMNS = ("hjd", "mag", "mag_err", "delta_flux", "flux_err")


class Moa(Survey):
    naming = Naming(site.SURVEY, "M", 2, ("BLG", "LMC"), three_digits_until=site.LAST_OLD_SEASON)
    key = "moa"
    events_prefix = "moa"
    demo_share = 0.4
    source = {
        "survey": site.SURVEY,
        "name": "MOA alerts (Microlensing Observations in Astrophysics)",
        "home_url": "https://moaprime.massey.ac.nz/alerts/index/moa/",
        "data_url": "https://www.massey.ac.nz/~iabond/moa/",
        "credit": "Bond, I. A. et al. 2001, MNRAS 327, 868; Sumi, T. et al. 2003, ApJ 591, 204.",
        "data_policy": "MOA alerts are public. Acknowledge the MOA collaboration when you use them.",
    }

    def seasons(self, today=None):
        return site.seasons(today)

    def mirrored_seasons(self, mirror):
        old = [int(m.group(1)) for entry in mirror.listdir(site.OLD_ROOT + "/")
               if (m := re.fullmatch(r"alert(\d{4})", entry))]
        new = [int(entry) for entry in mirror.listdir(f"{site.PRIME_ROOT}/alerts/index/moa/") if entry.isdigit()]
        return sorted(set(old) | set(new))

    def list_urls(self, season):
        if old_layout(season):
            return [site.index_dat_url(season), site.alert_php_url(season), site.moa2ogle_url(season)]
        return [site.prime_index_url(season)]

    def parse_season_list(self, text, source, season):
        return parse_season_list(text, source, season)

    def event_urls(self, mirror, name):
        if not old_layout(name.season):
            return [site.prime_display_url(name)]
        record = self.season_list(mirror, name.season).get(name)
        if record is None:
            return []  # the internal id that addresses the event's files is only in the season's index.dat
        return [site.display_php_url(name.season, record["internal_id"]),
                site.photometry_url(name.season, record["internal_id"])]

    def followup_urls(self, mirror, name, bands):
        if old_layout(name.season):
            return []
        display = self.read_display(mirror, name)
        return [photometry_link(name, display)] if display and display.get("photometry_url") else []

    def read_display(self, mirror, name, record=None, report=None):
        url = display_url(name, record or self.season_list(mirror, name.season).get(name) or {})
        if url is None:
            return None
        if report is None:
            text = mirror.read_text(url)
            try:
                return parse_display_page(text, source=url) if text else None
            except ParseError:
                return None
        return parse_mirrored(mirror, report, self.name, name.season, url, parse_display_page, alert_name=name.full)

    def before_season(self, season):
        """MOA's assessments (alert.php) and its OGLE cross-identifications (moa2ogle.txt), up to 2024."""
        season.extras["assessments"] = {}
        if not (old_layout(season.season) and season.whole):
            return
        page = parse_mirrored(season.mirror, season.report, self.name, season.season,
                              site.alert_php_url(season.season), parse_alert_page)
        season.extras["assessments"] = page["assessments"] if page else {}
        pairs = parse_mirrored(season.mirror, season.report, self.name, season.season,
                               site.moa2ogle_url(season.season), parse_moa2ogle) or []
        for moa_name, ogle_name in pairs:
            season.writer.add_crossref(moa_name.full, ogle_name.full, "moa2ogle", ogle_name.full)

    def load_event(self, season, name):
        """Add one event's alert row and photometry; False if one of its files was bad or missing."""
        mirror, writer, report = season.mirror, season.writer, season.report
        record = dict(season.listed.get(name) or {})
        display = self.read_display(mirror, name, record, report)
        if display is not None and display["name"] != name:
            report.problem("parse_error", self.name, name.season, display_url(name, record),
                           f"the page is about {display['name'].full}, not {name.full}", name.full)
            display = None
        if display is not None:
            # The event page has the uncertainties and, where it prints one, the calibration MOA uses now.
            updates = {k: v for k, v in display.items() if v is not None and k not in ("name", "photometry_url")}
            record.update(updates)
            record.setdefault("fetched_at", mirror.fetched_at(display_url(name, record)))
        record.update(
            alert_name=name.full, alert_id=name.alert_id, short_name=name.short, survey=self.name, season=name.season,
            region=name.region, classification=record.get("assessment") or season.extras["assessments"].get(name),
            alert_url=site.alert_page_url(name, record.get("internal_id")),
            data_url=site.season_root(name.season) + "/" if old_layout(name.season) else site.prime_display_url(name),
        )
        writer.add_alert(record)
        report.count(self.name, name.season, "alerts")
        photometry = photometry_url(name, record, display)
        if photometry is None:
            return display is not None
        return self.load_photometry(season, name, record, photometry) and display is not None

    def load_photometry(self, season, name, record, url):
        report = season.report
        data = season.mirror.read_bytes(url)
        if data is None:
            report.problem("missing", self.name, name.season, url, "not in the mirror", name.full)
            return False
        try:
            photometry = parse_photometry(data, source=url)
        except ParseError as error:
            report.problem("parse_error", self.name, name.season, url, error.reason, name.full, error.line)
            return False
        report.count(self.name, name.season, "dropped_bad_jd", photometry.dropped_bad_jd)
        report.count(self.name, name.season, "dropped_bad_error", photometry.dropped_bad_error)
        if record.get("ra") is None or record.get("dec") is None:
            report.problem("parse_error", self.name, name.season, url, "a position for the heliocentric correction",
                           name.full)
            return False
        rows, dropped = magnitude_rows(photometry.rows, record)
        report.count(self.name, name.season, "dropped_no_magnitude", dropped)
        report.count(self.name, name.season, "photometry",
                     season.writer.add_photometry(name.alert_id, site.TELESCOPE, site.BAND, PHOT_COLUMNS, rows))
        return True

    def write_demo_season(self, mirror, rng, season, alerts, today_hjd):
        from .demo import write_season

        write_season(mirror, rng, season, alerts, today_hjd)


@functools.lru_cache(maxsize=4)
def parse_season_list(text, source, season):
    """The list's records, parsed once per text: every event's URLs come from it (and each parse of
    index.dat makes an astropy call), so a season would otherwise parse it once or more per event."""
    parse = parse_index_dat if old_layout(season) else parse_moaprime_index
    return tuple(parse(text, source=source, season=season))


def photometry_link(name, display):
    return urllib.parse.urljoin(site.prime_display_url(name), display["photometry_url"])


def display_url(name, record):
    if not old_layout(name.season):
        return site.prime_display_url(name)
    return site.display_php_url(name.season, record["internal_id"]) if record.get("internal_id") else None


def photometry_url(name, record, display):
    if old_layout(name.season):
        return site.photometry_url(name.season, record["internal_id"]) if record.get("internal_id") else None
    return photometry_link(name, display) if display and display.get("photometry_url") else None


def magnitude_rows(rows, record):
    """(hjd, mag, mag_err, delta_flux, flux_err) rows, and how many were dropped.

    A calibrated event drops the points with dF + F_ref <= 0 (they have no magnitude); an uncalibrated one
    keeps every point, with NULL magnitudes.
    """
    if not rows:
        return [], 0
    jd, flux, error = (numpy.array(column, dtype=float) for column in zip(*rows))
    zp, f_ref = record.get("zp"), record.get("f_ref")
    mag, mag_err = flux_to_magnitudes(flux, error, zp, f_ref)
    keep = numpy.isfinite(mag) if calibrated(zp, f_ref) else numpy.ones(len(jd), dtype=bool)
    hjd = jd_to_hjd_minus_2450000(jd[keep], record["ra"], record["dec"])
    return [(float(t), none_if_nan(round(m, 4)), none_if_nan(round(e, 4)), float(f), float(s))
            for t, m, e, f, s in zip(numpy.atleast_1d(hjd), mag[keep], mag_err[keep], flux[keep], error[keep])], \
        int((~keep).sum())


def none_if_nan(value):
    return None if math.isnan(value) else float(value)
