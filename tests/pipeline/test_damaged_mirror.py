"""A damaged mirror costs what is damaged and no more: one bad line of a season list costs one event; anything
that is not a regular, readable, non-empty file is a reported problem, never a traceback or a hang."""

import datetime
import os
import sqlite3

import pytest

from microlensing_to_sqlite.cli import main
from microlensing_to_sqlite.names import AlertName
from microlensing_to_sqlite.ogle import site as ogle
from microlensing_to_sqlite.kmtnet import site as kmtnet
from tests.support.malformed import edit_line, set_field

TODAY = datetime.date(2026, 12, 3)
OGLE_2025_0368 = AlertName("OGLE", 2025, "BLG", 368)


def build(mirror, *arguments):
    db = mirror.root.parent / "microlensing.db"
    status = main(["--offline", "--mirror", str(mirror.root), "--db", str(db), "--full", "--force", "--no-fit", *arguments],
                  today=TODAY)
    return status, sqlite3.connect(db)


def problems(db, kind="parse_error"):
    return db.execute("select url, line, detail from build_problems where kind = ?", [kind]).fetchall()


def test_one_bad_line_of_lenses_par_costs_one_event(mirror):
    url = ogle.lenses_par_url(2016)
    mirror.write(url, edit_line(mirror.read_text(url), 500, set_field(7, "*****")).encode())
    status, db = build(mirror, "--surveys", "ogle", "--years", "2016")
    assert db.execute("select count(*) from alerts where season = 2016").fetchone() == (1926,)
    [(where, line, detail)] = problems(db)
    assert (status, where, line) == (3, url, 500) and detail.startswith("expected a number for tau")


def test_a_garbage_line_appended_to_listpage_costs_nothing_else(mirror):
    url = kmtnet.listpage_url(2019)
    listed = len(mirror.read_text(url).splitlines())
    mirror.write(url, (mirror.read_text(url) + "<html>Service Unavailable</html>\n").encode())
    status, db = build(mirror, "--surveys", "kmtnet", "--years", "2019")
    assert db.execute("select count(*) from alerts where season = 2019").fetchone()[0] >= listed
    assert [(where, line) for where, line, _ in problems(db)] == [(url, listed + 1)]


def test_a_list_cut_mid_line_loses_only_that_line(mirror):
    url = ogle.lenses_par_url(2016)
    text = mirror.read_text(url)
    mirror.write(url, text[:text.index("2016-BLG-1900")].encode() + b"2016-BLG-1900 BLG5")
    status, db = build(mirror, "--surveys", "ogle", "--years", "2016")
    assert db.execute("select count(*) from alerts where season = 2016").fetchone() == (1899,)
    assert [detail for _, _, detail in problems(db)] == ["expected a complete last line (the file ends mid-line)"]


@pytest.mark.parametrize("damage, found", [
    (lambda path: (path.unlink(), path.mkdir()), "found 'a folder'"),
    (lambda path: (path.unlink(), os.mkfifo(path)), "found 'a pipe, socket or device'"),
    (lambda path: (path.unlink(), path.symlink_to(path)), "found 'Too many levels of symbolic links'"),
    (lambda path: path.write_bytes(b""), "found 'an empty file'"),
], ids=["folder", "pipe", "symlink loop", "empty"])
def test_anything_but_a_regular_non_empty_file_is_a_reported_problem(mirror, damage, found):
    url = ogle.phot_url(OGLE_2025_0368)
    damage(mirror.path(url))
    status, db = build(mirror, "--surveys", "ogle", "--years", "2025")
    assert status == 3
    [(where, _, detail)] = problems(db)
    assert where == url and detail.endswith(found)
    assert db.execute("select n_photometry from alerts where alert_name = ?", [OGLE_2025_0368.full]).fetchone() == (0,)


def test_an_empty_season_list_is_a_reported_problem_not_an_empty_season(mirror):
    url = "https://www.massey.ac.nz/~iabond/moa/alert2024/index.dat"
    mirror.write(url, b"")
    status, db = build(mirror, "--surveys", "moa", "--years", "2024")
    assert [(where, detail) for where, _, detail in problems(db)] == [
        (url, "expected a file with something in it, found 'an empty file'")]
    assert status == 4
