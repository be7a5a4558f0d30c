"""The portal in a real browser: headless Chromium (Debian's package) driven by Playwright."""

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest


ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def browser():
    if CHROMIUM is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is required in CI (.ci/run installs Debian's chromium)", pytrace=False)
        pytest.skip("no chromium on this machine (apt-get install chromium)")
    from playwright.sync_api import sync_playwright
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serving(db_path):
    """`make serve`'s Datasette on a loopback port; yields its URL."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "datasette", "serve", "-i", str(db_path),
         "--metadata", "metadata.yml", "--plugins-dir", "plugins", "--template-dir", "templates",
         "--static", "assets:static/", "-p", str(port)],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(url + "/-/versions.json", timeout=1)
            break
        except OSError:
            time.sleep(0.1)
    try:
        yield url
    finally:
        process.terminate()
        process.wait(10)


@pytest.fixture(scope="module")
def server(demo_database):
    """The portal over the demo database."""
    yield from serving(demo_database)


def open_page(browser, url):
    page = browser.new_page(viewport={"width": 1300, "height": 1000})
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(url)
    return page, errors


def test_alert_page_draws_every_point_of_its_event(browser, server, tmp_path):
    name = "OGLE-2025-BLG-0001"
    expected = json.load(urllib.request.urlopen(f"{server}/-/lightcurve/alert/{name}.json"))["points"]
    page, errors = open_page(browser, f"{server}/microlensing/alerts/{name}")
    page.wait_for_selector("#lightcurve[data-state=ready]", timeout=20000)
    plotted = page.locator("#lightcurve g.mark-symbol.role-mark path").count()  # not the legend's
    page.screenshot(path=str(tmp_path / "alert.png"), full_page=True)
    assert plotted == expected > 0
    assert page.locator("#lightcurve g.mark-line.role-mark path").count() >= 1  # the model
    assert errors == []


def test_lightcurve_viewer_pages_through_a_result(browser, server, tmp_path):
    page, errors = open_page(browser, f"{server}/lightcurves?from=/microlensing/alerts%3Fsurvey%3DOGLE")
    page.wait_for_selector("#lightcurve[data-state=ready]", timeout=20000)
    first = page.locator("#alert-link").inner_text()
    page.click("#next")
    page.wait_for_function(f"document.querySelector('#alert-link').textContent != {json.dumps(first)}")
    page.wait_for_selector("#lightcurve[data-state=ready]", timeout=20000)
    assert page.locator("#position").inner_text().startswith("2 of ")
    page.screenshot(path=str(tmp_path / "viewer.png"), full_page=True)
    assert errors == []


def test_whole_baseline_control_redraws(browser, server):
    page, errors = open_page(browser, f"{server}/microlensing/alerts/OGLE-2025-BLG-0002")
    page.wait_for_selector("#lightcurve[data-state=ready]", timeout=20000)
    page.click(".lightcurve-whole")
    page.wait_for_selector("#lightcurve[data-state=ready]", timeout=20000)
    assert page.locator(".lightcurve-whole").inner_text() == "Show the season" and errors == []


# Scraped text is data, never markup ---------------------------------------------------------------------

HOSTILE = ['<script>window.__xss = 1</script>', '"onmouseover="window.__xss = 1" x="',
           "javascript:window.__xss = 1", "<img src=x onerror=\"window.__xss = 1\">"]


@pytest.fixture(scope="module")
def hostile_server(tmp_path_factory, recorded_mirror):
    """A build whose scraped texts (OGLE remarks, a KMTNet classification, an unparsable line shown on the
    health page) carry markup and script."""
    from microlensing_to_sqlite.ogle import site as ogle
    from microlensing_to_sqlite.cli import main
    from microlensing_to_sqlite.mirror import Mirror
    from microlensing_to_sqlite.names import AlertName

    folder = tmp_path_factory.mktemp("hostile")
    recorded, mirror = Mirror(recorded_mirror), Mirror(folder / "mirror")
    name = AlertName("OGLE", 2025, "BLG", 1)
    params = recorded.read_text(ogle.params_url(name)).replace("Remarks        ", "Remarks        " + " ".join(HOSTILE))
    mirror.write(ogle.params_url(name), params.encode())
    mirror.write(ogle.phot_url(name), recorded.read_bytes(ogle.phot_url(name)))
    mirror.write(ogle.lenses_par_url(2025), recorded.read_bytes(ogle.lenses_par_url(2025)))
    bad = AlertName("OGLE", 2025, "BLG", 2)
    mirror.write(ogle.phot_url(bad), ("2457821.85063 " + HOSTILE[0] + " 0.2 4.6 83.0\n").encode())
    kmt_page = "https://kmtnet.kasi.re.kr/~ulens/event/2019/view.php?event=KMT-2019-BLG-0001"
    page = recorded.read_text(kmt_page).replace("<td>clear</td>", "<td>&lt;script&gt;window.__xss = 1&lt;/script&gt;</td>", 1)
    mirror.write(kmt_page, page.encode())
    (folder / "served").mkdir()
    main(["--offline", "--mirror", str(folder / "mirror"), "--db", str(folder / "served" / "microlensing.db"),
          "--history", str(folder / "history.db")])
    yield from serving(folder / "served" / "microlensing.db")


@pytest.mark.parametrize("path", ["/microlensing/alerts/OGLE-2025-BLG-0001", "/microlensing/alerts",
                                  "/microlensing/alerts?_search=script", "/microlensing/alerts/KMT-2019-BLG-0001",
                                  "/microlensing/events/10250001", "/health", "/microlensing/build_problems",
                                  "/lightcurves?from=/microlensing/alerts%3Fsurvey%3DOGLE",
                                  "/lightcurves?from=javascript:window.__xss%3D1",
                                  "/-/resolve?name=%3Cscript%3Ewindow.__xss%3D1%3C/script%3E"])
def test_scraped_markup_renders_inert(browser, hostile_server, path):
    page, errors = open_page(browser, hostile_server + path)
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.wait_for_load_state("networkidle")
    page.evaluate("document.querySelectorAll('*').forEach(e => e.dispatchEvent(new MouseEvent('mouseover', "
                  "{bubbles: true})))")
    assert page.evaluate("window.__xss") is None and dialogs == []
    assert page.locator("[onmouseover], [onerror]").count() == 0
    assert page.evaluate("[...document.querySelectorAll('a')].filter(a => a.href.startsWith('javascript:')).length") == 0
    if "OGLE-2025-BLG-0001" in path and "events" not in path:
        assert "window.__xss = 1</script>" in page.inner_text("body")  # shown as the text it is


@pytest.mark.parametrize("source", ["javascript:window.__xss%3D1", "https://example.org/x",
                                    "/microlensing/../-/photometry.csv"])
def test_the_viewers_from_link_stays_on_the_portal(browser, hostile_server, source):
    page, errors = open_page(browser, f"{hostile_server}/lightcurves?from={source}")
    page.wait_for_load_state("networkidle")
    href = page.get_attribute("#lightcurves-from", "href")
    assert href.startswith("/microlensing/") and "/-/" not in href
    page.click("#lightcurves-from")
    page.wait_for_load_state("networkidle")
    assert page.url.startswith(hostile_server + "/microlensing/") and page.evaluate("window.__xss") is None
