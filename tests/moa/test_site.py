"""MOA's seasons and the URL of each of its files (moa/site.py)."""

import datetime

import pytest

from microlensing_to_sqlite.mirror import Mirror
from microlensing_to_sqlite.moa import site
from tests.support.moa_pages import INDEX_2017, INDEX_2024, PRIME_2025, name
from tests.support.paths import RECORDED_MIRROR


def test_seasons_run_from_2016_to_this_year():
    assert site.seasons(datetime.date(2026, 5, 1)) == list(range(2016, 2027))


@pytest.mark.parametrize("season, old", [(2016, True), (2024, True), (2025, False)])
def test_old_layout_up_to_2024(season, old):
    assert site.old_layout(season) is old


@pytest.mark.parametrize("url, expected", [
    (site.index_dat_url(2017), "https://www.massey.ac.nz/~iabond/moa/alert2017/index.dat"),
    (site.alert_php_url(2017), "https://www.massey.ac.nz/~iabond/moa/alert2017/alert.php"),
    (site.display_php_url(2017, "gb2-R-2-19629"),
     "https://www.massey.ac.nz/~iabond/moa/alert2017/display.php?id=gb2-R-2-19629"),
    (site.photometry_url(2017, "gb2-R-2-19629"),
     "https://www.massey.ac.nz/~iabond/moa/alert2017/fetchtxt.php?path=moa/ephot/phot-gb2-R-2-19629.dat"),
    (site.moa2ogle_url(2017), "https://www.massey.ac.nz/~iabond/moa/alert2017/moa2ogle.txt"),
    (site.prime_index_url(2025), "https://moaprime.massey.ac.nz/alerts/index/moa/2025"),
    (site.prime_display_url(name(2025, 1)), "https://moaprime.massey.ac.nz/alerts/display/MOA-2025-BLG-0001"),
])
def test_url(url, expected):
    assert url == expected


@pytest.mark.parametrize("alert, internal_id, expected", [
    (name(2017, 1), "gb2-R-2-19629", "https://www.massey.ac.nz/~iabond/moa/alert2017/display.php?id=gb2-R-2-19629"),
    (name(2017, 1), None, "https://www.massey.ac.nz/~iabond/moa/alert2017/alert.php"),
    (name(2025, 1, "LMC"), None, "https://moaprime.massey.ac.nz/alerts/display/MOA-2025-LMC-0001"),
])
def test_alert_page_url(alert, internal_id, expected):
    assert site.alert_page_url(alert, internal_id) == expected


@pytest.mark.parametrize("url", [INDEX_2017, INDEX_2024, PRIME_2025])
def test_the_real_lists_are_in_the_mirror_at_their_urls(url):
    assert Mirror(RECORDED_MIRROR).has(url)
