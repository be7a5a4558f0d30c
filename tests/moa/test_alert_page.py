"""alert.php (moa/alert_page.py): the hand-written 2017 page, checked against the real text capture of that page
and the real 2017 index.dat; malformed text raises ParseError naming the source and the line."""

import datetime
import re

import pytest

from microlensing_to_sqlite.moa.alert_page import parse_alert_page
from tests.support.malformed import assert_parse_error
from tests.support.moa_pages import ALERT_PHP, ALERT_PHP_TEXT, alert_text_rows, excerpt, handwritten, index_2017, name


def alert_page(text=None):
    return parse_alert_page(text or handwritten(ALERT_PHP), source="alert.php")


def test_alert_php_fixture_without_tags_is_the_real_text():
    real_lines = excerpt(ALERT_PHP_TEXT).split("\n")
    assert [re.sub(r"<[^>]*>", "", line) for line in handwritten(ALERT_PHP).split("\n")] == real_lines


def test_alert_php_names_and_assessments_are_the_real_rows():
    assessments = alert_page()["assessments"]
    assert [(n.full, a) for n, a in assessments.items()] == [("MOA-" + r[0], r[7]) for r in alert_text_rows()]


def test_alert_php_rows_are_the_real_values():
    rows = alert_page()["rows"]
    assert [(r["ra_hms"], r["dec_dms"], r["t0_date"], r["tE"], r["Amax"], r["Ibase"]) for r in rows] == [
        (r[1], r[2], r[3], float(r[4]), float(r[5]), float(r[6])) for r in alert_text_rows()]


def test_alert_php_internal_ids_come_from_the_display_links():
    assert [r["internal_id"] for r in alert_page()["rows"]] == [r["internal_id"] for r in index_2017()]


def test_alert_php_positions_agree_with_index_dat():
    # Within the rounding of alert.php's text: 0.005 s of RA, 0.005" of Dec (robonet saw them differ in some years).
    for row, record in zip(alert_page()["rows"], index_2017(), strict=True):
        assert row["ra"] == pytest.approx(record["ra"], abs=0.005 * 15 / 3600 + 1e-7)
        assert row["dec"] == pytest.approx(record["dec"], abs=0.005 / 3600 + 1e-7)


def test_alert_php_record_2017_blg_002():
    assert alert_page()["rows"][1] == {
        "name": name(2017, 2), "internal_id": "gb22-R-1-1852",
        "ra": 278.45875, "dec": -23.2755694, "ra_hms": "18:33:50.10", "dec_dms": "-23:16:32.05",
        "t0_date": "2016-Nov-6.70", "t0_jd": 2457699.2, "tE": 115.32, "Amax": 5.73, "Ibase": 18.66,
        "assessment": "microlensing",
    }


def test_alert_php_footer_is_the_update_time():
    assert alert_page()["updated"] == datetime.datetime(2017, 4, 19, 16, 26, 11, tzinfo=datetime.timezone.utc)


def test_alert_php_without_footer_has_no_update_time():
    assert alert_page(handwritten(ALERT_PHP).replace("This page last updated", "Updated"))["updated"] is None


def test_alert_php_footer_with_digits_of_another_script_is_not_an_update_time():
    # Found by the fuzz tests: `\d` matched the Arabic-Indic `٢` and datetime.fromisoformat raised ValueError.
    assert alert_page(handwritten(ALERT_PHP).replace("updated: 2017-", "updated: ٢017-"))["updated"] is None


@pytest.mark.parametrize("assessment", ["cv", "unknown", "moving", "microlensing"])
def test_alert_php_assessment_is_kept_as_written(assessment):
    text = handwritten(ALERT_PHP).replace(
        "<td align=right>18.26</td><td>microlensing</td>", f"<td align=right>18.26</td><td>{assessment}</td>")
    assert alert_page(text)["assessments"][name(2017, 3)] == assessment


# Malformed text: always ParseError, naming the source and the line -------------------------------------------

ALERT_PHP_MALFORMED = [
    pytest.param(lambda t: t.replace("<th>Assessment</th>", "<th>Class</th>"), None, id="header-changed"),
    pytest.param(lambda t: t.replace("<td align=right>86.66</td>", ""), 24, id="7-cells"),
    pytest.param(lambda t: t.replace(">86.66<", ">8b.66<"), 24, id="tE-not-a-number"),
    pytest.param(lambda t: t.replace(">2017-Feb-18.19<", ">2017-Fbr-18.19<"), 24, id="t0-not-a-date"),
    pytest.param(lambda t: t.replace(">-27:11:00.19<", ">-27:11<"), 24, id="dec-two-parts"),
    pytest.param(lambda t: t.replace(">2017-BLG-004<", ">2017-BLG-4<"), 24, id="bad-name"),
    pytest.param(lambda t: "", None, id="empty"),
    # Found by the fuzz tests: the footer time went to datetime.fromisoformat unchecked (ValueError).
    pytest.param(lambda t: t.replace("updated: 2017-04-19T", "updated: 2017-13-19T"), 29, id="updated-month-13"),
    # Found by the fuzz tests: bs4's ParserRejectedMarkup escaped.
    pytest.param(lambda t: "<![" + t, None, id="markup-html-parser-rejects"),
]


@pytest.mark.parametrize("edit, line", ALERT_PHP_MALFORMED)
def test_malformed_alert_php_raises_parse_error(edit, line):
    assert_parse_error(parse_alert_page, edit(handwritten(ALERT_PHP)), "alert.php", line)
