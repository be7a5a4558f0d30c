"""KMTNet's times: it changes the zero-point between files and years, so each time is read by its value.

listpage t0 is HJD - 2450000 up to 2022 and HJD - 2400000 from 2023; pySIS files are HJD - 2450000 in
2018-2022 and full HJD in 2025; diapl files HJD - 2400000.
"""

from ..parsing import HJD_OFFSET, ParseError, hjd_minus_2450000, number

# The zero-points KMTNet has used, each with the range of values that identifies it. The gap between
# 1e4 and 4e4 is deliberate: HJD - 2450000 passed 10000 in February 2023, when the listpage had already
# moved to HJD - 2400000, so a value there matches no convention we have seen and is an error.
TIME_CONVENTIONS = [
    (0.0, 1e4, HJD_OFFSET, "HJD - 2450000"),
    (4e4, 1e5, 2400000, "HJD - 2400000"),
    (2.4e6, 2.5e6, 0, "full HJD"),
]


def time_offset(token, source, line):
    """What was subtracted from the full HJD to write `token`, judged by its value."""
    value = number(token, source, line, "a time")
    for low, high, offset, _ in TIME_CONVENTIONS:
        if low < value < high:
            return offset
    raise ParseError(source, line, "a time as full HJD (2.4e6-2.5e6), HJD - 2400000 (4e4-1e5) "
                                   "or HJD - 2450000 (0-1e4)", token)


def hjd_minus_2450000_any(token, source, line):
    """A KMTNet time in any of its conventions as HJD - 2450000, rounded to the published decimals.

    `2460726.83242`, `60726.83242` and `10726.83242` would all be read by value; here `8540.21006` is
    already HJD - 2450000, `60016.33245` gives `10016.33245` and `2460726.83242` gives `10726.83242`.
    """
    return hjd_minus_2450000(token, source, line, offset=time_offset(token, source, line))
