"""SYNTHETIC files in EXAMPLE's formats, the one writer of each: alerts.txt and the photometry files."""

import numpy

from ..synthetic import dataset_look, observation_times, text_rows, true_magnitude
from . import site
from .season_list import HEADER


def season_list(alerts, rng):
    """alerts.txt of (AlertName, event) pairs: the truth with a fit's scatter and sigma."""
    lines = [HEADER]
    for name, event in alerts:
        tE = event["tE"] * rng.normal(1, 0.03)
        lines.append(f"{name.full} {event['ra']:.5f} {event['dec']:.5f} {event['t0'] + rng.normal(0, 0.05):.5f} "
                     f"0.050 {tE:.2f} {0.05 * tE:.2f} {event['u0']:.4f} {0.05 * max(event['u0'], 0.01):.4f} "
                     f"{event['Ibase']:.2f}")
    return ("\n".join(lines) + "\n").encode()


def photometry(event, rng, season, last_hjd, points=None):
    """The alert's photometry file: HJD, I, error from the season before to last_hjd."""
    times = observation_times(rng, season - 1, event["t0"], event["tE"], last_hjd, points)
    true = true_magnitude(event, times, dataset_look(event, rng, site.TELESCOPE))
    errors = numpy.clip(0.005 + 0.03 * 10 ** (0.4 * (true - 18.5)), 0.004, 0.5)
    return text_rows((times, 5), b" ", (true + rng.normal(0, errors), 3), b" ", (errors, 3))


def write_season(mirror, rng, season, alerts, today_hjd):
    """`alerts` are (AlertName, event) pairs in alert order."""
    for name, event in alerts:
        mirror.write(site.photometry_url(name), photometry(event, rng, season, today_hjd))
    mirror.write(site.season_list_url(season), season_list(alerts, rng))
