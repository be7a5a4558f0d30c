"""An answer into the mirror, or not: a site's error page served with 200 where a data file belongs is refused
(the good copy stays); the same bytes leave the file, and its time, alone; a 404 or 410 for a file the mirror
holds leaves the copy too (a survey's site may lose its files for a night: the copy may be the only one left)."""

from urllib.parse import urlsplit

from ..parsing import ParseError
from .outcome import Outcome

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
    """The site says the file is not there: "missing" if the mirror has none either (an optional file the event
    never had), else "gone", and the mirror keeps its copy. Only a person removes a copy from the mirror."""
    if mirror.has(url):
        return Outcome(url, "gone", f"{detail}: the site no longer has it; the mirror's copy is kept")
    return Outcome(url, "missing", detail)


def expects_data_file(url):
    return urlsplit(url).path.endswith(DATA_FILE_ENDINGS)


def looks_like_html(body):
    start = body[:1024].lstrip().lower()
    return start.startswith((b"<!doctype", b"<html", b"<head", b"<body")) or b"<html" in start
