"""moaprime's season index (moa/prime_index.py): the real 2025 page, whole; malformed text raises ParseError
naming the source and the line."""

import datetime
import re

import pytest

from microlensing_to_sqlite.formulas import degrees_to_sexagesimal
from microlensing_to_sqlite.moa.prime_index import parse_moaprime_index
from tests.support.malformed import assert_parse_error
from tests.support.moa_pages import (
    PRIME_2025, assert_t0_is_heliocentric, hjd_by_hand, line_of, name, prime_2025, record_named, recorded,
)


def prime_cells():
    """The table cells of the real 2025 page, read with a plain pattern (independent of the parser)."""
    rows = re.findall(r"<tr>(.*?)</tr>", recorded(PRIME_2025), re.S)[1:]
    return [[re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
            for row in rows]


def test_moaprime_index_has_106_events():
    assert len(prime_2025()) == 106


def test_moaprime_index_names_bulge_1_to_105_and_lmc_1():
    assert [r["name"] for r in prime_2025()] == [name(2025, n) for n in range(1, 106)] + [name(2025, 1, "LMC")]


def test_moaprime_index_names_have_4_digits():
    assert prime_2025()[0]["name"].full == "MOA-2025-BLG-0001"


def test_moaprime_index_record_0001():
    assert prime_2025()[0] == {
        "name": name(2025, 1), "display_url": "/alerts/display/MOA-2025-BLG-0001",
        "alert_date": "2025-02-25T01:11:13.1481",
        "ra": 266.6463446, "dec": -34.2869917, "ra_hms": "17:46:35.1227", "dec_dms": "-34:17:13.1701",
        "t0": 10709.02615, "t0_jd": 2460709.03, "t0_date": "2025-02-02.53",
        "tE": 28.03, "Amax": 30268.15, "Ibase": 18.38,
    }


def test_moaprime_index_lmc_event():
    record = prime_2025()[-1]
    assert (record["name"].region, record["ra_hms"], record["dec_dms"], record["ra"], record["dec"]) == (
        "LMC", "5:31:48.5665", "-69:15:31.6393", 82.9523604, -69.2587887)


def test_moaprime_index_keeps_a_huge_amax():
    assert record_named(prime_2025(), "MOA-2025-BLG-0104")["Amax"] == 53607187.71


def test_moaprime_index_every_value_is_the_published_text():
    for record, cells in zip(prime_2025(), prime_cells(), strict=True):
        assert record["name"].full == cells[0]
        assert (record["alert_date"], record["t0_date"]) == (cells[1], cells[4])
        assert (record["ra_hms"], record["dec_dms"]) == (cells[2].lstrip("+"), cells[3])
        assert (record["tE"], record["Amax"], record["Ibase"]) == tuple(float(c) for c in cells[5:])


def test_moaprime_index_t0_calendar_date_becomes_jd():
    for record in prime_2025():
        year, month, day = record["t0_date"].split("-")
        midnight = datetime.date(int(year), int(month), int(float(day)))
        expected = 2451544.5 + (midnight - datetime.date(2000, 1, 1)).days + float(day) % 1
        assert record["t0_jd"] == pytest.approx(expected, abs=1e-9)


def test_moaprime_index_t0_is_heliocentric():
    assert_t0_is_heliocentric(prime_2025())


def test_moaprime_index_t0_agrees_with_a_direct_calculation():
    for record in prime_2025()[::15]:
        assert record["t0"] == pytest.approx(hjd_by_hand(record["t0_jd"], record["ra"], record["dec"]), abs=1e-5)


def test_moaprime_index_positions_round_trip():
    for record in prime_2025():
        assert degrees_to_sexagesimal(record["ra"], hours=True, places=4) == record["ra_hms"].zfill(13)


# Malformed text: always ParseError, naming the source and the line -------------------------------------------

PRIME_ROW_104 = "MOA-2025-BLG-0104"

MOAPRIME_MALFORMED = [
    pytest.param(lambda t: t.replace("<th width=\"80\">tE (days)</th>", "<th>tE</th>"), None, id="header-changed"),
    pytest.param(lambda t: t.replace("<table", "<div").replace("</table>", "</div>").replace("<th", "<p")
                 .replace("</th>", "</p>").replace("<tr>", "").replace("<td", "<span").replace("</td>", "</span>"),
                 None, id="no-table"),
    pytest.param(lambda t: t.replace("<td align=\"right\">53607187.71</td>", ""), "row-104", id="7-cells"),
    pytest.param(lambda t: t.replace("<td align=\"right\">53607187.71</td>", "<td>53607187.71</td><td></td>"),
                 "row-104", id="9-cells"),
    pytest.param(lambda t: t.replace(">64531.88<", ">6453l.88<"), "row-104", id="tE-not-a-number"),
    pytest.param(lambda t: t.replace(">2025-04-03.88<", ">2025-04-33.88<"), "row-104", id="t0-impossible-date"),
    pytest.param(lambda t: t.replace(">+17:54:57.0758<", ">+17:54:5x.0758<"), "row-104", id="ra-not-a-number"),
    pytest.param(lambda t: t.replace(">2025-04-01T21:48:16.8253<", ">yesterday<"), "row-104", id="bad-alert-date"),
    pytest.param(lambda t: t.replace(">MOA-2025-BLG-0104<", ">2025-BLG-0104<"), "row-104", id="short-name"),
    pytest.param(lambda t: t.replace(">MOA-2025-BLG-0104<", ">MOA-2024-BLG-0104<"), "row-104", id="other-season"),
    # Found by the fuzz tests: html.parser gives up on a `<![` that opens no marked section (bs4's
    # ParserRejectedMarkup escaped); it does not say where.
    pytest.param(lambda t: "<![" + t, None, id="markup-html-parser-rejects"),
]


@pytest.mark.parametrize("edit, line", MOAPRIME_MALFORMED)
def test_malformed_moaprime_index_raises_parse_error(edit, line):
    text = edit(recorded(PRIME_2025))
    if line == "row-104":
        line = line_of(text, "<td><a href=/alerts/display/" + PRIME_ROW_104)
    assert_parse_error(parse_moaprime_index, text, PRIME_2025, line, season=2025)


def test_moaprime_index_unknown_header_names_the_expected_headers():
    text = recorded(PRIME_2025).replace("<th width=\"80\">tE (days)</th>", "<th>tE</th>")
    error = assert_parse_error(parse_moaprime_index, text, PRIME_2025, None, season=2025)
    assert "Alert Date, RA, Dec, t0, tE (days), A<sub>max</sub>, I<sub>0</sub>" in str(error)
