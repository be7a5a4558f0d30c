"""The KMTNet parsers against every real KMTNet file in ../shared/survey-samples.

Conventions checked here: every time is HJD - 2450000 rounded to the decimals KMTNet published, whatever
zero-point the file used (listpage t0 HJD - 2450000 up to 2022 and HJD - 2400000 from 2023; pySIS full HJD
in 2025; diapl HJD - 2400000); listpage lines are read by anchoring on RA/Dec, because the classification
columns change by year; related-event tokens stay as published and resolve to names; field and star id are
text; pySIS rows with a non-finite magnitude are dropped and counted, fwhm -1.00 is None. Malformed text
raises ParseError naming the file and the line.
"""

import datetime
from decimal import Decimal

import pytest

from build import kmtnet
from build.mirror import Mirror
from build.names import AlertName, parse_full_name
from build.parsing import ParseError
from tests.malformed import assert_parse_error, edit_line, insert_field, set_field

# listpage.dat: the recorded head and tail of each year (numbers jump in between), its first and last event
# (the last is the season's total; 2026 was captured on 2026-09-24) and its classification layout.
LISTPAGES = {
    2016: (26, 2588, "k2"), 2017: (28, 2817, "one"), 2018: (27, 2781, "ef_al"), 2019: (27, 3303, "ef_al"),
    2020: (28, 894, "one"), 2021: (28, 3321, "ef_al"), 2022: (27, 2803, "ef_al"), 2023: (27, 3162, "ef_al"),
    2024: (27, 3441, "ef_al"), 2025: (26, 3348, "ef_al"), 2026: (28, 2248, "one"),
}
VIEW_PAGES = {
    "KMT-2016-BLG-1000": "2016/view.php?event=KMT-2016-BLG-1000",
    "KMT-2019-BLG-0001": "2019/view.php?event=KMT-2019-BLG-0001",
}
# pySIS files in the mirror and the rows each holds (header excluded).
PYSIS = {
    "2021/data/KB211122/pysis/KMTA14_I.pysis": 414,
    "2021/data/KB211122/pysis/KMTA14_V.pysis": 39,
    "2022/data/KB220001/pysis/KMTC01_I.pysis": 9,
    "2025/data/KB250001/pysis/KMTA41_I.pysis": 9,
    "2025/data/KB250001/pysis/KMTC01_I.pysis": 9,
    "2025/data/KB250001/pysis/KMTC41_I.pysis": 9,
}
# MulensModel's copies of KMT-2018-BLG-0003: 5 columns, nan rows commented out with `#`.
MULENSMODEL = {"KMTA12": 296, "KMTA14": 67, "KMTC12": 77, "KMTC14": 169, "KMTS12": 37, "KMTS14": 56}
MULENSMODEL_FOLDER = "kmtnet-KB180003-MulensModel"
DIAPL = "2025/data/KB250001/diapl/KMTC01_I.diapl"
LISTPAGE_VALUES = ("tE", "u0", "Isrc", "Ibase", "Icat", "A_I")


def listpage(kmtnet_file, season):
    return kmtnet.parse_listpage(kmtnet_file(f"{season}/listpage.dat"), source=f"{season}/listpage.dat",
                                 season=season)


def listpage_record(kmtnet_file, full_name):
    season = parse_full_name(full_name).season
    [record] = [r for r in listpage(kmtnet_file, season) if r["name"].full == full_name]
    return record


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


def view_page(kmtnet_file, full_name):
    return kmtnet.parse_view_page(kmtnet_file(VIEW_PAGES[full_name]), source=VIEW_PAGES[full_name])


def pysis(kmtnet_file, path):
    return kmtnet.parse_pysis(kmtnet_file(path), source=path)


def mulensmodel_text(shared_excerpts, telescope):
    path = shared_excerpts / MULENSMODEL_FOLDER / f"KB180003_{telescope}_I.pysis.MulensModel_truncated"
    return path.read_text(encoding="ascii")


def time_by_hand(token):
    """A KMTNet time token as HJD - 2450000, computed exactly in decimal from its value's convention."""
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


# URLs and seasons ------------------------------------------------------------------------------------------

KB190001 = AlertName("KMT", 2019, "BLG", 1)


def test_seasons_run_from_2016_to_the_current_year():
    assert kmtnet.seasons(datetime.date(2026, 9, 24)) == list(range(2016, 2027))


def test_listpage_url():
    assert kmtnet.listpage_url(2019) == "https://kmtnet.kasi.re.kr/~ulens/event/2019/listpage.dat"


def test_view_url():
    assert kmtnet.view_url(KB190001) == "https://kmtnet.kasi.re.kr/~ulens/event/2019/view.php?event=KMT-2019-BLG-0001"


def test_event_data_folder_is_named_by_the_short_name():
    assert kmtnet.event_data_folder(KB190001) == "https://kmtnet.kasi.re.kr/~ulens/event/2019/data/KB190001/"


def test_pysis_url():
    assert kmtnet.pysis_url(KB190001, "KMTA11_I.pysis") == (
        "https://kmtnet.kasi.re.kr/~ulens/event/2019/data/KB190001/pysis/KMTA11_I.pysis")


def test_pysis_tarball_url():
    assert kmtnet.pysis_tarball_url(KB190001) == (
        "https://kmtnet.kasi.re.kr/~ulens/event/2019/data/KB190001/pysis/pysis.tar.gz")


def test_urls_refuse_other_surveys():
    with pytest.raises(ValueError):
        kmtnet.view_url(AlertName("OGLE", 2019, "BLG", 1))


@pytest.mark.parametrize("url", [
    kmtnet.listpage_url(2019),
    kmtnet.view_url(KB190001),
    kmtnet.view_url(AlertName("KMT", 2016, "BLG", 1000)),
    kmtnet.pysis_url(AlertName("KMT", 2021, "BLG", 1122), "KMTA14_I.pysis"),
    kmtnet.pysis_url(AlertName("KMT", 2025, "BLG", 1), "KMTC01_I.pysis"),
    kmtnet.diapl_url(AlertName("KMT", 2025, "BLG", 1), "KMTC01_I.diapl"),
    kmtnet.year_page_url(2025),
], ids=lambda url: url.split("/event/")[1])
def test_urls_are_where_the_mirror_recorded_the_files(shared_mirror, url):
    assert Mirror(shared_mirror).has(url)


def test_public_from_first_july_of_the_next_year():
    assert kmtnet.public_from(2019) == datetime.date(2020, 7, 1)


def test_season_is_proprietary_until_public_from():
    assert (kmtnet.is_public(2025, datetime.date(2026, 6, 30)), kmtnet.is_public(2025, datetime.date(2026, 7, 1))) \
        == (False, True)


def test_data_policy_is_the_one_the_year_page_states(kmtnet_file):
    page = " ".join(kmtnet_file("2025/index.html").split())
    assert "proprietary until July 1 of the year after the events were discovered" in page
    assert "e.g. 2019 data will become public on 1 July 2020" in page
    assert "proprietary until 1 July of the year after" in kmtnet.DATA_POLICY


# listpage.dat ----------------------------------------------------------------------------------------------

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
    assert t0 == [time_by_hand(line[5][0]) for line in listpage_lines(kmtnet_file, season)]


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
    for record in listpage(kmtnet_file, season):
        assert record["ra"] == pytest.approx(degrees_by_hand(record["ra_hms"], hours=True), abs=1e-6)
        assert record["dec"] == pytest.approx(degrees_by_hand(record["dec_dms"], hours=False), abs=1e-6)


def test_listpage_star_id_keeps_leading_zeros(kmtnet_file):
    assert listpage_record(kmtnet_file, "KMT-2019-BLG-0001")["star_id"] == "009408"


@pytest.mark.parametrize("season", LISTPAGES)
def test_listpage_related_tokens_are_as_published(kmtnet_file, season):
    related = [r["related"] for r in listpage(kmtnet_file, season)]
    assert related == [line[6] for line in listpage_lines(kmtnet_file, season)]


@pytest.mark.parametrize("season", LISTPAGES)
def test_listpage_related_tokens_round_trip_through_names(kmtnet_file, season):
    for record in listpage(kmtnet_file, season):
        assert [n.short for n in kmtnet.related_names(record["related"])] == record["related"]


def test_listpage_related_kmt_event_of_an_earlier_season(kmtnet_file):
    assert listpage_record(kmtnet_file, "KMT-2019-BLG-0002")["related"] == ["OB190065", "KB182470"]


def test_listpage_related_names_of_2019_0002(kmtnet_file):
    assert kmtnet.related_names(listpage_record(kmtnet_file, "KMT-2019-BLG-0002")["related"]) == [
        AlertName("OGLE", 2019, "BLG", 65), AlertName("KMT", 2018, "BLG", 2470)]


def test_listpage_related_names_of_2025_0002_include_prime_and_4_digit_moa(kmtnet_file):
    record = listpage_record(kmtnet_file, "KMT-2025-BLG-0002")
    assert record["related"] == ["MB250002", "OB250012", "PB250007"]
    assert [n.full for n in kmtnet.related_names(record["related"])] == [
        "MOA-2025-BLG-0002", "OGLE-2025-BLG-0012", "PRIME-2025-BLG-0007"]


def test_listpage_related_moa_before_2025_has_3_digits(kmtnet_file):
    record = listpage_record(kmtnet_file, "KMT-2017-BLG-0001")
    assert [n.full for n in kmtnet.related_names(record["related"])] == ["MOA-2017-BLG-068"]


def test_listpage_three_related_events(kmtnet_file):
    assert listpage_record(kmtnet_file, "KMT-2019-BLG-3300")["related"] == ["OB191288", "OB191298", "MB19355"]


def test_listpage_no_related_event_is_an_empty_list(kmtnet_file):
    assert listpage_record(kmtnet_file, "KMT-2019-BLG-3301")["related"] == []


@pytest.mark.parametrize("season", LISTPAGES)
def test_listpage_events_are_of_their_season(kmtnet_file, season):
    assert {r["name"].season for r in listpage(kmtnet_file, season)} == {season}


def test_listpage_empty_file_has_no_events():
    assert kmtnet.parse_listpage("", source="listpage.dat", season=2027) == []


# view.php --------------------------------------------------------------------------------------------------

def test_view_page_2019_labels(kmtnet_file):
    assert view_page(kmtnet_file, "KMT-2019-BLG-0001")["labels"] == {
        "Field": "BLG11M0308", "Star ID": "009408", "EFClassification": "clear", "ALClassification": "clear",
        "RA": "17:30:52.66", "Dec": "-28:57:26.42", "t_0": "8540.21006", "t_E": "24.04", "u_0": "0.120",
        "Isource": "21.37", "Ibase": "19.62", "Icat": "19.62", "Catalog type": "DECam i", "A_I": "2.74",
        "Related event": "OB190161", "Alert date": "2019 Mar 27 07:48",
    }


def test_view_page_2016_labels_have_one_classification_and_no_alert_date(kmtnet_file):
    assert view_page(kmtnet_file, "KMT-2016-BLG-1000")["labels"] == {
        "Field": "SAO15T0407", "Star ID": "045173", "Classification": "clear",
        "RA": "17:34:46.16", "Dec": "-27:03:11.92", "t_0": "7627.78857", "t_E": "6.55", "u_0": "0.075",
        "Isource": "20.80", "Ibase": "20.00", "Icat": "20.02", "Catalog type": "OGLE-III", "A_I": "2.01",
        "Related event": "",
    }


@pytest.mark.parametrize("full_name", VIEW_PAGES)
def test_view_page_name_is_read_from_the_page(kmtnet_file, full_name):
    assert view_page(kmtnet_file, full_name)["name"] == parse_full_name(full_name)


def test_view_page_alert_date_2019(kmtnet_file):
    assert view_page(kmtnet_file, "KMT-2019-BLG-0001")["alert_date"] == "2019 Mar 27 07:48"


def test_view_page_alert_date_commented_out_in_2016_is_none(kmtnet_file):
    assert view_page(kmtnet_file, "KMT-2016-BLG-1000")["alert_date"] is None


def test_view_page_2016_pysis_files_in_page_order(kmtnet_file):
    assert view_page(kmtnet_file, "KMT-2016-BLG-1000")["pysis_files"] == [
        "KMTA15_I.pysis", "KMTC15_I.pysis", "KMTC15_V.pysis", "KMTS15_I.pysis", "KMTS15_V.pysis"]


def test_view_page_2019_pysis_files_in_page_order(kmtnet_file):
    assert view_page(kmtnet_file, "KMT-2019-BLG-0001")["pysis_files"] == [
        "KMTA11_I.pysis", "KMTA11_V.pysis", "KMTC11_I.pysis", "KMTC11_V.pysis", "KMTS11_I.pysis", "KMTS11_V.pysis"]


@pytest.mark.parametrize("full_name, folder, field", [("KMT-2016-BLG-1000", "KB161000", "15"),
                                                      ("KMT-2019-BLG-0001", "KB190001", "11")])
def test_view_page_diapl_files_and_tarballs(kmtnet_file, full_name, folder, field):
    page = view_page(kmtnet_file, full_name)
    assert page["diapl_files"] == [f"KMT{site}{field}_I.diapl" for site in "ACS"]
    assert page["pysis_tarball"] == f"data/{folder}/pysis/pysis.tar.gz"
    assert page["diapl_tarball"] == f"data/{folder}/diapl/diapl.tar.gz"


@pytest.mark.parametrize("full_name", VIEW_PAGES)
def test_view_page_pysis_files_name_telescope_and_band(kmtnet_file, full_name):
    for file_name in view_page(kmtnet_file, full_name)["pysis_files"]:
        telescope, band = kmtnet.pysis_telescope_and_band(file_name)
        assert file_name == f"{telescope}_{band}.pysis"


def test_view_page_agrees_with_the_listpage(kmtnet_file):
    labels = view_page(kmtnet_file, "KMT-2019-BLG-0001")["labels"]
    listed = listpage_record(kmtnet_file, "KMT-2019-BLG-0001")
    from_page = {
        "field": labels["Field"], "star_id": labels["Star ID"], "ra_hms": labels["RA"], "dec_dms": labels["Dec"],
        "t0": float(labels["t_0"]), "tE": float(labels["t_E"]), "u0": float(labels["u_0"]),
        "Isrc": float(labels["Isource"]), "Ibase": float(labels["Ibase"]), "Icat": float(labels["Icat"]),
        "A_I": float(labels["A_I"]), "related": labels["Related event"].split(),
    }
    assert from_page == {key: listed[key] for key in from_page}


def test_view_page_clear_is_listpage_code_1(kmtnet_file):
    labels = view_page(kmtnet_file, "KMT-2019-BLG-0001")["labels"]
    listed = listpage_record(kmtnet_file, "KMT-2019-BLG-0001")
    assert (labels["EFClassification"], labels["ALClassification"]) == ("clear", "clear")
    assert (listed["classification"], listed["classification_al"]) == ("1", "1")


# pySIS -----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("path, rows", PYSIS.items(), ids=list(PYSIS))
def test_pysis_has_one_row_per_data_line(kmtnet_file, path, rows):
    lightcurve = pysis(kmtnet_file, path)
    assert (len(lightcurve.rows), lightcurve.dropped_non_finite) == (rows, 0)
    assert rows == len(kmtnet_file(path).splitlines()) - 1


@pytest.mark.parametrize("path, first_row", [
    ("2025/data/KB250001/pysis/KMTC01_I.pysis", (10726.83242, 17.0141, 0.0101, -607.3898, 230.0665, 3.93, 1288.0, 1.9)),
    ("2025/data/KB250001/pysis/KMTA41_I.pysis", (10727.24658, 16.8331, 0.0299, -5104.2503, 795.5798, 11.6, 1358.0, 1.56)),
    ("2022/data/KB220001/pysis/KMTC01_I.pysis", (9630.83268, 15.9579, 0.0055, -4045.9242, 333.17, 4.37, 1428.0, 1.9)),
    ("2021/data/KB211122/pysis/KMTA14_I.pysis", (9266.20869, 20.1487, 0.1743, 202.8777, 204.9351, 7.88, 756.0, 1.92)),
    ("2021/data/KB211122/pysis/KMTA14_V.pysis", (9273.28704, None, None, 87.2401, 196.6024, 5.42, 1888.0, 1.15)),
], ids=lambda value: value if isinstance(value, str) else "")
def test_pysis_first_row(kmtnet_file, path, first_row):
    assert pysis(kmtnet_file, path).rows[0] == first_row


def test_pysis_2025_full_hjd_is_converted(kmtnet_file):
    # Written `2460726.83242`.
    assert pysis(kmtnet_file, "2025/data/KB250001/pysis/KMTC01_I.pysis").rows[0][0] == 10726.83242


def test_pysis_2022_hjd_minus_2450000_is_kept(kmtnet_file):
    assert pysis(kmtnet_file, "2022/data/KB220001/pysis/KMTC01_I.pysis").rows[0][0] == 9630.83268


@pytest.mark.parametrize("path", PYSIS)
def test_pysis_every_row_is_the_published_numbers(kmtnet_file, path):
    lines = kmtnet_file(path).splitlines()
    names = lines[0][1:].split()
    expected = []
    for line in lines[1:]:
        value = dict(zip(names, line.split()))
        fwhm = float(value["fwhm"])
        expected.append((
            time_by_hand(value["HJD"]),
            float(value["mag"]) if "mag" in value else None, float(value["mag_err"]) if "mag_err" in value else None,
            float(value["\\Delta_flux"]), float(value["flux_err"]),
            None if fwhm == -1 else fwhm, float(value["sky"]), float(value["secz"]),
        ))
    assert pysis(kmtnet_file, path).rows == expected


@pytest.mark.parametrize("path, bad_frames", [("2021/data/KB211122/pysis/KMTA14_I.pysis", 29),
                                              ("2021/data/KB211122/pysis/KMTA14_V.pysis", 13)])
def test_pysis_bad_frames_are_kept_with_fwhm_none(kmtnet_file, path, bad_frames):
    rows = pysis(kmtnet_file, path).rows
    assert sum(row[5] is None for row in rows) == bad_frames == kmtnet_file(path).count(" -1.00 ")


def test_pysis_bad_frame_row(kmtnet_file):
    # The last row of the 2021 I file but one: `9504.92169 -911.5872 1751.6676 19.5067 1.3132 -1.00 4429 1.70`.
    assert pysis(kmtnet_file, "2021/data/KB211122/pysis/KMTA14_I.pysis").rows[-2] == (
        9504.92169, 19.5067, 1.3132, -911.5872, 1751.6676, None, 4429.0, 1.7)


def test_pysis_v_band_has_no_magnitudes(kmtnet_file):
    rows = pysis(kmtnet_file, "2021/data/KB211122/pysis/KMTA14_V.pysis").rows
    assert {(row[1], row[2]) for row in rows} == {(None, None)}


def test_pysis_outliers_are_kept(kmtnet_file):
    # A huge negative flux and mag_err 5.74 are published values, not parse failures.
    rows = pysis(kmtnet_file, "2021/data/KB211122/pysis/KMTA14_I.pysis").rows
    assert (min(row[3] for row in rows), max(row[2] for row in rows)) == (-389728.054, 5.7386)


@pytest.mark.parametrize("path", PYSIS)
def test_pysis_holds_one_season(kmtnet_file, path):
    times = [row[0] for row in pysis(kmtnet_file, path).rows]
    assert max(times) - min(times) < 365


def test_pysis_non_finite_magnitude_row_is_dropped_and_counted(kmtnet_file):
    text = kmtnet_file("2021/data/KB211122/pysis/KMTA14_I.pysis").replace("20.1487    0.1743", "nan    nan")
    lightcurve = kmtnet.parse_pysis(text, source="KMTA14_I.pysis")
    assert (len(lightcurve.rows), lightcurve.dropped_non_finite) == (413, 1)
    assert lightcurve.rows[0][0] == 9266.26465


@pytest.mark.parametrize("mag", ["nan", "inf", "-inf", "-nan", "NaN"])
def test_pysis_every_non_finite_spelling_is_dropped(kmtnet_file, mag):
    text = kmtnet_file("2022/data/KB220001/pysis/KMTC01_I.pysis").replace("15.9579", mag)
    assert kmtnet.parse_pysis(text, source="KMTC01_I.pysis").dropped_non_finite == 1


def test_pysis_v_band_rows_without_magnitudes_are_not_dropped(kmtnet_file):
    assert pysis(kmtnet_file, "2021/data/KB211122/pysis/KMTA14_V.pysis").dropped_non_finite == 0


@pytest.mark.parametrize("telescope, rows", MULENSMODEL.items())
def test_pysis_mulensmodel_5_columns(shared_excerpts, telescope, rows):
    text = mulensmodel_text(shared_excerpts, telescope)
    lightcurve = kmtnet.parse_pysis(text, source=f"KB180003/{telescope}_I.pysis")
    data_lines = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
    assert (len(lightcurve.rows), lightcurve.dropped_non_finite) == (rows, 0) == (len(data_lines), 0)


@pytest.mark.parametrize("telescope", MULENSMODEL)
def test_pysis_mulensmodel_every_row_is_the_published_numbers(shared_excerpts, telescope):
    text = mulensmodel_text(shared_excerpts, telescope)
    expected = []
    for line in text.splitlines():
        if line.startswith("#"):
            continue
        hjd, flux, flux_err, mag, mag_err = line.split()
        expected.append((float(hjd), float(mag), float(mag_err), float(flux), float(flux_err), None, None, None))
    assert kmtnet.parse_pysis(text, source=telescope).rows == expected


def test_pysis_mulensmodel_commented_nan_rows_are_skipped(shared_excerpts):
    # MulensModel commented out its 5 nan rows (`#8177.23803  -524033.7371   641208.1339   nan  nan`).
    text = mulensmodel_text(shared_excerpts, "KMTA12")
    rows = kmtnet.parse_pysis(text, source="KMTA12_I.pysis").rows
    assert text.count("nan  nan") == 5
    assert 8177.23803 not in {row[0] for row in rows}


def test_pysis_mulensmodel_first_row(shared_excerpts):
    rows = kmtnet.parse_pysis(mulensmodel_text(shared_excerpts, "KMTA12"), source="KMTA12_I.pysis").rows
    assert rows[0] == (8171.20494, 19.1618, 0.139613, -1844.839, 413.8464, None, None, None)


def test_pysis_header_only_has_no_rows():
    header = "# HJD  \\Delta_flux flux_err  mag  mag_err  fwhm  sky  secz\n"
    assert kmtnet.parse_pysis(header, source="x.pysis") == kmtnet.Lightcurve([], 0)


@pytest.mark.parametrize("file_name, expected", [("KMTC01_I.pysis", ("KMTC01", "I")),
                                                 ("KMTA41_I.pysis", ("KMTA41", "I")),
                                                 ("KMTS15_V.pysis", ("KMTS15", "V"))])
def test_pysis_telescope_and_band(file_name, expected):
    assert kmtnet.pysis_telescope_and_band(file_name) == expected


@pytest.mark.parametrize("file_name", ["KMTC01_I.diapl", "KMTX01_I.pysis", "KMTC1_I.pysis", "KMTC01_R.pysis",
                                       "pysis.tar.gz", "data/KB190001/pysis/KMTC01_I.pysis", ""])
def test_pysis_telescope_and_band_rejects_other_names(file_name):
    with pytest.raises(ParseError):
        kmtnet.pysis_telescope_and_band(file_name)


# Times -----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("token, expected", [
    ("2460726.83242", 10726.83242),   # full HJD (pySIS 2025)
    ("60016.33245", 10016.33245),     # HJD - 2400000 (listpage 2023)
    ("58168.85148", 8168.85148),      # HJD - 2400000 (diapl)
    ("8540.21006", 8540.21006),       # HJD - 2450000 (listpage 2019)
    ("9630.83268", 9630.83268),       # HJD - 2450000 (pySIS 2022)
    ("2458171.2", 8171.2),
])
def test_hjd_minus_2450000_any(token, expected):
    assert kmtnet.hjd_minus_2450000_any(token, "x", 1) == expected


@pytest.mark.parametrize("token", ["10726.83242", "39999.9", "100000.5", "2399999.9", "2500000.1", "0", "-5.2",
                                   "nan", "inf", "946O.1", ""])
def test_hjd_minus_2450000_any_rejects_times_in_no_convention(token):
    with pytest.raises(ParseError):
        kmtnet.hjd_minus_2450000_any(token, "x", 7)


# diapl -----------------------------------------------------------------------------------------------------

def test_diapl_rows(kmtnet_file):
    rows = kmtnet.parse_diapl(kmtnet_file(DIAPL), source=DIAPL)
    assert len(rows) == 9 == len(kmtnet_file(DIAPL).splitlines())


def test_diapl_first_row_time_from_hjd_minus_2400000(kmtnet_file):
    assert kmtnet.parse_diapl(kmtnet_file(DIAPL), source=DIAPL)[0] == (8168.85148, 230.23, 277.0, 0.81, 4.08, 993.0, 1.68)


def test_diapl_every_row_is_the_published_numbers(kmtnet_file):
    expected = [(time_by_hand(fields[0]), *map(float, fields[1:]))
                for fields in (line.split() for line in kmtnet_file(DIAPL).splitlines())]
    assert kmtnet.parse_diapl(kmtnet_file(DIAPL), source=DIAPL) == expected


def test_diapl_starts_seasons_before_its_event(kmtnet_file):
    # A 2025 event's DIA curve starts in February 2018 (HJD 2458168).
    assert kmtnet.parse_diapl(kmtnet_file(DIAPL), source=DIAPL)[0][0] < 8200


# Malformed text: always ParseError, naming the source and the line ---------------------------------------







def drop_field(index):
    return lambda fields: fields.pop(index)


def drop_line(line_number):
    return lambda text: "".join(t for n, t in enumerate(text.splitlines(keepends=True), 1) if n != line_number)


def parse_listpage_as(season):
    def parse(text, source):
        return kmtnet.parse_listpage(text, source=source, season=season)
    parse.__name__ = f"parse_listpage(season={season})"
    return parse


# 2019/listpage.dat: 27 lines; line 1 is KMT-2019-BLG-0001, line 2 KMT-2019-BLG-0002 (related OB190065
# KB182470), line 24 KMT-2019-BLG-3300. Fields: 0 name, 1 field.star, 2-3 EF AL, 4 RA, 5 Dec, 6 t0, 7 tE, ...,
# 13 A_I, 14+ related.
L2019 = "2019/listpage.dat"
PYSIS_I = "2021/data/KB211122/pysis/KMTA14_I.pysis"
PYSIS_V = "2021/data/KB211122/pysis/KMTA14_V.pysis"

MALFORMED = [
    # listpage.dat
    pytest.param(L2019, 2019, lambda t: t[:-10], 27, id="listpage-truncated-last-line"),
    pytest.param(L2019, 2019, lambda t: t[:-1], 27, id="listpage-no-final-newline"),
    pytest.param(L2019, 2019, lambda t: edit_line(t, 10, drop_field(4)), 10, id="listpage-no-ra"),
    pytest.param(L2019, 2019, lambda t: edit_line(t, 10, drop_field(5)), 10, id="listpage-no-dec"),
    pytest.param(L2019, 2019, lambda t: edit_line(t, 10, set_field(4, "17:30:52")), 10, id="listpage-ra-no-decimals"),
    pytest.param(L2019, 2019, lambda t: edit_line(t, 10, set_field(4, "17:7x:52.66")), 10, id="listpage-ra-not-a-number"),
    pytest.param(L2019, 2019, lambda t: edit_line(t, 10, set_field(4, "25:30:52.66")), 10, id="listpage-ra-out-of-range"),
    pytest.param(L2019, 2019, lambda t: edit_line(t, 10, lambda f: f.insert(6, f[4]) or f.insert(7, f[5])), 10,
                 id="listpage-two-ra-dec-pairs"),
    pytest.param(L2019, 2019, lambda t: edit_line(t, 5, set_field(7, "24.O4")), 5, id="listpage-te-not-a-number"),
    pytest.param(L2019, 2019, lambda t: edit_line(t, 5, set_field(9, "nan")), 5, id="listpage-isource-nan"),
    pytest.param(L2019, 2019, lambda t: edit_line(t, 5, set_field(6, "854O.21006")), 5, id="listpage-t0-not-a-number"),
    pytest.param(L2019, 2019, lambda t: edit_line(t, 5, set_field(6, "20540.21006")), 5,
                 id="listpage-t0-in-no-convention"),
    pytest.param(L2019, 2019, lambda t: edit_line(t, 5, set_field(12, "2.0")), 5,
                 id="listpage-catalog-type-not-an-integer"),
    # Found by tests/test_fuzz.py: `²` passed str.isdigit() and int() raised ValueError.
    pytest.param(L2019, 2019, lambda t: edit_line(t, 5, set_field(12, "²")), 5,
                 id="listpage-catalog-type-superscript-digit"),
    pytest.param(L2019, 2019, lambda t: edit_line(t, 2, set_field(14, "XB190065")), 2,
                 id="listpage-unknown-related-token"),
    pytest.param(L2019, 2019, lambda t: edit_line(t, 24, set_field(16, "MB190355")), 24,
                 id="listpage-related-moa-2019-with-4-digits"),
    pytest.param(L2019, 2019, lambda t: edit_line(t, 2, insert_field(14, "1.5")), 2, id="listpage-9-numbers"),
    pytest.param(L2019, 2019, lambda t: edit_line(t, 2, drop_field(13)), 2, id="listpage-7-numbers-then-related"),
    pytest.param(L2019, 2019, lambda t: edit_line(t, 23, drop_field(13)), 23, id="listpage-7-numbers"),
    pytest.param(L2019, 2018, lambda t: t, 1, id="listpage-season-differs-from-line-1"),
    pytest.param(L2019, 2019, lambda t: edit_line(t, 15, set_field(0, "KMT-2018-BLG-0015")), 15,
                 id="listpage-line-of-another-year"),
    pytest.param(L2019, 2019, lambda t: edit_line(t, 15, set_field(0, "KMT-2019-BLG-15")), 15,
                 id="listpage-bad-name"),
    pytest.param(L2019, 2019, lambda t: edit_line(t, 15, set_field(0, "OGLE-2019-BLG-0015")), 15,
                 id="listpage-not-a-kmt-name"),
    pytest.param(L2019, 2019, lambda t: edit_line(t, 15, set_field(1, "BLG11M0308")), 15, id="listpage-no-star-id"),
    pytest.param(L2019, 2019, lambda t: edit_line(t, 12, drop_field(3)), 12, id="listpage-classification-layout-changes"),
    pytest.param(L2019, 2019, lambda t: edit_line(t, 1, drop_field(3)), 2, id="listpage-layout-set-by-line-1"),
    pytest.param(L2019, 2019, lambda t: edit_line(t, 12, insert_field(3, "1")), 12, id="listpage-3-classifications"),
    pytest.param(L2019, 2019, lambda t: edit_line(t, 12, set_field(2, "clear")), 12, id="listpage-unknown-classification"),
    pytest.param(L2019, 2019, lambda t: edit_line(t, 12, lambda f: f.__delitem__(slice(2, 4))), 12,
                 id="listpage-no-classification"),
    pytest.param(L2019, 2019, lambda t: t + t.splitlines(keepends=True)[3], 28, id="listpage-event-twice"),
    pytest.param("2016/listpage.dat", 2016, lambda t: edit_line(t, 3, set_field(2, "K3")), 3,
                 id="listpage-2016-unknown-k2-flag"),
    pytest.param("2016/listpage.dat", 2016, lambda t: edit_line(t, 3, drop_field(2)), 3,
                 id="listpage-2016-k2-flag-missing"),
]


@pytest.mark.parametrize("path, season, edit, line", MALFORMED)
def test_malformed_listpage_raises_parse_error_naming_source_and_line(kmtnet_file, path, season, edit, line):
    source = f"{kmtnet.EVENT_ROOT}/{path}"
    assert_parse_error(parse_listpage_as(season), edit(kmtnet_file(path)), source, line)


MALFORMED_LIGHTCURVES = [
    # pySIS: the 2021 I file has 415 lines (header + 414 rows), the V file 40.
    pytest.param(PYSIS_I, lambda t: t[:-4], 415, id="pysis-truncated-last-line"),
    pytest.param(PYSIS_I, lambda t: t[:-1], 415, id="pysis-no-final-newline"),
    pytest.param(PYSIS_I, lambda t: t.replace("secz", "airmass"), 1, id="pysis-unknown-header-name"),
    pytest.param(PYSIS_I, lambda t: t.replace("  mag  mag_err", "  mag"), 1, id="pysis-header-mag-without-error"),
    pytest.param(PYSIS_I, lambda t: t.replace("  fwhm  sky", "  fwhm  fwhm  sky"), 1, id="pysis-header-repeats"),
    pytest.param(PYSIS_I, lambda t: t.replace("# HJD", "# JD"), 1, id="pysis-header-without-hjd"),
    pytest.param(PYSIS_I, drop_line(1), 1, id="pysis-no-header"),
    pytest.param(PYSIS_I, lambda t: "", 1, id="pysis-empty"),
    pytest.param(PYSIS_I, lambda t: edit_line(t, 100, set_field(1, "12x.5")), 100, id="pysis-flux-not-a-number"),
    pytest.param(PYSIS_I, lambda t: edit_line(t, 100, set_field(3, "19.1x")), 100, id="pysis-mag-not-a-number"),
    pytest.param(PYSIS_I, lambda t: edit_line(t, 100, set_field(6, "-")), 100, id="pysis-sky-not-a-number"),
    pytest.param(PYSIS_I, lambda t: edit_line(t, 100, set_field(0, "92x6.1")), 100, id="pysis-time-not-a-number"),
    pytest.param(PYSIS_I, lambda t: edit_line(t, 100, set_field(0, "nan")), 100, id="pysis-time-nan"),
    pytest.param(PYSIS_I, lambda t: edit_line(t, 100, set_field(0, "29266.2")), 100, id="pysis-time-in-no-convention"),
    pytest.param(PYSIS_I, lambda t: edit_line(t, 100, set_field(0, "2459300.12345")), 100,
                 id="pysis-time-convention-changes"),
    pytest.param(PYSIS_I, lambda t: edit_line(t, 200, drop_field(7)), 200, id="pysis-7-columns"),
    pytest.param(PYSIS_I, lambda t: edit_line(t, 201, lambda f: f.append("1.0")), 201, id="pysis-9-columns"),
    pytest.param(PYSIS_V, lambda t: edit_line(t, 20, insert_field(3, "19.1")), 20, id="pysis-v-with-a-magnitude"),
    pytest.param(PYSIS_V, lambda t: edit_line(t, 20, set_field(2, "2O1.3")), 20, id="pysis-v-flux-error-not-a-number"),
    # diapl: 9 lines.
    pytest.param(DIAPL, lambda t: t[:-3], 9, id="diapl-truncated-last-line"),
    pytest.param(DIAPL, lambda t: edit_line(t, 4, set_field(1, "-16x.08")), 4, id="diapl-flux-not-a-number"),
    pytest.param(DIAPL, lambda t: edit_line(t, 4, set_field(6, "nan")), 4, id="diapl-nan"),
    pytest.param(DIAPL, lambda t: edit_line(t, 5, drop_field(6)), 5, id="diapl-6-columns"),
    pytest.param(DIAPL, lambda t: "# HJD flux\n" + t, 1, id="diapl-header"),
    pytest.param(DIAPL, lambda t: edit_line(t, 6, set_field(0, "8170.88709")), 6, id="diapl-time-convention-changes"),
]


@pytest.mark.parametrize("path, edit, line", MALFORMED_LIGHTCURVES)
def test_malformed_light_curve_raises_parse_error_naming_source_and_line(kmtnet_file, path, edit, line):
    source = f"{kmtnet.EVENT_ROOT}/{path}"
    parse = kmtnet.parse_diapl if path.endswith(".diapl") else kmtnet.parse_pysis
    assert_parse_error(parse, edit(kmtnet_file(path)), source, line)


def test_malformed_mulensmodel_pysis_raises_parse_error(shared_excerpts):
    text = edit_line(mulensmodel_text(shared_excerpts, "KMTS12"), 10, set_field(2, "2O3.8"))
    assert_parse_error(kmtnet.parse_pysis, text, "KMTS12_I.pysis", 10)


V2019 = VIEW_PAGES["KMT-2019-BLG-0001"]
V2016 = VIEW_PAGES["KMT-2016-BLG-1000"]

MALFORMED_VIEW_PAGES = [
    # line None: the page as a whole lacks something.
    pytest.param(V2019, lambda t: t.replace("<title>KMT-2019-BLG-0001</title>", "<title>KMTNet 2019</title>"), 3,
                 id="view-title-without-name"),
    pytest.param(V2019, lambda t: t.replace("<title>KMT-2019-BLG-0001</title>", ""), None, id="view-no-title"),
    pytest.param(V2019, lambda t: t.replace("width=130", "width=131"), None, id="view-no-parameter-table"),
    pytest.param(V2019, lambda t: t.replace("<td width=130>t_0</td>", "<td width=130>T0</td>"), 24,
                 id="view-t0-row-missing"),
    pytest.param(V2019, lambda t: t.replace("EFClassification", "Class"), 24, id="view-classification-missing"),
    pytest.param(V2016, lambda t: t.replace("<td width=130>A_I</td>", "<td width=130>Ibase</td>"), 37,
                 id="view-label-twice"),
    pytest.param(V2019, lambda t: t[:len(t) // 2], 42, id="view-truncated"),
    pytest.param(V2019, lambda t: t.replace("<b>KMT-2019-BLG-0001</b></font></td>\n<td align='right'>",
                                            "<b>KMT-2019-BLG-0002</b></font></td>\n<td align='right'>"), 8,
                 id="view-heading-names-another-event"),
    pytest.param(V2019, lambda t: t.replace("data/KB190001/pysis/KMTC11_I.pysis", "data/KB190002/pysis/KMTC11_I.pysis"),
                 57, id="view-link-into-another-event"),
    pytest.param(V2016, lambda t: t.replace("KB161000/pysis/KMTS15_I.pysis", "KB161000/pysis/KMTS15_I.dat"), 57,
                 id="view-unknown-pysis-file-name"),
    # Found by tests/test_fuzz.py: html.parser gives up on a `<![` that opens no marked section, and bs4's
    # ParserRejectedMarkup escaped. The parser does not say where, so the error has no line.
    pytest.param(V2019, lambda t: "<![" + t, None, id="view-markup-html-parser-rejects"),
]


@pytest.mark.parametrize("path, edit, line", MALFORMED_VIEW_PAGES)
def test_malformed_view_page_raises_parse_error(kmtnet_file, path, edit, line):
    source = f"{kmtnet.EVENT_ROOT}/{path}"
    assert_parse_error(kmtnet.parse_view_page, edit(kmtnet_file(path)), source, line)

