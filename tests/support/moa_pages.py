"""What the MOA tests share: the real MOA files (tests/data/mirror, tests/data/excerpts/moa) and the hand-written
pages (tests/data/handwritten-moa), read and parsed once, and checks that do not use the package's own code.

Real: index.dat 2017 (first 8 rows) and 2024 (whole), the moaprime 2025 index (whole), the text of alert.php 2017
after its tags were stripped, two fragments of archive photometry and robonet's summary of 2016. Hand-written,
in the layouts other people's scrapers describe (tests/data/handwritten-moa/README.md): alert.php, display.php,
the moaprime event page, the fetchtxt.php photometry and moa2ogle.txt.
"""

import functools
import math
import re

from microlensing_to_sqlite.mirror import Mirror
from microlensing_to_sqlite.moa.index_dat import parse_index_dat
from microlensing_to_sqlite.moa.prime_index import parse_moaprime_index
from microlensing_to_sqlite.names import AlertName
from tests.support.paths import HANDWRITTEN_MOA, RECORDED_EXCERPTS, RECORDED_MIRROR

INDEX_2017 = "https://www.massey.ac.nz/~iabond/moa/alert2017/index.dat"
INDEX_2024 = "https://www.massey.ac.nz/~iabond/moa/alert2024/index.dat"
PRIME_2025 = "https://moaprime.massey.ac.nz/alerts/index/moa/2025"
MOA_EXCERPTS = RECORDED_EXCERPTS / "moa"
ALERT_PHP_TEXT = "alert.php.2017.text_lines_as_captured.txt"
# The hand-written pages (tests/data/handwritten-moa).
ALERT_PHP = "alert.php.2017.html"
DISPLAY_PHP = "display.php.gb2-R-2-19629.html"
PRIME_DISPLAY = "moaprime.display.MOA-2025-BLG-0001.html"
PHOT = "fetchtxt.phot-gb2-R-2-19629.html"
MOA2OGLE = "moa2ogle.2017.txt"
FETCHTXT_MOA2OGLE = "fetchtxt.moa2ogle.2016.html"
# Light takes 499.0 s to cross 1 AU; the Earth is 1.0167 AU from the Sun at aphelion: 507.3 s = 0.00587 d.
MAX_HELIOCENTRIC_DAYS = 1.0167 * 499.005 / 86400


@functools.lru_cache(maxsize=None)
def recorded(url):
    """A real file, read from the recorded mirror at the URL the build would fetch."""
    text = Mirror(RECORDED_MIRROR).read_text(url)
    assert text is not None, f"the mirror has no {url}"
    return text


@functools.lru_cache(maxsize=None)
def handwritten(name):
    return (HANDWRITTEN_MOA / name).read_text(encoding="utf-8")


def excerpt(name):
    return (MOA_EXCERPTS / name).read_text()


@functools.lru_cache(maxsize=None)
def index_2017():
    return parse_index_dat(recorded(INDEX_2017), source=INDEX_2017, season=2017)


@functools.lru_cache(maxsize=None)
def index_2024():
    return parse_index_dat(recorded(INDEX_2024), source=INDEX_2024, season=2024)


@functools.lru_cache(maxsize=None)
def prime_2025():
    return parse_moaprime_index(recorded(PRIME_2025), source=PRIME_2025, season=2025)


@functools.lru_cache(maxsize=None)
def alert_text_rows():
    """The event rows of the real alert.php text: the cells run together, so they are split by pattern."""
    pattern = (r"(\d{4}-BLG-\d{3})(\d\d:\d\d:\d\d\.\d\d)(-\d\d:\d\d:\d\d\.\d\d)(\d{4}-[A-Z][a-z]{2}-\d+\.\d\d)"
               r"(\d+\.\d\d)(\d+\.\d\d)(\d+\.\d\d)([a-z]+)")
    return [re.fullmatch(pattern, line).groups() for line in excerpt(ALERT_PHP_TEXT).splitlines()
            if re.match(r"\d{4}-BLG", line)]


def index_lines(url):
    """The fields of each line of a recorded index.dat, split by whitespace."""
    return [line.split() for line in recorded(url).splitlines() if line.strip()]


def record_named(records, full_name):
    [record] = [r for r in records if r["name"].full == full_name]
    return record


def name(season, number, region="BLG"):
    return AlertName("MOA", season, region, number)


def line_of(text, needle):
    """The line (1-based) on which `needle` first occurs in text."""
    return text[:text.index(needle)].count("\n") + 1


def hjd_by_hand(jd, ra, dec):
    """HJD - 2450000 from the Astronomical Almanac's low-precision Sun (0.01 deg), independent of astropy.

    HJD = JD - (Sun's geocentric position . direction to the star) / c, in the J2000 equator."""
    n = jd - 2451545.0
    mean_anomaly = math.radians(357.528 + 0.9856003 * n)
    longitude = math.radians(280.460 + 0.9856474 * n + 1.915 * math.sin(mean_anomaly)
                             + 0.020 * math.sin(2 * mean_anomaly) - 1.397 * n / 36525)  # equinox of J2000
    distance = 1.00014 - 0.01671 * math.cos(mean_anomaly) - 0.00014 * math.cos(2 * mean_anomaly)
    obliquity = math.radians(23.4393)
    sun = (distance * math.cos(longitude), distance * math.cos(obliquity) * math.sin(longitude),
           distance * math.sin(obliquity) * math.sin(longitude))
    a, d = math.radians(ra), math.radians(dec)
    star = (math.cos(d) * math.cos(a), math.cos(d) * math.sin(a), math.sin(d))
    au_light_days = 149597870.7 / 299792.458 / 86400
    return jd - sum(s * t for s, t in zip(sun, star)) * au_light_days - 2450000


def assert_t0_is_heliocentric(records):
    """Each record's t0 (HJD - 2450000) differs from its t0_jd by no more than light crosses the Earth's orbit."""
    for record in records:
        assert 0 < abs(record["t0"] - (record["t0_jd"] - 2450000)) <= MAX_HELIOCENTRIC_DAYS, record["name"].full
