"""A build killed with SIGKILL anywhere (fetch, parse, load, swap) never damages what is served, and the
next run finishes the job without downloading again what the mirror already holds.

The "site" is a small demo mirror served from a loopback HTTP server (honouring If-Modified-Since with 304).
Builds run as real processes, forked from a helper that has already imported the build (an import costs
two seconds; a fork costs nothing), and every request they make is forwarded to the loopback server with
the original host in the Host header. A kill point is a hook installed in the forked build that sends
SIGKILL to its own process at the N-th call of a build function: deterministic, not a guess at timing.

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
import email.utils
import gzip
import http.server
import io
import json
import os
import queue
import re
import select
import shutil
import signal
import sqlite3
import subprocess
import sys
import tarfile
import threading
import time
from pathlib import Path

import pytest

from build.demo import write_demo_mirror
from build.demo_ogle import five_characters
from build.history import TRACKED
from build.mirror import Mirror

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork() and SIGKILL")

ROOT = Path(__file__).resolve().parents[1]
TODAY = datetime.date(2025, 7, 1)
SEASON = TODAY.year
EWS = "www.astrouw.edu.pl/ogle/ogle4/ews"
KMT = "kmtnet.kasi.re.kr/~ulens/event"
LAST_CHANGED = "ftp.astrouw.edu.pl/ogle/ogle4/ews/last.changed"
# MOA is left out: its heliocentric correction (astropy) costs seconds a build, and the kill points are the
# same code for every survey.
BUILD_OPTIONS = ["--years", str(SEASON), "--surveys", "ogle", "kmtnet", "--rate", "0",
                 "--retry-wait", "0.01", "--refresh-old-days", "0"]
PREVIOUS_AT = "2025-07-01T06:00:00+00:00"
KILLED_AT = "2025-07-02T06:00:00+00:00"
NEW_AT = "2025-07-03T06:00:00+00:00"
NOW = time.time()
OLD_MTIME, NEW_MTIME = NOW - 2 * 86400, NOW - 86400
TIMEOUT = 60  # seconds for one build (each takes one or two)

# (name, hook, N): the build is killed at the N-th call of the hook (see RUNNER).
KILL_POINTS = [
    ("fetch: before the 3rd request is sent", "request", 3),
    ("fetch: half-way through writing the 2nd changed file", "mirror_write", 2),
    ("fetch: just after the 5th changed file is stored", "stored", 5),
    ("parse: the 20th file", "parse", 20),
    ("load: the 15th lightcurve inserted", "photometry", 15),
    ("history: just after the parameter history is recorded", "history", 1),
    ("finish: alerts inserted, not committed", "alerts_inserted", 1),
    ("finish: committed, before VACUUM", "vacuum", 1),
    ("swap: just before os.replace", "before_swap", 1),
    ("swap: just after os.replace", "after_swap", 1),
]
AFTER_SWAP = {"after_swap"}
# The nightly update (--update), killed after it stored the new season lists and while it loads.
UPDATE_KILL_POINTS = [
    ("update, fetch: season lists stored, before the first event file", "request", 2),
    ("update, load: the 5th lightcurve inserted", "photometry", 5),
]

RUNNER = r'''
"""Forks a build for each job read from stdin; reports how it ended (a negative number: killed by signal)."""
import datetime, json, os, signal, sys, threading, traceback, urllib.error, urllib.parse, urllib.request

import httpx
import build.__main__ as cli
from build import fetch, history, kmtnet_build, load, mirror, ogle_build
import scipy.spatial  # what the build imports on first use, imported once here rather than in every build
import astropy.coordinates


def die():
    sys.stdout.flush(), sys.stderr.flush()
    os.kill(os.getpid(), signal.SIGKILL)


class Forward(httpx.BaseTransport):
    """Every request to the loopback site; the Host header keeps the original host."""
    def __init__(self, port, run):
        self.port, self.run, self.inner = port, run, httpx.HTTPTransport()

    def handle_request(self, request):
        request.url = request.url.copy_with(scheme="http", host="127.0.0.1", port=self.port)
        request.headers["X-Run"] = self.run
        return self.inner.handle_request(request)

    def close(self):
        self.inner.close()


class OsProxy:
    """A module's `os` with replace() hooked."""
    def __init__(self, replace):
        self.replace = replace

    def __getattr__(self, name):
        return getattr(os, name)


class ConnectionProxy:
    """An sqlite3 connection whose execute() is hooked."""
    def __init__(self, connection, on_execute):
        self._connection, self._on_execute = connection, on_execute

    def execute(self, sql, *args):
        self._on_execute(sql)
        return self._connection.execute(sql, *args)

    def __getattr__(self, name):
        return getattr(self._connection, name)


def install(hook, n):
    calls, lock = [0], threading.Lock()

    def nth():
        with lock:
            calls[0] += 1
            return calls[0] == n

    def before(owner, name):
        original = getattr(owner, name)
        def wrapper(*args, **kwargs):
            if nth():
                die()
            return original(*args, **kwargs)
        setattr(owner, name, wrapper)

    def after(owner, name):
        original = getattr(owner, name)
        def wrapper(*args, **kwargs):
            result = original(*args, **kwargs)
            if nth():
                die()
            return result
        setattr(owner, name, wrapper)

    if hook == "request":
        before(fetch.Fetcher, "_http")
    elif hook == "stored":
        original_store = fetch.Fetcher._store
        def store(self, url, body):
            outcome = original_store(self, url, body)
            if outcome.status == "fetched" and nth():
                die()
            return outcome
        fetch.Fetcher._store = store
    elif hook == "mirror_write":
        def replace(source, target):
            if nth():  # the kill lands while the file is being written: half of it on disk
                size = os.path.getsize(source)
                with open(source, "r+b") as partial:
                    partial.truncate(size // 2)
                die()
            os.replace(source, target)
        mirror.os = OsProxy(replace)
    elif hook == "parse":
        for module in (ogle_build, kmtnet_build):
            original_parse = module.parse_mirrored
            def parse(*args, _original=original_parse, **kwargs):
                if nth():
                    die()
                return _original(*args, **kwargs)
            module.parse_mirrored = parse
    elif hook == "photometry":
        after(load.DatabaseWriter, "add_photometry")
    elif hook == "history":
        after(history.History, "record")
    elif hook == "alerts_inserted":
        original_insert = load.insert
        def insert(db, table, *args):
            original_insert(db, table, *args)
            if table == "alerts" and nth():
                die()
        load.insert = insert
    elif hook == "vacuum":
        original_init = load.DatabaseWriter.__init__
        def init(self, path):
            original_init(self, path)
            self.db = ConnectionProxy(self.db, lambda sql: sql.strip().upper() == "VACUUM" and nth() and die())
        load.DatabaseWriter.__init__ = init
    elif hook in ("before_swap", "after_swap"):
        def replace(source, target):
            if hook == "before_swap" and nth():
                die()
            os.replace(source, target)
            if hook == "after_swap" and nth():
                die()
        load.os = OsProxy(replace)
    elif hook:
        raise ValueError(hook)


def ftp_open_for(port, run):
    """OGLE's FTP files from the loopback site too (over HTTP: the Host header names the FTP host). FTP has no
    conditional requests, so these are counted apart from the HTTP requests."""
    def ftp_open(url, timeout=None):
        parts = urllib.parse.urlsplit(url)
        request = urllib.request.Request(f"http://127.0.0.1:{port}{parts.path}",
                                         headers={"Host": parts.hostname, "X-Run": f"{run} ftp"})
        try:
            return urllib.request.urlopen(request, timeout=timeout)
        except urllib.error.HTTPError as error:
            raise urllib.error.URLError(f"550 {error}" if error.code == 404 else str(error))
    return ftp_open


def child(job):
    log = os.open(job["log"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    os.dup2(log, 1), os.dup2(log, 2)
    try:
        install(job["hook"], job["n"])
        status = cli.main(job["argv"], transport=Forward(job["port"], job["run"]),
                          ftp_open=ftp_open_for(job["port"], job["run"]),
                          today=datetime.date.fromisoformat(job["today"]),
                          observed_at=job["observed_at"])
    except BaseException:
        traceback.print_exc()
        status = 99
    sys.stdout.flush(), sys.stderr.flush()
    os._exit(status)


for line in sys.stdin:
    job = json.loads(line)
    sys.stdout.flush(), sys.stderr.flush()
    pid = os.fork()
    if pid == 0:
        child(job)
    _, status = os.waitpid(pid, 0)
    print(json.dumps({"exit": os.waitstatus_to_exitcode(status)}), flush=True)
'''


# The site ----------------------------------------------------------------------------------------------------

class Site(http.server.ThreadingHTTPServer):
    """Serves a mirror folder as the sites it mirrors (by the Host header); records (run, url, status)."""

    daemon_threads = True

    def __init__(self, root):
        super().__init__(("127.0.0.1", 0), SiteHandler)
        self.root, self.log, self.lock = root, [], threading.Lock()

    def handle_error(self, request, client_address):
        pass  # a build killed mid-request hangs up on us

    def responses(self, run):
        with self.lock:
            return [(url, status) for r, url, status in self.log if r == run]


class SiteHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        url = f"https://{self.headers['Host']}{self.path}"
        path = Mirror(self.server.root).path(url)
        if not path.is_file():
            status, body, headers = 404, b"", {}
        else:
            mtime = int(path.stat().st_mtime)
            headers = {"Last-Modified": email.utils.formatdate(mtime, usegmt=True)}
            since = self.headers.get("If-Modified-Since")
            since = email.utils.parsedate_to_datetime(since).timestamp() if since else None
            status, body = (304, b"") if since is not None and mtime <= since else (200, path.read_bytes())
        with self.server.lock:
            self.server.log.append((self.headers.get("X-Run"), url, status))
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        if status != 304:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def make_sites(folder):
    """The site before and after a night: new events, and events refitted with new data (a changed line in the
    season list; new parameters or a longer lightcurve in the event's files)."""
    new, old = folder / "site-new", folder / "site-old"
    write_demo_mirror(new, events_per_season=10, seed=1, today=TODAY)
    shutil.copytree(new, old)
    ews, kmt = old / EWS / str(SEASON), old / KMT / str(SEASON)
    # OGLE: the last two events are new; 0001 and 0002 get a new tau, 0003 and 0004 more photometry.
    lines = (ews / "lenses.par").read_text().splitlines(keepends=True)
    events = [line.split()[0] for line in lines if line.startswith(f"{SEASON}-BLG-")]
    for event in events[-2:]:
        shutil.rmtree(ews / f"blg-{event[-4:]}")
    tau = re.compile(r"^((?:\S+ +){7})(\S+)")  # the 8th column of lenses.par
    refitted = [f"{SEASON}-BLG-{n:04d}" for n in (1, 2, 3, 4)]
    lines = [tau.sub(lambda m: m[1] + five_characters(float(m[2]) * 0.8), line) if line[:13] in refitted else line
             for line in lines if line[:13] not in events[-2:]]
    (ews / "lenses.par").write_text("".join(lines))
    for number in (1, 2):
        params = ews / f"blg-{number:04d}" / "params.dat"
        params.write_text(re.sub(r"^(  tau )( *)([\d.]+)", lambda m: f"{m[1]}{float(m[3]) * 0.8:{len(m[2] + m[3])}.3f}",
                                 params.read_text(), flags=re.M))
    for number in (3, 4):
        phot = ews / f"blg-{number:04d}" / "phot.dat"
        phot.write_text("".join(phot.read_text().splitlines(keepends=True)[:-25]))
    # KMTNet: the last event is new; 0001 gets a new tE, 0002 a new tE and more photometry.
    lines = (kmt / "listpage.dat").read_text().splitlines(keepends=True)
    last = lines[-1].split()[0]
    t_E = re.compile(r"(\d+\.\d{5})( +)(\d+\.\d\d)")  # t_0, then t_E
    lines = [t_E.sub(lambda m: f"{m[1]}{m[2]}{float(m[3]) + 1.5:.2f}", line, count=1) if i < 2 else line
             for i, line in enumerate(lines[:-1])]
    (kmt / "listpage.dat").write_text("".join(lines))
    (kmt / f"view.php?event={last}").unlink()
    shutil.rmtree(kmt / "data" / f"KB{SEASON % 100}{last[-4:]}")
    second = sorted((kmt / "data" / f"KB{SEASON % 100}0002" / "pysis").glob("*.pysis"))[0]
    second.write_text("".join(second.read_text().splitlines(keepends=True)[:-10]))
    for site, changed in ((old, "20250630.0449"), (new, "20250701.0311")):
        add_tarballs(site)
        (site / LAST_CHANGED).parent.mkdir(parents=True)
        (site / LAST_CHANGED).write_text(changed + "\n")  # what OGLE's FTP server says changes with the EWS
    for path in files(old):
        os.utime(old / path, (OLD_MTIME, OLD_MTIME))
    for path in files(new):
        same = (old / path).is_file() and (old / path).read_bytes() == (new / path).read_bytes()
        os.utime(new / path, (OLD_MTIME, OLD_MTIME) if same else (NEW_MTIME, NEW_MTIME))
    return old, new


def add_tarballs(site):
    """KMTNet serves each event's pySIS files as one pysis.tar.gz, which the build asks for; the demo writes
    only the files. Made byte for byte the same from the same files."""
    for folder in site.glob(f"{KMT}/*/data/*/pysis"):
        data = io.BytesIO()
        with gzip.GzipFile(fileobj=data, mode="wb", compresslevel=1, mtime=0) as zipped, \
                tarfile.open(fileobj=zipped, mode="w") as tar:
            for path in sorted(folder.glob("*.pysis")):
                content = path.read_bytes()
                info = tarfile.TarInfo(f"pysis/{path.name}")
                info.size = len(content)
                tar.addfile(info, io.BytesIO(content))
        (folder / "pysis.tar.gz").write_bytes(data.getvalue())


def files(root):
    """Relative paths of the files under root that mirror a URL (not the build's own bookkeeping)."""
    return sorted(p.relative_to(root) for p in root.rglob("*")
                  if p.is_file() and not p.name.startswith(".") and not p.name.startswith("history.db"))


# Builds ------------------------------------------------------------------------------------------------------

class Builds:
    """Runner processes (one per core), and the state folders they build in (`mirror/`, `microlensing.db`)."""

    def __init__(self, folder, site, runners=2):
        self.folder, self.site, self.runs, self.lock = folder, site, 0, threading.Lock()
        runner = folder / "runner.py"
        runner.write_text(RUNNER)
        env = {**os.environ, "PYTHONPATH": str(ROOT), "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}
        self.processes = [subprocess.Popen([sys.executable, str(runner)], cwd=ROOT, env=env, text=True,
                                           stdin=subprocess.PIPE, stdout=subprocess.PIPE) for _ in range(runners)]
        self.idle = queue.Queue()
        for process in self.processes:
            self.idle.put(process)

    def run(self, state, observed_at, hook=None, n=0, options=BUILD_OPTIONS):
        """Build in state; returns (run tag, exit code or -signal, log text)."""
        with self.lock:
            self.runs += 1
            tag = f"run{self.runs}"
        log = self.folder / f"{tag}.log"
        job = {"argv": ["--mirror", str(state / "mirror"), "--db", str(state / "microlensing.db"), *options],
               "port": self.site.server_address[1], "run": tag, "today": TODAY.isoformat(),
               "observed_at": observed_at, "hook": hook, "n": n, "log": str(log)}
        process = self.idle.get(timeout=4 * TIMEOUT)
        process.stdin.write(json.dumps(job) + "\n")
        process.stdin.flush()
        if not select.select([process.stdout], [], [], TIMEOUT)[0]:
            process.kill()  # and it is not put back: the other runner takes the remaining builds
            raise AssertionError(f"{tag} ({hook} {n}) still running after {TIMEOUT} s:\n{log.read_text()}")
        line = process.stdout.readline()
        self.idle.put(process)
        assert line, "the build runner died"
        return tag, json.loads(line)["exit"], log.read_text()

    def close(self):
        for process in self.processes:
            process.stdin.close()
        for process in self.processes:
            process.wait(timeout=30)


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
    db_path, builds, site = state / "microlensing.db", world["builds"], world["site"]
    seen = {}
    killed, seen["killed_status"], seen["killed_log"] = builds.run(state, KILLED_AT, hook, n, options)
    # The killed build's own database, if it was swapped in, was built "now" like the new one.
    seen["served"] = fingerprint(db_path, same_as_new={KILLED_AT})
    seen["versions"] = mirrored_versions(state, world["old"], world["new"])
    seen["held"] = {path for path, version in seen["versions"].items() if "new" in version}
    finished, seen["status"], seen["log"] = builds.run(state, NEW_AT, options=options)
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
    site = Site(None)
    threading.Thread(target=site.serve_forever, daemon=True).start()
    builds = Builds(folder, site)  # the runners import the build while the sites are written
    try:
        old, new = make_sites(folder)
        site.root = old
        previous = folder / "previous"
        (previous / "mirror").mkdir(parents=True)  # the history is kept in an existing mirror folder
        tag, status, log = builds.run(previous, PREVIOUS_AT)
        assert status == 0, log
        site.root = new
        # The new build, uninterrupted: a full build, and a nightly update, side by side.
        reference, updated = copy_state(previous, folder / "reference"), copy_state(previous, folder / "updated")
        with concurrent.futures.ThreadPoolExecutor(2) as pool:
            update = pool.submit(builds.run, updated, NEW_AT, options=["--update", *BUILD_OPTIONS])
            tag, status, log = builds.run(reference, NEW_AT)
            assert status == 0, log
            assert update.result()[1] == 0, update.result()[2]
        fetched = [url for url, status in site.responses(tag) if status == 200]
        world = {"folder": folder, "site": site, "builds": builds, "old": old, "new": new, "previous": previous,
                 "previous_db": fingerprint(previous / "microlensing.db"),
                 "new_db": fingerprint(reference / "microlensing.db"), "changed": as_paths(fetched)}
        for what in ("alerts", "photometry", "history"):
            assert world["previous_db"][what] != world["new_db"][what]
        assert fingerprint(updated / "microlensing.db") == world["new_db"]
        # Against the changed site, a build gets a body only for the new and changed files.
        assert 8 <= len(fetched) <= len(site.responses(tag)) / 2
        yield world
    finally:
        builds.close()
        site.shutdown()
        site.server_close()


@pytest.fixture(scope="module")
def interrupted(world):
    """Every kill point, two at a time (a runner per core)."""
    with concurrent.futures.ThreadPoolExecutor(len(world["builds"].processes)) as pool:
        futures = {hook: pool.submit(interrupt, world, hook, n) for _, hook, n in KILL_POINTS}
        futures.update({f"update-{hook}": pool.submit(interrupt, world, hook, n, ["--update", *BUILD_OPTIONS],
                                                      f"update-{hook}") for _, hook, n in UPDATE_KILL_POINTS})
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
