"""The build's fit stage, end to end: events with known parameters, written in the three surveys' real formats
(each survey and KMTNet site with its own magnitude offset and blend), loaded, and fitted jointly into `fits` and
`fit_datasets`."""

import contextlib
import datetime
import sqlite3

import numpy
import pytest

from microlensing_to_sqlite.demo import write_season
from microlensing_to_sqlite.load import build
from microlensing_to_sqlite.mirror import Mirror
from microlensing_to_sqlite.registry import SURVEYS
from microlensing_to_sqlite.synthetic import datetime_to_hjd, draw_event

TODAY = datetime.date(2025, 12, 1)
SEASON = 2025
TRUTH = {
    "short": {"t0": 2460850.2, "u0": 0.12, "tE": 21.0, "fbl": 0.8, "Ibase": 18.2, "piE_N": 0.0, "piE_E": 0.0},
    "long": {"t0": 2460870.2, "u0": 0.35, "tE": 150.0, "fbl": 0.9, "Ibase": 17.6, "piE_N": 0.12, "piE_E": -0.09},
}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """(database, {kind: the event's alert names}) of a season of the two events, alerted by every survey."""
    folder = tmp_path_factory.mktemp("fits")
    rng = numpy.random.default_rng(7)
    today_hjd = datetime_to_hjd(datetime.datetime(TODAY.year, TODAY.month, TODAY.day))
    events = {kind: {**draw_event(rng, SEASON, today_hjd, "ordinary"), **truth} for kind, truth in TRUTH.items()}
    mirror = Mirror(folder / "mirror")
    alerts = write_season(mirror, rng, SEASON, list(events.values()), today_hjd, every_survey=True)
    names = {kind: [name.full for survey in alerts for name, event in alerts[survey] if event is events[kind]]
             for kind in events}
    build(mirror, folder / "x.db", [(survey, [SEASON]) for survey in SURVEYS], today=TODAY, fit=True)
    return folder / "x.db", names


def rows(database, sql, *parameters):
    with contextlib.closing(sqlite3.connect(database)) as db:
        db.row_factory = sqlite3.Row
        return [dict(row) for row in db.execute(sql, parameters)]


def fit_of(built, kind):
    database, names = built
    return rows(database, "select f.* from fits f join alerts a using (event_id) where a.alert_name = ?",
                names[kind][0])[0]


@pytest.mark.parametrize("kind", TRUTH)
def test_every_survey_alerted_the_event_and_it_is_one_event(built, kind):
    database, names = built
    assert len(names[kind]) == 3
    assert len({row["event_id"] for row in rows(database, f"select event_id from alerts where alert_name in "
                                                          f"({', '.join('?' * 3)})", *names[kind])}) == 1


@pytest.mark.parametrize("kind, name", [(kind, name) for kind in TRUTH for name in ("t0", "u0", "tE")])
def test_the_fit_recovers_the_event_within_three_sigma(built, kind, name):
    fit, truth = fit_of(built, kind), TRUTH[kind]
    expected = truth["t0"] - 2450000 if name == "t0" else truth[name]
    found = abs(fit[name]) if name == "u0" else fit[name]  # the parallax fit may take either sign of u0
    assert fit["status"] == "ok"
    assert abs(found - expected) < 3 * fit[f"{name}_err"]


def test_the_long_events_parallax_is_recovered_within_three_sigma(built):
    fit, truth = fit_of(built, "long"), TRUTH["long"]
    assert fit["kind"] == "pspl+parallax"
    assert abs(fit["piE"] - float(numpy.hypot(truth["piE_N"], truth["piE_E"]))) < 3 * fit["piE_err"]


def test_the_short_event_is_fitted_without_parallax(built):
    assert fit_of(built, "short")["kind"] == "pspl"


@pytest.mark.parametrize("kind", TRUTH)
def test_every_lightcurve_of_the_event_is_a_dataset_of_its_fit(built, kind):
    database, names = built
    fit = fit_of(built, kind)
    datasets = rows(database, "select * from fit_datasets where event_id = ?", fit["event_id"])
    lightcurves = rows(database, "select l.lightcurve_id from lightcurves l join alerts a using (alert_id) "
                                 "where a.alert_name in (?, ?, ?)", *names[kind])
    assert sorted(d["lightcurve_id"] for d in datasets) == sorted(l["lightcurve_id"] for l in lightcurves)
    assert fit["n_datasets"] == len(datasets) == 5  # OGLE, MOA and three KMTNet sites


@pytest.mark.parametrize("kind", TRUTH)
def test_the_reference_dataset_is_ogles(built, kind):
    database, _ = built
    fit = fit_of(built, kind)
    reference = rows(database, "select * from fit_datasets where event_id = ? and is_reference", fit["event_id"])
    assert [(r["telescope"], r["lightcurve_id"]) for r in reference] == [("OGLE", fit["reference_lightcurve_id"])]


def test_each_dataset_has_its_fluxes_chi2_and_error_scale(built):
    database, _ = built
    for dataset in rows(database, "select * from fit_datasets"):
        assert dataset["source_flux"] >= 0 and dataset["blend_flux"] >= 0
        assert 0.5 < dataset["error_scale"] < 2  # the synthetic errors are right, so the scale is near 1
        assert dataset["chi2"] / (dataset["n_used"] - 2) == pytest.approx(1.0, abs=0.2)


def test_a_fit_says_what_it_saw_and_when(built):
    fit = fit_of(built, "short")
    assert fit["n_points"] > 100 and fit["dof"] > 0 and fit["chi2_dof"] == pytest.approx(1.0, abs=0.1)
    assert fit["fitted_at"] and len(fit["inputs"]) == 40


def test_a_fit_that_raises_is_stored_as_failed_with_the_error(monkeypatch):
    from microlensing_to_sqlite.fit import joint, stage

    def broken(*arguments, **options):
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(joint, "fit_event", broken)
    event_id, fit = stage.fit_one((1, [], {"t0": 1.0, "u0": 0.1, "tE": 10.0}, None, False, 2025))
    assert (event_id, fit.status, fit.reason) == (1, "failed", "the fit raised ZeroDivisionError: division by zero")


def test_the_stage_yields_fits_in_the_events_order_while_a_slow_one_runs(monkeypatch):
    """The workers keep fitting while the first event's fit (a sampled posterior takes seconds) is still
    running; the fits still come out in the events' order."""
    import time

    from microlensing_to_sqlite.fit import joint, stage

    def fit(datasets, starts, coords, long_event, sample_seed):
        if sample_seed == 0:
            time.sleep(1.0)
        return joint.Fit("ok", reason=str(time.monotonic()))

    monkeypatch.setattr(joint, "fit_event", fit)
    monkeypatch.setattr(stage, "datasets_of", lambda db, group: ["points"])
    monkeypatch.setattr(stage, "starts_from_data", lambda datasets, season: [])
    tasks = [(event_id, [], {"season": 2025}) for event_id in range(20)]
    found = list(stage.fitted(None, tasks, workers=2))
    assert [event_id for event_id, _ in found] == list(range(20))
    ended = [float(f.reason) for _, f in found]
    assert sum(moment < ended[0] for moment in ended[1:]) >= 10  # most were fitted while the first one ran
