"""Each URL's validators, kept between runs in `<mirror>/.fetch-state.json`: the ETag and Last-Modified a site
sent with the file (sent back as If-None-Match / If-Modified-Since, so that an unchanged file costs a 304), the
size and time of the copy the fetch stage wrote (so that the load can tell a fetched copy from one written or
copied otherwise: fetched_copies), and when a URL last answered 404 (so that an update need not ask again every
night)."""

import datetime
import email.utils
import json
import threading
import time

STATE_FILE = ".fetch-state.json"
# What is kept of each URL: (key, response header, the request header that sends it back).
VALIDATORS = (("etag", "ETag", "If-None-Match"), ("last_modified", "Last-Modified", "If-Modified-Since"))


class Validators:
    def __init__(self, mirror):
        self.mirror, self.lock = mirror, threading.Lock()
        self.path = mirror.root / STATE_FILE
        try:  # url -> {"etag": ..., "last_modified": ...}; absent or damaged, the next fetch is in full
            self.state = dict(json.loads(self.path.read_text(encoding="utf-8")))
            self.saved_ns = self.path.stat().st_mtime_ns
        except (OSError, ValueError, TypeError):
            self.state, self.saved_ns = {}, None
        self.changed = False
        self.remembered = set()  # URLs whose validators came from the site in this run

    def conditions(self, url):
        """(the conditional request headers, the validators they come from) for a URL; none for a URL the
        mirror does not hold."""
        if not self.mirror.has(url):
            return {}, {}
        known = self.state.get(url, {})
        if known and url not in self.remembered and not self.for_this_copy(url, known):
            known = {}  # kept for an older copy: this one was written by a build killed before it saved its own
        headers = {send: known[key] for key, _, send in VALIDATORS if key in known}
        if not headers:
            # No validators kept (a build killed before it saved them): the file's own time will do.
            mtime = self.mirror.path(url).stat().st_mtime
            headers["If-Modified-Since"] = email.utils.formatdate(mtime, usegmt=True)
        return headers, known

    def for_this_copy(self, url, known):
        """Whether validators were kept for the copy the mirror holds now: its size and time are those recorded
        with them. (Validators kept before copies were recorded: whether the state was saved after the copy
        was written. A state saved by one survey's fetch while another's had written a file but not yet
        remembered its validators says nothing of that file: hence the record.)"""
        if "copy" in known:
            return known["copy"] == self.copy_of(url)
        return self.mirror.path(url).stat().st_mtime_ns <= (self.saved_ns or 0)

    def copy_of(self, url):
        return copy_record(self.mirror.path(url).stat())

    def remember(self, url, response_headers, known=None):
        """Keep the validators of a 200, or of a 304 (which may send none: then those it answered stay), with
        the size and time of the copy they are for (kept with no validators too: the copy was fetched)."""
        fresh = {key: response_headers[name] for key, name, _ in VALIDATORS if name in response_headers}
        validators = {key: value for key, value in (fresh or known or {}).items() if key != "copy"}
        if self.mirror.has(url):
            validators["copy"] = self.copy_of(url)
        self._keep(url, validators)

    def remember_missing(self, url):
        self._keep(url, {"missing_since": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")})

    def _keep(self, url, validators):
        with self.lock:
            self.remembered.add(url)
            old = self.state.pop(url, {})
            if validators:
                self.state[url] = validators
            self.changed |= validators != old

    def last_answer_age_days(self, url):
        """Days since the site last answered for this URL with the file or with a 404 (inf if never)."""
        if self.mirror.has(url):
            return (time.time() - self.mirror.path(url).stat().st_mtime) / 86400
        missing_since = self.state.get(url, {}).get("missing_since")
        if missing_since is None:
            return float("inf")
        return (datetime.datetime.now(datetime.timezone.utc) - datetime.datetime.fromisoformat(missing_since)
                ).total_seconds() / 86400

    def remember_written(self, urls):
        """Record copies written by this project rather than fetched (the SYNTHETIC demo's, as if served when
        written), then save."""
        for url in urls:
            self.remember(url, {})
        self.save()

    def save(self):
        """Write the state file, if it changed, atomically: write a copy, rename it."""
        with self.lock:
            if self.changed:
                # A 404 is remembered too, so the mirror root may not exist yet (a new mirror's first answer).
                self.path.parent.mkdir(parents=True, exist_ok=True)
                partial = self.path.with_name(STATE_FILE + ".partial")
                partial.write_text(json.dumps(self.state, indent=1, sort_keys=True), encoding="utf-8")
                partial.replace(self.path)
                self.changed = False


def copy_record(found):
    """What the state keeps of a copy (`found`, its os.stat): its size and time, [st_size, st_mtime_ns]."""
    return [found.st_size, found.st_mtime_ns]


def fetched_copies(root):
    """{url: [size, mtime_ns]} of every copy the fetch stage recorded writing in the mirror at root ({} for a
    mirror it never wrote: a recorded or generated one)."""
    try:
        state = json.loads((root / STATE_FILE).read_text(encoding="utf-8"))
        return {url: known["copy"] for url, known in state.items() if isinstance(known, dict) and "copy" in known}
    except (OSError, ValueError, TypeError, AttributeError):
        return {}
