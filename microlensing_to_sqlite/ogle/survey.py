"""OGLE in the build: which files to fetch, and how the mirrored files become alerts and photometry.

Per season: the list (lenses.par) names the events; each event has params.dat (the fit with
uncertainties) and phot.dat (the lightcurve). The load takes every event the list names plus every
event folder the mirror holds, so an event fetched on its own (`--events`) loads whether or not the
season's list names it. params.dat, when present, overrides the list's values.
"""

from ..survey import Naming, Survey, parse_mirrored
from . import site
from .lenses_par import parse_lenses_par
from .params_dat import parse_params_dat
from .phot_dat import parse_phot_dat
from ..report import PARSE_ERROR


class Ogle(Survey):
    naming = Naming(site.SURVEY, "O", 1, site.REGIONS)
    key = "ogle"
    events_prefix = "ogle"
    change_marker = site.LAST_CHANGED_URL
    seasons_url = site.DATA_ROOT + "/"
    demo_share = 0.75
    source = {
        "survey": site.SURVEY,
        "name": "OGLE-IV Early Warning System (Optical Gravitational Lensing Experiment, University of Warsaw)",
        "home_url": "https://ogle.astrouw.edu.pl/ogle4/ews/ews.html",
        "data_url": "https://www.astrouw.edu.pl/ogle/ogle4/ews/",
        "credit": "Udalski, A. 2003, Acta Astron. 53, 291 (OGLE-III EWS); Udalski, A., Szymanski, M. K. & "
                  "Szymanski, G. 2015, Acta Astron. 65, 1 (OGLE-IV).",
        "data_policy": "OGLE EWS alerts and photometry are public. Cite the OGLE papers above when you use them.",
    }

    def seasons(self, today=None):
        return site.seasons(today)

    def list_urls(self, season):
        return [site.lenses_par_url(season)]

    def event_urls(self, mirror, name):
        return [site.params_url(name), site.phot_url(name)]

    def parse_season_list(self, text, source, season, bad_lines):
        return parse_lenses_par(text, source=source, bad_lines=bad_lines)

    def mirrored_events(self, mirror, season):
        for entry in mirror.listdir(f"{site.DATA_ROOT}/{season}/"):
            name = site.name_from_event_directory(season, entry)
            if name:
                yield name

    def event_context(self, season, name):
        # The current season's event pages have no year in their URL.
        return {**super().event_context(season, name), "current": name.season == season.today.year}

    def read_alert(self, season, name, alert):
        mirror = season.mirror
        record = dict(season.listed.get(name) or {})
        params = self.read(season, name, site.params_url(name), parse_params_dat, alert)
        if params is not None and params["name"] != name:
            alert.problem(PARSE_ERROR, self.name, name.season, site.params_url(name),
                          f"the file names {params['name'].full}, not {name.full}", name.full, 1)
            params = None
        if params is not None:
            record.update(params, fetched_at=mirror.fetched_at(site.params_url(name)),
                          fetched_from=site.params_url(name))
        photometry = self.read(season, name, site.phot_url(name), parse_phot_dat, alert)
        record.update(
            alert_name=name.full, alert_id=name.alert_id, short_name=name.short, survey=self.name,
            season=name.season, region=name.region,
            alert_url=site.alert_page_url(name, season.today.year), data_url=site.event_data_url(name),
        )
        if "fetched_at" not in record and photometry is not None:
            record.update(fetched_at=mirror.fetched_at(site.phot_url(name)), fetched_from=site.phot_url(name))
        alert.record = record
        if photometry:
            alert.add_lightcurve(site.TELESCOPE, site.BAND, photometry)
        return params is not None and photometry is not None

    def read(self, season, name, url, parse, alert):
        return parse_mirrored(season.mirror, alert, self.name, name.season, url, parse, alert_name=name.full)

    def write_demo_season(self, mirror, rng, season, alerts, today_hjd):
        from .demo import write_season

        write_season(mirror, rng, season, alerts, today_hjd)
