"""What a site can observe in a night (visibility.observable_tonight, tonight.py) against astroplan's own
answer, the Sun and the Moon."""

import datetime

import numpy
import pytest

from microlensing_to_sqlite import tonight, visibility
from microlensing_to_sqlite.fit.model import magnification_at
from microlensing_to_sqlite.formulas import magnitude_of

BULGE = (268.5, -29.2)
BUILT = datetime.date(2026, 6, 1)


def test_the_hours_are_astroplans_own_observability():
    import astropy.units as u
    from astropy.coordinates import SkyCoord
    from astroplan import FixedTarget, observability_table
    day = datetime.date(2026, 6, 15)
    positions = [BULGE, (255.0, -20.0), (10.0, 40.0), (280.0, -5.0)]
    ours = visibility.observable_tonight("ctio", day, *zip(*positions))
    observer, evening, morning = visibility.night_at("ctio", day)
    targets = [FixedTarget(SkyCoord(ra * u.deg, dec * u.deg)) for ra, dec in positions]
    theirs = observability_table(visibility.ground_constraints(), observer, targets,
                                 time_range=[evening, morning], time_grid_resolution=10 * u.min)
    night_hours = (morning - evening).to(u.hour).value
    expected = numpy.array(theirs["fraction of time observable"]) * night_hours
    assert ours["hours"] == pytest.approx(expected, abs=0.2)  # one step of the grid
    assert ours["hours"][0] > 8 and ours["hours"][2] == 0


def test_the_bulge_from_las_campanas_by_season_and_moon():
    hours = {day: visibility.observable_tonight("lco", day, [BULGE[0]], [BULGE[1]])["hours"][0]
             for day in (datetime.date(2026, 6, 15), datetime.date(2026, 12, 20), datetime.date(2026, 6, 1))}
    assert hours[datetime.date(2026, 6, 15)] > 8           # the middle of the bulge season
    assert hours[datetime.date(2026, 12, 20)] == 0         # behind the Sun
    assert hours[datetime.date(2026, 6, 1)] == 0           # the full Moon 3 degrees from the bulge


def test_the_first_and_last_times_bound_the_hours():
    found = visibility.observable_tonight("saao", datetime.date(2026, 7, 1), [BULGE[0]], [BULGE[1]])
    first, last = (datetime.datetime.fromisoformat(found[k][0]) for k in ("first", "last"))
    assert (last - first).total_seconds() / 3600 + 1 / 6 == pytest.approx(found["hours"][0], abs=0.01)
    assert 1 <= found["best_airmass"][0] < 1.1


def test_no_night_where_the_sun_stays_up():
    found = visibility.observable_tonight("mtjohn", datetime.date(2026, 12, 21), [BULGE[0]], [BULGE[1]])
    assert found["night"] is not None  # Mt John at 44 S has a short astronomical night at midsummer
    assert visibility.observable_tonight("lco", datetime.date(2026, 6, 15), [], [])["hours"] == []


@pytest.mark.parametrize("site, day, min_tE, words", [
    ("nowhere", "2026-06-15", "", "unknown site"), ("lco", "15/06/2026", "", "not a date"),
    ("lco", "2030-01-01", "", "more than 400 days"), ("lco", "2026-06-15", "long", "not a number"),
    ("lco", "2026-06-15", "nan", "finite")])
def test_bad_requests_say_what_was_expected(site, day, min_tE, words):
    with pytest.raises(tonight.TonightError, match=words):
        tonight.parse_request(site, day, min_tE, BUILT)


def test_the_predicted_magnitude_is_the_fits_model():
    row = {"t0": 11200.0, "u0": 0.2, "tE": 80.0, "piE_N": None, "piE_E": None, "kind": "pspl", "t0_par": None,
           "source_flux": 2.0, "blend_flux": 1.0, "ra": BULGE[0], "dec": BULGE[1]}
    a = magnification_at([11210.0], {"t0": 11200.0, "u0": 0.2, "tE": 80.0})[0]
    assert tonight.predicted_magnitude(row, 11210.0) == round(float(magnitude_of(2.0 * a + 1.0)), 2)
    with_parallax = {**row, "kind": "pspl+parallax", "piE_N": 0.2, "piE_E": 0.1, "t0_par": 11200.0}
    assert tonight.predicted_magnitude(with_parallax, 11330.0) != tonight.predicted_magnitude(row, 11330.0)
    assert tonight.predicted_magnitude({**row, "source_flux": None}, 11210.0) is None
