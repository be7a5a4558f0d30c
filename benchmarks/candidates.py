"""The candidate desk's stages (issue 21): the lens-class step per event against popclass's own classify on the
same draws, and /-/tonight's visibility for MOST_TARGETS candidates against astroplan's observability_table
on the same targets and night. SYNTHETIC draws and positions."""

import datetime
import statistics
import time

import numpy

from microlensing_to_sqlite import lens_class, tonight, visibility

# The real archive's sampled events: the parallax fits (tE >= 60 d in some fit), about a sixth of ~45,000.
ARCHIVE_SAMPLED_EVENTS = 7_500


def synthetic_draws(rng, n=200):
    """Weighted draws of tE and |piE| like a sampled long event's: two solutions' 100 draws each."""
    tE = float(numpy.exp(rng.uniform(numpy.log(60), numpy.log(400))))
    piE = float(numpy.exp(rng.uniform(numpy.log(0.01), numpy.log(0.5))))
    return (numpy.abs(rng.normal(tE, 0.1 * tE, n)), numpy.abs(rng.normal(piE, 0.2 * piE, n)),
            numpy.full(n, 1.0 / n))


def run(events=20, seed=3):
    from popclass.classify import classify
    from popclass.posterior import Posterior
    rng = numpy.random.default_rng(seed)
    for name in lens_class.MODELS:
        lens_class.population(name)  # built once per process, as in the build
    ours, theirs = [], []
    for event_id in range(events):
        tE, piE, weights = synthetic_draws(rng)
        began = time.perf_counter()
        lens_class.event_rows(event_id, tE, piE, weights, lens_class.BOTH, "digest")
        ours.append(time.perf_counter() - began)
        points = lens_class.resampled(lens_class.log_points(tE, piE, lens_class.BOTH), weights)
        began = time.perf_counter()
        for name in lens_class.MODELS:
            model, none = lens_class.population(name)
            classify(Posterior(points, lens_class.BOTH).to_inference_data(lens_class.prior_density(points, lens_class.BOTH)),
                     model, lens_class.BOTH, additive_uq=none[tuple(lens_class.BOTH)])
        theirs.append(time.perf_counter() - began)
    per_event = statistics.median(ours)
    found = {"events": events, "lens_class_median": per_event, "classify_median": statistics.median(theirs),
             "archive_minutes": ARCHIVE_SAMPLED_EVENTS * per_event / 60}
    found.update(night(rng))
    return found


def night(rng, site="lco", day=datetime.date(2026, 6, 15)):
    """Seconds of visibility.observable_tonight and of astroplan's observability_table for MOST_TARGETS bulge
    positions (each run twice; the second, warm, is kept)."""
    import astropy.units as u
    from astropy.coordinates import SkyCoord
    from astroplan import FixedTarget, observability_table
    n = tonight.MOST_TARGETS
    ra, dec = rng.uniform(262, 275, n), rng.uniform(-35, -22, n)
    for _ in range(2):
        began = time.perf_counter()
        ours = visibility.observable_tonight(site, day, ra, dec)
        ours_seconds = time.perf_counter() - began
    observer, evening, morning = visibility.night_at(site, day)
    targets = [FixedTarget(SkyCoord(r * u.deg, d * u.deg)) for r, d in zip(ra, dec)]
    for _ in range(2):
        began = time.perf_counter()
        theirs = observability_table(visibility.ground_constraints(), observer, targets, time_range=[evening, morning],
                                     time_grid_resolution=visibility.NIGHT_STEP_MINUTES * u.min)
        theirs_seconds = time.perf_counter() - began
    hours = (morning - evening).to(u.hour).value
    difference = numpy.max(numpy.abs(numpy.array(ours["hours"]) - numpy.array(theirs["fraction of time observable"]) * hours))
    return {"tonight_targets": n, "tonight_seconds": ours_seconds, "observability_table_seconds": theirs_seconds,
            "tonight_largest_difference_hours": float(difference)}
