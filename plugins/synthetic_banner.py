"""Say on every page when the database holds generated demo data rather than survey data."""

from datasette import hookimpl

from microlensing_to_sqlite.portal import is_synthetic


@hookimpl
def extra_template_vars(datasette):
    async def variables():
        return {"synthetic_data": any([await is_synthetic(d) for d in datasette.databases.values()])}

    return variables
