"""The joint fit on the real recorded files (tests/data): where a survey's fit has uncertainties, ours agrees
with it; where the recorded data cannot carry a fit (excerpts of a few lines), it says why."""

import contextlib
import math
import sqlite3

import pytest


def fit_and_alert(db_path, name):
    with contextlib.closing(sqlite3.connect(db_path)) as db:
        db.row_factory = sqlite3.Row
        return dict(db.execute("select f.* from fits f join alerts a using (event_id) where a.alert_name = ?",
                               [name]).fetchone()), \
            dict(db.execute("select * from alerts where alert_name = ?", [name]).fetchone())


@pytest.mark.parametrize("parameter", ["t0", "tE", "u0"])
def test_our_fit_of_a_real_ogle_event_agrees_with_ogles(recorded_db_path, parameter):
    fit, alert = fit_and_alert(recorded_db_path, "OGLE-2025-BLG-0001")
    assert (fit["status"], fit["kind"]) == ("ok", "pspl")
    combined = math.hypot(fit[f"{parameter}_err"], alert[f"{parameter}_err"])
    assert abs(abs(fit[parameter]) - alert[parameter]) < 3 * combined


def test_a_real_excerpt_too_short_to_fit_says_so(recorded_db_path):
    fit, _ = fit_and_alert(recorded_db_path, "KMT-2025-BLG-0001")
    assert fit["status"] == "failed" and fit["reason"].startswith("too few points near the peak")


def test_every_fit_that_is_not_ok_says_why(recorded_db_path):
    with contextlib.closing(sqlite3.connect(recorded_db_path)) as db:
        assert db.execute("select count(*) from fits where status != 'ok' and reason is null").fetchone() == (0,)
        assert dict(db.execute("select status, count(*) from fits group by status").fetchall()) == {
            "ok": 2, "unconstrained": 2, "not point lens": 1, "failed": 2}


def independent_multistart_chi2(datasets, starts):
    """The lowest chi2 an independent fit finds: MulensModel's Event (its own flux fit, blends free), its chi2
    minimised by scipy's Nelder-Mead from each start."""
    import MulensModel
    from scipy import optimize

    data = [MulensModel.MulensData([d.hjd + 2450000, d.mag, d.mag_err], phot_fmt="mag") for d in datasets]
    best = math.inf
    for start in starts:
        event = MulensModel.Event(datasets=data, model=MulensModel.Model(
            {"t_0": start["t0"] + 2450000, "u_0": start["u0"], "t_E": start["tE"]}))

        def chi2(x):
            if x[2] <= 0.05 or abs(x[1]) > 3:
                return 1e30
            for name, value in zip(("t_0", "u_0", "t_E"), x):
                setattr(event.model.parameters, name, value)
            return event.get_chi2()

        found = optimize.minimize(chi2, [start["t0"] + 2450000, start["u0"], start["tE"]], method="Nelder-Mead",
                                  options={"maxiter": 4000, "xatol": 1e-6, "fatol": 1e-6})
        best = min(best, found.fun)
    return best


@pytest.mark.parametrize("name", ["OGLE-2025-BLG-0001", "OGLE-2025-BLG-0368"])
def test_our_chi2_is_no_worse_than_an_independent_multistart_mulensmodel_fit(recorded_db_path, name):
    """On the same points with the same (rescaled) errors: ours is the global minimum MulensModel's finds too."""
    from microlensing_to_sqlite.fit import data, model, stage
    fit, alert = fit_and_alert(recorded_db_path, name)
    assert fit["status"] == "ok" and fit["n_dropped"] == 0
    with contextlib.closing(sqlite3.connect(recorded_db_path)) as db:
        db.row_factory = sqlite3.Row
        members = [dict(r) for r in db.execute("select * from alerts where event_id = ?", [fit["event_id"]])]
        scales = dict(db.execute("select lightcurve_id, error_scale from fit_datasets where event_id = ?",
                                 [fit["event_id"]]).fetchall())
        datasets = [d for d in stage.datasets_of(db, members) if d.lightcurve_id in scales]
    half = 6 * fit["tE"] + 120
    scaled = []
    for d in datasets:
        near = abs(d.hjd - fit["t0"]) <= half
        scaled.append(data.Dataset(d.lightcurve_id, d.label, d.survey, d.hjd[near], d.mag[near],
                                      d.mag_err[near] * scales[d.lightcurve_id]))
    assert abs(sum(len(d.hjd) for d in scaled) - fit["n_points"]) <= 2  # the window, up to a point at its edge
    ours = model.JointData([(d.hjd, d.mag, d.mag_err) for d in scaled]).chi2(
        {"t0": fit["t0"], "u0": fit["u0"], "tE": fit["tE"]})
    # From the survey's fit where it has one, and a grid at its t0 (or ours)
    survey = {"t0": alert["t0"] or fit["t0"], "u0": max(alert["u0"] or 0.0, 0.01), "tE": alert["tE"] or 30.0}
    starts = [survey] + [{**survey, "u0": u0, "tE": tE} for u0 in (0.05, 0.3, 1.0) for tE in (10.0, 40.0, 150.0)]
    assert ours <= independent_multistart_chi2(scaled, starts) + 0.01
