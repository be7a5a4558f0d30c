"""Whole OGLE builds against the recorded 2025 site (tests/support/site.py): a season, and one event."""

import pytest

from tests.support.builds import run_build
from tests.support.site import EWS, Site, ogle_2025_files

LENSES_PAR_2025 = f"{EWS}/2025/lenses.par"
# The recorded 2025 lenses.par is the head of the file: it lists 2025-BLG-0001 to 0008.
EVENT_URLS_2025 = [f"{EWS}/2025/blg-{n:04d}/{f}" for n in range(1, 9) for f in ("params.dat", "phot.dat")]
# What the recorded site holds of those: the rest are 404.
RECORDED_2025 = {
    "www.astrouw.edu.pl/ogle/ogle4/ews/2025/lenses.par",
    "www.astrouw.edu.pl/ogle/ogle4/ews/2025/blg-0001/params.dat",
    "www.astrouw.edu.pl/ogle/ogle4/ews/2025/blg-0001/phot.dat",
    "www.astrouw.edu.pl/ogle/ogle4/ews/2025/blg-0006/params.dat",
}


@pytest.fixture(scope="module")
def season_build(tmp_path_factory):
    """`--years 2025 --surveys ogle` against the recorded site, once for the tests below."""
    return run_build(tmp_path_factory.mktemp("season"), Site(ogle_2025_files()), "--years", "2025", "--surveys", "ogle")


def test_season_build_fetches_the_list_first(season_build):
    assert season_build.site.urls[0] == LENSES_PAR_2025


def test_season_build_fetches_both_files_of_every_listed_event_once(season_build):
    assert sorted(season_build.site.urls[1:]) == sorted(EVENT_URLS_2025)


def test_season_build_mirrors_exactly_what_the_site_served(season_build):
    assert season_build.mirrored() == RECORDED_2025


def test_season_build_mirrors_byte_exact_copies(season_build, recorded_mirror):
    for relative in RECORDED_2025:
        assert (season_build.mirror / relative).read_bytes() == (recorded_mirror / relative).read_bytes(), relative


def test_season_build_has_an_alert_for_every_listed_event(season_build):
    assert season_build.query("SELECT alert_name FROM alerts ORDER BY alert_id") == [
        (f"OGLE-2025-BLG-{n:04d}",) for n in range(1, 9)]


def test_season_build_loads_the_photometry(season_build):
    assert season_build.query("SELECT count(*) FROM photometry WHERE alert_id = 10250001") == [(265,)]


def test_season_build_counts_the_photometry_on_the_alert(season_build):
    assert season_build.query("SELECT alert_name, n_photometry FROM alerts WHERE n_photometry > 0") == [
        ("OGLE-2025-BLG-0001", 265)]


def test_season_build_takes_uncertainties_from_params_dat(season_build):
    assert season_build.query("SELECT t0, t0_err, tE, tE_err FROM alerts "
                              "WHERE alert_name = 'OGLE-2025-BLG-0001'") == [(10746.661, 0.203, 28.568, 1.387)]


def test_season_build_keeps_list_values_without_params_dat(season_build):
    assert season_build.query("SELECT t0, t0_err, tE, tE_err FROM alerts "
                              "WHERE alert_name = 'OGLE-2025-BLG-0002'") == [(10697.501, None, 111.4, None)]


def test_season_build_records_the_missing_files(season_build):
    missing = {url for url in EVENT_URLS_2025 if not url.startswith((f"{EWS}/2025/blg-0001/",
                                                                      f"{EWS}/2025/blg-0006/params"))}
    assert season_build.query("SELECT DISTINCT kind FROM build_problems") == [("missing",)]
    assert {url for (url,) in season_build.query("SELECT url FROM build_problems")} == missing


def test_season_build_exits_ok_when_only_files_are_missing(season_build):
    assert season_build.status == 0


@pytest.fixture(scope="module")
def event_build(tmp_path_factory):
    """`--events OGLE-2025-BLG-0368` against the recorded site: the list is not fetched."""
    return run_build(tmp_path_factory.mktemp("event"), Site(ogle_2025_files()), "--events", "OGLE-2025-BLG-0368",
                     "--surveys", "ogle")


def test_event_build_fetches_only_that_events_files(event_build):
    assert sorted(event_build.site.urls) == [f"{EWS}/2025/blg-0368/params.dat", f"{EWS}/2025/blg-0368/phot.dat"]


def test_event_build_mirrors_the_photometry_only(event_build):
    assert event_build.mirrored() == {"www.astrouw.edu.pl/ogle/ogle4/ews/2025/blg-0368/phot.dat"}


def test_event_build_loads_that_event_alone(event_build):
    assert event_build.query("SELECT alert_name, alert_id, n_photometry FROM alerts") == [
        ("OGLE-2025-BLG-0368", 10250368, 4519)]


def test_event_build_keeps_the_zero_sky_as_null(event_build):
    assert event_build.query("SELECT hjd, mag, mag_err, seeing FROM photometry WHERE sky IS NULL") == [
        (7868.88026, 19.938, 0.21, 9.99)]
