"""MOA alerts: where its files are, and pure parsers from their text formats to records.

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

The HTML pages (alert.php, display.php, the moaprime index and event pages) are read in moa_pages.py.
"""

import datetime
import gzip
import html as html_entities
import math
import re
import warnings
import zlib
from typing import NamedTuple

from .names import AlertName
from .parsing import (HJD_OFFSET, ParseError, decimals, number, require_complete_last_line,
                      sexagesimal_to_degrees)

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
    # A point must be followed by the day's decimals: `2017-Jan-28.` is a value cut short, not day 28.0.
    match = re.fullmatch(r"(\d{4})-([A-Za-z]{3}|\d{1,2})-(\d{1,2})(\.\d+)?", text.strip())
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


# Photometry ------------------------------------------------------------------------------------------------

class Photometry(NamedTuple):
    rows: list              # (jd, delta_flux, flux_err), as published
    dropped_bad_jd: int     # JD before MOA began: the placeholder JD 0 rows, and a point 28000 days early
    dropped_bad_error: int  # flux error <= 0, or a flux or error that is not a finite number


def maybe_gunzip(data: bytes, source="phot.dat") -> bytes:
    """The archive photometry is gzipped; anything without the gzip magic bytes (1f 8b) is returned as is."""
    if data[:2] != b"\x1f\x8b":
        return data
    try:
        return gzip.decompress(data)
    except (OSError, EOFError, zlib.error) as error:
        # A download cut short, or bytes garbled on the way, leave a gzip stream that does not decompress.
        raise ParseError(source, None, "a whole gzip stream", str(error)) from None


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
    published: see `jd_to_hjd_minus_2450000` and `flux_to_magnitudes_array`.
    """
    if isinstance(data, bytes):
        data = maybe_gunzip(data, source).decode("latin-1")
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

