"""listpage.dat: a KMTNet season's list of events, one whitespace-separated line each, no uncertainties.

Its columns change from year to year (one or two classifications, a K2 flag in 2016, any number of related
events), so each line is read by anchoring on its RA and Dec.
"""

import re

from ..names import parse_full_name, parse_short_name
from ..parsing import ParseError, complete_lines, number, records_of, sexagesimal_to_degrees
from .site import SURVEY
from .times import hjd_minus_2450000_any

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


def parse_listpage(text, source, season, bad_lines=None):
    """The season list: one record per event line, in file order.

    The classification columns vary by year: one (2017, 2020, 2026), two, EF then AL (2018, 2019,
    2021-2025), or a K2 flag and one (2016). They are whatever lies between the field.star token and
    RA; every line of a file must have the layout of its first. A line that does not parse is a ParseError,
    or, given a list `bad_lines`, kept there while the other lines load.
    """
    seen, layout = {}, None

    def read(line, line_number):
        nonlocal layout
        tokens = line.split()
        if not tokens:
            return None
        record, line_layout = listpage_record(tokens, source, line_number, season, line)
        if layout is not None and line_layout != layout:
            raise ParseError(source, line_number, f"the classification layout of the file's first line "
                                                  f"({describe_layout(layout)})", line)
        name = record["name"]
        if name in seen:
            raise ParseError(source, line_number, f"each event once ({name.full} is also on line {seen[name]})",
                             line)
        layout, seen[name] = line_layout, line_number
        return record

    return records_of(complete_lines(text, source, bad_lines), read, bad_lines)


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
