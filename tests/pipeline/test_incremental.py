"""An incremental build equals a full build of the same mirror, table by table, through a sequence of changes:
new points, a refit, a new event, a removed file, a file that now fails to parse, an event gone from the list.
And it reads again, and fits again, only what changed. (A photometry file that goes missing or bad is where the
two differ by design: the incremental build keeps the event's previous points; tests/pipeline/test_lost_photometry.py.)

Each step changes the demo mirror, then builds it twice from the same state: incrementally (the default) over the
previous step's database, and in full (--full) into an empty one, with a copy of the same parameter history, so
that even the history and first_seen must agree.
"""

import contextlib
import datetime
import shutil
import sqlite3

import pytest

from microlensing_to_sqlite.demo import write_demo_mirror
from microlensing_to_sqlite.history import History
from microlensing_to_sqlite.kmtnet import site as kmtnet
from microlensing_to_sqlite.load import build
from microlensing_to_sqlite.moa import site as moa
from microlensing_to_sqlite.names import AlertName
from microlensing_to_sqlite.ogle import site as ogle
from microlensing_to_sqlite.registry import SURVEYS
from tests.support.chains import short_posterior_chains
from tests.support.databases import differences

TODAY = datetime.date(2025, 8, 1)
SEASON = TODAY.year
PLAN = [(survey, [SEASON - 1, SEASON]) for survey in SURVEYS]
OGLE_1, OGLE_2, OGLE_3 = (AlertName("OGLE", SEASON, "BLG", n) for n in (1, 2, 3))
KMT_1, KMT_2 = AlertName("KMT", SEASON, "BLG", 1), AlertName("KMT", SEASON, "BLG", 2)
MOA_1 = AlertName("MOA", SEASON, "BLG", 1)


def edit(mirror, url, change):
    mirror.write(url, change(mirror.read_text(url)).encode())


def first_pysis(mirror, name):
    folder = kmtnet.pysis_url(name, "x")[:-1]
    return kmtnet.pysis_url(name, mirror.listdir(folder)[0])


def with_a_later_row(text, days=30.0):
    """The text with its last row written again `days` later (the time is its first field)."""
    last = text.splitlines()[-1]
    time = last.split()[0]
    later = f"{float(time) + days:.{len(time.partition('.')[2])}f}"
    return text + last.replace(time, later, 1) + "\n"


def new_points(mirror):
    edit(mirror, ogle.phot_url(OGLE_1), with_a_later_row)
    edit(mirror, first_pysis(mirror, KMT_1), with_a_later_row)
    edit(mirror, f"{moa.PRIME_ROOT}/alerts/datafile/MOA/{MOA_1.full}", with_a_later_row)


def refit(mirror):
    """OGLE refits an event's tE (params.dat); KMTNet its first listed event's (listpage.dat)."""
    edit(mirror, ogle.params_url(OGLE_2), lambda text: "".join(
        f"  tau {123.456:14.3f}{4.321:10.3f}\n" if line.split()[:1] == ["tau"] else line
        for line in text.splitlines(True)))

    def new_te(text):
        first, rest = text.split("\n", 1)
        tokens = first.split()
        dec = next(i for i, token in enumerate(tokens) if token[:1] in "+-" and token.count(":") == 2)
        return first.replace(f" {tokens[dec + 2]} ", " 99.99 ", 1) + "\n" + rest

    edit(mirror, kmtnet.listpage_url(SEASON), new_te)


def new_event(mirror):
    """A copy of OGLE's first event under the next free number, listed and with its files."""
    names = [AlertName("OGLE", SEASON, "BLG", n) for n in range(1, 200)]
    number = next(n for n in names if not mirror.has(ogle.phot_url(n)) and
                  f"{SEASON}-BLG-{n.number:04d}" not in mirror.read_text(ogle.lenses_par_url(SEASON)))
    mirror.write(ogle.phot_url(number), mirror.read_bytes(ogle.phot_url(OGLE_1)))
    params = mirror.read_text(ogle.params_url(OGLE_1)).replace(OGLE_1.full, number.full)
    mirror.write(ogle.params_url(number), params.encode())
    edit(mirror, ogle.lenses_par_url(SEASON), lambda text: text + text.splitlines()[-1].replace(
        text.splitlines()[-1].split()[0], f"{SEASON}-BLG-{number.number:04d}") + "\n")


def removed_file(mirror):
    mirror.remove(ogle.params_url(OGLE_3))


def unparsable_file(mirror):
    """KMT-...-0002's page no longer parses (its pySIS files are still found, in the mirror's folder)."""
    mirror.write(kmtnet.view_url(KMT_2), b"<html>Service Unavailable</html>\n")


def gone_from_the_list(mirror):
    """KMT-...-0002 leaves listpage.dat and the mirror."""
    edit(mirror, kmtnet.listpage_url(SEASON),
         lambda text: "".join(line for line in text.splitlines(True) if not line.startswith(KMT_2.full)))
    shutil.rmtree(mirror.path(kmtnet.pysis_url(KMT_2, "x")).parent.parent)
    mirror.remove(kmtnet.view_url(KMT_2))


STEPS = [("nothing changed", lambda mirror: None), ("new points", new_points), ("a refit", refit),
         ("a new event", new_event), ("a removed file", removed_file),
         ("a file that now fails to parse", unparsable_file), ("nothing changed since", lambda mirror: None),
         ("an event gone from the list", gone_from_the_list)]


def run(mirror, db_path, history_path, step, full=False, fit=True):
    history = History(history_path)
    try:
        # force: an event gone from a season of five is more than the drop guard's 10% (tested elsewhere).
        return build(mirror, db_path, PLAN, today=TODAY, history=history, full=full, force=True, fit=fit,
                     observed_at=f"2025-08-{10 + step:02d}T06:00:00+00:00")
    finally:
        history.close()


@pytest.fixture(scope="module")
def steps(tmp_path_factory):
    """For each step: (what changed, the incremental report, the differences from a full build, the full
    build)."""
    folder = tmp_path_factory.mktemp("incremental")
    mirror = write_demo_mirror(folder / "mirror", events_per_season=6, seed=3, today=TODAY)
    database, history = folder / "microlensing.db", folder / "history.db"
    results = []
    with short_posterior_chains():  # 17 builds: the question is what is read and fitted again, not the chains
        run(mirror, database, history, 0, full=True)
        for number, (what, change) in enumerate(STEPS, start=1):
            change(mirror)
            shutil.copyfile(history, folder / "history-full.db")
            report = run(mirror, database, history, number)
            run(mirror, folder / f"full-{number}.db", folder / "history-full.db", number, full=True)
            results.append((what, report, differences(database, folder / f"full-{number}.db"),
                            folder / f"full-{number}.db"))
    return results


@pytest.mark.parametrize("step", range(len(STEPS)), ids=[what for what, _ in STEPS])
def test_incremental_build_equals_a_full_build(steps, step):
    what, _, found, _ = steps[step]
    assert found == {}, f"after {what} the incremental build differs from a full build: {found}"


def reads(report):
    return {key: counts["read"] for key, counts in report.counts.items() if counts["read"]}


def test_nothing_changed_reads_nothing(steps):
    assert reads(steps[0][1]) == {}


def test_new_points_read_only_those_events(steps):
    assert reads(steps[1][1]) == {("OGLE", SEASON): 1, ("KMT", SEASON): 1, ("MOA", SEASON): 1}


def test_a_refit_reads_the_refitted_events(steps):
    assert reads(steps[2][1]) == {("OGLE", SEASON): 1, ("KMT", SEASON): 1}


def test_a_new_event_reads_only_it(steps):
    assert reads(steps[3][1]) == {("OGLE", SEASON): 1}


def test_every_alert_is_counted_whether_read_or_carried(steps):
    report = steps[1][1]
    assert all(counts["alerts"] == counts["read"] + counts["carried"] for counts in report.counts.values())


def problems(report, kind):
    return [p["alert_name"] for p in report.problems if p["kind"] == kind]


def test_a_removed_file_is_reported_missing(steps):
    assert OGLE_3.full in problems(steps[4][1], "missing")


def test_a_file_that_fails_to_parse_is_reported(steps):
    assert problems(steps[5][1], "parse_error") == [KMT_2.full]


def test_a_carried_over_event_keeps_its_problem(steps):
    assert (reads(steps[6][1]), problems(steps[6][1], "parse_error")) == ({}, [KMT_2.full])


def test_an_event_gone_from_the_list_and_the_mirror_is_gone(steps):
    assert KMT_2.full not in problems(steps[7][1], "parse_error")


def test_nothing_changed_fits_nothing_again(steps):
    assert steps[0][1].fits["fitted"] == 0 and steps[0][1].fits["kept"] > 0


def test_new_points_fit_again_only_the_events_that_have_them(steps):
    with contextlib.closing(sqlite3.connect(steps[1][3])) as db:
        events = db.execute("select count(distinct event_id) from alerts where alert_name in (?, ?, ?)",
                            [OGLE_1.full, KMT_1.full, MOA_1.full]).fetchone()[0]
    assert steps[1][1].fits["fitted"] == events
