"""A whole MOA build of the 2017 site (the recorded index.dat and the handwritten pages): the lists, then each
event's page and photometry."""

import pytest

from tests.support.builds import run_build
from tests.support.site import MOA_2017, Site, moa_2017_files


@pytest.fixture(scope="module")
def moa_season_build(tmp_path_factory):
    return run_build(tmp_path_factory.mktemp("moa"), Site(moa_2017_files()), "--years", "2017", "--surveys", "moa")


def test_moa_build_fetches_lists_then_each_events_page_and_photometry(moa_season_build):
    urls = moa_season_build.site.urls
    # The three lists are fetched in parallel, in any order.
    assert set(urls[:3]) == {f"{MOA_2017}/index.dat", f"{MOA_2017}/alert.php", f"{MOA_2017}/moa2ogle.txt"}
    assert len(urls) == 3 + 2 * 8


def test_moa_build_mirrors_the_photometry_under_its_query_string(moa_season_build):
    assert (moa_season_build.mirror / "www.massey.ac.nz/~iabond/moa/alert2017/"
                                      "fetchtxt.php?path=moa%2Fephot%2Fphot-gb2-R-2-19629.dat").is_file()


def test_moa_build_loads_magnitudes(moa_season_build):
    assert moa_season_build.query("select count(mag) from photometry where alert_id = 20170001") == [(8,)]
