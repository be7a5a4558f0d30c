"""What MOA's lists and pages share (moa/fields.py): names, internal ids and positions, checked against robonet's
real summary of the 618 MOA alerts of 2016 (built from index.dat and alert.php: not a MOA format itself)."""

import functools

import pytest

from microlensing_to_sqlite.formulas import degrees_to_sexagesimal, separation_arcsec
from microlensing_to_sqlite.moa.fields import INTERNAL_ID, parse_name, position
from tests.support.malformed import assert_parse_error
from tests.support.moa_pages import excerpt, name

ROBONET_2016 = "moa_lenses.par.2016.robonet_derived"


@functools.lru_cache(maxsize=None)
def robonet_2016():
    """The rows of robonet's summary: name, internal id, RA, Dec (degrees), T0, tE, u0, A0, I0, assessment."""
    return [line.split() for line in excerpt(ROBONET_2016).splitlines() if not line.startswith("#")]


@pytest.mark.parametrize("text, expected", [
    ("2017-BLG-001", name(2017, 1)), ("MOA-2025-BLG-0001", name(2025, 1)), ("2017-LMC-001", name(2017, 1, "LMC")),
])
def test_parse_name(text, expected):
    assert parse_name(text, "index.dat", 1) == expected


def test_parse_name_refuses_a_number_without_its_zeros():
    assert_parse_error(lambda text, source: parse_name(text, source, 3), "2017-BLG-4", "alert.php", 3)


def test_robonet_2016_summary_has_618_events():
    assert sorted(parse_name(row[0], ROBONET_2016, None) for row in robonet_2016()) == [
        name(2016, n) for n in range(1, 619)]


def test_every_internal_id_of_2016_has_the_pattern():
    assert [row[1] for row in robonet_2016() if not INTERNAL_ID.fullmatch(row[1])] == []


def test_every_position_of_2016_is_in_the_bulge():
    # Within 15 degrees of the Galactic centre (RA 266.417, Dec -29.008): MOA's bulge fields.
    positions = [position(row[2], row[3], ROBONET_2016, None) for row in robonet_2016()]
    assert max(separation_arcsec(p["ra"], p["dec"], 266.417, -29.008) for p in positions) < 15 * 3600


def test_a_position_in_degrees_is_written_as_alert_php_writes_it():
    assert position("268.434977871", "-34.2212870236", "index.dat", 1) == {
        "ra": 268.434977871, "dec": -34.2212870236, "ra_hms": "17:53:44.39", "dec_dms": "-34:13:16.63"}


def test_a_sexagesimal_ra_loses_moaprime_plus():
    assert position("+17:46:35.1227", "-34:17:13.1701", "moaprime", 1)["ra_hms"] == "17:46:35.1227"


@pytest.mark.parametrize("value, hours, text", [
    (268.434977871, True, "17:53:44.39"), (-34.2212870236, False, "-34:13:16.63"), (359.9999999, True, "00:00:00.00"),
    (-0.0000001, False, "00:00:00.00"), (-0.5, False, "-00:30:00.00"),
])
def test_degrees_to_sexagesimal(value, hours, text):
    assert degrees_to_sexagesimal(value, hours) == text
