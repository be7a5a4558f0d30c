"""The nightly update: conditional requests, OGLE's last.changed, events long over, nothing re-parsed."""

import datetime
import io
import threading

import httpx
import pytest

from build import ogle
from build.__main__ import EXIT_OK, main

EWS = "https://www.astrouw.edu.pl/ogle/ogle4/ews"
TODAY = datetime.date(2025, 6, 1)


class ConditionalSite:
    """Serves the recorded OGLE 2025 files with ETags and answers If-None-Match with 304."""

    def __init__(self, shared_mirror):
        folder = shared_mirror / "www.astrouw.edu.pl/ogle/ogle4/ews/2025"
        self.files = {f"{EWS}/2025/{p.relative_to(folder)}": p.read_bytes() for p in folder.rglob("*") if p.is_file()}
        self.requests, self.lock = [], threading.Lock()

    def __call__(self, request):
        with self.lock:
            self.requests.append(request)
        body = self.files.get(str(request.url))
        if body is None:
            return httpx.Response(404)
        etag = f'"{hash(body)}"'
        if request.headers.get("if-none-match") == etag:
            return httpx.Response(304, headers={"ETag": etag})
        return httpx.Response(200, content=body, headers={"ETag": etag})


def last_changed(text):
    return lambda url, timeout=None: io.BytesIO(text)


def update(tmp_path, site, ftp_open, today=TODAY):
    return main(["--update", "--surveys", "ogle", "--rate", "0", "--mirror", str(tmp_path / "mirror"),
                 "--db", str(tmp_path / "x.db")], transport=httpx.MockTransport(site), today=today, ftp_open=ftp_open)


@pytest.fixture
def count_parses(monkeypatch):
    calls = []
    for name in ("parse_lenses_par", "parse_params_dat", "parse_phot_dat"):
        original = getattr(ogle, name)
        monkeypatch.setattr(ogle, name, lambda *a, _original=original, _name=name, **k: calls.append(_name)
                            or _original(*a, **k))
    return calls


def test_first_update_fetches_the_current_and_previous_season(tmp_path, shared_mirror):
    site = ConditionalSite(shared_mirror)
    assert update(tmp_path, site, last_changed(b"20250601.0449\n")) == EXIT_OK
    urls = {str(r.url) for r in site.requests}
    assert f"{EWS}/2024/lenses.par" in urls and f"{EWS}/2025/lenses.par" in urls
    assert f"{EWS}/2025/blg-0001/phot.dat" in urls


def test_unchanged_last_changed_asks_for_nothing_and_parses_nothing(tmp_path, shared_mirror, count_parses, capsys):
    site = ConditionalSite(shared_mirror)
    update(tmp_path, site, last_changed(b"20250601.0449\n"))
    site.requests.clear(), count_parses.clear()
    assert update(tmp_path, site, last_changed(b"20250601.0449\n")) == EXIT_OK
    assert site.requests == [] and count_parses == []
    assert "nothing changed" in capsys.readouterr().out


def test_unchanged_update_makes_only_conditional_requests_answered_304(tmp_path, shared_mirror, count_parses):
    site = ConditionalSite(shared_mirror)
    update(tmp_path, site, last_changed(b"20250601.0449\n"))
    site.requests.clear(), count_parses.clear()
    update(tmp_path, site, last_changed(b"20250602.0311\n"))  # last.changed moved: ask, conditionally
    present = [r for r in site.requests if str(r.url) in site.files]
    assert present and all(r.headers.get("if-none-match") for r in present)
    # The season lists are read to know which events to ask about; no event file is parsed again.
    assert "parse_params_dat" not in count_parses and "parse_phot_dat" not in count_parses


def test_a_changed_file_is_fetched_and_loaded(tmp_path, shared_mirror):
    import sqlite3
    site = ConditionalSite(shared_mirror)
    update(tmp_path, site, last_changed(b"20250601.0449\n"))
    url = f"{EWS}/2025/blg-0001/phot.dat"
    site.files[url] += b"2460800.12345 19.500 0.050 5.00 100.0\n"
    # With a new point OGLE refits the event, so its line in lenses.par changes too.
    listing = f"{EWS}/2025/lenses.par"
    site.files[listing] = site.files[listing].replace(b"28.56   0.128", b"28.60   0.128")
    update(tmp_path, site, last_changed(b"20250602.0311\n"))
    db = sqlite3.connect(tmp_path / "x.db")
    assert db.execute("select n_photometry from alerts where alert_id = 10250001").fetchone()[0] == 266


def test_events_long_over_are_not_asked_for_while_their_files_are_fresh(tmp_path, shared_mirror):
    site = ConditionalSite(shared_mirror)
    update(tmp_path, site, last_changed(b"20250601.0449\n"))
    site.requests.clear()
    # A year later every 2025 event is long over (t0 + 5 tE + 60 d), and its files were fetched today.
    update(tmp_path, site, last_changed(b"20260601.0311\n"), today=datetime.date(2026, 6, 1))
    asked = {str(r.url) for r in site.requests}
    # 0001 (params.dat, phot.dat) and 0006 (params.dat) are in the mirror; the others were never served.
    assert f"{EWS}/2025/lenses.par" in asked
    assert not any(url in asked for url in [f"{EWS}/2025/blg-0001/params.dat", f"{EWS}/2025/blg-0001/phot.dat",
                                            f"{EWS}/2025/blg-0006/params.dat"])


def test_update_asks_only_for_events_whose_listing_changed(tmp_path, shared_mirror):
    site = ConditionalSite(shared_mirror)
    update(tmp_path, site, last_changed(b"20250601.0449\n"))
    site.requests.clear()
    listing = f"{EWS}/2025/lenses.par"
    site.files[listing] = site.files[listing].replace(b"28.56   0.128", b"28.60   0.128")
    update(tmp_path, site, last_changed(b"20250602.0311\n"))
    event_files = sorted(str(r.url) for r in site.requests if "/blg-" in str(r.url))
    assert event_files == [f"{EWS}/2025/blg-0001/params.dat", f"{EWS}/2025/blg-0001/phot.dat"]
