"""The posterior of a parallax fit (fit/posterior.py), on SYNTHETIC long events whose truth is known: each u0
solution sampled, percentiles that hold the truth as often as they say, draws stored with weights."""

import math

import numpy
import pytest

from microlensing_to_sqlite import schema
from microlensing_to_sqlite.fit import posterior, stage
from microlensing_to_sqlite.fit.joint import fit_event
from tests.test_fitting import HJD_OFFSET, LONG, coords, make_event, observe, start_near


def long_event():
    """A fresh copy of the long event (observing an event records each dataset's look in it)."""
    return make_event(t0=LONG["t0"] - HJD_OFFSET, u0=LONG["u0"], tE=LONG["tE"], piE_N=LONG["piE_N"],
                      piE_E=LONG["piE_E"])


def fit_of_the_long_event():
    event = long_event()
    return fit_event(observe(event, seed=12), start_near(event), coords(event), sample_seed=1)


@pytest.fixture(scope="module")
def sampled():
    return fit_of_the_long_event()


def test_each_u0_solution_is_kept_best_first_with_its_chi2(sampled):
    assert [one["solution"] for one in sampled.solutions] in (["+", "-"], ["-", "+"])
    assert sampled.solution == sampled.solutions[0]["solution"]
    assert sampled.solutions[0]["delta_chi2"] == 0 and sampled.solutions[1]["delta_chi2"] >= 0
    assert sampled.delta_chi2_u0 == sampled.solutions[1]["delta_chi2"]


def test_a_near_gaussian_posterior_is_sampled_by_importance_with_enough_effective_draws(sampled):
    found = sampled.solutions[0]["posterior"]
    assert sampled.posterior == found.state == "sampled" and found.method == "importance"
    assert found.effective >= posterior.IMPORTANCE_EFFECTIVE
    assert len(found.draws["tE"]) == posterior.DRAWS


@pytest.fixture(scope="module")
def by_emcee():
    """The same fit with its posterior sampled by emcee, as a posterior the importance draws do not cover is."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(posterior, "IMPORTANCE_EFFECTIVE", math.inf)
        fit = fit_of_the_long_event()
    return fit.solutions[0]["posterior"]


def test_emcee_converges_by_its_authors_rule(by_emcee):
    assert by_emcee.method == "emcee" and by_emcee.state == "sampled"
    assert by_emcee.steps >= posterior.CONVERGED_AUTOCORRELATIONS * by_emcee.autocorrelation
    assert 0.1 < by_emcee.acceptance < 0.8


@pytest.mark.parametrize("name", ["tE", "piE"])
def test_the_two_samplers_agree(sampled, by_emcee, name):
    """Their medians within a quarter of the posterior's sigma."""
    importance = sampled.solutions[0]["posterior"].percentiles[name]
    sigma = (importance[3] - importance[1]) / 2
    assert abs(by_emcee.percentiles[name][2] - importance[2]) < 0.25 * sigma


@pytest.mark.parametrize("name, truth", [("tE", LONG["tE"]), ("piE", float(numpy.hypot(LONG["piE_N"], LONG["piE_E"]))),
                                         ("t0", LONG["t0"] - HJD_OFFSET)])
def test_the_truth_is_within_three_posterior_sigma(sampled, name, truth):
    _, p16, p50, p84, _ = sampled.solutions[0]["posterior"].percentiles[name]
    assert abs(truth - p50) < 3 * (p84 - p16) / 2


def test_the_fits_errors_are_the_posteriors_when_it_was_sampled(sampled):
    p16, p84 = (sampled.solutions[0]["posterior"].percentiles["tE"][i] for i in (1, 3))
    assert sampled.errors["tE"] == pytest.approx((p84 - p16) / 2)


def test_solutions_and_draws_are_stored_with_weights_that_sum_to_one(sampled, tmp_path):
    import sqlite3
    db = sqlite3.connect(tmp_path / "fits.db")
    db.executescript(schema.SCHEMA)
    stage.store_solutions(db, 7, sampled)
    rows = db.execute("select solution, is_best, posterior, tE_p2_5, tE_p50, tE_p97_5 from fit_solutions "
                      "order by is_best desc").fetchall()
    assert [r[1] for r in rows] == [1, 0] and rows[0][3] < rows[0][4] < rows[0][5]
    weights = db.execute("select solution, count(*), sum(weight) from fit_samples group by solution").fetchall()
    assert sum(w for _, _, w in weights) == pytest.approx(1.0)
    assert all(n == posterior.DRAWS for _, n, _ in weights)


def test_the_95_percent_intervals_hold_the_truth_of_most_injected_events():
    """A small injection and recovery (the bench's `fits` part runs a larger one): 8 long events with parallax
    drawn at random; the truth of tE and |piE| within the best solution's 95% interval for at least 6."""
    rng = numpy.random.default_rng(41)
    inside = {"tE": 0, "piE": 0}
    for i in range(8):
        event = make_event(t0=10880.0 + rng.uniform(-20, 20), u0=rng.uniform(0.05, 0.8), tE=rng.uniform(70, 250),
                           piE_N=rng.normal(0, 0.15), piE_E=rng.normal(0, 0.1), fbl=rng.uniform(0.3, 1.0))
        fit = fit_event(observe(event, seed=100 + i), start_near(event), coords(event), sample_seed=i)
        percentiles = fit.solutions[0]["posterior"].percentiles
        for name, truth in (("tE", event["tE"]), ("piE", float(numpy.hypot(event["piE_N"], event["piE_E"])))):
            inside[name] += percentiles[name][0] <= truth <= percentiles[name][4]
    assert inside["tE"] >= 6 and inside["piE"] >= 6, inside


def test_a_chain_that_cannot_converge_stops_early():
    longest = posterior.MOST_STEPS / posterior.CONVERGED_AUTOCORRELATIONS  # 36 steps
    assert not posterior.cannot_converge(longest, posterior.CHUNK_STEPS)
    assert not posterior.cannot_converge(1.3 * longest, 2 * posterior.CHUNK_STEPS)  # estimates grow: wait
    assert posterior.cannot_converge(1.5 * longest, posterior.CHUNK_STEPS)
    assert not posterior.cannot_converge(float("inf"), posterior.CHUNK_STEPS)  # give a stuck start one more chunk
    assert posterior.cannot_converge(float("inf"), 2 * posterior.CHUNK_STEPS)
