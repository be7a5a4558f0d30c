"""An answer into the mirror, or not: a site's error page served with 200 where a data file belongs is refused
(the good copy stays); the same bytes leave the file, and its time, alone; a file the site no longer has leaves
the mirror too."""

from urllib.parse import urlsplit

from ..parsing import ParseError
from .outcome import REMOVED, Outcome

DATA_FILE_ENDINGS = (".dat", ".par", ".pysis", ".diapl", ".txt", ".tar.gz", "last.changed")


def store(mirror, url, body):
    if expects_data_file(url) and looks_like_html(body):
        return Outcome(url, "failed", "an HTML page where a data file was expected")
    if not body:
        return Outcome(url, "failed", "an empty answer where a file was expected")
    try:
        if held(mirror, url) == body:
            return Outcome(url, "unchanged", "same bytes as the mirrored copy")
        mirror.write(url, body)
    except OSError as error:  # a full disk, or a folder where the file should be
        return Outcome(url, "failed", f"cannot write to the mirror: {error}")
    return Outcome(url, "fetched")


def held(mirror, url):
    """The mirrored copy's bytes; None when there is none to keep (nothing, or something unreadable)."""
    try:
        return mirror.read_bytes(url)
    except ParseError:
        return None


def gone(mirror, url, detail):
    """The site says the file is not there: so neither is it in the mirror."""
    if mirror.has(url):
        mirror.remove(url)
        detail += REMOVED
    return Outcome(url, "missing", detail)


def expects_data_file(url):
    return urlsplit(url).path.endswith(DATA_FILE_ENDINGS)


def looks_like_html(body):
    start = body[:1024].lstrip().lower()
    return start.startswith((b"<!doctype", b"<html", b"<head", b"<body")) or b"<html" in start
