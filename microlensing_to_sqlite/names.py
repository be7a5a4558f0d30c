"""Alert names: the surveys' own full names, their short forms, and a stable integer key.

Names are always read from the surveys' files, never made up from row order. Numbers are compared as
integers: OGLE and KMTNet write 4 digits, MOA 3 up to 2024 and 4 from 2025. How each survey names its alerts
is part of its definition (`Survey.naming`, listed in registry.py); PRIME, whose alerts we do not load but
KMTNet cross-references, is named here.
"""

import functools
import re
from typing import NamedTuple

from .survey import Naming

# Surveys whose names appear in other surveys' cross-references but whose alerts are not loaded.
OTHER_NAMINGS = (Naming("PRIME", "P", 4),)
REGION_CODES = {"BLG": 0, "GD": 1, "DG": 2, "LMC": 3, "SMC": 4}


@functools.cache
def namings():
    """{name prefix: Naming} of every survey the registry loads, and of OTHER_NAMINGS."""
    from .registry import SURVEYS  # the registry imports the survey packages, which import this module

    return {naming.prefix: naming for naming in [s.naming for s in SURVEYS] + list(OTHER_NAMINGS)}


@functools.cache
def _patterns():
    prefixes = "|".join(namings())
    letters = "".join(n.letter for n in namings().values())
    regions = "|".join(REGION_CODES)
    full = re.compile(rf"^({prefixes})-(\d{{4}})-({regions})-(\d{{3,4}})$")
    # Short forms of bulge alerts, as in KMTNet's related-event column: OB190161, MB17068, MB250060, PB250007.
    short = re.compile(rf"^([{letters}])B(\d{{2}})(\d{{3,4}})$")
    return full, short


class AlertName(NamedTuple):
    survey: str
    season: int
    region: str
    number: int

    @property
    def naming(self):
        return namings()[self.survey]

    @property
    def digits(self):
        return self.naming.digits(self.season)

    @property
    def full(self):
        return f"{self.survey}-{self.season}-{self.region}-{self.number:0{self.digits}d}"

    @property
    def short(self):
        """`OB250001`; None where the survey has no standard short form (OGLE's GD/DG regions)."""
        if self.region != "BLG":
            return None
        return f"{self.naming.letter}B{self.season % 100:02d}{self.number:0{self.digits}d}"

    @property
    def alert_id(self):
        """A stable integer key derived from the name: survey, region, 2-digit year, 4-digit number.

        OGLE-2025-BLG-0001 is 10250001 and KMT-2019-BLG-0001 is 30190001. It is the same in every
        build, so photometry links and bookmarks survive rebuilds, and it keeps photometry rows small.
        """
        return ((self.naming.code * 10 + REGION_CODES[self.region]) * 100 + self.season % 100) * 10000 + self.number


def parse_full_name(text):
    """`OGLE-2025-BLG-0001` to an AlertName, or None if it is not a full alert name."""
    match = _patterns()[0].match(text.strip().upper())
    if not match:
        return None
    survey, season, region, number = match.groups()
    return AlertName(survey, int(season), region, int(number))


def parse_short_name(text):
    """`OB190161` to OGLE-2019-BLG-0161, `MB17068` to MOA-2017-BLG-068; None if it is not a short name.

    MOA short names have 3 digits up to 2024 and 4 from 2025; the others always 4.
    """
    match = _patterns()[1].match(text.strip().upper())
    if not match:
        return None
    letter, year, number = match.groups()
    survey = next(prefix for prefix, naming in namings().items() if naming.letter == letter)
    name = AlertName(survey, 2000 + int(year), "BLG", int(number))
    return name if len(number) == name.digits else None


# What people type: `ob190161`, `OGLE 2019 BLG 161`, `KMTNet-2019-BLG-1`, `2019-BLG-0161` with a survey.
LONGEST_TYPED_NAME = 40
TYPED = re.compile(r"([A-Z]{1,6})?[-_ ]?(\d{4})[-_ ]?([A-Z]{2,3})[-_ ]?(\d{1,5})")
SPELLINGS = {"KMTNET": "KMT"}


def resolve_typed_name(text, survey=None):
    """The full alert name for any way a person writes it, or None. Digits are padded as the survey pads
    them (MOA 3 digits up to 2024 and 4 from 2025, everyone else 4); a bare `2019-BLG-0161` needs `survey`."""
    if not isinstance(text, str) or len(text) > LONGEST_TYPED_NAME:
        return None
    compact = text.strip().upper()
    short = _patterns()[1].match(compact)
    if short:
        name = parse_short_name(compact)
        if name is None:
            # MOA's short names grew a digit in 2025: MB25060 is written, by habit, for MOA-2025-BLG-0060. The
            # width a survey used before is taken and padded; any other width is not a name.
            letter, year, number = short.groups()
            survey = next(prefix for prefix, naming in namings().items() if naming.letter == letter)
            name = AlertName(survey, 2000 + int(year), "BLG", int(number))
            if len(number) != AlertName(survey, 2000, "BLG", 1).digits:
                return None
        return name.full
    match = TYPED.fullmatch(compact)
    if not match:
        return None
    prefix, season, region, number = match.groups()
    if prefix:
        naming = namings().get(SPELLINGS.get(prefix, prefix))
    else:  # the survey may be given by its prefix or its letter
        given = str(survey or "").strip().upper()
        naming = namings().get(SPELLINGS.get(given, given)) or next(
            (n for n in namings().values() if n.letter == given), None)
    if naming is None or region not in REGION_CODES:
        return None
    digits = naming.digits(int(season))
    if len(number.lstrip("0")) > 4 or (len(number) > digits and number[: len(number) - digits].strip("0")):
        return None
    return f"{naming.prefix}-{season}-{region}-{int(number):0{digits}d}"
