"""MOA's difference-flux photometry: the alert files through fetchtxt.php (HTML, the text in a `<pre>`), and the
archive's files (gzipped, 8 or 4 columns)."""

import gzip
import html as html_entities
import math
import re
import zlib
from typing import NamedTuple

from ..parsing import ParseError, require_complete_last_line

# MOA photometry has placeholder rows at JD 0 and a point seen 28000 days early (JD about 2.43e6): drop anything
# before 1995-01-01, when MOA had not started observing.
FIRST_OBSERVATION_JD = 2_449_718.5


class Photometry(NamedTuple):
    rows: list              # (jd, delta_flux, flux_err), as published
    dropped_bad_jd: int     # JD before MOA began: the placeholder JD 0 rows, and a point 28000 days early
    dropped_bad_error: int  # flux error <= 0, or a flux or error that is not a finite number


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


def parse_photometry(data, source="phot.dat"):
    """Difference-flux photometry: `#` comments, then rows whose first columns are JD, delta flux, its error.

    Takes the fetchtxt.php page (HTML, the text in one `<pre>`), plain text, or bytes (gzipped or not).
    The alert files have 8 columns, the archive's 8 (JD, dF, sigma, frame id such as B300-gb5-R-1, then four
    numbers) or 4; every row of a file must have as many as its first. Rows with a JD before 1995 (JD 0
    placeholders, a point 28000 days early) or with a flux error <= 0 are dropped and counted. JD is kept as
    published: see `jd_to_hjd_minus_2450000` and `flux_to_magnitudes_array`.
    """
    if isinstance(data, bytes):
        data = maybe_gunzip(data, source).decode("latin-1")
    body, first_line = pre_text(data, source)
    rows, bad_jd, bad_error, columns = [], 0, 0, None
    for line_number, line in enumerate(body.splitlines(), start=first_line):
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
            jd, flux, error = (float(f) for f in fields[:3])
        except ValueError:
            raise ParseError(source, line_number, "numbers for JD, delta flux and flux error", line) from None
        if not jd >= FIRST_OBSERVATION_JD:
            bad_jd += 1
        elif not (math.isfinite(flux) and math.isfinite(error) and error > 0):
            bad_error += 1
        else:
            rows.append((jd, flux, error))
    return Photometry(rows, bad_jd, bad_error)
