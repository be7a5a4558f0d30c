"""SYNTHETIC demo files in MOA's moaprime formats: the season index, event pages, photometry files.

The index follows the recorded 2025 page; the event page and the data file follow the layouts inferred in
tests/data/handwritten-moa (no real copy exists). The data file's times are the JD (UTC) at which MOA would have
seen the synthetic HJD, so that the build's heliocentric correction gives back the truth (the fit tests need it).
"""

import numpy

from ..formulas import heliocentric_jd, magnification
from ..synthetic import dataset_look, dec_dms, hjd_to_datetime, observation_times, ra_hms, true_magnitude
from . import site
from .site import MT_JOHN

ZP = 27.6


def index_row(name, event, rng):
    moment = hjd_to_datetime(event["t0"])
    t0 = f"{moment:%Y-%m-%d}.{(moment.hour * 3600 + moment.minute * 60) * 100 // 86400:02d}"
    amax = float(magnification(max(event["u0"], 1e-4)))
    alerted = hjd_to_datetime(event["t0"] - rng.uniform(3, 20))
    return (f"\t<tr>\n\t  <td><a href=/alerts/display/{name.full} target=\"_blank\">{name.full}</a></td>\n"
            f"\t  <td>{alerted:%Y-%m-%dT%H:%M:%S}.0000</td>\n\t  <td>+{ra_hms(event['ra'], 4)}</td>\n"
            f"\t  <td>{dec_dms(event['dec'], 4)}</td>\n\t  <td>{t0}</td>\n\t  <td>{event['tE']:.2f}</td>\n"
            f"\t  <td>{amax:.2f}</td>\n\t  <td>{event['Ibase']:.2f}</td>\n\t</tr>\n")


def index_page(season, rows):
    headers = "".join(f"\t  <th>{h}</th>\n" for h in ["", "Alert Date", "RA", "Dec", "t0", "tE (days)",
                                                     "A<sub>max</sub>", "I<sub>0</sub>"])
    return (f"<!doctype html>\n<html>\n  <head>\n    <title>Alerts: MOA</title>\n  </head>\n  <body>\n"
            f"    <h1>MOA Alerts for {season} (SYNTHETIC DEMO)</h1>\n\n    <table bgcolor=\"#FFCC99\">\n"
            f"      <thead>\n\t<tr>\n{headers}\t</tr>\n      </thead>\n      <tbody>\n{''.join(rows)}"
            f"      </tbody>\n    </table>\n</html>\n")


def display_page(name, event, rng, f_ref):
    def fit(label, value, error, places):
        return (f"\t<tr><td>{label}</td><td>=</td><td align=\"right\">{value:.{places}f}</td>"
                f"<td>&plusmn;</td><td>{error:.{places}f}</td></tr>\n")

    return (f"<!doctype html>\n<html>\n  <head>\n    <title>{name.full}</title>\n  </head>\n  <body>\n"
            f"    <h1>{name.full}</h1>\n    <p><b>SYNTHETIC DEMO EVENT</b></p>\n    <div id=\"metadata\">\n      <table>\n"
            f"\t<tr><td>Internal ID:</td><td align=\"right\">gb{rng.integers(1, 22)}-R-{rng.integers(1, 10)}-"
            f"{rng.integers(1, 99999)}</td></tr>\n"
            f"\t<tr><td>RA:</td><td align=\"right\">+{ra_hms(event['ra'], 4)}</td></tr>\n"
            f"\t<tr><td>Dec:</td><td align=\"right\">{dec_dms(event['dec'], 4)}</td></tr>\n"
            f"\t<tr><td>Assessment:</td><td align=\"right\">microlensing</td></tr>\n      </table>\n    </div>\n"
            f"    <div id=\"micro\">\n      <table>\n"
            + fit("t<sub>0</sub>", event["t0"] + rng.normal(0, 0.1), rng.uniform(0.02, 0.6), 2)
            + fit("t<sub>E</sub>", event["tE"] * rng.normal(1, 0.04), event["tE"] * rng.uniform(0.02, 0.15), 2)
            + fit("u<sub>0</sub>", event["u0"], max(event["u0"], 0.01) * rng.uniform(0.02, 0.2), 4)
            + fit("I<sub>0</sub>", event["Ibase"], rng.uniform(0.005, 0.05), 2)
            + f"      </table>\n    </div>\n"
            f"    <div id=\"external\"><a href=\"/alerts/datafile/MOA/{name.full}\">Photometry data file</a></div>\n"
            f"    <div id=\"calib\">\n      <h4>Calibration</h4>\n"
            f"      <p>I = {ZP:.4f} - 2.5 log<sub>10</sub>(&Delta; Flux + {f_ref:.4f})\n  </body>\n</html>\n")


def photometry_file(name, event, rng, today_hjd, f_ref):
    times = observation_times(rng, name.season - 1, event["t0"], event["tE"], today_hjd)
    true = true_magnitude(event, times, dataset_look(event, rng, "MOA"))
    errors = numpy.clip(0.006 + 0.04 * 10 ** (0.4 * (true - 18.0)), 0.004, 1.0)
    flux = 10 ** (0.4 * (ZP - (true + rng.normal(0, errors))))
    flux_err = flux * errors / 1.0857
    # JD = HJD less the light-travel time; the time at JD differs from that at HJD by a few microseconds.
    jds = 2 * times - heliocentric_jd(times, numpy.full(len(times), event["ra"]), numpy.full(len(times), event["dec"]),
                                      MT_JOHN)
    lines = [f"{t:.6f} {f - f_ref:11.4f} {e:10.4f} B{1000 + i}-gb5-R-1 {rng.uniform(2, 5):.6f} "
             f"{rng.uniform(800, 3000):.4f} {rng.uniform(1.0, 2.0):.6f} 100.00\n"
             for i, (t, f, e) in enumerate(zip(jds, flux, flux_err))]
    return f"# SYNTHETIC DEMO PHOTOMETRY of {name.full}\n# JD delta_flux flux_err frame seeing sky airmass weight\n" \
        + "".join(lines)


def write_season(mirror, rng, season, alerts, today_hjd):
    rows = []
    for name, event in alerts:
        rows.append(index_row(name, event, rng))
        f_ref = 10 ** (0.4 * (ZP - event["Ibase"]))
        mirror.write(site.prime_display_url(name), display_page(name, event, rng, f_ref).encode())
        mirror.write(site.prime_datafile_url(name),
                     photometry_file(name, event, rng, today_hjd, f_ref).encode())
    mirror.write(site.prime_index_url(season), index_page(season, rows).encode())
