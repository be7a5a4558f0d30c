"""The joint fit recovers what synthetic events were made with: datasets of three surveys, each with its own
magnitude offset and blend, and annual parallax for a long event."""

import numpy
import pytest

from microlensing_to_sqlite import formulas, synthetic
from microlensing_to_sqlite.fit.data import Dataset
from microlensing_to_sqlite.fit.joint import fit_event
from microlensing_to_sqlite.synthetic import dec_dms, ra_hms

HJD_OFFSET = 2450000.0


def make_event(t0, u0, tE, piE_N=0.0, piE_E=0.0, fbl=0.7, Ibase=18.0):
    return {"t0": t0 + HJD_OFFSET, "u0": u0, "tE": tE, "piE_N": piE_N, "piE_E": piE_E, "fbl": fbl,
            "Ibase": Ibase, "ra": 268.5, "dec": -29.2}


def observe(event, seed, first=10600.0, last=11250.0):
    """Every dataset's photometry of the event: nightly in the bulge seasons, denser near the peak."""
    return synthetic.observed_datasets(event, numpy.random.default_rng(seed), first, last)


def coords(event):
    return f"{ra_hms(event['ra'])} {dec_dms(event['dec'])}"


def start_near(event):
    """Where a survey's fit would start ours: near the truth, and with the same t0 to the day, so that the fit's
    parallax frame (t0_par) is the truth's."""
    return {"t0": event["t0"] - HJD_OFFSET + 0.3, "u0": event["u0"] * 1.2, "tE": event["tE"] * 0.9}


def within_three_sigma(fit, name, truth):
    return abs(fit.parameters[name] - truth) < 3 * fit.errors[name]


SHORT = make_event(t0=10890.4, u0=0.15, tE=22.0)
LONG = make_event(t0=10880.0, u0=0.4, tE=160.0, piE_N=0.15, piE_E=-0.08)


@pytest.fixture(scope="module")
def short_fit():
    return fit_event(observe(SHORT, seed=11), start_near(SHORT), coords(SHORT))


@pytest.fixture(scope="module")
def long_fit():
    return fit_event(observe(LONG, seed=12), start_near(LONG), coords(LONG))


@pytest.fixture(scope="module")
def short_fit_with_parallax():
    return fit_event(observe(SHORT, seed=11), start_near(SHORT), coords(SHORT), long_event=True)


@pytest.mark.parametrize("name, truth", [("t0", SHORT["t0"] - HJD_OFFSET), ("u0", SHORT["u0"]), ("tE", SHORT["tE"])])
def test_point_lens_parameters_are_recovered_within_three_sigma(short_fit, name, truth):
    assert (short_fit.status, short_fit.kind) == ("ok", "pspl")
    assert within_three_sigma(short_fit, name, truth)


@pytest.mark.parametrize("name, truth", [("t0", LONG["t0"] - HJD_OFFSET), ("tE", LONG["tE"]),
                                         ("piE", float(numpy.hypot(LONG["piE_N"], LONG["piE_E"])))])
def test_a_long_event_is_fitted_with_parallax_recovered_within_three_sigma(long_fit, name, truth):
    assert (long_fit.status, long_fit.kind) == ("ok", "pspl+parallax")
    assert within_three_sigma(long_fit, name, truth)


def test_a_long_events_u0_is_recovered_up_to_its_sign(long_fit):
    assert abs(abs(long_fit.parameters["u0"]) - LONG["u0"]) < 3 * long_fit.errors["u0"]


def test_both_signs_of_u0_are_tried_and_the_difference_kept(long_fit):
    assert long_fit.delta_chi2_u0 is not None and long_fit.delta_chi2_u0 >= 0


def test_parallax_improves_the_fit_of_a_long_event(long_fit):
    assert long_fit.delta_chi2_parallax > 25


def test_a_short_events_parallax_is_consistent_with_zero(short_fit_with_parallax):
    fit = short_fit_with_parallax
    assert fit.kind == "pspl+parallax"
    assert fit.parameters["piE"] < 3 * fit.errors["piE"]


def test_every_parameter_has_an_uncertainty(long_fit):
    assert set(long_fit.errors) == {"t0", "u0", "tE", "piE_N", "piE_E", "piE"}
    assert all(error > 0 for error in long_fit.errors.values())


def test_errors_are_rescaled_to_one_chi2_per_degree_of_freedom_in_each_dataset(short_fit):
    for dataset in short_fit.datasets:
        assert dataset["chi2"] / (dataset["n_used"] - 2) == pytest.approx(1.0, abs=0.15)


def test_the_reference_is_ogle(short_fit):
    assert short_fit.reference == 1
    assert short_fit.datasets[0]["lightcurve_id"] == 1


def test_aligned_magnitudes_agree_with_each_other_near_the_peak(short_fit):
    data = {d.lightcurve_id: d for d in observe(SHORT, seed=11)}
    reference = short_fit.datasets[0]
    model = numpy.array(short_fit.model_curve)
    t0, tE = short_fit.parameters["t0"], short_fit.parameters["tE"]
    for dataset in short_fit.datasets[1:]:
        points = data[dataset["lightcurve_id"]]
        near = numpy.abs(points.hjd - t0) < 0.3 * tE
        aligned = formulas.aligned_magnitude(points.mag[near], dataset, reference)
        expected = numpy.interp(points.hjd[near], model[:, 0], model[:, 1])
        # the aligned errors: the published ones, scaled by the flux ratio of the two scales
        scale = formulas.flux_of(points.mag[near])[0] / formulas.flux_of(aligned)[0] * \
            reference["source_flux"] / dataset["source_flux"]
        pulls = (aligned - expected) / (points.mag_err[near] * dataset["error_scale"] / scale)
        assert near.sum() > 20
        assert abs(numpy.mean(pulls)) < 3 / numpy.sqrt(near.sum()) + 0.2
        assert numpy.mean(pulls ** 2) < 2


def test_a_flat_lightcurve_is_a_failed_fit_with_its_reason():
    rng = numpy.random.default_rng(5)
    hjd = numpy.linspace(10700, 11000, 400)
    flat = [Dataset(1, "X OGLE I", "OGLE", hjd, 18 + rng.normal(0, 0.01, 400), numpy.full(400, 0.01))]
    fit = fit_event(flat, {"t0": 10850.0, "u0": 0.3, "tE": 20.0}, None)
    assert fit.status == "failed"
    assert fit.reason.startswith("flat lightcurve")


def test_too_few_points_is_a_failed_fit_with_its_reason():
    few = [Dataset(1, "X OGLE I", "OGLE", numpy.array([10850.0, 10851, 10852]), numpy.array([18.0, 17.5, 18]),
                   numpy.full(3, 0.01))]
    fit = fit_event(few, {"t0": 10851.0, "u0": 0.3, "tE": 20.0}, None)
    assert (fit.status, fit.reason) == ("failed", "too few points: 0 in datasets of at least 4, 10 needed")


def test_an_outlier_is_dropped_and_counted():
    datasets = observe(SHORT, seed=11)
    datasets[0].mag[len(datasets[0].mag) // 2] -= 1.0
    fit = fit_event(datasets, start_near(SHORT), coords(SHORT))
    assert fit.n_dropped >= 1
    assert fit.datasets[0]["n_used"] < fit.datasets[0]["n_points"]


def test_the_model_curve_is_in_the_reference_magnitudes_at_baseline(short_fit):
    baseline = short_fit.model_curve[0][1]
    reference = short_fit.datasets[0]
    assert baseline == pytest.approx(formulas.magnitude_of(reference["source_flux"] * 1.0 + reference["blend_flux"]),
                                     abs=0.01)


def test_too_few_points_for_the_number_of_fluxes_and_parameters_is_a_failed_fit():
    datasets = observe(SHORT, seed=11)
    thin = [Dataset(d.lightcurve_id, d.label, d.survey, d.hjd[::40], d.mag[::40], d.mag_err[::40]) for d in datasets]
    fit = fit_event(thin, start_near(SHORT), coords(SHORT))
    assert fit.status == "failed" and "per flux and parameter" in fit.reason
