"""The most bytes the build takes of each kind of file, fetching it (fetch/) or reading it from the mirror
(mirror.py, kmtnet/bundle.py): a file bigger than its kind's cap is no survey's file (an error, a stranger's
answer, a damaged mirror), and is refused unread. So the build's memory is bounded by these, not by its input.

Each cap is many times the biggest real file of its kind.
"""

from urllib.parse import urlsplit

MB = 2 ** 20
# Photometry: the biggest real KMTNet pySIS files are a few MB; OGLE's phot.dat of an event watched since 2010
# and MOA's whole-baseline photometry (every point since 2005) are a few MB at most too.
PHOTOMETRY = 64 * MB
# pysis.tar.gz: a dozen pySIS files of one event, under 5 MB gzipped and well under 50 MB unpacked.
BUNDLE = 32 * MB
UNPACKED_BUNDLE = 128 * MB
# Season lists and pages: lenses.par, the biggest list, is 250 KB; the event pages are tens of KB.
LIST_OR_PAGE = 16 * MB

# OGLE's phot.dat, KMTNet's pySIS and DIAPL files, and MOA's photometry (up to 2024 through fetchtxt.php, from
# 2025 at /alerts/datafile/); index.dat and params.dat end in .dat too, and get the photometry's cap.
PHOTOMETRY_ENDINGS = (".dat", ".pysis", ".diapl")
MOA_PHOTOMETRY = ("fetchtxt.php", "/datafile/")


def cap_of(url):
    """(what the URL's file is, in words; the most bytes of it the build takes)."""
    path = urlsplit(url).path
    if path.endswith(".tar.gz"):
        return "a pySIS bundle", BUNDLE
    if path.endswith(PHOTOMETRY_ENDINGS) or any(part in path for part in MOA_PHOTOMETRY):
        return "a photometry file", PHOTOMETRY
    return "a season list or a page", LIST_OR_PAGE


def in_words(size):
    return f"{size / MB:,.1f} MB" if size >= MB else f"{size:,} bytes"
