"""params.dat: one OGLE event's fit, each parameter with its 1-sigma uncertainty."""

from ..parsing import ParseError, require_complete_last_line
from .fit import PARAMETERS, coordinates, model_columns, parse_name

PARAMS_HEADER = ["Field", "StarNo", "RA(J2000.0)", "Dec(J2000.0)", "Remarks"]


def parse_params_dat(text, source="params.dat"):
    """One event's fit: header keys, then `name value error` for each of the eight parameters."""
    lines = text.splitlines()
    if not lines:
        raise ParseError(source, 1, "an OGLE event name on the first line", "")
    require_complete_last_line(text, source)
    name = parse_name(lines[0], source, 1)
    header, values, errors, line_of = {}, {}, {}, {}
    for number_, line in enumerate(lines[1:], start=2):
        if not line.strip():
            continue
        key, *rest = line.split(None, 1)
        rest = rest[0] if rest else ""
        line_of[key] = number_
        if key in PARAMS_HEADER:
            header[key] = rest.strip()
        elif key in PARAMETERS:
            tokens = rest.split()
            if len(tokens) != 2:
                raise ParseError(source, number_, f"`{key} value error`", line)
            values[key], errors[key] = tokens
        else:
            raise ParseError(source, number_, "a known params.dat key (" + ", ".join(PARAMS_HEADER + list(PARAMETERS)) + ")", line)
    missing = [key for key in PARAMS_HEADER[:4] + list(PARAMETERS) if key not in header and key not in values]
    if missing:
        raise ParseError(source, len(lines), "every params.dat key; missing " + ", ".join(missing))
    # StarNo is text: stars found only in difference images carry an `N` suffix (`59N`).
    return {
        "name": name,
        "field": header["Field"],
        "star_id": header["StarNo"],
        **coordinates(header["RA(J2000.0)"], header["Dec(J2000.0)"], source,
                      line_of["RA(J2000.0)"], line_of["Dec(J2000.0)"]),
        "remarks": header.get("Remarks") or None,
        **model_columns(values, errors, source, line_of),
    }
