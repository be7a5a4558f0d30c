"""What OGLE's two lists of fits share: event names, the eight fit parameters with OGLE's sentinels, and
positions. lenses.par has them for the season without uncertainties; params.dat for one event with them."""

import math
import re

from ..names import AlertName
from ..parsing import ParseError, hjd_minus_2450000, number, sexagesimal_to_degrees
from .site import SURVEY

# The model parameters in the order OGLE writes them, and the columns they become.
# I_bl is the baseline (source + blend) magnitude and I0 the source alone: for OGLE-2025-BLG-0013,
# fbl = 0.470 and I0 - I_bl = 20.084 - 19.264 = 0.82 = -2.5 log10(0.470).
PARAMETERS = {"Tmax": "t0", "tau": "tE", "umin": "u0", "Amax": "Amax", "Dmag": "Dmag",
              "fbl": "fbl", "I_bl": "Ibase", "I0": "Isrc"}
AMAX_UNDEFINED = (99999.0, 99999.999)   # written when umin is 0
# Dmag is the peak brightening in magnitudes: 22.52 at most in 2016, 12.50 with Amax 99999. Hundreds of
# magnitudes is a garbled column, and no Amax can be checked against it.
DMAG_LIMIT = 100.0
ERROR_UNDEFINED = 999.999


def parse_name(text, source, line):
    """`2016-BLG-0001` (lenses.par) or `OGLE-2025-BLG-0001` (params.dat)."""
    match = re.fullmatch(r"(?:OGLE-)?(\d{4})-(BLG|GD|DG)-(\d{4})", text.strip())
    if not match:
        raise ParseError(source, line, "an OGLE event name such as 2025-BLG-0001", text)
    return AlertName(SURVEY, int(match.group(1)), match.group(2), int(match.group(3)))


def optional_number(token, source, line, what):
    # OGLE writes `-` where a fit gave no value (2016-BLG-0045 has no tau, umin, Amax or Dmag).
    return None if token == "-" else number(token, source, line, what)


def model_columns(values, errors, source, line_of):
    """OGLE's parameters to our columns: times to HJD - 2450000, sentinels and zero errors to NULL.

    `values` maps OGLE's parameter names to the tokens it wrote, `errors` (or None) to their errors,
    and `line_of` to the line each is on.
    """
    row = {}
    for ogle_name, column in PARAMETERS.items():
        line = line_of[ogle_name]
        row[column] = optional_number(values[ogle_name], source, line, ogle_name)
        error = optional_number(errors[ogle_name], source, line, ogle_name + " error") if errors else None
        # An error of 0.000 means the parameter was held fixed (fbl) or not computed; 999.999 is a sentinel.
        row[column + "_err"] = error if error and error < ERROR_UNDEFINED else None
    if row["t0"] is not None:
        row["t0"] = hjd_minus_2450000(values["Tmax"], source, line_of["Tmax"])
    if row["Dmag"] is not None and not row["Dmag"] < DMAG_LIMIT:
        raise ParseError(source, line_of["Dmag"], f"a Dmag below {DMAG_LIMIT:g} magnitudes", values["Dmag"])
    if row["Amax"] in AMAX_UNDEFINED:
        # umin = 0: OGLE writes Amax 99999 and the Dmag that follows from it (12.50). Neither is a measurement.
        row.update(Amax=None, Amax_err=None, Dmag=None, Dmag_err=None)
    elif "." not in values["Amax"] and not amax_agrees_with_dmag(row):
        # lenses.par has 6 characters for Amax: `500877` is right (Dmag 14.24), `100218` lost a digit (Dmag 15.00).
        row.update(Amax=None, Amax_err=None)
    return row


def amax_agrees_with_dmag(row):
    """Does Amax give the published Dmag, the brightening of source plus blend, within 2%?"""
    if None in (row["Amax"], row["Dmag"], row["fbl"]):
        return False
    expected = (10 ** (row["Dmag"] / 2.5) - 1) / row["fbl"] + 1 if row["fbl"] > 0 else math.inf
    return abs(row["Amax"] - expected) <= 0.02 * expected


def coordinates(ra_hms, dec_dms, source, ra_line, dec_line):
    return {
        "ra_hms": ra_hms,
        "dec_dms": dec_dms,
        "ra": sexagesimal_to_degrees(ra_hms, hours=True, source=source, line=ra_line),
        "dec": sexagesimal_to_degrees(dec_dms, hours=False, source=source, line=dec_line),
    }
