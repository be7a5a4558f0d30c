"""KMTNet in the build: which files to fetch, and how the mirrored files become alerts and photometry.

Per season: listpage.dat names the events and gives their parameters (no uncertainties). Each event's
view.php names its pySIS files (one per site, field and band); the per-event pysis.tar.gz holds them
all, so it is fetched instead where it saves requests. Directory listings are forbidden on the site,
so the file names come from view.php, or from the mirror's own folders offline.
"""

import re

from ..formulas import magnification
from ..names import AlertName
from ..parsing import ParseError
from ..survey import Naming, Survey, parse_mirrored
from . import site
from .bundle import BundleError, pysis_members
from .listpage import parse_listpage, related_names
from .pysis import parse_pysis, pysis_telescope_and_band
from .view_page import parse_view_page, view_record
from ..report import MISSING, PARSE_ERROR

VIEW_PAGE = re.compile(r"^view\.php\?event=(KMT-\d{4}-BLG-\d{4})$")
# One request for the bundle is politer than three or more for the files.
TARBALL_FROM = 3


class Kmtnet(Survey):
    naming = Naming(site.SURVEY, "K", 3)
    key = "kmtnet"
    events_prefix = "kmt"
    seasons_url = site.EVENT_ROOT + "/"
    demo_share = 0.85
    tE_bound = 200.0
    source = {
        "survey": site.SURVEY,
        "name": "KMTNet alerts (Korea Microlensing Telescope Network, KASI)",
        "home_url": "https://kmtnet.kasi.re.kr/~ulens/",
        "data_url": "https://kmtnet.kasi.re.kr/~ulens/event/",
        "credit": "Kim, S.-L. et al. 2016, JKAS 49, 37 (KMTNet); Kim, D.-J. et al. 2018, AJ 155, 76 (EventFinder); "
                  "Kim, H.-W. et al. 2018, arXiv:1804.03352 (AlertFinder).",
        "data_policy": site.DATA_POLICY + " (KMTNet Data Policy, https://kmtnet.kasi.re.kr/~ulens/event/)",
    }

    def seasons(self, today=None):
        return site.seasons(today)

    def list_urls(self, season):
        return [site.listpage_url(season)]

    def event_urls(self, mirror, name):
        return [site.view_url(name)]

    def followup_urls(self, mirror, name, bands):
        files = [f for f in pysis_files(mirror, name) if pysis_telescope_and_band(f)[1] in bands]
        if len(files) >= TARBALL_FROM:
            return [site.pysis_tarball_url(name)]
        return [site.pysis_url(name, f) for f in files]

    def parse_season_list(self, text, source, season, bad_lines):
        return parse_listpage(text, source, season, bad_lines)

    def mirrored_events(self, mirror, season):
        """Events with a view.php or a data folder in the mirror, listed or not."""
        for entry in mirror.listdir(f"{site.EVENT_ROOT}/{season}/"):
            match = VIEW_PAGE.match(entry)
            if match:
                yield AlertName(self.name, season, "BLG", int(match.group(1)[-4:]))
        for entry in mirror.listdir(f"{site.EVENT_ROOT}/{season}/data/"):
            if re.fullmatch(rf"KB{season % 100:02d}\d{{4}}", entry):
                yield AlertName(self.name, season, "BLG", int(entry[4:]))

    def read_alert(self, season, name, alert):
        """The alert row, cross-references and photometry; False if a file was bad or missing."""
        mirror = season.mirror
        record = dict(season.listed.get(name) or {})
        view_url = site.view_url(name)
        view = parse_mirrored(mirror, alert, self.name, name.season, view_url, parse_view_page, alert_name=name.full)
        if view is not None and view["name"] != name:
            alert.problem(PARSE_ERROR, self.name, name.season, view_url,
                          f"the page is about {view['name'].full}, not {name.full}", name.full)
            view = None
        if view is not None:
            if not record:
                try:
                    record = view_record(view, view_url)
                except ParseError as error:
                    alert.problem(PARSE_ERROR, self.name, name.season, view_url, error.reason, name.full)
            record["alert_date"] = view["alert_date"]
            if "fetched_at" not in record:
                record.update(fetched_at=mirror.fetched_at(view_url), fetched_from=view_url)
        record.update(
            alert_name=name.full, alert_id=name.alert_id, short_name=name.short, survey=self.name,
            season=name.season, region=name.region, alert_url=view_url, data_url=site.event_data_folder(name),
            public_from=site.public_from(name.season).isoformat(),
            **derived_point_lens(record),
        )
        if record.get("k2_flag"):
            record["remarks"] = "In the K2 Campaign 9 field (listpage K2 flag)."
        alert.record = record
        for token in record.get("related", []):
            other = related_names([token])[0]
            alert.add_crossref(other.full, "kmtnet_related", token)
        complete = self.read_photometry(season, name, pysis_files(mirror, name, view), alert)
        return view is not None and complete

    def read_photometry(self, season, name, files, alert):
        mirror = season.mirror
        complete = True
        bundle = None
        for file_name in files:
            url = site.pysis_url(name, file_name)
            try:
                telescope, band = pysis_telescope_and_band(file_name)
            except ParseError as error:
                alert.problem(PARSE_ERROR, self.name, name.season, url, error.reason, name.full)
                complete = False
                continue
            if band not in season.bands:
                continue
            try:
                text = mirror.read_text(url)
                if text is None:
                    bundle = self.bundled_files(season, name, alert) if bundle is None else bundle
                    text = bundle.get(file_name)
                    if text is None:
                        alert.problem(MISSING, self.name, name.season, url, "not in the mirror", name.full)
                        complete = False
                        continue
                    url = f"{site.pysis_tarball_url(name)}#{file_name}"
                lightcurve = parse_pysis(text, source=url)
            except ParseError as error:
                alert.problem(PARSE_ERROR, self.name, name.season, url, error.reason, name.full, error.line)
                complete = False
                continue
            alert.count(self.name, name.season, "dropped_non_finite", lightcurve.dropped_non_finite)
            alert.add_lightcurve(telescope, band, lightcurve.points)
        return complete

    def bundled_files(self, season, name, alert):
        """The .pysis files in the event's pysis.tar.gz, by base name ({} if there is no readable bundle)."""
        url = site.pysis_tarball_url(name)
        try:
            data = season.mirror.read_bytes(url)
            return {} if data is None else pysis_members(data)
        except (BundleError, ParseError) as error:
            alert.problem(PARSE_ERROR, self.name, name.season, url, getattr(error, "reason", str(error)), name.full)
            return {}

    def write_demo_season(self, mirror, rng, season, alerts, today_hjd):
        from .demo import write_season

        write_season(mirror, rng, season, alerts, today_hjd)


def pysis_files(mirror, name, view=None):
    """The event's pySIS file names: from its view.php, else from the mirror's folder."""
    if view is None:
        try:
            text = mirror.read_text(site.view_url(name))
            view = parse_view_page(text, site.view_url(name)) if text else None
        except ParseError:
            view = None
    if view is not None:
        return view["pysis_files"]
    return [f for f in mirror.listdir(site.pysis_url(name, "x")[:-1]) if f.endswith(".pysis")]


def derived_point_lens(record):
    """KMTNet gives Isource and Ibase but not fbl or Amax; a point lens gives both."""
    derived = {}
    if record.get("Isrc") is not None and record.get("Ibase") is not None:
        derived["fbl"] = round(10 ** (0.4 * (record["Ibase"] - record["Isrc"])), 3)
    u0 = record.get("u0")
    if u0:
        derived["Amax"] = round(float(magnification(u0)), 3)
    return derived
