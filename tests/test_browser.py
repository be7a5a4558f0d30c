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

from build import kmtnet_build, moa_build, ogle_build
from build.demo import demo_seasons, write_demo_mirror
from build.load import build

ROOT = Path(__file__).resolve().parents[1]
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


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """`make serve`'s Datasette on a loopback port, over a small demo database."""
    folder = tmp_path_factory.mktemp("browser")
    mirror = write_demo_mirror(folder / "mirror", events_per_season=8)
    seasons = demo_seasons()
    build(mirror, folder / "microlensing.db", [(ogle_build, seasons), (moa_build, seasons), (kmtnet_build, seasons)])
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "datasette", "serve", "-i", str(folder / "microlensing.db"),
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
    yield url
    process.terminate()
    process.wait(10)


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
