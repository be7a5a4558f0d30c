"""view.php?event=KMT-YYYY-BLG-NNNN: one KMTNet event's page: the listpage values as an HTML table, the
alert date, and the only list of the event's light-curve files."""

import re

from ..names import parse_full_name
from ..parsing import ParseError, html_soup, number, sexagesimal_to_degrees
from .site import SURVEY
from .pysis import pysis_telescope_and_band
from .times import hjd_minus_2450000_any

VIEW_REQUIRED_LABELS = ("Field", "Star ID", "RA", "Dec", "t_0", "t_E", "u_0", "Isource", "Ibase", "Icat",
                        "Catalog type", "A_I", "Related event")
CLASSIFICATION_LABELS = (("Classification",), ("EFClassification", "ALClassification"))
# The light-curve links are unquoted and never closed: `<a href=data/KB190001/pysis/KMTA11_I.pysis>KMTA11_I.pysis<br>`.
LINK = re.compile(r"""<a\s+href\s*=\s*["']?([^"'\s>]+)""", re.IGNORECASE)
DATA_LINK = re.compile(r"data/(KB\d{6})/(pysis|diapl)/([^/]+)")
DIAPL_FILE = re.compile(r"(KMT[ACS]\d{2})_([IV])\.diapl")


def parse_view_page(html, source):
    """One event's page: its name, the parameter table as label -> text, the alert date and its files.

    Values stay text as shown (Classification "clear", Catalog type "DECam i"); listpage.dat has the
    same values as codes and numbers. The 2016 pages comment the Alert date row out.
    """
    if "</html>" not in html.lower():
        raise ParseError(source, html.count("\n") + 1, "a complete page ending in </html>")
    soup = html_soup(html, source)
    name = view_page_name(soup, source)
    labels = view_page_labels(soup, source)
    files = view_page_files(html, name, source)
    alert_date = labels.get("Alert date")
    return {
        "name": name,
        "labels": labels,
        "alert_date": alert_date if alert_date not in (None, "", "-") else None,
        **files,
    }


def view_record(view, source):
    """An alert record from the view page alone, for events the season's listpage does not have.

    The page shows classifications as words ("clear") and the catalogue as text ("DECam i"), so those
    stay as shown and catalog_type is unknown.
    """
    labels = view["labels"]
    line = None

    def value(label):
        return number(labels[label], source, line, label)

    classification = [labels.get(k) for k in ("Classification", "EFClassification", "ALClassification")]
    return {
        "name": view["name"],
        "field": labels["Field"],
        "star_id": labels["Star ID"],
        "classification": classification[0] or classification[1],
        "classification_al": classification[2],
        "ra_hms": labels["RA"],
        "dec_dms": labels["Dec"],
        "ra": sexagesimal_to_degrees(labels["RA"], hours=True, source=source, line=line),
        "dec": sexagesimal_to_degrees(labels["Dec"], hours=False, source=source, line=line),
        "t0": hjd_minus_2450000_any(labels["t_0"], source, line),
        "tE": value("t_E"), "u0": value("u_0"), "Isrc": value("Isource"), "Ibase": value("Ibase"),
        "Icat": value("Icat"), "A_I": value("A_I"),
        "related": labels.get("Related event", "").split(),
    }


def view_page_name(soup, source):
    title = soup.title
    text = title.get_text(strip=True) if title else ""
    name = parse_full_name(text)
    if name is None or name.survey != SURVEY:
        raise ParseError(source, title.sourceline if title else None,
                         "a <title> with the event name KMT-YYYY-BLG-NNNN", text)
    # The bold headings repeat the name; one that differs means the page is not what the title says.
    for bold in soup.find_all("b"):
        other = parse_full_name(bold.get_text(strip=True))
        if other is not None and other != name:
            raise ParseError(source, bold.sourceline, f"headings naming {name.full}", bold.get_text(strip=True))
    return name


def view_page_labels(soup, source):
    """`<td width=130>LABEL</td> <td>VALUE</td>` rows; commented-out rows are not rows."""
    labels, first_line = {}, None
    for cell in soup.find_all("td", attrs={"width": "130"}):
        label = cell.get_text(" ", strip=True)
        value_cell = cell.find_next_sibling("td")
        if value_cell is None:
            raise ParseError(source, cell.sourceline, f"a value cell after the label {label!r}")
        if label in labels:
            raise ParseError(source, cell.sourceline, f"each parameter label once ({label!r} repeats)")
        labels[label] = value_cell.get_text(" ", strip=True)
        first_line = first_line or cell.sourceline
    if not labels:
        raise ParseError(source, None, "the parameter table (<td width=130>Field</td> ...)")
    missing = [label for label in VIEW_REQUIRED_LABELS if label not in labels]
    if not any(all(label in labels for label in group) for group in CLASSIFICATION_LABELS):
        missing.append("Classification or EFClassification and ALClassification")
    if missing:
        raise ParseError(source, first_line, "every parameter row; missing " + ", ".join(missing))
    return labels


def view_page_files(html, name, source):
    files = {"pysis_files": [], "diapl_files": [], "pysis_tarball": None, "diapl_tarball": None}
    for match in LINK.finditer(html):
        href = match.group(1)
        data = DATA_LINK.fullmatch(href)
        if not data:
            continue
        line = html.count("\n", 0, match.start()) + 1
        folder, kind, file_name = data.groups()
        if folder != name.short:
            raise ParseError(source, line, f"data links into {name.short}/", href)
        if file_name == f"{kind}.tar.gz":
            files[f"{kind}_tarball"] = href
        elif kind == "pysis":
            pysis_telescope_and_band(file_name, source, line)
            files["pysis_files"].append(file_name)
        elif DIAPL_FILE.fullmatch(file_name):
            files["diapl_files"].append(file_name)
        # Other files in the data folder (diapl.jpg, diapl_ef.jpg) are pictures.
    return files
