"""Where a URL's file is in the mirror (microlensing_to_sqlite/mirror.py)."""

import os

import pytest

from microlensing_to_sqlite import limits
from microlensing_to_sqlite.mirror import Mirror
from microlensing_to_sqlite.parsing import ParseError
from tests.support.fetching import URL
from tests.support.site import EWS, KMT_2019_EVENT_PAGE


def test_mirror_path_is_host_then_url_path(tmp_path):
    assert Mirror(tmp_path).path(URL) == tmp_path / "www.astrouw.edu.pl/ogle/ogle4/ews/2025/blg-0001/phot.dat"


def test_mirror_path_keeps_the_query_string_in_the_file_name(tmp_path):
    assert Mirror(tmp_path).path(KMT_2019_EVENT_PAGE) == (
        tmp_path / "kmtnet.kasi.re.kr" / "~ulens" / "event" / "2019" / "view.php?event=KMT-2019-BLG-0001")


def test_mirror_path_of_a_folder_url_is_index_html(tmp_path):
    assert Mirror(tmp_path).path("https://kmtnet.kasi.re.kr/~ulens/event/2025/") == (
        tmp_path / "kmtnet.kasi.re.kr/~ulens/event/2025/index.html")


@pytest.mark.parametrize("url", [KMT_2019_EVENT_PAGE, "https://kmtnet.kasi.re.kr/~ulens/event/2025/",
                                 f"{EWS}/2025/lenses.par", "ftp://ftp.astrouw.edu.pl/ogle/ogle4/ews/last.changed"])
def test_mirror_path_finds_the_recorded_files(recorded_mirror, url):
    assert Mirror(recorded_mirror).has(url)


def test_mirror_path_escapes_a_slash_in_the_query_string(tmp_path):
    url = "https://www.massey.ac.nz/~iabond/moa/alert2017/fetchtxt.php?path=moa/ephot/phot-gb5-R-8-12345.dat"
    assert Mirror(tmp_path).path(url) == (
        tmp_path / "www.massey.ac.nz/~iabond/moa/alert2017/fetchtxt.php?path=moa%2Fephot%2Fphot-gb5-R-8-12345.dat")


@pytest.mark.parametrize("url", ["https://www.astrouw.edu.pl/ogle/../../etc/passwd", "file:///etc/passwd",
                                 "https://www.astrouw.edu.pl/ogle//ews/2025/lenses.par"])
def test_mirror_path_refuses_urls_that_would_leave_their_host_folder(tmp_path, url):
    with pytest.raises(ValueError):
        Mirror(tmp_path).path(url)


def test_a_mirrored_file_bigger_than_its_kinds_cap_is_a_parse_error_and_not_read(tmp_path, monkeypatch):
    monkeypatch.setattr(limits, "PHOTOMETRY", 1000, raising=False)
    Mirror(tmp_path).write(URL, b"2457821.85063 20.079 0.223\n" * 100)
    with pytest.raises(ParseError) as error:
        Mirror(tmp_path).read_bytes(URL)
    assert error.value.source == URL and "at most 1,000 bytes" in error.value.reason


def test_a_sparse_file_of_gigabytes_is_refused_by_its_size_alone(tmp_path):
    path = Mirror(tmp_path).write(URL, b"x")
    os.truncate(path, 3 * 2 ** 30)  # a hole: no disk, and nothing is read
    with pytest.raises(ParseError) as error:
        Mirror(tmp_path).read_bytes(URL)
    assert "a photometry file of at most 64.0 MB" in error.value.reason and "3,072.0 MB" in error.value.reason
