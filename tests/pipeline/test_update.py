"""The nightly update: conditional requests, OGLE's last.changed, events long over, nothing re-parsed. The site is
the recorded OGLE 2025 folder, served with ETags (If-None-Match answered with 304)."""

import datetime
import io

import pytest

from microlensing_to_sqlite.ogle import survey as ogle_survey
from microlensing_to_sqlite.plan import EXIT_OK
from tests.support.builds import run_build
from tests.support.site import EWS, Site, ogle_2025_files


def last_changed(text):
    return lambda url, timeout=None: io.BytesIO(text)


def update(tmp_path, site, ftp_open, today=datetime.date(2025, 6, 1)):
    return run_build(tmp_path, site, "--update", "--surveys", "ogle", today=today, ftp_open=ftp_open)


@pytest.fixture
def site():
    return Site(ogle_2025_files(), etags=True)


@pytest.fixture
def count_parses(monkeypatch):
    calls = []
    for name in ("parse_lenses_par", "parse_params_dat", "parse_phot_dat"):
        original = getattr(ogle_survey, name)
        monkeypatch.setattr(ogle_survey, name, lambda *a, _original=original, _name=name, **k: calls.append(_name)
                            or _original(*a, **k))
    return calls


def test_first_update_fetches_the_current_and_previous_season(tmp_path, site):
    assert update(tmp_path, site, last_changed(b"20250601.0449\n")).status == EXIT_OK
    urls = set(site.urls)
    assert f"{EWS}/2024/lenses.par" in urls and f"{EWS}/2025/lenses.par" in urls
    assert f"{EWS}/2025/blg-0001/phot.dat" in urls


def test_unchanged_last_changed_asks_for_nothing_and_parses_nothing(tmp_path, site, count_parses):
    update(tmp_path, site, last_changed(b"20250601.0449\n"))
    site.requests.clear(), count_parses.clear()
    build = update(tmp_path, site, last_changed(b"20250601.0449\n"))
    assert build.status == EXIT_OK
    assert site.requests == [] and count_parses == []
    assert "nothing changed" in build.printed


def test_unchanged_update_makes_only_conditional_requests_answered_304(tmp_path, site, count_parses):
    update(tmp_path, site, last_changed(b"20250601.0449\n"))
    site.requests.clear(), count_parses.clear()
    update(tmp_path, site, last_changed(b"20250602.0311\n"))  # last.changed moved: ask, conditionally
    present = [r for r in site.requests if str(r.url) in site.files]
    assert present and all(r.headers.get("if-none-match") for r in present)
    # The season lists are read to know which events to ask about; no event file is parsed again.
    assert "parse_params_dat" not in count_parses and "parse_phot_dat" not in count_parses


def test_a_changed_file_is_fetched_and_loaded(tmp_path, site):
    update(tmp_path, site, last_changed(b"20250601.0449\n"))
    url = f"{EWS}/2025/blg-0001/phot.dat"
    site.files[url] += b"2460800.12345 19.500 0.050 5.00 100.0\n"
    # With a new point OGLE refits the event, so its line in lenses.par changes too.
    listing = f"{EWS}/2025/lenses.par"
    site.files[listing] = site.files[listing].replace(b"28.56   0.128", b"28.60   0.128")
    build = update(tmp_path, site, last_changed(b"20250602.0311\n"))
    assert build.query("select n_photometry from alerts where alert_id = 10250001") == [(266,)]


def test_events_long_over_are_not_asked_for_while_their_files_are_fresh(tmp_path, site):
    update(tmp_path, site, last_changed(b"20250601.0449\n"))
    site.requests.clear()
    # A year later every 2025 event is long over (t0 + 5 tE + 60 d), and its files were fetched today.
    update(tmp_path, site, last_changed(b"20260601.0311\n"), today=datetime.date(2026, 6, 1))
    asked = set(site.urls)
    # 0001 (params.dat, phot.dat) and 0006 (params.dat) are in the mirror; the others were never served.
    assert f"{EWS}/2025/lenses.par" in asked
    assert not any(url in asked for url in [f"{EWS}/2025/blg-0001/params.dat", f"{EWS}/2025/blg-0001/phot.dat",
                                            f"{EWS}/2025/blg-0006/params.dat"])


def test_update_asks_only_for_events_whose_listing_changed(tmp_path, site):
    update(tmp_path, site, last_changed(b"20250601.0449\n"))
    site.requests.clear()
    listing = f"{EWS}/2025/lenses.par"
    site.files[listing] = site.files[listing].replace(b"28.56   0.128", b"28.60   0.128")
    update(tmp_path, site, last_changed(b"20250602.0311\n"))
    event_files = sorted(url for url in site.urls if "/blg-" in url)
    assert event_files == [f"{EWS}/2025/blg-0001/params.dat", f"{EWS}/2025/blg-0001/phot.dat"]
