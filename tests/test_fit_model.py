"""The vectorised point-lens chi2 the joint fit searches with is MulensModel's, with and without parallax."""

import MulensModel
import numpy
import pytest

from microlensing_to_sqlite import formulas
from microlensing_to_sqlite.fit import model
from microlensing_to_sqlite.fit.model import HJD_OFFSET, JointData

COORDS = "17:55:12.0 -29:30:00.0"
T0_PAR = 10850.0
PARALLAX = {"t0": 10851.3, "u0": -0.21, "tE": 140.0, "piE_N": 0.12, "piE_E": -0.07}
POINT_LENS = {"t0": 10851.3, "u0": 0.21, "tE": 24.0}


def datasets(seed=3):
    """Three datasets of blended photometry with unit-ish scatter, over two bulge seasons."""
    rng = numpy.random.default_rng(seed)
    found = []
    for base, fraction in [(18.0, 0.9), (18.4, 0.6), (17.7, 0.4)]:
        hjd = numpy.sort(rng.uniform(10700, 11000, 300))
        a = formulas.magnification(formulas.separation(hjd, 10850.0, 30.0, 0.3))
        mag = base - 2.5 * numpy.log10(fraction * a + 1 - fraction) + rng.normal(0, 0.01, len(hjd))
        found.append((hjd, mag, numpy.full(len(hjd), 0.01)))
    return found


def mulensmodel_event(parameters, parallax):
    values = {"t_0": parameters["t0"] + HJD_OFFSET, "u_0": parameters["u0"], "t_E": parameters["tE"]}
    if parallax:
        values.update(pi_E_N=parameters["piE_N"], pi_E_E=parameters["piE_E"], t_0_par=T0_PAR + HJD_OFFSET)
    data = [MulensModel.MulensData([hjd + HJD_OFFSET, mag, err], phot_fmt="mag") for hjd, mag, err in datasets()]
    return MulensModel.Event(datasets=data, model=MulensModel.Model(values, coords=COORDS), coords=COORDS)


def joint(parallax):
    found = datasets()
    offsets = model.parallax_offsets(numpy.concatenate([d[0] for d in found]), COORDS, T0_PAR) if parallax else None
    return JointData(found, offsets)


@pytest.mark.parametrize("parameters, parallax", [(POINT_LENS, False), (PARALLAX, True)])
def test_chi2_is_mulensmodels(parameters, parallax):
    assert joint(parallax).chi2(parameters) == pytest.approx(mulensmodel_event(parameters, parallax).get_chi2(),
                                                             rel=1e-9)


@pytest.mark.parametrize("parameters, parallax", [(POINT_LENS, False), (PARALLAX, True)])
def test_fluxes_are_mulensmodels(parameters, parallax):
    event = mulensmodel_event(parameters, parallax)
    event.get_chi2()
    _, source, blend, *_ = joint(parallax).evaluate(parameters)
    assert source == pytest.approx([fit.source_flux for fit in event.fits], rel=1e-8)
    assert blend == pytest.approx([fit.blend_flux for fit in event.fits], rel=1e-6)


@pytest.mark.parametrize("parameters, parallax", [(POINT_LENS, False), (PARALLAX, True)])
def test_gradient_is_mulensmodels(parameters, parallax):
    names = list(parameters)
    mulensmodel_names = ["t_0", "u_0", "t_E", "pi_E_N", "pi_E_E"][:len(names)]
    expected = mulensmodel_event(parameters, parallax).get_chi2_gradient(mulensmodel_names)
    assert joint(parallax).chi2_and_gradient(parameters, names)[1] == pytest.approx(expected, rel=1e-6)


def test_magnification_with_parallax_is_mulensmodels():
    hjd = numpy.linspace(10700, 11000, 50)
    theirs = MulensModel.Model({"t_0": PARALLAX["t0"] + HJD_OFFSET, "u_0": PARALLAX["u0"], "t_E": PARALLAX["tE"],
                               "pi_E_N": PARALLAX["piE_N"], "pi_E_E": PARALLAX["piE_E"],
                               "t_0_par": T0_PAR + HJD_OFFSET}, coords=COORDS)
    assert model.magnification_at(hjd, PARALLAX, (COORDS, T0_PAR)) == \
        pytest.approx(theirs.get_magnification(hjd + HJD_OFFSET), rel=1e-8)  # the offsets' grid: 2e-8 AU


def blended(source, blend, error=0.01):
    """Points of an event whose dataset has these source and blend fluxes, and its fluxes as fitted."""
    hjd = numpy.linspace(10800, 10900, 200)
    a = formulas.magnification(formulas.separation(hjd, 10850.0, 20.0, 0.3))
    data = JointData([(hjd, formulas.magnitude_of(source * a + blend), numpy.full(200, error))])
    _, fitted_source, fitted_blend, held, *_ = data.evaluate({"t0": 10850.0, "u0": 0.3, "tE": 20.0})
    return data, fitted_source[0], fitted_blend[0], bool(held[0])


def test_a_negative_blend_as_published_for_ogle_2014_blg_0939_is_fitted_free():
    data, source, blend, held = blended(1.0, -0.16)  # Yee et al. 2015: fb = -0.16 fs
    assert data.blend_floor[0] == pytest.approx(-0.25 * numpy.median(data.flux))
    assert (source, blend, held) == (pytest.approx(1.0), pytest.approx(-0.16), False)


def test_a_blend_below_its_floor_is_held_there():
    # Fainter at the peak than a pure source would be, by far more than the floor: fb = -0.4 fs.
    data, source, blend, held = blended(1.0, -0.4)
    assert (blend, held) == (pytest.approx(data.blend_floor[0]), True)
    assert source > 0


def test_a_negative_source_is_held_at_zero():
    hjd = numpy.linspace(10800, 10900, 200)
    a = formulas.magnification(formulas.separation(hjd, 10850.0, 20.0, 0.3))
    _, source, blend, held, *_ = JointData([(hjd, formulas.magnitude_of(30 - 0.5 * a), numpy.full(200, 0.01))]).evaluate(
        {"t0": 10850.0, "u0": 0.3, "tE": 20.0})
    assert (source[0], bool(held[0])) == (0.0, True)
    assert blend[0] > 0


def test_a_dataset_that_sees_no_magnification_is_fitted_by_its_constant_flux():
    hjd = numpy.linspace(10000, 10100, 50)
    data = JointData([(hjd, numpy.full(50, 18.0), numpy.full(50, 0.01))])
    far_away = {"t0": 10850.0, "u0": 0.01, "tE": 0.1}
    _, source, blend, *_ = data.evaluate(far_away)
    assert source[0] + blend[0] == pytest.approx(formulas.flux_of(18.0)[0])
    assert data.chi2(far_away) == pytest.approx(0.0, abs=1e-9)


def test_parallax_offsets_keep_nothing_per_event():
    """MulensModel keeps every offset it computes in a class attribute; ours keep one table for every event."""
    MulensModel.Trajectory._get_delta_annual_results.clear()
    model.parallax_offsets(numpy.linspace(10700, 11000, 10), COORDS, T0_PAR)
    model.mulensmodel_offsets(numpy.linspace(10700, 11000, 10), COORDS, T0_PAR)
    assert MulensModel.Trajectory._get_delta_annual_results == {} and len(model._earth_table) == 1


def test_parallax_offsets_from_the_earths_table_are_mulensmodels_at_every_point():
    """Points anywhere in the table (and beyond it, where ERFA gives each), in any frame: within 2e-8 AU of
    MulensModel's own offsets at each point (a piE of 0.5 turns that into 1e-8 Einstein radii); and the same
    times give the same offsets whatever was asked before (a fit must not depend on the order of events)."""
    rng = numpy.random.default_rng(5)
    beyond = model.earth_table()[1]
    for t0_par, first, last in ((T0_PAR, 10000, 11100), (T0_PAR, 10500, 10700), (T0_PAR, 5000, 12000),
                                (7000.0, 6000, 8000), (T0_PAR, beyond - 300, beyond + 300)):
        hjd = numpy.sort(rng.uniform(first, last, 5000))
        north, east = model.parallax_offsets(hjd, COORDS, t0_par)
        exact_north, exact_east = model.mulensmodel_offsets(hjd, COORDS, t0_par)
        assert numpy.max(numpy.abs(north - exact_north)) < 2e-8
        assert numpy.max(numpy.abs(east - exact_east)) < 2e-8
    hjd = numpy.linspace(10600, 10900, 500)
    again = model.parallax_offsets(hjd, COORDS, T0_PAR)
    model._earth_table.clear()
    assert numpy.array_equal(model.parallax_offsets(hjd, COORDS, T0_PAR)[0], again[0])


def test_chi2_of_many_parameter_sets_at_once_is_each_ones_chi2():
    data = joint((COORDS, T0_PAR))
    rng = numpy.random.default_rng(3)
    many = {name: PARALLAX[name] * (1 + rng.normal(0, 0.05, 7)) for name in ("t0", "u0", "tE", "piE_N", "piE_E")}
    many["u0"][0] = -many["u0"][0]  # both signs
    expected = [data.chi2({name: values[i] for name, values in many.items()}) for i in range(7)]
    assert data.chi2_many(many) == pytest.approx(expected, rel=1e-9)


def test_chi2_of_many_is_each_ones_where_fluxes_are_held():
    """chi2_many expands the chi2 in per-dataset sums: it must agree where a blend is held at its floor and where
    a source is held at 0, as well as where both are free."""
    hjd = numpy.linspace(10800, 10900, 200)
    a = formulas.magnification(formulas.separation(hjd, 10850.0, 20.0, 0.3))
    error = numpy.full(200, 0.01)
    data = JointData([(hjd, formulas.magnitude_of(a - 0.16), error), (hjd, formulas.magnitude_of(a - 0.4), error),
                      (hjd, formulas.magnitude_of(30 - 0.5 * a), error)])
    many = {"t0": numpy.array([10850.0, 10849.0, 10852.0]), "u0": numpy.array([0.3, 0.25, -0.35]),
            "tE": numpy.array([20.0, 22.0, 18.0])}
    assert [bool(held) for held in data.evaluate({"t0": 10850.0, "u0": 0.3, "tE": 20.0})[3]] == [False, True, True]
    expected = [data.chi2({name: values[i] for name, values in many.items()}) for i in range(3)]
    assert data.chi2_many(many) == pytest.approx(expected, rel=1e-9)


def test_the_largest_astrometric_shift_is_where_u_is_root_two():
    # Without parallax: t0 +- tE sqrt(2 - u0^2).
    point_lens = {"t0": 10850.0, "u0": 0.3, "tE": 40.0}
    before, after = model.largest_shift_times(point_lens)
    offset = 40.0 * (2 - 0.3 ** 2) ** 0.5
    assert (before, after) == (pytest.approx(10850.0 - offset, abs=1e-3), pytest.approx(10850.0 + offset, abs=1e-3))
    # With parallax, on the trajectory itself.
    times = model.largest_shift_times(PARALLAX, (COORDS, T0_PAR))
    north, east = model.parallax_offsets(numpy.array(times), COORDS, T0_PAR)
    tau, beta = model.trajectory(numpy.array(times), PARALLAX, north, east)
    assert numpy.hypot(tau, beta) == pytest.approx([2 ** 0.5] * 2, abs=1e-3)
    assert times[0] < PARALLAX["t0"] < times[1]
    # Never that close: no date.
    assert model.largest_shift_times({"t0": 10850.0, "u0": 1.6, "tE": 40.0}) == (None, None)


@pytest.mark.parametrize("u0", [0.3, 0.05, 0.01])
def test_the_samplers_nightly_bins_keep_every_chi2_difference_on_real_cadences(ogle_file, u0):
    """The posterior samples chi2 of nightly bins (JointData.binned). On the real times and errors of two recorded
    OGLE events (4,519 and 2,995 points, 4 a night), a SYNTHETIC long parallax event, bright to very highly
    magnified: 300 parameter sets drawn from the curvature's posterior have the same chi2 less the truth's,
    binned or not, to 0.15 (their median is 5 to 11), while the bins are at most a third of the points."""
    from microlensing_to_sqlite.fit.search import uncertainties
    from microlensing_to_sqlite.ogle.phot_dat import parse_phot_dat

    truth = {"t0": 10850.0, "u0": u0, "tE": 150.0, "piE_N": 0.08, "piE_E": -0.05}
    rng = numpy.random.default_rng(1)
    found = []
    for name, baseline in (("2025/blg-0368", 18.5), ("2023/blg-0348", 17.0)):
        points = parse_phot_dat(ogle_file(f"{name}/phot.dat"))
        hjd = points.columns["hjd"] + (10850 - points.columns["hjd"].mean())  # the event among the points
        error = points.columns["mag_err"]
        a = model.magnification_at(hjd, truth, (COORDS, T0_PAR))
        found.append((hjd, baseline - 2.5 * numpy.log10(0.3 * a + 0.7) + rng.normal(0, error), error))
    data = JointData(found, model.parallax_offsets(numpy.concatenate([d[0] for d in found]), COORDS, T0_PAR))
    binned = data.binned([truth])
    assert len(binned.hjd) < len(data.hjd) / 3
    _, covariance = uncertainties(data, model.WITH_PARALLAX, truth)
    drawn = rng.multivariate_normal([truth[n] for n in model.WITH_PARALLAX], covariance, 300, check_valid="ignore")
    many = {n: drawn[:, i] for i, n in enumerate(model.WITH_PARALLAX)}
    assert binned.chi2_many(many) - binned.chi2(truth) == pytest.approx(data.chi2_many(many) - data.chi2(truth),
                                                                        abs=0.15)


def test_nights_where_the_model_changes_keep_their_points():
    """Around a sharp peak the model changes through a night by many errors: those nights are not binned."""
    hjd = numpy.concatenate([night + numpy.linspace(0, 0.2, 5) for night in numpy.arange(10600.0, 11100.0)])
    peak = {"t0": 10850.1, "u0": 0.001, "tE": 40.0}
    a = formulas.magnification(formulas.separation(hjd, peak["t0"], peak["tE"], peak["u0"]))
    data = JointData([(hjd, formulas.magnitude_of(formulas.flux_of(19.0)[0] * a), numpy.full(len(hjd), 0.01))])
    binned = data.binned([peak])
    near = numpy.abs(binned.hjd - peak["t0"]) < 1
    assert near.sum() == numpy.sum(numpy.abs(hjd - peak["t0"]) < 1)  # each point of the peak's night kept
    assert len(binned.hjd) < len(hjd) / 2  # and the quiet nights binned
    assert list(binned.which) == [0] * len(binned.hjd) and list(binned.starts) == [0]
