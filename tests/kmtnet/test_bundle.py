"""pysis.tar.gz: the pySIS files of one KMTNet event in one gzipped tar."""

import pytest

from microlensing_to_sqlite import limits
from microlensing_to_sqlite.kmtnet.bundle import BundleError, pysis_members
from microlensing_to_sqlite.kmtnet.demo import bundle as tarball
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


def test_a_bundle_that_unpacks_past_its_cap_is_a_bundle_error(monkeypatch):
    """A bundle of a few KB may unpack to gigabytes: it is unpacked no further than the cap."""
    monkeypatch.setattr(limits, "UNPACKED_BUNDLE", 20_000, raising=False)
    small = bundle(["KMTA11_I.pysis"])
    big = tarball({"KMTA11_I.pysis": PYSIS + "0 0 0 0 0 0 0 0\n" * 10_000}, "KB190001")
    assert len(big) < 20_000 and pysis_members(small)
    with pytest.raises(BundleError, match="at most 20,000 bytes unpacked"):
        pysis_members(big)
