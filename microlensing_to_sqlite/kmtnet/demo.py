"""SYNTHETIC files in KMTNet formats: listpage.dat, view.php, pySIS files and their pysis.tar.gz. The one writer
of each, for the demo mirror (../demo.py), the tests and the benchmarks."""

import datetime
import gzip
import io
import tarfile

import numpy

from ..synthetic import (datetime_to_hjd, dataset_look, dec_dms, observation_times, ra_hms, text_rows,
                         true_magnitude)
from . import site

SITES = "ACS"  # SSO, CTIO, SAAO
# Years whose listpage.dat has one classification column; the others have two (EF, AL).
SINGLE_CLASSIFICATION = {2017, 2020, 2026}
PYSIS_HEADER = "# HJD  \\Delta_flux flux_err  mag  mag_err  fwhm  sky  secz\n"
PYSIS_V_HEADER = "# HJD  \\Delta_flux flux_err  fwhm  sky  secz\n"  # V files have no magnitudes
# Seasons whose pySIS files write HJD - 2450000 (the recorded 2018-2022 files); the 2025 files write full HJD,
# and so do the demo's 2023-2024 files (no file of those years was recorded).
LAST_PYSIS_HJD_2450000 = 2022


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


def listpage(lines):
    """A season's listpage.dat: the events' lines (listpage_line), no header."""
    return "".join(line + "\n" for line in lines).encode()


def pysis_file(event, rng, telescope, band, times, season):
    """One site's pySIS file of the event at these times (full HJD), with the zero-point KMTNet used that season:
    I files with magnitudes (8 columns), V files without (6). About 1% of rows have fwhm -1, as real files do."""
    true = true_magnitude(event, times, dataset_look(event, rng, telescope))  # instrumental: per site
    errors = numpy.clip(0.004 + 0.02 * 10 ** (0.4 * (true - 18.5)), 0.003, 0.5)
    observed = true + rng.normal(0, errors)
    flux = 10 ** (0.4 * (28 - observed))
    delta_flux = flux - 10 ** (0.4 * (28 - event["Ibase"]))
    flux_err = flux * errors / 1.0857
    k = len(times)
    fwhm = numpy.where(rng.random(k) < 0.01, -1.0, rng.uniform(2.5, 6, k))
    sky, secz = rng.integers(500, 3000, k), rng.uniform(1.0, 2.0, k)
    written = times - 2450000 if season <= LAST_PYSIS_HJD_2450000 else times
    magnitudes = ((observed, 4, 10), b" ", (errors, 4, 9), b" ") if band == "I" else ()
    header = PYSIS_HEADER if band == "I" else PYSIS_V_HEADER
    return header.encode() + text_rows((written, 5), b" ", (delta_flux, 4, 12), b" ", (flux_err, 4, 10), b" ",
                                       *magnitudes, (fwhm, 2, 7), b" ", (sky, 0, 5), b" ", (secz, 2, 5))


def season_times(event, rng, season, today_hjd):
    """One site's epochs of the event in its season: 150 to 400 from 120 days before the peak, none after the
    season's end (a KMTNet file holds its season only: a 2022 file never reaches 2023's HJD - 2450000 > 10000)."""
    season_end = datetime_to_hjd(datetime.datetime(season, 11, 1))
    times = observation_times(rng, season, event["t0"], event["tE"], min(today_hjd, event["t0"] + 150, season_end))
    return times[times > event["t0"] - 120][: int(rng.integers(150, 400))]


def bundle(files, folder="pysis"):
    """pysis.tar.gz of {file name: bytes or text} in `folder` (KMTNet's recent bundles use pysis/, the 2019 one
    KB190001/), byte for byte the same each time."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.USTAR_FORMAT) as tar:
        for name, data in files.items():
            data = data.encode() if isinstance(data, str) else data
            info = tarfile.TarInfo(f"{folder}/{name}")
            info.size, info.mode = len(data), 0o644
            tar.addfile(info, io.BytesIO(data))
    return gzip.compress(buffer.getvalue(), compresslevel=6, mtime=0)


def with_new_points(pysis, points=3):
    """An I-band pySIS file (bytes) with a night's new points after its last row."""
    last = float(pysis.rstrip().rsplit(b"\n", 1)[-1].split()[0])
    return pysis + "".join(f"{last + 0.3 * k:.5f} {100.0 * k:12.4f} {50.0:10.4f} {19.0:10.4f} {0.05:9.4f} "
                           f"{4.0:7.2f} {1000:5d} {1.2:5.2f}\n" for k in range(1, points + 1)).encode()


def write_season(mirror, rng, season, alerts, today_hjd):
    """`alerts` are (AlertName, event) pairs in alert order. Up to 2022 each event's pySIS files (with a V file)
    are only in its pysis.tar.gz, from 2023 only separate: the demo then holds both ways the build reads them."""
    bundled = season <= LAST_PYSIS_HJD_2450000
    lines = []
    for name, event in alerts:
        field = f"BLG{rng.integers(1, 43):02d}K{rng.integers(1, 9):02d}{rng.integers(1, 9):02d}"
        values = published_values(name, event, rng, field)
        lines.append(listpage_line(name, values))
        files = {f"KMT{site}{field[3:5]}_I.pysis": (f"KMT{site}", "I") for site in SITES}
        if bundled:
            files[f"KMTC{field[3:5]}_V.pysis"] = ("KMTC", "V")
        texts = {file_name: pysis_file(event, rng, telescope, band, season_times(event, rng, season, today_hjd),
                                       season)
                 for file_name, (telescope, band) in files.items()}
        mirror.write(site.view_url(name), view_page(name, values, files).encode())
        if bundled:
            mirror.write(site.pysis_tarball_url(name), bundle(texts))
        else:
            for file_name, text in texts.items():
                mirror.write(site.pysis_url(name, file_name), text)
    mirror.write(site.listpage_url(season), listpage(lines))
