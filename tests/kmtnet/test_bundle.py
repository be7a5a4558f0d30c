"""pysis.tar.gz: the pySIS files of one KMTNet event in one gzipped tar."""

import pytest

from microlensing_to_sqlite.kmtnet.bundle import BundleError, pysis_members
from tests.support.site import PYSIS_ONE_ROW as PYSIS, one_row_bundle as bundle


def test_members_are_the_pysis_files_by_base_name_as_text():
    assert pysis_members(bundle(["KMTA11_I.pysis", "KMTC11_V.pysis"])) == {
        "KMTA11_I.pysis": PYSIS, "KMTC11_V.pysis": PYSIS}


def test_other_members_are_left_out():
    assert list(pysis_members(bundle(["KMTA11_I.pysis", "diapl.jpg"]))) == ["KMTA11_I.pysis"]


@pytest.mark.parametrize("data", [
    pytest.param(b"\x1f\x8b not really gzip", id="not-gzip"),
    pytest.param(bundle(["KMTA11_I.pysis"])[:-12], id="truncated"),
    pytest.param(b"", id="empty"),
])
def test_a_corrupt_bundle_is_a_bundle_error(data):
    with pytest.raises(BundleError):
        pysis_members(data)
