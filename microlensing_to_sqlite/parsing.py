"""Shared pieces of every survey parser: the error type, numbers, times, sexagesimal angles and HTML pages.

The formulas themselves (time zero points, angles) live in formulas.py; here they raise ParseError.

All parsers are pure functions from text to records. When the text is not what we expect they raise
ParseError, naming the file, the line and what was expected, so that the build can report and skip
that one file.
"""

import io
import math
import re
import warnings

import numpy
import pandas
from bs4 import BeautifulSoup, MarkupResemblesLocatorWarning
from bs4.exceptions import ParserRejectedMarkup

from . import formulas
from .formulas import HJD_OFFSET


# What a problem quotes of a file or of an answer, at most: the problems are published (the health page), and
# a file's bytes, or an answer's, are a survey's to publish, not ours (nor a stranger's, through a bad link).
QUOTED_AT_MOST = 120


def quoted(text):
    """text as a problem may quote it: its first line, cut to QUOTED_AT_MOST characters, control characters escaped."""
    return repr(str(text).split("\n", 1)[0][:QUOTED_AT_MOST])[1:-1]


class ParseError(ValueError):
    """A survey file that does not have the layout we know."""

    def __init__(self, source, line, expected, found=None):
        self.source = source
        self.line = line
        self.expected = expected
        self.found = found
        self.reason = f"expected {expected}"
        if found is not None:
            self.reason += f", found {found[:QUOTED_AT_MOST]!r}"
        where = f"{source}, line {line}" if line else str(source)
        super().__init__(f"{where}: {self.reason}")


def decimals(token):
    """How many digits the survey wrote after the decimal point."""
    point = token.find(".")
    return 0 if point < 0 else len(token) - point - 1


def number(token, source, line, what):
    """A finite float, or ParseError naming the column."""
    try:
        value = float(token)
    except ValueError:
        raise ParseError(source, line, f"a number for {what}", token) from None
    if not math.isfinite(value):
        raise ParseError(source, line, f"a finite number for {what}", token)
    return value


def finite_or_none(value):
    return value if math.isfinite(value) else None


def html_soup(html, source):
    """The page as a BeautifulSoup tree (html.parser).

    html.parser gives up on a few malformed declarations, such as a `<![` that opens no marked section (a page
    cut or garbled in transfer): that page is a ParseError, not bs4's ParserRejectedMarkup.
    """
    try:
        with warnings.catch_warnings():
            # A survey page cut to a line (or a fuzzed one) looks to bs4 like a file name: it is still the page.
            warnings.simplefilter("ignore", MarkupResemblesLocatorWarning)
            return BeautifulSoup(html, "html.parser")
    except ParserRejectedMarkup as error:
        complaint = str(error).rsplit("Original exception(s) from parser:", 1)[-1].strip()
        raise ParseError(source, None, "HTML that Python's html.parser can read", complaint) from None


def require_complete_last_line(text, source):
    """A file cut off mid-transfer ends mid-line; loading its first part as if complete would be wrong."""
    if text and not text.endswith("\n"):
        raise ParseError(source, text.count("\n") + 1, "a complete last line (the file ends mid-line)")


def keep_or_raise(error, bad_lines):
    """A season list's bad line: raised (bad_lines None), or kept in bad_lines so that the list's other lines
    load: one bad line costs one event, not the season."""
    if bad_lines is None:
        raise error
    bad_lines.append(error)


def complete_lines(text, source, bad_lines=None):
    """The text's lines; a last line cut off mid-transfer is a bad line (see keep_or_raise), dropped."""
    lines = text.splitlines()
    try:
        require_complete_last_line(text, source)
    except ParseError as error:
        keep_or_raise(error, bad_lines)
        lines = lines[:-1]
    return lines


def records_of(items, read, bad_lines, first_number=1):
    """A season list's records: read(item, number) of each item (a line, a table's row) in order, numbered from
    first_number, leaving out those it gives None for (a blank line); an item whose read raises ParseError is a
    bad line (keep_or_raise)."""
    records = []
    for number_, item in enumerate(items, start=first_number):
        try:
            record = read(item, number_)
        except ParseError as error:
            keep_or_raise(error, bad_lines)
            continue
        if record is not None:
            records.append(record)
    return records


def hjd_minus_2450000(token, source, line, offset=0.0):
    """A survey time as HJD - 2450000, rounded to the decimals the survey published.

    `offset` is what the survey already subtracted (0 for full HJD, 2400000 for HJD - 2400000).
    Rounding keeps `2460746.661` as `10746.661` instead of `10746.660999999847`.
    """
    value = number(token, source, line, "a time") + offset - HJD_OFFSET
    return round(value, decimals(token))


def sexagesimal_to_degrees(text, hours, source=None, line=None):
    """`17:51:48.02` (hours) or `-28:59:03.3` (degrees) to decimal degrees, rounded to 1e-7 deg (0.4 mas);
    ParseError naming the file and line when it is not such an angle in range."""
    try:
        return formulas.sexagesimal_to_degrees(text, hours)
    except ValueError:
        pass
    try:
        formulas.sexagesimal_parts(text)
    except ValueError:
        raise ParseError(source, line, "a sexagesimal RA hh:mm:ss.ss" if hours else "a sexagesimal Dec dd:mm:ss.s",
                         text) from None
    raise ParseError(source, line, "RA in 00:00:00..23:59:59.99" if hours else "Dec in -90..+90", text)


# The fast reading of big tables ------------------------------------------------------------------------------
# Photometry files are read by pandas' C parser, and only when they are plainly written: printable ASCII, every
# row the same number of whitespace-separated numbers. Anything else (another row length, a token that is not a
# number, `nan` spelled oddly, a control character) gives None, and the parser's own line-by-line reading decides:
# it gives the same values, or the ParseError naming the line. The fast reading never decides against a file.

NOT_PLAIN = re.compile(r"[^\t\n\r -~]")
NAN_SPELLINGS = ["nan", "NaN", "NAN", "-nan", "+nan", "-NaN", "+NaN"]


def fast_numbers(text, columns, numeric=None, comment=None):
    """The numbers of a plainly written table of `columns` fields a row, as a float array (one column per index
    in `numeric`, default all); NaN where a field says nan. None if the text is not plainly such a table."""
    if NOT_PLAIN.search(text):
        return None
    numeric = list(range(columns)) if numeric is None else list(numeric)
    try:
        frame = pandas.read_csv(io.StringIO(text), sep=r"\s+", header=None, names=range(columns), engine="c",
                                dtype={i: (numpy.float64 if i in numeric else str) for i in range(columns)},
                                keep_default_na=False, na_values=NAN_SPELLINGS, comment=comment)
    except (ValueError, pandas.errors.ParserError, pandas.errors.EmptyDataError):
        return None
    text_fields = frame.iloc[:, [i for i in range(columns) if i not in numeric]]
    if len(frame) and (text_fields.isna().to_numpy().any() or (text_fields == "").to_numpy().any()):
        return None  # a row shorter than the first: its missing fields read as empty
    return frame.iloc[:, numeric].to_numpy(dtype=numpy.float64)
