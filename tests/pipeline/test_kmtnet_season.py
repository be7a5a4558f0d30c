"""A whole KMTNet build of the recorded 2019 site: the list, then every event page, then the files a page names."""

import pytest

from tests.support.builds import run_build
from tests.support.site import KMT_2019_BUNDLE, PYSIS_ONE_ROW, Site, kmtnet_2019_files

# One point in each of the bundle's three files.


@pytest.fixture(scope="module")
def kmt_season_build(tmp_path_factory):
    files = kmtnet_2019_files(dict.fromkeys(("KMTA11_I.pysis", "KMTC11_I.pysis", "KMTS11_I.pysis"), PYSIS_ONE_ROW))
    return run_build(tmp_path_factory.mktemp("kmt"), Site(files), "--years", "2019", "--surveys", "kmtnet")


def test_kmt_build_fetches_the_list_then_every_event_page(kmt_season_build):
    urls = kmt_season_build.site.urls
    assert urls[0].endswith("/2019/listpage.dat")
    assert sum("view.php?event=KMT-2019-BLG-" in url for url in urls) == 27


def test_kmt_build_fetches_the_bundle_the_page_points_to(kmt_season_build):
    assert kmt_season_build.site.urls[-1] == KMT_2019_BUNDLE


def test_kmt_build_loads_the_bundled_photometry(kmt_season_build):
    assert kmt_season_build.query("select count(*) from photometry where alert_id = 30190001") == [(3,)]
