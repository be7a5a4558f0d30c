"""The fault matrix's sites and faults: each fault, injected into one per-event data file (the "victim") of each
survey's recorded site (site.py), and the outcome a build must come to.

- OGLE 2025: the recorded 2025 files; the victim is blg-0001/phot.dat (the season's only photometry).
- KMTNet 2019: the recorded listpage.dat and view.php of KMT-2019-BLG-0001, and a pysis.tar.gz built here
  (three I-band members of five rows each); the victim is the tarball, and faults in a file's text go into
  one member, KMTC11_I.pysis (each member is parsed on its own, so the other two must still load).
- MOA 2017: the recorded index.dat and the handwritten pages; the victim is the fetchtxt.php photometry.

Outcomes:
- fetch_failed: exit 3, the victim has no photometry, kind fetch_failed, counted as `failed`.
- parse_error:  exit 3, none of the file's rows load, kind parse_error, counted as `parse_errors`.
- recovers:     exit 0, the victim loads as in the clean build (429 with Retry-After, then 200).
- dropped:      exit 0, just the bad row is dropped and counted (pySIS and MOA publish nan for a point
                they could not measure; their parsers drop such rows by design).
- ignored:      exit 0, the file loads as in the clean build (MOA reads its first three columns by
                position, so a column added at the end changes nothing).
"""

from dataclasses import dataclass, field
from typing import Callable, Optional

import httpx

from tests.support.builds import run_build
from tests.support.site import (EWS, KMT_2019, KMT_2019_BUNDLE, MOA_2017, MOA_2017_PHOTOMETRY, PYSIS_HEADER, Site,
                                in_turn, kmtnet_2019_files, moa_2017_files, ogle_2025_files, raising, respond,
                                serving)

HTML_ERROR_PAGE = (b"<!DOCTYPE html>\n<html><head><title>503 Service Unavailable</title></head>\n"
                   b"<body><h1>Service Unavailable</h1>\n<p>The server is temporarily unable to service your "
                   b"request due to maintenance downtime or capacity problems. Please try again later.</p>\n"
                   b"</body></html>\n")


# Edits of a file's text ---------------------------------------------------------------------------------

def data_lines(text):
    """The file's lines (with their ends) and the indices of its data rows (those starting with a number)."""
    lines = text.splitlines(keepends=True)
    return lines, [i for i, line in enumerate(lines) if line.lstrip()[:1].isdigit()]


def edit_rows(text, edit, rows=None):
    """Apply edit(tokens) -> tokens to the data rows (all, or those of the given data-row indices)."""
    lines, data = data_lines(text)
    for n, i in enumerate(data):
        if rows is None or n in rows:
            end = lines[i][len(lines[i].rstrip("\r\n")):]
            lines[i] = "  ".join(edit(lines[i].split())) + end
    return "".join(lines)


def cut_mid_line(text, row):
    """The text up to the middle of data row `row`: no final newline, as a transfer cut short leaves it."""
    lines, data = data_lines(text)
    i = data[row]
    return "".join(lines[:i]) + lines[i][:len(lines[i]) // 2].rstrip(" \t")


def replace_token(column, value):
    def edit(tokens):
        tokens = list(tokens)
        tokens[column] = value(tokens[column])
        return tokens
    return edit


# The surveys --------------------------------------------------------------------------------------------

@dataclass
class SurveySite:
    key: str                     # for test ids
    survey: str                  # the alerts.survey value
    cli: str                     # the --surveys value
    season: int
    list_url: str
    victim: str
    victim_alert_id: int
    files: dict                  # URL -> bytes: the clean site
    text: str                    # the text content faults are written into (OGLE, MOA: the victim; KMT: a member)
    pack: Callable[[str], bytes]  # that text -> the victim's body
    value_column: int            # the measurement column garbage goes into (OGLE, KMT: mag; MOA: delta flux)
    garbage_row: int             # the data row it goes into (a row the clean build loads)
    extra_column: Callable[[str], str]
    renamed_or_missing_column: Callable[[str], str]
    member: Optional[str] = None  # KMT: the member content faults go into
    telescope: Optional[str] = None  # ... and the telescope its rows have
    overrides: dict = field(default_factory=dict)  # fault -> outcome where it differs from OUTCOMES

    def problem_url(self, fault):
        """Where the report places a problem in the file's text: the member, inside the tarball."""
        return f"{self.victim}#{self.member}" if self.member and fault in MEMBER_FAULTS else self.victim


def ogle_site():
    files = ogle_2025_files()
    victim = f"{EWS}/2025/blg-0001/phot.dat"
    return SurveySite(
        key="ogle", survey="OGLE", cli="ogle", season=2025, list_url=f"{EWS}/2025/lenses.par", victim=victim,
        victim_alert_id=10250001, files=files, text=files[victim].decode("ascii"), pack=str.encode,
        value_column=1, garbage_row=130,
        # phot.dat has no header: a layout change shows in the column count.
        extra_column=lambda text: edit_rows(text, lambda t: t + ["0.000"]),
        renamed_or_missing_column=lambda text: edit_rows(text, lambda t: t[:-1]),
    )


KMT_MEMBERS = {"KMTA11_I.pysis": 0.0, "KMTC11_I.pysis": 0.3, "KMTS11_I.pysis": 0.6}  # time offsets


def pysis_text(offset):
    """Five rows in the layout of a 2019 pySIS I-band file, around KMT-2019-BLG-0001's peak (8540.21)."""
    rows = [f"{8538.21006 + offset + day:.5f}    {-607.3898 + 250 * day:9.4f}   {230.0665 + 3 * day:.4f}    "
            f"{17.0141 - 0.05 * day:.4f}    {0.0101 + 0.001 * day:.4f}    {3.93 + 0.1 * day:.2f}  "
            f"{1288 + 7 * day}  {1.90 - 0.1 * day:.2f}\n" for day in range(5)]
    return PYSIS_HEADER + "".join(rows)


def kmt_site():
    members = {name: pysis_text(offset) for name, offset in KMT_MEMBERS.items()}
    member = "KMTC11_I.pysis"

    def pack(text):
        return kmtnet_2019_files({**members, member: text})[KMT_2019_BUNDLE]

    def renamed(text):
        return text.replace("  mag  ", "  I_mag  ", 1)

    return SurveySite(
        key="kmt", survey="KMT", cli="kmtnet", season=2019, list_url=f"{KMT_2019}/listpage.dat",
        victim=KMT_2019_BUNDLE, victim_alert_id=30190001, files=kmtnet_2019_files(members),
        text=members[member], pack=pack, value_column=3, garbage_row=2,
        extra_column=lambda text: edit_rows(text.replace("secz\n", "secz  weight\n", 1), lambda t: t + ["1.000"]),
        renamed_or_missing_column=renamed,
        member=member, telescope="KMTC11",
        overrides={"garbage_nan": "dropped"},
    )


def moa_site():
    files = moa_2017_files()

    def without_flux_error(text):
        # flux_err gone and a new column at the end: the same count of columns, the third now the frame id.
        text = text.replace("flux_err  frame", "frame", 1).replace("weight\n", "weight  quality\n", 1)
        return edit_rows(text, lambda t: t[:2] + t[3:] + ["1"])

    return SurveySite(
        key="moa", survey="MOA", cli="moa", season=2017, list_url=f"{MOA_2017}/index.dat",
        victim=MOA_2017_PHOTOMETRY, victim_alert_id=20170001, files=files,
        text=files[MOA_2017_PHOTOMETRY].decode("latin-1"), pack=lambda text: text.encode("latin-1"),
        value_column=1, garbage_row=2,
        extra_column=lambda text: edit_rows(text.replace("weight\n", "weight  quality\n", 1),
                                            lambda t: t + ["1"]),
        renamed_or_missing_column=without_flux_error,
        overrides={"garbage_nan": "dropped", "layout_extra_column": "ignored", "html_error_200": "parse_error"},
    )


SURVEYS = ("ogle", "kmt", "moa")


def survey_sites():
    """Each survey's site, by key."""
    return {s.key: s for s in (ogle_site(), kmt_site(), moa_site())}


# The faults ---------------------------------------------------------------------------------------------

def content(edit):
    """A fault in the file's text: the edited text, served with status 200 (and a matching Content-Length)."""
    return lambda survey: serving(survey.pack(edit(survey, survey.text)))


def garbage(value):
    return content(lambda s, text: edit_rows(text, replace_token(s.value_column, value), rows={s.garbage_row}))


FAULTS = {
    "connect_timeout": lambda s: raising(httpx.ConnectTimeout, "timed out connecting"),
    "read_timeout": lambda s: raising(httpx.ReadTimeout, "The read operation timed out"),
    "reset_remote_protocol": lambda s: raising(httpx.RemoteProtocolError,
                                               "Server disconnected without sending a response."),
    "reset_read_error": lambda s: raising(httpx.ReadError, "[Errno 104] Connection reset by peer"),
    "http_500": lambda s: respond(500, b"Internal Server Error"),
    "http_503": lambda s: respond(503, b"Service Unavailable"),
    # 429 with Retry-After: 1 the first time, the file after that.
    "http_429_retry_after": lambda s: in_turn(respond(429, b"Too Many Requests", {"Retry-After": "1"}),
                                              serving(s.files[s.victim])),
    "truncated": content(lambda s, text: cut_mid_line(text, s.garbage_row + 1)),
    "html_error_200": lambda s: serving(HTML_ERROR_PAGE),
    "layout_extra_column": content(lambda s, text: s.extra_column(text)),
    "layout_renamed_or_missing_column": content(lambda s, text: s.renamed_or_missing_column(text)),
    "garbage_nan": garbage(lambda token: "nan"),
    "garbage_stars": garbage(lambda token: "*****"),
    "garbage_empty_field": garbage(lambda token: ""),
    "garbage_decimal_comma": garbage(lambda token: token.replace(".", ",")),
}
FETCH_FAULTS = ("connect_timeout", "read_timeout", "reset_remote_protocol", "reset_read_error", "http_500",
                "http_503")
MEMBER_FAULTS = ("truncated", "layout_extra_column", "layout_renamed_or_missing_column", "garbage_nan",
                 "garbage_stars", "garbage_empty_field", "garbage_decimal_comma")
# An HTML page where a data file was expected is refused by the fetcher (the good copy stays), except
# where HTML is the format: MOA's fetchtxt.php wraps its text in a page, so the parser finds no <pre>.
OUTCOMES = {**dict.fromkeys(FETCH_FAULTS, "fetch_failed"), "http_429_retry_after": "recovers",
            "html_error_200": "fetch_failed", **dict.fromkeys(MEMBER_FAULTS, "parse_error")}


def kmt_truncated_bundle(survey):
    data = survey.files[survey.victim]
    return serving(data[:len(data) // 2])


# A byte of this bundle's compressed stream that, flipped, still decompresses, to other numbers: every member's
# flux_err and mag_err change (230.0665 to 205.0665, 0.0101 to 5.0101) and only the gzip CRC at the end tells.
CORRUPT_BYTE = 169


def kmt_corrupt_bundle(survey):
    """The bundle with CORRUPT_BYTE flipped, served with status 200."""
    data = bytearray(survey.files[survey.victim])
    data[CORRUPT_BYTE] ^= 0xFF
    return serving(bytes(data))


# Faults of the whole tarball (KMT only): the file is unreadable, so none of its members load.
KMT_FAULTS = {"truncated_bundle": kmt_truncated_bundle, "corrupt_bundle": kmt_corrupt_bundle}
CASES = [(s, f) for f in FAULTS for s in SURVEYS] + [("kmt", f) for f in KMT_FAULTS]


def outcome(survey, fault):
    return survey.overrides.get(fault) or OUTCOMES.get(fault, "parse_error")


def fault_of(survey, fault):
    return (FAULTS.get(fault) or KMT_FAULTS[fault])(survey)


# The season list itself failing: the whole source fails. (fault, the kind of problem it is)
LIST_FAULTS = {
    # A new mirror whose first answer is a 404: the fetcher remembers it before anything is mirrored.
    "http_404": (lambda s: respond(404, b"Not Found"), "missing"),
    "http_500": (lambda s: respond(500, b"Internal Server Error"), "fetch_failed"),
    "html_error_200": (lambda s: serving(HTML_ERROR_PAGE), "fetch_failed"),
    # Not the list at all (a cut-off list loses only its cut line: tests/pipeline/test_season_lists.py).
    "unrecognised": (lambda s: serving(b"this is not the season list\n"), "parse_error"),
}


def build_survey(folder, survey, faults=None, *arguments):
    """A build of the survey's season against its site, with faults ({url: answer}) in it."""
    return run_build(folder, Site(survey.files, faults), "--years", str(survey.season), "--surveys", survey.cli,
                     *arguments)
