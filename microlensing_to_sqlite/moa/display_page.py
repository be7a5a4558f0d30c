"""One MOA event's page: display.php?id=<internal id> (2016-2024) and moaprime's alerts/display/<name> (2025+).

Neither has a recorded copy: both are read by their labels (div#metadata `RA:`, `Dec:`, `Current assessment:`;
div#micro rows `label = value ± error`; the calibration line), as other people's scrapers describe them.
"""

import re

from ..parsing import ParseError, hjd_minus_2450000, number
from .calibration import calibrated
from .fields import INTERNAL_ID, NAME, optional_number, parse_name, position
from .html_tables import read_page
from .times import calendar_day_to_jd, full_jd, jd_to_hjd_minus_2450000

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
    page = read_page(page_html, source)
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

    data_links = [href for href, _ in page.links if "fetchtxt.php" in href or "/datafile/" in href]
    named_links = [href for href, text in page.links if "photometry" in text.lower()]
    record["photometry_url"] = (data_links + named_links + [None])[0]
    ids = re.findall(r"(?<![\w-])" + INTERNAL_ID.pattern + r"(?![\w-])",
                     " ".join([page.text] + [href.replace("phot-", " ") for href, _ in page.links]))
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
    if len(page.tables) > 1 and not ({"micro", "metadata", "lastphot"} & page.tables[1].divs):
        rows = page.tables[1].rows
        if rows and rows[0]:
            return rows[0][0].text or None
    return None
