"""What MOA's lists and pages share: event names, internal ids, positions and empty values."""

import re

from ..formulas import degrees_to_sexagesimal
from ..names import AlertName
from ..parsing import ParseError, number, sexagesimal_to_degrees
from .site import SURVEY

# MOA's own field/chip/star id, `gb2-R-2-19629`: field (gb1..gb23 in the bulge), the red filter, chip 1-10,
# star number. No LMC id has been seen, so any field letters are accepted.
INTERNAL_ID = re.compile(r"[a-z]+\d+-R-\d+-\d+")
NAME = re.compile(r"(?:MOA-)?(\d{4})-(BLG|LMC)-(\d{3,4})")


def parse_name(text, source, line):
    """`2017-BLG-001` (index.dat, alert.php: no `MOA-`) or `MOA-2025-BLG-0001` (moaprime)."""
    match = NAME.fullmatch(text.strip())
    if not match:
        raise ParseError(source, line, "a MOA event name such as 2017-BLG-001 or MOA-2025-BLG-0001", text)
    return AlertName(SURVEY, int(match.group(1)), match.group(2), int(match.group(3)))


def optional_number(token, source, line, what):
    # An HTML cell left empty or written `-` has no value.
    return None if token in ("", "-") else number(token, source, line, what)


def position(ra_token, dec_token, source, line, dec_line=None):
    """RA and Dec as MOA wrote them: degrees in index.dat, sexagesimal on the HTML pages (and some index.dat).

    Returns degrees and the sexagesimal text: as published when it was sexagesimal (RA without the `+`
    that moaprime puts in front), otherwise derived from the degrees in alert.php's format.
    """
    if ":" in ra_token or ":" in dec_token:
        ra = sexagesimal_to_degrees(ra_token, hours=True, source=source, line=line)
        dec = sexagesimal_to_degrees(dec_token, hours=False, source=source, line=dec_line or line)
        return {"ra": ra, "dec": dec, "ra_hms": ra_token.lstrip("+"), "dec_dms": dec_token}
    ra = number(ra_token, source, line, "RA (degrees)")
    dec = number(dec_token, source, line, "Dec (degrees)")
    if not (0 <= ra < 360 and -90 <= dec <= 90):
        raise ParseError(source, line, "RA in 0..360 and Dec in -90..+90 degrees", f"{ra_token} {dec_token}")
    return {"ra": ra, "dec": dec, "ra_hms": degrees_to_sexagesimal(ra, hours=True),
            "dec_dms": degrees_to_sexagesimal(dec, hours=False)}
