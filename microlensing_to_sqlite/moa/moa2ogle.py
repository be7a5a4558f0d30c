"""moa2ogle.txt (2016-2024): MOA's list of MOA/OGLE cross-identifications."""

import re

from ..names import AlertName
from ..parsing import ParseError
from .photometry import pre_text


def parse_moa2ogle(text, source="moa2ogle.txt"):
    """MOA/OGLE cross-identifications: `(MOA name, OGLE name)` pairs.

    Rows are `NAME1 <separator> NAME2` with full names; which survey comes first varies, so each row is read
    by its prefixes. `#` lines are comments. Also accepts the fetchtxt.php page (text in a `<pre>`).
    """
    body, first_line = pre_text(text, source)
    pairs = []
    for line_number, line in enumerate(body.splitlines(), start=first_line):
        fields = line.split()
        if not fields or fields[0].startswith("#"):
            continue
        if len(fields) < 3:
            raise ParseError(source, line_number, "`NAME1 <separator> NAME2`", line)
        names = {}
        for token in (fields[0], fields[2]):
            match = re.fullmatch(r"(MOA|OGLE)-(\d{4})-(BLG|GD|DG|LMC|SMC)-(\d{3,4})", token)
            if match:
                names[match.group(1)] = AlertName(match.group(1), int(match.group(2)), match.group(3),
                                                  int(match.group(4)))
        if set(names) != {"MOA", "OGLE"}:
            raise ParseError(source, line_number, "a MOA and an OGLE name, such as MOA-2017-BLG-001 and "
                             "OGLE-2017-BLG-0087, in either order", line)
        pairs.append((names["MOA"], names["OGLE"]))
    return pairs
