"""KMTNet's alert site: its seasons, its data policy, and where each of its files is.

Directory listings are forbidden on the site (403), so the names of an event's light-curve files come from its
view.php page. What each file holds: docs/formats.md, section KMTNet.
"""

import datetime

from ..names import AlertName

SURVEY = "KMT"
EVENT_ROOT = "https://kmtnet.kasi.re.kr/~ulens/event"
# 2015 had another layout (`event/2015/pysis/KB15NNNN/...`) and no listpage.dat.
FIRST_SEASON = 2016

# Summarised from the "KMTNet Data Policy" on every year page (read in event/2025/index.html).
DATA_POLICY = (
    "KMTNet data are proprietary until 1 July of the year after the events were discovered (2019 data "
    "became public on 1 July 2020). Posted light curves may be used by anyone at once to prepare papers, "
    "but during the proprietary period papers based on them cannot be submitted for publication or posted "
    "on arXiv. After it, papers may be submitted without the KMTNet team; collaboration is welcome but not "
    "required, and when collaborating the team claims no editorial control, only the right to withdraw. "
    "Re-reduced light curves or flat-fielded stamps can be provided, in exchange for co-authorship or on "
    "evidence of substantive progress towards a paper."
)


def seasons(today=None):
    """Every KMTNet season with a listpage.dat, up to the current year."""
    year = (today or datetime.date.today()).year
    return list(range(FIRST_SEASON, year + 1))


def public_from(season):
    """The day a season's data stop being proprietary: 1 July of the next year."""
    return datetime.date(season + 1, 7, 1)


def listpage_url(season):
    return f"{EVENT_ROOT}/{season}/listpage.dat"


def _kmt_name(name: AlertName):
    if name.survey != SURVEY or name.region != "BLG":
        raise ValueError(f"not a KMTNet bulge alert: {name.full}")
    return name


def view_url(name: AlertName):
    return f"{EVENT_ROOT}/{_kmt_name(name).season}/view.php?event={name.full}"


def event_data_folder(name: AlertName):
    """`.../2019/data/KB190001/`: the folder of the event's light curves, named by its short form."""
    return f"{EVENT_ROOT}/{_kmt_name(name).season}/data/{name.short}/"


def pysis_url(name: AlertName, file_name):
    return f"{event_data_folder(name)}pysis/{file_name}"


def pysis_tarball_url(name: AlertName):
    return pysis_url(name, "pysis.tar.gz")


def diapl_url(name: AlertName, file_name):
    return f"{event_data_folder(name)}diapl/{file_name}"
