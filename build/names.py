"""Alert names: the surveys' own full names, their short forms, and a stable integer key.

Names are always read from the surveys' files, never made up from row order. Numbers are compared as
integers: OGLE and KMTNet write 4 digits, MOA 3 up to 2024 and 4 from 2025.
"""

import re
from typing import NamedTuple

# Prefix of the full name, and the letter of the short form (`OB250001`, `MB17001`, `KB190001`).
SURVEYS = {"OGLE": "O", "MOA": "M", "KMT": "K", "PRIME": "P"}
SURVEY_CODES = {"OGLE": 1, "MOA": 2, "KMT": 3, "PRIME": 4}
REGION_CODES = {"BLG": 0, "GD": 1, "DG": 2, "LMC": 3, "SMC": 4}

FULL_NAME = re.compile(r"^(OGLE|MOA|KMT|PRIME)-(\d{4})-(BLG|GD|DG|LMC|SMC)-(\d{3,4})$")
# Short forms of bulge alerts, as in KMTNet's related-event column: OB190161, MB17068, MB250060, KB182470, PB250007.
SHORT_NAME = re.compile(r"^([OMKP])B(\d{2})(\d{3,4})$")
SURVEY_OF_LETTER = {letter: survey for survey, letter in SURVEYS.items()}


class AlertName(NamedTuple):
    survey: str
    season: int
    region: str
    number: int

    @property
    def digits(self):
        # MOA used 3 digits up to 2024; every other survey and MOA from 2025 use 4.
        return 3 if self.survey == "MOA" and self.season <= 2024 else 4

    @property
    def full(self):
        return f"{self.survey}-{self.season}-{self.region}-{self.number:0{self.digits}d}"

    @property
    def short(self):
        """`OB250001`; None where the survey has no standard short form (OGLE's GD/DG regions)."""
        if self.region != "BLG":
            return None
        return f"{SURVEYS[self.survey]}B{self.season % 100:02d}{self.number:0{self.digits}d}"

    @property
    def alert_id(self):
        """A stable integer key derived from the name: survey, region, 2-digit year, 4-digit number.

        OGLE-2025-BLG-0001 is 10250001 and KMT-2019-BLG-0001 is 30190001. It is the same in every
        build, so photometry links and bookmarks survive rebuilds, and it keeps photometry rows small.
        """
        return ((SURVEY_CODES[self.survey] * 10 + REGION_CODES[self.region]) * 100
                + self.season % 100) * 10000 + self.number


def parse_full_name(text):
    """`OGLE-2025-BLG-0001` to an AlertName, or None if it is not a full alert name."""
    match = FULL_NAME.match(text.strip().upper())
    if not match:
        return None
    survey, season, region, number = match.groups()
    return AlertName(survey, int(season), region, int(number))


def parse_short_name(text):
    """`OB190161` to OGLE-2019-BLG-0161, `MB17068` to MOA-2017-BLG-068; None if it is not a short name.

    MOA short names have 3 digits up to 2024 and 4 from 2025; the others always 4.
    """
    match = SHORT_NAME.match(text.strip().upper())
    if not match:
        return None
    letter, year, number = match.groups()
    name = AlertName(SURVEY_OF_LETTER[letter], 2000 + int(year), "BLG", int(number))
    return name if len(number) == name.digits else None
