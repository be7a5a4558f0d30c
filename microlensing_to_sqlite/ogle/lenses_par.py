"""lenses.par: an OGLE season's list of events, one fixed-width line each, with no uncertainties."""

from ..parsing import ParseError, complete_lines, records_of
from .fit import PARAMETERS, coordinates, model_columns, parse_name


def parse_lenses_par(text, source="lenses.par", bad_lines=None):
    """The season list: one record per event, with no uncertainties. A line that does not parse is a ParseError,
    or, given a list `bad_lines`, kept there while the other lines load."""
    lines = text.splitlines()
    if not lines or not ("Event" in lines[0] and "Tmax(HJD)" in lines[0] and "I0" in lines[0]):
        raise ParseError(source, 1, "the lenses.par header (Event Field StarNo RA Dec Tmax ... I_bl I0)",
                         lines[0] if lines else "")
    return records_of(complete_lines(text, source, bad_lines)[1:],
                      lambda line, number_: lenses_par_record(line, source, number_), bad_lines, first_number=2)


def lenses_par_record(line, source, number_):
    """One line's event, or None for a blank line."""
    fields = line.split()
    if not fields:
        return None
    if len(fields) != 14:
        raise ParseError(source, number_, "14 whitespace-separated fields", line)
    name = parse_name(fields[0], source, number_)
    values = dict(zip(["Tmax", "Tmax_UT", "tau", "umin", "Amax", "Dmag", "fbl", "I_bl", "I0"], fields[5:]))
    return {
        "name": name,
        "field": fields[1],
        "star_id": fields[2],
        **coordinates(fields[3], fields[4], source, number_, number_),
        **model_columns(values, None, source, dict.fromkeys(PARAMETERS, number_)),
    }
