"""Fuzzing MOA's parsers (index.dat, alert.php, display.php, the moaprime index and event page, fetchtxt and
archive photometry, moa2ogle.txt, calendar days) with mutations of the real files in tests/data/mirror and of
the hand-written pages in tests/data/handwritten-moa, and with arbitrary text and bytes: bad input raises
ParseError and nothing else (tests/support/fuzzing.py says how; `FUZZ_EXAMPLES=3000` searches deeper)."""

import gzip

from hypothesis import given
from hypothesis import strategies as st

from microlensing_to_sqlite.moa.alert_page import parse_alert_page
from microlensing_to_sqlite.moa.display_page import parse_display_page
from microlensing_to_sqlite.moa.index_dat import parse_index_dat
from microlensing_to_sqlite.moa.moa2ogle import parse_moa2ogle
from microlensing_to_sqlite.moa.photometry import parse_photometry
from microlensing_to_sqlite.moa.prime_index import parse_moaprime_index
from microlensing_to_sqlite.moa.times import calendar_day_to_jd
from tests.support.fuzzing import (Sample, readings_agree, fuzz_tests, mutated, mutated_sample, mutation_settings,
                                   returns_or_raises_parse_error, text_settings)
from tests.support.paths import HANDWRITTEN_MOA


def handwritten(name):
    """A page of tests/data/handwritten-moa, for which no real copy exists."""
    return Sample(name, root=HANDWRITTEN_MOA)


# Which recorded or hand-written file feeds which parser (as in tests/moa/test_*.py).
SAMPLES = {
    "index_dat": [Sample("www.massey.ac.nz/~iabond/moa/alert2017/index.dat", season=2017),
                  Sample("www.massey.ac.nz/~iabond/moa/alert2024/index.dat", window=10, season=2024)],
    # 106 table rows of 10 lines each: the head up to the first row, 4 rows, and the closing tags.
    "moaprime_index": [Sample("moaprime.massey.ac.nz/alerts/index/moa/2025", head=24, window=40, tail=3,
                              season=2025)],
    "photometry": [handwritten("fetchtxt.phot-gb2-R-2-19629.html")],
    "moa2ogle": [handwritten("moa2ogle.2017.txt"), handwritten("fetchtxt.moa2ogle.2016.html")],
    "alert_page": [handwritten("alert.php.2017.html")],
    "display_page": [handwritten("display.php.gb2-R-2-19629.html"),
                     handwritten("moaprime.display.MOA-2025-BLG-0001.html")],
}
# Short texts, fuzzed as whole strings.
CALENDAR_DAYS = ["2017-Jan-28.55", "2025-02-02.53", "2016-Nov-6.70", "2025-3-4", "2024-Dec-31.99"]

# Each parser as f(text, source, sample arguments).
PARSERS = {
    "index_dat": lambda text, source, season=None: parse_index_dat(text, source, season),
    # Photometry is read fast (pandas) when it is plainly written: both readings must agree.
    "photometry": readings_agree(parse_photometry),
    "moa2ogle": lambda text, source, **_: parse_moa2ogle(text, source),
    "calendar_day_to_jd": lambda text, source, **_: calendar_day_to_jd(text, source, 1),
    "alert_page": lambda text, source, **_: parse_alert_page(text, source),
    "display_page": lambda text, source, **_: parse_display_page(text, source),
    "moaprime_index": lambda text, source, season=None: parse_moaprime_index(text, source, season),
}

test_mutated_file_parses_or_raises_parse_error, test_arbitrary_text_parses_or_raises_parse_error = \
    fuzz_tests(PARSERS, SAMPLES)


@mutation_settings
@given(data=st.data())
def test_mutated_photometry_bytes(data):
    """parse_photometry also takes bytes, gzipped or not: mutated text, gzipped, and then the bytes mutated."""
    sample, text = data.draw(mutated_sample(SAMPLES["photometry"]), label="sample, mutated text")
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
    returns_or_raises_parse_error(lambda: parse_photometry(payload, source), source)


@mutation_settings
@given(text=st.sampled_from(CALENDAR_DAYS).flatmap(mutated))
def test_mutated_calendar_day(text):
    returns_or_raises_parse_error(lambda: calendar_day_to_jd(text, "alert.php", 3), "alert.php")


@text_settings
@given(data=st.binary())
def test_arbitrary_bytes_as_photometry(data):
    returns_or_raises_parse_error(lambda: parse_photometry(data, "fuzz"), "fuzz")


@text_settings
@given(data=st.one_of(st.binary().map(lambda b: b"\x1f\x8b" + b),
                      st.tuples(st.binary(), st.integers(0, 40)).map(lambda t: gzip.compress(t[0], mtime=0)[:t[1]])))
def test_broken_gzip_as_photometry(data):
    """Bytes that start like gzip but are not a whole gzip stream."""
    returns_or_raises_parse_error(lambda: parse_photometry(data, "fuzz"), "fuzz")
