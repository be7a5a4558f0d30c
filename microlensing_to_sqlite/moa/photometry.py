"""MOA's difference-flux photometry: the alert files through fetchtxt.php (HTML, the text in a `<pre>`), and the
archive's files (gzipped, 8 or 4 columns)."""

import gzip
import html as html_entities
import re
import zlib
from dataclasses import dataclass

import numpy

from ..parsing import ParseError, fast_numbers, require_complete_last_line

# MOA photometry has placeholder rows at JD 0 and a point seen 28000 days early (JD about 2.43e6): drop anything
# before 1995-01-01, when MOA had not started observing.
FIRST_OBSERVATION_JD = 2_449_718.5


@dataclass(eq=False)
class Photometry:
    jd: numpy.ndarray       # as published, with the delta flux and its error
    delta_flux: numpy.ndarray
    flux_err: numpy.ndarray
    dropped_bad_jd: int     # JD before MOA began: the placeholder JD 0 rows, and a point 28000 days early
    dropped_bad_error: int  # flux error <= 0, or a flux or error that is not a finite number

    @property
    def rows(self):
        """(jd, delta_flux, flux_err) tuples."""
        return list(zip(self.jd.tolist(), self.delta_flux.tolist(), self.flux_err.tolist()))

    def __eq__(self, other):
        return isinstance(other, Photometry) and (self.rows, self.dropped_bad_jd, self.dropped_bad_error) == (
            other.rows, other.dropped_bad_jd, other.dropped_bad_error)


def maybe_gunzip(data: bytes, source="phot.dat") -> bytes:
    """The archive photometry is gzipped; anything without the gzip magic bytes (1f 8b) is returned as is."""
    if data[:2] != b"\x1f\x8b":
        return data
    try:
        return gzip.decompress(data)
    except (OSError, EOFError, zlib.error) as error:
        # A download cut short, or bytes garbled on the way, leave a gzip stream that does not decompress.
        raise ParseError(source, None, "a whole gzip stream", str(error)) from None


def pre_text(text, source):
    """The text of the single `<pre>` of a fetchtxt.php page, and the line the text starts on.

    Plain text (no `<pre>`) is returned as it is. A page without its closing `</pre>` was cut off.
    """
    starts = list(re.finditer(r"<pre\b[^>]*>", text, re.I))
    if not starts:
        require_complete_last_line(text, source)
        return text, 1
    if len(starts) > 1:
        raise ParseError(source, text.count("\n", 0, starts[1].start()) + 1, "a single <pre> block", "<pre>")
    start = starts[0].end()
    end = re.compile(r"</pre\s*>", re.I).search(text, start)
    if not end:
        raise ParseError(source, max(1, len(text.splitlines())), "</pre> closing the text (the page ends early)")
    return html_entities.unescape(text[start:end.start()]), text.count("\n", 0, start) + 1


def parse_photometry(data, source="phot.dat", fast=True):
    """Difference-flux photometry: `#` comments, then rows whose first columns are JD, delta flux, its error.

    Takes the fetchtxt.php page (HTML, the text in one `<pre>`), plain text, or bytes (gzipped or not).
    The alert files have 8 columns, the archive's 8 (JD, dF, sigma, frame id such as B300-gb5-R-1, then four
    numbers) or 4; every row of a file must have as many as its first. Rows with a JD before 1995 (JD 0
    placeholders, a point 28000 days early) or with a flux error <= 0 are dropped and counted. JD is kept as
    published: see `times.jd_to_hjd_minus_2450000` and `calibration.flux_to_magnitudes`. `fast=False` reads
    line by line only (the tests compare the two).
    """
    if isinstance(data, bytes):
        data = maybe_gunzip(data, source).decode("latin-1")
    body, first_line = pre_text(data, source)
    lines = body.splitlines()
    first = next((fields for fields in map(str.split, lines) if fields and not fields[0].startswith("#")), None)
    plain = fast and first is not None and len(first) >= 3
    table = fast_numbers(body, len(first), numeric=(0, 1, 2), comment="#") if plain else None
    if table is None:
        return line_by_line(lines, first_line, source)
    return measured(*table.T)


def measured(jd, flux, error):
    """The rows that have a JD of MOA's time and a usable flux; the others counted."""
    bad_jd = ~(jd >= FIRST_OBSERVATION_JD)
    bad_error = ~bad_jd & ~(numpy.isfinite(flux) & numpy.isfinite(error) & (error > 0))
    keep = ~(bad_jd | bad_error)
    return Photometry(jd[keep], flux[keep], error[keep], int(bad_jd.sum()), int(bad_error.sum()))


def line_by_line(lines, first_line, source):
    """The rows read one line at a time: the reading that decides, naming the first line that is wrong."""
    rows, columns = [], None
    for line_number, line in enumerate(lines, start=first_line):
        fields = line.split()
        if not fields or fields[0].startswith("#"):
            continue
        if columns is None:
            columns = len(fields)
            if columns < 3:
                raise ParseError(source, line_number, "at least 3 columns: JD, delta flux, flux error", line)
        if len(fields) != columns:
            raise ParseError(source, line_number, f"{columns} columns like the first row", line)
        try:
            rows.append(tuple(float(f) for f in fields[:3]))
        except ValueError:
            raise ParseError(source, line_number, "numbers for JD, delta flux and flux error", line) from None
    return measured(*numpy.array(rows, dtype=float).reshape(-1, 3).T)
