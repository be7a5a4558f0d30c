"""An offline build of every real file in ../shared/survey-samples/mirror."""

import json
import sqlite3

import pytest

from microlensing_to_sqlite.cli import main


@pytest.fixture(scope="module")
def recorded_db(recorded_db_path):
    db = sqlite3.connect(recorded_db_path)
    db.row_factory = sqlite3.Row
    yield db
    db.close()


def alert(db, name):
    return db.execute("select * from alerts where alert_name = ?", [name]).fetchone()


def test_every_2016_listed_event_loads_without_its_files(recorded_db):
    assert recorded_db.execute("select count(*) from alerts where survey = 'OGLE' and season = 2016").fetchone()[0] == 1927


def test_2016_per_event_files_are_recorded_missing(recorded_db):
    missing = recorded_db.execute(
        "select count(*) from build_problems where survey = 'OGLE' and season = 2016 and kind = 'missing'").fetchone()[0]
    assert missing == 2 * 1927


def test_t0_err_from_params_dat(recorded_db):
    assert alert(recorded_db, "OGLE-2025-BLG-0001")["t0_err"] == 0.203


def test_t0_is_hjd_minus_2450000(recorded_db):
    assert alert(recorded_db, "OGLE-2025-BLG-0001")["t0"] == 10746.661


def test_photometry_count(recorded_db):
    assert alert(recorded_db, "OGLE-2025-BLG-0001")["n_photometry"] == 265
    assert recorded_db.execute("select count(*) from photometry where alert_id = 10250001").fetchone()[0] == 265


def test_u0_zero_has_null_amax(recorded_db):
    row = alert(recorded_db, "OGLE-2025-BLG-0006")
    assert (row["u0"], row["Amax"], row["Dmag"]) == (0, None, None)


def test_unlisted_event_folders_in_the_mirror_load(recorded_db):
    # Neither is in the 2025 lenses.par head; 2023 has no list at all.
    assert alert(recorded_db, "OGLE-2025-BLG-0013")["fbl"] == 0.470
    assert alert(recorded_db, "OGLE-2025-BLG-0368")["n_photometry"] == 4519
    assert alert(recorded_db, "OGLE-2023-BLG-0348")["n_photometry"] == 2995


def test_params_dat_overrides_lenses_par(recorded_db):
    # lenses.par writes tau 28.56; params.dat 28.568 with its error.
    row = alert(recorded_db, "OGLE-2025-BLG-0001")
    assert (row["tE"], row["tE_err"]) == (28.568, 1.387)


def test_listed_event_without_params_has_no_errors(recorded_db):
    row = alert(recorded_db, "OGLE-2025-BLG-0002")
    assert (row["tE"], row["tE_err"]) == (111.4, None)


def test_photometry_times_are_hjd_minus_2450000(recorded_db):
    first = recorded_db.execute(
        "select hjd, mag, mag_err, seeing, sky from photometry where alert_id = 10250368 order by hjd limit 1").fetchone()
    assert tuple(first) == (7790.8768, 19.817, 0.118, 5.67, 510.0)


def test_galactic_coordinates(recorded_db):
    row = alert(recorded_db, "OGLE-2025-BLG-0001")
    assert (row["l"], row["b"]) == pytest.approx((357.9153, 5.4362), abs=1e-3)


def test_recorded_files_do_not_pass_their_file_time_off_as_when_they_were_fetched(recorded_db):
    # The recorded files' times are those of this clone: no one knows when the survey served them.
    assert recorded_db.execute("select count(*), count(fetched_at), count(first_seen) from alerts").fetchone()[1:] == (0, 0)


def test_not_synthetic(recorded_db):
    assert recorded_db.execute("select value from build_info where key = 'synthetic'").fetchone()[0] == "0"


def test_events_option_loads_only_the_named_events(recorded_mirror, tmp_path):
    path = tmp_path / "events.db"
    main(["--offline", "--no-fit", "--mirror", str(recorded_mirror), "--db", str(path),
          "--events", "OGLE-2025-BLG-0013", "OGLE-2025-BLG-0368"])
    db = sqlite3.connect(path)
    assert db.execute("select alert_name, fbl, n_photometry from alerts order by 1").fetchall() == [
        ("OGLE-2025-BLG-0013", 0.47, 0), ("OGLE-2025-BLG-0368", None, 4519)]


def test_events_option_takes_list_values_when_the_mirror_has_the_list(recorded_mirror, tmp_path):
    path = tmp_path / "events.db"
    main(["--offline", "--no-fit", "--mirror", str(recorded_mirror), "--db", str(path), "--events", "OGLE-2016-BLG-0001"])
    db = sqlite3.connect(path)
    assert db.execute("select tE, u0 from alerts").fetchall() == [(194.5, 0.266)]


# KMTNet --------------------------------------------------------------------------------------------------

def listed_kmt_events(recorded_mirror, season):
    path = recorded_mirror / f"kmtnet.kasi.re.kr/~ulens/event/{season}/listpage.dat"
    return {line.split()[0] for line in path.read_text().splitlines() if line.strip()}


@pytest.mark.parametrize("season", range(2016, 2027))
def test_every_listed_kmt_event_loads(recorded_db, recorded_mirror, season):
    loaded = {row[0] for row in recorded_db.execute("select alert_name from alerts where survey = 'KMT' and season = ?",
                                                   [season])}
    assert listed_kmt_events(recorded_mirror, season) <= loaded


def test_kmt_t0_before_the_2023_change(recorded_db):
    assert alert(recorded_db, "KMT-2019-BLG-0001")["t0"] == 8540.21006


def test_kmt_t0_after_the_2023_change(recorded_db):
    assert alert(recorded_db, "KMT-2023-BLG-0001")["t0"] == 10016.33245


def test_kmt_has_no_uncertainties(recorded_db):
    assert recorded_db.execute("select count(*) from alerts where survey = 'KMT' and coalesce(t0_err, tE_err, u0_err, "
                             "Ibase_err, Isrc_err) is not null").fetchone()[0] == 0


def test_kmt_both_classifications(recorded_db):
    row = alert(recorded_db, "KMT-2018-BLG-2781")
    assert (row["classification"], row["classification_al"]) == ("3", "X")


def test_kmt_alert_date_and_data_policy_from_view_page(recorded_db):
    row = alert(recorded_db, "KMT-2019-BLG-0001")
    assert (row["alert_date"], row["public_from"]) == ("2019 Mar 27 07:48", "2020-07-01")


def test_kmt_event_known_only_from_its_view_page(recorded_db):
    row = alert(recorded_db, "KMT-2016-BLG-1000")
    assert (row["t0"], row["tE"], row["field"], row["classification"]) == (7627.78857, 6.55, "SAO15T0407", "clear")


def test_kmt_related_tokens_become_full_names(recorded_db):
    rows = recorded_db.execute("select other_name, published_as from published_crossrefs "
                             "where alert_name = 'KMT-2025-BLG-0002' order by 1").fetchall()
    assert [tuple(r) for r in rows] == [("MOA-2025-BLG-0002", "MB250002"), ("OGLE-2025-BLG-0012", "OB250012"),
                                        ("PRIME-2025-BLG-0007", "PB250007")]


def test_kmt_pysis_time_is_hjd_minus_2450000(recorded_db):
    first = recorded_db.execute("select min(hjd) from photometry where alert_id = 30250001 and telescope = 'KMTC01'")
    assert first.fetchone()[0] == 10726.83242


def test_kmt_pysis_keeps_fluxes(recorded_db):
    row = recorded_db.execute("select hjd, mag, mag_err, delta_flux, flux_err, fwhm, sky, secz from photometry "
                            "where alert_id = 30220001 order by hjd limit 1").fetchone()
    assert tuple(row) == (9630.83268, 15.9579, 0.0055, -4045.9242, 333.17, 4.37, 1428.0, 1.9)


def test_kmt_v_band_is_not_loaded_by_default(recorded_db):
    assert recorded_db.execute("select count(*) from photometry where band = 'V'").fetchone()[0] == 0
    assert alert(recorded_db, "KMT-2021-BLG-1122")["n_photometry"] == 414


def test_kmt_v_band_on_request(recorded_mirror, tmp_path):
    path = tmp_path / "v.db"
    main(["--offline", "--no-fit", "--mirror", str(recorded_mirror), "--db", str(path), "--events", "KMT-2021-BLG-1122",
          "--bands", "I", "V"])
    db = sqlite3.connect(path)
    assert db.execute("select band, count(*), count(mag) from photometry group by band").fetchall() == [
        ("I", 414, 414), ("V", 39, 0)]


# MOA ----------------------------------------------------------------------------------------------------

def test_moa_2017_rows_load_with_their_calibration(recorded_db):
    row = alert(recorded_db, "MOA-2017-BLG-001")
    assert (row["internal_id"], row["zp"], row["f_ref"], row["tE"], row["u0"], row["Ibase"]) == (
        "gb2-R-2-19629", 25.7023916071, 7518.94040867, 12.86, 0.4, 14.49)


def test_moa_t0_is_heliocentric_from_jd(recorded_db):
    # index.dat: JD 2457782.047299; the heliocentric correction in late January is about -0.004 d.
    assert alert(recorded_db, "MOA-2017-BLG-001")["t0"] == pytest.approx(7782.0473, abs=0.006)


def test_moa_every_2024_row_loads(recorded_db):
    assert recorded_db.execute("select count(*) from alerts where survey = 'MOA' and season = 2024").fetchone()[0] == 285


def test_moa_2025_moaprime_index_loads_with_the_lmc(recorded_db):
    names = {r[0] for r in recorded_db.execute("select alert_name from alerts where survey = 'MOA' and season = 2025")}
    assert len(names) == 106 and "MOA-2025-LMC-0001" in names and "MOA-2025-BLG-0105" in names


def test_moa_short_names_have_three_digits_up_to_2024_and_four_after(recorded_db):
    assert alert(recorded_db, "MOA-2024-BLG-001")["short_name"] == "MB24001"
    assert alert(recorded_db, "MOA-2025-BLG-0060")["short_name"] == "MB250060"


def test_kmt_reference_to_a_loaded_moa_alert_makes_one_event(recorded_db):
    kmt, moa = alert(recorded_db, "KMT-2025-BLG-0001"), alert(recorded_db, "MOA-2025-BLG-0060")
    assert kmt["event_id"] == moa["event_id"]


def test_every_kmt_related_reference_to_a_loaded_alert_is_a_crossmatch_in_one_event(recorded_db):
    rows = recorded_db.execute("""
        select r.alert_name, r.other_name,
               exists(select 1 from crossmatches c where c.method = 'kmtnet_related'
                      and ((c.alert_name = r.alert_name and c.other_name = r.other_name)
                        or (c.alert_name = r.other_name and c.other_name = r.alert_name))) as linked,
               a.event_id = o.event_id as same_event
        from published_crossrefs r join alerts a on a.alert_name = r.alert_name
        join alerts o on o.alert_name = r.other_name
        where r.source = 'kmtnet_related'""").fetchall()
    assert len(rows) >= 20
    assert all(row["linked"] and row["same_event"] for row in rows)


def flags(db, name):
    text = alert(db, name)["survey_fit_flags"]
    return json.loads(text) if text else []


def test_kmtnet_fits_at_their_200_day_bound_are_flagged_and_measured_ones_are_not(recorded_db):
    at_bound = [row[0] for row in recorded_db.execute(
        "select alert_name from alerts where survey = 'KMT' and survey_fit_flags like '%tE at fit bound%'")]
    assert len(at_bound) == 18 and min(alert(recorded_db, n)["tE"] for n in at_bound) == 197.9
    assert "tE at fit bound" not in flags(recorded_db, "KMT-2020-BLG-0892")  # 196.05 d
    assert all("tE at fit bound" not in flags(recorded_db, row[0]) for row in recorded_db.execute(
        "select alert_name from alerts where survey != 'KMT' and tE >= 197.5"))  # only KMTNet's fits stop there


def test_a_survey_fit_with_t0_years_from_its_season_is_flagged(recorded_db):
    assert alert(recorded_db, "OGLE-2016-BLG-0858")["t0"] == 9221.932  # OGLE's fit: 2021, for a 2016 alert
    assert flags(recorded_db, "OGLE-2016-BLG-0858") == ["t0 far from season", "no uncertainties"]
    assert flags(recorded_db, "OGLE-2025-BLG-0001") == []  # t0 in its season, with sigmas from params.dat
