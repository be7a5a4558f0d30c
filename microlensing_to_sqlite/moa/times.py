"""MOA's times: full JD (index.dat, photometry) or a UT calendar date with a decimal day (alert.php, the moaprime
index), both made HJD - 2450000 with the heliocentric light-travel time for the event's position (at most 8.5
minutes). display.php labels its tmax `HJD` and is taken at its word."""

import datetime
import re

import numpy

from ..formulas import HJD_OFFSET, heliocentric_jd
from ..parsing import ParseError, decimals
from .site import MT_JOHN

# A full JD (or HJD) of a MOA fit lies between 1858 and 2132: below is HJD - 2450000 or a cut-off JD, above a
# garbled number.
FULL_JD = 2_400_000.0
LAST_JD = 2_500_000.0
MONTHS = {m: i for i, m in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], start=1)}


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
    """JD (UTC) of one event, seen from Mt John, to HJD - 2450000, rounded to 5 decimals (0.9 s).

    Accepts a number or a sequence of JDs; returns the same shape (float or numpy array).
    """
    jds = numpy.asarray(jd_values, dtype=float)
    hjd = heliocentric_jd(jds.ravel(), numpy.full(jds.size, float(ra_deg)), numpy.full(jds.size, float(dec_deg)),
                          MT_JOHN)
    result = numpy.round(hjd - HJD_OFFSET, 5).reshape(jds.shape)
    return float(result) if result.ndim == 0 else result


def set_t0_from_jd(records):
    """Fill each record's t0 (HJD - 2450000) from its t0_jd, in one vectorised call for the whole list."""
    if records:
        hjd = heliocentric_jd([r["t0_jd"] for r in records], [r["ra"] for r in records],
                              [r["dec"] for r in records], MT_JOHN)
        for record, value in zip(records, numpy.round(hjd - HJD_OFFSET, 5)):
            record["t0"] = float(value)
