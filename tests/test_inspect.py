"""The inspect file the build writes counts every table as `datasette inspect` does, without reading the file."""

import json
import subprocess
import sys

from microlensing_to_sqlite.inspect_file import inspect_data


def test_counts_are_datasette_inspects(demo_database, tmp_path):
    subprocess.run([sys.executable, "-m", "datasette", "inspect", str(demo_database), "--inspect-file",
                    str(tmp_path / "inspect.json")], check=True)
    theirs = json.loads((tmp_path / "inspect.json").read_text())
    ours = inspect_data(demo_database)
    assert ours[demo_database.stem]["tables"] == theirs[demo_database.stem]["tables"]


def test_the_hash_changes_with_the_build(demo_database, tmp_path):
    copy = tmp_path / "microlensing.db"
    copy.write_bytes(demo_database.read_bytes())
    before = inspect_data(copy)["microlensing"]["hash"]
    import sqlite3
    with sqlite3.connect(copy) as db:
        db.execute("update build_info set value = 'later' where key = 'built_at'")
    assert inspect_data(copy)["microlensing"]["hash"] != before
