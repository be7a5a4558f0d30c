"""alerts.txt: EXAMPLE's season list, a header line then one alert a line, each parameter with its sigma.

    # name ra dec t0 t0_err tE tE_err u0 u0_err Ibase
    EXAMPLE-2025-BLG-0001 268.10000 -29.50000 2460800.12300 0.050 35.20 1.20 0.2100 0.0100 18.50
"""

from ..names import parse_full_name
from ..parsing import ParseError, complete_lines, hjd_minus_2450000, number, records_of

HEADER = "# name ra dec t0 t0_err tE tE_err u0 u0_err Ibase"
FIELDS = HEADER[2:].split()


def parse_season_list(text, source="alerts.txt", bad_lines=None):
    """One record an alert: its name (an AlertName), RA and Dec in degrees, t0 as HJD - 2450000 (the file writes
    full HJD), tE, u0 and Ibase, each with its _err where the file has one."""
    lines = text.splitlines()
    if not lines or lines[0].split() != HEADER.split():
        raise ParseError(source, 1, f"the header {HEADER!r}", lines[0] if lines else "")
    return records_of(complete_lines(text, source, bad_lines)[1:],
                      lambda line, line_number: record(line, source, line_number), bad_lines, first_number=2)


def record(line, source, line_number):
    fields = line.split()
    if not fields:
        return None
    if len(fields) != len(FIELDS):
        raise ParseError(source, line_number, f"{len(FIELDS)} whitespace-separated fields: {' '.join(FIELDS)}", line)
    name = parse_full_name(fields[0])
    if name is None:
        raise ParseError(source, line_number, "an alert name such as EXAMPLE-2025-BLG-0001", fields[0])
    values = {key: number(token, source, line_number, key) for key, token in zip(FIELDS[1:], fields[1:])}
    values["t0"] = hjd_minus_2450000(fields[3], source, line_number)
    return {"name": name, **values}
