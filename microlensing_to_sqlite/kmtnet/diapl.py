"""diapl light curves: difference-imaging photometry of one site and field over several seasons, no header."""

from ..parsing import ParseError, hjd_minus_2450000, number, require_complete_last_line
from .times import time_offset

DIAPL_COLUMNS = 7


def parse_diapl(text, source):
    """A DIA light curve: rows `(hjd, delta_flux, flux_err, c4, c5, c6, c7)`, time as HJD - 2450000.

    No header; KMTNet writes HJD - 2400000 (`58168.85148` is 8168.85148). The last four columns are
    named nowhere we have seen; the last three look like pySIS's fwhm, sky and secz (4.08, 993, 1.68),
    which is a guess, so they stay unnamed.
    """
    require_complete_last_line(text, source)
    rows, offset = [], None
    for line_number, line in enumerate(text.splitlines(), start=1):
        fields = line.split()
        if not fields:
            continue
        if len(fields) != DIAPL_COLUMNS:
            raise ParseError(source, line_number, f"{DIAPL_COLUMNS} columns: HJD, delta flux, error and 4 more",
                             line)
        row_offset = time_offset(fields[0], source, line_number)
        if offset is None:
            offset = row_offset
        elif row_offset != offset:
            raise ParseError(source, line_number, "the time convention of the first row", fields[0])
        hjd = hjd_minus_2450000(fields[0], source, line_number, offset=offset)
        rows.append((hjd, *(number(f, source, line_number, f"column {i}") for i, f in enumerate(fields[1:], 2))))
    return rows
