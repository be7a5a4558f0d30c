"""KMTNet in the build: which files to fetch, and how the mirrored files become alerts and photometry.

Per season: listpage.dat names the events and gives their parameters (no uncertainties). Each event's
view.php names its pySIS files (one per site, field and band); the per-event pysis.tar.gz holds them
all, so it is fetched instead where it saves requests. Directory listings are forbidden on the site,
so the file names come from view.php, or from the mirror's own folders offline.
"""

import functools
import gzip
import io
import math
import re
import tarfile
import zlib

from . import kmtnet
from .load import load_events, parse_mirrored, season_names
from .names import AlertName
from .parsing import ParseError

SURVEY = kmtnet.SURVEY
seasons = kmtnet.seasons
PHOT_COLUMNS = ("hjd", "mag", "mag_err", "delta_flux", "flux_err", "fwhm", "sky", "secz")
VIEW_PAGE = re.compile(r"^view\.php\?event=(KMT-\d{4}-BLG-\d{4})$")
# One request for the bundle is politer than three or more for the files.
TARBALL_FROM = 3


def mirrored_seasons(mirror):
    return [int(entry) for entry in mirror.listdir(kmtnet.EVENT_ROOT + "/") if entry.isdigit()]


def list_urls(season):
    return [kmtnet.listpage_url(season)]


def event_urls(mirror, name):
    return [kmtnet.view_url(name)]


def followup_urls(mirror, name, bands):
    files = [f for f in pysis_files(mirror, name) if kmtnet.pysis_telescope_and_band(f)[1] in bands]
    if len(files) >= TARBALL_FROM:
        return [kmtnet.pysis_tarball_url(name)]
    return [kmtnet.pysis_url(name, f) for f in files]


def pysis_files(mirror, name, view=None):
    """The event's pySIS file names: from its view.php, else from the mirror's folder."""
    if view is None:
        text = mirror.read_text(kmtnet.view_url(name))
        try:
            view = kmtnet.parse_view_page(text, kmtnet.view_url(name)) if text else None
        except ParseError:
            view = None
    if view is not None:
        return view["pysis_files"]
    return [f for f in mirror.listdir(kmtnet.pysis_url(name, "x")[:-1]) if f.endswith(".pysis")]


def load(mirror, writer, report, *, seasons, events=None, progress=None, today=None, bands=("I",)):
    wanted = None if events is None else [e for e in events if e.survey == SURVEY]
    for season in seasons:
        listed = season_list(mirror, season, report, quiet=wanted is not None)
        names = season_names(listed, mirrored_events(mirror, season), wanted, season)
        load_events(names, lambda name: load_event(mirror, writer, report, name, listed.get(name), bands),
                    progress, f"load {SURVEY} {season}")


def season_list(mirror, season, report=None, quiet=True):
    url = kmtnet.listpage_url(season)
    parse = functools.partial(kmtnet.parse_listpage, season=season)
    records = parse_mirrored(mirror, report, SURVEY, season, url, parse, report_missing=not quiet)
    if records is None:
        return {}
    fetched_at = mirror.fetched_at(url)
    return {r["name"]: {**r, "fetched_at": fetched_at} for r in records}


def mirrored_events(mirror, season):
    """Events with a view.php or a data folder in the mirror, listed or not."""
    for entry in mirror.listdir(f"{kmtnet.EVENT_ROOT}/{season}/"):
        match = VIEW_PAGE.match(entry)
        if match:
            yield AlertName(SURVEY, season, "BLG", int(match.group(1)[-4:]))
    for entry in mirror.listdir(f"{kmtnet.EVENT_ROOT}/{season}/data/"):
        if re.fullmatch(rf"KB{season % 100:02d}\d{{4}}", entry):
            yield AlertName(SURVEY, season, "BLG", int(entry[4:]))


def load_event(mirror, writer, report, name, listed, bands):
    """Add one event's alert row, cross-references and photometry; False if a file was bad or missing."""
    record = dict(listed or {})
    view_url = kmtnet.view_url(name)
    view = parse_mirrored(mirror, report, SURVEY, name.season, view_url, kmtnet.parse_view_page, alert_name=name.full)
    if view is not None and view["name"] != name:
        report.problem("parse_error", SURVEY, name.season, view_url,
                       f"the page is about {view['name'].full}, not {name.full}", name.full)
        view = None
    if view is not None:
        if not record:
            try:
                record = kmtnet.view_record(view, view_url)
            except ParseError as error:
                report.problem("parse_error", SURVEY, name.season, view_url, error.reason, name.full)
        record["alert_date"] = view["alert_date"]
        record.setdefault("fetched_at", mirror.fetched_at(view_url))
    record.update(
        alert_name=name.full, alert_id=name.alert_id, short_name=name.short, survey=SURVEY, season=name.season,
        region=name.region, alert_url=view_url, data_url=kmtnet.event_data_folder(name),
        public_from=kmtnet.public_from(name.season).isoformat(),
        **derived_point_lens(record),
    )
    if record.get("k2_flag"):
        record["remarks"] = "In the K2 Campaign 9 field (listpage K2 flag)."
    writer.add_alert(record)
    report.count(SURVEY, name.season, "alerts")
    for token in record.get("related", []):
        other = kmtnet.related_names([token])[0]
        writer.add_crossref(name.full, other.full, "kmtnet_related", token)
    complete = load_photometry(mirror, writer, report, name, pysis_files(mirror, name, view), bands)
    return view is not None and complete


def derived_point_lens(record):
    """KMTNet gives Isource and Ibase but not fbl or Amax; a point lens gives both."""
    derived = {}
    if record.get("Isrc") is not None and record.get("Ibase") is not None:
        derived["fbl"] = round(10 ** (0.4 * (record["Ibase"] - record["Isrc"])), 3)
    u0 = record.get("u0")
    if u0:
        derived["Amax"] = round((u0 ** 2 + 2) / (u0 * math.sqrt(u0 ** 2 + 4)), 3)
    return derived


def load_photometry(mirror, writer, report, name, files, bands):
    complete = True
    bundle = None
    for file_name in files:
        url = kmtnet.pysis_url(name, file_name)
        try:
            telescope, band = kmtnet.pysis_telescope_and_band(file_name)
        except ParseError as error:
            report.problem("parse_error", SURVEY, name.season, url, error.reason, name.full)
            complete = False
            continue
        if band not in bands:
            continue
        text = mirror.read_text(url)
        if text is None:
            bundle = tarball_members(mirror, report, name) if bundle is None else bundle
            text = bundle.get(file_name)
            if text is None:
                report.problem("missing", SURVEY, name.season, url, "not in the mirror", name.full)
                complete = False
                continue
            url = f"{kmtnet.pysis_tarball_url(name)}#{file_name}"
        try:
            lightcurve = kmtnet.parse_pysis(text, source=url)
        except ParseError as error:
            report.problem("parse_error", SURVEY, name.season, url, error.reason, name.full, error.line)
            complete = False
            continue
        report.count(SURVEY, name.season, "dropped_non_finite", lightcurve.dropped_non_finite)
        report.count(SURVEY, name.season, "photometry",
                     writer.add_photometry(name.alert_id, telescope, band, PHOT_COLUMNS, lightcurve.rows))
    return complete


def tarball_members(mirror, report, name):
    """The .pysis files in the event's pysis.tar.gz, by base name ({} if there is no readable bundle)."""
    url = kmtnet.pysis_tarball_url(name)
    data = mirror.read_bytes(url)
    if data is None:
        return {}
    try:
        # Decompress it all first: gzip checks its CRC only at the end of the stream, which tarfile may never
        # read, so a corrupt bundle would otherwise give garbled members, or too few, without an error.
        if data[:2] == b"\x1f\x8b":
            data = gzip.decompress(data)
        with tarfile.open(fileobj=io.BytesIO(data), mode="r:*") as bundle:
            return {member.name.rsplit("/", 1)[-1]: bundle.extractfile(member).read().decode("utf-8", "replace")
                    for member in bundle.getmembers() if member.isfile() and member.name.endswith(".pysis")}
    except (tarfile.TarError, OSError, EOFError, zlib.error) as error:
        report.problem("parse_error", SURVEY, name.season, url, f"expected a gzipped tar of .pysis files: {error}",
                       name.full)
        return {}

