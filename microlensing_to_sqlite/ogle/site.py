"""The OGLE-IV Early Warning System's site: its seasons, and where each of its files is.

The data files live on www.astrouw.edu.pl; the ogle.astrouw.edu.pl host serves only the HTML pages (its
copies of the data files answer 404). What each file holds: docs/formats.md, section OGLE.
"""

import datetime
import re

from ..names import AlertName

SURVEY = "OGLE"
DATA_ROOT = "https://www.astrouw.edu.pl/ogle/ogle4/ews"
PAGES_ROOT = "https://ogle.astrouw.edu.pl/ogle4/ews"
# One file that changes whenever the EWS does: if it has not, an update need not ask for anything else.
LAST_CHANGED_URL = "ftp://ftp.astrouw.edu.pl/ogle/ogle4/ews/last.changed"
FIRST_SEASON = 2011
# OGLE did not observe in 2020 and 2021 (COVID): there are no EWS seasons for them.
SEASONS_WITHOUT_DATA = {2020, 2021}
REGIONS = ("BLG", "GD", "DG")
TELESCOPE = "OGLE"  # the 1.3 m Warsaw telescope at Las Campanas
BAND = "I"

EVENT_DIRECTORY = re.compile(r"^(blg|gd|dg)-(\d{4})$")


def seasons(today=None):
    """Every OGLE-IV EWS season up to the current year."""
    year = (today or datetime.date.today()).year
    return [s for s in range(FIRST_SEASON, year + 1) if s not in SEASONS_WITHOUT_DATA]


def lenses_par_url(season):
    return f"{DATA_ROOT}/{season}/lenses.par"


def event_directory(name: AlertName):
    return f"{name.region.lower()}-{name.number:04d}"


def event_data_url(name: AlertName):
    return f"{DATA_ROOT}/{name.season}/{event_directory(name)}/"


def params_url(name: AlertName):
    return event_data_url(name) + "params.dat"


def phot_url(name: AlertName):
    return event_data_url(name) + "phot.dat"


def alert_page_url(name: AlertName, current_season):
    """The human-readable event page; the current season's pages have no year in their path."""
    page = f"{event_directory(name)}.html"
    if name.season == current_season:
        return f"{PAGES_ROOT}/{page}"
    return f"{PAGES_ROOT}/{name.season}/{page}"


def name_from_event_directory(season, directory):
    """`blg-0368` in season 2025 is OGLE-2025-BLG-0368; None for anything else in a season folder."""
    match = EVENT_DIRECTORY.match(directory)
    if not match:
        return None
    return AlertName(SURVEY, season, match.group(1).upper(), int(match.group(2)))
