"""last.changed: one line on OGLE's FTP server, the time the EWS last changed (yyyymmdd.day-fraction, UT)."""

import datetime
import re

from ..parsing import ParseError


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
