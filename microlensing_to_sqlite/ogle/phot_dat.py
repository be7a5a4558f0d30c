"""phot.dat: one OGLE event's I-band photometry over the whole OGLE-IV baseline (not just its season)."""

from ..parsing import HJD_OFFSET, ParseError, decimals, finite_or_none, require_complete_last_line

PHOT_COLUMNS = ("hjd", "mag", "mag_err", "seeing", "sky")


def parse_phot_dat(text, source="phot.dat"):
    """Photometry rows `(hjd, mag, mag_err, seeing, sky)`, time as HJD - 2450000.

    OGLE writes full HJD with 5 decimals. A sky of 0.0 is not a measurement and becomes NULL.
    """
    require_complete_last_line(text, source)
    rows = []
    for number_, line in enumerate(text.splitlines(), start=1):
        fields = line.split()
        if not fields:
            continue
        if len(fields) != 5:
            raise ParseError(source, number_, "5 columns: HJD, I, error, seeing, sky", line)
        try:
            hjd = round(float(fields[0]) - HJD_OFFSET, decimals(fields[0]))
            mag, err, seeing, sky = (float(f) for f in fields[1:])
        except ValueError:
            raise ParseError(source, number_, "5 numbers: HJD, I, error, seeing, sky", line) from None
        if not (-5e4 < hjd < 1.5e5 and 0 < mag < 30 and 0 <= err < 10):
            raise ParseError(source, number_, "a full HJD, an I magnitude and its error", line)
        rows.append((hjd, mag, err, finite_or_none(seeing), finite_or_none(sky) or None))
    return rows
