"""KMTNet's site: its seasons, its data policy and the URL of each file."""

import datetime

import pytest

from microlensing_to_sqlite.kmtnet import site
from microlensing_to_sqlite.mirror import Mirror
from microlensing_to_sqlite.names import AlertName

KB190001 = AlertName("KMT", 2019, "BLG", 1)


def test_seasons_run_from_2016_to_the_current_year():
    assert site.seasons(datetime.date(2026, 9, 24)) == list(range(2016, 2027))


def test_listpage_url():
    assert site.listpage_url(2019) == "https://kmtnet.kasi.re.kr/~ulens/event/2019/listpage.dat"


def test_view_url():
    assert site.view_url(KB190001) == "https://kmtnet.kasi.re.kr/~ulens/event/2019/view.php?event=KMT-2019-BLG-0001"


def test_event_data_folder_is_named_by_the_short_name():
    assert site.event_data_folder(KB190001) == "https://kmtnet.kasi.re.kr/~ulens/event/2019/data/KB190001/"


def test_pysis_url():
    assert site.pysis_url(KB190001, "KMTA11_I.pysis") == (
        "https://kmtnet.kasi.re.kr/~ulens/event/2019/data/KB190001/pysis/KMTA11_I.pysis")


def test_pysis_tarball_url():
    assert site.pysis_tarball_url(KB190001) == (
        "https://kmtnet.kasi.re.kr/~ulens/event/2019/data/KB190001/pysis/pysis.tar.gz")


def test_urls_refuse_other_surveys():
    with pytest.raises(ValueError):
        site.view_url(AlertName("OGLE", 2019, "BLG", 1))


@pytest.mark.parametrize("url", [
    site.listpage_url(2019),
    site.view_url(KB190001),
    site.view_url(AlertName("KMT", 2016, "BLG", 1000)),
    site.pysis_url(AlertName("KMT", 2021, "BLG", 1122), "KMTA14_I.pysis"),
    site.pysis_url(AlertName("KMT", 2025, "BLG", 1), "KMTC01_I.pysis"),
    site.diapl_url(AlertName("KMT", 2025, "BLG", 1), "KMTC01_I.diapl"),
], ids=lambda url: url.split("/event/")[1])
def test_urls_are_where_the_mirror_recorded_the_files(recorded_mirror, url):
    assert Mirror(recorded_mirror).has(url)


def test_public_from_first_july_of_the_next_year():
    assert site.public_from(2019) == datetime.date(2020, 7, 1)


def test_data_policy_is_the_one_the_year_page_states(kmtnet_file):
    page = " ".join(kmtnet_file("2025/index.html").split())
    assert "proprietary until July 1 of the year after the events were discovered" in page
    assert "e.g. 2019 data will become public on 1 July 2020" in page
    assert "proprietary until 1 July of the year after" in site.DATA_POLICY
