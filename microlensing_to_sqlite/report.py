"""What a build loaded and what went wrong, per survey and season: the counts, the problems, the summary."""

import collections
import threading

# The kinds of problem a build records (build_problems.kind), each also a count of the survey-season.
PARSE_ERROR = "parse_error"      # a file the parser did not recognise: its URL, line and what was expected
MISSING = "missing"              # a file the event needs is not in the mirror
NOT_FOUND = "not_found"          # an event asked for by name (--events) that neither the mirror nor its list knows
FETCH_FAILED = "fetch_failed"    # a download that failed, was refused or was skipped (a host failing)
KEPT_PREVIOUS = "kept_previous"  # missing or bad, and the event's points kept from the database being replaced


class Report:
    """What a build loaded and what went wrong, per survey and season."""

    def __init__(self):
        self.counts = collections.defaultdict(collections.Counter)
        self.problems = []
        self.notes = []
        self.fits = {}  # events fitted, failed and kept by the fit stage (fit/stage.py)
        self.lock = threading.Lock()

    def count(self, survey, season, what, n=1):
        with self.lock:  # the surveys are fetched side by side
            self.counts[(survey, season)][what] += n

    def problem(self, kind, survey, season, url, detail, alert_name=None, line=None):
        self.problems.append({"survey": survey, "season": season, "alert_name": alert_name, "kind": kind,
                              "url": url, "line": line, "detail": detail})
        self.count(survey, season, kind)

    def absorb(self, event, survey, season):
        """The problems and counts of an event read (reading.AlertReading)."""
        with self.lock:
            self.problems.extend(event.problems)
            self.counts[(survey, season)].update(event.counts)

    def summary(self):
        lines = [f"{'survey':6} {'season':>6} {'alerts':>7} {'read':>7} {'photometry':>11} {'dropped':>8} "
                 f"{'missing':>8} {'unparsed':>8} {'failed':>7}"]
        for (survey, season), c in sorted(self.counts.items()):
            # Points a survey publishes without a usable time, flux or magnitude (see the survey loaders).
            dropped = sum(n for what, n in c.items() if what.startswith("dropped"))
            lines.append(f"{survey:6} {season:>6} {c['alerts']:>7} {c['read']:>7} {c['photometry']:>11} {dropped:>8} "
                         f"{c[MISSING]:>8} {c[PARSE_ERROR]:>8} {c[FETCH_FAILED]:>7}")
        for p in self.problems:
            if p["kind"] != MISSING:
                where = f"{p['url']}, line {p['line']}" if p["line"] else p["url"]
                lines.append(f"  {p['kind']}: {where}: {p['detail']}")
        return "\n".join(lines + self.notes)
