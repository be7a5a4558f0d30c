"""Shared fixtures: the real survey files recorded in ../shared/survey-samples/mirror.

The files are read in place from the folder beside the repository; they are never copied into the project.
"""

import functools
import os
from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
MIRROR = SHARED / "survey-samples" / "mirror"
# The OGLE-IV EWS data files, under their host and URL path.
OGLE_EWS = Path("www.astrouw.edu.pl", "ogle", "ogle4", "ews")


@pytest.fixture(scope="session")
def shared_mirror():
    """The recorded survey files, laid out as `<host>/<url path>`."""
    if not MIRROR.is_dir():
        if os.environ.get("CI"):
            pytest.fail(f"../shared is required in CI: {MIRROR} does not exist", pytrace=False)
        pytest.skip(f"../shared/survey-samples not found beside the repository (looked for {MIRROR})")
    return MIRROR


@pytest.fixture(scope="session")
def ogle_file(shared_mirror):
    """`ogle_file("2025/blg-0001/params.dat")`: a file under the mirror's OGLE EWS folder, as text.

    Cached for the session: the same files are parsed by many tests.
    """
    folder = shared_mirror / OGLE_EWS

    @functools.lru_cache(maxsize=None)
    def read(relative_path):
        return (folder / relative_path).read_text(encoding="ascii")

    return read


EXCERPTS = SHARED / "survey-samples" / "excerpts"
# The KMTNet event pages and data files, under their host and URL path.
KMTNET_EVENT = Path("kmtnet.kasi.re.kr", "~ulens", "event")


@pytest.fixture(scope="session")
def shared_excerpts():
    """Real survey data that is not a servable file (modified or partial copies), by folder."""
    if not EXCERPTS.is_dir():
        if os.environ.get("CI"):
            pytest.fail(f"../shared is required in CI: {EXCERPTS} does not exist", pytrace=False)
        pytest.skip(f"../shared/survey-samples/excerpts not found beside the repository (looked for {EXCERPTS})")
    return EXCERPTS


@pytest.fixture(scope="session")
def kmtnet_file(shared_mirror):
    """`kmtnet_file("2019/listpage.dat")`: a file under the mirror's KMTNet `~ulens/event` folder, as text.

    KMTNet serves UTF-8. Cached for the session: the same files are parsed by many tests.
    """
    folder = shared_mirror / KMTNET_EVENT

    @functools.lru_cache(maxsize=None)
    def read(relative_path):
        return (folder / relative_path).read_text(encoding="utf-8")

    return read


@pytest.fixture(scope="session")
def shared_db_path(shared_mirror, tmp_path_factory):
    """An offline build of the whole shared mirror, made once per session."""
    from build.__main__ import main

    path = tmp_path_factory.mktemp("shared") / "microlensing.db"
    main(["--offline", "--mirror", str(shared_mirror), "--db", str(path)])
    return path


@pytest.fixture(scope="session")
def portal_for():
    """Datasette configured as `make serve` runs it (metadata, plugins, templates) for a database file."""
    import yaml
    from datasette.app import Datasette

    root = Path(__file__).resolve().parents[1]
    metadata = yaml.safe_load((root / "metadata.yml").read_text())

    def make(db_path):
        return Datasette(immutables=[str(db_path)], metadata=metadata, plugins_dir=str(root / "plugins"),
                         template_dir=str(root / "templates"), static_mounts=[("assets", str(root / "static"))],
                         settings={"suggest_facets": False})

    return make


@pytest.fixture(scope="session")
def demo_database(tmp_path_factory):
    """A synthetic demo database of all three surveys (its seasons placed relative to today), built once."""
    from build import kmtnet_build, moa_build, ogle_build
    from build.demo import demo_seasons, write_demo_mirror
    from build.load import build

    folder = tmp_path_factory.mktemp("demo")
    mirror = write_demo_mirror(folder / "mirror", events_per_season=10)
    seasons = demo_seasons()
    build(mirror, folder / "microlensing.db", [(ogle_build, seasons), (moa_build, seasons), (kmtnet_build, seasons)])
    return folder / "microlensing.db"
