"""What the portal's plugins share: the database's name (the file is microlensing.db, so its URLs are
/microlensing/...) and finding it among the databases Datasette serves."""

DATABASE = "microlensing"


def portal_database(datasette):
    """The portal's database; in a Datasette serving one other file (a test's), that one."""
    return datasette.databases.get(DATABASE) or datasette.get_database()
