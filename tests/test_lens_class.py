"""Lens-class model probabilities and theta_E (lens_class.py) against popclass itself, the cases
../shared/notes/candidates.md checked, and injections drawn from the simulations."""

import sqlite3

import numpy
import pytest

from microlensing_to_sqlite import lens_class, schema
from microlensing_to_sqlite.report import Report

pytest.importorskip("popclass")


def gaussian_draws(tE, tE_sigma, piE, piE_sigma, n=400, seed=1):
    rng = numpy.random.default_rng(seed)
    return rng.normal(tE, tE_sigma, n), numpy.abs(rng.normal(piE, piE_sigma, n)), numpy.ones(n)


def test_probabilities_are_popclass_classify_on_the_same_draws():
    from popclass.classify import classify
    from popclass.posterior import Posterior
    tE, piE, weights = gaussian_draws(120, 15, 0.1, 0.02)
    for name in lens_class.MODELS:
        model, none = lens_class.population(name)
        points = numpy.column_stack([numpy.log10(tE), numpy.log10(piE)])
        theirs = classify(Posterior(points, ["log10tE", "log10piE"]).to_inference_data(piE ** 2), model,
                          ["log10tE", "log10piE"], additive_uq=none[("log10tE", "log10piE")])
        ours = lens_class.classify(tE, piE, weights, lens_class.BOTH, name)
        assert ours == pytest.approx(theirs, rel=1e-12)
        assert sum(ours.values()) == pytest.approx(1)


@pytest.mark.parametrize("name", lens_class.MODELS)
def test_a_long_event_with_a_small_parallax_is_mostly_a_black_hole(name):
    assert lens_class.classify(*gaussian_draws(200, 20, 0.03, 0.01), lens_class.BOTH, name)["black_hole"] > 0.8


@pytest.mark.parametrize("name", lens_class.MODELS)
def test_an_event_with_a_large_parallax_is_mostly_a_star(name):
    assert lens_class.classify(*gaussian_draws(150, 20, 0.30, 0.05), lens_class.BOTH, name)["star"] > 0.6


def test_weighted_draws_are_resampled_by_their_weights():
    values = numpy.arange(4.0)[:, None]
    assert lens_class.resampled(values, numpy.array([0, 1, 0, 3.0]), n=4)[:, 0].tolist() == [1, 3, 3, 3]
    same = numpy.arange(400.0)[:, None]
    assert (lens_class.resampled(same, numpy.ones(400)) == same).all()


def test_theta_E_is_calibrated_on_simulated_events():
    """Draws tight around a simulated event's own (tE, piE): its theta_E falls within the 16th-84th percentiles
    about as often as it should (the kernel density smooths, so loosely)."""
    model, _ = lens_class.population("popsycle_singles_sukhboldn20")
    simulated = numpy.vstack([model.samples(c, ["log10tE", "log10piE", "log10thetaE"]) for c in model.classes])
    rng = numpy.random.default_rng(3)
    inside = []
    for row in simulated[rng.choice(len(simulated), 40, replace=False)]:
        tE = 10 ** rng.normal(row[0], 0.03, 200)
        piE = 10 ** rng.normal(row[1], 0.05, 200)
        (low, _, high), effective = lens_class.theta_E(tE, piE, numpy.ones(200), lens_class.BOTH,
                                                       "popsycle_singles_sukhboldn20")
        assert effective >= lens_class.FEWEST_SIMULATED
        inside.append(low <= 10 ** row[2] <= high)
    assert 0.5 <= numpy.mean(inside) <= 0.9


def test_an_event_outside_the_simulation_has_no_theta_E():
    thetas, effective = lens_class.theta_E(*gaussian_draws(1500, 50, 2.0, 0.05), lens_class.BOTH,
                                           "popsycle_singles_sukhboldn20")
    assert thetas is None and effective < lens_class.FEWEST_SIMULATED


def test_what_an_event_is_classified_in():
    assert lens_class.basis("ok", 300.0) == lens_class.BOTH
    assert lens_class.basis("unconstrained", 300.0) == lens_class.TE_ONLY
    assert lens_class.basis("unconstrained", 1990.0) is None  # tE runs to its bound
    assert lens_class.basis("not point lens", 300.0) is None


def sampled_database(draws):
    db = sqlite3.connect(":memory:")
    db.executescript(schema.SCHEMA)
    db.execute("insert into fits (event_id, status, kind, posterior) values (1, 'ok', 'pspl+parallax', 'sampled')")
    db.execute("insert into fit_solutions (event_id, solution, is_best, tE_p97_5) values (1, '+', 1, 260)")
    db.executemany("insert into fit_samples values (1, '+', ?, 0, 0.1, ?, ?, ?, ?)", draws)
    return db


def test_a_build_classifies_again_only_when_the_draws_change():
    tE, piE, _ = gaussian_draws(200, 20, 0.03, 0.01, n=100)
    draws = [[i, tE[i], piE[i], 0.0, 0.01] for i in range(100)]
    db = sampled_database(draws)
    report = Report()
    lens_class.update_lens_classes(db, report)
    rows = db.execute("select model, parameters, p_black_hole, largest_shift_p50 from lens_classes").fetchall()
    assert sorted(r[0] for r in rows) == sorted(lens_class.MODELS)
    assert all(r[1] == "tE, piE" and r[2] > 0.8 and 0.2 < r[3] < 2 for r in rows)
    lens_class.update_lens_classes(db, report)
    assert report.notes[-1].startswith("lens classes: 0 events classified") and "1 kept" in report.notes[-1]
    db.execute("update fit_samples set tE = tE * 0.6, piE_N = piE_N * 10")
    lens_class.update_lens_classes(db, report)
    assert report.notes[-1].startswith("lens classes: 1 events classified")
    assert db.execute("select max(p_black_hole) from lens_classes").fetchone()[0] < 0.5
    db.execute("update fits set status = 'not point lens'")
    lens_class.update_lens_classes(db, report)
    assert db.execute("select count(*) from lens_classes").fetchone()[0] == 0
