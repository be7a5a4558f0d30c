"""MOA's difference-flux photometry (moa/photometry.py): the hand-written fetchtxt.php page and the real archive
fragments; malformed text raises ParseError naming the source and the line."""

import gzip

import pytest

from microlensing_to_sqlite.moa.photometry import maybe_gunzip, parse_photometry
from tests.support.malformed import assert_parse_error
from tests.support.moa_pages import PHOT, excerpt, handwritten, line_of

ARCHIVE_ROWS = "moaarchive_phot.rows_fragment.dat"
ARCHIVE_ZERO_JD = "moaarchive_phot.zero_jd_rows_fragment.dat"


def photometry(text=None):
    return parse_photometry(text or handwritten(PHOT), source="fetchtxt.php")


def gzipped_page():
    return gzip.compress(handwritten(PHOT).encode("ascii"), mtime=0)


# The fetchtxt.php page ---------------------------------------------------------------------------------------

def test_photometry_keeps_9_of_12_rows():
    result = photometry()
    assert (len(result.rows), result.dropped_bad_jd, result.dropped_bad_error) == (9, 2, 1)


def test_photometry_first_row_is_jd_flux_error():
    assert photometry().rows[0] == (2457750.123456, -35.2104, 90.1187)


def test_photometry_drops_jd_0_and_the_point_28000_days_early():
    assert [jd for jd, _, _ in photometry().rows if jd < 2457000] == []


def test_photometry_drops_zero_flux_error():
    assert 9800.1203 not in [flux for _, flux, _ in photometry().rows]


def test_photometry_as_plain_text_reads_the_same():
    page = handwritten(PHOT)
    text = page[page.index("<pre>") + 5:page.index("</pre>")]
    assert photometry(text) == photometry()


def test_photometry_from_gzip_bytes_reads_the_same():
    assert photometry(gzipped_page()) == photometry()


@pytest.mark.parametrize("damage", [
    pytest.param(lambda data: data[:2], id="gzip-magic-only"),
    pytest.param(lambda data: data[:len(data) // 2], id="cut-short"),
    pytest.param(lambda data: data[:-8] + bytes(8), id="crc-and-length-wrong"),
    pytest.param(lambda data: data[:10] + bytes([data[10] ^ 0xFF]) + data[11:], id="deflate-stream-garbled"),
])
def test_broken_gzip_photometry_raises_parse_error(damage):
    # Found by the fuzz tests: EOFError, gzip.BadGzipFile and zlib.error escaped from gzip.decompress.
    assert_parse_error(parse_photometry, damage(gzipped_page()), "fetchtxt.php", None)


@pytest.mark.parametrize("data", [gzip.compress(b"# RUN\n"), b"# RUN\n"], ids=["gzipped", "plain"])
def test_maybe_gunzip(data):
    assert maybe_gunzip(data) == b"# RUN\n"


# The real archive fragments ----------------------------------------------------------------------------------

def test_archive_photometry_fragment():
    result = parse_photometry(excerpt(ARCHIVE_ROWS))
    assert (result.rows, result.dropped_bad_jd, result.dropped_bad_error) == ([(2453658.85453, -192.7525, 1155.2324)], 0, 0)


def test_archive_photometry_zero_jd_row_is_dropped_and_counted():
    result = parse_photometry(excerpt(ARCHIVE_ZERO_JD))
    assert (result.rows, result.dropped_bad_jd, result.dropped_bad_error) == ([(2453658.85453, -192.7525, 1155.2324)], 1, 0)


def test_archive_photometry_gzipped_fragment():
    data = gzip.compress(excerpt(ARCHIVE_ZERO_JD).encode("ascii"))
    assert parse_photometry(data).dropped_bad_jd == 1


def test_photometry_with_4_columns():
    text = "# RUN B39558\n2453658.854530 -192.7525 1155.2324 B300-gb5-R-1\n2453659.1 10.5 900.1 B301-gb5-R-1\n"
    assert parse_photometry(text).rows == [(2453658.85453, -192.7525, 1155.2324), (2453659.1, 10.5, 900.1)]


# Malformed text: always ParseError, naming the source and the line -------------------------------------------

PHOTOMETRY_MALFORMED = [
    pytest.param(lambda t: t[:t.index("</pre>")], 23, id="no-closing-pre"),
    pytest.param(lambda t: t.replace("<body>", "<body><pre>x</pre>"), 4, id="two-pre-blocks"),
    pytest.param(lambda t: t.replace("  100.00\n2457790", "\n2457790"), 19, id="7-columns"),
    pytest.param(lambda t: t.replace("  100.00\n2457790", "  100.00  1\n2457790"), 19, id="9-columns"),
    pytest.param(lambda t: t.replace("900.2087", "900.2O87"), 20, id="flux-not-a-number"),
    pytest.param(lambda t: t.replace("2457750.123456", "2457750.l23456"), 12, id="jd-not-a-number"),
    pytest.param(lambda t: t.replace("2457750.123456    -35.2104     90.1187  B31002-gb2-R-2  2.812345  "
                                     "1523.4411  1.412345  100.00", "2457750.123456 -35.2104"), 12,
                 id="2-columns"),
]


@pytest.mark.parametrize("edit, line", PHOTOMETRY_MALFORMED)
def test_malformed_photometry_raises_parse_error(edit, line):
    assert_parse_error(parse_photometry, edit(handwritten(PHOT)), "fetchtxt.php", line)


def test_photometry_fixture_line_numbers_are_those_of_the_page():
    page = handwritten(PHOT)
    assert (line_of(page, "2457750.123456"), line_of(page, "2457790.734567"), len(page.splitlines())) == (12, 20, 24)


def test_plain_photometry_with_truncated_last_line_raises_parse_error():
    assert_parse_error(parse_photometry, excerpt(ARCHIVE_ZERO_JD)[:-5], "phot/2005-BLG-001", 2)
