"""A survey site on a loopback HTTP server, for builds that run as processes of their own, and the demo sites
it serves to them: the site before a night and after it.

The server serves a `site.Site` over HTTP: a request's Host header names the host it was meant for. Serving a
`MirrorFiles`, it answers If-Modified-Since with 304.
"""

import contextlib
import http.server
import os
import re
import shutil
import threading

import httpx

from microlensing_to_sqlite.demo import write_demo_mirror
from microlensing_to_sqlite.kmtnet.demo import bundle
from microlensing_to_sqlite.ogle.demo import five_characters

EWS = "www.astrouw.edu.pl/ogle/ogle4/ews"
KMT = "kmtnet.kasi.re.kr/~ulens/event"
LAST_CHANGED = "ftp.astrouw.edu.pl/ogle/ogle4/ews/last.changed"


class Loopback(http.server.ThreadingHTTPServer):
    """The site on 127.0.0.1, at a free port (`port`)."""

    daemon_threads = True

    def __init__(self, site):
        super().__init__(("127.0.0.1", 0), LoopbackHandler)
        self.site = site

    @property
    def port(self):
        return self.server_address[1]

    def handle_error(self, request, client_address):
        pass  # a build killed mid-request hangs up on us


class LoopbackHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        url = f"https://{self.headers['Host']}{self.path}"
        response = self.server.site(httpx.Request("GET", url, headers=list(self.headers.items())))
        has_body = response.status_code != 304
        self.send_response(response.status_code)
        for name, value in response.headers.items():
            if name.lower() != "content-length":
                self.send_header(name, value)
        if has_body:
            self.send_header("Content-Length", str(len(response.content)))
        self.end_headers()
        if has_body:
            self.wfile.write(response.content)

    def log_message(self, *args):
        pass


@contextlib.contextmanager
def serving(site):
    """The site served on loopback for the duration: yields the server."""
    server = Loopback(site)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


# The demo sites ------------------------------------------------------------------------------------------------

def make_sites(folder, today, old_mtime, new_mtime):
    """The site before and after a night (two mirror folders): new events, and events refitted with new data (a
    changed line in the season list; new parameters or a longer lightcurve in the event's files). A file of the
    old site has old_mtime; a file of the new site has old_mtime if the old site had it the same, else new_mtime."""
    season = today.year
    new, old = folder / "site-new", folder / "site-old"
    write_demo_mirror(new, events_per_season=10, seed=1, today=today)
    shutil.copytree(new, old)
    ews, kmt = old / EWS / str(season), old / KMT / str(season)
    # OGLE: the last two events are new; 0001 and 0002 get a new tau, 0003 and 0004 more photometry.
    lines = (ews / "lenses.par").read_text().splitlines(keepends=True)
    events = [line.split()[0] for line in lines if line.startswith(f"{season}-BLG-")]
    for event in events[-2:]:
        shutil.rmtree(ews / f"blg-{event[-4:]}")
    tau = re.compile(r"^((?:\S+ +){7})(\S+)")  # the 8th column of lenses.par
    refitted = [f"{season}-BLG-{n:04d}" for n in (1, 2, 3, 4)]
    lines = [tau.sub(lambda m: m[1] + five_characters(float(m[2]) * 0.8), line) if line[:13] in refitted else line
             for line in lines if line[:13] not in events[-2:]]
    (ews / "lenses.par").write_text("".join(lines))
    for number in (1, 2):
        params = ews / f"blg-{number:04d}" / "params.dat"
        params.write_text(re.sub(r"^(  tau )( *)([\d.]+)", lambda m: f"{m[1]}{float(m[3]) * 0.8:{len(m[2] + m[3])}.3f}",
                                 params.read_text(), flags=re.M))
    for number in (3, 4):
        phot = ews / f"blg-{number:04d}" / "phot.dat"
        phot.write_text("".join(phot.read_text().splitlines(keepends=True)[:-25]))
    # KMTNet: the last event is new; 0001 gets a new tE, 0002 a new tE and more photometry.
    lines = (kmt / "listpage.dat").read_text().splitlines(keepends=True)
    last = lines[-1].split()[0]
    t_E = re.compile(r"(\d+\.\d{5})( +)(\d+\.\d\d)")  # t_0, then t_E
    lines = [t_E.sub(lambda m: f"{m[1]}{m[2]}{float(m[3]) + 1.5:.2f}", line, count=1) if i < 2 else line
             for i, line in enumerate(lines[:-1])]
    (kmt / "listpage.dat").write_text("".join(lines))
    (kmt / f"view.php?event={last}").unlink()
    shutil.rmtree(kmt / "data" / f"KB{season % 100}{last[-4:]}")
    second = sorted((kmt / "data" / f"KB{season % 100}0002" / "pysis").glob("*.pysis"))[0]
    second.write_text("".join(second.read_text().splitlines(keepends=True)[:-10]))
    for site, changed in ((old, f"{season}0630.0449"), (new, f"{season}0701.0311")):
        add_tarballs(site)
        (site / LAST_CHANGED).parent.mkdir(parents=True)
        (site / LAST_CHANGED).write_text(changed + "\n")  # what OGLE's FTP server says changes with the EWS
    for path in files(old):
        os.utime(old / path, (old_mtime, old_mtime))
    for path in files(new):
        same = (old / path).is_file() and (old / path).read_bytes() == (new / path).read_bytes()
        os.utime(new / path, (old_mtime, old_mtime) if same else (new_mtime, new_mtime))
    return old, new


def add_tarballs(site):
    """KMTNet serves each event's pySIS files as one pysis.tar.gz, which the build asks for; the demo writes
    only the files. Made byte for byte the same from the same files."""
    for folder in site.glob(f"{KMT}/*/data/*/pysis"):
        members = {path.name: path.read_text() for path in sorted(folder.glob("*.pysis"))}
        (folder / "pysis.tar.gz").write_bytes(bundle(members))


def files(root):
    """Relative paths of the files under root that mirror a URL (not the build's own bookkeeping)."""
    return sorted(p.relative_to(root) for p in root.rglob("*")
                  if p.is_file() and not p.name.startswith(".") and not p.name.startswith("history.db"))
