"""The SYNTHETIC demo mirror: every layout the build reads, written by each survey's demo.py (the one writer of
each format), and read back to the truth it was drawn from."""

import datetime
import sqlite3

import numpy
import pytest

from microlensing_to_sqlite.demo import ARCHIVE_SEASON, demo_seasons, write_demo_mirror
from microlensing_to_sqlite.kmtnet import site as kmtnet
from microlensing_to_sqlite.load import build
from microlensing_to_sqlite.moa import site as moa
from microlensing_to_sqlite.names import AlertName
from microlensing_to_sqlite.ogle import site as ogle
from microlensing_to_sqlite.registry import SURVEYS
from microlensing_to_sqlite.synthetic import text_rows

TODAY = datetime.date(2026, 7, 1)


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    folder = tmp_path_factory.mktemp("demo")
    mirror = write_demo_mirror(folder / "mirror", events_per_season=8, seed=5, today=TODAY)
    build(mirror, folder / "microlensing.db", [(survey, demo_seasons(TODAY)) for survey in SURVEYS], fit=False)
    return mirror, sqlite3.connect(folder / "microlensing.db")


def test_the_demo_holds_an_older_season_in_the_layouts_the_surveys_used_then(demo):
    mirror, _ = demo
    assert demo_seasons(TODAY) == [ARCHIVE_SEASON, 2025, 2026]
    first_kmt = AlertName("KMT", ARCHIVE_SEASON, "BLG", 1)
    assert mirror.read_bytes(moa.index_dat_url(ARCHIVE_SEASON)) and mirror.read_bytes(moa.moa2ogle_url(ARCHIVE_SEASON))
    assert mirror.read_bytes(moa.prime_index_url(2026)) and mirror.read_bytes(moa.index_dat_url(2026)) is None
    # KMTNet up to 2022: t0 as HJD - 2450000 after two classification columns, the pySIS files only in their
    # bundle; in 2026 HJD - 2400000 after one column, the files loose.
    assert float(mirror.read_text(kmtnet.listpage_url(ARCHIVE_SEASON)).split()[6]) < 1e4
    assert float(mirror.read_text(kmtnet.listpage_url(2026)).split()[5]) > 4e4
    assert mirror.read_bytes(kmtnet.pysis_tarball_url(first_kmt))
    assert mirror.read_bytes(kmtnet.pysis_tarball_url(AlertName("KMT", 2026, "BLG", 1))) is None


def test_every_alert_of_every_layout_loads_with_its_photometry(demo):
    _, db = demo
    seasons = db.execute("select survey, season, count(*), sum(n_photometry > 0) from alerts group by 1, 2").fetchall()
    assert {(survey, season) for survey, season, _, _ in seasons} == {
        (survey, season) for survey in ("KMT", "MOA", "OGLE") for season in demo_seasons(TODAY)}
    # OGLE lists an event without files now and then (every 40th); none is that far down here.
    assert all(count == with_photometry for *_, count, with_photometry in seasons), seasons


def test_the_older_season_is_one_event_seen_by_all_three_surveys_at_one_time(demo):
    """MOA writes index.dat's t0 and its photometry as JD, KMTNet its times with another zero-point: read back,
    every survey's t0 of one physical event agrees, and the crossmatch joins them."""
    _, db = demo
    rows = db.execute("select event_id, group_concat(survey), max(t0) - min(t0) from alerts where season = ? "
                      "group by event_id", [ARCHIVE_SEASON]).fetchall()
    assert rows and all(sorted(surveys.split(",")) == ["KMT", "MOA", "OGLE"] for _, surveys, _ in rows)
    assert max(spread for *_, spread in rows) < 0.5  # MOA's display page rounds t0 to 0.01 d and scatters it


def test_text_rows_write_what_format_strings_write():
    rng = numpy.random.default_rng(2)
    times, mags, counts = rng.uniform(2450000, 2461000, 500), rng.normal(0, 30, 500), rng.integers(0, 3000, 500)
    expected = "".join(f"{t:.5f} {m:9.3f} B{c:.0f}-x\n" for t, m, c in zip(times, mags, counts)).encode()
    assert text_rows((times, 5), b" ", (mags, 3, 9), b" B", (counts, 0), b"-x") == expected


def test_the_ogle_files_are_written_beside_their_list(demo):
    mirror, _ = demo
    listed = mirror.read_text(ogle.lenses_par_url(2026)).splitlines()[2:]
    first = AlertName("OGLE", 2026, "BLG", 1)
    assert listed[0].startswith("2026-BLG-0001 ") and mirror.read_bytes(ogle.phot_url(first))


def test_the_demo_files_count_as_served_when_they_were_written(demo):
    _, db = demo
    assert db.execute("select count(*) - count(fetched_at) from alerts").fetchone()[0] == 0


def test_a_kmtnet_file_holds_its_own_season_only():
    """A 2022 event peaking in late September: its files stop at the season's end, before 2023, where KMTNet's
    HJD - 2450000 would pass 10000 (a value its parser rightly refuses)."""
    from microlensing_to_sqlite.kmtnet.demo import season_times
    from microlensing_to_sqlite.synthetic import datetime_to_hjd
    event = {"t0": datetime_to_hjd(datetime.datetime(2022, 9, 28)), "tE": 5.0}
    today, season_end = (datetime_to_hjd(datetime.datetime(*day)) for day in [(2025, 12, 1), (2022, 11, 1)])
    last = [season_times(event, numpy.random.default_rng(seed), 2022, today).max() for seed in range(20)]
    assert max(last) < season_end < 2460000
