"""moaprime's yearly index (2025+): a MOA season's list as one HTML table, without internal ids, calibration
or uncertainties."""

import datetime

from ..parsing import ParseError, number, records_of
from .fields import parse_name, position
from .html_tables import find_table, first_header_found, read_page
from .times import calendar_day_to_jd, full_jd, set_t0_from_jd

PRIME_INDEX_HEADERS = ["", "Alert Date", "RA", "Dec", "t0", "tE (days)", "Amax", "I0"]
PRIME_INDEX_HEADERS_AS_SERVED = "['', Alert Date, RA, Dec, t0, tE (days), A<sub>max</sub>, I<sub>0</sub>]"


def parse_moaprime_index(page_html, source="moaprime index", season=None, bad_lines=None):
    """The 2025+ season list: one HTML table, one row per event, no internal id, calibration or uncertainties.

    `MOA-2025-BLG-0001 | 2025-02-25T01:11:13.1481 | +17:46:35.1227 | -34:17:13.1701 | 2025-02-02.53 | 28.03 |
    30268.15 | 18.38`. The alert date is kept as the text MOA wrote (the page gives no time zone). t0 is a UT
    calendar date to 0.01 d; it becomes JD (`t0_jd`) and HJD - 2450000 (`t0`, 5 decimals, finer than the
    published precision). Amax is kept however large (53607187.71 occurs); I0 is the baseline, Ibase. A row
    that does not parse is a ParseError, or, given a list `bad_lines`, kept there while the other rows load.
    """
    page = read_page(page_html, source)
    table, header_row = find_table(page, PRIME_INDEX_HEADERS)
    if table is None:
        raise ParseError(source, None, "a table headed " + PRIME_INDEX_HEADERS_AS_SERVED, first_header_found(page))
    records = records_of(table.rows[header_row + 1:], lambda cells, _: index_row(cells, source, season), bad_lines)
    set_t0_from_jd(records)
    return records


def index_row(cells, source, season):
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
    return {
        "name": name,
        "display_url": cells[0].links[0] if cells[0].links else None,
        "alert_date": text[1],
        **position(text[2], text[3], source, line),
        "t0": None, "t0_jd": full_jd(calendar_day_to_jd(text[4], source, line), source, line, text[4]),
        "t0_date": text[4],
        "tE": number(text[5], source, line, "tE"),
        "Amax": number(text[6], source, line, "Amax"),
        "Ibase": number(text[7], source, line, "I0"),
    }
