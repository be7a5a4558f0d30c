"""What every parser shares: numbers, times and angles that raise ParseError naming the file and the line."""

import pytest

from microlensing_to_sqlite.parsing import ParseError, sexagesimal_to_degrees


@pytest.mark.parametrize("ra", ["-01:00:00.00", "24:00:00.00"])
def test_ra_outside_0_to_24_hours_is_a_parse_error(ra):
    with pytest.raises(ParseError):
        sexagesimal_to_degrees(ra, hours=True, source="x", line=1)
