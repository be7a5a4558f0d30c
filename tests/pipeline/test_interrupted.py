"""A build killed with SIGKILL anywhere (fetch, parse, load, swap) never damages what is served, and the
next run finishes the job without downloading again what the mirror already holds.

The "site" is a small demo mirror served from a loopback HTTP server (honouring If-Modified-Since with 304;
tests/support/loopback.py). Builds run as real processes, and a kill point is a hook installed in the build that
sends SIGKILL to its own process at the N-th call of a build function (tests/support/kill_runner.py).

For each kill point, starting from the same previous complete build, against a changed site:
- the build really died of SIGKILL at that point;
- the served database opens read-only, passes integrity_check, and equals the previous complete build or
  the new complete build (alerts, photometry checksum, parameter history, build problems);
- every mirrored file is the old or the new version of the site's file, never half of one;
- the next run exits 0, leaves no `.building`, and equals an uninterrupted new build exactly (so no history
  was kept for a build that never swapped in), its history.db passes integrity_check, and the killed run
  is not recorded as a success unless its database was swapped in;
- the next run gets a 200 (a body) only for files the mirror did not already hold: everything else is
  asked for conditionally and answered 304.

The same holds for the nightly update (--update) killed once it stored the new season lists, or while it
loads: a file newer than the database means the last build did not finish loading it.
"""

import concurrent.futures
import contextlib
import datetime
import os
import shutil
import signal
import sqlite3
import time
from pathlib import Path

import pytest

from microlensing_to_sqlite.history import TRACKED
from tests.support.kill_runner import Runners
from tests.support.loopback import files, make_sites, serving
from tests.support.site import MirrorFiles, Site

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork() and SIGKILL")

TODAY = datetime.date(2025, 7, 1)
# MOA is left out: the kill points are the same code for every survey.
BUILD_OPTIONS = ["--no-fit", "--years", str(TODAY.year), "--surveys", "ogle", "kmtnet", "--rate", "0",
                 "--retry-wait", "0.01", "--refresh-old-days", "0"]
UPDATE_OPTIONS = ["--update", *BUILD_OPTIONS]
PREVIOUS_AT = "2025-07-01T06:00:00+00:00"
KILLED_AT = "2025-07-02T06:00:00+00:00"
NEW_AT = "2025-07-03T06:00:00+00:00"
NOW = time.time()

# (name, hook, N): the build is killed at the N-th call of the hook (see kill_runner.py).
KILL_POINTS = [
    ("fetch: before the 3rd request is sent", "request", 3),
    ("fetch: half-way through writing the 2nd changed file", "mirror_write", 2),
    ("fetch: just after the 5th changed file is stored", "stored", 5),
    ("parse: the 10th file", "parse", 10),
    ("load: the 5th event's lightcurves inserted", "photometry", 5),
    ("history: just after the parameter history is recorded", "history", 1),
    ("finish: alerts inserted, not committed", "alerts_inserted", 1),
    ("finish: committed, before VACUUM (a --full build)", "vacuum", 1),
    ("swap: just before os.replace", "before_swap", 1),
    ("swap: just after os.replace", "after_swap", 1),
]
AFTER_SWAP = {"after_swap"}
# Only a build from an empty database (--full) rewrites the whole file with VACUUM.
FULL_BUILD_HOOKS = {"vacuum"}
# The nightly update (--update), killed after it stored the new season lists and while it loads.
UPDATE_KILL_POINTS = [
    ("update, fetch: season lists stored, before the first event file", "request", 2),
    ("update, load: the 5th event's lightcurves inserted", "photometry", 5),
]


def fingerprint(db_path, same_as_new=()):
    """What a build served: alerts (but when their files were fetched), photometry (every value of every
    point, hashed), the parameter history and the build problems; observation times in `same_as_new` count
    as NEW_AT. None if the file does not open or fails integrity_check."""
    uri = f"file:{db_path}?mode=ro"
    try:
        with contextlib.closing(sqlite3.connect(uri, uri=True)) as db:
            if db.execute("pragma integrity_check").fetchall() != [("ok",)]:
                return None
            columns = [row[1] for row in db.execute("pragma table_info(alerts)") if row[1] != "fetched_at"]
            alerts = db.execute(f"select {', '.join(columns)} from alerts order by alert_name").fetchall()
            photometry = db.execute("select * from photometry order by alert_id, telescope, band, hjd").fetchall()
            history = db.execute(f"select alert_name, observed_at, {', '.join(TRACKED)} from alert_history "
                                 "order by 1, 2").fetchall()
            problems = db.execute("select survey, season, alert_name, kind, url, line, detail from build_problems "
                                  "order by 1, 2, 3, 4, 5").fetchall()
    except sqlite3.Error:
        return None
    same = lambda at: NEW_AT if at in same_as_new else at  # noqa: E731
    first_seen = columns.index("first_seen")
    alerts = [(*row[:first_seen], same(row[first_seen]), *row[first_seen + 1:]) for row in alerts]
    history = [(name, same(at), *values) for name, at, *values in history]
    # hash(): the same within this process, which is all a comparison of two builds needs.
    return {"alerts": alerts, "photometry": (len(photometry), hash(tuple(photometry))), "history": history,
            "problems": problems}


def mirrored_versions(state, old, new):
    """For each mirrored file, "old", "new" or both: which version of the site's file it is."""
    versions = {}
    for path in files(state / "mirror"):
        content = (state / "mirror" / path).read_bytes()
        versions[path] = {name for name, site in (("old", old), ("new", new))
                          if (site / path).is_file() and (site / path).read_bytes() == content}
    return versions


def copy_state(source, target):
    shutil.copytree(source, target, symlinks=True)  # copy2: the files keep their times, as the mirror had them
    return target


def as_paths(urls):
    return {Path(url.removeprefix("https://")) for url in urls}


def interrupt(world, hook, n, options=BUILD_OPTIONS, name=None):
    """From a copy of the previous build: a build killed at the hook's N-th call, then a build left to finish.
    Returns what the test checks, observed as it happened."""
    state = copy_state(world["previous"], world["folder"] / (name or hook))
    db_path, runners, site = state / "microlensing.db", world["runners"], world["site"]
    seen = {}
    killed, seen["killed_status"], seen["killed_log"] = runners.run(state, KILLED_AT, options, hook, n)
    # The killed build's own database, if it was swapped in, was built "now" like the new one.
    seen["served"] = fingerprint(db_path, same_as_new={KILLED_AT})
    seen["versions"] = mirrored_versions(state, world["old"], world["new"])
    seen["held"] = {path for path, version in seen["versions"].items() if "new" in version}
    finished, seen["status"], seen["log"] = runners.run(state, NEW_AT, options)
    seen["building_left"] = db_path.with_name(db_path.name + ".building").exists()
    seen["final"] = fingerprint(db_path, same_as_new={KILLED_AT} if hook in AFTER_SWAP else ())
    seen["final_versions"] = mirrored_versions(state, world["old"], world["new"])
    seen["bodies"] = as_paths(url for url, status in site.responses(finished) if status == 200)
    with contextlib.closing(sqlite3.connect(state / "mirror" / "history.db")) as history:
        seen["history_integrity"] = history.execute("pragma integrity_check").fetchall()
        seen["runs"] = [status for _, status in history.execute("select run_id, status from build_runs order by 1")]
    return seen


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    folder = tmp_path_factory.mktemp("interrupted")
    site_files = MirrorFiles(None)
    site = Site(site_files)
    with serving(site) as server, contextlib.closing(Runners(folder, server.port, TODAY)) as runners:
        # The runners import the build while the sites are written.
        old, new = make_sites(folder, TODAY, old_mtime=NOW - 2 * 86400, new_mtime=NOW - 86400)
        site_files.root = old
        previous = folder / "previous"
        (previous / "mirror").mkdir(parents=True)  # the history is kept in an existing mirror folder
        tag, status, log = runners.run(previous, PREVIOUS_AT, BUILD_OPTIONS)
        assert status == 0, log
        site_files.root = new
        # The new build, uninterrupted: a full build, and a nightly update, side by side.
        reference, updated = copy_state(previous, folder / "reference"), copy_state(previous, folder / "updated")
        with concurrent.futures.ThreadPoolExecutor(2) as pool:
            update = pool.submit(runners.run, updated, NEW_AT, UPDATE_OPTIONS)
            tag, status, log = runners.run(reference, NEW_AT, BUILD_OPTIONS)
            assert status == 0, log
            assert update.result()[1] == 0, update.result()[2]
        fetched = [url for url, status in site.responses(tag) if status == 200]
        world = {"folder": folder, "site": site, "runners": runners, "old": old, "new": new, "previous": previous,
                 "previous_db": fingerprint(previous / "microlensing.db"),
                 "new_db": fingerprint(reference / "microlensing.db"), "changed": as_paths(fetched)}
        for what in ("alerts", "photometry", "history"):
            assert world["previous_db"][what] != world["new_db"][what]
        assert fingerprint(updated / "microlensing.db") == world["new_db"]
        # Against the changed site, a build gets a body only for the new and changed files.
        assert 8 <= len(fetched) <= len(site.responses(tag)) / 2
        yield world


@pytest.fixture(scope="module")
def interrupted(world):
    """Every kill point, two at a time (a runner per core)."""
    with concurrent.futures.ThreadPoolExecutor(len(world["runners"].processes)) as pool:
        futures = {hook: pool.submit(interrupt, world, hook, n,
                                     BUILD_OPTIONS + (["--full"] if hook in FULL_BUILD_HOOKS else []))
                   for _, hook, n in KILL_POINTS}
        futures.update({f"update-{hook}": pool.submit(interrupt, world, hook, n, UPDATE_OPTIONS, f"update-{hook}")
                        for _, hook, n in UPDATE_KILL_POINTS})
    return futures


@pytest.mark.parametrize("point, hook, n", KILL_POINTS, ids=[hook for _, hook, _ in KILL_POINTS])
def test_a_build_killed_here_leaves_a_good_database_and_the_next_run_finishes(world, interrupted, point, hook, n):
    check(world, interrupted[hook].result(), point, hook)


@pytest.mark.parametrize("point, hook, n", UPDATE_KILL_POINTS, ids=[hook for _, hook, _ in UPDATE_KILL_POINTS])
def test_an_update_killed_here_leaves_a_good_database_and_the_next_update_finishes(world, interrupted, point, hook, n):
    check(world, interrupted[f"update-{hook}"].result(), point, hook)


def check(world, seen, point, hook):
    assert seen["killed_status"] == -signal.SIGKILL, f"not killed at {point}: exit {seen['killed_status']}\n" \
                                                     f"{seen['killed_log']}"
    # What is served: opens, passes integrity_check, and is one whole build or the other.
    assert seen["served"] is not None, f"after a kill at {point} the served database is damaged"
    assert seen["served"] in (world["previous_db"], world["new_db"]), \
        f"after a kill at {point} the served database is neither the previous nor the new build"
    if hook in AFTER_SWAP:
        assert seen["served"] == world["new_db"]
    # The mirror: no file half written (a leftover .partial-* temporary file is not a mirrored file).
    assert all(seen["versions"].values()), \
        f"half or foreign files in the mirror: {[str(p) for p, v in seen['versions'].items() if not v]}"

    # The next run: finishes, cleans up, and builds what an uninterrupted build does (history included).
    assert seen["status"] == 0, seen["log"]
    assert not seen["building_left"]
    assert seen["final"] == world["new_db"], f"the run after a kill at {point} differs from a new build"
    assert all("new" in version for version in seen["final_versions"].values())
    # It downloads only what the mirror lacked: no file it held comes again with a body.
    assert not seen["bodies"] & seen["held"], f"downloaded again: {sorted(map(str, seen['bodies'] & seen['held']))}"
    assert world["changed"] - seen["held"] <= seen["bodies"]

    # The history: intact, and a run killed before its database was swapped in is not recorded as a success.
    assert seen["history_integrity"] == [("ok",)]
    assert len(seen["runs"]) == 3 and seen["runs"][0] == seen["runs"][2] == "ok"
    if hook not in AFTER_SWAP:
        assert seen["runs"][1] != "ok", f"the run killed at {point} never swapped in but is recorded as a success"
