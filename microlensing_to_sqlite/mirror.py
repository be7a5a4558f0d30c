"""The mirror: every downloaded file at `<mirror>/<host>/<url path>`.

A query string stays in the file name (`view.php?event=KMT-2019-BLG-0001`) and a URL ending in `/` is
stored as `index.html`. The fetch stage writes here; the load stage reads only from here, so any copy
of a mirror builds the same database offline.
"""

import datetime
import os
import stat
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

from . import limits
from .parsing import ParseError


class Mirror:
    def __init__(self, root):
        self.root = Path(root)
        self._fetched_copies = (None, {})  # (the fetch state's mtime_ns when read, what it records)

    def path(self, url):
        parts = urlsplit(url)
        relative = parts.path.lstrip("/")
        if relative == "" or relative.endswith("/"):
            relative += "index.html"
        if parts.query:
            # The query stays in the file name; a `/` in it (MOA's fetchtxt.php?path=moa/ephot/...) is escaped.
            relative += "?" + parts.query.replace("/", "%2F")
        segments = relative.split("/")
        if not parts.hostname or any(s in ("", ".", "..") for s in segments):
            raise ValueError(f"cannot mirror {url!r}: it needs a host and a plain path")
        return self.root / parts.hostname / Path(*segments)

    def has(self, url):
        return self.path(url).is_file()

    def read_bytes(self, url):
        """The mirrored file's bytes, or None if the mirror does not have it.

        Anything at the path that is not a regular, readable, non-empty file (a folder, a pipe, a link that
        goes round in circles, a file we may not read, or nothing in it) is a ParseError naming the URL: a
        site's empty answer or a damaged mirror, never a season of nothing. So are a link to a file outside the
        mirror and a file bigger than its kind's cap (limits.py), neither of which is read.
        """
        path = self.path(url)
        try:
            found = os.stat(path)
        except FileNotFoundError:
            return None
        except OSError as error:
            raise ParseError(url, None, "a regular, readable file", error.strerror) from None
        if not stat.S_ISREG(found.st_mode):
            raise ParseError(url, None, "a regular, readable file", "a folder" if stat.S_ISDIR(found.st_mode)
                             else "a pipe, socket or device")
        if found.st_size == 0:
            raise ParseError(url, None, "a file with something in it", "an empty file")
        if not self.holds(path):
            raise ParseError(url, None, "a file inside the mirror", "a link to a file outside it: not read")
        kind, cap = limits.cap_of(url)
        try:
            if found.st_size <= cap:
                with open(path, "rb") as file:
                    data = file.read(cap + 1)  # no more than the cap, should the file have grown since
                if len(data) <= cap:
                    return data
        except OSError as error:
            raise ParseError(url, None, "a regular, readable file", error.strerror) from None
        raise ParseError(url, None, f"{kind} of at most {limits.in_words(cap)}",
                         f"{limits.in_words(max(found.st_size, cap + 1))}: not read")

    def holds(self, path):
        """Is the file at path, its links followed, inside the mirror?"""
        root = os.path.realpath(self.root)
        return os.path.commonpath([root, os.path.realpath(path)]) == root

    def read_text(self, url):
        """The mirrored file as text, or None if the mirror does not have it.

        Data files are ASCII; OGLE's HTML is ISO-8859-1 and KMTNet's UTF-8, so undecodable bytes are
        read as Latin-1 rather than failing the build.
        """
        data = self.read_bytes(url)
        if data is None:
            return None
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            return data.decode("latin-1")

    def fetched_at(self, url):
        """When the fetch stage downloaded the file, as ISO 8601 UTC; None where the mirror holds a copy it did
        not write (a recorded file, a clone of a mirror, a file edited since): such a file's time is when it was
        written here, not when the survey served it. The fetch state records the size and time of every copy the
        fetch wrote (fetch/validators.py); the file's own time is the download's where they still match."""
        from .fetch.validators import STATE_FILE, copy_record, fetched_copies
        try:
            state_time = (self.root / STATE_FILE).stat().st_mtime_ns
        except OSError:
            state_time = None
        if state_time != self._fetched_copies[0]:
            self._fetched_copies = (state_time, fetched_copies(self.root) if state_time else {})
        found = self.path(url).stat()
        if self._fetched_copies[1].get(url) != copy_record(found):
            return None
        return datetime.datetime.fromtimestamp(found.st_mtime, datetime.timezone.utc).isoformat(timespec="seconds")

    def listdir(self, url):
        """Names in the mirror folder of a directory URL (empty if absent)."""
        folder = self.path(url.rstrip("/") + "/x").parent
        return sorted(os.listdir(folder)) if folder.is_dir() else []

    def changed_since(self, timestamp, ignore=()):
        """Does any mirrored file (not the mirror's own bookkeeping at its top, nor the URLs in `ignore`)
        date from after timestamp? A build killed after fetching leaves such files for the next to load."""
        ignored = {str(self.path(url)) for url in ignore}
        for host in self.root.iterdir() if self.root.is_dir() else []:
            if host.is_dir():
                for folder, _, files in os.walk(host):
                    paths = (os.path.join(folder, f) for f in files if not f.startswith(".partial-"))
                    if any(p not in ignored and modified(p) > timestamp for p in paths):
                        return True
        return False

    def write(self, url, content: bytes):
        """Write atomically: a reader (or a killed build) never sees half a file."""
        target = self.path(url)
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".partial-")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(content)
            os.chmod(temporary, 0o644)  # mkstemp makes it private; mirrored files are public data
            os.replace(temporary, target)
        except BaseException:
            os.unlink(temporary)
            raise
        return target

    def remove(self, url):
        self.path(url).unlink(missing_ok=True)


def modified(path):
    """A file's modification time; 0 for what cannot be looked at (a link that goes round in circles)."""
    try:
        return os.stat(path).st_mtime
    except OSError:
        return 0.0
