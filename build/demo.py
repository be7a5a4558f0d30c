"""Write a SYNTHETIC demo mirror: point-lens events drawn at random, in the surveys' real file formats.

    python -m build.demo data/demo-mirror [--events-per-season 80] [--seed 1]

Nothing here is real data. The mirror carries SYNTHETIC.txt, and a database built from it says
"synthetic demo data" on every page of the portal. The events are placed relative to today, so the
candidate queries ("t0 in the last 14 days") always have something to find.
"""

import argparse
import datetime
import math
from pathlib import Path

import numpy

from . import ogle
from .load import SYNTHETIC_MARKER
from .mirror import Mirror
from .names import AlertName

MJD_EPOCH = datetime.datetime(1858, 11, 17)
BULGE_SEASON_MONTHS = range(2, 11)  # the bulge is observable from February to October


def hjd_to_datetime(hjd):
    return MJD_EPOCH + datetime.timedelta(days=hjd - 2400000.5)


def datetime_to_hjd(moment):
    return (moment - MJD_EPOCH).total_seconds() / 86400 + 2400000.5


def magnification(t, t0, tE, u0):
    u = numpy.sqrt(u0 ** 2 + ((t - t0) / tE) ** 2)
    u = numpy.maximum(u, 1e-6)
    return (u ** 2 + 2) / (u * numpy.sqrt(u ** 2 + 4))


def pspl_magnitude(t, t0, tE, u0, fbl, Ibase):
    """The magnitude of a point-source point-lens event, with a fraction fbl of the baseline flux lensed."""
    return Ibase - 2.5 * numpy.log10(fbl * magnification(t, t0, tE, u0) + 1 - fbl)


def draw_event(rng, season, number, today_hjd):
    """One event's true parameters (t0 in full HJD). A few kinds are planted so every candidate query
    finds something."""
    kind = rng.choice(["ordinary"] * 12 + ["long"] * 2 + ["short", "blended", "peak_at_zero"])
    season_start = datetime_to_hjd(datetime.datetime(season, 2, 1))
    # Past seasons end with the bulge season; the current one runs a month past today.
    latest = today_hjd + 30 if season == hjd_to_datetime(today_hjd).year else datetime_to_hjd(datetime.datetime(season, 10, 31))
    tE = {"long": rng.uniform(100, 350), "short": rng.uniform(0.4, 2.0)}.get(kind, rng.lognormal(math.log(25), 0.6))
    return {
        "name": AlertName("OGLE", season, "BLG", number),
        "kind": kind,
        "ra": rng.uniform(262.5, 272.5), "dec": rng.uniform(-34.5, -22.5),
        "field": f"BLG{rng.integers(500, 530)}.{rng.integers(1, 33):02d}",
        "star_id": str(rng.integers(1000, 250000)),
        "t0": rng.uniform(season_start + 20, max(latest, season_start + 30)),
        "tE": tE,
        "u0": 0.0 if kind == "peak_at_zero" else rng.uniform(0.01, 1.0),
        "fbl": rng.uniform(0.15, 0.8) if kind == "blended" else 1.0,
        "Ibase": rng.uniform(16.0, 20.5),
    }


def observation_times(rng, first_season, t0, tE, last_hjd):
    """Nightly-ish epochs in the bulge seasons from first_season on, denser around the peak."""
    start = datetime_to_hjd(datetime.datetime(first_season, 2, 1))
    n = int(rng.integers(200, 1500))
    times = rng.uniform(start, last_hjd, size=3 * n)
    months = numpy.array([hjd_to_datetime(t).month for t in times])
    times = times[numpy.isin(months, list(BULGE_SEASON_MONTHS))][:n]
    near_peak = rng.uniform(t0 - 2 * tE, t0 + 2 * tE, size=min(200, int(20 * tE) + 20))
    times = numpy.concatenate([times, near_peak[near_peak < last_hjd]])
    return numpy.unique(numpy.round(times, 5))


def ra_hms(ra):
    seconds = round(ra / 15 * 3600, 2)
    return f"{int(seconds // 3600):02d}:{int(seconds % 3600 // 60):02d}:{seconds % 60:05.2f}"


def dec_dms(dec):
    seconds = round(abs(dec) * 3600, 1)
    sign = "-" if dec < 0 else "+"
    return f"{sign}{int(seconds // 3600):02d}:{int(seconds % 3600 // 60):02d}:{seconds % 60:04.1f}"


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
        amax = float(magnification(numpy.array([0.0]), 0.0, 1.0, event["u0"])[0])
        values.update(Amax=amax, Dmag=2.5 * math.log10(event["fbl"] * (amax - 1) + 1))
        errors.update(Amax=amax * rng.uniform(0.02, 0.1), Dmag=rng.uniform(0.01, 0.1))
    return values, errors


def lenses_par_line(event, values):
    name = event["name"]
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


def params_dat(event, values, errors):
    header = [event["name"].full, "", f"{'Field':<15}{event['field']}", f"{'StarNo':<15}{event['star_id']}",
              f"{'RA(J2000.0)':<15}{ra_hms(event['ra'])}", f"{'Dec(J2000.0)':<15}{dec_dms(event['dec'])}",
              f"{'Remarks':<15}", ""]
    rows = [f"  {key:<4}{values[key]:14.3f}{errors[key]:10.3f}" for key in ogle.PARAMETERS]
    return "\n".join(header + rows) + "\n"


def phot_dat(event, rng, last_hjd):
    times = observation_times(rng, event["name"].season - 2, event["t0"], event["tE"], last_hjd)
    true = pspl_magnitude(times, event["t0"], event["tE"], event["u0"], event["fbl"], event["Ibase"])
    errors = numpy.clip(0.004 + 0.03 * 10 ** (0.4 * (true - 18.5)), 0.003, 0.8)
    observed = true + rng.normal(0, errors)
    seeing = rng.uniform(0.8, 2.5, size=len(times)) * 2.7
    sky = rng.uniform(50, 1500, size=len(times))
    return "".join(f"{t:.5f} {m:.3f} {e:.3f} {s:.2f} {k:.1f}\n"
                   for t, m, e, s, k in zip(times, observed, errors, seeing, sky))


def write_ogle_season(mirror, rng, season, count, today_hjd):
    header = ("    Event     Field   StarNo  RA(J2000)   Dec(J2000)   Tmax(HJD)   Tmax(UT)      tau     umin  Amax"
              "  Dmag   fbl  I_bl    I0\n\n")
    lines = []
    for number in range(1, count + 1):
        event = draw_event(rng, season, number, today_hjd)
        values, errors = fitted(event, rng)
        lines.append(lenses_par_line(event, values) + "\n")
        if number % 40 == 0:
            continue  # like the real mirror, some listed events have no per-event files yet
        mirror.write(ogle.params_url(event["name"]), params_dat(event, values, errors).encode())
        mirror.write(ogle.phot_url(event["name"]), phot_dat(event, rng, today_hjd).encode())
    mirror.write(ogle.lenses_par_url(season), (header + "".join(lines)).encode())


def write_demo_mirror(root, events_per_season=80, seed=1, today=None):
    today = today or datetime.date.today()
    today_hjd = datetime_to_hjd(datetime.datetime(today.year, today.month, today.day))
    rng = numpy.random.default_rng(seed)
    mirror = Mirror(root)
    for season in demo_seasons(today):
        write_ogle_season(mirror, rng, season, events_per_season, today_hjd)
    (Path(root) / SYNTHETIC_MARKER).write_text(
        "SYNTHETIC DEMO DATA, written by `python -m build.demo`.\n"
        "Every event, parameter and photometric point here was drawn at random in the surveys' file formats.\n"
        "The names look like real alert names but belong to no real event.\n")
    return mirror


def demo_seasons(today=None):
    year = (today or datetime.date.today()).year
    return [year - 1, year]


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m build.demo", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("mirror", help="folder to write the demo mirror into")
    parser.add_argument("--events-per-season", type=int, default=80)
    parser.add_argument("--seed", type=int, default=1)
    arguments = parser.parse_args(argv)
    write_demo_mirror(arguments.mirror, arguments.events_per_season, arguments.seed)
    print(f"wrote a synthetic demo mirror to {arguments.mirror} (seasons {' '.join(map(str, demo_seasons()))})")


if __name__ == "__main__":
    main()
