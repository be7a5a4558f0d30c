"""Fuzzing every survey parser: the contract is that bad input raises ParseError and nothing else.

Each parser is fed (1) mutations of the real recorded files in ../shared/survey-samples/mirror (read in place
through the conftest fixture, never copied) and of the hand-written MOA fixtures, and (2) arbitrary text. A
mutation is one to four edits: characters deleted, inserted (digits, `-`, `.`, `:`, `#`, `<`, `>`, `nan`,
`*****`, `,`, whitespace, non-ASCII, markup) or replaced; a whole field, a run of digits or several fields of a
line replaced; a digit written in another script; lines swapped, duplicated or deleted; the text cut at any
point; or an HTML error page served instead of the file. Every call must return normally or raise a ParseError
that names the source it was given; any other exception (IndexError, ValueError, OverflowError, an astropy or bs4
error, ...) is a parser bug.

Deterministic for CI (derandomize, no example database) and small: big files are fuzzed through a window of their
lines (the header kept). `FUZZ_EXAMPLES=3000 .venv/bin/python -m pytest tests/test_fuzz.py` searches deeper.
"""

import functools
import gzip
import os
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from build import kmtnet, moa, moa_pages, ogle
from build.parsing import ParseError

FIXTURES = Path(__file__).parent / "fixtures" / "moa"

# Examples per test; FUZZ_EXAMPLES sets both for a deeper search by hand.
MUTATION_EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", 150))
TEXT_EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", 100))
SETTINGS = dict(derandomize=True, deadline=None, database=None, print_blob=False,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                       HealthCheck.large_base_example, HealthCheck.filter_too_much])
mutation_settings = settings(max_examples=MUTATION_EXAMPLES, **SETTINGS)
text_settings = settings(max_examples=TEXT_EXAMPLES, **SETTINGS)


# The inputs ------------------------------------------------------------------------------------------------

class Sample:
    """A file to mutate: where it is, and which lines to keep whole (`head`, `tail`) around a window of `window`
    lines chosen by the fuzzer, so that big files stay fast to parse."""

    def __init__(self, path, head=0, window=None, tail=0, **arguments):
        self.path, self.head, self.window, self.tail, self.arguments = path, head, window, tail, arguments

    def __repr__(self):
        return self.path


# The mirror's folders of OGLE's EWS data files and of KMTNet's event pages (see conftest.py).
OGLE = "www.astrouw.edu.pl/ogle/ogle4/ews"
KMT = "kmtnet.kasi.re.kr/~ulens/event"
PYSIS = ["2021/data/KB211122/pysis/KMTA14_I.pysis", "2021/data/KB211122/pysis/KMTA14_V.pysis",
         "2022/data/KB220001/pysis/KMTC01_I.pysis", "2025/data/KB250001/pysis/KMTA41_I.pysis",
         "2025/data/KB250001/pysis/KMTC01_I.pysis", "2025/data/KB250001/pysis/KMTC41_I.pysis"]
VIEW_PAGES = ["2016/view.php?event=KMT-2016-BLG-1000", "2019/view.php?event=KMT-2019-BLG-0001"]

# Which recorded file feeds which parser (as in tests/test_*_parsers.py). `fixture:` is tests/fixtures/moa.
SAMPLES = {
    "lenses_par": [Sample(f"{OGLE}/2015/lenses.par"), Sample(f"{OGLE}/2025/lenses.par"),
                   # 1927 events: a window of 20 of them under the header.
                   Sample(f"{OGLE}/2016/lenses.par", head=2, window=20)],
    "params_dat": [Sample(f"{OGLE}/2025/{event}/params.dat")
                   for event in ("blg-0001", "blg-0006", "blg-0013", "blg-0070")],
    "phot_dat": [Sample(f"{OGLE}/{event}/phot.dat", window=20)
                 for event in ("2025/blg-0001", "2025/blg-0070", "2025/blg-0368", "2023/blg-0348")],
    "last_changed": [Sample("ftp.astrouw.edu.pl/ogle/ogle4/ews/last.changed")],
    "listpage": [Sample(f"{KMT}/{season}/listpage.dat", season=season) for season in range(2016, 2027)],
    "view_page": [Sample(f"{KMT}/{path}") for path in VIEW_PAGES],
    "pysis": [Sample(f"{KMT}/{path}", head=1, window=20) for path in PYSIS],
    "diapl": [Sample(f"{KMT}/2025/data/KB250001/diapl/KMTC01_I.diapl")],
    "index_dat": [Sample("www.massey.ac.nz/~iabond/moa/alert2017/index.dat", season=2017),
                  Sample("www.massey.ac.nz/~iabond/moa/alert2024/index.dat", window=10, season=2024)],
    # 106 table rows of 10 lines each: the head up to the first row, 4 rows, and the closing tags.
    "moaprime_index": [Sample("moaprime.massey.ac.nz/alerts/index/moa/2025", head=24, window=40, tail=3,
                              season=2025)],
    "photometry": [Sample("fixture:fetchtxt.phot-gb2-R-2-19629.html")],
    "moa2ogle": [Sample("fixture:moa2ogle.2017.txt"), Sample("fixture:fetchtxt.moa2ogle.2016.html")],
    "alert_page": [Sample("fixture:alert.php.2017.html")],
    "display_page": [Sample("fixture:display.php.gb2-R-2-19629.html"),
                     Sample("fixture:moaprime.display.MOA-2025-BLG-0001.html")],
}
# Short texts, fuzzed as whole strings.
CALENDAR_DAYS = ["2017-Jan-28.55", "2025-02-02.53", "2016-Nov-6.70", "2025-3-4", "2024-Dec-31.99"]
PYSIS_FILE_NAMES = [path.rsplit("/", 1)[1] for path in PYSIS] + ["KMTS15_I.pysis"]


@pytest.fixture(scope="session")
def texts(shared_mirror):
    """Every sample's text, read once from ../shared (or the MOA fixtures) by its path."""
    @functools.lru_cache(maxsize=None)
    def read(path):
        if path.startswith("fixture:"):
            return (FIXTURES / path.removeprefix("fixture:")).read_text(encoding="utf-8")
        return (shared_mirror / path).read_text(encoding="utf-8")

    return read


# Mutations -------------------------------------------------------------------------------------------------

INSERTIONS = [
    # digits and the survey files' punctuation
    "0", "1", "5", "9", "00", "-", ".", ":", "#", "<", ">", ",", "+", "e", "_", "=", "/", "(", ")",
    # numbers that are numbers to float() but not to a survey
    "nan", "NaN", "inf", "-inf", "*****", "99999", "9" * 30, "1e999", "-1.00", "0.000", "1e-320",
    # whitespace, including what str.split() and str.splitlines() treat as such beyond ASCII
    " ", "  ", "\t", "\n", "\r", "\r\n", "\x0b", "\x0c", "\x1c", "\x85", "\xa0", "\u2028", "\u3000",
    # non-ASCII: letters, digits that are not 0-9 (superscript, Arabic-Indic, mathematical), signs, control
    "é", "ß", "ﬁ", "Δ", "±", "−", "²", "٣", "𝟘", "½", "\ufeff", "\x00", "\ufffd", "日",
    # markup and entities
    "<td>", "</td>", "<tr>", "</tr>", "<table>", "<b>", "<a href=x>", "<pre>", "</pre>", "<!--", "-->", "<![",
    "<!", "</html>", "<title>", "&", ";", "&#", "&#916", "&#x", "&lt;td&gt;", "&amp;",
    # the words the parsers look for
    "HJD ", "JD ", "MOA-", "OGLE-", "KMT-", "BLG", "-BLG-", "2025", "2017-Jan-", "T", "Remarks:", "RA:",
]
token = st.one_of(st.sampled_from(INSERTIONS), st.text(max_size=4))
# What a whole field (a number, a date, a name, a cell) may become.
FIELD_VALUES = ["", "-", ".", "0", "-0", "0.", ".5", "1.5.5", "00", "13", "24", "32", "60", "0000", "9999", "99999",
                "99999.", "99999.999", "999.999", "*****", "nan", "inf", "1e308", "1e-308", "²", "٣٣", "+-1", "1,5",
                "17:30:52.66", "-28:57:26.42", "24:00:00.00", "-90:00:00.0", "2017-Jan-28.", "2025-13-02.53",
                "KMT-2019-BLG-0001", "MOA-2025-BLG-0001", "OB190161", "MB17068", "<br>", "&nbsp;"]
field_value = st.one_of(st.sampled_from(FIELD_VALUES), st.integers(-10**6, 10**12).map(str),
                        st.floats().map(repr), st.text(max_size=6))

ERROR_PAGES = [
    '<!DOCTYPE HTML PUBLIC "-//IETF//DTD HTML 2.0//EN">\n<html><head>\n<title>404 Not Found</title>\n</head><body>\n'
    "<h1>Not Found</h1>\n<p>The requested URL was not found on this server.</p>\n</body></html>\n",
    "<html>\r\n<head><title>503 Service Temporarily Unavailable</title></head>\r\n<body>\r\n"
    "<center><h1>503 Service Temporarily Unavailable</h1></center>\r\n<hr><center>nginx</center>\r\n"
    "</body>\r\n</html>\r\n",
    "<!doctype html><html><head><meta charset=utf-8><title>Error</title></head><body><pre>Cannot GET "
    "/alerts/display/MOA-2025-BLG-0001</pre></body></html>",
    "<html><body><b>Warning</b>: mysqli_connect(): (HY000/2002): Connection refused in <b>/var/www/view.php</b> "
    "on line <b>3</b><br />\n</body></html>\n",
    "<html><head><title>403 Forbidden</title></head><body><h1>Forbidden</h1>You don't have permission to access "
    "this resource.<hr><address>Apache/2.4.29 (Ubuntu) Server</address></body></html>",
]


def delete(draw, text):
    start = draw(st.integers(0, len(text)))
    return text[:start] + text[start + draw(st.integers(1, 8)):]


def insert(draw, text):
    at = draw(st.integers(0, len(text)))
    return text[:at] + draw(token) + text[at:]


def replace(draw, text):
    start = draw(st.integers(0, len(text)))
    return text[:start] + draw(token) + text[start + draw(st.integers(1, 8)):]


def replace_field(draw, text):
    """A field (text between whitespace and tags) replaced by another value."""
    fields = [match.span() for match in re.finditer(r"[^\s<>]+", text)]
    if not fields:
        return text
    start, end = draw(st.sampled_from(fields))
    return text[:start] + draw(field_value) + text[end:]


def replace_digits(draw, text):
    """A run of digits replaced by another number as wide or wider: months 13, days 32, years 9999."""
    runs = [match.span() for match in re.finditer(r"[0-9]+", text)]
    if not runs:
        return text
    start, end = draw(st.sampled_from(runs))
    return text[:start] + str(draw(st.integers(0, 10 ** (end - start + 2)))).zfill(end - start) + text[end:]


def scramble_line(draw, text):
    """Several fields of one line replaced at once, so that values meet that depend on each other."""
    lines = text.splitlines(keepends=True)
    if not lines:
        return text
    at = draw(st.integers(0, len(lines) - 1))
    parts = re.split(r"([^\s<>]+)", lines[at])
    for i in range(1, len(parts), 2):
        if draw(st.integers(0, 3)) == 0:
            parts[i] = draw(field_value)
    lines[at] = "".join(parts)
    return "".join(lines)


# Digits other than 0-9: str.isdigit() and the regex \d accept them, int() and float() only some of them.
FOREIGN_DIGITS = {str(d): [chr(0x660 + d), chr(0xFF10 + d), chr(0x1D7CE + d), "⁰¹²³⁴⁵⁶⁷⁸⁹"[d]]
                  for d in range(10)}


def foreign_digit(draw, text):
    """One digit written in another script (Arabic-Indic, full-width, mathematical, superscript)."""
    digits = [match.start() for match in re.finditer(r"[0-9]", text)]
    if not digits:
        return text
    at = draw(st.sampled_from(digits))
    return text[:at] + draw(st.sampled_from(FOREIGN_DIGITS[text[at]])) + text[at + 1:]


def swap_lines(draw, text):
    lines = text.splitlines(keepends=True)
    if len(lines) < 2:
        return text
    i, j = draw(st.integers(0, len(lines) - 1)), draw(st.integers(0, len(lines) - 1))
    lines[i], lines[j] = lines[j], lines[i]
    return "".join(lines)


def duplicate_line(draw, text):
    lines = text.splitlines(keepends=True)
    if not lines:
        return text
    i, j = draw(st.integers(0, len(lines) - 1)), draw(st.integers(0, len(lines)))
    lines.insert(j, lines[i])
    return "".join(lines)


def delete_line(draw, text):
    lines = text.splitlines(keepends=True)
    if not lines:
        return text
    del lines[draw(st.integers(0, len(lines) - 1))]
    return "".join(lines)


def truncate(draw, text):
    return text[:draw(st.integers(0, len(text)))]


def error_page(draw, text):
    """The server's error page instead of the file, after part of it, or as the body of an HTML page."""
    page = draw(st.sampled_from(ERROR_PAGES))
    how = draw(st.sampled_from(["whole", "after", "body"]))
    if how == "whole":
        return page
    if how == "after":
        return text[:draw(st.integers(0, len(text)))] + page
    body = re.search(r"<body[^>]*>(.*)</body>", page, re.S | re.I).group(1)
    replaced = re.sub(r"(<body[^>]*>).*(</body>)", lambda m: m.group(1) + body + m.group(2), text,
                      flags=re.S | re.I)
    return replaced if replaced != text else page


MUTATIONS = [delete, insert, replace, replace_field, replace_digits, scramble_line, foreign_digit, swap_lines,
             duplicate_line, delete_line, truncate, error_page]


def mutate(draw, text):
    """`text` after one to four random edits."""
    for _ in range(draw(st.integers(1, 4))):
        text = draw(st.sampled_from(MUTATIONS))(draw, text)
    return text


mutated = st.composite(mutate)


def window(draw, text, sample):
    """The sample's head and tail lines around a window of its lines chosen by the fuzzer."""
    if sample.window is None:
        return text
    lines = text.splitlines(keepends=True)
    last_start = len(lines) - sample.tail - sample.window
    if last_start <= sample.head:
        return text
    start = draw(st.integers(sample.head, last_start))
    return "".join(lines[:sample.head] + lines[start:start + sample.window] + lines[len(lines) - sample.tail:])


@st.composite
def mutated_sample(draw, texts, parser):
    """(sample, mutated text): one of the parser's samples, windowed, then edited."""
    sample = draw(st.sampled_from(SAMPLES[parser]))
    return sample, mutate(draw, window(draw, texts(sample.path), sample))


# The contract ----------------------------------------------------------------------------------------------

def returns_or_raises_parse_error(call, source):
    """`call()`'s result, or None if it raised ParseError naming `source`; any other exception propagates."""
    try:
        return call()
    except ParseError as error:
        assert error.source == source, f"the ParseError names {error.source!r}, not {source!r}: {error}"
        assert error.line is None or (isinstance(error.line, int) and error.line >= 1), str(error)
        assert str(error), "a ParseError says what was expected"
        return None


def view_page_and_record(page_html, source):
    """parse_view_page, and view_record on every page it accepts."""
    view = kmtnet.parse_view_page(page_html, source)
    return kmtnet.view_record(view, source)


# Each parser as f(text, source, sample arguments).
PARSERS = {
    "lenses_par": lambda text, source, **_: ogle.parse_lenses_par(text, source),
    "params_dat": lambda text, source, **_: ogle.parse_params_dat(text, source),
    "phot_dat": lambda text, source, **_: ogle.parse_phot_dat(text, source),
    "last_changed": lambda text, source, **_: ogle.parse_last_changed(text, source),
    "listpage": lambda text, source, season=2019: kmtnet.parse_listpage(text, source, season),
    "view_page": lambda text, source, **_: view_page_and_record(text, source),
    "pysis": lambda text, source, **_: kmtnet.parse_pysis(text, source),
    "diapl": lambda text, source, **_: kmtnet.parse_diapl(text, source),
    "pysis_telescope_and_band": lambda text, source, **_: kmtnet.pysis_telescope_and_band(text, source, 1),
    "index_dat": lambda text, source, season=None: moa.parse_index_dat(text, source, season),
    "photometry": lambda text, source, **_: moa.parse_photometry(text, source),
    "moa2ogle": lambda text, source, **_: moa.parse_moa2ogle(text, source),
    "calendar_day_to_jd": lambda text, source, **_: moa.calendar_day_to_jd(text, source, 1),
    "alert_page": lambda text, source, **_: moa_pages.parse_alert_page(text, source),
    "display_page": lambda text, source, **_: moa_pages.parse_display_page(text, source),
    "moaprime_index": lambda text, source, season=None: moa_pages.parse_moaprime_index(text, source, season),
}


# Mutated real files and fixtures ---------------------------------------------------------------------------

@pytest.mark.parametrize("parser", [name for name in PARSERS if name in SAMPLES])
@mutation_settings
@given(data=st.data())
def test_mutated_file_parses_or_raises_parse_error(texts, parser, data):
    sample, text = data.draw(mutated_sample(texts, parser), label="sample, mutated text")
    returns_or_raises_parse_error(lambda: PARSERS[parser](text, sample.path, **sample.arguments), sample.path)


@pytest.fixture(scope="module")
def real_views(texts):
    """The real view pages, parsed."""
    return {path: kmtnet.parse_view_page(texts(f"{KMT}/{path}"), f"{KMT}/{path}") for path in VIEW_PAGES}


@mutation_settings
@given(data=st.data())
def test_view_record_from_mutated_values(real_views, data):
    """view_record on a real page's table whose values were edited: any label's text may be anything."""
    path = data.draw(st.sampled_from(VIEW_PAGES), label="page")
    source = f"{KMT}/{path}"
    view = real_views[path]
    labels = dict(view["labels"])
    for label in data.draw(st.lists(st.sampled_from(sorted(labels)), min_size=1, max_size=4), label="labels"):
        labels[label] = data.draw(st.one_of(mutated(labels[label]), token, st.text()), label=label)
    returns_or_raises_parse_error(lambda: kmtnet.view_record({**view, "labels": labels}, source), source)


@mutation_settings
@given(data=st.data())
def test_mutated_photometry_bytes(texts, data):
    """parse_photometry also takes bytes, gzipped or not: mutated text, gzipped, and then the bytes mutated."""
    sample, text = data.draw(mutated_sample(texts, "photometry"), label="sample, mutated text")
    source = sample.path
    payload = text.encode(data.draw(st.sampled_from(["utf-8", "latin-1"]), label="encoding"), errors="replace")
    if data.draw(st.booleans(), label="gzip"):
        payload = gzip.compress(payload, mtime=0)
    if data.draw(st.booleans(), label="mutate bytes"):
        at = data.draw(st.integers(0, len(payload)), label="at")
        how = data.draw(st.sampled_from(["truncate", "flip", "insert"]), label="how")
        if how == "truncate":
            payload = payload[:at]
        elif how == "flip" and at < len(payload):
            payload = payload[:at] + bytes([payload[at] ^ 0xFF]) + payload[at + 1:]
        else:
            payload = payload[:at] + data.draw(st.binary(min_size=1, max_size=4), label="bytes") + payload[at:]
    returns_or_raises_parse_error(lambda: moa.parse_photometry(payload, source), source)


@mutation_settings
@given(text=st.sampled_from(CALENDAR_DAYS).flatmap(mutated))
def test_mutated_calendar_day(text):
    returns_or_raises_parse_error(lambda: moa.calendar_day_to_jd(text, "alert.php", 3), "alert.php")


@mutation_settings
@given(name=st.sampled_from(PYSIS_FILE_NAMES).flatmap(mutated))
def test_mutated_pysis_file_name(name):
    returns_or_raises_parse_error(lambda: kmtnet.pysis_telescope_and_band(name, "view.php", 57), "view.php")


# Arbitrary text --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("parser", PARSERS)
@text_settings
@given(text=st.text())
def test_arbitrary_text_parses_or_raises_parse_error(parser, text):
    returns_or_raises_parse_error(lambda: PARSERS[parser](text, "fuzz"), "fuzz")


@text_settings
@given(data=st.binary())
def test_arbitrary_bytes_as_photometry(data):
    returns_or_raises_parse_error(lambda: moa.parse_photometry(data, "fuzz"), "fuzz")


@text_settings
@given(data=st.one_of(st.binary().map(lambda b: b"\x1f\x8b" + b),
                      st.tuples(st.binary(), st.integers(0, 40)).map(lambda t: gzip.compress(t[0], mtime=0)[:t[1]])))
def test_broken_gzip_as_photometry(data):
    """Bytes that start like gzip but are not a whole gzip stream."""
    returns_or_raises_parse_error(lambda: moa.parse_photometry(data, "fuzz"), "fuzz")
