"""The scraper-health page (/health): when each source last succeeded and what failed, in plain words."""

from datasette import hookimpl

from microlensing_to_sqlite.portal import DATABASE, built_at
from microlensing_to_sqlite.report import KEPT_PREVIOUS, PARSE_ERROR

SOURCES_SQL = """
select s.survey, s.season,
  max(case when r.status in ('ok', 'some files failed') and s.alerts > 0 and s.failed = 0 and s.parse_errors = 0
      then r.finished_at end) as last_success,
  max(r.finished_at) as last_run
from build_run_sources s join build_runs r using (run_id)
group by s.survey, s.season
order by s.survey, s.season desc
"""
LATEST_SQL = """
select s.* from build_run_sources s where s.run_id = (select max(run_id) from build_run_sources)
order by s.survey, s.season desc
"""
# Every kind, missing files too: a file gone from the mirror costs an event its points unless an earlier
# build's are kept ("kept_previous"), and either is worth seeing. Failures first, then what is kept, then what
# is missing (many of which are deliberate: OGLE lists old events without files).
PROBLEMS_SQL = """
select survey, season, kind, count(*) as files, min(url) as example, min(detail) as detail
from build_problems group by 1, 2, 3
order by kind = 'missing', kind = 'kept_previous', 1, 2 desc, 3
"""
# The words of a kind whose name does not say it ("parse_error" does: "1 file parse error").
KIND_WORDS = {KEPT_PREVIOUS: "missing or bad, its event's points kept from an earlier build"}


# Without a run history (a build with no history file, as make serve's demo): each season from the database.
SEASONS_SQL = """
select survey, season, count(*) as alerts from alerts
group by survey, season order by survey, season desc
"""
# What the site did not have, by file name: OGLE lists old events without params.dat (then without sigma).
MISSING_SQL = """
select survey, season, replace(url, rtrim(url, replace(url, '/', '')), '') as file, count(*) as files
from build_problems where kind = 'missing' group by 1, 2, 3 order by 1, 2, 4 desc
"""


def missing_words(found):
    """"1,927 params.dat, 3 phot.dat missing" of [(file name, count)], most first; "" if none."""
    if not found:
        return ""
    return ", ".join(f"{n:,} {name}" for name, n in found[:3]) + (" and more" if len(found) > 3 else "") + \
        " not on the site (their events lack what those files hold)"


def verdict(latest, kept_events=0, missing=None):
    """The latest run of one survey-season in words; kept_events: how many of its events keep the points of an
    earlier build (build_problems of kind kept_previous); missing: [(file name, how many)] the site did not
    have. "all good" only when nothing failed and nothing is missing."""
    if latest is None:
        return "not in the latest run"
    parts = []
    if latest["alerts"] == 0:
        parts.append("no alerts loaded: the source failed")
    for column, words in [("failed", "failed to download"), ("parse_errors", "did not parse"),
                          ("skipped", "skipped (host kept failing, or event long over)")]:
        if latest[column]:
            parts.append(f"{latest[column]:,} files {words}")
    if kept_events:
        keep = "event keeps" if kept_events == 1 else "events keep"
        parts.append(f"{kept_events:,} {keep} the points of an earlier build (a file missing or bad)")
    if missing:
        parts.append(missing_words(missing))
    return "; ".join(parts) or "all good"


def broken(latest, kept_events=0):
    """Whether something failed (not merely missing: OGLE lists events it has no files for)."""
    return verdict(latest, kept_events) != "all good"


async def health_variables(datasette):
    database = datasette.databases.get(DATABASE)
    if database is None or not await database.table_exists("build_problems"):
        return {"sources": [], "runs": [], "problems": [], "history": False}
    problems = [{**dict(r), "words": KIND_WORDS.get(r["kind"], r["kind"].replace("_", " "))}
                for r in await database.execute(PROBLEMS_SQL)]
    kept = {(p["survey"], p["season"]): p["files"] for p in problems if p["kind"] == KEPT_PREVIOUS}
    missing = {}
    for r in await database.execute(MISSING_SQL):
        missing.setdefault((r["survey"], r["season"]), []).append((r["file"], r["files"]))
    runs = [dict(r) for r in await database.execute("select * from build_runs order by run_id desc limit 10")] \
        if await database.table_exists("build_runs") else []
    sources = []
    if runs:
        latest = {(r["survey"], r["season"]): dict(r) for r in await database.execute(LATEST_SQL)}
        rows = [dict(r) for r in await database.execute(SOURCES_SQL)]
    else:  # no history: this database's own build is the latest run
        rows = [dict(r) for r in await database.execute(SEASONS_SQL)]
        unparsed = {(p["survey"], p["season"]): p["files"] for p in problems if p["kind"] == PARSE_ERROR}
        latest = {(r["survey"], r["season"]): {"alerts": r["alerts"], "failed": 0, "skipped": 0,
                                               "parse_errors": unparsed.get((r["survey"], r["season"]), 0)}
                  for r in rows}
    built = None if runs else await built_at(database)
    for row in rows:
        key = (row["survey"], row["season"])
        row["latest"] = latest.get(key)
        row["verdict"] = verdict(row["latest"], kept.get(key, 0), missing.get(key))
        row["broken"] = broken(row["latest"], kept.get(key, 0))
        if not runs:
            row["last_run"], row["last_success"] = built, None if row["broken"] else built
        sources.append(row)
    return {"sources": sources, "runs": runs, "problems": problems, "history": bool(runs)}


@hookimpl
def extra_template_vars(template, datasette):
    if template != "pages/health.html":
        return {}

    async def variables():
        return await health_variables(datasette)

    return variables
