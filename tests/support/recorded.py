"""The recorded OGLE and KMTNet files as their parsers read them, the same values worked out by hand, and the
edits the malformed-text tests make beyond tests/support/malformed.py."""

from decimal import Decimal

import pytest

from microlensing_to_sqlite.kmtnet.listpage import parse_listpage
from microlensing_to_sqlite.kmtnet.view_page import parse_view_page
from microlensing_to_sqlite.names import parse_full_name
from microlensing_to_sqlite.ogle.lenses_par import parse_lenses_par

# The recorded view.php pages, under KMTNet's `~ulens/event` folder.
VIEW_PAGES = {
    "KMT-2016-BLG-1000": "2016/view.php?event=KMT-2016-BLG-1000",
    "KMT-2019-BLG-0001": "2019/view.php?event=KMT-2019-BLG-0001",
}


def lenses_par(ogle_file, season):
    return parse_lenses_par(ogle_file(f"{season}/lenses.par"), source=f"{season}/lenses.par")


def listpage(kmtnet_file, season):
    return parse_listpage(kmtnet_file(f"{season}/listpage.dat"), source=f"{season}/listpage.dat", season=season)


def view_page(kmtnet_file, full_name):
    return parse_view_page(kmtnet_file(VIEW_PAGES[full_name]), source=VIEW_PAGES[full_name])


def record_named(season_list, read, full_name):
    """The one record of `full_name` in its season's list: `record_named(lenses_par, ogle_file, "OGLE-...")`."""
    season = parse_full_name(full_name).season
    [record] = [r for r in season_list(read, season) if r["name"].full == full_name]
    return record


def hjd_by_hand(token):
    """A published time as HJD - 2450000, computed exactly in decimal from its value's convention (full HJD,
    HJD - 2400000 or HJD - 2450000): what rounding to the published decimals must give."""
    value = Decimal(token)
    if value > 2400000:
        return float(value - 2450000)
    if value > 40000:
        return float(value - 50000)
    return float(value)


def degrees_by_hand(text, hours):
    sign = -1 if text.startswith("-") else 1
    whole, minutes, seconds = (abs(float(part)) for part in text.split(":"))
    return sign * (whole + minutes / 60 + seconds / 3600) * (15 if hours else 1)


def assert_degrees_are_the_sexagesimal_text(records):
    """Each record's ra and dec are its ra_hms and dec_dms, converted by hand, to 1e-6 degree."""
    for record in records:
        assert record["ra"] == pytest.approx(degrees_by_hand(record["ra_hms"], hours=True), abs=1e-6)
        assert record["dec"] == pytest.approx(degrees_by_hand(record["dec_dms"], hours=False), abs=1e-6)


def drop_line(line_number):
    """An edit of a whole text: without its line `line_number` (1-based)."""
    return lambda text: "".join(t for n, t in enumerate(text.splitlines(keepends=True), 1) if n != line_number)


def drop_field(index):
    """An edit of a line's fields, for malformed.edit_line: without the field at `index`."""
    return lambda fields: fields.pop(index)
