"""alert.php (2016-2024): a MOA season's list as an HTML table, with MOA's assessment of each event."""

import datetime
import re

from ..parsing import ParseError
from .fields import optional_number, parse_name, position
from .html_tables import find_table, first_header_found, read_page
from .times import calendar_day_to_jd

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
