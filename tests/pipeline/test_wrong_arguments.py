"""No wrong argument replaces the served database: a build that would read nothing, or write where it cannot, is
refused with one line and exit 2 before anything is touched; a restricted build refreshes what it names and
keeps everything else; an unexpected error is one line (the traceback with --debug)."""

import datetime
import shutil
import sqlite3

import pytest

from microlensing_to_sqlite import pipeline
from microlensing_to_sqlite.cli import main
from tests.support.paths import RECORDED_MIRROR

TODAY = datetime.date(2026, 12, 3)


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """A copy of the recorded mirror and a database built from it."""
    folder = tmp_path_factory.mktemp("served")
    shutil.copytree(RECORDED_MIRROR, folder / "mirror")
    assert main(["--offline", "--no-fit", "--mirror", str(folder / "mirror"), "--db", str(folder / "microlensing.db")],
                today=TODAY) in (0, 3)
    return folder


@pytest.fixture
def world(served, tmp_path):
    shutil.copytree(served / "mirror", tmp_path / "mirror")
    shutil.copyfile(served / "microlensing.db", tmp_path / "microlensing.db")
    return tmp_path


def build(world, *arguments):
    return main(["--offline", "--no-fit", "--mirror", str(world / "mirror"), "--db", str(world / "microlensing.db"),
                 *arguments], today=TODAY)


def alert_counts(world):
    with sqlite3.connect(world / "microlensing.db") as db:
        return dict(((s, y), n) for s, y, n in db.execute("select survey, season, count(*) from alerts group by 1, 2"))


def refused(world, capsys, *arguments):
    before = (world / "microlensing.db").read_bytes()
    status = build(world, *arguments)
    error = capsys.readouterr().err.strip()
    assert (world / "microlensing.db").read_bytes() == before
    assert not (world / "microlensing.db.building").exists()
    return status, error


def test_a_mistyped_mirror_is_refused(world, capsys):
    status, error = refused(world, capsys, "--mirror", str(world / "mirorr"))
    assert (status, error) == (2, f"error: --mirror {world / 'mirorr'} does not exist")


def test_a_mirror_that_is_a_file_is_refused(world, capsys):
    status, error = refused(world, capsys, "--mirror", str(world / "microlensing.db"))
    assert (status, error) == (2, f"error: --mirror {world / 'microlensing.db'} is not a folder")


def test_a_year_the_mirror_does_not_hold_is_refused(world, capsys):
    status, error = refused(world, capsys, "--years", "1850")
    assert status == 2 and error.startswith(f"error: the mirror {world / 'mirror'} holds no season the options name")


def test_a_database_in_a_missing_folder_is_refused(world, capsys):
    status = build(world, "--db", str(world / "nowhere" / "microlensing.db"))
    assert (status, capsys.readouterr().err.strip()) == (
        2, f"error: --db {world / 'nowhere' / 'microlensing.db'}: the folder {world / 'nowhere'} does not exist")


def test_a_database_that_is_a_folder_is_refused_and_leaves_nothing(world, capsys):
    (world / "folder.db").mkdir()
    status = build(world, "--db", str(world / "folder.db"))
    assert (status, capsys.readouterr().err.strip()) == (2, f"error: --db {world / 'folder.db'} is not a file")
    assert not (world / "folder.db.building").exists()


def test_a_history_that_is_not_one_is_refused(world, capsys):
    (world / "notes.txt").write_text("not a database, just notes\n" * 100)
    status, error = refused(world, capsys, "--history", str(world / "notes.txt"))
    assert status == 2 and error.startswith(f"error: --history {world / 'notes.txt'} is not a parameter history")


@pytest.mark.parametrize("option, value, allowed", [
    ("--per-host", "0", "a whole number of at least 1"), ("--per-host", "-3", "a whole number of at least 1"),
    ("--rate", "-1", "a number of 0 or more"), ("--rate", "nan", "a number of 0 or more"),
    ("--retry-wait", "x", "a number of 0 or more"), ("--workers", "0", "a whole number of at least 1"),
    ("--years", "25", "a year such as 2025"),
])
def test_an_argument_out_of_range_says_what_is_allowed(world, capsys, option, value, allowed):
    with pytest.raises(SystemExit) as exit:
        build(world, option, value)
    assert exit.value.code == 2
    assert f"argument {option}: {allowed}, not '{value}'" in capsys.readouterr().err


def test_events_refresh_those_events_and_keep_everything_else(world):
    before = alert_counts(world)
    assert build(world, "--events", "OGLE-2025-BLG-0368") in (0, 3)
    assert alert_counts(world) == before


def test_one_survey_keeps_the_others(world):
    before = alert_counts(world)
    assert build(world, "--surveys", "ogle") in (0, 3)
    assert alert_counts(world) == before


def test_a_full_build_of_one_survey_is_refused_by_the_drop_guard(world, capsys):
    status = build(world, "--surveys", "ogle", "--full")
    assert status == 5
    assert "KMT 2016" in capsys.readouterr().out


def test_an_event_with_no_file_anywhere_is_reported_not_inserted(world, capsys):
    assert build(world, "--events", "OGLE-2025-BLG-9999") != 0
    assert "not_found: " in capsys.readouterr().out
    with sqlite3.connect(world / "microlensing.db") as db:
        assert db.execute("select count(*) from alerts where alert_name = 'OGLE-2025-BLG-9999'").fetchone() == (0,)


def test_an_unexpected_error_is_one_line(world, capsys, monkeypatch):
    def broken(*args, **kwargs):
        raise KeyError("something nobody foresaw")

    monkeypatch.setattr(pipeline, "fetch_and_load", broken)
    assert build(world) == 1
    assert capsys.readouterr().err.strip() == "error: KeyError: 'something nobody foresaw' (--debug shows where)"


def test_debug_shows_the_traceback(world, monkeypatch):
    def broken(*args, **kwargs):
        raise KeyError("something nobody foresaw")

    monkeypatch.setattr(pipeline, "fetch_and_load", broken)
    with pytest.raises(KeyError):
        build(world, "--debug")


def test_refused_arguments_touch_no_mirror(world, capsys):
    before = sorted(p.name for p in (world / "mirror").iterdir())
    refused(world, capsys, "--years", "1850")
    assert sorted(p.name for p in (world / "mirror").iterdir()) == before
