"""A SYNTHETIC multi-season mirror of all three surveys in their real formats, at a stated fraction of the real
archive's size, for the build benchmark (benchmarks/archive_build.py). Nothing here is real data.

    python -m benchmarks.archive DIR [--years 12] [--fraction 0.1]

The real archive (2011-2025, the issue's figures): OGLE-IV EWS ~25,000 events in 13 seasons (phot.dat ~1,700
points on average), KMTNet ~30,000 events in 10 seasons (5-12 pySIS files each, I files of 1,000-2,700 points, V
a tenth), MOA ~9,000 alerts in 10 seasons (whole-baseline files of ~10,000 points): ~0.4 billion photometry rows.
Here: every season each survey really has among the last `years` years up to 2025 (12 years: 2014-2025, OGLE 10
seasons, none in 2020-2021, KMTNet and MOA 10 from 2016), each with `fraction` of the survey's real events per
season, and files of the real lengths:

- OGLE: lenses.par; per event params.dat and phot.dat over the OGLE-IV baseline (season.ogle_length: median
  ~840, mean ~1,700 points). Every 40th listed event has no files yet, as in the real mirror: the build reports
  those as missing, the only problems the archive has, on purpose.
- KMTNet: listpage.dat; per event view.php and a pysis.tar.gz of 5-12 pySIS files from a pool of bundles
  (season.make_pool: I files of 1,000-2,700 points, V a tenth), hard-linked into each event's folder: the
  build still reads and parses every copy.
- MOA: the www.massey.ac.nz layout up to 2024 and moaprime's from 2025; every event a whole-baseline file of
  8,000-12,000 points from MOA-II's start in 2006.

The surveys alert some of the same physical events (one position), so the crossmatch has pairs to find and
KMTNet's related-event column and MOA's moa2ogle.txt name them. Every file comes from its survey's demo.py, the
one writer of each format, which writes photometry text vectorised.
"""

import argparse
import datetime
import statistics
from pathlib import Path

import numpy

from microlensing_to_sqlite.kmtnet import demo as demo_kmtnet, site as kmtnet
from microlensing_to_sqlite.kmtnet.bundle import pysis_members
from microlensing_to_sqlite.load import SYNTHETIC_MARKER
from microlensing_to_sqlite.mirror import Mirror
from microlensing_to_sqlite.moa import demo as demo_moa, site as moa
from microlensing_to_sqlite.names import AlertName
from microlensing_to_sqlite.ogle import demo as demo_ogle, site as ogle
from microlensing_to_sqlite.registry import BY_KEY
from microlensing_to_sqlite.synthetic import datetime_to_hjd, draw_event

from . import season as one_season
from .season import TODAY

# The real archive, 2011-2025, as the issue gives it.
REAL_EVENTS = {"OGLE": 25_000, "KMT": 30_000, "MOA": 9_000}
REAL_SEASONS = {"OGLE": 13, "KMT": 10, "MOA": 10}
REAL_ROWS = 400e6
REAL_ALERTS = 65_000
FRACTION = 0.03
LAST_SEASON = TODAY.year
OGLE_IV_START = 2010  # phot.dat from the start of OGLE-IV
MOA_II_START = 2006  # MOA's files from the start of MOA-II
MOA_POINTS = (8000, 12000)  # per event: whole-baseline files of ~10,000 points
SURVEYS = {"OGLE": BY_KEY["ogle"], "KMT": BY_KEY["kmtnet"], "MOA": BY_KEY["moa"]}
MISSING_EVERY = 40  # every 40th OGLE event is listed without its files


def per_season(survey, fraction):
    return max(1, round(REAL_EVENTS[survey] / REAL_SEASONS[survey] * fraction))


def seasons_of(survey, years):
    return [s for s in SURVEYS[survey].seasons(TODAY) if s > LAST_SEASON - years]


class Archive:
    """The generated mirror and what it holds: `alerts[survey][season]` are (AlertName, event) pairs in alert
    order, `photometry` the photometry files as (survey, URL, members: the I-band files of a KMTNet bundle)."""

    def __init__(self, root, years=12, fraction=FRACTION, seed=11, pool_size=40):
        self.root, self.mirror = Path(root), Mirror(root)
        self.years, self.fraction = years, fraction
        self.rng = numpy.random.default_rng(seed)
        self.today_hjd = datetime_to_hjd(datetime.datetime(TODAY.year, TODAY.month, TODAY.day))
        self.pool = one_season.make_pool(self.root.parent / f"{self.root.name}-pool", pool_size, self.rng)
        self.files = {}             # url: season, of every file written (a subset links those of its seasons)
        self.photometry = []
        self.points = {survey: [] for survey in SURVEYS}    # points per photometry file (KMTNet: I-band, per event)
        self.alerts = {survey: {} for survey in SURVEYS}
        self.ogle_fits, self.ogle_lines, self.kmt_values, self.moa_rows = {}, {}, {}, {}
        self.missing = 0
        for season in range(LAST_SEASON - years + 1, LAST_SEASON + 1):
            self.write_season(season)
        (self.root / SYNTHETIC_MARKER).write_text("SYNTHETIC benchmark archive, written by benchmarks/archive.py.\n")

    def put(self, season, url, data):
        self.mirror.write(url, data)
        self.files[url] = season

    def link(self, season, url, source):
        one_season.link(source, self.mirror.path(url))
        self.files[url] = season

    def write_season(self, season):
        counts = {s: per_season(s, self.fraction) for s in SURVEYS if season in seasons_of(s, self.years)}
        if not counts:
            return
        events = sorted((draw_event(self.rng, season, self.today_hjd) for _ in range(max(counts.values()))),
                        key=lambda e: e["t0"])
        for survey, count in counts.items():
            chosen = sorted(self.rng.choice(len(events), count, replace=False).tolist())
            self.alerts[survey][season] = [(AlertName(survey, season, "BLG", n), events[i])
                                           for n, i in enumerate(chosen, 1)]
            for name, event in self.alerts[survey][season]:
                event.setdefault("names", {})[survey] = name
        last_hjd = self.today_hjd if season == LAST_SEASON else datetime_to_hjd(datetime.datetime(season, 11, 1))
        if "OGLE" in counts:
            self.write_ogle(season, last_hjd)
        if "KMT" in counts:
            self.write_kmt(season)
        if "MOA" in counts:
            self.write_moa(season, last_hjd)

    def write_ogle(self, season, last_hjd):
        lines = self.ogle_lines[season] = {}
        for name, event in self.alerts["OGLE"][season]:
            values, errors = demo_ogle.fitted(event, self.rng)
            self.ogle_fits[name] = (event, values, errors)
            lines[name] = demo_ogle.lenses_par_line(name, event, values)
            if name.number % MISSING_EVERY == 0:
                self.missing += 1
                continue
            self.put(season, ogle.params_url(name), demo_ogle.params_dat(name, event, values, errors).encode())
            text = demo_ogle.phot_dat(event, self.rng, last_hjd, OGLE_IV_START, one_season.ogle_length(self.rng))
            self.put(season, ogle.phot_url(name), text)
            self.photometry.append(("OGLE", ogle.phot_url(name), None))
            self.points["OGLE"].append(text.count(b"\n"))
        self.put(season, ogle.lenses_par_url(season), demo_ogle.lenses_par(lines.values()))

    def write_kmt(self, season):
        values = self.kmt_values[season] = {}
        for name, event in self.alerts["KMT"][season]:
            field = f"BLG{self.rng.integers(1, 43):02d}K{self.rng.integers(1, 9):02d}{self.rng.integers(1, 9):02d}"
            values[name] = demo_kmtnet.published_values(name, event, self.rng, field)
            path, files, points = self.pool[int(self.rng.integers(len(self.pool)))]
            self.link(season, kmtnet.pysis_tarball_url(name), path)
            self.put(season, kmtnet.view_url(name), demo_kmtnet.view_page(name, values[name], files).encode())
            self.photometry.append(("KMT", kmtnet.pysis_tarball_url(name), [f for f in files if f.endswith("_I.pysis")]))
            self.points["KMT"].append(points)
        self.put(season, kmtnet.listpage_url(season), listpage(values))

    def write_moa(self, season, last_hjd):
        alerts = self.alerts["MOA"][season]

        def put(url, data):
            self.put(season, url, data)

        write = demo_moa.write_old_season if moa.old_layout(season) else demo_moa.write_prime_season
        written = write(put, self.rng, season, alerts, last_hjd, MOA_POINTS, MOA_II_START)
        if not moa.old_layout(season):
            self.moa_rows[season], written = written
        self.photometry += [("MOA", url, None) for url in written]
        self.points["MOA"] += list(written.values())

    # What the archive holds --------------------------------------------------------------------------------

    def events(self, survey=None):
        return sum(len(alerts) for s, by_season in self.alerts.items() if survey in (None, s)
                   for alerts in by_season.values())

    def facts(self):
        """Counts and file lengths, for the report."""
        def shape(points):
            return {"files": len(points), "points": sum(points), "median": statistics.median(points),
                    "mean": statistics.fmean(points), "min": min(points), "max": max(points)} if points else {}
        return {"years": self.years, "fraction": self.fraction, "first": LAST_SEASON - self.years + 1,
                "last": LAST_SEASON, "events": {s: self.events(s) for s in SURVEYS},
                "seasons": {s: len(by_season) for s, by_season in self.alerts.items()},
                "per_season": {s: per_season(s, self.fraction) for s in SURVEYS},
                "points": {s: shape(p) for s, p in self.points.items()}, "missing": self.missing,
                "files_per_kmt_event": sorted({len(files) for _, files, _ in self.pool}), "pool": len(self.pool),
                "kmt_i_files_points": [1000, 2700]}

    def subset(self, root, years):
        """A mirror of the last `years` seasons of this one, every file hard-linked (the same events, the same
        bytes, no copy)."""
        mirror = Mirror(root)
        for url, season in self.files.items():
            if season > LAST_SEASON - years:
                one_season.link(self.mirror.path(url), mirror.path(url))
        (Path(root) / SYNTHETIC_MARKER).write_text((self.root / SYNTHETIC_MARKER).read_text())
        return mirror

    # The night ---------------------------------------------------------------------------------------------

    def nightly(self, count):
        """A night's refits of `count` events of the current season, spread over the surveys as their events
        are: each one's line in the season list (tE changed) and its files (a refit, new points appended to its
        photometry). Returns {url: new bytes}, to write into this mirror and any subset of it."""
        season, changes = LAST_SEASON, {}
        candidates = [(survey, name, event) for survey in SURVEYS for name, event in self.alerts[survey].get(season, [])
                      if not (survey == "OGLE" and name.number % MISSING_EVERY == 0)]
        chosen = sorted(self.rng.choice(len(candidates), min(count, len(candidates)), replace=False).tolist())
        for survey, name, event in (candidates[i] for i in chosen):
            if survey == "OGLE":
                event, values, errors = self.ogle_fits[name]
                values = {**values, "tau": values["tau"] * 1.02}
                self.ogle_fits[name] = (event, values, errors)
                self.ogle_lines[season][name] = demo_ogle.lenses_par_line(name, event, values)
                changes[ogle.params_url(name)] = demo_ogle.params_dat(name, event, values, errors).encode()
                changes[ogle.phot_url(name)] = demo_ogle.with_new_points(self.read(ogle.phot_url(name)))
            elif survey == "KMT":
                values = self.kmt_values[season][name]
                values["t_E"] = f"{float(values['t_E']) * 1.02:.2f}"
                members = pysis_members(self.read(kmtnet.pysis_tarball_url(name)))
                changes[kmtnet.pysis_tarball_url(name)] = demo_kmtnet.bundle(
                    {f: demo_kmtnet.with_new_points(text.encode()) if f.endswith("_I.pysis") else text.encode()
                     for f, text in members.items()})
            else:
                refit = {**event, "tE": event["tE"] * 1.02}
                self.moa_rows[season][name] = demo_moa.prime_page(changes.__setitem__, self.rng, name, refit)
                url = moa.prime_datafile_url(name)
                changes[url] = demo_moa.with_new_points(self.read(url))
        changes[ogle.lenses_par_url(season)] = demo_ogle.lenses_par(self.ogle_lines[season].values())
        changes[kmtnet.listpage_url(season)] = listpage(self.kmt_values[season])
        changes[moa.prime_index_url(season)] = demo_moa.index_page(season, list(self.moa_rows[season].values())).encode()
        return {"events": [candidates[i][1].full for i in chosen], "files": changes}

    def read(self, url):
        return self.mirror.read_bytes(url)


def listpage(values):
    return demo_kmtnet.listpage(demo_kmtnet.listpage_line(name, v) for name, v in values.items())


def apply(changes, mirror):
    for url, data in changes["files"].items():
        mirror.write(url, data)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m benchmarks.archive", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("mirror", help="folder to write the archive into (its bundle pool goes beside it)")
    parser.add_argument("--years", type=int, default=12)
    parser.add_argument("--fraction", type=float, default=FRACTION)
    arguments = parser.parse_args(argv)
    archive = Archive(arguments.mirror, arguments.years, arguments.fraction)
    print(archive.facts())


if __name__ == "__main__":
    main()
