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
PROBLEMS_SQL = """
select survey, season, kind, count(*) as files, min(url) as example, min(detail) as detail
from build_problems where kind != 'missing' group by 1, 2, 3 order by 1, 2 desc, 3
"""


def verdict(latest):
    """The latest run of one survey-season in words."""
    if latest is None:
        return "not in the latest run"
    parts = []
    if latest["alerts"] == 0:
        parts.append("no alerts loaded: the source failed")
    for column, words in [("failed", "failed to download"), ("parse_errors", "did not parse"),
                          ("skipped", "skipped (host kept failing, or event long over)")]:
        if latest[column]:
            parts.append(f"{latest[column]:,} files {words}")
    return "; ".join(parts) or "all good"


async def health_variables(datasette):
    database = datasette.databases.get(DATABASE)
    if database is None or not await database.table_exists("build_runs"):
        return {"sources": [], "runs": [], "problems": []}
    latest = {(r["survey"], r["season"]): dict(r) for r in await database.execute(LATEST_SQL)}
    sources = []
    for row in await database.execute(SOURCES_SQL):
        row = dict(row)
        row["latest"] = latest.get((row["survey"], row["season"]))
        row["verdict"] = verdict(row["latest"])
        row["broken"] = row["verdict"] != "all good"
        sources.append(row)
    runs = [dict(r) for r in await database.execute("select * from build_runs order by run_id desc limit 10")]
    problems = [dict(r) for r in await database.execute(PROBLEMS_SQL)]
    return {"sources": sources, "runs": runs, "problems": problems}


@hookimpl
def extra_template_vars(template, datasette):
    if template != "pages/health.html":
        return {}

    async def variables():
        return await health_variables(datasette)

    return variables
