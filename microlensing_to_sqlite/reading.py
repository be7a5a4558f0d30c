"""Reading alerts: what one alert's files give (an `AlertReading`), what it was read from (so that the next build can
tell whether anything changed), and reading many alerts on every core while the writer inserts.

A survey's `read_alert` fills an AlertReading from the mirror and nothing else: no database, no shared state. So alerts
are read in worker processes (forked, so they share the season's list without copying it), and the writer, in
the main process, takes them in alert_id order.
"""

import collections
import concurrent.futures
import json
import multiprocessing
import os

# Below this many alerts a season is read in the main process: forking workers would cost more than it saves.
PARALLEL_FROM = 24


class AlertReading:
    """What reading one alert gave: its row, its lightcurves, the cross-references it publishes, the
    problems and counts of its files, and what it was read from."""

    def __init__(self, survey, name):
        self.survey, self.name = survey, name
        self.record = {}
        self.lightcurves = []       # (telescope, band, Points)
        self.crossrefs = []         # (other alert's full name, source, as published)
        self.problems = []
        self.counts = collections.Counter()
        self.complete = True
        self.key = None             # what the season's list and context said of it (Survey.inputs_key)
        self.reads = None           # the files it was read from, with their size and time (ReadingLog.reads)

    # The report's interface, so that parse_mirrored reports an alert's files to its reading.
    def problem(self, kind, survey, season, url, detail, alert_name=None, line=None):
        self.problems.append({"survey": survey, "season": season, "alert_name": alert_name, "kind": kind,
                              "url": url, "line": line, "detail": detail})
        self.count(survey, season, kind)

    def count(self, survey, season, what, n=1):
        self.counts[what] += n

    def add_lightcurve(self, telescope, band, points):
        self.lightcurves.append((telescope, band, points))

    def add_crossref(self, other_name, source, published_as):
        self.crossrefs.append((other_name, source, published_as))


class ReadingLog:
    """A mirror that notes every file and folder read through it, for the inputs of an alert."""

    def __init__(self, mirror):
        self.mirror, self.files, self.folders = mirror, set(), set()

    def __getattr__(self, name):
        return getattr(self.mirror, name)

    def read_text(self, url):
        self.files.add(url)
        return self.mirror.read_text(url)

    def read_bytes(self, url):
        self.files.add(url)
        return self.mirror.read_bytes(url)

    def has(self, url):
        self.files.add(url)
        return self.mirror.has(url)

    def fetched_at(self, url):
        self.files.add(url)
        return self.mirror.fetched_at(url)

    def listdir(self, url):
        self.folders.add(url)
        return self.mirror.listdir(url)

    def reads(self):
        """[[url, size, mtime_ns] for a file (null size and time when missing), [url, [names]] for a folder]."""
        return inputs_of(self.mirror, sorted(self.files), sorted(self.folders))


def inputs_of(mirror, files, folders):
    found = []
    for url in files:
        try:
            stat = os.stat(mirror.path(url))
            found.append([url, stat.st_size, stat.st_mtime_ns])
        except (OSError, ValueError):
            found.append([url, None, None])
    return found + [[url, mirror.listdir(url)] for url in folders]


def reads_now(mirror, reads):
    """The same reads as they stand in the mirror now: equal to `reads` when nothing they name changed."""
    files = [entry[0] for entry in reads if len(entry) == 3]
    folders = [entry[0] for entry in reads if len(entry) == 2]
    return inputs_of(mirror, files, folders)


def canonical_json(value):
    return json.dumps(value, sort_keys=True, separators=(",", ":"), default=str)


# Reading many alerts ------------------------------------------------------------------------------------------

_WORK = None  # (survey, season) for the forked workers


def read_one(survey, season, name):
    alert = AlertReading(survey.name, name)
    log = ReadingLog(season.mirror)
    alert.complete = survey.read_alert(season.reading_through(log), name, alert)
    alert.key = survey.inputs_key(season, name)
    alert.reads = log.reads()
    return alert


def _read_in_worker(name):
    survey, season = _WORK
    return read_one(survey, season, name)


def read_alerts(survey, season, names, workers=1):
    """Each alert of `names` read, in order; on `workers` processes when there are enough of them."""
    global _WORK
    if workers <= 1 or len(names) < PARALLEL_FROM:
        for name in names:
            yield read_one(survey, season, name)
        return
    _WORK = (survey, season)
    survey.before_forking(season)
    # A worker that dies (killed, out of memory) breaks the pool: the build fails, and the old database stays.
    pool = concurrent.futures.ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"))
    try:
        yield from pool.map(_read_in_worker, names, chunksize=max(1, min(16, len(names) // (workers * 8))))
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
        _WORK = None
