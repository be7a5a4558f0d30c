"""KMTNet alerts: where their files are, and pure parsers from their text to records.

Files (see ../shared/notes/formats.md, section 3):
- `YYYY/listpage.dat`: the season's event list, one whitespace-separated line per event, no header, no
  uncertainties. Its columns change from year to year, so lines are read by anchoring on RA and Dec.
- `YYYY/view.php?event=KMT-YYYY-BLG-NNNN`: one event's page: the same values as an HTML table, the alert
  date, and the only list of the event's light-curve files (the data folders answer 403 to a listing).
- `YYYY/data/KBYYNNNN/pysis/KMT{A,C,S}FF_{I,V}.pysis`: pySIS light curves, one season, one site and field.
- `YYYY/data/KBYYNNNN/diapl/KMT{A,C,S}FF_I.diapl`: DIA light curves over several seasons, no header.
Sites: A = SSO (Australia), C = CTIO (Chile), S = SAAO (South Africa); FF is the KMT field (01-43).

KMTNet changes its time zero-point between files and years (listpage t0 HJD - 2450000 up to 2022 and
HJD - 2400000 from 2023; pySIS HJD - 2450000 in 2018-2022 and full HJD in 2025; diapl HJD - 2400000), so
every time is normalised by its value, not by the year: see `hjd_minus_2450000_any`.
"""

import datetime
import math
import re
from typing import NamedTuple

from .names import AlertName, parse_full_name, parse_short_name
from .parsing import (HJD_OFFSET, ParseError, finite_or_none, hjd_minus_2450000, html_soup, number,
                      require_complete_last_line, sexagesimal_to_degrees)

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


def is_public(season, today=None):
    return (today or datetime.date.today()) >= public_from(season)


def listpage_url(season):
    return f"{EVENT_ROOT}/{season}/listpage.dat"


def year_page_url(season):
    return f"{EVENT_ROOT}/{season}/"


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


# Times -----------------------------------------------------------------------------------------------------

# The zero-points KMTNet has used, each with the range of values that identifies it. The gap between
# 1e4 and 4e4 is deliberate: HJD - 2450000 passed 10000 in February 2023, when the listpage had already
# moved to HJD - 2400000, so a value there matches no convention we have seen and is an error.
TIME_CONVENTIONS = [
    (0.0, 1e4, HJD_OFFSET, "HJD - 2450000"),
    (4e4, 1e5, 2400000, "HJD - 2400000"),
    (2.4e6, 2.5e6, 0, "full HJD"),
]


def time_offset(token, source, line):
    """What was subtracted from the full HJD to write `token`, judged by its value."""
    value = number(token, source, line, "a time")
    for low, high, offset, _ in TIME_CONVENTIONS:
        if low < value < high:
            return offset
    raise ParseError(source, line, "a time as full HJD (2.4e6-2.5e6), HJD - 2400000 (4e4-1e5) "
                                   "or HJD - 2450000 (0-1e4)", token)


def hjd_minus_2450000_any(token, source, line):
    """A KMTNet time in any of its conventions as HJD - 2450000, rounded to the published decimals.

    `2460726.83242`, `60726.83242` and `10726.83242` would all be read by value; here `8540.21006` is
    already HJD - 2450000, `60016.33245` gives `10016.33245` and `2460726.83242` gives `10726.83242`.
    """
    return hjd_minus_2450000(token, source, line, offset=time_offset(token, source, line))


# listpage.dat ----------------------------------------------------------------------------------------------

RA = re.compile(r"\d{2}:\d{2}:\d{2}\.\d+")
DEC = re.compile(r"[+-]?\d{2}:\d{2}:\d{2}\.\d+")
# `BLG11M0308.009408`: the field as view.php shows it (prefix BLG/SAO/SSO, KMT field, a letter, chip and
# sub-chip), then the star id, which is text (leading zeros).
FIELD_STAR = re.compile(r"([A-Z]{3}\d{2}[A-Z]\d{4})\.(\d+)")
# Classification codes seen: 1 (view.php: "clear"), 2, 3, 4, F, X (the AL column of late alerts is X).
CLASSIFICATION = re.compile(r"[0-9A-Z]")
# 2016 only: a K2 Campaign 9 flag before the single classification.
K2_FLAGS = {"K2": "K2", "-": None}
# After Dec, always these eight numbers, then zero or more related-event short names.
LISTPAGE_NUMBERS = ("t0", "tE", "u0", "Isrc", "Ibase", "Icat", "catalog_type", "A_I")


def parse_listpage(text, source, season):
    """The season list: one record per event line, in file order.

    The classification columns vary by year: one (2017, 2020, 2026), two, EF then AL (2018, 2019,
    2021-2025), or a K2 flag and one (2016). They are whatever lies between the field.star token and
    RA; every line of a file must have the same layout.
    """
    require_complete_last_line(text, source)
    records, seen, layout = [], {}, None
    for line_number, line in enumerate(text.splitlines(), start=1):
        tokens = line.split()
        if not tokens:
            continue
        record, line_layout = listpage_record(tokens, source, line_number, season, line)
        if layout is None:
            layout = line_layout
        elif line_layout != layout:
            raise ParseError(source, line_number, f"the classification layout of the file's first line "
                                                  f"({describe_layout(layout)})", line)
        name = record["name"]
        if name in seen:
            raise ParseError(source, line_number, f"each event once ({name.full} is also on line {seen[name]})",
                             line)
        seen[name] = line_number
        records.append(record)
    return records


def describe_layout(layout):
    return {"one": "one classification", "ef_al": "EF and AL classifications",
            "k2": "a K2 flag and one classification"}[layout]


def listpage_record(tokens, source, line_number, season, line):
    name = parse_full_name(tokens[0])
    if name is None or name.survey != SURVEY or name.region != "BLG":
        raise ParseError(source, line_number, "a KMTNet event name KMT-YYYY-BLG-NNNN first", line)
    if name.season != season:
        raise ParseError(source, line_number, f"an event of the {season} season", line)
    field_star = FIELD_STAR.fullmatch(tokens[1]) if len(tokens) > 1 else None
    if not field_star:
        raise ParseError(source, line_number, "field.star (such as BLG11M0308.009408) after the name", line)
    anchors = [i for i in range(2, len(tokens) - 1)
               if RA.fullmatch(tokens[i]) and DEC.fullmatch(tokens[i + 1])]
    if len(anchors) != 1:
        raise ParseError(source, line_number, "one RA hh:mm:ss.ss followed by Dec dd:mm:ss.ss", line)
    ra_index = anchors[0]
    layout, classification = classification_columns(tokens[2:ra_index], source, line_number, line)
    after_dec = tokens[ra_index + 2:]
    if len(after_dec) < len(LISTPAGE_NUMBERS):
        raise ParseError(source, line_number, f"{len(LISTPAGE_NUMBERS)} numbers after Dec "
                                              "(t0 tE u0 Isource Ibase Icat catalog-type A_I)", line)
    values = dict(zip(LISTPAGE_NUMBERS, after_dec))
    related = after_dec[len(LISTPAGE_NUMBERS):]
    # A ninth number, or a token that is not a short name, lands here and is rejected.
    related_names(related, source, line_number)
    ra_hms, dec_dms = tokens[ra_index], tokens[ra_index + 1]
    record = {
        "name": name,
        "field": field_star.group(1),
        "star_id": field_star.group(2),
        **classification,
        "ra_hms": ra_hms,
        "dec_dms": dec_dms,
        "ra": sexagesimal_to_degrees(ra_hms, hours=True, source=source, line=line_number),
        "dec": sexagesimal_to_degrees(dec_dms, hours=False, source=source, line=line_number),
        "t0": hjd_minus_2450000_any(values["t0"], source, line_number),
        **{column: number(values[column], source, line_number, column)
           for column in ("tE", "u0", "Isrc", "Ibase", "Icat", "A_I")},
        "catalog_type": catalog_type(values["catalog_type"], source, line_number),
        "related": related,
    }
    return record, layout


def classification_columns(tokens, source, line_number, line):
    """The tokens between field.star and RA, as (layout, the record's classification keys)."""
    if len(tokens) == 2 and tokens[0] in K2_FLAGS and CLASSIFICATION.fullmatch(tokens[1]):
        return "k2", {"classification": tokens[1], "classification_al": None, "k2_flag": K2_FLAGS[tokens[0]]}
    if all(CLASSIFICATION.fullmatch(t) for t in tokens):
        if len(tokens) == 1:
            return "one", {"classification": tokens[0], "classification_al": None, "k2_flag": None}
        if len(tokens) == 2:
            return "ef_al", {"classification": tokens[0], "classification_al": tokens[1], "k2_flag": None}
    raise ParseError(source, line_number, "one classification code, two (EF AL), or a K2 flag (K2 or -) "
                                          "and one, between field.star and RA", line)


def catalog_type(token, source, line_number):
    # 1, 2 or 3: view.php shows 2 as "DECam i"; 3 goes with Icat 25.00 (no catalogue star, probably).
    # ASCII digits only: a garbled byte can turn `2` into `²`, which is a digit to isdigit() but not a number.
    if not re.fullmatch(r"[0-9]+", token):
        raise ParseError(source, line_number, "an integer catalogue-type code", token)
    return int(token)


def related_names(tokens, source="related-event tokens", line=None):
    """KMTNet's related-event tokens (`OB190065`, `MB17068`, `MB250002`, `PB250007`, `KB182470`) as names."""
    names = []
    for token in tokens:
        name = parse_short_name(token)
        if name is None:
            raise ParseError(source, line, "a related-event short name such as OB190161, MB17068 or PB250007",
                             token)
        names.append(name)
    return names


# view.php --------------------------------------------------------------------------------------------------

VIEW_REQUIRED_LABELS = ("Field", "Star ID", "RA", "Dec", "t_0", "t_E", "u_0", "Isource", "Ibase", "Icat",
                        "Catalog type", "A_I", "Related event")
CLASSIFICATION_LABELS = (("Classification",), ("EFClassification", "ALClassification"))
# The light-curve links are unquoted and never closed: `<a href=data/KB190001/pysis/KMTA11_I.pysis>KMTA11_I.pysis<br>`.
LINK = re.compile(r"""<a\s+href\s*=\s*["']?([^"'\s>]+)""", re.IGNORECASE)
DATA_LINK = re.compile(r"data/(KB\d{6})/(pysis|diapl)/([^/]+)")
PYSIS_FILE = re.compile(r"(KMT[ACS]\d{2})_([IV])\.pysis")
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


def pysis_telescope_and_band(file_name, source=None, line=None):
    """`KMTC01_I.pysis` to ("KMTC01", "I"): site C (CTIO), field 01, I band."""
    match = PYSIS_FILE.fullmatch(file_name)
    if not match:
        raise ParseError(source if source is not None else file_name, line,
                         "a pySIS file name such as KMTC01_I.pysis", file_name)
    return match.group(1), match.group(2)


# pySIS -----------------------------------------------------------------------------------------------------

class Lightcurve(NamedTuple):
    """Rows `(hjd, mag, mag_err, delta_flux, flux_err, fwhm, sky, secz)` and how many were dropped."""
    rows: list
    dropped_non_finite: int


# The header names the columns: `# HJD  \Delta_flux flux_err  mag  mag_err  fwhm  sky  secz` (a literal
# backslash) in I files; V files lack mag and mag_err; MulensModel's cut-down copies keep only the first five.
PYSIS_COLUMNS = {"HJD": "hjd", "\\Delta_flux": "delta_flux", "flux_err": "flux_err", "mag": "mag",
                 "mag_err": "mag_err", "fwhm": "fwhm", "sky": "sky", "secz": "secz"}
PYSIS_ROW = ("hjd", "mag", "mag_err", "delta_flux", "flux_err", "fwhm", "sky", "secz")
PYSIS_MEASUREMENTS = ("mag", "mag_err", "delta_flux", "flux_err")
FWHM_BAD_FRAME = -1.0


def parse_pysis(text, source):
    """A pySIS light curve, time as HJD - 2450000 whatever the file's convention.

    - A row whose magnitude, its error or the flux is nan or inf is dropped and counted: pySIS derives
      mag from the total flux, which can be negative. V files have no mag: their rows keep mag None.
    - fwhm -1.00 flags a bad frame: the row is kept with fwhm None.
    - `#` lines after the header are comments: MulensModel's copies comment out their nan rows.
    """
    require_complete_last_line(text, source)
    lines = text.splitlines()
    header_number = next((n for n, line in enumerate(lines, start=1) if line.strip()), 1)
    columns = pysis_header(lines[header_number - 1] if lines else "", source, header_number)
    rows, dropped, offset = [], 0, None
    for line_number, line in enumerate(lines[header_number:], start=header_number + 1):
        fields = line.split()
        if not fields or fields[0].startswith("#"):
            continue
        if len(fields) != len(columns):
            raise ParseError(source, line_number, f"{len(columns)} columns as the header names them", line)
        tokens = dict(zip(columns, fields))
        values = {}
        for column in PYSIS_MEASUREMENTS:
            if column in tokens:
                values[column] = float_or_parse_error(tokens[column], source, line_number, column)
        row_offset = time_offset(tokens["hjd"], source, line_number)
        if offset is None:
            offset = row_offset
        elif row_offset != offset:
            raise ParseError(source, line_number, "the time convention of the first row", tokens["hjd"])
        for column in ("fwhm", "sky", "secz"):
            if column in tokens:
                values[column] = finite_or_none(float_or_parse_error(tokens[column], source, line_number, column))
        if not all(math.isfinite(values[c]) for c in PYSIS_MEASUREMENTS if c in values):
            dropped += 1
            continue
        values["hjd"] = hjd_minus_2450000(tokens["hjd"], source, line_number, offset=offset)
        if values.get("fwhm") == FWHM_BAD_FRAME:
            values["fwhm"] = None
        rows.append(tuple(values.get(column) for column in PYSIS_ROW))
    return Lightcurve(rows, dropped)


def pysis_header(line, source, line_number):
    names = line[1:].split() if line.startswith("#") else []
    known = all(name in PYSIS_COLUMNS for name in names) and len(set(names)) == len(names)
    complete = known and {"HJD", "\\Delta_flux", "flux_err"} <= set(names) and ("mag" in names) == ("mag_err" in names)
    if not complete:
        raise ParseError(source, line_number, "a pySIS header such as "
                                              r"`# HJD  \Delta_flux flux_err  mag  mag_err  fwhm  sky  secz`", line)
    return [PYSIS_COLUMNS[name] for name in names]


def float_or_parse_error(token, source, line, what):
    """A float that may be nan or inf (pySIS writes them); anything that is not a number is a ParseError."""
    try:
        return float(token)
    except ValueError:
        raise ParseError(source, line, f"a number for {what}", token) from None


# diapl -----------------------------------------------------------------------------------------------------

DIAPL_COLUMNS = 7


def parse_diapl(text, source):
    """A DIA light curve: rows `(hjd, delta_flux, flux_err, c4, c5, c6, c7)`, time as HJD - 2450000.

    No header; KMTNet writes HJD - 2400000 (`58168.85148` is 8168.85148). The last four columns are
    named nowhere we have seen; the last three look like pySIS's fwhm, sky and secz (4.08, 993, 1.68),
    which is a guess, so they stay unnamed.
    """
    require_complete_last_line(text, source)
    rows, offset = [], None
    for line_number, line in enumerate(text.splitlines(), start=1):
        fields = line.split()
        if not fields:
            continue
        if len(fields) != DIAPL_COLUMNS:
            raise ParseError(source, line_number, f"{DIAPL_COLUMNS} columns: HJD, delta flux, error and 4 more",
                             line)
        row_offset = time_offset(fields[0], source, line_number)
        if offset is None:
            offset = row_offset
        elif row_offset != offset:
            raise ParseError(source, line_number, "the time convention of the first row", fields[0])
        hjd = hjd_minus_2450000(fields[0], source, line_number, offset=offset)
        rows.append((hjd, *(number(f, source, line_number, f"column {i}") for i, f in enumerate(fields[1:], 2))))
    return rows
