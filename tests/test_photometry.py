"""Points in fixed point (microlensing_to_sqlite/photometry.py): every published decimal kept, stored as integers."""

import numpy
import pytest

from microlensing_to_sqlite.photometry import Points, fewest_decimals


@pytest.mark.parametrize("values, decimals", [
    ([10746.661, 7790.87823], 5), ([18.48, 18.426], 3), ([849.0, 646.0], 0), ([0.139613], 6), ([], 0),
    ([1.25, numpy.nan], 2), ([-607.3898], 4),
])
def test_fewest_decimals(values, decimals):
    assert fewest_decimals(numpy.array(values, dtype=float)) == decimals


def test_a_time_less_an_offset_keeps_the_published_decimals():
    # 2460746.661 - 2450000 is 10746.661000000034 in floating point; the survey wrote 10746.661.
    points = Points(hjd=numpy.array([2460746.661]) - 2450000)
    assert points.rows() == [(10746.661,)]


def test_values_given_as_published_are_unchanged():
    mags = [float(token) for token in ("17.0141", "0.0101", "16.9898")]
    assert Points(hjd=[1.0, 2.0, 3.0], mag=mags).columns["mag"].tolist() == mags


def test_missing_values_are_none():
    assert Points(hjd=[1.0], sky=[numpy.nan]).rows() == [(1.0, None)]


def test_rows_of_absent_columns_are_none():
    assert Points(hjd=[1.0]).rows(["hjd", "mag"]) == [(1.0, None)]


def test_in_time_order_sorts_and_keeps_the_first_of_a_repeated_time():
    points = Points(hjd=[3.0, 1.0, 3.0, 2.0], mag=[30.0, 10.0, 31.0, 20.0]).in_time_order()
    assert points.rows() == [(1.0, 10.0), (2.0, 20.0), (3.0, 30.0)]


def test_stored_values_are_whole_numbers_of_the_unit():
    stored = Points(hjd=[10746.661, 10747.12345], mag=[18.48, 18.426]).stored()
    assert stored == {"hjd": (1e5, [1074666100, 1074712345]), "mag": (1e3, [18480, 18426])}


def test_stored_missing_values_are_none():
    assert Points(hjd=[1.0, 2.0], sky=[849.0, numpy.nan]).stored()["sky"] == (1.0, [849, None])


def test_stored_integers_divided_by_their_unit_give_the_published_value():
    published = ["10746.66100", "7790.87823", "0.00001", "12345.67891"]
    unit, integers = Points(hjd=[float(t) for t in published]).stored()["hjd"]
    assert [i / unit for i in integers] == [float(t) for t in published]


def test_joined_points_follow_each_other():
    one, two = Points(hjd=[1.0], mag=[10.0]), Points(hjd=[2.0], mag=[20.0])
    assert one.joined([two]).rows() == [(1.0, 10.0), (2.0, 20.0)]


def test_from_rows_names_the_columns():
    assert Points.from_rows(["hjd", "fwhm"], [(1.0, None), (2.0, 3.93)]).rows() == [(1.0, None), (2.0, 3.93)]


def test_an_unknown_column_is_refused():
    with pytest.raises(ValueError):
        Points(hjd=[1.0], brightness=[2.0])
