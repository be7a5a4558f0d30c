"""listpage.dat, a KMTNet season's list, against every recorded year (2016 to 2026).

Conventions checked here: t0 is HJD - 2450000 rounded to the decimals KMTNet published, whatever zero-point
the file used (HJD - 2450000 up to 2022 and HJD - 2400000 from 2023); lines are read by anchoring on RA/Dec,
because the classification columns change by year; related-event tokens stay as published and resolve to
names; field and star id are text. Malformed text raises ParseError naming the file and the line.
"""

import pytest

from microlensing_to_sqlite.kmtnet.listpage import parse_listpage, related_names
from microlensing_to_sqlite.kmtnet.site import EVENT_ROOT
from microlensing_to_sqlite.names import AlertName
from tests.support.malformed import assert_parse_error, edit_line, insert_field, set_field
from tests.support.recorded import (assert_degrees_are_the_sexagesimal_text, drop_field,
                                    hjd_by_hand, listpage, record_named)

# listpage.dat: the recorded head and tail of each year (numbers jump in between), its first and last event
# (the last is the season's total; 2026 was captured on 2026-09-24) and its classification layout.
LISTPAGES = {
    2016: (26, 2588, "k2"), 2017: (28, 2817, "one"), 2018: (27, 2781, "ef_al"), 2019: (27, 3303, "ef_al"),
    2020: (28, 894, "one"), 2021: (28, 3321, "ef_al"), 2022: (27, 2803, "ef_al"), 2023: (27, 3162, "ef_al"),
    2024: (27, 3441, "ef_al"), 2025: (26, 3348, "ef_al"), 2026: (28, 2248, "one"),
}
LISTPAGE_VALUES = ("tE", "u0", "Isrc", "Ibase", "Icat", "A_I")
KB190001 = AlertName("KMT", 2019, "BLG", 1)


def listpage_record(kmtnet_file, full_name):
    return record_named(listpage, kmtnet_file, full_name)


def listpage_lines(kmtnet_file, season):
    """Each event line split by hand at the first `:` token (RA): (name, field.star, classification
    tokens, RA, Dec, the 8 numbers, related tokens)."""
    split = []
    for line in kmtnet_file(f"{season}/listpage.dat").splitlines():
        fields = line.split()
        if not fields:
            continue
        ra = next(i for i, f in enumerate(fields) if ":" in f)
        split.append((fields[0], fields[1], fields[2:ra], fields[ra], fields[ra + 1], fields[ra + 2:ra + 10],
                      fields[ra + 10:]))
    return split


@pytest.mark.parametrize("season", LISTPAGES)
def test_listpage_has_one_record_per_non_blank_line(kmtnet_file, season):
    lines = [line for line in kmtnet_file(f"{season}/listpage.dat").splitlines() if line.strip()]
    assert len(listpage(kmtnet_file, season)) == len(lines) == LISTPAGES[season][0]


@pytest.mark.parametrize("season", LISTPAGES)
def test_listpage_first_and_last_events(kmtnet_file, season):
    names = [r["name"] for r in listpage(kmtnet_file, season)]
    assert (names[0], names[-1]) == (AlertName("KMT", season, "BLG", 1),
                                     AlertName("KMT", season, "BLG", LISTPAGES[season][1]))


@pytest.mark.parametrize("season", LISTPAGES)
def test_listpage_names_are_read_from_each_line(kmtnet_file, season):
    names = [r["name"].full for r in listpage(kmtnet_file, season)]
    assert names == [line[0] for line in listpage_lines(kmtnet_file, season)]


@pytest.mark.parametrize("season", [s for s, (_, _, layout) in LISTPAGES.items() if layout == "one"])
def test_listpage_single_classification_years(kmtnet_file, season):
    records, lines = listpage(kmtnet_file, season), listpage_lines(kmtnet_file, season)
    assert [(r["classification"], r["classification_al"], r["k2_flag"]) for r in records] == [
        (line[2][0], None, None) for line in lines]
    assert {len(line[2]) for line in lines} == {1}


@pytest.mark.parametrize("season", [s for s, (_, _, layout) in LISTPAGES.items() if layout == "ef_al"])
def test_listpage_ef_and_al_classification_years(kmtnet_file, season):
    records, lines = listpage(kmtnet_file, season), listpage_lines(kmtnet_file, season)
    assert [(r["classification"], r["classification_al"], r["k2_flag"]) for r in records] == [
        (line[2][0], line[2][1], None) for line in lines]
    assert {len(line[2]) for line in lines} == {2}


def test_listpage_2016_has_a_k2_flag_and_one_classification(kmtnet_file):
    records = listpage(kmtnet_file, 2016)
    assert [(r["k2_flag"], r["classification"], r["classification_al"]) for r in records] == [
        (None if line[2][0] == "-" else "K2", line[2][1], None) for line in listpage_lines(kmtnet_file, 2016)]


def test_listpage_2016_k2_flag_is_k2_in_the_head_and_dash_in_the_tail(kmtnet_file):
    records = listpage(kmtnet_file, 2016)
    assert (records[0]["k2_flag"], records[-1]["k2_flag"]) == ("K2", None)


def test_listpage_late_alerts_have_al_classification_x(kmtnet_file):
    # The AL column of the last alerts of a season is X.
    assert listpage_record(kmtnet_file, "KMT-2019-BLG-3303")["classification_al"] == "X"


def test_listpage_record_2019_0001(kmtnet_file):
    assert listpage_record(kmtnet_file, "KMT-2019-BLG-0001") == {
        "name": KB190001, "field": "BLG11M0308", "star_id": "009408",
        "classification": "1", "classification_al": "1", "k2_flag": None,
        "ra_hms": "17:30:52.66", "dec_dms": "-28:57:26.42", "ra": 262.7194167, "dec": -28.9573389,
        "t0": 8540.21006, "tE": 24.04, "u0": 0.12, "Isrc": 21.37, "Ibase": 19.62, "Icat": 19.62,
        "catalog_type": 2, "A_I": 2.74, "related": ["OB190161"],
    }


def test_listpage_record_2016_0001(kmtnet_file):
    assert listpage_record(kmtnet_file, "KMT-2016-BLG-0001") == {
        "name": AlertName("KMT", 2016, "BLG", 1), "field": "SAO02K0103", "star_id": "022072",
        "classification": "1", "classification_al": None, "k2_flag": "K2",
        "ra_hms": "17:54:14.09", "dec_dms": "-28:40:58.91", "ra": 268.5587083, "dec": -28.6830306,
        "t0": 7549.19296, "tE": 39.1, "u0": 0.704, "Isrc": 19.05, "Ibase": 19.04, "Icat": 19.04,
        "catalog_type": 2, "A_I": 2.14, "related": ["OB160785"],
    }


def test_listpage_record_2026_2248(kmtnet_file):
    assert listpage_record(kmtnet_file, "KMT-2026-BLG-2248") == {
        "name": AlertName("KMT", 2026, "BLG", 2248), "field": "SSO43T0103", "star_id": "017674",
        "classification": "1", "classification_al": None, "k2_flag": None,
        "ra_hms": "18:01:20.57", "dec_dms": "-28:48:40.00", "ra": 270.3357083, "dec": -28.8111111,
        "t0": 11307.56752, "tE": 50.24, "u0": 0.712, "Isrc": 18.72, "Ibase": 18.03, "Icat": 18.03,
        "catalog_type": 1, "A_I": 0.94, "related": [],
    }


def test_listpage_t0_2019_is_hjd_minus_2450000_as_written(kmtnet_file):
    assert listpage_record(kmtnet_file, "KMT-2019-BLG-0001")["t0"] == 8540.21006


def test_listpage_t0_2023_is_converted_from_hjd_minus_2400000(kmtnet_file):
    # Written `60016.33245`.
    assert listpage_record(kmtnet_file, "KMT-2023-BLG-0001")["t0"] == 10016.33245


def test_listpage_t0_last_of_2022_and_first_of_2023_are_a_season_apart(kmtnet_file):
    # 2022 writes HJD - 2450000 and 2023 HJD - 2400000: normalised, the two seasons follow each other.
    end_2022 = max(r["t0"] for r in listpage(kmtnet_file, 2022))
    start_2023 = min(r["t0"] for r in listpage(kmtnet_file, 2023))
    assert 0 < start_2023 - end_2022 < 365


@pytest.mark.parametrize("season", LISTPAGES)
def test_listpage_t0_tokens_change_convention_in_2023(kmtnet_file, season):
    tokens = [float(line[5][0]) for line in listpage_lines(kmtnet_file, season)]
    assert all(t < 1e4 for t in tokens) if season <= 2022 else all(4e4 < t < 1e5 for t in tokens)


@pytest.mark.parametrize("season", LISTPAGES)
def test_listpage_every_t0_is_rounded_to_the_published_decimals(kmtnet_file, season):
    t0 = [r["t0"] for r in listpage(kmtnet_file, season)]
    assert t0 == [hjd_by_hand(line[5][0]) for line in listpage_lines(kmtnet_file, season)]


@pytest.mark.parametrize("season", LISTPAGES)
def test_listpage_every_value_is_the_published_number(kmtnet_file, season):
    for record, line in zip(listpage(kmtnet_file, season), listpage_lines(kmtnet_file, season)):
        numbers = line[5]
        assert [record[c] for c in LISTPAGE_VALUES] == [float(numbers[i]) for i in (1, 2, 3, 4, 5, 7)]
        assert record["catalog_type"] == int(numbers[6])


@pytest.mark.parametrize("season", LISTPAGES)
def test_listpage_catalog_type_is_1_2_or_3(kmtnet_file, season):
    assert {r["catalog_type"] for r in listpage(kmtnet_file, season)} <= {1, 2, 3}


@pytest.mark.parametrize("season", LISTPAGES)
def test_listpage_keeps_field_star_and_sexagesimal_text(kmtnet_file, season):
    texts = [(f"{r['field']}.{r['star_id']}", r["ra_hms"], r["dec_dms"]) for r in listpage(kmtnet_file, season)]
    assert texts == [(line[1], line[3], line[4]) for line in listpage_lines(kmtnet_file, season)]


@pytest.mark.parametrize("season", LISTPAGES)
def test_listpage_ra_dec_round_trip_from_sexagesimal(kmtnet_file, season):
    assert_degrees_are_the_sexagesimal_text(listpage(kmtnet_file, season))


def test_listpage_star_id_keeps_leading_zeros(kmtnet_file):
    assert listpage_record(kmtnet_file, "KMT-2019-BLG-0001")["star_id"] == "009408"


@pytest.mark.parametrize("season", LISTPAGES)
def test_listpage_related_tokens_are_as_published(kmtnet_file, season):
    related = [r["related"] for r in listpage(kmtnet_file, season)]
    assert related == [line[6] for line in listpage_lines(kmtnet_file, season)]


@pytest.mark.parametrize("season", LISTPAGES)
def test_listpage_related_tokens_round_trip_through_names(kmtnet_file, season):
    for record in listpage(kmtnet_file, season):
        assert [n.short for n in related_names(record["related"])] == record["related"]


def test_listpage_related_kmt_event_of_an_earlier_season(kmtnet_file):
    assert listpage_record(kmtnet_file, "KMT-2019-BLG-0002")["related"] == ["OB190065", "KB182470"]


def test_listpage_related_names_of_2019_0002(kmtnet_file):
    assert related_names(listpage_record(kmtnet_file, "KMT-2019-BLG-0002")["related"]) == [
        AlertName("OGLE", 2019, "BLG", 65), AlertName("KMT", 2018, "BLG", 2470)]


def test_listpage_related_names_of_2025_0002_include_prime_and_4_digit_moa(kmtnet_file):
    record = listpage_record(kmtnet_file, "KMT-2025-BLG-0002")
    assert record["related"] == ["MB250002", "OB250012", "PB250007"]
    assert [n.full for n in related_names(record["related"])] == [
        "MOA-2025-BLG-0002", "OGLE-2025-BLG-0012", "PRIME-2025-BLG-0007"]


def test_listpage_related_moa_before_2025_has_3_digits(kmtnet_file):
    record = listpage_record(kmtnet_file, "KMT-2017-BLG-0001")
    assert [n.full for n in related_names(record["related"])] == ["MOA-2017-BLG-068"]


def test_listpage_three_related_events(kmtnet_file):
    assert listpage_record(kmtnet_file, "KMT-2019-BLG-3300")["related"] == ["OB191288", "OB191298", "MB19355"]


def test_listpage_no_related_event_is_an_empty_list(kmtnet_file):
    assert listpage_record(kmtnet_file, "KMT-2019-BLG-3301")["related"] == []


@pytest.mark.parametrize("season", LISTPAGES)
def test_listpage_events_are_of_their_season(kmtnet_file, season):
    assert {r["name"].season for r in listpage(kmtnet_file, season)} == {season}


def test_listpage_empty_file_has_no_events():
    assert parse_listpage("", source="listpage.dat", season=2027) == []


# Malformed text: always ParseError, naming the source and the line.

def parse_listpage_as(season):
    def parse(text, source):
        return parse_listpage(text, source=source, season=season)
    parse.__name__ = f"parse_listpage(season={season})"
    return parse


# 2019/listpage.dat: 27 lines; line 1 is KMT-2019-BLG-0001, line 2 KMT-2019-BLG-0002 (related OB190065
# KB182470), line 24 KMT-2019-BLG-3300. Fields: 0 name, 1 field.star, 2-3 EF AL, 4 RA, 5 Dec, 6 t0, 7 tE, ...,
# 13 A_I, 14+ related.
L2019 = "2019/listpage.dat"

MALFORMED = [
    pytest.param(L2019, 2019, lambda t: t[:-10], 27, id="truncated-last-line"),
    pytest.param(L2019, 2019, lambda t: t[:-1], 27, id="no-final-newline"),
    pytest.param(L2019, 2019, lambda t: edit_line(t, 10, drop_field(4)), 10, id="no-ra"),
    pytest.param(L2019, 2019, lambda t: edit_line(t, 10, drop_field(5)), 10, id="no-dec"),
    pytest.param(L2019, 2019, lambda t: edit_line(t, 10, set_field(4, "17:30:52")), 10, id="ra-no-decimals"),
    pytest.param(L2019, 2019, lambda t: edit_line(t, 10, set_field(4, "17:7x:52.66")), 10, id="ra-not-a-number"),
    pytest.param(L2019, 2019, lambda t: edit_line(t, 10, set_field(4, "25:30:52.66")), 10, id="ra-out-of-range"),
    pytest.param(L2019, 2019, lambda t: edit_line(t, 10, lambda f: f.insert(6, f[4]) or f.insert(7, f[5])), 10,
                 id="two-ra-dec-pairs"),
    pytest.param(L2019, 2019, lambda t: edit_line(t, 5, set_field(7, "24.O4")), 5, id="te-not-a-number"),
    pytest.param(L2019, 2019, lambda t: edit_line(t, 5, set_field(9, "nan")), 5, id="isource-nan"),
    pytest.param(L2019, 2019, lambda t: edit_line(t, 5, set_field(6, "854O.21006")), 5, id="t0-not-a-number"),
    pytest.param(L2019, 2019, lambda t: edit_line(t, 5, set_field(6, "20540.21006")), 5,
                 id="t0-in-no-convention"),
    pytest.param(L2019, 2019, lambda t: edit_line(t, 5, set_field(12, "2.0")), 5,
                 id="catalog-type-not-an-integer"),
    # Found by tests/*/test_fuzz.py: `²` passed str.isdigit() and int() raised ValueError.
    pytest.param(L2019, 2019, lambda t: edit_line(t, 5, set_field(12, "²")), 5,
                 id="catalog-type-superscript-digit"),
    pytest.param(L2019, 2019, lambda t: edit_line(t, 2, set_field(14, "XB190065")), 2,
                 id="unknown-related-token"),
    pytest.param(L2019, 2019, lambda t: edit_line(t, 24, set_field(16, "MB190355")), 24,
                 id="related-moa-2019-with-4-digits"),
    pytest.param(L2019, 2019, lambda t: edit_line(t, 2, insert_field(14, "1.5")), 2, id="9-numbers"),
    pytest.param(L2019, 2019, lambda t: edit_line(t, 2, drop_field(13)), 2, id="7-numbers-then-related"),
    pytest.param(L2019, 2019, lambda t: edit_line(t, 23, drop_field(13)), 23, id="7-numbers"),
    pytest.param(L2019, 2018, lambda t: t, 1, id="season-differs-from-line-1"),
    pytest.param(L2019, 2019, lambda t: edit_line(t, 15, set_field(0, "KMT-2018-BLG-0015")), 15,
                 id="line-of-another-year"),
    pytest.param(L2019, 2019, lambda t: edit_line(t, 15, set_field(0, "KMT-2019-BLG-15")), 15,
                 id="bad-name"),
    pytest.param(L2019, 2019, lambda t: edit_line(t, 15, set_field(0, "OGLE-2019-BLG-0015")), 15,
                 id="not-a-kmt-name"),
    pytest.param(L2019, 2019, lambda t: edit_line(t, 15, set_field(1, "BLG11M0308")), 15, id="no-star-id"),
    pytest.param(L2019, 2019, lambda t: edit_line(t, 12, drop_field(3)), 12, id="classification-layout-changes"),
    pytest.param(L2019, 2019, lambda t: edit_line(t, 1, drop_field(3)), 2, id="layout-set-by-line-1"),
    pytest.param(L2019, 2019, lambda t: edit_line(t, 12, insert_field(3, "1")), 12, id="3-classifications"),
    pytest.param(L2019, 2019, lambda t: edit_line(t, 12, set_field(2, "clear")), 12, id="unknown-classification"),
    pytest.param(L2019, 2019, lambda t: edit_line(t, 12, lambda f: f.__delitem__(slice(2, 4))), 12,
                 id="no-classification"),
    pytest.param(L2019, 2019, lambda t: t + t.splitlines(keepends=True)[3], 28, id="event-twice"),
    pytest.param("2016/listpage.dat", 2016, lambda t: edit_line(t, 3, set_field(2, "K3")), 3,
                 id="2016-unknown-k2-flag"),
    pytest.param("2016/listpage.dat", 2016, lambda t: edit_line(t, 3, drop_field(2)), 3,
                 id="2016-k2-flag-missing"),
]


@pytest.mark.parametrize("path, season, edit, line", MALFORMED)
def test_malformed_listpage_raises_parse_error_naming_source_and_line(kmtnet_file, path, season, edit, line):
    source = f"{EVENT_ROOT}/{path}"
    assert_parse_error(parse_listpage_as(season), edit(kmtnet_file(path)), source, line)
