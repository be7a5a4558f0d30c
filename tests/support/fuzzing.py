"""The fuzzing machinery shared by tests/<survey>/test_fuzz.py: the settings, the samples, the mutations and
the contract every parser is held to (bad input raises ParseError and nothing else).

A survey's fuzz module names its parsers and the real files that feed them and gets its two generic tests from
`fuzz_tests`. Each parser is fed (1) mutations of the real recorded files in tests/data/mirror and of the
hand-written MOA pages in tests/data/handwritten-moa (read in place, never copied), and (2) arbitrary text. A
mutation is one to four edits: characters deleted, inserted (digits, `-`, `.`, `:`, `#`, `<`, `>`, `nan`,
`*****`, `,`, whitespace, non-ASCII, markup) or replaced; a whole field, a run of digits or several fields of a
line replaced; a digit written in another script; lines swapped, duplicated or deleted; the text cut at any
point; or an HTML error page served instead of the file. Every call must return normally or raise a ParseError
that names the source it was given; any other exception (IndexError, ValueError, OverflowError, an astropy or bs4
error, ...) is a parser bug.

Deterministic for CI (derandomize, no example database) and small: big files are fuzzed through a window of their
lines (the header kept). `FUZZ_EXAMPLES=3000 .venv/bin/python -m pytest tests/*/test_fuzz.py` searches deeper.
"""

import functools
import os
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from microlensing_to_sqlite.parsing import ParseError
from tests.support.paths import RECORDED_MIRROR

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
    """A file to mutate: its path below `root` (the recorded mirror unless said otherwise), which is also the
    source named to the parser; which lines to keep whole (`head`, `tail`) around a window of `window` lines
    chosen by the fuzzer, so that big files stay fast to parse; and the parser's other arguments."""

    def __init__(self, path, head=0, window=None, tail=0, root=RECORDED_MIRROR, **arguments):
        self.path, self.head, self.window, self.tail, self.root = path, head, window, tail, root
        self.arguments = arguments

    def __repr__(self):
        return self.path

    @property
    def text(self):
        return read_text(self.root / self.path)


@functools.lru_cache(maxsize=None)
def read_text(path):
    """A sample file's text, read once."""
    return path.read_text(encoding="utf-8")


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
def mutated_sample(draw, samples):
    """(sample, mutated text): one of `samples`, windowed, then edited."""
    sample = draw(st.sampled_from(samples))
    return sample, mutate(draw, window(draw, sample.text, sample))


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


def fuzz_tests(parsers, samples):
    """A survey's two generic fuzz tests, for its `parsers` (name -> f(text, source, **sample arguments)) and
    the `samples` (name -> [Sample, ...]) of those that have real files: every parser with samples is fed
    their mutations, and every parser is fed arbitrary text."""

    @pytest.mark.parametrize("parser", list(samples))
    @mutation_settings
    @given(data=st.data())
    def test_mutated_file_parses_or_raises_parse_error(parser, data):
        sample, text = data.draw(mutated_sample(samples[parser]), label="sample, mutated text")
        returns_or_raises_parse_error(lambda: parsers[parser](text, sample.path, **sample.arguments), sample.path)

    @pytest.mark.parametrize("parser", list(parsers))
    @text_settings
    @given(text=st.text())
    def test_arbitrary_text_parses_or_raises_parse_error(parser, text):
        returns_or_raises_parse_error(lambda: parsers[parser](text, "fuzz"), "fuzz")

    return test_mutated_file_parses_or_raises_parse_error, test_arbitrary_text_parses_or_raises_parse_error


# The fast and the careful reading ----------------------------------------------------------------------------

def readings_agree(parse):
    """A parser that reads the text both ways (pandas' fast reading, and line by line with fast=False) and fails
    unless they agree: the same values, or a ParseError at the same line for the same reason."""
    def both(text, source, **arguments):
        outcomes = []
        for fast in (True, False):
            try:
                outcomes.append(("read", parse(text, source, fast=fast, **arguments)))
            except ParseError as error:
                outcomes.append(("refused", error.line, error.reason))
        assert outcomes[0] == outcomes[1], f"the fast reading gave {outcomes[0]!r:.300}, line by line {outcomes[1]!r:.300}"
        if outcomes[0][0] == "refused":
            parse(text, source, fast=False, **arguments)  # raise the ParseError, as the contract wants
        return outcomes[0][1]
    return both
