"""The scraper-health page (/health): when each source last succeeded and what failed, in plain words."""

from datasette import hookimpl

from microlensing_to_sqlite.portal import DATABASE

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
KIND_WORDS = {"kept_previous": "missing or bad, its event's points kept from an earlier build"}


def verdict(latest, kept_events=0):
    """The latest run of one survey-season in words; kept_events: how many of its events keep the points of an
    earlier build (build_problems of kind kept_previous)."""
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
    return "; ".join(parts) or "all good"


async def health_variables(datasette):
    database = datasette.databases.get(DATABASE)
    if database is None or not await database.table_exists("build_runs"):
        return {"sources": [], "runs": [], "problems": []}
    latest = {(r["survey"], r["season"]): dict(r) for r in await database.execute(LATEST_SQL)}
    problems = [{**dict(r), "words": KIND_WORDS.get(r["kind"], r["kind"].replace("_", " "))}
                for r in await database.execute(PROBLEMS_SQL)]
    kept = {(p["survey"], p["season"]): p["files"] for p in problems if p["kind"] == "kept_previous"}
    sources = []
    for row in await database.execute(SOURCES_SQL):
        row = dict(row)
        row["latest"] = latest.get((row["survey"], row["season"]))
        row["verdict"] = verdict(row["latest"], kept.get((row["survey"], row["season"]), 0))
        row["broken"] = row["verdict"] != "all good"
        sources.append(row)
    runs = [dict(r) for r in await database.execute("select * from build_runs order by run_id desc limit 10")]
    return {"sources": sources, "runs": runs, "problems": problems}


@hookimpl
def extra_template_vars(template, datasette):
    if template != "pages/health.html":
        return {}

    async def variables():
        return await health_variables(datasette)

    return variables
