"""SYNTHETIC files in MOA's formats, the one writer of each, for the demo mirror (../demo.py), the tests and the
benchmarks: the 2016-2024 layout on www.massey.ac.nz (index.dat, alert.php, moa2ogle.txt, display.php?id=, the
photometry through fetchtxt.php inside a <pre>) and moaprime's from 2025 (the season index, event pages, data
files).

The 2025 index follows the recorded page, index.dat the recorded 2017 and 2024 files; the event pages and the
data file follow the layouts inferred in tests/data/handwritten-moa (no real copy exists). Times MOA writes as JD
(index.dat's t0, the photometry) are the JD (UTC) at which MOA would have seen the synthetic HJD, so that the
build's heliocentric correction gives back the truth (the fit tests need it).
"""

import numpy

from ..formulas import heliocentric_jd, magnification
from ..synthetic import (dataset_look, dec_dms, hjd_to_datetime, observation_times, ra_hms, text_rows,
                         true_magnitude)
from . import site
from .alert_page import ALERT_PHP_HEADERS
from .site import MT_JOHN

ZP = 27.6
PHOTOMETRY_COLUMNS = "# JD delta_flux flux_err frame seeing sky airmass weight\n"


def f_ref(event):
    """The reference flux of the event's baseline on MOA's difference images."""
    return 10 ** (0.4 * (ZP - event["Ibase"]))


def observed_jd(hjd, event):
    """The JD (UTC) at Mt John of each HJD: HJD less the light-travel time, which differs between the two
    moments by microseconds only."""
    hjd = numpy.atleast_1d(numpy.asarray(hjd, dtype=float))
    return 2 * hjd - heliocentric_jd(hjd, numpy.full(len(hjd), event["ra"]), numpy.full(len(hjd), event["dec"]),
                                     MT_JOHN)


# 2025 on: moaprime.massey.ac.nz --------------------------------------------------------------------------------

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


def display_page(name, event, rng):
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
            f"      <p>I = {ZP:.4f} - 2.5 log<sub>10</sub>(&Delta; Flux + {f_ref(event):.4f})\n  </body>\n</html>\n")


def photometry_rows(event, rng, times):
    """The rows of the event's photometry file at these times (full HJD), 8 columns, the frame id the 4th."""
    true = true_magnitude(event, times, dataset_look(event, rng, "MOA"))
    errors = numpy.clip(0.006 + 0.04 * 10 ** (0.4 * (true - 18.0)), 0.004, 1.0)
    flux = 10 ** (0.4 * (ZP - (true + rng.normal(0, errors))))
    k = len(times)
    return text_rows((observed_jd(times, event), 6), b" ", (flux - f_ref(event), 4, 11), b" ",
                     (flux * errors / 1.0857, 4, 10), b" B", (numpy.arange(1000, 1000 + k), 0), b"-gb5-R-1 ",
                     (rng.uniform(2, 5, k), 6), b" ", (rng.uniform(800, 3000, k), 4), b" ",
                     (rng.uniform(1.0, 2.0, k), 6), b" 100.00")


def photometry_times(event, rng, season, last_hjd, points=None, first_season=None):
    """The epochs of MOA's photometry file of the event, from first_season (the season before, by default) to
    last_hjd. `points`: how many (an int, or (low, high) to draw from; the real files run from MOA-II's start
    in 2006, ~10,000 points)."""
    if isinstance(points, tuple):
        points = int(rng.integers(*points))
    return observation_times(rng, first_season or season - 1, event["t0"], event["tE"], last_hjd, points)


def datafile(name, rows):
    return f"# SYNTHETIC PHOTOMETRY of {name.full}\n{PHOTOMETRY_COLUMNS}".encode() + rows


def with_new_points(old, points=3):
    """A photometry file (plain, or a fetchtxt.php page) with a night's new points after its last row."""
    head, pre, tail = old.rpartition(b"</pre>") if b"</pre>" in old else (old, b"", b"")
    last = float(head.rstrip().rsplit(b"\n", 1)[-1].split()[0])
    new = "".join(f"{last + 0.3 * k:.6f} {50.0 * k:11.4f} {60.0:10.4f} B9{k:03d}-gb5-R-1 3.000000 1500.0000 "
                  f"1.100000 100.00\n" for k in range(1, points + 1)).encode()
    return head + new + pre + tail


def write_prime_season(put, rng, season, alerts, last_hjd, points=None, first_season=None):
    """Every file of a 2025+ season; `put(url, bytes)` writes one, `points` and `first_season` are
    photometry_times'. Returns ({name: index row}, {photometry URL: points})."""
    rows, photometry = {}, {}
    for name, event in alerts:
        rows[name] = prime_page(put, rng, name, event)
        url = site.prime_datafile_url(name)
        times = photometry_times(event, rng, season, last_hjd, points, first_season)
        put(url, datafile(name, photometry_rows(event, rng, times)))
        photometry[url] = len(times)
    put(site.prime_index_url(season), index_page(season, list(rows.values())).encode())
    return rows, photometry


def prime_page(put, rng, name, event):
    """Writes the event's display page; returns its row of the season index."""
    put(site.prime_display_url(name), display_page(name, event, rng).encode())
    return index_row(name, event, rng)


# 2016-2024: www.massey.ac.nz/~iabond/moa/alertYYYY/ -------------------------------------------------------------

def old_name(name):
    """`2017-BLG-001`: index.dat and alert.php write MOA's names without `MOA-`."""
    return f"{name.season}-{name.region}-{name.number:03d}"


def internal_id(rng):
    return f"gb{rng.integers(1, 23)}-R-{rng.integers(1, 11)}-{rng.integers(1, 99999)}"


def index_dat_line(name, event, internal):
    t0_jd = float(observed_jd(event["t0"], event)[0])
    return (f"{old_name(name)} {internal} {event['ra']:.9f} {event['dec']:.10f} {t0_jd:.6f} {event['tE']:.2f} "
            f"{max(event['u0'], 1e-4):.4f} {event['Ibase']:.2f} {ZP:.10f} {f_ref(event):.8f}\n")


def alert_php(rows):
    headers = "".join(f"    <th>{h}</th>\n" for h in ALERT_PHP_HEADERS)
    return (f"<html>\n    <head><title>MOA Transient Alert Page (SYNTHETIC)</title></head><body>\n"
            f"    <h2>MOA Transient Alerts</h2>\n<center>\n    <table border=1 cellspacing=0 cellpadding=3>\n"
            f"    <tr bgcolor=\"#CCCCCC\">\n{headers}</tr>\n{''.join(rows)}</table></center>"
            f"<p>This page last updated: 2025-10-15T00:00:00 UT</p></body></html>\n")


def alert_php_row(name, event, internal):
    moment = hjd_to_datetime(event["t0"])
    day = moment.day + (moment.hour * 3600 + moment.minute * 60 + moment.second) / 86400
    amax = float(magnification(max(event["u0"], 1e-4)))
    return (f"<tr><td><a href=\"display.php?id={internal}\">{old_name(name)}</a></td><td>{ra_hms(event['ra'])}</td>"
            f"<td>{dec_dms(event['dec'], 2)}</td><td>{moment:%Y-%b}-{int(day * 100) / 100:.2f}</td>"
            f"<td align=right>{event['tE']:.2f}</td><td align=right>{amax:.2f}</td>"
            f"<td align=right>{event['Ibase']:.2f}</td><td>microlensing</td></tr>\n")


def moa2ogle(pairs):
    """moa2ogle.txt of (MOA AlertName, OGLE AlertName) pairs."""
    return ("# MOA and OGLE alerts of the same events (SYNTHETIC)\n#\n# MOA                 OGLE\n#\n"
            + "".join(f"{moa.full}  =  {ogle.full}\n" for moa, ogle in pairs))


def display_php(name, event, internal, rng):
    def fit(label, value, error, unit=""):
        return f"<tr><td>{label}<td>=<td align=right>{value}<td>&plusmn;<td>{error}{unit}\n"

    return (f"<html>\n<head>\n<title>MOA {old_name(name)}</title>\n</head>\n<body>\n<h2>MOA {old_name(name)}</h2>\n"
            f"<p><b>SYNTHETIC DEMO EVENT</b></p>\n<div id=\"metadata\">\n<table>\n"
            f"<tr><td>Event:<td align=right>{old_name(name)}\n<tr><td>Internal id:<td align=right>{internal}\n"
            f"<tr><td>RA:<td align=right>{ra_hms(event['ra'])}\n<tr><td>Dec:<td align=right>{dec_dms(event['dec'], 2)}\n"
            f"<tr><td>Current assessment:<td align=right>microlensing\n</table>\n</div>\n<div id=\"micro\">\n<table>\n"
            + fit("t<sub>max</sub>", f"HJD {event['t0'] + rng.normal(0, 0.05):.2f}", f"{rng.uniform(0.02, 0.5):.2f}",
                  " days")
            + fit("t<sub>E</sub>", f"{event['tE'] * rng.normal(1, 0.04):.2f}",
                  f"{event['tE'] * rng.uniform(0.02, 0.15):.2f}", " days")
            + fit("u<sub>0</sub>", f"{max(event['u0'], 1e-4):.4f}", f"{max(event['u0'], 0.01) * 0.1:.4f}")
            + fit("I<sub>base</sub>", f"{event['Ibase']:.2f}", f"{rng.uniform(0.005, 0.05):.2f}")
            + f"</table>\n</div>\n<p><b>Calibration:</b> I = {ZP:.2f} - 2.5 log<sub>10</sub>(&#916F + "
            f"{f_ref(event):.1f})</p>\n<p>Photometry: <a href=\"fetchtxt.php?path=/moa/ephot/phot-{internal}.dat\">"
            f"phot-{internal}.dat</a></p>\n</body>\n</html>\n")


def fetchtxt_page(internal, rows):
    return (f"<html>\n<head><title>phot-{internal}.dat</title></head>\n<body>\n<pre>#\n"
            f"# MOA-II difference imaging photometry (SYNTHETIC)\n#\n{PHOTOMETRY_COLUMNS}").encode() + rows + \
        b"</pre>\n</body>\n</html>\n"


def write_old_season(put, rng, season, alerts, last_hjd, points=None, first_season=None):
    """Every file of a 2016-2024 season; `put(url, bytes)` writes one, `points` and `first_season` are
    photometry_times'. moa2ogle.txt pairs each event OGLE also alerted (its `names`) with OGLE's name.
    Returns {photometry URL: points}."""
    index, rows, pairs, photometry = [], [], [], {}
    for name, event in alerts:
        internal = internal_id(rng)
        index.append(index_dat_line(name, event, internal))
        rows.append(alert_php_row(name, event, internal))
        if "OGLE" in event.get("names", {}):
            pairs.append((name, event["names"]["OGLE"]))
        put(site.display_php_url(season, internal), display_php(name, event, internal, rng).encode())
        url = site.photometry_url(season, internal)
        times = photometry_times(event, rng, season, last_hjd, points, first_season)
        put(url, fetchtxt_page(internal, photometry_rows(event, rng, times)))
        photometry[url] = len(times)
    put(site.index_dat_url(season), "".join(index).encode())
    put(site.alert_php_url(season), alert_php(rows).encode())
    put(site.moa2ogle_url(season), moa2ogle(pairs).encode())
    return photometry


def write_season(mirror, rng, season, alerts, today_hjd):
    """`alerts` are (AlertName, event) pairs in alert order; the season's layout is the one MOA used that year."""
    write = write_old_season if site.old_layout(season) else write_prime_season
    write(mirror.write, rng, season, alerts, today_hjd)
