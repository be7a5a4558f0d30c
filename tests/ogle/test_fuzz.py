"""Fuzzing OGLE's parsers (lenses.par, params.dat, phot.dat) with mutations of the real files in
tests/data/mirror and with arbitrary text: bad input raises ParseError and nothing else (tests/support/fuzzing.py
says how; `FUZZ_EXAMPLES=3000` searches deeper)."""

from microlensing_to_sqlite.ogle.lenses_par import parse_lenses_par
from microlensing_to_sqlite.ogle.params_dat import parse_params_dat
from microlensing_to_sqlite.ogle.phot_dat import parse_phot_dat
from tests.support.fuzzing import Sample, fuzz_tests, readings_agree

# The mirror's folder of OGLE's EWS data files.
EWS = "www.astrouw.edu.pl/ogle/ogle4/ews"

# Which recorded file feeds which parser (as in tests/ogle/test_*.py).
SAMPLES = {
    "lenses_par": [Sample(f"{EWS}/2015/lenses.par"), Sample(f"{EWS}/2025/lenses.par"),
                   # 1927 events: a window of 20 of them under the header.
                   Sample(f"{EWS}/2016/lenses.par", head=2, window=20)],
    "params_dat": [Sample(f"{EWS}/2025/{event}/params.dat")
                   for event in ("blg-0001", "blg-0006", "blg-0013", "blg-0070")],
    "phot_dat": [Sample(f"{EWS}/{event}/phot.dat", window=20)
                 for event in ("2025/blg-0001", "2025/blg-0070", "2025/blg-0368", "2023/blg-0348")],
}

# Each parser as f(text, source, sample arguments).
PARSERS = {
    "lenses_par": lambda text, source, **_: parse_lenses_par(text, source),
    "params_dat": lambda text, source, **_: parse_params_dat(text, source),
    # phot.dat is read fast (pandas) when it is plainly written: both readings must agree.
    "phot_dat": readings_agree(parse_phot_dat),
}

test_mutated_file_parses_or_raises_parse_error, test_arbitrary_text_parses_or_raises_parse_error = \
    fuzz_tests(PARSERS, SAMPLES)
