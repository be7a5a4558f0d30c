"""The joint fit where automatic fits go wrong (../shared/notes/modelling.md), on SYNTHETIC events whose truth
is known: negative blending, a starting fit far from the truth, a run of residuals a point lens cannot make,
the u0 -> 0 valley, a parallax fit at its bound, underestimated errors; and a minimiser that may not end above
its start."""

import numpy
import pytest
from scipy import optimize

from microlensing_to_sqlite.fit import joint, search
from microlensing_to_sqlite.fit.data import Dataset, Selection
from microlensing_to_sqlite.fit.joint import fit_event
from microlensing_to_sqlite.fit.model import POINT_LENS
from tests.test_fitting import HJD_OFFSET, coords, make_event, observe, start_near


def pulls(fit, name, truth):
    return abs(fit.parameters[name] - truth) / fit.errors[name]


def test_a_minimisation_never_ends_above_its_start(monkeypatch):
    data = Selection(observe(make_event(10890.4, 0.15, 22.0), seed=11)).data()
    start = {"t0": 10890.4, "u0": 0.15, "tE": 22.0}

    def worse(fun, y0, **options):  # an optimiser that wanders off and reports where it ended
        fun(y0)
        fun(y0 + 3.0)
        return optimize.OptimizeResult(x=y0 + 3.0, fun=fun(y0 + 3.0)[0], success=True)

    monkeypatch.setattr(optimize, "minimize", worse)
    found = search.minimise(data, POINT_LENS, start)
    assert data.chi2(found) == pytest.approx(data.chi2(start))


def test_a_negative_blend_like_ogle_2014_blg_0939_is_recovered_with_the_truth_inside_three_sigma():
    # fb = -0.16 fs, as Yee et al. 2015 published: the source is 1 / 0.84 of the baseline flux.
    event = make_event(t0=10890.4, u0=0.12, tE=30.0, fbl=1 / 0.84)
    fit = fit_event(observe(event, seed=21), start_near(event), coords(event))
    assert fit.status == "ok"
    assert fit.datasets[0]["blend_flux"] < 0 and not fit.datasets[0]["held"]
    for name, truth in [("t0", event["t0"] - HJD_OFFSET), ("u0", event["u0"]), ("tE", event["tE"])]:
        assert pulls(fit, name, truth) < 3, name


def test_the_window_follows_the_fit_from_a_start_far_from_the_truth():
    event = make_event(t0=10880.0, u0=0.3, tE=90.0)
    datasets = observe(event, seed=23, first=10000.0)
    wrong = {"t0": event["t0"] - HJD_OFFSET + 25, "u0": 0.9, "tE": 8.0}  # a window of 6 x 8 + 120 days
    fit = fit_event(datasets, [wrong], None)
    assert pulls(fit, "tE", event["tE"]) < 3
    half = 6 * fit.parameters["tE"] + 120
    expected = sum(int((abs(d.hjd - fit.parameters["t0"]) <= half).sum()) for d in datasets)
    assert sum(d["n_points"] for d in fit.datasets) == expected


def with_a_bump(datasets, at, magnitudes=0.4, points=12, width=1.0):
    """The first dataset with `points` extra observations over `width` days at `at`, brighter by `magnitudes`
    than its neighbours: a caustic crossing's signature, which no point lens makes."""
    d = datasets[0]
    times = numpy.linspace(at, at + width, points)
    bright = numpy.interp(times, d.hjd, d.mag) - magnitudes
    errors = numpy.interp(times, d.hjd, d.mag_err)
    order = numpy.argsort(numpy.concatenate([d.hjd, times]))
    datasets[0] = Dataset(d.lightcurve_id, d.label, d.survey, numpy.concatenate([d.hjd, times])[order],
                          numpy.concatenate([d.mag, bright])[order], numpy.concatenate([d.mag_err, errors])[order])
    return datasets


def test_a_run_of_residuals_is_kept_and_makes_the_verdict_not_point_lens():
    event = make_event(t0=10890.4, u0=0.15, tE=22.0)
    datasets = with_a_bump(observe(event, seed=11), event["t0"] - HJD_OFFSET + 6.0)
    fit = fit_event(datasets, start_near(event), coords(event))
    assert fit.status == "not point lens"
    assert "consecutive points of X-OGLE" in fit.reason
    assert fit.n_dropped <= 2  # the bump's points are a run: none of them is clipped


def test_an_isolated_outlier_is_still_dropped_and_the_fit_stays_ok():
    event = make_event(t0=10890.4, u0=0.15, tE=22.0)
    datasets = observe(event, seed=11)
    near = int(numpy.argmin(abs(datasets[0].hjd - (event["t0"] - HJD_OFFSET + 5))))
    datasets[0].mag[near] -= 1.0
    fit = fit_event(datasets, start_near(event), coords(event))
    assert (fit.status, fit.n_dropped >= 1) == ("ok", True)


def test_a_faint_blended_event_in_the_valley_is_unconstrained_saying_what_the_data_give():
    # Half a percent of the baseline is the source: only the peak stands out of the noise, and it gives u0 tE
    # (and fs / u0), not tE.
    event = make_event(t0=10890.4, u0=0.01, tE=150.0, fbl=0.005, Ibase=19.5)
    fit = fit_event(observe(event, seed=29), start_near(event), coords(event))
    assert fit.status == "unconstrained", (fit.parameters, fit.errors)
    assert "u0 tE =" in fit.reason
    # What is still known of tE: a lower limit below the truth, said in the reason too.
    assert fit.tE_lower_limit is not None and fit.tE_lower_limit < event["tE"]
    assert f"tE > {fit.tE_lower_limit:.3g} d at 97.5%" in fit.reason


def test_the_lower_limit_is_where_the_profile_of_chi2_rises_by_its_threshold():
    event = make_event(t0=10890.4, u0=0.01, tE=150.0, fbl=0.005, Ibase=19.5)
    datasets = observe(event, seed=29)
    data = Selection(datasets).data()
    best = search.minimise(data, POINT_LENS, start_near(event))
    limit = search.tE_lower_limit(data, POINT_LENS, best)
    lowest = data.chi2(best)
    rise = [data.chi2(search.minimise(data, POINT_LENS, {**best, "tE": tE}, tE_held=tE)) - lowest
            for tE in (limit * 0.9, limit * 1.1)]
    assert rise[0] > search.LIMIT_DELTA_CHI2 > rise[1], rise


def test_a_parallax_fit_at_its_bound_keeps_the_point_lens_fit(monkeypatch):
    event = make_event(t0=10880.0, u0=0.4, tE=160.0)
    fitted = joint.fit_parallax

    def runaway(data, starts, previous=None):
        return {sign: {**found, "piE_N": 5.0} for sign, found in fitted(data, starts, previous).items()}

    monkeypatch.setattr(joint, "fit_parallax", runaway)
    fit = fit_event(observe(event, seed=12), start_near(event), coords(event))
    assert (fit.status, fit.kind) == ("ok", "pspl")
    assert "parallax fit ran to its bound" in fit.reason and "point-lens fit is kept" in fit.reason
    assert pulls(fit, "tE", event["tE"]) < 3


def test_underestimated_errors_show_in_the_chi2_per_dof_before_rescaling():
    event = make_event(t0=10890.4, u0=0.15, tE=22.0)
    datasets = observe(event, seed=11)
    datasets = [Dataset(d.lightcurve_id, d.label, d.survey, d.hjd, d.mag, d.mag_err / 3) for d in datasets]
    fit = fit_event(datasets, start_near(event), coords(event))
    for dataset in fit.datasets:
        assert dataset["error_scale"] == pytest.approx(3, rel=0.15)
        assert dataset["chi2_dof_published"] == pytest.approx(dataset["error_scale"] ** 2, rel=0.05)


def test_any_dataset_whose_blend_sits_at_its_floor_makes_the_fit_unconstrained():
    """In the injection, every ok fit with the truth beyond 5 sigma (u0 about 2 fitted for 0.5-1, a faint, blended
    bump) had a dataset other than the reference held at its blend floor: the shared u0 and tE follow it."""
    from microlensing_to_sqlite.fit import verdict

    def dataset(label, held):
        return {"label": label, "held": held, "source_flux": 1.0}

    fit = joint.Fit("ok", parameters={"t0": 10868.2, "u0": 2.15, "tE": 13.4},
                    errors={"t0": 1.2, "u0": 0.1, "tE": 1.1},
                    datasets=[dataset("OGLE I", False), dataset("MOA Red", True), dataset("KMTC I", False)])
    status, reason = verdict.unconstrained(fit)
    assert status == "unconstrained" and "MOA Red sits at its floor" in reason and "u0 tE = 28.81 d" in reason
    fit.datasets[1]["held"] = False
    assert verdict.unconstrained(fit) is None
