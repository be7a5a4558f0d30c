"""MOA in the build: which files to fetch, and how the mirrored files become alerts and photometry.

Up to 2024 (www.massey.ac.nz/~iabond/moa/alertYYYY/): index.dat lists the events with their calibration,
alert.php gives MOA's assessment, moa2ogle.txt the OGLE names; each event has display.php?id=<internal id>
(the fit with uncertainties) and its photometry through fetchtxt.php. From 2025 (moaprime.massey.ac.nz):
the season index is an HTML table and each event's display page names its data file.

MOA photometry is difference flux against full JD. It is stored as HJD - 2450000 (the heliocentric correction
at the event's position, formulas.heliocentric_jd) and as magnitudes I = ZP - 2.5 log10(dF + F_ref), with the fluxes kept.
"""

import datetime
import functools
import re
import urllib.parse

import numpy

from ..formulas import HJD_OFFSET, hjd_today, tabulate_earth_ephemeris
from ..parsing import ParseError
from ..photometry import Points
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
from ..report import MISSING, PARSE_ERROR


class Moa(Survey):
    naming = Naming(site.SURVEY, "M", 2, ("BLG", "LMC"), three_digits_until=site.LAST_OLD_SEASON)
    key = "moa"
    events_prefix = "moa"
    demo_share = 0.4
    season_crossref_sources = ("moa2ogle",)
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

    def parse_season_list(self, text, source, season, bad_lines):
        records, bad = parse_season_list(text, source, season)
        bad_lines.extend(bad)
        return list(records)

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
        link = photometry_url(name, {}, self.read_display(mirror, name))
        return [link] if link and self.on_own_host(link) else []

    def read_display(self, mirror, name, record=None, report=None):
        url = display_url(name, record or self.season_list(mirror, name.season).get(name) or {})
        if url is None:
            return None
        if report is None:
            try:
                text = mirror.read_text(url)
                return parse_display_page(text, source=url) if text else None
            except ParseError:
                return None
        return parse_mirrored(mirror, report, self.name, name.season, url, parse_display_page, alert_name=name.full)

    def before_season(self, season, writer, report):
        """MOA's assessments (alert.php) and its OGLE cross-identifications (moa2ogle.txt), up to 2024."""
        season.extras["assessments"] = {}
        if not (old_layout(season.year) and season.whole):
            return
        page = parse_mirrored(season.mirror, report, self.name, season.year, site.alert_php_url(season.year),
                              parse_alert_page)
        season.extras["assessments"] = page["assessments"] if page else {}
        pairs = parse_mirrored(season.mirror, report, self.name, season.year, site.moa2ogle_url(season.year),
                               parse_moa2ogle) or []
        writer.season_crossrefs_found(self.name, season.year, [(moa.full, ogle.full, "moa2ogle", ogle.full)
                                                                 for moa, ogle in pairs])

    def before_forking(self, season):
        """The Earth's ephemeris for the heliocentric correction, tabulated once over the years MOA's
        whole-baseline lightcurves span (seconds of CPU), rather than again in each reading process."""
        last = hjd_today(datetime.date(season.year + 1, 12, 31)) + HJD_OFFSET
        tabulate_earth_ephemeris(site.FIRST_PHOTOMETRY_JD, last)

    def event_context(self, season, name):
        return {**super().event_context(season, name), "assessment": season.extras["assessments"].get(name)}

    def read_alert(self, season, name, alert):
        """The alert row and photometry; False if one of its files was bad or missing."""
        mirror = season.mirror
        record = dict(season.listed.get(name) or {})
        display = self.read_display(mirror, name, record, alert)
        if display is not None and display["name"] != name:
            alert.problem(PARSE_ERROR, self.name, name.season, display_url(name, record),
                          f"the page is about {display['name'].full}, not {name.full}", name.full)
            display = None
        if display is not None:
            # The event page has the uncertainties and, where it prints one, the calibration MOA uses now.
            updates = {k: v for k, v in display.items() if v is not None and k not in ("name", "photometry_url")}
            record.update(updates)
            if "fetched_at" not in record:
                url = display_url(name, record)
                record.update(fetched_at=mirror.fetched_at(url), fetched_from=url)
        record.update(
            alert_name=name.full, alert_id=name.alert_id, short_name=name.short, survey=self.name, season=name.season,
            region=name.region,
            classification=record.get("assessment") or season.extras["assessments"].get(name),
            alert_url=site.alert_page_url(name, record.get("internal_id")),
            data_url=site.season_root(name.season) + "/" if old_layout(name.season) else site.prime_display_url(name),
        )
        alert.record = record
        photometry = photometry_url(name, record, display)
        if photometry is None:
            return display is not None
        if not self.on_own_host(photometry):  # neither fetched nor read from the mirror, whatever it holds there
            alert.problem(PARSE_ERROR, self.name, name.season, display_url(name, record),
                          "the page links its data file on a host that is not one of MOA's hosts: not followed",
                          name.full)
            return False
        return self.read_photometry(season, name, record, photometry, alert) and display is not None

    def read_photometry(self, season, name, record, url, alert):
        try:
            data = season.mirror.read_bytes(url)
            if data is None:
                alert.problem(MISSING, self.name, name.season, url, "not in the mirror", name.full)
                return False
            photometry = parse_photometry(data, source=url)
        except ParseError as error:
            alert.problem(PARSE_ERROR, self.name, name.season, url, error.reason, name.full, error.line)
            return False
        alert.count(self.name, name.season, "dropped_bad_jd", photometry.dropped_bad_jd)
        alert.count(self.name, name.season, "dropped_bad_error", photometry.dropped_bad_error)
        if record.get("ra") is None or record.get("dec") is None:
            alert.problem(PARSE_ERROR, self.name, name.season, url, "a position for the heliocentric correction",
                          name.full)
            return False
        points, dropped = magnitudes(photometry, record)
        alert.count(self.name, name.season, "dropped_no_magnitude", dropped)
        if len(points):
            alert.add_lightcurve(site.TELESCOPE, site.BAND, points)
        return True

    def write_demo_season(self, mirror, rng, season, alerts, today_hjd):
        from .demo import write_season

        write_season(mirror, rng, season, alerts, today_hjd)


@functools.lru_cache(maxsize=4)
def parse_season_list(text, source, season):
    """The list's records and its bad lines, parsed once per text: every event's URLs come from it (and each
    parse of index.dat corrects every t0 to HJD), so a season would otherwise parse it once or more per event."""
    parse, bad_lines = parse_index_dat if old_layout(season) else parse_moaprime_index, []
    return tuple(parse(text, source=source, season=season, bad_lines=bad_lines)), tuple(bad_lines)


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


def magnitudes(photometry, record):
    """Points (hjd, mag, mag_err, delta_flux, flux_err), and how many were dropped.

    A calibrated event drops the points with dF + F_ref <= 0 (they have no magnitude); an uncalibrated one
    keeps every point, with NULL magnitudes. Magnitudes are given to 4 decimals (0.0001 mag, far below MOA's
    errors); times to 5 (0.9 s).
    """
    zp, f_ref = record.get("zp"), record.get("f_ref")
    mag, mag_err = flux_to_magnitudes(photometry.delta_flux, photometry.flux_err, zp, f_ref)
    keep = numpy.isfinite(mag) if calibrated(zp, f_ref) else numpy.ones(len(mag), dtype=bool)
    hjd = numpy.atleast_1d(jd_to_hjd_minus_2450000(photometry.jd[keep], record["ra"], record["dec"]))
    points = Points(hjd=hjd, mag=numpy.round(mag[keep], 4), mag_err=numpy.round(mag_err[keep], 4),
                    delta_flux=photometry.delta_flux[keep], flux_err=photometry.flux_err[keep])
    return points, int((~keep).sum())
