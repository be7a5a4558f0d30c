"""The fault matrix: each fault, injected into one per-event data file (the "victim"), for each survey.

Every build runs `main()` against an httpx.MockTransport site made of recorded files:
- OGLE 2025: the shared mirror's 2025 files; the victim is blg-0001/phot.dat (the season's only photometry).
- KMTNet 2019: the recorded listpage.dat and view.php of KMT-2019-BLG-0001, and a pysis.tar.gz built here
  (three I-band members of five rows each); the victim is the tarball, and faults in a file's text go into
  one member, KMTC11_I.pysis (each member is parsed on its own, so the other two must still load).
- MOA 2017: the recorded index.dat and tests/fixtures/moa; the victim is the fetchtxt.php photometry.

Each mirror starts empty, so a victim that fails to fetch is absent and loads nothing; the `refetch` cases
start from a clean build's mirror instead and check that the good copy is kept. For every case: main()
returns, with the expected exit status; every alert row (all but fetched_at and first_seen, which are
times of day) and every other event's photometry equal the clean build's; the victim's URL is in
build_problems and the printed report with its kind and a reason, and counted in the history's
build_run_sources; a garbled or truncated file loads none of its rows.

Outcomes:
- fetch_failed: exit 3, the victim has no photometry, kind fetch_failed, counted as `failed`.
- parse_error:  exit 3, none of the file's rows load, kind parse_error, counted as `parse_errors`.
- recovers:     exit 0, the victim loads as in the clean build (429 with Retry-After, then 200).
- dropped:      exit 0, just the bad row is dropped and counted (pySIS and MOA publish nan for a point
                they could not measure; their parsers drop such rows by design).
- ignored:      exit 0, the file loads as in the clean build (MOA reads its first three columns by
                position, so a column added at the end changes nothing).
"""

import contextlib
import datetime
import gzip
import io
import shutil
import sqlite3
import tarfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Optional

import httpx
import pytest

from build.__main__ import main
from build.fetch import ATTEMPTS
from build.mirror import Mirror

TODAY = datetime.date(2025, 6, 1)
FIXTURES = Path(__file__).parent / "fixtures" / "moa"

EWS = "https://www.astrouw.edu.pl/ogle/ogle4/ews"
KMT = "https://kmtnet.kasi.re.kr/~ulens/event/2019"
MOA = "https://www.massey.ac.nz/~iabond/moa/alert2017"

HTML_ERROR_PAGE = (b"<!DOCTYPE html>\n<html><head><title>503 Service Unavailable</title></head>\n"
                   b"<body><h1>Service Unavailable</h1>\n<p>The server is temporarily unable to service your "
                   b"request due to maintenance downtime or capacity problems. Please try again later.</p>\n"
                   b"</body></html>\n")


# The site -----------------------------------------------------------------------------------------------

class FaultySite:
    """A MockTransport handler: `files` by URL (404 for anything else), except that a URL in `faults` is
    answered by its fault(request, attempt) instead. Records each request with its time."""

    def __init__(self, files, faults=None):
        self.files, self.faults = files, faults or {}
        self.requests = []  # (url, time.monotonic())
        self.lock = threading.Lock()

    def __call__(self, request):
        url = str(request.url)
        with self.lock:
            self.requests.append((url, time.monotonic()))
            attempt = sum(u == url for u, _ in self.requests)
        if url in self.faults:
            return self.faults[url](request, attempt)
        if url in self.files:
            return httpx.Response(200, content=self.files[url])
        return httpx.Response(404, content=b"Not Found")

    def times(self, url):
        return [t for u, t in self.requests if u == url]


def raising(error_type, message):
    def fault(request, attempt):
        raise error_type(message, request=request)
    return fault


def status(code, body=b"", headers=None):
    def fault(request, attempt):
        return httpx.Response(code, content=body, headers=headers)
    return fault


def serving(body):
    return status(200, body)


def rate_limited_once(body):
    """429 with Retry-After: 1 the first time, the file after that."""
    def fault(request, attempt):
        if attempt == 1:
            return httpx.Response(429, content=b"Too Many Requests", headers={"Retry-After": "1"})
        return httpx.Response(200, content=body)
    return fault


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
class Survey:
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


def ogle_survey(shared_mirror):
    recorded = Mirror(shared_mirror)
    folder = recorded.path(f"{EWS}/2025/lenses.par").parent
    files = {f"{EWS}/2025/{p.relative_to(folder).as_posix()}": p.read_bytes()
             for p in folder.rglob("*") if p.is_file()}
    victim = f"{EWS}/2025/blg-0001/phot.dat"
    return Survey(
        key="ogle", survey="OGLE", cli="ogle", season=2025, list_url=f"{EWS}/2025/lenses.par", victim=victim,
        victim_alert_id=10250001, files=files, text=files[victim].decode("ascii"), pack=str.encode,
        value_column=1, garbage_row=130,
        # phot.dat has no header: a layout change shows in the column count.
        extra_column=lambda text: edit_rows(text, lambda t: t + ["0.000"]),
        renamed_or_missing_column=lambda text: edit_rows(text, lambda t: t[:-1]),
    )


PYSIS_HEADER = "# HJD  \\Delta_flux flux_err  mag  mag_err  fwhm  sky  secz\n"
KMT_MEMBERS = {"KMTA11_I.pysis": 0.0, "KMTC11_I.pysis": 0.3, "KMTS11_I.pysis": 0.6}  # time offsets


def pysis_text(offset):
    """Five rows in the layout of a 2019 pySIS I-band file, around KMT-2019-BLG-0001's peak (8540.21)."""
    rows = [f"{8538.21006 + offset + day:.5f}    {-607.3898 + 250 * day:9.4f}   {230.0665 + 3 * day:.4f}    "
            f"{17.0141 - 0.05 * day:.4f}    {0.0101 + 0.001 * day:.4f}    {3.93 + 0.1 * day:.2f}  "
            f"{1288 + 7 * day}  {1.90 - 0.1 * day:.2f}\n" for day in range(5)]
    return PYSIS_HEADER + "".join(rows)


def kmt_bundle(members):
    """A pysis.tar.gz of {file name: text}, byte for byte the same each time (gzip mtime 0)."""
    tar = io.BytesIO()
    with tarfile.open(fileobj=tar, mode="w", format=tarfile.USTAR_FORMAT) as bundle:
        for name, text in members.items():
            data = text.encode()
            member = tarfile.TarInfo(f"KB190001/{name}")
            member.size, member.mode = len(data), 0o644
            bundle.addfile(member, io.BytesIO(data))
    return gzip.compress(tar.getvalue(), mtime=0)


def kmt_survey(shared_mirror):
    recorded = Mirror(shared_mirror)
    view = f"{KMT}/view.php?event=KMT-2019-BLG-0001"
    victim = f"{KMT}/data/KB190001/pysis/pysis.tar.gz"
    members = {name: pysis_text(offset) for name, offset in KMT_MEMBERS.items()}
    member = "KMTC11_I.pysis"

    def pack(text):
        return kmt_bundle({**members, member: text})

    def renamed(text):
        return text.replace("  mag  ", "  I_mag  ", 1)

    return Survey(
        key="kmt", survey="KMT", cli="kmtnet", season=2019, list_url=f"{KMT}/listpage.dat", victim=victim,
        victim_alert_id=30190001,
        files={f"{KMT}/listpage.dat": recorded.read_bytes(f"{KMT}/listpage.dat"), view: recorded.read_bytes(view),
               victim: pack(members[member])},
        text=members[member], pack=pack, value_column=3, garbage_row=2,
        extra_column=lambda text: edit_rows(text.replace("secz\n", "secz  weight\n", 1), lambda t: t + ["1.000"]),
        renamed_or_missing_column=renamed,
        member=member, telescope="KMTC11",
        overrides={"garbage_nan": "dropped"},
    )


def moa_survey(shared_mirror):
    victim = f"{MOA}/fetchtxt.php?path=moa/ephot/phot-gb2-R-2-19629.dat"
    files = {f"{MOA}/index.dat": Mirror(shared_mirror).read_bytes(f"{MOA}/index.dat"),
             f"{MOA}/alert.php": (FIXTURES / "alert.php.2017.html").read_bytes(),
             f"{MOA}/moa2ogle.txt": (FIXTURES / "moa2ogle.2017.txt").read_bytes(),
             f"{MOA}/display.php?id=gb2-R-2-19629": (FIXTURES / "display.php.gb2-R-2-19629.html").read_bytes(),
             victim: (FIXTURES / "fetchtxt.phot-gb2-R-2-19629.html").read_bytes()}

    def without_flux_error(text):
        # flux_err gone and a new column at the end: the same count of columns, the third now the frame id.
        text = text.replace("flux_err  frame", "frame", 1).replace("weight\n", "weight  quality\n", 1)
        return edit_rows(text, lambda t: t[:2] + t[3:] + ["1"])

    return Survey(
        key="moa", survey="MOA", cli="moa", season=2017, list_url=f"{MOA}/index.dat", victim=victim,
        victim_alert_id=20170001, files=files, text=files[victim].decode("latin-1"),
        pack=lambda text: text.encode("latin-1"), value_column=1, garbage_row=2,
        extra_column=lambda text: edit_rows(text.replace("weight\n", "weight  quality\n", 1),
                                            lambda t: t + ["1"]),
        renamed_or_missing_column=without_flux_error,
        overrides={"garbage_nan": "dropped", "layout_extra_column": "ignored", "html_error_200": "parse_error"},
    )


SURVEYS = ("ogle", "kmt", "moa")


@pytest.fixture(scope="module")
def surveys(shared_mirror):
    return {s.key: s for s in (ogle_survey(shared_mirror), kmt_survey(shared_mirror), moa_survey(shared_mirror))}


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
    "http_500": lambda s: status(500, b"Internal Server Error"),
    "http_503": lambda s: status(503, b"Service Unavailable"),
    "http_429_retry_after": lambda s: rate_limited_once(s.files[s.victim]),
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


# Builds -------------------------------------------------------------------------------------------------

@dataclass
class Build:
    folder: Path
    site: FaultySite
    status: int
    printed: str

    def query(self, sql, *parameters):
        with contextlib.closing(sqlite3.connect(self.folder / "x.db")) as db:
            return db.execute(sql, parameters).fetchall()

    def alerts(self, survey):
        """{alert_name: {column: value}} without the times of day (fetched_at, first_seen)."""
        with contextlib.closing(sqlite3.connect(self.folder / "x.db")) as db:
            cursor = db.execute("SELECT * FROM alerts WHERE survey = ? ORDER BY alert_id", [survey])
            columns = [d[0] for d in cursor.description]
            rows = [dict(zip(columns, row)) for row in cursor]
        return {r["alert_name"]: {c: v for c, v in r.items() if c not in ("fetched_at", "first_seen")} for r in rows}

    def photometry(self, alert_id):
        return set(self.query("SELECT * FROM photometry WHERE alert_id = ?", alert_id))

    def photometry_counts(self, survey):
        return self.query("SELECT p.alert_id, telescope, band, count(*) FROM photometry p JOIN alerts a "
                          "USING (alert_id) WHERE a.survey = ? GROUP BY 1, 2, 3 ORDER BY 1, 2, 3", survey)

    def problems(self, kinds=("fetch_failed", "parse_error")):
        return self.query(f"SELECT survey, season, kind, url, detail FROM build_problems WHERE kind IN "
                          f"({', '.join('?' * len(kinds))})", *kinds)

    def run_counts(self, survey, season):
        """The latest run's failed and parse_errors for the survey-season, from the history file."""
        with contextlib.closing(sqlite3.connect(self.folder / "history.db")) as db:
            return db.execute("SELECT failed, parse_errors, alerts FROM build_run_sources WHERE survey = ? AND "
                              "season = ? ORDER BY run_id DESC LIMIT 1", [survey, season]).fetchone()

    def summary_line(self, survey, season):
        """The printed report's counts for a survey-season: alerts, photometry, dropped, missing, unparsed, failed."""
        for line in self.printed.splitlines():
            tokens = line.split()
            if tokens[:2] == [survey, str(season)]:
                return [int(t) for t in tokens[2:]]
        raise AssertionError(f"no {survey} {season} line in the report:\n{self.printed}")


def run_build(folder, site, *arguments):
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exit_status = main([*arguments, "--rate", "0", "--retry-wait", "0", "--mirror", str(folder / "mirror"),
                            "--db", str(folder / "x.db"), "--history", str(folder / "history.db")],
                           transport=httpx.MockTransport(site), today=TODAY)
    return Build(folder, site, exit_status, printed.getvalue())


def build_survey(folder, survey, faults=None, *arguments):
    site = FaultySite(survey.files, faults)
    return run_build(folder, site, "--years", str(survey.season), "--surveys", survey.cli, *arguments)


@pytest.fixture(scope="module")
def clean(surveys, tmp_path_factory):
    """The clean build of each survey's site, by survey key."""
    return {key: build_survey(tmp_path_factory.mktemp(f"clean-{key}"), survey) for key, survey in surveys.items()}


@pytest.fixture(scope="module")
def faulty(surveys, tmp_path_factory):
    """faulty(survey key, fault): the build with that fault in the victim, made once."""
    builds = {}

    def make(key, fault):
        if (key, fault) not in builds:
            survey = surveys[key]
            folder = tmp_path_factory.mktemp(f"{key}-{fault}")
            builds[key, fault] = build_survey(folder, survey, {survey.victim: fault_of(survey, fault)})
        return builds[key, fault]

    return make


# The clean builds ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("key", SURVEYS)
def test_clean_build_exits_ok_and_loads_the_victim(surveys, clean, key):
    survey, build = surveys[key], clean[key]
    assert build.status == 0, build.printed
    assert build.problems() == []
    assert build.run_counts(survey.survey, survey.season)[:2] == (0, 0)
    assert len(build.photometry(survey.victim_alert_id)) == {"ogle": 265, "kmt": 15, "moa": 8}[key]


# The matrix: a fault in the victim, survey by survey ----------------------------------------------------

@pytest.mark.parametrize("key, fault", CASES)
def test_exit_status(surveys, faulty, key, fault):
    expected = {"fetch_failed": 3, "parse_error": 3}.get(outcome(surveys[key], fault), 0)
    assert faulty(key, fault).status == expected, faulty(key, fault).printed


@pytest.mark.parametrize("key, fault", CASES)
def test_every_alert_row_is_as_in_the_clean_build(surveys, clean, faulty, key, fault):
    survey = surveys[key]
    victim = next(n for n, r in clean[key].alerts(survey.survey).items() if r["alert_id"] == survey.victim_alert_id)
    before, after = clean[key].alerts(survey.survey), faulty(key, fault).alerts(survey.survey)
    for rows in (before, after):
        rows[victim].pop("n_photometry")
    assert after == before


@pytest.mark.parametrize("key, fault", CASES)
def test_other_events_photometry_is_as_in_the_clean_build(surveys, clean, faulty, key, fault):
    survey = surveys[key]

    def others(build):
        return [row for row in build.photometry_counts(survey.survey) if row[0] != survey.victim_alert_id]

    assert others(faulty(key, fault)) == others(clean[key])


@pytest.mark.parametrize("key, fault", CASES)
def test_victim_loads_all_of_a_file_or_none_of_it(surveys, clean, faulty, key, fault):
    survey, build = surveys[key], faulty(key, fault)
    good, loaded = clean[key].photometry(survey.victim_alert_id), build.photometry(survey.victim_alert_id)
    result = outcome(survey, fault)
    if result in ("recovers", "ignored"):
        assert loaded == good
    elif result == "dropped":  # the bad row alone
        assert loaded < good and len(good - loaded) == 1
    elif survey.member and fault in MEMBER_FAULTS:  # the bad member loads nothing; the others load in full
        assert loaded == {row for row in good if row[1] != survey.telescope}
    else:
        assert loaded == set()
    assert build.query("SELECT n_photometry FROM alerts WHERE alert_id = ?", survey.victim_alert_id) == [
        (len(loaded),)]


@pytest.mark.parametrize("key, fault", CASES)
def test_victim_is_reported_with_a_reason(surveys, faulty, key, fault):
    survey, build = surveys[key], faulty(key, fault)
    result = outcome(survey, fault)
    if result in ("recovers", "ignored", "dropped"):
        assert build.problems() == []
        return
    url = survey.problem_url(fault)
    problems = build.problems()
    assert [(s, y, kind, u) for s, y, kind, u, _ in problems] == [(survey.survey, survey.season, result, url)]
    detail = problems[0][4]
    assert detail.strip()
    assert f"  {result}: {url}" in build.printed


@pytest.mark.parametrize("key, fault", CASES)
def test_victim_is_counted_in_the_history(surveys, faulty, key, fault):
    survey, build = surveys[key], faulty(key, fault)
    failed, parse_errors, alerts = build.run_counts(survey.survey, survey.season)
    result = outcome(survey, fault)
    assert (failed, parse_errors) == {"fetch_failed": (1, 0), "parse_error": (0, 1)}.get(result, (0, 0))
    assert alerts == len(build.alerts(survey.survey))


@pytest.mark.parametrize("key, fault", [(s, f) for s, f in CASES if f in FETCH_FAULTS])
def test_fetch_failure_is_retried(surveys, faulty, key, fault):
    survey = surveys[key]
    assert len(faulty(key, fault).site.times(survey.victim)) == ATTEMPTS


@pytest.mark.parametrize("key", SURVEYS)
def test_429_is_asked_again_then_loads(surveys, faulty, key):
    # How long it waits is checked with a recording sleep in test_fetch_politeness.py, not timed here.
    assert len(faulty(key, "http_429_retry_after").site.times(surveys[key].victim)) == 2


@pytest.mark.parametrize("key", ["kmt", "moa"])
def test_nan_row_is_dropped_and_counted(surveys, clean, faulty, key):
    survey = surveys[key]
    before = clean[key].summary_line(survey.survey, survey.season)
    after = faulty(key, "garbage_nan").summary_line(survey.survey, survey.season)
    # alerts, photometry, dropped, missing, unparsed, failed
    assert after == [before[0], before[1] - 1, before[2] + 1, *before[3:]]


# A victim fetched before: a failed fetch keeps the good copy --------------------------------------------

REFETCH_FAULTS = ("read_timeout", "http_500", "html_error_200")


# (MOA's photometry is served as an HTML page, so for it an HTML page is the data, not an error.)
@pytest.mark.parametrize("fault, key", [(f, k) for f in REFETCH_FAULTS for k in SURVEYS
                                        if not (f == "html_error_200" and k == "moa")])
def test_refetch_failure_keeps_the_mirrored_copy(surveys, clean, tmp_path, key, fault):
    survey = surveys[key]
    shutil.copytree(clean[key].folder, tmp_path, dirs_exist_ok=True)
    # KMT 2019 and MOA 2017 are long over: without --refresh-old-days 0 their fresh files are not asked for.
    build = build_survey(tmp_path, survey, {survey.victim: fault_of(survey, fault)}, "--refresh-old-days", "0")
    assert build.status == 3, build.printed
    assert Mirror(tmp_path / "mirror").read_bytes(survey.victim) == survey.files[survey.victim]
    assert build.photometry(survey.victim_alert_id) == clean[key].photometry(survey.victim_alert_id)
    assert build.alerts(survey.survey) == clean[key].alerts(survey.survey)
    assert [(kind, url) for _, _, kind, url, _ in build.problems()] == [("fetch_failed", survey.victim)]
    assert build.run_counts(survey.survey, survey.season)[:2] == (1, 0)


# The season list itself failing: the whole source fails -------------------------------------------------

LIST_FAULTS = {
    # A new mirror whose first answer is a 404: the fetcher remembers it before anything is mirrored.
    "http_404": (lambda s: status(404, b"Not Found"), "missing"),
    "http_500": (lambda s: status(500, b"Internal Server Error"), "fetch_failed"),
    "html_error_200": (lambda s: serving(HTML_ERROR_PAGE), "fetch_failed"),
    "truncated": (lambda s: serving(s.files[s.list_url][:len(s.files[s.list_url]) // 2 + 3]), "parse_error"),
}


@pytest.mark.parametrize("key", SURVEYS)
@pytest.mark.parametrize("fault", LIST_FAULTS)
def test_failing_season_list_fails_the_source(surveys, tmp_path, key, fault):
    survey = surveys[key]
    make, kind = LIST_FAULTS[fault]
    build = build_survey(tmp_path, survey, {survey.list_url: make(survey)})
    assert build.status == 4, build.printed
    assert build.alerts(survey.survey) == {}
    assert build.query("SELECT count(*) FROM photometry") == [(0,)]
    problems = build.problems(kinds=(kind,))
    assert [(s, y, k, u) for s, y, k, u, _ in problems] == [(survey.survey, survey.season, kind, survey.list_url)]
    assert problems[0][4].strip()
    if kind != "missing":  # the printed report leaves out missing files
        assert f"  {kind}: {survey.list_url}" in build.printed
    failed, parse_errors, alerts = build.run_counts(survey.survey, survey.season)
    assert (failed, parse_errors, alerts) == {"fetch_failed": (1, 0, 0), "parse_error": (0, 1, 0),
                                              "missing": (0, 0, 0)}[kind]
    assert not any(url == survey.victim for url, _ in build.site.requests)


@pytest.mark.parametrize("key", SURVEYS)
def test_failing_season_list_leaves_the_other_sources_whole(surveys, clean, tmp_path, key):
    """All three surveys in one build, one of them without its list: exit 4, the other two as built alone."""
    files = {url: body for s in surveys.values() for url, body in s.files.items()}
    site = FaultySite(files, {surveys[key].list_url: status(500, b"Internal Server Error")})
    build = run_build(tmp_path, site, "--years", "2017", "2019", "2025", "--surveys", "ogle", "kmtnet", "moa")
    assert build.status == 4, build.printed
    assert build.alerts(surveys[key].survey) == {}
    for other in set(SURVEYS) - {key}:
        survey = surveys[other]
        assert build.alerts(survey.survey) == clean[other].alerts(survey.survey)
        assert build.photometry_counts(survey.survey) == clean[other].photometry_counts(survey.survey)
