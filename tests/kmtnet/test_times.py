"""KMTNet's times: each read by its value as full HJD, HJD - 2400000 or HJD - 2450000."""

import pytest

from microlensing_to_sqlite.kmtnet.times import hjd_minus_2450000_any
from microlensing_to_sqlite.parsing import ParseError


@pytest.mark.parametrize("token, expected", [
    ("2460726.83242", 10726.83242),   # full HJD (pySIS 2025)
    ("60016.33245", 10016.33245),     # HJD - 2400000 (listpage 2023)
    ("58168.85148", 8168.85148),      # HJD - 2400000 (diapl)
    ("8540.21006", 8540.21006),       # HJD - 2450000 (listpage 2019)
    ("9630.83268", 9630.83268),       # HJD - 2450000 (pySIS 2022)
    ("2458171.2", 8171.2),
])
def test_hjd_minus_2450000_any(token, expected):
    assert hjd_minus_2450000_any(token, "x", 1) == expected


@pytest.mark.parametrize("token", ["10726.83242", "39999.9", "100000.5", "2399999.9", "2500000.1", "0", "-5.2",
                                   "nan", "inf", "946O.1", ""])
def test_hjd_minus_2450000_any_rejects_times_in_no_convention(token):
    with pytest.raises(ParseError):
        hjd_minus_2450000_any(token, "x", 7)
