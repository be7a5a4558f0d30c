"""phot.dat: one OGLE event's I-band photometry over the whole OGLE-IV baseline (not just its season)."""

import numpy

from ..parsing import HJD_OFFSET, ParseError, decimals, fast_numbers, finite_or_none, require_complete_last_line
from ..photometry import Points

PHOT_COLUMNS = ("hjd", "mag", "mag_err", "seeing", "sky")


def parse_phot_dat(text, source="phot.dat", fast=True):
    """Points `(hjd, mag, mag_err, seeing, sky)`, time as HJD - 2450000.

    OGLE writes full HJD with 5 decimals. A sky of 0.0 is not a measurement and becomes NULL, as does a
    seeing or sky that is not a finite number. `fast=False` reads line by line only (the tests compare the two).
    """
    require_complete_last_line(text, source)
    table = fast_numbers(text, len(PHOT_COLUMNS)) if fast else None
    if table is None or not plainly_valid(table):
        return Points.from_rows(PHOT_COLUMNS, line_by_line(text, source))
    hjd, mag, err, seeing, sky = table.T
    return Points(hjd=hjd - HJD_OFFSET, mag=mag, mag_err=err, seeing=seeing,
                  sky=numpy.where(sky == 0, numpy.nan, sky))


def plainly_valid(table):
    """Every value finite and every row within the ranges line_by_line checks (times clear of their limits, which
    line_by_line checks after rounding)."""
    hjd, mag, err = table[:, 0] - HJD_OFFSET, table[:, 1], table[:, 2]
    return bool(numpy.isfinite(table).all() and ((-5e4 + 1 < hjd) & (hjd < 1.5e5 - 1) & (0 < mag) & (mag < 30)
                                                   & (0 <= err) & (err < 10)).all())


def line_by_line(text, source):
    """The rows, read one line at a time: the reading that decides, naming the first line that is wrong."""
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
