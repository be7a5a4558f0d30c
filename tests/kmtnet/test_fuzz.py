"""Fuzzing KMTNet's parsers (listpage.dat, view.php and the record made from it, pySIS and its file names,
DIAPL) with mutations of the real files in tests/data/mirror and with arbitrary text: bad input raises
ParseError and nothing else (tests/support/fuzzing.py says how; `FUZZ_EXAMPLES=3000` searches deeper)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from microlensing_to_sqlite.kmtnet.diapl import parse_diapl
from microlensing_to_sqlite.kmtnet.listpage import parse_listpage
from microlensing_to_sqlite.kmtnet.pysis import parse_pysis, pysis_telescope_and_band
from microlensing_to_sqlite.kmtnet.view_page import parse_view_page, view_record
from tests.support.fuzzing import (Sample, readings_agree, fuzz_tests, mutated, mutation_settings, read_text,
                                   returns_or_raises_parse_error, token)
from tests.support.paths import RECORDED_MIRROR

# The mirror's folder of KMTNet's event pages.
EVENT = "kmtnet.kasi.re.kr/~ulens/event"
PYSIS = ["2021/data/KB211122/pysis/KMTA14_I.pysis", "2021/data/KB211122/pysis/KMTA14_V.pysis",
         "2022/data/KB220001/pysis/KMTC01_I.pysis", "2025/data/KB250001/pysis/KMTA41_I.pysis",
         "2025/data/KB250001/pysis/KMTC01_I.pysis", "2025/data/KB250001/pysis/KMTC41_I.pysis"]
VIEW_PAGES = ["2016/view.php?event=KMT-2016-BLG-1000", "2019/view.php?event=KMT-2019-BLG-0001"]
PYSIS_FILE_NAMES = [path.rsplit("/", 1)[1] for path in PYSIS] + ["KMTS15_I.pysis"]

# Which recorded file feeds which parser (as in tests/kmtnet/test_*.py).
SAMPLES = {
    "listpage": [Sample(f"{EVENT}/{season}/listpage.dat", season=season) for season in range(2016, 2027)],
    "view_page": [Sample(f"{EVENT}/{path}") for path in VIEW_PAGES],
    "pysis": [Sample(f"{EVENT}/{path}", head=1, window=20) for path in PYSIS],
    "diapl": [Sample(f"{EVENT}/2025/data/KB250001/diapl/KMTC01_I.diapl")],
}


def view_page_and_record(page_html, source):
    """parse_view_page, and view_record on every page it accepts."""
    return view_record(parse_view_page(page_html, source), source)


# Each parser as f(text, source, sample arguments).
PARSERS = {
    "listpage": lambda text, source, season=2019: parse_listpage(text, source, season),
    "view_page": lambda text, source, **_: view_page_and_record(text, source),
    # pySIS is read fast (pandas) when it is plainly written: both readings must agree.
    "pysis": readings_agree(parse_pysis),
    "diapl": lambda text, source, **_: parse_diapl(text, source),
    "pysis_telescope_and_band": lambda text, source, **_: pysis_telescope_and_band(text, source, 1),
}

test_mutated_file_parses_or_raises_parse_error, test_arbitrary_text_parses_or_raises_parse_error = \
    fuzz_tests(PARSERS, SAMPLES)


@pytest.fixture(scope="module")
def real_views():
    """The real view pages, parsed."""
    return {path: parse_view_page(read_text(RECORDED_MIRROR / EVENT / path), f"{EVENT}/{path}")
            for path in VIEW_PAGES}


@mutation_settings
@given(data=st.data())
def test_view_record_from_mutated_values(real_views, data):
    """view_record on a real page's table whose values were edited: any label's text may be anything."""
    path = data.draw(st.sampled_from(VIEW_PAGES), label="page")
    source = f"{EVENT}/{path}"
    view = real_views[path]
    labels = dict(view["labels"])
    for label in data.draw(st.lists(st.sampled_from(sorted(labels)), min_size=1, max_size=4), label="labels"):
        labels[label] = data.draw(st.one_of(mutated(labels[label]), token, st.text()), label=label)
    returns_or_raises_parse_error(lambda: view_record({**view, "labels": labels}, source), source)


@mutation_settings
@given(name=st.sampled_from(PYSIS_FILE_NAMES).flatmap(mutated))
def test_mutated_pysis_file_name(name):
    returns_or_raises_parse_error(lambda: pysis_telescope_and_band(name, "view.php", 57), "view.php")
