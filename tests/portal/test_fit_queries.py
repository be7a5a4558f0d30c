"""The canned queries on our joint fit, on a fixture database whose fits sit exactly at, and just outside, every
cut."""

import sqlite3

import pytest

from microlensing_to_sqlite import schema
from microlensing_to_sqlite.load.writer import insert
from tests.support.portal import query_rows

FIT = dict(status="ok", kind="pspl+parallax", posterior="sampled", t0=10900.0, t0_err=0.5, u0=0.3, u0_err=0.01, tE=150.0, tE_err=10.0,
           piE=0.05, piE_err=0.02, piE_N=0.03, piE_E=0.04, chi2_dof=1.0, n_datasets=2, n_points=900)
FITS = {  # event: (the fit's changes, in the black-hole query?)
    1: ({}, True),
    2: ({"tE": 105.0, "tE_err": 5.0, "piE": 0.05, "piE_err": 0.05}, True),     # both at the edge
    3: ({"tE": 104.9, "tE_err": 5.0}, False),                                  # tE - sigma below 100
    4: ({"piE": 0.06, "piE_err": 0.041}, False),                               # |piE| + sigma above 0.1
    5: ({"kind": "pspl", "piE": None, "piE_err": None}, False),                # no parallax fitted
    6: ({"status": "failed"}, False),
    7: ({"tE": 300.0, "piE": 0.02, "piE_err": 0.01}, True),                    # tE / piE largest: first
    8: ({"posterior": "curvature"}, False),                                    # no sampled posterior
    9: ({"posterior": "sampled, not converged"}, False),                       # the chain did not converge
    10: ({"status": "unconstrained"}, False),                                  # tE or piE not bounded
}
# alert: (event, the survey's values) for the disagreement query; the event's fit is FIT's t0, tE, u0
ALERTS = {
    "OGLE-2026-BLG-0001": (1, {"tE": 150.0, "tE_err": 10.0, "u0": -0.3, "u0_err": 0.01}),  # agrees; |u0| equal
    "OGLE-2026-BLG-0002": (1, {"tE": 200.0, "tE_err": 10.0}),                 # tE 3.5 sigma apart: in
    "KMT-2026-BLG-0001": (1, {"t0": 10901.55, "t0_err": None}),               # 3.1 of our sigma: in
    "KMT-2026-BLG-0002": (1, {"t0": 10901.45, "t0_err": None}),               # 2.9: out
}


def fit_row(event_id, changes):
    return {**FIT, "event_id": event_id, **changes}


def alert_row(name, event_id, values):
    survey, number = name.split("-")[0], int(name.split("-")[-1])
    alert_id = {"OGLE": 1, "KMT": 3}[survey] * 10_000_000 + 260000 + number
    return {"alert_name": name, "alert_id": alert_id, "survey": survey, "season": 2026, "region": "BLG",
            "event_id": event_id, "n_photometry": 0, "t0": FIT["t0"], "t0_err": 0.5, "tE": FIT["tE"], "tE_err": 10.0,
            "u0": FIT["u0"], "u0_err": 0.01, **values}


@pytest.fixture(scope="module")
def portal(tmp_path_factory, portal_for):
    path = tmp_path_factory.mktemp("fit-cuts") / "microlensing.db"
    db = sqlite3.connect(path)
    db.executescript(schema.SCHEMA)
    for event_id, (changes, _) in FITS.items():
        row = fit_row(event_id, changes)
        db.execute(f"insert into fits ({', '.join(row)}) values ({', '.join('?' * len(row))})", list(row.values()))
        db.execute("insert into events (event_id, n_alerts, season, ogle_name) values (?, 1, 2026, ?)",
                   [event_id, f"OGLE-2026-BLG-{event_id:04d}"])
        db.execute("insert into fit_datasets (event_id, lightcurve_id, alert_name, telescope, band, is_reference) "
                   "values (?, ?, ?, 'OGLE', 'I', 1)", [event_id, event_id * 32, f"OGLE-2026-BLG-{event_id:04d}"])
    insert(db, "alerts", schema.ALERT_COLUMNS, [alert_row(name, *case) for name, case in ALERTS.items()])
    db.commit()
    return portal_for(path)


@pytest.mark.asyncio
async def test_fitted_black_hole_candidates_take_the_uncertainties_into_the_cuts(portal):
    found = [row["event_id"] for row in await query_rows(portal, "fitted_black_hole_candidates")]
    assert sorted(found) == sorted(event for event, (_, inside) in FITS.items() if inside)


@pytest.mark.asyncio
async def test_fitted_black_hole_candidates_largest_te_over_pie_first(portal):
    assert (await query_rows(portal, "fitted_black_hole_candidates"))[0]["event_id"] == 7


@pytest.mark.asyncio
async def test_fitted_black_hole_candidates_name_the_reference_alert(portal):
    assert (await query_rows(portal, "fitted_black_hole_candidates"))[0]["alert_name"] == "OGLE-2026-BLG-0007"


@pytest.mark.asyncio
async def test_fitted_black_hole_candidates_cuts_are_parameters(portal):
    found = await query_rows(portal, "fitted_black_hole_candidates", min_tE="200", max_piE="1", k="0")
    assert [row["event_id"] for row in found] == [7]


@pytest.mark.asyncio
async def test_disagreements_beyond_three_sigma(portal):
    found = {(row["alert_name"], row["parameter"]) for row in await query_rows(portal, "fit_disagrees_with_survey")}
    assert found == {("OGLE-2026-BLG-0002", "tE"), ("KMT-2026-BLG-0001", "t0")}


@pytest.mark.asyncio
async def test_disagreements_give_both_values_and_the_tension(portal):
    [row] = await query_rows(portal, "fit_disagrees_with_survey", min_sigma="3.2")
    assert (row["ours"], row["theirs"], row["tension_sigma"]) == (150.0, 200.0, 3.5)
