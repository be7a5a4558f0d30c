"""MOA's HTML pages: pure parsers from alert.php, display.php and the moaprime index and event pages to records.

Where the pages are, and the conventions of the records (names, HJD - 2450000, calibration): see moa.py.
Only the moaprime 2025 index has a real copy; the other layouts are known from other people's scrapers, so
the parsers find things by label, not by position.
"""

import datetime
import re
from typing import NamedTuple

from bs4 import NavigableString, Tag

from .moa import (INTERNAL_ID, NAME, calendar_day_to_jd, calibrated, full_jd, jd_to_hjd_minus_2450000,
                  optional_number, parse_name, position, set_t0_from_jd)
from .parsing import ParseError, hjd_minus_2450000, html_soup, number

# Reading the pages -----------------------------------------------------------------------------------------
# MOA's PHP pages leave cells and rows unclosed (`<tr><td>t<sub>E</sub><td>=<td align=right>12.86`): html.parser
# nests each in the one before, so a cell's content ends where the next cell, row or table begins.
# MAD found display.php's fit table as escaped text (`&lt;td&gt;=&lt;td align=right&gt;`), and robonet_tools its
# calibration written `&#916F`, with no `;`, which makes html.parser read the rest of the page as text.
ESCAPED_CELL_TAG = re.compile(r"&lt;(/?(?:td|th|tr|table)\b[^&]*?)&gt;", re.I)
UNTERMINATED_CHARREF = re.compile(r"(&#\d+)(?![\d;])")
TABLE_PARTS = {"table", "tr", "td", "th"}
INLINE_TAGS = {"a", "b", "i", "u", "em", "strong", "sub", "sup", "font", "span", "small", "big", "tt", "code"}


class Cell(NamedTuple):
    text: str
    links: list     # hrefs
    line: int


class Table(NamedTuple):
    rows: list      # each a list of Cells
    divs: set       # ids of the divs the table is inside


class Page(NamedTuple):
    tables: list
    text: str       # all the text, whitespace collapsed
    links: list     # (href, link text)
    title: str


def read_page(page_html, source):
    """The tables (rows of cells, with their links and lines), text, links and title of an HTML page."""
    page_html = UNTERMINATED_CHARREF.sub(r"\1;", ESCAPED_CELL_TAG.sub(r"<\1>", page_html))
    soup = html_soup(page_html, source)
    tables = []
    stack = [(soup, (), None, None)]    # an element, the ids of its divs, its table and its row
    while stack:
        node, divs, table, row = stack.pop()
        if node.name == "div" and node.get("id"):
            divs += (node["id"],)
        elif node.name == "table":
            table, row = Table([], set(divs)), None
            tables.append(table)
        elif node.name == "tr" and table is not None:
            row = []
            table.rows.append(row)
        elif node.name in ("td", "th") and row is not None:
            row.append(Cell(*cell_content(node), node.sourceline))
        stack.extend((child, divs, table, row) for child in reversed(node.contents) if isinstance(child, Tag))
    for table in tables:
        table.rows[:] = [row for row in table.rows if row]
    links = [(a["href"], " ".join(a.get_text().split())) for a in soup.find_all("a", href=True)]
    title = " ".join(soup.title.get_text().split()) if soup.title else ""
    return Page(tables, " ".join(soup.get_text(" ").split()), links, title)


def cell_content(cell):
    """A cell's text and links, up to the first cell, row or table nested inside it."""
    text, links = [], []
    stack = list(reversed(cell.contents))
    while stack:
        node = stack.pop()
        if isinstance(node, Tag):
            if node.name in TABLE_PARTS:
                break
            if node.name == "a" and node.get("href") is not None:
                links.append(node["href"])
            if node.name not in INLINE_TAGS:
                text.append(" ")
            stack.extend(reversed(node.contents))
        elif type(node) is NavigableString:
            text.append(node)
    return " ".join("".join(text).split()), links


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
UPDATED = re.compile(r"This page last updated:\s*([0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2})\s*UT")


def parse_alert_page(page_html, source="alert.php"):
    """The season list as HTML: MOA's assessment of each event (microlensing, cv, unknown, moving, ...).

    Returns {"updated": the footer time (UTC) or None, "assessments": {name: assessment}, "rows": records}.
    Each record has the name, the internal id of the display.php link, RA and Dec, t0 as written (a UT
    calendar date, `t0_date`) and as JD (`t0_jd`), tE, Amax, Ibase and the assessment. Up to 2017 at least,
    robonet found index.dat's coordinates wrong for some events where this table's were right.
    """
    page = read_page(page_html, source)
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
        try:
            updated = datetime.datetime.fromisoformat(match.group(1)).replace(tzinfo=datetime.timezone.utc)
        except ValueError:
            # The footer has the layout of a time but not a real one (month 13, hour 24): a garbled page.
            at = page_html.find(match.group(1))
            raise ParseError(source, page_html.count("\n", 0, at) + 1 if at >= 0 else None,
                             "a real UT time after `This page last updated:`", match.group(1)) from None
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
    page = read_page(page_html, source)
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
