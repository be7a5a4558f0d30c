"""EXAMPLE's photometry file: `HJD I error` a line, full HJD, in time order."""

from ..parsing import HJD_OFFSET, ParseError, fast_numbers, require_complete_last_line
from ..photometry import Points


def parse_photometry(text, source="photometry.dat"):
    """Points (hjd as HJD - 2450000, mag, mag_err)."""
    require_complete_last_line(text, source)
    table = fast_numbers(text, 3)
    if table is None:
        for line_number, line in enumerate(text.splitlines(), start=1):
            if len(line.split()) != 3:
                raise ParseError(source, line_number, "3 numbers: HJD, I, error", line)
        raise ParseError(source, None, "3 numbers a line: HJD, I, error", text[:80])
    hjd, mag, err = table.T
    return Points(hjd=hjd - HJD_OFFSET, mag=mag, mag_err=err)
