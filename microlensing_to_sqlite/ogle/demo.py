"""SYNTHETIC files in OGLE EWS formats: lenses.par, params.dat, phot.dat. The one writer of each, for the demo
mirror (../demo.py), the tests and the benchmarks."""

import math

import numpy

from ..formulas import magnification
from ..synthetic import (dataset_look, dec_dms, hjd_to_datetime, observation_times, ra_hms, text_rows,
                         true_magnitude)
from . import site
from .fit import PARAMETERS

LENSES_PAR_HEADER = ("    Event     Field   StarNo  RA(J2000)   Dec(J2000)   Tmax(HJD)   Tmax(UT)      tau     umin  Amax"
                     "  Dmag   fbl  I_bl    I0\n\n")


def five_characters(value):
    """lenses.par writes tau in 5 characters, so its precision floats: `111.4`, `9.001`, `28.56`."""
    for decimals in (3, 2, 1):
        text = f"{value:.{decimals}f}"
        if len(text) <= 5:
            return text
    return f"{value:.0f}."


def fitted(event, rng):
    """What OGLE would report: the truth plus a fit's scatter, with errors; umin = 0 gets the sentinels."""
    values = {
        "Tmax": event["t0"], "tau": event["tE"] * rng.normal(1, 0.03), "umin": event["u0"],
        "fbl": event["fbl"], "I_bl": event["Ibase"],
        "I0": event["Ibase"] - 2.5 * math.log10(event["fbl"]),
    }
    errors = {"Tmax": rng.uniform(0.01, 0.8), "tau": values["tau"] * rng.uniform(0.02, 0.15),
              "umin": event["u0"] * rng.uniform(0.02, 0.2), "fbl": 0.0 if event["fbl"] == 1 else rng.uniform(0.02, 0.2),
              "I_bl": rng.uniform(0.002, 0.03), "I0": rng.uniform(0.002, 0.05)}
    if event["u0"] == 0:
        values.update(Amax=99999.999, Dmag=12.5)
        errors.update(Amax=999.999, Dmag=rng.uniform(0.01, 0.6))
    else:
        amax = float(magnification(event["u0"]))
        values.update(Amax=amax, Dmag=2.5 * math.log10(event["fbl"] * (amax - 1) + 1))
        errors.update(Amax=amax * rng.uniform(0.02, 0.1), Dmag=rng.uniform(0.01, 0.1))
    return values, errors


def lenses_par_line(name, event, values):
    moment = hjd_to_datetime(values["Tmax"])
    day_fraction = (moment.hour * 3600 + moment.minute * 60 + moment.second) * 100 // 86400
    amax = "99999." if values["Amax"] >= 99999 else five_characters(values["Amax"])
    return " ".join([
        f"{name.season}-{name.region}-{name.number:04d}", event["field"], f"{event['star_id']:>6}",
        ra_hms(event["ra"]), dec_dms(event["dec"]), f"{values['Tmax']:.3f}",
        f"{moment:%Y-%m-%d}.{day_fraction:02d}", f"{five_characters(values['tau']):<5}",
        f"{values['umin']:7.3f}", f"{amax:>6}", five_characters(values["Dmag"]),
        f"{values['fbl']:5.3f}", f"{values['I_bl']:6.3f}", f"{values['I0']:6.3f}",
    ])


def params_dat(name, event, values, errors):
    header = [name.full, "", f"{'Field':<15}{event['field']}", f"{'StarNo':<15}{event['star_id']}",
              f"{'RA(J2000.0)':<15}{ra_hms(event['ra'])}", f"{'Dec(J2000.0)':<15}{dec_dms(event['dec'])}",
              f"{'Remarks':<15}", ""]
    rows = [f"  {key:<4}{values[key]:14.3f}{errors[key]:10.3f}" for key in PARAMETERS]
    return "\n".join(header + rows) + "\n"


def lenses_par(lines):
    """A season's lenses.par: its header, then the events' lines (lenses_par_line)."""
    return (LENSES_PAR_HEADER + "".join(line + "\n" for line in lines)).encode()


def phot_dat(event, rng, last_hjd, first_season, points=None):
    """phot.dat of the event from first_season to last_hjd (observation_times' epochs; `points` sets how many):
    HJD, I, its error, seeing and sky, 5 columns."""
    times = observation_times(rng, first_season, event["t0"], event["tE"], last_hjd, points)
    true = true_magnitude(event, times, dataset_look(event, rng, "OGLE"))
    errors = numpy.clip(0.004 + 0.03 * 10 ** (0.4 * (true - 18.5)), 0.003, 0.8)
    observed = true + rng.normal(0, errors)
    seeing = rng.uniform(0.8, 2.5, size=len(times)) * 2.7
    sky = rng.uniform(50, 1500, size=len(times))
    return text_rows((times, 5), b" ", (observed, 3), b" ", (errors, 3), b" ", (seeing, 2), b" ", (sky, 1))


def with_new_points(phot, points=3):
    """phot.dat with a night's new points after its last."""
    last = float(phot.rstrip().rsplit(b"\n", 1)[-1].split()[0])
    return phot + "".join(f"{last + 0.3 * k:.5f} 19.000 0.050 4.00 500.0\n" for k in range(1, points + 1)).encode()


def write_season(mirror, rng, season, alerts, today_hjd):
    """`alerts` are (AlertName, event) pairs in alert order."""
    lines = []
    for name, event in alerts:
        values, errors = fitted(event, rng)
        lines.append(lenses_par_line(name, event, values))
        if name.number % 40 == 0:
            continue  # like the real mirror, some listed events have no per-event files yet
        mirror.write(site.params_url(name), params_dat(name, event, values, errors).encode())
        mirror.write(site.phot_url(name), phot_dat(event, rng, today_hjd, name.season - 2))
    mirror.write(site.lenses_par_url(season), lenses_par(lines))
