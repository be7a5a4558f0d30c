"""The joint fit on the real recorded files (tests/data): where a survey's fit has uncertainties, ours agrees
with it; where the recorded data cannot carry a fit (excerpts of a few lines), it says why."""

import contextlib
import math
import sqlite3

import pytest


def fit_and_alert(db_path, name):
    with contextlib.closing(sqlite3.connect(db_path)) as db:
        db.row_factory = sqlite3.Row
        return dict(db.execute("select f.* from fits f join alerts a using (event_id) where a.alert_name = ?",
                               [name]).fetchone()), \
            dict(db.execute("select * from alerts where alert_name = ?", [name]).fetchone())


@pytest.mark.parametrize("parameter", ["t0", "tE", "u0"])
def test_our_fit_of_a_real_ogle_event_agrees_with_ogles(recorded_db_path, parameter):
    fit, alert = fit_and_alert(recorded_db_path, "OGLE-2025-BLG-0001")
    assert (fit["status"], fit["kind"]) == ("ok", "pspl")
    combined = math.hypot(fit[f"{parameter}_err"], alert[f"{parameter}_err"])
    assert abs(abs(fit[parameter]) - alert[parameter]) < 3 * combined


def test_a_real_excerpt_too_short_to_fit_says_so(recorded_db_path):
    fit, _ = fit_and_alert(recorded_db_path, "KMT-2025-BLG-0001")
    assert fit["status"] == "failed" and fit["reason"].startswith("too few points near the peak")


def test_every_fit_that_is_not_ok_says_why(recorded_db_path):
    with contextlib.closing(sqlite3.connect(recorded_db_path)) as db:
        assert db.execute("select count(*) from fits where status != 'ok' and reason is null").fetchone() == (0,)
        assert dict(db.execute("select status, count(*) from fits group by status").fetchall()) == {
            "ok": 2, "unconstrained": 2, "not point lens": 1, "failed": 2}
