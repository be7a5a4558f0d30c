"""The limits of public SQL on every connection of the portal (portal.restrict_connection, ResultBudget):
fts3_tokenizer() refused, values, rows and SQL text of bounded size, each query's result within a byte budget,
server paths hidden."""

from datasette import hookimpl

from microlensing_to_sqlite.portal import budget_results, restrict_connection


@hookimpl
def prepare_connection(conn):
    restrict_connection(conn)


@hookimpl
def startup(datasette):
    for name, database in datasette.databases.items():
        if not name.startswith("_"):
            budget_results(database)
