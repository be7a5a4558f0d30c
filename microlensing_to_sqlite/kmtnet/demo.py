"""SYNTHETIC demo files in KMTNet formats: listpage.dat, view.php, pySIS files (see ../demo.py)."""

import numpy

from ..synthetic import dataset_look, dec_dms, observation_times, ra_hms, true_magnitude
from . import site

SITES = "ACS"  # SSO, CTIO, SAAO
# Years whose listpage.dat has one classification column; the others have two (EF, AL).
SINGLE_CLASSIFICATION = {2017, 2020, 2026}
PYSIS_HEADER = "# HJD  \\Delta_flux flux_err  mag  mag_err  fwhm  sky  secz\n"


def t0_as_published(hjd, season):
    # HJD - 2450000 up to 2022, HJD - 2400000 from 2023.
    return f"{hjd - 2400000:.5f}" if season >= 2023 else f"{hjd - 2450000:.5f}"


def published_values(name, event, rng, field):
    """What KMTNet would list for the event, as text, in listpage order."""
    classification = [rng.choice(["1"] * 8 + ["2", "3"])]
    if name.season not in SINGLE_CLASSIFICATION:
        classification.append(rng.choice(["1", "1", "X"]))
    return {
        "field": field, "star": f"{rng.integers(1, 99999):06d}", "classification": classification,
        "RA": ra_hms(event["ra"]), "Dec": dec_dms(event["dec"], 2), "t_0": t0_as_published(event["t0"], name.season),
        "t_E": f"{min(event['tE'] * rng.normal(1, 0.05), 199.99):.2f}", "u_0": f"{max(event['u0'], 0.001):.3f}",
        "Isource": f"{event['Ibase'] - 2.5 * numpy.log10(event['fbl']):.2f}", "Ibase": f"{event['Ibase']:.2f}",
        "Icat": f"{event['Ibase'] + rng.normal(0, 0.1):.2f}", "A_I": f"{rng.uniform(0.8, 3.5):.2f}",
        "related": [other.short for survey, other in event["names"].items() if survey != "KMT"],
    }


def listpage_line(name, v):
    return (f"{name.full} {v['field']}.{v['star']} {' '.join(v['classification'])} {v['RA']} {v['Dec']}"
            f"  {v['t_0']} {v['t_E']:>7} {v['u_0']:>6} {v['Isource']:>6} {v['Ibase']:>6} {v['Icat']:>6} 2"
            f" {v['A_I']:>6}  {' '.join(v['related'])}").rstrip()


def view_page(name, v, files):
    labels = ["Classification"] if len(v["classification"]) == 1 else ["EFClassification", "ALClassification"]
    rows = [("Field", v["field"]), ("Star ID", v["star"])]
    rows += list(zip(labels, ["clear" if c == "1" else c for c in v["classification"]]))
    rows += [(label, v[label]) for label in ["RA", "Dec", "t_0", "t_E", "u_0", "Isource", "Ibase", "Icat"]]
    rows += [("Catalog type", "DECam i"), ("A_I", v["A_I"]), ("Related event", " ".join(v["related"]) or " ")]
    table = "\n".join(f"<tr height=30><td width=15></td><td width=130>{label}</td>  <td>{value}</td></tr>"
                      for label, value in rows)
    folder = f"data/KB{name.season % 100:02d}{name.number:04d}/pysis"
    links = "".join(f"<a href={folder}/{f}>{f}<br>" for f in files)
    return (f"<html>\n<head>\n<title>{name.full}</title>\n</head>\n<body>\n"
            f"<p><b>SYNTHETIC DEMO EVENT</b></p>\n<table border=0 width=400>\n{table}\n</table>\n"
            f"{links}<br><a href={folder}/pysis.tar.gz>gzipped tar file for all pySIS data</a><br><br>\n"
            f"</body>\n</html>\n")


def pysis_file(event, rng, season, today_hjd, telescope):
    """One site's season of pySIS photometry: full HJD, as KMTNet writes it from 2025."""
    season_start = event["t0"] - 120
    times = observation_times(rng, season, event["t0"], event["tE"], min(today_hjd, event["t0"] + 150))
    times = times[times > season_start][: int(rng.integers(150, 400))]
    true = true_magnitude(event, times, dataset_look(event, rng, telescope))  # instrumental: per site
    errors = numpy.clip(0.004 + 0.02 * 10 ** (0.4 * (true - 18.5)), 0.003, 0.5)
    observed = true + rng.normal(0, errors)
    flux = 10 ** (0.4 * (28 - observed))
    delta_flux = flux - 10 ** (0.4 * (28 - event["Ibase"]))
    flux_err = flux * errors / 1.0857
    lines = [f"{t:.5f} {df:12.4f} {fe:10.4f} {m:10.4f} {e:9.4f} {rng.uniform(2.5, 6):7.2f} "
             f"{int(rng.uniform(500, 3000)):5d} {rng.uniform(1.0, 2.0):5.2f}\n"
             for t, df, fe, m, e in zip(times, delta_flux, flux_err, observed, errors)]
    return PYSIS_HEADER + "".join(lines)


def write_season(mirror, rng, season, alerts, today_hjd):
    lines = []
    for name, event in alerts:
        field = f"BLG{rng.integers(1, 43):02d}K{rng.integers(1, 9):02d}{rng.integers(1, 9):02d}"
        values = published_values(name, event, rng, field)
        lines.append(listpage_line(name, values) + "\n")
        files = {f"KMT{site}{field[3:5]}_I.pysis": f"KMT{site}" for site in SITES}
        mirror.write(site.view_url(name), view_page(name, values, files).encode())
        for file_name, telescope in files.items():
            mirror.write(site.pysis_url(name, file_name),
                         pysis_file(event, rng, season, today_hjd, telescope).encode())
    mirror.write(site.listpage_url(season), "".join(lines).encode())
