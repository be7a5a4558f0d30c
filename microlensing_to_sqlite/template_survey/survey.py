"""EXAMPLE in the build: which files to fetch, and how the mirrored files become alerts and photometry.

Per season: alerts.txt names the alerts and gives their parameters with uncertainties; each alert has one
photometry file. The Survey base class (../survey.py) says what each method must do.
"""

from ..survey import Naming, Survey, parse_mirrored
from . import site
from .photometry import parse_photometry
from .season_list import parse_season_list


class Example(Survey):
    naming = Naming(site.SURVEY, "X", 9)   # EXAMPLE-2025-BLG-0007, short XB250007, alert_id 90250007
    key, events_prefix = "example", "example"  # --surveys example; events.example_name, example_t0, ...
    seasons_url = site.ROOT + "/"
    source = {
        "survey": site.SURVEY,
        "name": "EXAMPLE, a fictional survey (the template of a survey package)",
        "home_url": site.ROOT + "/",
        "data_url": site.ROOT + "/",
        "credit": "None: the data are SYNTHETIC.",
        "data_policy": "SYNTHETIC data, free to use.",
    }

    def seasons(self, today=None):
        return site.seasons(today)

    def list_urls(self, season):
        return [site.season_list_url(season)]

    def event_urls(self, mirror, name):
        return [site.photometry_url(name)]

    def parse_season_list(self, text, source, season, bad_lines):
        return parse_season_list(text, source=source, bad_lines=bad_lines)

    def read_alert(self, season, name, alert):
        url = site.photometry_url(name)
        record = dict(season.listed.get(name) or {})
        record.update(alert_name=name.full, alert_id=name.alert_id, short_name=name.short, survey=self.name,
                      season=name.season, region=name.region, data_url=url)
        photometry = parse_mirrored(season.mirror, alert, self.name, name.season, url, parse_photometry,
                                    alert_name=name.full)
        alert.record = record
        if photometry is not None:
            alert.add_lightcurve(site.TELESCOPE, site.BAND, photometry)
        return photometry is not None  # a missing or bad file is a problem parse_mirrored reported

    def write_demo_season(self, mirror, rng, season, alerts, today_hjd):
        from .demo import write_season

        write_season(mirror, rng, season, alerts, today_hjd)
