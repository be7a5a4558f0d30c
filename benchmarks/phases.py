"""Where a build's time goes, measured from outside: for the duration of a run, the benchmark wraps some of the
package's functions with timers (nothing in the package changes; the wrappers are removed afterwards).

In the main process (the writer): the copy of the previous database (load.writer.copy_file), reading it
(read_previous), the carry-over checks (carry: a stat of every file an event was read from), inserting events
(add_alert, of which Points.stored converts to integers), each survey's seasons (load.seasons.read_season), and
"finish", the stages after the reading (load.build's): the crossmatch (link_events), the tables written, the fits
and lens classes, then COMMIT, ANALYZE and VACUUM, told apart by SQLite's trace callback.

In the processes that read events (forked, so the wrappers are theirs too), in CPU seconds of the process (three
processes share two cores, so wall time would count waiting): each event's reading (read_one), and inside it the
pandas parse (parsing.fast_numbers), pysis.tar.gz unpacking, HTML pages (BeautifulSoup), MOA's
heliocentric correction and making Points (fixed point, decimals). Those times travel back with the
event (an attribute of the pickled AlertReading) and are summed by survey.
"""

import collections
import contextlib
import sys
import time

from microlensing_to_sqlite import formulas, load, parsing, reading, registry
from microlensing_to_sqlite.kmtnet import bundle
from microlensing_to_sqlite.load import seasons, writer
from microlensing_to_sqlite.photometry import Points

# Inside an event's reading, per process: seconds by step (reset for each event).
_STEPS = collections.Counter()
READING_STEPS = {  # step: the function, wrapped wherever the package's modules hold it
    "pandas parse": parsing.fast_numbers,
    "tar.gz unpacking": bundle.pysis_members,
    "HTML pages": parsing.html_soup,
    "MOA heliocentric correction": formulas.heliocentric_jd,
}
FINISH_STATEMENTS = ("COMMIT", "ANALYZE", "VACUUM")


def timed(function, add, clock=time.perf_counter):
    def wrapper(*args, **kwargs):
        start = clock()
        try:
            return function(*args, **kwargs)
        finally:
            add(clock() - start)
    wrapper.__wrapped__ = function
    return wrapper


class Phases:
    """Seconds by phase for one build (`main`), and by survey and step for the reading (`reading`)."""

    def __init__(self):
        self.main = collections.Counter()
        self.reading = collections.defaultdict(collections.Counter)
        self.events = collections.Counter()
        self.loads = collections.Counter()

    def as_dict(self):
        return {"main": dict(self.main), "reading": {k: dict(v) for k, v in self.reading.items()},
                "events": dict(self.events), "loads": dict(self.loads)}


@contextlib.contextmanager
def measured():
    """Yields a Phases filled in while the block runs a build."""
    phases = Phases()
    patches = []

    def patch(owner, name, replacement):
        patches.append((owner, name, getattr(owner, name)))
        setattr(owner, name, replacement)

    def add_main(key):
        return lambda seconds: phases.main.update({key: seconds})

    def add_step(key):
        return lambda seconds: _STEPS.update({key: seconds})

    assert registry.SURVEYS  # every survey module is imported: the wrappers reach all of them
    modules = [m for n, m in list(sys.modules.items()) if n.startswith("microlensing_to_sqlite")]
    for step, function in READING_STEPS.items():
        wrapped = timed(function, add_step(step), time.process_time)
        for module in modules:
            for name, value in list(vars(module).items()):
                if value is function:
                    patch(module, name, wrapped)
    patch(Points, "__init__", timed(Points.__init__, add_step("Points (fixed point)"), time.process_time))
    read_one = reading.read_one

    def read_one_timed(survey, season, name):
        _STEPS.clear()
        start = time.process_time()
        alert = read_one(survey, season, name)
        alert.bench_seconds = {"read": time.process_time() - start, **_STEPS}
        return alert

    patch(reading, "read_one", read_one_timed)
    add_alert = writer.DatabaseWriter.add_alert

    def add_alert_timed(self, alert):
        start = time.perf_counter()
        try:
            return add_alert(self, alert)
        finally:
            phases.main["insert"] += time.perf_counter() - start
            phases.reading[alert.survey].update(getattr(alert, "bench_seconds", {}))
            phases.events[alert.survey] += 1

    patch(writer.DatabaseWriter, "add_alert", add_alert_timed)
    patch(writer, "copy_file", timed(writer.copy_file, add_main("copy")))
    for name, key in [("read_previous", "read previous"), ("carry", "carry-over checks"),
                      ("forget_others", "forget others")]:
        patch(writer.DatabaseWriter, name, timed(getattr(writer.DatabaseWriter, name), add_main(key)))
    patch(Points, "stored", timed(Points.stored, add_main("insert: Points.stored")))
    survey_season = seasons.read_season

    def read_season_timed(survey, *args, **kwargs):
        start = time.perf_counter()
        try:
            return survey_season(survey, *args, **kwargs)
        finally:
            phases.loads[survey.name] += time.perf_counter() - start

    patch(seasons, "read_season", read_season_timed)

    def finishing(function, key=None, traced=False):
        """A stage after the reading, timed into "finish" (and into `key`); with `traced`, its COMMIT, ANALYZE
        and VACUUM apart."""
        def wrapper(*args, **kwargs):
            marks, db = [], args[0].db if traced else None
            if traced:
                db.set_trace_callback(lambda sql: marks.append((time.perf_counter(), sql.split(None, 1)[0].upper()))
                                      if sql.lstrip().upper().startswith(FINISH_STATEMENTS) else None)
            start = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                end = time.perf_counter()
                phases.main["finish"] += end - start
                if key:
                    phases.main[key] += end - start
                for (at, what), (after, _) in zip(marks, marks[1:] + [(end, None)]):
                    phases.main[f"finish: {what}"] += after - at
        return wrapper

    patch(load, "link_events", finishing(load.link_events, "finish: crossmatch"))
    patch(load, "update_fits", finishing(load.update_fits, "finish: fits"))
    patch(load, "update_lens_classes", finishing(load.update_lens_classes))
    patch(writer.DatabaseWriter, "write_tables", finishing(writer.DatabaseWriter.write_tables))
    patch(writer.DatabaseWriter, "commit", finishing(writer.DatabaseWriter.commit, traced=True))
    try:
        yield phases
    finally:
        for owner, name, original in reversed(patches):
            setattr(owner, name, original)
