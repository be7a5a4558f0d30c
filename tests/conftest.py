"""Shared fixtures: the real survey files recorded in tests/data, the databases built from them and from the
synthetic demo, and the portal as `make serve` runs it.

Tests read tests/data (and ../shared, if it is there) and never write into them: the session fails if a file
there was added, removed or changed.
"""

import functools
import os

import pytest

from tests.support.paths import KMTNET_EVENT, OGLE_EWS, RECORDED_EXCERPTS, RECORDED_MIRROR, ROOT, SHARED, DATA


def fingerprint(folder):
    """Every file below folder with its size and modification time (empty if there is no folder)."""
    found = {}
    for directory, _, files in os.walk(folder):
        for name in files:
            path = os.path.join(directory, name)
            stat = os.stat(path)
            found[path] = (stat.st_size, stat.st_mtime_ns)
    return found


READ_ONLY = [DATA, SHARED]


# The suites that build whole databases or drive a browser: `make test-fast` leaves them out, `make test` runs all.
SLOW = ("tests/pipeline/", "tests/portal/test_browser.py", "tests/test_posterior.py")


def pytest_collection_modifyitems(config, items):
    for item in items:
        if any(item.nodeid.startswith(prefix) for prefix in SLOW):
            item.add_marker(pytest.mark.slow)


def pytest_sessionstart(session):
    session.config._read_only_before = {str(folder): fingerprint(folder) for folder in READ_ONLY}


def pytest_sessionfinish(session, exitstatus):
    before = getattr(session.config, "_read_only_before", {})
    for folder, files in before.items():
        after = fingerprint(folder)
        changed = sorted(set(files) ^ set(after) | {p for p in files if p in after and files[p] != after[p]})
        if changed:
            session.config.get_terminal_writer().line(
                f"tests wrote into {folder}, which they must only read: " + ", ".join(changed[:5]), red=True)
            session.exitstatus = 1


@pytest.fixture(scope="session")
def recorded_mirror():
    """The real survey files, laid out as `<host>/<url path>` (tests/data/mirror)."""
    return RECORDED_MIRROR


@pytest.fixture(scope="session")
def recorded_excerpts():
    """Real survey data that is not a servable file, by folder (tests/data/excerpts)."""
    return RECORDED_EXCERPTS


@pytest.fixture(scope="session")
def ogle_file():
    """`ogle_file("2025/blg-0001/params.dat")`: a recorded file under OGLE's EWS folder, as text (cached)."""
    @functools.lru_cache(maxsize=None)
    def read(relative_path):
        return (OGLE_EWS / relative_path).read_text(encoding="ascii")

    return read


@pytest.fixture(scope="session")
def kmtnet_file():
    """`kmtnet_file("2019/listpage.dat")`: a recorded file under KMTNet's `~ulens/event` folder, as text (KMTNet
    serves UTF-8; cached)."""
    @functools.lru_cache(maxsize=None)
    def read(relative_path):
        return (KMTNET_EVENT / relative_path).read_text(encoding="utf-8")

    return read


@pytest.fixture(scope="session")
def recorded_db_path(tmp_path_factory):
    """An offline build of every recorded file, made once per session (it writes nothing into the mirror)."""
    from microlensing_to_sqlite.cli import main

    path = tmp_path_factory.mktemp("recorded") / "microlensing.db"
    main(["--offline", "--mirror", str(RECORDED_MIRROR), "--db", str(path)])
    return path


@pytest.fixture(scope="session")
def portal_for():
    """Datasette configured as `make serve` runs it (metadata, plugins, templates) for a database file."""
    import yaml
    from datasette.app import Datasette

    metadata = yaml.safe_load((ROOT / "metadata.yml").read_text())

    def make(db_path):
        return Datasette(immutables=[str(db_path)], metadata=metadata, plugins_dir=str(ROOT / "plugins"),
                         template_dir=str(ROOT / "templates"), static_mounts=[("assets", str(ROOT / "static"))],
                         settings={"suggest_facets": False})

    return make


@pytest.fixture(scope="session")
def demo_database(tmp_path_factory):
    """A synthetic demo database of every survey (its seasons placed relative to today), built once."""
    from microlensing_to_sqlite.demo import demo_seasons, write_demo_mirror
    from microlensing_to_sqlite.load import build
    from microlensing_to_sqlite.registry import SURVEYS

    folder = tmp_path_factory.mktemp("demo")
    mirror = write_demo_mirror(folder / "mirror", events_per_season=10)
    build(mirror, folder / "microlensing.db", [(survey, demo_seasons()) for survey in SURVEYS])
    return folder / "microlensing.db"
