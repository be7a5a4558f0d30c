"""MOA's alert sites: its seasons, and where each of its files is.

- 2016-2024, under `www.massey.ac.nz/~iabond/moa/alertYYYY/`: `index.dat` (the season's list with each event's
  flux calibration), `alert.php` (the same as HTML, with MOA's assessment), `display.php?id=<internal id>` (one
  event's fit with uncertainties), `fetchtxt.php?path=moa/ephot/phot-<internal id>.dat` (its difference-flux
  photometry inside a `<pre>`) and `moa2ogle.txt` (MOA/OGLE cross-identifications).
- 2025 on, under `moaprime.massey.ac.nz/alerts/`: `index/moa/YYYY` (the season's list as an HTML table, without
  internal ids, calibration or uncertainties) and `display/<name>` (one event, which links its data file).
What each file holds: docs/formats.md, section MOA.
"""

import datetime

from ..names import AlertName

SURVEY = "MOA"
OLD_ROOT = "https://www.massey.ac.nz/~iabond/moa"
PRIME_ROOT = "https://moaprime.massey.ac.nz"
FIRST_SEASON = 2016          # the first season on www.massey.ac.nz; earlier hosts are gone
LAST_OLD_SEASON = 2024       # from 2025 the lists are on moaprime
TELESCOPE = "MOA"            # the 1.8 m MOA-II telescope at Mt John Observatory
BAND = "MOA-Red"             # a broad R+I filter; MOA's calibration equation calls it I
# Mt John University Observatory, New Zealand: where MOA observes from.
# MOA-II's whole-baseline lightcurves begin in 2005-2006: JD 2453371.5 is 2005-01-01.
FIRST_PHOTOMETRY_JD = 2453371.5
MT_JOHN = {"lat": -43.9856, "lon": 170.4650, "height": 1029.0}


def old_layout(season):
    """Is the season on www.massey.ac.nz (index.dat, display.php), not on moaprime?"""
    return season <= LAST_OLD_SEASON


def seasons(today=None):
    """Every MOA season this project can fetch, up to the current year."""
    year = (today or datetime.date.today()).year
    return list(range(FIRST_SEASON, year + 1))


# URLs ------------------------------------------------------------------------------------------------------

def season_root(season):
    return f"{OLD_ROOT}/alert{season}"


def index_dat_url(season):
    return f"{season_root(season)}/index.dat"


def alert_php_url(season):
    return f"{season_root(season)}/alert.php"


def display_php_url(season, internal_id):
    return f"{season_root(season)}/display.php?id={internal_id}"


def photometry_url(season, internal_id):
    """The alert photometry; served as HTML with the text in a `<pre>`."""
    return f"{season_root(season)}/fetchtxt.php?path=moa/ephot/phot-{internal_id}.dat"


def moa2ogle_url(season):
    return f"{season_root(season)}/moa2ogle.txt"


def prime_index_url(season):
    return f"{PRIME_ROOT}/alerts/index/moa/{season}"


def prime_display_url(name: AlertName):
    return f"{PRIME_ROOT}/alerts/display/{name.full}"


def prime_datafile_url(name: AlertName):
    """Where a 2025+ event's photometry is (the link its display page gives, as the demo and benchmarks write it)."""
    return f"{PRIME_ROOT}/alerts/datafile/MOA/{name.full}"


def alert_page_url(name: AlertName, internal_id=None):
    """The human-readable event page.

    Up to 2024 it is addressed by MOA's internal id; without one, the season's alert.php is the best link.
    """
    if name.season > LAST_OLD_SEASON:
        return prime_display_url(name)
    if internal_id:
        return display_php_url(name.season, internal_id)
    return alert_php_url(name.season)
