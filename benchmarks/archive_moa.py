"""MOA's files for the generated archive (archive.py), SYNTHETIC: the 2016-2024 layout on www.massey.ac.nz
(index.dat, alert.php, moa2ogle.txt, display.php?id=, the photometry through fetchtxt.php inside a <pre>) as
tests/data/handwritten-moa shows it, and moaprime's layout from 2025 (moa/demo.py's writers). Every event has a
whole-baseline photometry file of ~10,000 points (MOA-II since 2006)."""

import datetime

import numpy

from microlensing_to_sqlite.formulas import magnification, point_lens_magnitude
from microlensing_to_sqlite.moa import demo as demo_moa, site
from microlensing_to_sqlite.moa.alert_page import ALERT_PHP_HEADERS
from microlensing_to_sqlite.synthetic import datetime_to_hjd, dec_dms, hjd_to_datetime, ra_hms

from .text import lines

ZP = demo_moa.ZP
MOA_II_START = datetime_to_hjd(datetime.datetime(2006, 3, 1))
POINTS = (8000, 12000)  # per event: whole-baseline files of ~10,000 points
COLUMNS = "# JD delta_flux flux_err frame seeing sky airmass weight\n"


def f_ref(event):
    return 10 ** (0.4 * (ZP - event["Ibase"]))


def photometry_rows(event, rng, last_hjd):
    """The rows of one event's photometry file (8 columns, the frame id the 4th), as bytes."""
    n = int(rng.integers(*POINTS))
    near = 200
    times = numpy.concatenate([rng.uniform(MOA_II_START, last_hjd, n - near),
                               rng.uniform(event["t0"] - 2 * event["tE"], event["t0"] + 2 * event["tE"], near)])
    times = numpy.unique(numpy.round(numpy.clip(times, MOA_II_START, last_hjd), 6))
    true = point_lens_magnitude(times, event["t0"], event["tE"], event["u0"], event["Ibase"], event["fbl"])
    errors = numpy.clip(0.006 + 0.04 * 10 ** (0.4 * (true - 18.0)), 0.004, 1.0)
    flux = 10 ** (0.4 * (ZP - (true + rng.normal(0, errors))))
    k = len(times)
    return lines((times, 6), b" ", (flux - f_ref(event), 4, 11), b" ", (flux * errors / 1.0857, 4, 10), b" B",
                 (numpy.arange(1000, 1000 + k), 0), b"-gb5-R-1 ", (rng.uniform(2, 5, k), 6), b" ",
                 (rng.uniform(800, 3000, k), 4), b" ", (rng.uniform(1.0, 2.0, k), 6), b" 100.00")


def with_new_points(old, points=3):
    """A photometry file (plain, or a fetchtxt.php page) with a night's new points after its last row."""
    head, pre, tail = old.rpartition(b"</pre>") if b"</pre>" in old else (old, b"", b"")
    last = float(head.rstrip().rsplit(b"\n", 1)[-1].split()[0])
    new = "".join(f"{last + 0.3 * k:.6f} {50.0 * k:11.4f} {60.0:10.4f} B9{k:03d}-gb5-R-1 3.000000 1500.0000 "
                  f"1.100000 100.00\n" for k in range(1, points + 1)).encode()
    return head + new + pre + tail


# 2016-2024: www.massey.ac.nz/~iabond/moa/alertYYYY/ -------------------------------------------------------------

def old_name(name):
    """`2017-BLG-001`: index.dat and alert.php write MOA's names without `MOA-`."""
    return f"{name.season}-{name.region}-{name.number:03d}"


def internal_id(rng):
    return f"gb{rng.integers(1, 23)}-R-{rng.integers(1, 11)}-{rng.integers(1, 99999)}"


def index_dat_line(name, event, internal):
    return (f"{old_name(name)} {internal} {event['ra']:.9f} {event['dec']:.10f} {event['t0']:.6f} {event['tE']:.2f} "
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
            f"# MOA-II difference imaging photometry (SYNTHETIC)\n#\n{COLUMNS}").encode() + rows + \
        b"</pre>\n</body>\n</html>\n"


def write_old_season(put, rng, season, alerts, ogle_names, last_hjd):
    """Every file of a 2016-2024 season; `put(url, bytes)` writes one. `ogle_names` maps an event (by id) to
    its OGLE alert, for moa2ogle.txt. Returns the photometry URLs."""
    index, rows, pairs, photometry = [], [], [], []
    for name, event in alerts:
        internal = internal_id(rng)
        index.append(index_dat_line(name, event, internal))
        rows.append(alert_php_row(name, event, internal))
        if id(event) in ogle_names:
            pairs.append((name, ogle_names[id(event)]))
        put(site.display_php_url(season, internal), display_php(name, event, internal, rng).encode())
        url = site.photometry_url(season, internal)
        put(url, fetchtxt_page(internal, photometry_rows(event, rng, last_hjd)))
        photometry.append(url)
    put(site.index_dat_url(season), "".join(index).encode())
    put(site.alert_php_url(season), alert_php(rows).encode())
    put(site.moa2ogle_url(season), moa2ogle(pairs).encode())
    return photometry


# 2025 on: moaprime.massey.ac.nz ---------------------------------------------------------------------------------

def prime_page(put, rng, name, event):
    """An event's display page; returns its row of the season index."""
    put(site.prime_display_url(name), demo_moa.display_page(name, event, rng, f_ref(event)).encode())
    return demo_moa.index_row(name, event, rng)


def write_prime_season(put, rng, season, alerts, last_hjd):
    """Every file of a 2025+ season: each event's page and data file, the index. Returns ({name: index row},
    the photometry URLs)."""
    rows, photometry = {}, []
    for name, event in alerts:
        rows[name] = prime_page(put, rng, name, event)
        put(site.prime_datafile_url(name), f"# SYNTHETIC PHOTOMETRY of {name.full}\n{COLUMNS}".encode()
            + photometry_rows(event, rng, last_hjd))
        photometry.append(site.prime_datafile_url(name))
    put(site.prime_index_url(season), prime_index(season, rows))
    return rows, photometry


def prime_index(season, rows):
    return demo_moa.index_page(season, list(rows.values())).encode()
