"""MOA alerts: where its files are, and pure parsers from their text to records.

Files (see ../shared/notes/formats.md, sections 2, 5 and 6):
- 2016-2024, under `www.massey.ac.nz/~iabond/moa/alertYYYY/`:
  `index.dat`, the season's machine-readable list (with each event's flux calibration);
  `alert.php`, the same list as an HTML table (with MOA's assessment of each event);
  `display.php?id=<internal id>`, one event's fit with uncertainties and the calibration line;
  `fetchtxt.php?path=moa/ephot/phot-<internal id>.dat`, the difference-flux photometry inside a `<pre>`;
  `moa2ogle.txt`, the MOA/OGLE cross-identifications.
- 2025 on, under `moaprime.massey.ac.nz/alerts/`: `index/moa/YYYY`, the season's list as an HTML table (no
  internal id, no calibration, no uncertainties), and `display/<name>`, one event.
Real copies exist only of index.dat (2017, first 8 rows; 2024, whole) and of the 2025 moaprime index. The other
layouts are known from other people's scrapers, so their parsers find things by label, not by position.

Times: MOA writes full JD (index.dat, photometry) or a UT calendar date with a decimal day (alert.php, the moaprime
index). The database keeps every time as HJD - 2450000, so those get the heliocentric light-travel time for the
event's position (at most 8.5 minutes, at aphelion). display.php labels its tmax `HJD` and is taken at its word.
"""

import bisect
import datetime
import gzip
import html as html_entities
import math
import re
import warnings
from typing import NamedTuple

from .names import AlertName
from .parsing import (HJD_OFFSET, ParseError, decimals, hjd_minus_2450000, number,
                      require_complete_last_line, sexagesimal_to_degrees)

SURVEY = "MOA"
OLD_ROOT = "https://www.massey.ac.nz/~iabond/moa"
PRIME_ROOT = "https://moaprime.massey.ac.nz"
FIRST_SEASON = 2016          # the first season on www.massey.ac.nz; earlier hosts are gone
LAST_OLD_SEASON = 2024       # from 2025 the lists are on moaprime
TELESCOPE = "MOA"            # the 1.8 m MOA-II telescope at Mt John Observatory
BAND = "MOA-Red"             # a broad R+I filter; MOA's calibration equation calls it I
# Mt John University Observatory, New Zealand: where MOA observes from.
MT_JOHN = {"lat": -43.9856, "lon": 170.4650, "height": 1029.0}

# A full JD (or HJD) of a MOA fit lies between 1858 and 2132: below is HJD - 2450000 or a cut-off JD, above a
# garbled number that astropy's time scales would reject.
FULL_JD = 2_400_000.0
LAST_JD = 2_500_000.0
# MOA photometry has placeholder rows at JD 0 and a point seen 28000 days early (JD about 2.43e6): drop anything
# before 1995-01-01, when MOA had not started observing.
FIRST_OBSERVATION_JD = 2_449_718.5
# 2.5 / ln 10: the magnitude error of a small flux error.
MAG_PER_LN_FLUX = 2.5 / math.log(10)

# MOA's own field/chip/star id, `gb2-R-2-19629`: field (gb1..gb23 in the bulge), the red filter, chip 1-10,
# star number. No LMC id has been seen, so any field letters are accepted.
INTERNAL_ID = re.compile(r"[a-z]+\d+-R-\d+-\d+")
NAME = re.compile(r"(?:MOA-)?(\d{4})-(BLG|LMC)-(\d{3,4})")
MONTHS = {m: i for i, m in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], start=1)}


def seasons(today=None):
    """Every MOA season this project can fetch, up to the current year."""
    year = (today or datetime.date.today()).year
    return list(range(FIRST_SEASON, year + 1))


# URLs ------------------------------------------------------------------------------------------------------

def season_root(season):
    return f"{OLD_ROOT}/alert{season}"


def index_dat_url(season):
    return f"{season_root(season)}/index.dat"


def alert_php_url(season):
    return f"{season_root(season)}/alert.php"


def display_php_url(season, internal_id):
    return f"{season_root(season)}/display.php?id={internal_id}"


def photometry_url(season, internal_id):
    """The alert photometry; served as HTML with the text in a `<pre>`."""
    return f"{season_root(season)}/fetchtxt.php?path=moa/ephot/phot-{internal_id}.dat"


def moa2ogle_url(season):
    return f"{season_root(season)}/moa2ogle.txt"


def moa2ogle_fetchtxt_url(season):
    """The same cross-identifications through fetchtxt.php (the link on alert.php; wrapped in `<pre>`)."""
    return f"{season_root(season)}/fetchtxt.php?path=moa/alert{season}/moa2ogle.txt"


def prime_index_url(season):
    return f"{PRIME_ROOT}/alerts/index/moa/{season}"


def prime_display_url(name: AlertName):
    return f"{PRIME_ROOT}/alerts/display/{name.full}"


def list_url(season):
    """The season's list: index.dat up to 2024, the moaprime HTML index from 2025."""
    return index_dat_url(season) if season <= LAST_OLD_SEASON else prime_index_url(season)


def alert_page_url(name: AlertName, internal_id=None):
    """The human-readable event page.

    Up to 2024 it is addressed by MOA's internal id; without one, the season's alert.php is the best link.
    """
    if name.season > LAST_OLD_SEASON:
        return prime_display_url(name)
    if internal_id:
        return display_php_url(name.season, internal_id)
    return alert_php_url(name.season)


# Names, numbers, times -------------------------------------------------------------------------------------

def parse_name(text, source, line):
    """`2017-BLG-001` (index.dat, alert.php: no `MOA-`) or `MOA-2025-BLG-0001` (moaprime)."""
    match = NAME.fullmatch(text.strip())
    if not match:
        raise ParseError(source, line, "a MOA event name such as 2017-BLG-001 or MOA-2025-BLG-0001", text)
    return AlertName(SURVEY, int(match.group(1)), match.group(2), int(match.group(3)))


def optional_number(token, source, line, what):
    # An HTML cell left empty or written `-` has no value.
    return None if token in ("", "-") else number(token, source, line, what)


def calendar_day_to_jd(text, source=None, line=None):
    """A UT date with a decimal day to JD: `2017-Jan-28.55` (alert.php), `2025-02-02.53` (moaprime).

    Rounded to the decimals of the day, so `2016-Nov-6.70` is 2457699.2, not 2457699.2000000002.
    """
    match = re.fullmatch(r"(\d{4})-([A-Za-z]{3}|\d{1,2})-(\d{1,2})(\.\d*)?", text.strip())
    try:
        if not match:
            raise ValueError
        year, month, day, fraction = match.groups()
        month = MONTHS[month.lower()] if month.isalpha() else int(month)
        date = datetime.date(int(year), month, int(day))
    except (KeyError, ValueError):
        raise ParseError(source, line, "a UT date with a decimal day, such as 2017-Jan-28.55", text) from None
    # JD 2451544.5 is 2000-01-01 at 0h UT.
    jd = 2451544.5 + (date - datetime.date(2000, 1, 1)).days + float(fraction or 0)
    return round(jd, max(1, decimals(fraction or "")))


def full_jd(value, source, line, token):
    """`value` if it is a full JD of MOA's era, else ParseError."""
    if not FULL_JD <= value < LAST_JD:
        raise ParseError(source, line, "t0 as a full JD or HJD (245xxxx.xx) or a UT date", token)
    return value


def jd_to_hjd_minus_2450000(jd_values, ra_deg, dec_deg):
    """JD (UTC) of one event to HJD - 2450000, rounded to 5 decimals (0.9 s).

    HJD = JD + the light-travel time from the observer to the Sun's centre along the line of sight: at most
    507 s (0.00587 d), when the Earth is at aphelion (1.0167 AU) and the target near the ecliptic, as bulge
    targets in July are. Accepts a number or a sequence of JDs; returns the same shape (float or numpy array).
    """
    import numpy as np

    jds = np.asarray(jd_values, dtype=float)
    hjd = heliocentric_jd(jds.ravel(), np.full(jds.size, float(ra_deg)), np.full(jds.size, float(dec_deg)))
    result = np.round(hjd - HJD_OFFSET, 5).reshape(jds.shape)
    return float(result) if result.ndim == 0 else result


def heliocentric_jd(jds, ras, decs):
    """Full HJD for matching arrays of JD (UTC), RA and Dec (degrees): many events in one astropy call.

    The observer is at Mt John. Where the date is past astropy's tables of the Earth's rotation, it
    extrapolates instead of downloading newer ones: the observer's place on the Earth changes the answer
    by at most 0.02 s, and this function must not touch the network.
    """
    import numpy as np

    jds = np.asarray(jds, dtype=float)
    if jds.size == 0:
        return jds.copy()
    import astropy.units as u
    from astropy.coordinates import EarthLocation, SkyCoord
    from astropy.time import Time
    from astropy.utils import iers
    from astropy.utils.exceptions import AstropyWarning
    from erfa import ErfaWarning

    location = EarthLocation.from_geodetic(lon=MT_JOHN["lon"] * u.deg, lat=MT_JOHN["lat"] * u.deg,
                                           height=MT_JOHN["height"] * u.m)
    with iers.conf.set_temp("auto_download", False), iers.conf.set_temp("auto_max_age", None), \
            iers.conf.set_temp("iers_degraded_accuracy", "ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", AstropyWarning)
        warnings.simplefilter("ignore", ErfaWarning)
        times = Time(jds, format="jd", scale="utc")
        targets = SkyCoord(np.asarray(ras, dtype=float) * u.deg, np.asarray(decs, dtype=float) * u.deg)
        delay = times.light_travel_time(targets, kind="heliocentric", location=location)
    return jds + delay.to_value(u.day)


def degrees_to_sexagesimal(value, hours, places=2):
    """17:53:44.39 / -34:13:16.63: degrees to the text alert.php shows, seconds to `places` decimals."""
    scale = 10 ** places
    units = round(abs(value) / (15 if hours else 1) * 3600 * scale)
    whole, rest = divmod(units, 3600 * scale)
    minutes, seconds = divmod(rest, 60 * scale)
    if hours:
        whole %= 24      # 359.99999999 degrees rounds to 24:00:00.00, which is 00:00:00.00
    sign = "-" if value < 0 and units else ""
    return f"{sign}{whole:02d}:{minutes:02d}:{seconds / scale:0{3 + places}.{places}f}"


def position(ra_token, dec_token, source, line, dec_line=None):
    """RA and Dec as MOA wrote them: degrees in index.dat, sexagesimal on the HTML pages (and some index.dat).

    Returns degrees and the sexagesimal text: as published when it was sexagesimal (RA without the `+`
    that moaprime puts in front), otherwise derived from the degrees in alert.php's format.
    """
    if ":" in ra_token or ":" in dec_token:
        ra = sexagesimal_to_degrees(ra_token, hours=True, source=source, line=line)
        dec = sexagesimal_to_degrees(dec_token, hours=False, source=source, line=dec_line or line)
        return {"ra": ra, "dec": dec, "ra_hms": ra_token.lstrip("+"), "dec_dms": dec_token}
    ra = number(ra_token, source, line, "RA (degrees)")
    dec = number(dec_token, source, line, "Dec (degrees)")
    if not (0 <= ra < 360 and -90 <= dec <= 90):
        raise ParseError(source, line, "RA in 0..360 and Dec in -90..+90 degrees", f"{ra_token} {dec_token}")
    return {"ra": ra, "dec": dec, "ra_hms": degrees_to_sexagesimal(ra, hours=True),
            "dec_dms": degrees_to_sexagesimal(dec, hours=False)}


def calibrated(zp, f_ref):
    """Does the calibration give magnitudes? A zero point or reference flux of 0 means MOA has none.

    In 2024 index.dat F_ref is 0 in 96 of 285 rows while ZP is not: F_ref = 0 alone means uncalibrated
    (with F_ref = 0 a baseline point, delta flux about 0, would have no magnitude at all).
    """
    return zp is not None and f_ref is not None and zp > 0 and f_ref > 0


def flux_to_magnitudes(delta_flux, flux_err, zp, f_ref):
    """MOA's calibration: I = ZP - 2.5 log10(dF + F_ref), sigma_I = (2.5 / ln 10) sigma_dF / (dF + F_ref).

    (None, None) when the event is uncalibrated (see `calibrated`) or dF + F_ref <= 0 (no magnitude exists).
    """
    total = delta_flux + f_ref
    if not calibrated(zp, f_ref) or not total > 0:
        return None, None
    return zp - 2.5 * math.log10(total), MAG_PER_LN_FLUX * flux_err / total


def flux_to_magnitudes_array(delta_flux, flux_err, zp, f_ref):
    """`flux_to_magnitudes` over numpy arrays: NaN where there is no magnitude."""
    import numpy as np

    delta_flux = np.asarray(delta_flux, dtype=float)
    flux_err = np.asarray(flux_err, dtype=float)
    total = delta_flux + f_ref
    ok = total > 0 if calibrated(zp, f_ref) else np.zeros(total.shape, dtype=bool)
    safe = np.where(ok, total, 1.0)
    mag = np.where(ok, zp - 2.5 * np.log10(safe), np.nan)
    err = np.where(ok, MAG_PER_LN_FLUX * flux_err / safe, np.nan)
    return mag, err


# index.dat (2016-2024) -------------------------------------------------------------------------------------

INDEX_DAT_FIELDS = "10 whitespace-separated fields: name, internal id, RA, Dec, t0 (JD), tE, u0, Ibase, ZP, F_ref"


def parse_index_dat(text, source="index.dat", season=None):
    """The season list: one record per line, no header, no uncertainties, with the event's calibration.

    `2017-BLG-001 gb2-R-2-19629 268.434977871 -34.2212870236 2457782.047299 12.86 0.4000 14.49 25.70 7518.94`.
    RA and Dec are degrees (sexagesimal in some years, converted); ra_hms and dec_dms are display text derived
    from them as alert.php writes it (for 2017 they equal alert.php's text exactly).
    t0 is full JD in the file and HJD - 2450000 in the record (`t0_jd` keeps the JD). zp and f_ref are kept
    as published, 0 included; `calibration_ok` says whether they give magnitudes. An empty file is an
    empty list (a season with no alerts yet).
    """
    require_complete_last_line(text, source)
    records = []
    for line_number, line in enumerate(text.splitlines(), start=1):
        fields = line.split()
        if not fields:
            continue
        if len(fields) != 10:
            raise ParseError(source, line_number, INDEX_DAT_FIELDS, line)
        name = parse_name(fields[0], source, line_number)
        if season is not None and name.season != season:
            raise ParseError(source, line_number, f"an event of season {season}", fields[0])
        if not INTERNAL_ID.fullmatch(fields[1]):
            raise ParseError(source, line_number, "an internal id such as gb2-R-2-19629", fields[1])
        t0_jd = full_jd(number(fields[4], source, line_number, "t0 (JD)"), source, line_number, fields[4])
        tE, u0, ibase, zp, f_ref = (number(token, source, line_number, what) for token, what in
                                    zip(fields[5:], ["tE", "u0", "Ibase", "ZP", "F_ref"]))
        records.append({
            "name": name,
            "internal_id": fields[1],
            **position(fields[2], fields[3], source, line_number),
            "t0": None, "t0_jd": t0_jd,
            "tE": tE, "u0": u0, "Ibase": ibase,
            "zp": zp, "f_ref": f_ref, "calibration_ok": calibrated(zp, f_ref),
        })
    set_t0_from_jd(records)
    return records


def set_t0_from_jd(records):
    """Fill each record's t0 (HJD - 2450000) from its t0_jd, in one astropy call for the whole list."""
    import numpy as np

    if records:
        hjd = heliocentric_jd([r["t0_jd"] for r in records], [r["ra"] for r in records],
                              [r["dec"] for r in records])
        for record, value in zip(records, np.round(hjd - HJD_OFFSET, 5)):
            record["t0"] = float(value)


# HTML: a tolerant reader of tables and text ----------------------------------------------------------------
# MOA's PHP pages leave cells unclosed (`<td>=<td align=right>`) and one scraper even found that markup as text,
# so the pages are read with a tokenizer that closes cells implicitly, not with a strict tree.

TAG = re.compile(r"<!--.*?(?:-->|$)|<(/?)([A-Za-z][A-Za-z0-9]*)((?:[^<>\"']|\"[^\"]*\"|'[^']*')*)>", re.S)
ESCAPED_CELL_TAG = re.compile(r"&lt;(/?(?:td|th|tr|table)\b[^&]*?)&gt;", re.I)
INLINE_TAGS = {"a", "b", "i", "u", "em", "strong", "sub", "sup", "font", "span", "small", "big", "tt", "code"}
RAW_TEXT_TAGS = {"script", "style"}


def attribute(attributes, name):
    """The value of one attribute in a tag's attribute text, quoted or not (moaprime writes `href=/alerts/...`)."""
    match = re.search(rf"(?:^|\s){name}\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s>]+))", attributes, re.I)
    if not match:
        return None
    return html_entities.unescape(next(group for group in match.groups() if group is not None))


def clean(text):
    return " ".join(html_entities.unescape(text).split())


class Cell(NamedTuple):
    text: str
    header: bool
    links: tuple
    line: int


class Table(NamedTuple):
    rows: list      # each a list of Cells
    line: int
    divs: tuple     # ids of the divs the table is inside, outermost first


class Page(NamedTuple):
    tables: list
    text: str       # all the text, tags removed, one line per block or cell
    links: list     # (href, link text, line)
    title: str


def read_html(page):
    """Tables (rows of cells, with their links and lines), the plain text and the links of an HTML page."""
    page = ESCAPED_CELL_TAG.sub(r"<\1>", page)
    newlines = [i for i, c in enumerate(page) if c == "\n"]

    def line_at(offset):
        return bisect.bisect_right(newlines, offset - 1) + 1

    tables, open_tables, divs = [], [], []
    text_parts, links, title = [], [], []
    cell = None          # [parts, header, links, line] of the cell being read
    open_link = None     # [href, parts, line]
    in_title = False

    def close_cell():
        nonlocal cell
        if cell is not None:
            open_tables[-1].rows[-1].append(Cell(clean("".join(cell[0])), cell[1], tuple(cell[2]), cell[3]))
            cell = None

    def add_text(text):
        if cell is not None:
            cell[0].append(text)
        if open_link is not None:
            open_link[1].append(text)
        if in_title:
            title.append(text)
        text_parts.append(text)

    position_ = 0
    while True:
        match = TAG.search(page, position_)
        end = match.start() if match else len(page)
        if end > position_:
            add_text(page[position_:end])
        if not match:
            break
        position_ = match.end()
        if match.group(2) is None:      # a comment
            continue
        closing, tag, attributes = match.group(1) == "/", match.group(2).lower(), match.group(3)
        line = line_at(match.start())
        if tag in RAW_TEXT_TAGS and not closing:
            stop = re.compile(rf"</{tag}\s*>", re.I).search(page, position_)
            position_ = stop.end() if stop else len(page)
            continue
        if tag == "a":
            if open_link is not None:
                links.append((open_link[0], clean("".join(open_link[1])), open_link[2]))
                open_link = None
            href = None if closing else attribute(attributes, "href")
            if href is not None:
                open_link = [href, [], line]
                if cell is not None:
                    cell[2].append(href)
            continue
        if tag == "title":
            in_title = not closing
        if tag in INLINE_TAGS:
            continue
        text_parts.append("\n")
        if cell is not None and tag not in ("td", "th", "tr", "table"):
            cell[0].append(" ")
        if tag == "div":
            if closing:
                if divs:
                    divs.pop()
            else:
                divs.append(attribute(attributes, "id"))
        elif tag == "table":
            close_cell()
            if closing:
                if open_tables:
                    open_tables.pop()
            else:
                table = Table([], line, tuple(d for d in divs if d))
                tables.append(table)
                open_tables.append(table)
        elif tag == "tr":
            close_cell()
            if not closing:
                if not open_tables:      # a row outside any table: give it one
                    open_tables.append(Table([], line, tuple(d for d in divs if d)))
                    tables.append(open_tables[-1])
                open_tables[-1].rows.append([])
        elif tag in ("td", "th"):
            close_cell()
            if not closing:
                if not open_tables:
                    open_tables.append(Table([], line, tuple(d for d in divs if d)))
                    tables.append(open_tables[-1])
                if not open_tables[-1].rows:
                    open_tables[-1].rows.append([])
                cell = [[], tag == "th", [], line]
    if open_link is not None:
        links.append((open_link[0], clean("".join(open_link[1])), open_link[2]))
    while open_tables:
        close_cell()
        open_tables.pop()
    text = "\n".join(filter(None, (clean(part) for part in "".join(text_parts).split("\n"))))
    for table in tables:
        table.rows[:] = [row for row in table.rows if row]
    return Page(tables, text, links, clean("".join(title)))


def header_key(text):
    """A header cell compared without spaces or case: `tE (days)` and `tE(days)` are the same heading."""
    return "".join(text.split()).lower()


def find_table(page, headers):
    """The first table with a row of exactly these headings, and that row's index."""
    wanted = [header_key(h) for h in headers]
    for table in page.tables:
        for index, row in enumerate(table.rows):
            if [header_key(c.text) for c in row] == wanted:
                return table, index
    return None, None


def first_header_found(page):
    for table in page.tables:
        if table.rows:
            return repr([c.text for c in table.rows[0]])
    return "no table"


# alert.php (2016-2024) -------------------------------------------------------------------------------------

ALERT_PHP_HEADERS = ["ID", "RA (J2000.0)", "Dec (J2000.0)", "t0", "tE(days)", "Amax", "Ibase", "Assessment"]
UPDATED = re.compile(r"This page last updated:\s*(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)\s*UT")


def parse_alert_page(page_html, source="alert.php"):
    """The season list as HTML: MOA's assessment of each event (microlensing, cv, unknown, moving, ...).

    Returns {"updated": the footer time (UTC) or None, "assessments": {name: assessment}, "rows": records}.
    Each record has the name, the internal id of the display.php link, RA and Dec, t0 as written (a UT
    calendar date, `t0_date`) and as JD (`t0_jd`), tE, Amax, Ibase and the assessment. Up to 2017 at least,
    robonet found index.dat's coordinates wrong for some events where this table's were right.
    """
    page = read_html(page_html)
    table, header_row = find_table(page, ALERT_PHP_HEADERS)
    if table is None:
        raise ParseError(source, None, "a table headed " + ", ".join(ALERT_PHP_HEADERS), first_header_found(page))
    rows = []
    for cells in table.rows[header_row + 1:]:
        line = cells[0].line
        if len(cells) != len(ALERT_PHP_HEADERS):
            raise ParseError(source, line, f"{len(ALERT_PHP_HEADERS)} cells: " + ", ".join(ALERT_PHP_HEADERS),
                             " | ".join(c.text for c in cells))
        text = [c.text for c in cells]
        ids = [match.group(1) for href in cells[0].links
               for match in [re.search(r"display\.php\?id=([^&\s]+)", href)] if match]
        rows.append({
            "name": parse_name(text[0], source, line),
            "internal_id": ids[0] if ids else None,
            **position(text[1], text[2], source, line),
            "t0_date": text[3],
            "t0_jd": calendar_day_to_jd(text[3], source, line),
            "tE": optional_number(text[4], source, line, "tE"),
            "Amax": optional_number(text[5], source, line, "Amax"),
            "Ibase": optional_number(text[6], source, line, "Ibase"),
            "assessment": text[7] or None,
        })
    match = UPDATED.search(page.text)
    updated = None
    if match:
        updated = datetime.datetime.fromisoformat(match.group(1)).replace(tzinfo=datetime.timezone.utc)
    return {"updated": updated, "assessments": {r["name"]: r["assessment"] for r in rows}, "rows": rows}


# display.php (2016-2024) and moaprime alerts/display (2025+) -----------------------------------------------

# Row labels of the fit table (`t<sub>max</sub>` reads as `tmax`) and the columns they become.
FIT_LABELS = {"tmax": "t0", "t0": "t0", "te": "tE", "u0": "u0", "umin": "u0", "ibase": "Ibase", "i0": "Ibase",
              "amax": "Amax"}
PLUS_MINUS = {"±", "+/-", "+-"}
METADATA_LABELS = {"ra": "ra", "dec": "dec", "current assessment": "assessment", "assessment": "assessment",
                   "classification": "assessment", "remarks": "remarks"}
# `I = 27.40 - 2.5 log<sub>10</sub>(&Delta;F + 1234.5)`, also written with `&#916F` or `&Delta; Flux`.
CALIBRATION = re.compile(r"\bI\s*=\s*([-+]?\d+(?:\.\d*)?)\s*-\s*2\.5\s*\*?\s*log\s*(?:10)?\s*\(\s*"
                         r"(?:Δ|&#916;?|&Delta;|delta)\s*F(?:lux)?\s*([-+])\s*(\d+(?:\.\d*)?)\s*\)?", re.I)
DISPLAY_LAYOUTS = ("an event page: a div#micro table with rows `t<sub>max</sub> = HJD ...` and `t<sub>E</sub> = ...` "
                   "(display.php, 2016-2024) or `t<sub>0</sub>`/`t<sub>E</sub>` rows (moaprime, 2025+)")


def fit_rows(page):
    """`label = value ± error` rows, preferring the tables inside div#micro."""
    tables = [t for t in page.tables if "micro" in t.divs] or page.tables
    found = {}
    for table in tables:
        for cells in table.rows:
            text = [c.text for c in cells]
            if len(text) >= 3 and text[1] == "=":
                column = FIT_LABELS.get(text[0].replace(" ", "").lower())
                if column and column not in found:
                    error = text[4] if len(text) >= 5 and text[3] in PLUS_MINUS else None
                    found[column] = (text[2], error, cells[0].line)
    return found


def labelled_values(page):
    """`Label:` cells followed by their value, preferring div#metadata."""
    values = {}
    tables = sorted(page.tables, key=lambda t: "metadata" not in t.divs)
    for table in tables:
        for cells in table.rows:
            for label, value in zip(cells, cells[1:]):
                key = METADATA_LABELS.get(label.text.rstrip(":").strip().lower())
                if key and label.text.endswith(":") and key not in values:
                    values[key] = (value.text, value.line)
    return values


def leading_number(text, source, line, what):
    """The number that starts a cell: `0.60 days (2017-Jan-28.55)` is 0.60."""
    token = text.split()[0] if text.split() else ""
    return number(token, source, line, what)


def parse_display_page(page_html, source="display.php"):
    """One event page: the fit with uncertainties, the assessment, the calibration and the photometry link.

    Reads display.php (2016-2024) and the moaprime `alerts/display/<name>` page (2025+), whose layout has no
    recorded copy: both are read by their labels (div#metadata `RA:`, `Dec:`, `Current assessment:`; div#micro
    rows `label = value ± error`; the calibration line `I = ZP - 2.5 log10(ΔF + F_ref)`).
    t0 is HJD - 2450000: `HJD 2457782.05` is taken as HJD; a bare full JD or a UT calendar date gets the
    heliocentric correction. zp, f_ref are None when the page has no calibration line.
    """
    page = read_html(page_html)
    fit = fit_rows(page)
    if "t0" not in fit or "tE" not in fit:
        raise ParseError(source, None, DISPLAY_LAYOUTS, f"fit rows {sorted(fit)}")
    name = display_page_name(page, source)
    labelled = labelled_values(page)
    record = {"name": name, "internal_id": None, "assessment": None,
              "ra": None, "dec": None, "ra_hms": None, "dec_dms": None}
    if "ra" in labelled and "dec" in labelled:
        record.update(position(labelled["ra"][0], labelled["dec"][0], source, labelled["ra"][1], labelled["dec"][1]))
    if "assessment" in labelled:
        record["assessment"] = labelled["assessment"][0] or None

    for column in ("tE", "u0", "Ibase", "Amax"):
        value, error, line = fit.get(column, ("", None, None))
        record[column] = optional_number(value.split()[0] if value else "", source, line, column)
        record[column + "_err"] = leading_number(error, source, line, column + " error") if error else None
    record.update(display_t0(fit["t0"], record, source))

    calibration = CALIBRATION.search(page.text)
    if calibration:
        zp = float(calibration.group(1))
        f_ref = float(calibration.group(3)) * (-1 if calibration.group(2) == "-" else 1)
    else:
        zp = f_ref = None
    record.update(zp=zp, f_ref=f_ref, calibration_ok=calibrated(zp, f_ref))

    data_links = [href for href, _, _ in page.links if "fetchtxt.php" in href or "/datafile/" in href]
    named_links = [href for href, text, _ in page.links if "photometry" in text.lower()]
    record["photometry_url"] = (data_links + named_links + [None])[0]
    ids = re.findall(r"(?<![\w-])" + INTERNAL_ID.pattern + r"(?![\w-])",
                     " ".join([page.text] + [href.replace("phot-", " ") for href, _, _ in page.links]))
    record["internal_id"] = ids[0] if ids else None
    record["remarks"] = display_remarks(page, labelled)
    return record


def display_page_name(page, source):
    """The event name from the title (`MOA 2017-BLG-001`), else from the first name in the page text."""
    for text in (page.title, page.text):
        match = re.search(r"(?<![\w-])" + NAME.pattern + r"(?![\w-])", text)
        if match:
            return parse_name(match.group(0), source, None)
    raise ParseError(source, None, "the event name (such as 2017-BLG-001) in the title or the page", page.title)


def display_t0(fit_t0, record, source):
    """t0 and its error. display.php writes `HJD 2457782.05` and `0.05 days (2017-Jan-28.55)`."""
    value, error, line = fit_t0
    tokens = value.split()
    if not tokens:
        raise ParseError(source, line, "a value for t0", value)
    kind = tokens[0].upper() if tokens[0].upper() in ("HJD", "JD") else None
    token = tokens[1] if kind and len(tokens) > 1 else tokens[0]
    date = re.search(r"\((\d{4}-[A-Za-z0-9]{2,3}-[\d.]+)\)", error or "")
    result = {"t0_err": leading_number(error, source, line, "t0 error") if error else None,
              "t0_date": date.group(1) if date else None}
    if kind == "HJD":
        full_jd(number(token, source, line, "t0 (HJD)"), source, line, value)
        return {"t0": hjd_minus_2450000(token, source, line), **result}
    if re.fullmatch(r"\d{4}-[A-Za-z0-9]{2,3}-[\d.]+", token):
        result["t0_date"] = token
        jd = full_jd(calendar_day_to_jd(token, source, line), source, line, value)
    else:
        jd = full_jd(number(token, source, line, "t0"), source, line, value)
    if record["ra"] is None:
        raise ParseError(source, line, "RA and Dec on the page, to make t0 heliocentric", value)
    return {"t0": jd_to_hjd_minus_2450000(jd, record["ra"], record["dec"]), **result}


def display_remarks(page, labelled):
    """A `Remarks:` cell, or (display.php, as the Signalmen scripts read it) the first cell of the second table."""
    if "remarks" in labelled:
        return labelled["remarks"][0] or None
    if len(page.tables) > 1 and not ({"micro", "metadata", "lastphot"} & set(page.tables[1].divs)):
        rows = page.tables[1].rows
        if rows and rows[0]:
            return rows[0][0].text or None
    return None


# Photometry ------------------------------------------------------------------------------------------------

class Photometry(NamedTuple):
    rows: list              # (jd, delta_flux, flux_err), as published
    dropped_bad_jd: int     # JD before MOA began: the placeholder JD 0 rows, and a point 28000 days early
    dropped_bad_error: int  # flux error <= 0, or a flux or error that is not a finite number


def maybe_gunzip(data: bytes) -> bytes:
    """The archive photometry is gzipped; anything without the gzip magic bytes (1f 8b) is returned as is."""
    return gzip.decompress(data) if data[:2] == b"\x1f\x8b" else data


def pre_text(text, source):
    """The text of the single `<pre>` of a fetchtxt.php page, and the line the text starts on.

    Plain text (no `<pre>`) is returned as it is. A page without its closing `</pre>` was cut off.
    """
    starts = list(re.finditer(r"<pre\b[^>]*>", text, re.I))
    if not starts:
        require_complete_last_line(text, source)
        return text, 1
    if len(starts) > 1:
        raise ParseError(source, text.count("\n", 0, starts[1].start()) + 1, "a single <pre> block", "<pre>")
    start = starts[0].end()
    end = re.compile(r"</pre\s*>", re.I).search(text, start)
    if not end:
        raise ParseError(source, max(1, len(text.splitlines())), "</pre> closing the text (the page ends early)")
    return html_entities.unescape(text[start:end.start()]), text.count("\n", 0, start) + 1


def parse_photometry(data, source="phot.dat"):
    """Difference-flux photometry: `#` comments, then rows whose first columns are JD, delta flux, its error.

    Takes the fetchtxt.php page (HTML, the text in one `<pre>`), plain text, or bytes (gzipped or not).
    The alert files have 8 columns, the archive's 8 (JD, dF, sigma, frame id such as B300-gb5-R-1, then four
    numbers) or 4; every row of a file must have as many as its first. Rows with a JD before 1995 (JD 0
    placeholders, a point 28000 days early) or with a flux error <= 0 are dropped and counted. JD is kept as
    published: see `jd_to_hjd_minus_2450000` and `calibrated_lightcurve`.
    """
    if isinstance(data, bytes):
        data = maybe_gunzip(data).decode("latin-1")
    body, first_line = pre_text(data, source)
    rows, bad_jd, bad_error, columns = [], 0, 0, None
    for line_number, line in enumerate(body.splitlines(), start=first_line):
        fields = line.split()
        if not fields or fields[0].startswith("#"):
            continue
        if columns is None:
            columns = len(fields)
            if columns < 3:
                raise ParseError(source, line_number, "at least 3 columns: JD, delta flux, flux error", line)
        if len(fields) != columns:
            raise ParseError(source, line_number, f"{columns} columns like the first row", line)
        try:
            jd, flux, error = (float(f) for f in fields[:3])
        except ValueError:
            raise ParseError(source, line_number, "numbers for JD, delta flux and flux error", line) from None
        if not jd >= FIRST_OBSERVATION_JD:
            bad_jd += 1
        elif not (math.isfinite(flux) and math.isfinite(error) and error > 0):
            bad_error += 1
        else:
            rows.append((jd, flux, error))
    return Photometry(rows, bad_jd, bad_error)


def calibrated_lightcurve(rows, ra_deg, dec_deg, zp, f_ref):
    """Photometry rows to (HJD - 2450000, mag, mag_err), dropping points with no magnitude.

    Returns the rows and how many points had no magnitude (all of them when the event is uncalibrated).
    """
    import numpy as np

    if not rows:
        return [], 0
    jd, flux, error = (np.array(column) for column in zip(*rows))
    mag, mag_err = flux_to_magnitudes_array(flux, error, zp, f_ref)
    keep = np.isfinite(mag)
    hjd = jd_to_hjd_minus_2450000(jd[keep], ra_deg, dec_deg) if keep.any() else np.array([])
    result = [(float(t), float(m), float(e)) for t, m, e in zip(hjd, mag[keep], mag_err[keep])]
    return result, int((~keep).sum())


# moa2ogle.txt ----------------------------------------------------------------------------------------------

def parse_moa2ogle(text, source="moa2ogle.txt"):
    """MOA/OGLE cross-identifications: `(MOA name, OGLE name)` pairs.

    Rows are `NAME1 <separator> NAME2` with full names; which survey comes first varies, so each row is read
    by its prefixes. `#` lines are comments. Also accepts the fetchtxt.php page (text in a `<pre>`).
    """
    body, first_line = pre_text(text, source)
    pairs = []
    for line_number, line in enumerate(body.splitlines(), start=first_line):
        fields = line.split()
        if not fields or fields[0].startswith("#"):
            continue
        if len(fields) < 3:
            raise ParseError(source, line_number, "`NAME1 <separator> NAME2`", line)
        names = {}
        for token in (fields[0], fields[2]):
            match = re.fullmatch(r"(MOA|OGLE)-(\d{4})-(BLG|GD|DG|LMC|SMC)-(\d{3,4})", token)
            if match:
                names[match.group(1)] = AlertName(match.group(1), int(match.group(2)), match.group(3),
                                                  int(match.group(4)))
        if set(names) != {"MOA", "OGLE"}:
            raise ParseError(source, line_number, "a MOA and an OGLE name, such as MOA-2017-BLG-001 and "
                             "OGLE-2017-BLG-0087, in either order", line)
        pairs.append((names["MOA"], names["OGLE"]))
    return pairs


# moaprime yearly index (2025+) -----------------------------------------------------------------------------

PRIME_INDEX_HEADERS = ["", "Alert Date", "RA", "Dec", "t0", "tE (days)", "Amax", "I0"]
PRIME_INDEX_HEADERS_AS_SERVED = "['', Alert Date, RA, Dec, t0, tE (days), A<sub>max</sub>, I<sub>0</sub>]"


def parse_moaprime_index(page_html, source="moaprime index", season=None):
    """The 2025+ season list: one HTML table, one row per event, no internal id, calibration or uncertainties.

    `MOA-2025-BLG-0001 | 2025-02-25T01:11:13.1481 | +17:46:35.1227 | -34:17:13.1701 | 2025-02-02.53 | 28.03 |
    30268.15 | 18.38`. The alert date is kept as the text MOA wrote (the page gives no time zone). t0 is a UT
    calendar date to 0.01 d; it becomes JD (`t0_jd`) and HJD - 2450000 (`t0`, 5 decimals, finer than the
    published precision). Amax is kept however large (53607187.71 occurs); I0 is the baseline, Ibase.
    """
    page = read_html(page_html)
    table, header_row = find_table(page, PRIME_INDEX_HEADERS)
    if table is None:
        raise ParseError(source, None, "a table headed " + PRIME_INDEX_HEADERS_AS_SERVED, first_header_found(page))
    records = []
    for cells in table.rows[header_row + 1:]:
        line = cells[0].line
        if len(cells) != len(PRIME_INDEX_HEADERS):
            raise ParseError(source, line, "8 cells: name, alert date, RA, Dec, t0, tE, Amax, I0",
                             " | ".join(c.text for c in cells))
        text = [c.text for c in cells]
        name = parse_name(text[0], source, line)
        if not text[0].startswith("MOA-"):
            raise ParseError(source, line, "a full name such as MOA-2025-BLG-0001", text[0])
        if season is not None and name.season != season:
            raise ParseError(source, line, f"an event of season {season}", text[0])
        try:
            datetime.datetime.fromisoformat(text[1])
        except ValueError:
            raise ParseError(source, line, "an ISO alert date such as 2025-02-25T01:11:13.1481", text[1]) from None
        records.append({
            "name": name,
            "display_url": cells[0].links[0] if cells[0].links else None,
            "alert_date": text[1],
            **position(text[2], text[3], source, line),
            "t0": None, "t0_jd": full_jd(calendar_day_to_jd(text[4], source, line), source, line, text[4]),
            "t0_date": text[4],
            "tE": number(text[5], source, line, "tE"),
            "Amax": number(text[6], source, line, "Amax"),
            "Ibase": number(text[7], source, line, "I0"),
        })
    set_t0_from_jd(records)
    return records
