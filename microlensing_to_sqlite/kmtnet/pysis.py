"""pySIS light curves: one season of one site and field in one band, with fluxes and magnitudes."""

import math
import re
from dataclasses import dataclass

import numpy

from ..parsing import HJD_OFFSET, ParseError, fast_numbers, finite_or_none, hjd_minus_2450000, \
    require_complete_last_line
from ..photometry import Points
from .times import TIME_CONVENTIONS, time_offset

PYSIS_FILE = re.compile(r"(KMT[ACS]\d{2})_([IV])\.pysis")


def pysis_telescope_and_band(file_name, source=None, line=None):
    """`KMTC01_I.pysis` to ("KMTC01", "I"): site C (CTIO), field 01, I band."""
    match = PYSIS_FILE.fullmatch(file_name)
    if not match:
        raise ParseError(source if source is not None else file_name, line,
                         "a pySIS file name such as KMTC01_I.pysis", file_name)
    return match.group(1), match.group(2)


@dataclass
class Lightcurve:
    """The points, and how many rows were dropped for a magnitude, its error or a flux that is not finite."""
    points: Points
    dropped_non_finite: int

    @property
    def rows(self):
        """The points as rows `(hjd, mag, mag_err, delta_flux, flux_err, fwhm, sky, secz)`, None where missing."""
        return self.points.rows(PYSIS_ROW)


# The header names the columns: `# HJD  \Delta_flux flux_err  mag  mag_err  fwhm  sky  secz` (a literal
# backslash) in I files; V files lack mag and mag_err; MulensModel's cut-down copies keep only the first five.
PYSIS_COLUMNS = {"HJD": "hjd", "\\Delta_flux": "delta_flux", "flux_err": "flux_err", "mag": "mag",
                 "mag_err": "mag_err", "fwhm": "fwhm", "sky": "sky", "secz": "secz"}
PYSIS_ROW = ("hjd", "mag", "mag_err", "delta_flux", "flux_err", "fwhm", "sky", "secz")
PYSIS_MEASUREMENTS = ("mag", "mag_err", "delta_flux", "flux_err")
FWHM_BAD_FRAME = -1.0


def parse_pysis(text, source, fast=True):
    """A pySIS light curve, time as HJD - 2450000 whatever the file's convention.

    - A row whose magnitude, its error or the flux is nan or inf is dropped and counted: pySIS derives
      mag from the total flux, which can be negative. V files have no mag: their rows keep mag None.
    - fwhm -1.00 flags a bad frame: the row is kept with fwhm None.
    - `#` lines after the header are comments: MulensModel's copies comment out their nan rows.
    `fast=False` reads line by line only (the tests compare the two).
    """
    require_complete_last_line(text, source)
    lines = text.splitlines()
    header_number = next((n for n, line in enumerate(lines, start=1) if line.strip()), 1)
    columns = pysis_header(lines[header_number - 1] if lines else "", source, header_number)
    table = fast_numbers("\n".join(lines[header_number:]), len(columns), comment="#") if fast else None
    lightcurve = None if table is None else plainly_read(dict(zip(columns, table.T)))
    return lightcurve or line_by_line(lines, header_number, columns, source)


def plainly_read(values):
    """The light curve from the fast reading's columns; None unless every time is finite and in one convention
    (line_by_line decides then)."""
    hjd = values["hjd"]
    offsets = [offset for low, high, offset, _ in TIME_CONVENTIONS if len(hjd) and ((low < hjd) & (hjd < high)).all()]
    if not numpy.isfinite(hjd).all() or (len(hjd) and not offsets):
        return None
    kept = numpy.all([numpy.isfinite(values[c]) for c in PYSIS_MEASUREMENTS if c in values], axis=0)
    columns = {name: column[kept] for name, column in values.items()}
    columns["hjd"] = columns["hjd"] + (offsets[0] if offsets else 0) - HJD_OFFSET
    for name in ("fwhm", "sky", "secz"):
        if name in columns:
            columns[name] = numpy.where(numpy.isfinite(columns[name]), columns[name], numpy.nan)
    if "fwhm" in columns:
        columns["fwhm"] = numpy.where(columns["fwhm"] == FWHM_BAD_FRAME, numpy.nan, columns["fwhm"])
    return Lightcurve(Points(**columns), int((~kept).sum()))


def line_by_line(lines, header_number, columns, source):
    """The light curve read one line at a time: the reading that decides, naming the first line that is wrong."""
    rows, dropped, offset = [], 0, None
    for line_number, line in enumerate(lines[header_number:], start=header_number + 1):
        fields = line.split()
        if not fields or fields[0].startswith("#"):
            continue
        if len(fields) != len(columns):
            raise ParseError(source, line_number, f"{len(columns)} columns as the header names them", line)
        tokens = dict(zip(columns, fields))
        values = {}
        for column in PYSIS_MEASUREMENTS:
            if column in tokens:
                values[column] = float_or_parse_error(tokens[column], source, line_number, column)
        row_offset = time_offset(tokens["hjd"], source, line_number)
        if offset is None:
            offset = row_offset
        elif row_offset != offset:
            raise ParseError(source, line_number, "the time convention of the first row", tokens["hjd"])
        for column in ("fwhm", "sky", "secz"):
            if column in tokens:
                values[column] = finite_or_none(float_or_parse_error(tokens[column], source, line_number, column))
        if not all(math.isfinite(values[c]) for c in PYSIS_MEASUREMENTS if c in values):
            dropped += 1
            continue
        values["hjd"] = hjd_minus_2450000(tokens["hjd"], source, line_number, offset=offset)
        if values.get("fwhm") == FWHM_BAD_FRAME:
            values["fwhm"] = None
        rows.append(tuple(values.get(column) for column in columns))
    return Lightcurve(Points.from_rows(columns, rows), dropped)


def pysis_header(line, source, line_number):
    names = line[1:].split() if line.startswith("#") else []
    known = all(name in PYSIS_COLUMNS for name in names) and len(set(names)) == len(names)
    complete = known and {"HJD", "\\Delta_flux", "flux_err"} <= set(names) and ("mag" in names) == ("mag_err" in names)
    if not complete:
        raise ParseError(source, line_number, "a pySIS header such as "
                                              r"`# HJD  \Delta_flux flux_err  mag  mag_err  fwhm  sky  secz`", line)
    return [PYSIS_COLUMNS[name] for name in names]


def float_or_parse_error(token, source, line, what):
    """A float that may be nan or inf (pySIS writes them); anything that is not a number is a ParseError."""
    try:
        return float(token)
    except ValueError:
        raise ParseError(source, line, f"a number for {what}", token) from None
