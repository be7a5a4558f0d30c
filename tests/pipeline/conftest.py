"""Fixtures the pipeline tests share: a writable copy of the recorded mirror, and each survey's faulty site
(tests/support/faulty_site.py) with its clean build."""

import shutil

import pytest

from microlensing_to_sqlite.mirror import Mirror
from tests.support.faulty_site import build_survey, survey_sites
from tests.support.paths import RECORDED_MIRROR


@pytest.fixture
def mirror(tmp_path):
    """A copy of the real recorded files that a test may damage (a module may define its own `mirror`)."""
    shutil.copytree(RECORDED_MIRROR, tmp_path / "mirror")
    return Mirror(tmp_path / "mirror")


@pytest.fixture(scope="module")
def surveys():
    return survey_sites()


@pytest.fixture(scope="module")
def clean(surveys, tmp_path_factory):
    """The clean build of each survey's site, by survey key."""
    return {key: build_survey(tmp_path_factory.mktemp(f"clean-{key}"), survey) for key, survey in surveys.items()}
