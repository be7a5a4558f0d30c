"""A full SYNTHETIC season in the surveys' real file formats, laid out as a mirror (`<host>/<url path>`),
for the replay server to serve to the real build.

- OGLE: lenses.par, and per event params.dat and phot.dat. phot.dat lengths follow the 2025 files
  (min 57, median ~800, p90 ~4,500, max ~4,600 points): most events a few hundred to a few thousand
  points, a fifth in the high-cadence fields at 4,300-4,600.
- KMTNet: listpage.dat, and per event view.php and pysis/pysis.tar.gz (the build asks for the bundle
  when an event has three files or more, which every event here has). Each event has 5-12 pySIS files
  (sites A, C, S x one or two fields x I and sometimes V), I files of 1,000-2,700 points, V files a
  tenth of that. To save time and disk the bundles come from a pool of a few dozen, hard-linked into
  each event's folder; the build still downloads and parses each event's copy.

Every file is written by ogle/demo.py and kmtnet/demo.py (the one writer of each format, the demo mirror's),
so the files parse as the real ones do. Nothing here is real data.
"""

import datetime
import os
from pathlib import Path

import numpy

from microlensing_to_sqlite.kmtnet import demo as demo_kmtnet, site as kmtnet
from microlensing_to_sqlite.mirror import Mirror
from microlensing_to_sqlite.names import AlertName
from microlensing_to_sqlite.ogle import demo as demo_ogle, site as ogle
from microlensing_to_sqlite.synthetic import datetime_to_hjd, draw_event

SEASON = 2025
TODAY = datetime.date(2025, 10, 15)  # in the season, so that an update treats it as the current one
FIRST_OGLE_SEASON = 2016  # phot.dat from here to TODAY
SITES = "ACS"


def ogle_length(rng):
    """Points in one phot.dat: 2025's shape (median ~800, p90 ~4,500, max ~4,600; mean ~1,700, as the archive's)."""
    if rng.random() < 0.25:
        return int(rng.integers(4300, 4600))
    return int(min(max(rng.lognormal(numpy.log(620), 0.7), 57), 4600))


def pool_event(rng, t0):
    """A pool bundle's event: its pySIS files are shared by many of the season's events, so it is none of them."""
    event = draw_event(rng, SEASON, t0)
    event.update(t0=t0, piE_N=0.0, piE_E=0.0)
    return event


def make_pool(folder, size, rng, points=(1000, 2700)):
    """`size` pysis.tar.gz bundles: [(path, [file names], I-band points)]. Layouts as the real 2016-2025
    events: one field (3 I files and 2-3 V: 5-6 files) or two overlapping fields (6 I, 0-6 V: 6-12).
    Each layout comes twice, with different points, so that a changed event can get new bytes."""
    folder.mkdir(parents=True, exist_ok=True)
    pool = []
    t0 = datetime_to_hjd(datetime.datetime(SEASON, 6, 15))
    for i in range(max(size // 2, 1)):
        field = int(rng.integers(1, 43))
        fields = [field] if i % 3 else [field % 3 + 1, field % 3 + 41]  # 01 and 41 overlap, as 02/42, 03/43
        v_sites = SITES[:int(rng.integers(2, 4))] if len(fields) == 1 else SITES[:int(rng.integers(0, 4))]
        names = [f"KMT{site}{f:02d}_I.pysis" for f in fields for site in SITES]
        names += [f"KMT{site}{f:02d}_V.pysis" for f in fields for site in v_sites]
        for variant in range(2):
            files = {name: int(rng.integers(*points)) // (10 if name.endswith("_V.pysis") else 1) for name in names}
            path = folder / f"pool-{i:03d}-{variant}.tar.gz"
            event = pool_event(rng, t0 + rng.uniform(-60, 60))
            path.write_bytes(demo_kmtnet.bundle({
                name: demo_kmtnet.pysis_file(event, rng, name[:4], name[-7],
                                             numpy.unique(numpy.round(rng.uniform(t0 - 120, t0 + 120, n), 5)), SEASON)
                for name, n in files.items()}))
            pool.append((path, names, sum(n for name, n in files.items() if name.endswith("_I.pysis"))))
    return pool


def link(source, target):
    target.parent.mkdir(parents=True, exist_ok=True)
    target.unlink(missing_ok=True)
    os.link(source, target)


class SyntheticSeason:
    """The generated season: the mirror the replay server serves, and what it holds."""

    def __init__(self, root, ogle_events=2000, kmt_events=3000, pool_size=40, seed=7, kmt_points=(1000, 2700)):
        self.root, self.mirror = Path(root), Mirror(root)
        self.rng = numpy.random.default_rng(seed)
        self.today_hjd = datetime_to_hjd(datetime.datetime(TODAY.year, TODAY.month, TODAY.day))
        self.pool = make_pool(self.root.parent / "pool", pool_size, self.rng, kmt_points)
        events = sorted((draw_event(self.rng, SEASON, self.today_hjd) for _ in range(max(ogle_events, kmt_events))),
                        key=lambda e: e["t0"])
        # Each survey alerts some of the physical events; about half of KMTNet's were OGLE's too.
        self.ogle = [(AlertName("OGLE", SEASON, "BLG", n), e) for n, e in enumerate(events[:ogle_events], 1)]
        kmt_events_list = events[len(events) - kmt_events:]
        self.kmt = [(AlertName("KMT", SEASON, "BLG", n), e) for n, e in enumerate(kmt_events_list, 1)]
        for name, event in self.ogle + self.kmt:
            event.setdefault("names", {})[name.survey] = name
        self.ogle_lines, self.ogle_fits, self.kmt_values, self.kmt_bundle = {}, {}, {}, {}
        self.ogle_points, self.kmt_points = 0, 0
        self.write_ogle()
        self.write_kmt()
        self.write_last_changed("20251015.0100")

    # OGLE ------------------------------------------------------------------------------------------------
    def write_ogle(self):
        for name, event in self.ogle:
            values, errors = demo_ogle.fitted(event, self.rng)
            self.ogle_fits[name] = (values, errors)
            self.ogle_lines[name] = demo_ogle.lenses_par_line(name, event, values)
            body = demo_ogle.phot_dat(event, self.rng, self.today_hjd, FIRST_OGLE_SEASON, ogle_length(self.rng))
            self.ogle_points += body.count(b"\n")
            self.mirror.write(ogle.params_url(name), demo_ogle.params_dat(name, event, values, errors).encode())
            self.mirror.write(ogle.phot_url(name), body)
        self.write_lenses_par()

    def write_lenses_par(self):
        self.mirror.write(ogle.lenses_par_url(SEASON), demo_ogle.lenses_par(self.ogle_lines[n] for n, _ in self.ogle))

    def write_last_changed(self, stamp):
        self.mirror.write(ogle.LAST_CHANGED_URL, f"{stamp}\n".encode())

    # KMTNet ----------------------------------------------------------------------------------------------
    def write_kmt(self):
        for name, event in self.kmt:
            field = f"BLG{self.rng.integers(1, 43):02d}K{self.rng.integers(1, 9):02d}{self.rng.integers(1, 9):02d}"
            self.kmt_values[name] = demo_kmtnet.published_values(name, event, self.rng, field)
            self.set_bundle(name, int(self.rng.integers(len(self.pool))))
        self.write_listpage()

    def set_bundle(self, name, index):
        path, files, points = self.pool[index]
        self.kmt_bundle[name] = index
        link(path, self.mirror.path(kmtnet.pysis_tarball_url(name)))
        self.mirror.write(kmtnet.view_url(name), demo_kmtnet.view_page(name, self.kmt_values[name], files).encode())

    def write_listpage(self):
        self.mirror.write(kmtnet.listpage_url(SEASON), demo_kmtnet.listpage(
            demo_kmtnet.listpage_line(name, self.kmt_values[name]) for name, _ in self.kmt))

    @property
    def kmt_i_points(self):
        return sum(self.pool[i][2] for i in self.kmt_bundle.values())

    def urls(self):
        """Every URL a full build of the season asks for, by host."""
        return ([ogle.lenses_par_url(SEASON)] + [u for n, _ in self.ogle for u in (ogle.params_url(n), ogle.phot_url(n))]
                + [kmtnet.listpage_url(SEASON)] + [kmtnet.view_url(n) for n, _ in self.kmt]
                + [kmtnet.pysis_tarball_url(n) for n, _ in self.kmt])

    # The nightly changes -----------------------------------------------------------------------------------
    def change(self, share=0.10):
        """Refit a share of each survey's events, as a night of new data does: the line in the season list,
        the event's own files (OGLE: params.dat and phot.dat with new points; KMTNet: view.php and a new
        pySIS bundle). OGLE's last.changed moves. Returns the names changed."""
        changed = []
        for name, event in [self.ogle[i] for i in sorted(self.rng.choice(len(self.ogle), round(share * len(self.ogle)),
                                                                         replace=False))]:
            values, errors = self.ogle_fits[name]
            values = {**values, "tau": values["tau"] * 1.02}
            self.ogle_fits[name] = (values, errors)
            self.ogle_lines[name] = demo_ogle.lenses_par_line(name, event, values)
            self.mirror.write(ogle.params_url(name), demo_ogle.params_dat(name, event, values, errors).encode())
            self.mirror.write(ogle.phot_url(name), demo_ogle.with_new_points(self.mirror.read_bytes(ogle.phot_url(name))))
            changed.append(name)
        self.write_lenses_par()
        for name, event in [self.kmt[i] for i in sorted(self.rng.choice(len(self.kmt), round(share * len(self.kmt)),
                                                                        replace=False))]:
            values = self.kmt_values[name]
            values["t_E"] = f"{float(values['t_E']) * 1.02:.2f}"
            index = self.kmt_bundle[name]
            self.set_bundle(name, index + 1 if index % 2 == 0 else index - 1)  # the layout's other variant
            changed.append(name)
        self.write_listpage()
        self.write_last_changed("20251016.0100")
        return changed
