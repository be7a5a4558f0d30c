"""OGLE-IV Early Warning System: where its files are, and pure parsers from their text to records.

Files (see ../shared/notes/formats.md, section 1):
- `YYYY/lenses.par`: the season's event list, fixed-width, no uncertainties.
- `YYYY/blg-NNNN/params.dat`: one event's fit with 1-sigma uncertainties.
- `YYYY/blg-NNNN/phot.dat`: one event's I-band photometry over the whole OGLE-IV baseline.
The data files live on www.astrouw.edu.pl; the ogle.astrouw.edu.pl host serves only the HTML pages.
"""

import datetime
import math
import re

from .names import AlertName
from .parsing import (HJD_OFFSET, ParseError, decimals, finite_or_none, hjd_minus_2450000, number,
                      require_complete_last_line, sexagesimal_to_degrees)

SURVEY = "OGLE"
DATA_ROOT = "https://www.astrouw.edu.pl/ogle/ogle4/ews"
PAGES_ROOT = "https://ogle.astrouw.edu.pl/ogle4/ews"
LAST_CHANGED_URL = "ftp://ftp.astrouw.edu.pl/ogle/ogle4/ews/last.changed"
FIRST_SEASON = 2011
# OGLE did not observe in 2020 and 2021 (COVID): there are no EWS seasons for them.
SEASONS_WITHOUT_DATA = {2020, 2021}
REGIONS = ("BLG", "GD", "DG")
TELESCOPE = "OGLE"  # the 1.3 m Warsaw telescope at Las Campanas
BAND = "I"
PHOT_COLUMNS = ("hjd", "mag", "mag_err", "seeing", "sky")

# The model parameters in the order OGLE writes them, and the columns they become.
# I_bl is the baseline (source + blend) magnitude and I0 the source alone: for OGLE-2025-BLG-0013,
# fbl = 0.470 and I0 - I_bl = 20.084 - 19.264 = 0.82 = -2.5 log10(0.470).
PARAMETERS = {"Tmax": "t0", "tau": "tE", "umin": "u0", "Amax": "Amax", "Dmag": "Dmag",
              "fbl": "fbl", "I_bl": "Ibase", "I0": "Isrc"}
AMAX_UNDEFINED = (99999.0, 99999.999)   # written when umin is 0
# Dmag is the peak brightening in magnitudes: 22.52 at most in 2016, 12.50 with Amax 99999. Hundreds of
# magnitudes is a garbled column, and no Amax can be checked against it.
DMAG_LIMIT = 100.0
ERROR_UNDEFINED = 999.999

EVENT_DIRECTORY = re.compile(r"^(blg|gd|dg)-(\d{4})$")


def seasons(today=None):
    """Every OGLE-IV EWS season up to the current year."""
    year = (today or datetime.date.today()).year
    return [s for s in range(FIRST_SEASON, year + 1) if s not in SEASONS_WITHOUT_DATA]


def lenses_par_url(season):
    return f"{DATA_ROOT}/{season}/lenses.par"


def event_directory(name: AlertName):
    return f"{name.region.lower()}-{name.number:04d}"


def event_data_url(name: AlertName):
    return f"{DATA_ROOT}/{name.season}/{event_directory(name)}/"


def params_url(name: AlertName):
    return event_data_url(name) + "params.dat"


def phot_url(name: AlertName):
    return event_data_url(name) + "phot.dat"


def alert_page_url(name: AlertName, current_season):
    """The human-readable event page; the current season's pages have no year in their path."""
    page = f"{event_directory(name)}.html"
    if name.season == current_season:
        return f"{PAGES_ROOT}/{page}"
    return f"{PAGES_ROOT}/{name.season}/{page}"


def name_from_event_directory(season, directory):
    """`blg-0368` in season 2025 is OGLE-2025-BLG-0368; None for anything else in a season folder."""
    match = EVENT_DIRECTORY.match(directory)
    if not match:
        return None
    return AlertName(SURVEY, season, match.group(1).upper(), int(match.group(2)))


def parse_name(text, source, line):
    """`2016-BLG-0001` (lenses.par) or `OGLE-2025-BLG-0001` (params.dat)."""
    match = re.fullmatch(r"(?:OGLE-)?(\d{4})-(BLG|GD|DG)-(\d{4})", text.strip())
    if not match:
        raise ParseError(source, line, "an OGLE event name such as 2025-BLG-0001", text)
    return AlertName(SURVEY, int(match.group(1)), match.group(2), int(match.group(3)))


def optional_number(token, source, line, what):
    # OGLE writes `-` where a fit gave no value (2016-BLG-0045 has no tau, umin, Amax or Dmag).
    return None if token == "-" else number(token, source, line, what)


def model_columns(values, errors, source, line_of):
    """OGLE's parameters to our columns: times to HJD - 2450000, sentinels and zero errors to NULL.

    `values` maps OGLE's parameter names to the tokens it wrote, `errors` (or None) to their errors,
    and `line_of` to the line each is on.
    """
    row = {}
    for ogle_name, column in PARAMETERS.items():
        line = line_of[ogle_name]
        row[column] = optional_number(values[ogle_name], source, line, ogle_name)
        error = optional_number(errors[ogle_name], source, line, ogle_name + " error") if errors else None
        # An error of 0.000 means the parameter was held fixed (fbl) or not computed; 999.999 is a sentinel.
        row[column + "_err"] = error if error and error < ERROR_UNDEFINED else None
    if row["t0"] is not None:
        row["t0"] = hjd_minus_2450000(values["Tmax"], source, line_of["Tmax"])
    if row["Dmag"] is not None and not row["Dmag"] < DMAG_LIMIT:
        raise ParseError(source, line_of["Dmag"], f"a Dmag below {DMAG_LIMIT:g} magnitudes", values["Dmag"])
    if row["Amax"] in AMAX_UNDEFINED:
        # umin = 0: OGLE writes Amax 99999 and the Dmag that follows from it (12.50). Neither is a measurement.
        row.update(Amax=None, Amax_err=None, Dmag=None, Dmag_err=None)
    elif "." not in values["Amax"] and not amax_agrees_with_dmag(row):
        # lenses.par has 6 characters for Amax: `500877` is right (Dmag 14.24), `100218` lost a digit (Dmag 15.00).
        row.update(Amax=None, Amax_err=None)
    return row


def amax_agrees_with_dmag(row):
    """Does Amax give the published Dmag, the brightening of source plus blend, within 2%?"""
    if None in (row["Amax"], row["Dmag"], row["fbl"]):
        return False
    expected = (10 ** (row["Dmag"] / 2.5) - 1) / row["fbl"] + 1 if row["fbl"] > 0 else math.inf
    return abs(row["Amax"] - expected) <= 0.02 * expected


def parse_lenses_par(text, source="lenses.par"):
    """The season list: one record per event, with no uncertainties."""
    lines = text.splitlines()
    if not lines or not ("Event" in lines[0] and "Tmax(HJD)" in lines[0] and "I0" in lines[0]):
        raise ParseError(source, 1, "the lenses.par header (Event Field StarNo RA Dec Tmax ... I_bl I0)",
                         lines[0] if lines else "")
    require_complete_last_line(text, source)
    records = []
    for number_, line in enumerate(lines[1:], start=2):
        fields = line.split()
        if not fields:
            continue
        if len(fields) != 14:
            raise ParseError(source, number_, "14 whitespace-separated fields", line)
        name = parse_name(fields[0], source, number_)
        values = dict(zip(["Tmax", "Tmax_UT", "tau", "umin", "Amax", "Dmag", "fbl", "I_bl", "I0"], fields[5:]))
        records.append({
            "name": name,
            "field": fields[1],
            "star_id": fields[2],
            **coordinates(fields[3], fields[4], source, number_, number_),
            **model_columns(values, None, source, dict.fromkeys(PARAMETERS, number_)),
        })
    return records


def coordinates(ra_hms, dec_dms, source, ra_line, dec_line):
    return {
        "ra_hms": ra_hms,
        "dec_dms": dec_dms,
        "ra": sexagesimal_to_degrees(ra_hms, hours=True, source=source, line=ra_line),
        "dec": sexagesimal_to_degrees(dec_dms, hours=False, source=source, line=dec_line),
    }


PARAMS_HEADER = ["Field", "StarNo", "RA(J2000.0)", "Dec(J2000.0)", "Remarks"]


def parse_params_dat(text, source="params.dat"):
    """One event's fit: header keys, then `name value error` for each of the eight parameters."""
    lines = text.splitlines()
    if not lines:
        raise ParseError(source, 1, "an OGLE event name on the first line", "")
    require_complete_last_line(text, source)
    name = parse_name(lines[0], source, 1)
    header, values, errors, line_of = {}, {}, {}, {}
    for number_, line in enumerate(lines[1:], start=2):
        if not line.strip():
            continue
        key, *rest = line.split(None, 1)
        rest = rest[0] if rest else ""
        line_of[key] = number_
        if key in PARAMS_HEADER:
            header[key] = rest.strip()
        elif key in PARAMETERS:
            tokens = rest.split()
            if len(tokens) != 2:
                raise ParseError(source, number_, f"`{key} value error`", line)
            values[key], errors[key] = tokens
        else:
            raise ParseError(source, number_, "a known params.dat key (" + ", ".join(PARAMS_HEADER + list(PARAMETERS)) + ")", line)
    missing = [key for key in PARAMS_HEADER[:4] + list(PARAMETERS) if key not in header and key not in values]
    if missing:
        raise ParseError(source, len(lines), "every params.dat key; missing " + ", ".join(missing))
    # StarNo is text: stars found only in difference images carry an `N` suffix (`59N`).
    return {
        "name": name,
        "field": header["Field"],
        "star_id": header["StarNo"],
        **coordinates(header["RA(J2000.0)"], header["Dec(J2000.0)"], source,
                      line_of["RA(J2000.0)"], line_of["Dec(J2000.0)"]),
        "remarks": header.get("Remarks") or None,
        **model_columns(values, errors, source, line_of),
    }


def parse_phot_dat(text, source="phot.dat"):
    """Photometry rows `(hjd, mag, mag_err, seeing, sky)`, time as HJD - 2450000.

    OGLE writes full HJD with 5 decimals. A sky of 0.0 is not a measurement and becomes NULL.
    """
    require_complete_last_line(text, source)
    rows = []
    for number_, line in enumerate(text.splitlines(), start=1):
        fields = line.split()
        if not fields:
            continue
        if len(fields) != 5:
            raise ParseError(source, number_, "5 columns: HJD, I, error, seeing, sky", line)
        try:
            hjd = round(float(fields[0]) - HJD_OFFSET, decimals(fields[0]))
            mag, err, seeing, sky = (float(f) for f in fields[1:])
        except ValueError:
            raise ParseError(source, number_, "5 numbers: HJD, I, error, seeing, sky", line) from None
        if not (-5e4 < hjd < 1.5e5 and 0 < mag < 30 and 0 <= err < 10):
            raise ParseError(source, number_, "a full HJD, an I magnitude and its error", line)
        rows.append((hjd, mag, err, finite_or_none(seeing), finite_or_none(sky) or None))
    return rows


def parse_last_changed(text, source="last.changed"):
    """`20161102.0449` (yyyymmdd.day-fraction, UT) to a datetime."""
    token = text.strip()
    match = re.fullmatch(r"(\d{8})(\.\d+)?", token)
    if not match:
        raise ParseError(source, 1, "a timestamp yyyymmdd.fraction", token)
    try:
        day = datetime.datetime.strptime(match.group(1), "%Y%m%d").replace(tzinfo=datetime.timezone.utc)
    except ValueError:
        raise ParseError(source, 1, "a real date yyyymmdd", token) from None
    try:
        return day + datetime.timedelta(days=float(match.group(2) or 0))
    except OverflowError:
        # `99991231.99999999999999999`: the fraction rounds up to a whole day, past the last day a datetime has.
        raise ParseError(source, 1, "a timestamp before the year 10000", token) from None
