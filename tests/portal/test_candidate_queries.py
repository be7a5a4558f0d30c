"""Each canned query on a fixture database whose alerts sit exactly at, and just outside, every cut."""

import datetime
import sqlite3
import time

import pytest
from astropy import units
from astropy.coordinates import SkyCoord

from microlensing_to_sqlite import schema
from microlensing_to_sqlite.registry import BY_NAME
from microlensing_to_sqlite.load.writer import insert

NOW = time.time() / 86400 + 2440587.5 - 2450000  # today in HJD - 2450000 (JD; HJD differs by minutes)
GOOD = dict(survey="OGLE", season=2026, region="BLG", b=-3.0, t0=NOW - 5, t0_err=0.5, tE=150.0, tE_err=10.0,
            u0=0.3, Ibase=19.0, ra=268.0, dec=-29.0, first_seen="2026-11-20T00:00:00+00:00")
BLACK_HOLE_CASES = {
    "OGLE-2026-BLG-0001": {},                                     # inside every cut
    "OGLE-2026-BLG-0002": {"b": 10.0, "t0_err": 0.9},             # |b| at the edge: in
    "OGLE-2026-BLG-0003": {"b": -10.001},                         # out
    "OGLE-2026-BLG-0004": {"tE": 100.0, "tE_err": 2.0, "t0_err": 0.2},  # tE at the edge: in
    "OGLE-2026-BLG-0005": {"tE": 99.99},                          # out
    "OGLE-2026-BLG-0006": {"t0": NOW - 13.99},                    # t0 just inside 14 days: in
    "OGLE-2026-BLG-0007": {"t0": NOW - 14.01},                    # out
    "OGLE-2026-BLG-0008": {"Ibase": 20.0},                        # Ibase at the edge: in
    "OGLE-2026-BLG-0009": {"Ibase": 20.001},                      # out
    "OGLE-2026-BLG-0010": {"tE": 110.0, "tE_err": 6.0},           # in, but tE - 2 sigma = 98 fails the sigma cut
    "OGLE-2026-BLG-0011": {"tE": 120.0, "tE_err": 10.0},          # tE - 2 sigma = 100: passes the sigma cut
    "KMT-2026-BLG-0001": {"survey": "KMT", "t0_err": None, "tE_err": None},  # in; no sigma, so out of the sigma cut
    "KMT-2026-BLG-0002": {"survey": "KMT", "tE": 199.0, "t0_err": None, "tE_err": None},  # out: KMTNet's tE bound
    "OGLE-2026-BLG-0012": {"t0": NOW + 1100},                      # out: t0 three years from its season
}
SHORT_CASES = {
    "MOA-2026-BLG-0001": {"tE": 2.0, "u0": 1.0, "Ibase": 21.0},   # every edge: in
    "MOA-2026-BLG-0002": {"tE": 2.01, "u0": 0.5},                 # out
    "MOA-2026-BLG-0003": {"tE": 1.0, "u0": 1.01},                 # out
    "MOA-2026-BLG-0004": {"tE": 1.0, "u0": 0.5, "Ibase": 21.01},  # out
    "MOA-2026-BLG-0005": {"tE": 1.0, "u0": 0.5, "t0": NOW - 366},  # out: over a year ago
    "MOA-2026-BLG-0006": {"tE": 1.0, "u0": 0.5, "t0": NOW + 1100},  # out: t0 three years from its season
}
HIGH_MAGNIFICATION_CASES = {
    "KMT-2026-BLG-0101": {"survey": "KMT", "tE": 10.0, "u0": 0.05, "t0": NOW - 9.99},  # in
    "KMT-2026-BLG-0102": {"survey": "KMT", "tE": 10.0, "u0": 0.01, "t0": NOW - 10.01},  # out: too far from peak
    "KMT-2026-BLG-0103": {"survey": "KMT", "tE": 10.0, "u0": 0.051, "t0": NOW + 1},     # out: u0
    "OGLE-2026-BLG-0105": {"tE": 1500.0, "u0": 0.01, "t0": NOW + 1000},  # out: t0 three years from its season
}


def record(name, **changes):
    """An alert row as the build writes it, its survey fit flagged as the build flags it, of this year's season."""
    survey = name.split("-")[0]
    codes = {"OGLE": 1, "MOA": 2, "KMT": 3}
    number = int(name.split("-")[-1])
    row = {**GOOD, "season": datetime.date.today().year, "survey": survey, "alert_name": name,
           "alert_id": codes[survey] * 10_000_000 + 260000 + number, "event_id": None, "n_photometry": 0, **changes}
    return {**row, "survey_fit_flags": BY_NAME[survey].fit_flags(row)}


@pytest.fixture(scope="module")
def cuts_db(tmp_path_factory):
    path = tmp_path_factory.mktemp("cuts") / "microlensing.db"
    db = sqlite3.connect(path)
    db.executescript(schema.SCHEMA)
    cases = {**BLACK_HOLE_CASES, **SHORT_CASES, **HIGH_MAGNIFICATION_CASES}
    insert(db, "alerts", schema.ALERT_COLUMNS, [record(name, **changes) for name, changes in cases.items()])
    db.commit()
    return path


@pytest.fixture(scope="module")
def portal(cuts_db, portal_for):
    return portal_for(cuts_db)


async def names(portal, query, **params):
    response = await portal.client.get(f"/microlensing/{query}.json", params={**params, "_shape": "array"})
    assert response.status_code == 200, response.text
    return [row["alert_name"] for row in response.json()]


@pytest.mark.asyncio
async def test_black_hole_candidates_with_empty_parameters_use_the_defaults(portal):
    found = await names(portal, "black_hole_candidates", max_abs_b="", min_tE="", sigma_cut="", days="", max_Ibase="")
    assert set(found) == {"OGLE-2026-BLG-0001", "OGLE-2026-BLG-0002", "OGLE-2026-BLG-0004", "OGLE-2026-BLG-0006",
                          "OGLE-2026-BLG-0008", "OGLE-2026-BLG-0010", "OGLE-2026-BLG-0011", "KMT-2026-BLG-0001"}


@pytest.mark.asyncio
async def test_black_hole_candidates_without_parameters_use_the_defaults(portal):
    assert len(await names(portal, "black_hole_candidates")) == 8


@pytest.mark.asyncio
async def test_black_hole_candidates_best_constrained_first(portal):
    found = await names(portal, "black_hole_candidates")
    assert found[0] == "OGLE-2026-BLG-0004" and found[-1] == "KMT-2026-BLG-0001"  # t0_err 0.2 first, no sigma last


@pytest.mark.asyncio
async def test_black_hole_candidates_sigma_cut(portal):
    found = set(await names(portal, "black_hole_candidates", sigma_cut="yes"))
    assert "OGLE-2026-BLG-0011" in found and not found & {"OGLE-2026-BLG-0010", "KMT-2026-BLG-0001"}


@pytest.mark.asyncio
async def test_black_hole_candidates_parameters_are_cast(portal):
    assert set(await names(portal, "black_hole_candidates", min_tE="149", max_abs_b="5")) == {
        "OGLE-2026-BLG-0001", "OGLE-2026-BLG-0006", "OGLE-2026-BLG-0008", "KMT-2026-BLG-0001"}


@pytest.mark.asyncio
@pytest.mark.parametrize("query", ["black_hole_candidates", "short_timescale_candidates", "ongoing_high_magnification"])
async def test_candidate_queries_leave_out_what_the_survey_did_not_measure(portal, query):
    """Each query names every flag that makes a tE or t0 unmeasured (the SQL spells them out)."""
    from microlensing_to_sqlite.survey import UNMEASURED_FLAGS
    sql = portal.metadata("queries", database="microlensing")[query]["sql"]
    assert all(f"'{flag}'" in sql for flag in UNMEASURED_FLAGS)
    found = await names(portal, query, k="1000")
    assert not set(found) & {"KMT-2026-BLG-0002", "OGLE-2026-BLG-0012", "MOA-2026-BLG-0006", "OGLE-2026-BLG-0105"}


@pytest.mark.asyncio
async def test_short_timescale_candidates(portal):
    assert await names(portal, "short_timescale_candidates") == ["MOA-2026-BLG-0001"]


@pytest.mark.asyncio
async def test_ongoing_high_magnification(portal):
    assert await names(portal, "ongoing_high_magnification") == ["KMT-2026-BLG-0101"]


@pytest.mark.asyncio
async def test_ongoing_high_magnification_with_a_wider_window(portal):
    assert set(await names(portal, "ongoing_high_magnification", k="1.1")) == {"KMT-2026-BLG-0101", "KMT-2026-BLG-0102"}


@pytest.mark.asyncio
async def test_first_seen_since(portal):
    assert len(await names(portal, "first_seen_since", date="2026-11-19")) == len(BLACK_HOLE_CASES) + len(SHORT_CASES) + len(HIGH_MAGNIFICATION_CASES)
    assert await names(portal, "first_seen_since", date="2026-11-21") == []


# Cone search against a brute-force separation -------------------------------------------------------------

@pytest.fixture(scope="module")
def cone_db(tmp_path_factory):
    import random
    random.seed(3)
    path = tmp_path_factory.mktemp("cone") / "microlensing.db"
    db = sqlite3.connect(path)
    db.executescript(schema.SCHEMA)
    rows = [record(f"OGLE-2026-BLG-{i:04d}", ra=268 + random.uniform(-0.01, 0.01), dec=-29 + random.uniform(-0.01, 0.01))
            for i in range(1, 400)]
    rows.append(record("OGLE-2026-BLG-0400", ra=0.0005, dec=-29.0))    # across RA 0
    insert(db, "alerts", schema.ALERT_COLUMNS, rows)
    db.commit()
    return path, rows


@pytest.mark.asyncio
@pytest.mark.parametrize("ra, dec, radius", [("268.0", "-29.0", "10"), ("17:52:00.0", "-29:00:00", "20"),
                                             ("268.004", "-29.003", "")])
async def test_cone_search_equals_brute_force(cone_db, portal_for, ra, dec, radius):
    path, rows = cone_db
    portal = portal_for(path)
    response = await portal.client.get("/microlensing/cone_search.json",
                                       params={"ra": ra, "dec": dec, "radius": radius, "_shape": "array"})
    found = response.json()
    centre = SkyCoord(ra, dec, unit=(units.hourangle if ":" in ra else units.deg, units.deg))
    limit = float(radius or 5)
    expected = sorted((centre.separation(SkyCoord(r["ra"] * units.deg, r["dec"] * units.deg)).arcsec, r["alert_name"])
                      for r in rows)
    expected = [name for arcsec, name in expected if arcsec <= limit]
    assert [row["alert_name"] for row in found] == expected and len(expected) > 0


@pytest.mark.asyncio
async def test_cone_search_across_ra_zero(cone_db, portal_for):
    path, _ = cone_db
    response = await portal_for(path).client.get(
        "/microlensing/cone_search.json", params={"ra": "359.9995", "dec": "-29", "radius": "5", "_shape": "array"})
    assert [r["alert_name"] for r in response.json()] == ["OGLE-2026-BLG-0400"]
