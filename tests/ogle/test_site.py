"""OGLE's site: its seasons, the URL of each file, and the event names its folders stand for."""

import datetime
import re

import pytest

from microlensing_to_sqlite.mirror import Mirror
from microlensing_to_sqlite.names import AlertName
from microlensing_to_sqlite.ogle import site
from tests.support.paths import OGLE_EWS

OB250001 = AlertName("OGLE", 2025, "BLG", 1)
RECORDED_EVENTS = [AlertName("OGLE", 2025, "BLG", n) for n in (1, 6, 13, 70, 368)] + [
    AlertName("OGLE", 2023, "BLG", 348)]


def test_seasons_skip_2020_and_2021():
    assert site.seasons(datetime.date(2025, 6, 1)) == [*range(2011, 2020), 2022, 2023, 2024, 2025]


def test_first_season_is_the_first_ogle_iv_season_the_ews_page_lists(recorded_mirror):
    page = Mirror(recorded_mirror).read_text(f"{site.PAGES_ROOT}/2025/ews.html")
    listed = sorted(int(year) for year in re.findall(r'HREF="/ogle4/ews/(\d{4})/ews.html"', page))
    assert listed[0] == site.FIRST_SEASON == site.seasons(datetime.date(2025, 6, 1))[0]


def test_lenses_par_url():
    assert site.lenses_par_url(2025) == "https://www.astrouw.edu.pl/ogle/ogle4/ews/2025/lenses.par"


def test_event_data_url_is_named_by_region_and_number():
    assert site.event_data_url(OB250001) == "https://www.astrouw.edu.pl/ogle/ogle4/ews/2025/blg-0001/"


def test_params_and_phot_urls():
    assert (site.params_url(OB250001), site.phot_url(OB250001)) == (
        "https://www.astrouw.edu.pl/ogle/ogle4/ews/2025/blg-0001/params.dat",
        "https://www.astrouw.edu.pl/ogle/ogle4/ews/2025/blg-0001/phot.dat")


def test_alert_page_of_the_current_season_has_no_year():
    assert site.alert_page_url(OB250001, 2025) == "https://ogle.astrouw.edu.pl/ogle4/ews/blg-0001.html"


def test_alert_page_of_a_past_season_is_in_its_year_folder():
    assert site.alert_page_url(OB250001, 2026) == "https://ogle.astrouw.edu.pl/ogle4/ews/2025/blg-0001.html"


@pytest.mark.parametrize("url", [
    *(site.lenses_par_url(season) for season in (2015, 2016, 2025)),
    *(site.params_url(name) for name in RECORDED_EVENTS[:4]),
    *(site.phot_url(name) for name in (*RECORDED_EVENTS[:1], *RECORDED_EVENTS[3:])),
    site.LAST_CHANGED_URL,
], ids=lambda url: url.split("/ews/")[1])
def test_urls_are_where_the_mirror_recorded_the_files(recorded_mirror, url):
    assert Mirror(recorded_mirror).has(url)


@pytest.mark.parametrize("directory, name", [
    ("blg-0368", AlertName("OGLE", 2025, "BLG", 368)), ("gd-0010", AlertName("OGLE", 2025, "GD", 10)),
    ("dg-0003", AlertName("OGLE", 2025, "DG", 3)), ("lenses.par", None), ("BLG-0001", None), ("blg-1", None),
])
def test_name_from_event_directory(directory, name):
    assert site.name_from_event_directory(2025, directory) == name


def recorded_event_folders():
    """(season, folder name) of every event folder the mirror recorded."""
    return [(int(path.parent.name), path.name) for path in OGLE_EWS.glob("*/*") if path.is_dir()]


def test_the_recorded_event_folders_name_the_recorded_events():
    names = [site.name_from_event_directory(season, directory) for season, directory in recorded_event_folders()]
    assert sorted(names) == sorted(RECORDED_EVENTS)


def test_event_directory_is_the_folder_the_name_came_from():
    for season, directory in recorded_event_folders():
        assert site.event_directory(site.name_from_event_directory(season, directory)) == directory
