"""index.dat (2016-2024): a MOA season's machine-readable list, one line per event, with its calibration."""

from ..parsing import ParseError, complete_lines, number, records_of
from .calibration import calibrated
from .fields import INTERNAL_ID, parse_name, position
from .times import full_jd, set_t0_from_jd

INDEX_DAT_FIELDS = "10 whitespace-separated fields: name, internal id, RA, Dec, t0 (JD), tE, u0, Ibase, ZP, F_ref"


def parse_index_dat(text, source="index.dat", season=None, bad_lines=None):
    """The season list: one record per line, no header, no uncertainties, with the event's calibration.

    `2017-BLG-001 gb2-R-2-19629 268.434977871 -34.2212870236 2457782.047299 12.86 0.4000 14.49 25.70 7518.94`.
    RA and Dec are degrees (sexagesimal in some years, converted); ra_hms and dec_dms are display text derived
    from them as alert.php writes it (for 2017 they equal alert.php's text exactly).
    t0 is full JD in the file and HJD - 2450000 in the record (`t0_jd` keeps the JD). zp and f_ref are kept
    as published, 0 included; `calibration_ok` says whether they give magnitudes. A line that does not parse is
    a ParseError, or, given a list `bad_lines`, kept there while the other lines load.
    """
    records = records_of(complete_lines(text, source, bad_lines),
                         lambda line, line_number: index_dat_record(line, source, line_number, season), bad_lines)
    set_t0_from_jd(records)
    return records


def index_dat_record(line, source, line_number, season):
    """One line's event, or None for a blank line."""
    fields = line.split()
    if not fields:
        return None
    if len(fields) != 10:
        raise ParseError(source, line_number, INDEX_DAT_FIELDS, line)
    name = parse_name(fields[0], source, line_number)
    if season is not None and name.season != season:
        raise ParseError(source, line_number, f"an event of season {season}", fields[0])
    if not INTERNAL_ID.fullmatch(fields[1]):
        raise ParseError(source, line_number, "an internal id such as gb2-R-2-19629", fields[1])
    t0_jd = full_jd(number(fields[4], source, line_number, "t0 (JD)"), source, line_number, fields[4])
    tE, u0, ibase, zp, f_ref = (number(token, source, line_number, what) for token, what in
                                zip(fields[5:], ["tE", "u0", "Ibase", "ZP", "F_ref"]))
    return {
        "name": name,
        "internal_id": fields[1],
        **position(fields[2], fields[3], source, line_number),
        "t0": None, "t0_jd": t0_jd,
        "tE": tE, "u0": u0, "Ibase": ibase,
        "zp": zp, "f_ref": f_ref, "calibration_ok": calibrated(zp, f_ref),
    }
