"""The crossmatch on synthetic catalogues whose truth is known."""

import pytest
from astropy.coordinates import search_around_sky

from microlensing_to_sqlite import crossmatch
from microlensing_to_sqlite.crossmatch import crossmatch_rows, event_rows, recovery_of_published, separation_arcsec

ARCSEC = 1 / 3600


def alert(name, ra, dec, t0=100.0, **values):
    survey, season, _, number = name.split("-")
    codes = {"OGLE": 1, "MOA": 2, "KMT": 3}
    return {"alert_name": name, "alert_id": codes[survey] * 10_000_000 + (int(season) % 100) * 10_000 + int(number),
            "survey": survey, "season": int(season), "ra": ra, "dec": dec, "t0": t0, **values}


def pairs(rows, method="position"):
    return {(r["alert_name"], r["other_name"]) for r in rows if r["method"] == method}


def test_near_pair_matches():
    rows = crossmatch_rows([alert("OGLE-2025-BLG-0001", 270, -30), alert("KMT-2025-BLG-0001", 270, -30 + 1.9 * ARCSEC)], [])
    assert pairs(rows) == {("KMT-2025-BLG-0001", "OGLE-2025-BLG-0001")}


def test_pair_just_outside_the_radius_does_not_match():
    rows = crossmatch_rows([alert("OGLE-2025-BLG-0001", 270, -30), alert("KMT-2025-BLG-0001", 270, -30 + 2.1 * ARCSEC)], [])
    assert pairs(rows) == set()


def test_radius_is_configurable():
    catalogue = [alert("OGLE-2025-BLG-0001", 270, -30), alert("KMT-2025-BLG-0001", 270, -30 + 2.1 * ARCSEC)]
    assert len(pairs(crossmatch_rows(catalogue, [], radius_arcsec=3))) == 1


def test_separation_and_delta_t0_are_recorded():
    [row] = crossmatch_rows([alert("OGLE-2025-BLG-0001", 270, -30, t0=100.0),
                             alert("KMT-2025-BLG-0001", 270, -30 + 1.5 * ARCSEC, t0=101.25)], [])
    assert (row["separation_arcsec"], row["delta_t0"]) == (1.5, 1.25)


def test_seasons_more_than_a_year_apart_do_not_match():
    rows = crossmatch_rows([alert("OGLE-2023-BLG-0001", 270, -30), alert("KMT-2025-BLG-0001", 270, -30)], [])
    assert pairs(rows) == set()


def test_adjacent_seasons_match():
    rows = crossmatch_rows([alert("OGLE-2024-BLG-0001", 270, -30), alert("KMT-2025-BLG-0001", 270, -30)], [])
    assert len(pairs(rows)) == 1


def test_match_across_ra_zero():
    rows = crossmatch_rows([alert("OGLE-2025-BLG-0001", 0.5 * ARCSEC, 0), alert("KMT-2025-BLG-0001", 360 - 0.5 * ARCSEC, 0)], [])
    assert [r["separation_arcsec"] for r in rows] == [1.0]


def test_match_near_the_pole():
    # 1 arcsec apart although their RAs differ by 180 degrees.
    rows = crossmatch_rows([alert("OGLE-2025-BLG-0001", 10, 90 - 0.5 * ARCSEC), alert("KMT-2025-BLG-0001", 190, 90 - 0.5 * ARCSEC)], [])
    assert [r["separation_arcsec"] for r in rows] == [1.0]


def test_published_pair_is_kept_with_its_method_beside_the_positional_one():
    catalogue = [alert("OGLE-2025-BLG-0001", 270, -30), alert("KMT-2025-BLG-0001", 270, -30)]
    rows = crossmatch_rows(catalogue, [("KMT-2025-BLG-0001", "OGLE-2025-BLG-0001", "kmtnet_related")])
    assert sorted(r["method"] for r in rows) == ["kmtnet_related", "position"]


def test_published_pair_far_apart_is_kept_with_its_separation():
    catalogue = [alert("OGLE-2025-BLG-0001", 270, -30), alert("KMT-2025-BLG-0001", 270, -30 + 5 * ARCSEC)]
    [row] = crossmatch_rows(catalogue, [("KMT-2025-BLG-0001", "OGLE-2025-BLG-0001", "kmtnet_related")])
    assert (row["method"], row["separation_arcsec"]) == ("kmtnet_related", 5.0)


def test_published_pair_to_an_alert_not_loaded_is_left_out():
    assert crossmatch_rows([alert("KMT-2025-BLG-0001", 270, -30)],
                           [("KMT-2025-BLG-0001", "OGLE-2025-BLG-0001", "kmtnet_related")]) == []


def test_same_survey_alerts_are_not_matched_by_position():
    rows = crossmatch_rows([alert("OGLE-2025-BLG-0001", 270, -30), alert("OGLE-2025-BLG-0002", 270, -30)], [])
    assert rows == []


def test_chain_makes_one_event():
    catalogue = [alert("OGLE-2025-BLG-0001", 270, -30), alert("MOA-2025-BLG-0001", 270, -30 + 1.5 * ARCSEC),
                 alert("KMT-2025-BLG-0001", 270, -30 + 3.0 * ARCSEC)]
    rows = crossmatch_rows(catalogue, [])
    assert len(pairs(rows)) == 2  # OGLE-MOA and MOA-KMT; OGLE-KMT is 3 arcsec apart
    events, event_of = event_rows(catalogue, rows)
    assert len(events) == 1 and set(event_of.values()) == {catalogue[0]["alert_id"]}


def test_two_alerts_of_one_survey_in_one_event_are_flagged():
    catalogue = [alert("OGLE-2025-BLG-0001", 270, -30), alert("OGLE-2025-BLG-0002", 270, -30),
                 alert("KMT-2025-BLG-0001", 270, -30)]
    events, _ = event_rows(catalogue, crossmatch_rows(catalogue, []))
    [event] = events
    assert (event["ogle_name"], event["same_survey_alerts"]) == ("OGLE-2025-BLG-0001, OGLE-2025-BLG-0002", "OGLE")


def test_unmatched_alert_is_its_own_event():
    catalogue = [alert("OGLE-2025-BLG-0001", 270, -30), alert("KMT-2025-BLG-0001", 100, 20)]
    events, _ = event_rows(catalogue, crossmatch_rows(catalogue, []))
    assert [e["n_alerts"] for e in events] == [1, 1]


def test_event_mean_position_across_ra_zero():
    catalogue = [alert("OGLE-2025-BLG-0001", 0.5 * ARCSEC, 0), alert("KMT-2025-BLG-0001", 360 - 0.5 * ARCSEC, 0)]
    [event], _ = event_rows(catalogue, crossmatch_rows(catalogue, []))
    assert min(event["ra"], 360 - event["ra"]) == pytest.approx(0, abs=1e-6)


def test_surveys_side_by_side_with_a_tension_flag():
    catalogue = [alert("OGLE-2025-BLG-0001", 270, -30, t0_err=0.1, tE=20.0, tE_err=1.0),
                 alert("MOA-2025-BLG-0001", 270, -30, t0_err=0.1, tE=40.0, tE_err=2.0),
                 alert("KMT-2025-BLG-0001", 270, -30, tE=30.0)]
    [event], _ = event_rows(catalogue, crossmatch_rows(catalogue, []))
    assert (event["ogle_tE"], event["moa_tE"], event["kmt_tE"]) == (20.0, 40.0, 30.0)
    assert event["max_tension_sigma"] == pytest.approx(20 / 5 ** 0.5, abs=0.01)
    assert "tE: MOA 40 vs OGLE 20" in event["disagreements"]
    assert event["untested"] == "KMT gives no sigma"


def test_agreeing_surveys_are_not_flagged():
    catalogue = [alert("OGLE-2025-BLG-0001", 270, -30, tE=20.0, tE_err=1.0),
                 alert("MOA-2025-BLG-0001", 270, -30, tE=21.0, tE_err=1.0)]
    [event], _ = event_rows(catalogue, crossmatch_rows(catalogue, []))
    assert event["disagreements"] is None


def test_prime_names_come_from_published_references():
    catalogue = [alert("KMT-2025-BLG-0002", 270, -30)]
    published = [("KMT-2025-BLG-0002", "PRIME-2025-BLG-0007", "kmtnet_related")]
    [event], _ = event_rows(catalogue, crossmatch_rows(catalogue, published), published)
    assert event["prime_name"] == "PRIME-2025-BLG-0007"


def test_recovery_report_names_the_miss_and_why():
    catalogue = [alert("OGLE-2025-BLG-0001", 270, -30), alert("KMT-2025-BLG-0001", 270, -30 + 2.6 * ARCSEC)]
    published = [("KMT-2025-BLG-0001", "OGLE-2025-BLG-0001", "kmtnet_related")]
    lines = recovery_of_published(catalogue, published, crossmatch_rows(catalogue, published), 2.0)
    assert lines[0].endswith("1 of 1; found by position within 2 arcsec: 0")
    assert lines[1] == "  missed KMT-2025-BLG-0001 - OGLE-2025-BLG-0001: 2.60 arcsec apart (radius 2)"


def test_separation_agrees_with_astropy():
    from astropy import units
    from astropy.coordinates import SkyCoord
    a, b = {"ra": 269.7, "dec": -28.5}, {"ra": 269.7003, "dec": -28.5002}
    expected = SkyCoord(269.7 * units.deg, -28.5 * units.deg).separation(
        SkyCoord(269.7003 * units.deg, -28.5002 * units.deg)).arcsec
    assert separation_arcsec(a, b) == pytest.approx(expected, abs=1e-3)


def test_alerts_of_one_survey_at_one_position_cost_no_pairs(monkeypatch):
    """A survey alerting one star again and again: the search forms the pairs across surveys, never the n^2 of
    that survey's own alerts (9,999 of them once took 16.5 GB)."""
    found = []

    def counting(*arguments, **options):
        result = search_around_sky(*arguments, **options)
        found.append(len(result[0]))
        return result

    monkeypatch.setattr(crossmatch, "search_around_sky", counting)
    catalogue = [alert(f"OGLE-2025-BLG-{n:04d}", 270, -30) for n in range(1, 301)] + [alert("KMT-2025-BLG-0001", 270, -30)]
    assert len(pairs(crossmatch_rows(catalogue, []))) == 300
    assert sum(found) == 300
