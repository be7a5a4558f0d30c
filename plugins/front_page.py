"""What the front page shows besides Datasette's own: each survey's credit and data policy, when the
data was last refreshed, and the canned questions with one sentence on what each finds."""

from datasette import hookimpl

from microlensing_to_sqlite.portal import DATABASE


async def front_page_variables(datasette):
    database = datasette.databases.get(DATABASE)
    if database is None or not await database.table_exists("sources"):
        return {}
    sources = [dict(row) for row in await database.execute("select * from sources order by survey")]
    info = {key: value for key, value in await database.execute("select key, value from build_info")}
    queries = await datasette.get_canned_queries(DATABASE, None)
    return {"sources": sources, "build_info": info,
            "questions": [{"name": name, "title": query.get("title") or name,
                           "description": query.get("description") or ""} for name, query in queries.items()]}


@hookimpl
def extra_template_vars(template, datasette):
    if template != "index.html":
        return {}

    async def variables():
        return await front_page_variables(datasette)

    return variables
