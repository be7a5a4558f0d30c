"""view.php, one KMTNet event's page, against the recorded 2016 and 2019 pages.

Values stay text as the page shows them; the page is the only list of the event's light-curve files. Malformed
pages raise ParseError naming the page and, where the parser can tell, the line.
"""

import pytest

from microlensing_to_sqlite.kmtnet.pysis import pysis_telescope_and_band
from microlensing_to_sqlite.kmtnet.site import EVENT_ROOT
from microlensing_to_sqlite.kmtnet.view_page import parse_view_page, view_record
from microlensing_to_sqlite.names import parse_full_name
from tests.support.malformed import assert_parse_error
from tests.support.recorded import VIEW_PAGES, listpage, record_named, view_page


def listpage_record(kmtnet_file, full_name):
    return record_named(listpage, kmtnet_file, full_name)


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
        telescope, band = pysis_telescope_and_band(file_name)
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


def test_view_record_agrees_with_the_listpage_but_for_codes(kmtnet_file):
    # The page shows the classification as a word and the catalogue as text: those stay as shown.
    source = VIEW_PAGES["KMT-2019-BLG-0001"]
    record = view_record(view_page(kmtnet_file, "KMT-2019-BLG-0001"), source)
    listed = listpage_record(kmtnet_file, "KMT-2019-BLG-0001")
    codes = {"classification", "classification_al", "catalog_type", "k2_flag"}
    assert {k: v for k, v in record.items() if k not in codes} == {k: v for k, v in listed.items() if k not in codes}


# Malformed pages: always ParseError, naming the source and, where the parser can tell, the line.
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
    # Found by tests/*/test_fuzz.py: html.parser gives up on a `<![` that opens no marked section, and bs4's
    # ParserRejectedMarkup escaped. The parser does not say where, so the error has no line.
    pytest.param(V2019, lambda t: "<![" + t, None, id="view-markup-html-parser-rejects"),
]


@pytest.mark.parametrize("path, edit, line", MALFORMED_VIEW_PAGES)
def test_malformed_view_page_raises_parse_error(kmtnet_file, path, edit, line):
    source = f"{EVENT_ROOT}/{path}"
    assert_parse_error(parse_view_page, edit(kmtnet_file(path)), source, line)
