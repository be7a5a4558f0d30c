"""Builds run as real processes, killed with SIGKILL at a chosen point.

`Runners` (in the test process) starts runner processes (`python -m tests.support.kill_runner`), each of
which has already imported the build (an import costs two seconds; a fork costs nothing) and forks a build for
each job it reads. A forked build sends every request to the loopback site (loopback.py), with the original
host in the Host header and its run's tag in X-Run. A kill point is a hook installed in the forked build that
sends SIGKILL to its own process at the N-th call of a build function: deterministic, not a guess at timing.

The hooks, by name:
- "request": before each HTTP request is sent (fetch.fetcher's http_get, one call per attempt);
- "mirror_write": half-way through writing a fetched file into the mirror (the file is cut to half, then the
  build dies before it is renamed into place);
- "stored": just after a fetched file is stored in the mirror (fetch.store.store, for a "fetched" outcome);
- "parse": before a mirrored file is parsed (parse_mirrored, wherever the surveys call it, in the build's
  workers too);
- "photometry": after an event's lightcurves are inserted (load.writer.DatabaseWriter.add_lightcurves);
- "history": after the parameter history is recorded (history.History.record);
- "alerts_inserted": after the alerts are inserted, before the commit (load.writer.insert into "alerts");
- "vacuum": committed, before VACUUM (the writer's connection, at its execute("VACUUM"));
- "before_swap" / "after_swap": around the os.replace that swaps the new database in (load.os).
"""

import datetime
import importlib
import json
import os
import queue
import select
import signal
import subprocess
import sys
import threading
import traceback
import urllib.error
import urllib.parse
import urllib.request

import httpx

from microlensing_to_sqlite import cli, history, load, mirror
from microlensing_to_sqlite.load import writer
from microlensing_to_sqlite.fetch import fetcher, store
from tests.support.paths import ROOT

# Where parse_mirrored is called from: the surveys' loaders, and Survey.season_list.
PARSING_MODULES = ("microlensing_to_sqlite.survey", "microlensing_to_sqlite.ogle.survey",
                   "microlensing_to_sqlite.kmtnet.survey", "microlensing_to_sqlite.moa.survey")


# The test process's side --------------------------------------------------------------------------------------

class Runners:
    """Runner processes (`count` of them, builds side by side), building in state folders (`mirror/`,
    `microlensing.db`) against the loopback site at `port`, on `today`. A build taking more than `timeout`
    seconds fails the test."""

    def __init__(self, folder, port, today, count=2, timeout=60):
        self.folder, self.port, self.today, self.timeout = folder, port, today, timeout
        self.runs, self.lock = 0, threading.Lock()
        env = {**os.environ, "PYTHONPATH": str(ROOT), "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}
        self.processes = [subprocess.Popen([sys.executable, "-m", "tests.support.kill_runner"], cwd=ROOT, env=env,
                                           text=True, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
                          for _ in range(count)]
        self.idle = queue.Queue()
        for process in self.processes:
            self.idle.put(process)

    def run(self, state, observed_at, options, hook=None, n=0):
        """Build in state; returns (run tag, exit code or -signal, log text)."""
        with self.lock:
            self.runs += 1
            tag = f"run{self.runs}"
        log = self.folder / f"{tag}.log"
        job = {"argv": ["--mirror", str(state / "mirror"), "--db", str(state / "microlensing.db"), *options],
               "port": self.port, "run": tag, "today": self.today.isoformat(), "observed_at": observed_at,
               "hook": hook, "n": n, "log": str(log)}
        process = self.idle.get(timeout=4 * self.timeout)
        process.stdin.write(json.dumps(job) + "\n")
        process.stdin.flush()
        if not select.select([process.stdout], [], [], self.timeout)[0]:
            process.kill()  # and it is not put back: the other runners take the remaining builds
            raise AssertionError(f"{tag} ({hook} {n}) still running after {self.timeout} s:\n{log.read_text()}")
        line = process.stdout.readline()
        self.idle.put(process)
        assert line, "the build runner died"
        return tag, json.loads(line)["exit"], log.read_text()

    def close(self):
        for process in self.processes:
            process.stdin.close()
        for process in self.processes:
            process.wait(timeout=30)


# The runner's side ----------------------------------------------------------------------------------------------

def die():
    """SIGKILL to the whole build: its own process and the workers it reads events on (one process group)."""
    sys.stdout.flush(), sys.stderr.flush()
    os.killpg(os.getpgrp(), signal.SIGKILL)


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
    """Make the build die at the hook's n-th call (no hook: nothing)."""
    calls, lock = [0], threading.Lock()

    def nth():
        with lock:
            calls[0] += 1
            return calls[0] == n

    def wrap(owner, name, before=False, after=False, when=lambda result, *args: True):
        original = getattr(owner, name)

        def wrapper(*args, **kwargs):
            if before and nth():
                die()
            result = original(*args, **kwargs)
            if after and when(result, *args) and nth():
                die()
            return result
        setattr(owner, name, wrapper)

    def replace_hooked(before, after):
        """An `os` whose replace() dies when before(source) is true, or after the replace when after() is."""
        def replace(source, target):
            if before(source):
                die()
            os.replace(source, target)
            if after():
                die()
        return OsProxy(replace)

    def cut_in_half(source):
        if not nth():
            return False
        with open(source, "r+b") as partial:  # the kill lands while the file is being written: half of it on disk
            partial.truncate(os.path.getsize(source) // 2)
        return True

    never = lambda *args: False  # noqa: E731
    if hook == "request":
        wrap(fetcher, "http_get", before=True)
    elif hook == "stored":
        wrap(store, "store", after=True, when=lambda outcome, *args: outcome.status == "fetched")
    elif hook == "mirror_write":
        mirror.os = replace_hooked(cut_in_half, never)
    elif hook == "parse":
        for module in PARSING_MODULES:
            wrap(importlib.import_module(module), "parse_mirrored", before=True)
    elif hook == "photometry":
        wrap(writer.DatabaseWriter, "add_lightcurves", after=True)
    elif hook == "history":
        wrap(history.History, "record", after=True)
    elif hook == "alerts_inserted":
        wrap(writer, "insert", after=True, when=lambda result, db, table, *args: table == "alerts")
    elif hook == "vacuum":
        original_init = writer.DatabaseWriter.__init__

        def init(self, *args, **kwargs):
            original_init(self, *args, **kwargs)
            self.db = ConnectionProxy(self.db, lambda sql: sql.strip().upper() == "VACUUM" and nth() and die())
        writer.DatabaseWriter.__init__ = init
    elif hook == "before_swap":
        load.os = replace_hooked(lambda source: nth(), never)
    elif hook == "after_swap":
        load.os = replace_hooked(never, nth)
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
    os.setpgrp()  # the build and its workers are one group, killed together
    log = os.open(job["log"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    os.dup2(log, 1), os.dup2(log, 2)
    try:
        install(job["hook"], job["n"])
        status = cli.main(job["argv"], transport=Forward(job["port"], job["run"]),
                          ftp_open=ftp_open_for(job["port"], job["run"]),
                          today=datetime.date.fromisoformat(job["today"]), observed_at=job["observed_at"])
    except BaseException:
        traceback.print_exc()
        status = 99
    sys.stdout.flush(), sys.stderr.flush()
    os._exit(status)


def main():
    """Fork a build for each job read from stdin; report how it ended (a negative number: killed by signal)."""
    import astropy.coordinates  # noqa: F401  what the build imports on first use, imported once here rather
    import scipy.spatial  # noqa: F401        than in every build

    for line in sys.stdin:
        job = json.loads(line)
        sys.stdout.flush(), sys.stderr.flush()
        pid = os.fork()
        if pid == 0:
            child(job)
        _, status = os.waitpid(pid, 0)
        print(json.dumps({"exit": os.waitstatus_to_exitcode(status)}), flush=True)


if __name__ == "__main__":
    main()
