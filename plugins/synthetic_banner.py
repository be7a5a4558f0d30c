"""Say on every page when the database holds generated demo data rather than survey data."""

from datasette import hookimpl

# Served databases are immutable, so each is asked once: {database file: holds demo data}.
_synthetic = {}


async def holds_synthetic_data(datasette):
    for database in datasette.databases.values():
        if database.path not in _synthetic:
            _synthetic[database.path] = False
            if await database.table_exists("build_info"):
                rows = await database.execute("select value from build_info where key = 'synthetic'")
                _synthetic[database.path] = bool(rows.rows) and rows.rows[0][0] == "1"
    return any(_synthetic[d.path] for d in datasette.databases.values())


@hookimpl
def extra_template_vars(datasette):
    async def variables():
        return {"synthetic_data": await holds_synthetic_data(datasette)}

    return variables
