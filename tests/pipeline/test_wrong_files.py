"""A file named on the command line that is not what the option wants is refused, with one line naming it and what
was expected, and exit 2, before anything is touched: a mistyped --db never replaces another file (the history
least of all), nor --history appends to one; a folder that cannot be written in is refused up front; --workers is
at most one per core."""

import os
import sqlite3
import sys

import httpx
import pytest

from microlensing_to_sqlite import load
from microlensing_to_sqlite.cli import main
from microlensing_to_sqlite.history import History
from tests.pipeline.test_wrong_arguments import TODAY, build, refused, served, world  # noqa: F401 (fixtures)
from tests.support.site import Site


def a_history(path):
    history = History(path)
    history.start_run("2026-12-01T00:00:00+00:00", "live")
    history.commit()
    history.close()
    return path


def refused_file(world, capsys, option, path):
    before = path.read_bytes()
    status, error = refused(world, capsys, option, str(path))
    assert path.read_bytes() == before
    assert status == 2 and "\n" not in error and error.startswith(f"error: {option} {path} ")
    return error


def test_a_db_that_is_the_history_is_refused(world, capsys):
    error = refused_file(world, capsys, "--db", a_history(world / "history.db"))
    assert error.endswith("is not a database this project built: it has no alerts or build_info table; "
                          "nothing was touched")


def test_a_db_that_is_not_sqlite_is_refused(world, capsys):
    (world / "notes.db").write_text("my notes, not a database\n" * 100)
    error = refused_file(world, capsys, "--db", world / "notes.db")
    assert "is not a database this project built: it is not an SQLite database" in error


@pytest.mark.parametrize("option, why", [("--db", "it has no alerts or build_info table"), (
    "--history", "is not a parameter history: it has no alert_history or build_runs table")])
def test_someone_elses_sqlite_is_refused(world, capsys, option, why):
    with sqlite3.connect(world / "thesis.db") as db:
        db.execute("create table chapters (title text)")
    assert why in refused_file(world, capsys, option, world / "thesis.db")


def test_a_db_file_with_nothing_in_it_is_written(world):
    (world / "new.db").touch()
    assert build(world, "--db", str(world / "new.db"), "--full", "--force") in (0, 3)
    with sqlite3.connect(world / "new.db") as db:
        assert db.execute("select count(*) from alerts").fetchone()[0] > 0


def test_a_history_that_is_the_database_is_refused(world, capsys):
    error = refused_file(world, capsys, "--history", world / "microlensing.db")
    assert error.endswith("is not a parameter history: it has a build_info table; nothing was touched")


def test_a_history_is_appended_to(world):
    a_history(world / "history.db")
    assert build(world, "--history", str(world / "history.db")) in (0, 3)
    with sqlite3.connect(world / "history.db") as db:
        assert db.execute("select count(*) from build_runs").fetchone() == (2,)


def test_the_mirrors_own_history_that_is_not_one_is_refused_naming_it(world, capsys):
    """Fetching, the history is the mirror's history.db: it too must be one (the error used not to name it)."""
    history = world / "mirror" / "history.db"
    history.write_bytes(b"not a database\n" * 100)
    site = Site()
    status = main(["--no-fit", "--mirror", str(world / "mirror"), "--db", str(world / "microlensing.db"),
                   "--events", "OGLE-2025-BLG-0368"], transport=httpx.MockTransport(site), today=TODAY)
    error = capsys.readouterr().err.strip()
    assert (status, site.urls) == (2, [])
    assert error.startswith(f"error: --history {history} is not a parameter history: it is not an SQLite database")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/proc is Linux's")
def test_a_db_in_a_folder_that_cannot_be_written_in_is_refused_naming_it(world, capsys):
    status = build(world, "--db", "/proc/x.db")
    assert (status, capsys.readouterr().err.strip()) == (
        2, "error: --db /proc/x.db: cannot write in the folder /proc (No such file or directory)")


def test_more_workers_than_cores_are_cut_to_the_cores_saying_so(world, capsys, monkeypatch):
    asked = []
    build_database = load.build

    def recording(*arguments, **options):
        asked.append(options["workers"])
        return build_database(*arguments, **options)

    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    monkeypatch.setattr(load, "build", recording)
    assert build(world, "--workers", "64") in (0, 3)
    assert asked == [2]
    assert "note: --workers 64 is more than this machine's 2 cores: using 2" in capsys.readouterr().err
