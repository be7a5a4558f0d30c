"""The portal in a real browser: headless Chromium (Debian's package) driven by Playwright."""

import contextlib
import json
import os
import shutil
import socket
import sqlite3
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


@pytest.fixture(scope="module")
def fitted_alert(demo_database):
    """An OGLE alert whose event has a joint fit, and the lightcurve document of it."""
    with contextlib.closing(sqlite3.connect(demo_database)) as db:
        (name,) = db.execute("select a.alert_name from alerts a join fits f using (event_id) where f.status = 'ok' "
                             "and a.survey = 'OGLE' order by a.alert_id limit 1").fetchone()
    return name


def lightcurve_document(server, name):
    return json.load(urllib.request.urlopen(f"{server}/-/lightcurve/alert/{name}.json"))


# The view shown is the chart's first; the other, drawn ahead while the page is idle, is kept out of sight.
SHOWN = "#lightcurve .lightcurve-chart > div:first-child"


def symbols(page):
    return page.locator(f"{SHOWN} g.mark-symbol.role-mark path").count()  # not the legend's


def test_alert_page_shows_its_event_aligned_to_the_reference_by_default(browser, server, fitted_alert, tmp_path):
    document = lightcurve_document(server, fitted_alert)
    aligned = sum(sum(v is not None for v in s.get("aligned") or []) for s in document["series"])
    residuals = sum(sum(v is not None for v in s.get("residual") or []) for s in document["series"])
    page, errors = open_page(browser, f"{server}/microlensing/alerts/{fitted_alert}")
    page.wait_for_selector("#lightcurve[data-state=ready]", timeout=20000)
    page.screenshot(path=str(tmp_path / "aligned.png"), full_page=True)
    assert page.get_attribute("#lightcurve", "data-view") == "aligned"
    assert symbols(page) == aligned + residuals > 0  # the lightcurve and, below it, its residuals
    assert f"aligned to {document['fit']['reference']}" in page.locator(".lightcurve-note").inner_text()
    assert page.locator(f"{SHOWN} g.mark-line.role-mark path").count() >= 1  # the joint model
    assert errors == []


def test_each_view_is_drawn_once_and_the_other_ahead_of_the_first_toggle(browser, server, fitted_alert):
    """Toggling to a view drawn before only shows it: after the page is idle the published view is ready, and
    going back and forth draws nothing more (two views in all, the shown one first)."""
    document = lightcurve_document(server, fitted_alert)
    page, errors = open_page(browser, f"{server}/microlensing/alerts/{fitted_alert}")
    page.wait_for_selector("#lightcurve[data-state=ready][data-prepared='1']", timeout=20000)
    for view in ("published", "aligned", "published"):
        page.click(".lightcurve-view")
        page.wait_for_selector(f"#lightcurve[data-view={view}][data-state=ready]", timeout=20000)
    assert page.locator("#lightcurve .lightcurve-chart > div").count() == 2
    assert page.get_attribute(SHOWN, "data-key") == "published" and symbols(page) == document["points"]
    assert page.locator("#lightcurve .lightcurve-chart > div:nth-child(2)").is_hidden()
    assert errors == []


def test_the_chart_goes_back_to_the_magnitudes_as_published(browser, server, fitted_alert):
    document = lightcurve_document(server, fitted_alert)
    page, errors = open_page(browser, f"{server}/microlensing/alerts/{fitted_alert}")
    page.wait_for_selector("#lightcurve[data-state=ready]", timeout=20000)
    page.click(".lightcurve-view")
    page.wait_for_selector("#lightcurve[data-view=published][data-state=ready]", timeout=20000)
    assert symbols(page) == document["points"]
    assert page.locator(".lightcurve-view").inner_text().startswith("Show aligned to ")
    assert "as each survey published them" in page.locator(".lightcurve-note").inner_text()
    assert errors == []


def hover_a_point(page):
    """The tooltip of a point inside the plotted window (the data reach beyond it, clipped)."""
    page.locator("#lightcurve .lightcurve-chart").scroll_into_view_if_needed()
    x, y = page.evaluate("""() => {
      const chart = document.querySelector('#lightcurve .lightcurve-chart > div:first-child svg').getBoundingClientRect();
      for (const point of document.querySelectorAll('#lightcurve .lightcurve-chart > div:first-child g.mark-symbol.role-mark path')) {
        const box = point.getBoundingClientRect(), x = box.x + box.width / 2, y = box.y + box.height / 2;
        if (x > chart.left + 60 && x < chart.right - 200 && y > chart.top + 10 && y < chart.top + 350) return [x, y];
      }
    }""")
    page.mouse.move(x, y)
    tooltip = page.wait_for_selector("#vg-tooltip-element", state="visible", timeout=5000).inner_text()
    return tooltip


def test_the_hover_gives_both_magnitudes(browser, server, fitted_alert):
    page, errors = open_page(browser, f"{server}/microlensing/alerts/{fitted_alert}")
    page.wait_for_selector("#lightcurve[data-state=ready]", timeout=20000)
    tooltip = hover_a_point(page)
    assert "published magnitude" in tooltip and "aligned magnitude" in tooltip
    assert errors == []


def test_the_hovers_date_is_utc_in_any_time_zone(browser, server, fitted_alert):
    """Chile is 3-4 hours behind UTC: a date formatted in the browser's zone would be off by that much."""
    import datetime
    import re
    page = browser.new_page(viewport={"width": 1300, "height": 1000}, timezone_id="America/Santiago")
    page.goto(f"{server}/microlensing/alerts/{fitted_alert}")
    page.wait_for_selector("#lightcurve[data-state=ready]", timeout=20000)
    tooltip = hover_a_point(page)
    hjd = float(re.search(r"HJD - 2450000\s+([0-9.]+)", tooltip).group(1))
    shown = re.search(r"(\d{4}-\d\d-\d\d \d\d:\d\d) UTC", tooltip).group(1)
    expected = datetime.datetime(1995, 10, 9, 12) + datetime.timedelta(days=hjd)
    assert abs(datetime.datetime.strptime(shown, "%Y-%m-%d %H:%M") - expected) <= datetime.timedelta(minutes=1)
    page.close()


def test_the_event_chart_draws_the_forecast_and_today(browser, server, demo_database):
    with contextlib.closing(sqlite3.connect(demo_database)) as db:
        (event_id,) = db.execute("select event_id from fit_curves where forecast is not null limit 1").fetchone()
    page, errors = open_page(browser, f"{server}/microlensing/events/{event_id}")
    page.wait_for_selector("#lightcurve[data-state=ready]", timeout=20000)
    page.click(".lightcurve-whole")
    page.wait_for_selector("#lightcurve[data-state=ready]", timeout=20000)
    assert page.locator("#lightcurve .lightcurve-chart > div:first-child g.mark-area.role-mark path").count() >= 1  # the forecast's band
    note = page.locator(".lightcurve-note").inner_text()
    assert "the forecast" in note and "the build's day" in note
    assert errors == []


@pytest.mark.parametrize("path", ["/microlensing/alerts", "/microlensing/lookup?name=OB250001&survey="])
def test_result_lists_draw_a_sparkline_beside_each_alert_name(browser, server, path, tmp_path):
    page, errors = open_page(browser, server + path)
    page.wait_for_selector("body[data-sparklines]", timeout=20000)
    page.screenshot(path=str(tmp_path / "sparklines.png"))
    names = page.locator("td.col-alert_name").count()
    assert 0 < page.locator("td.col-alert_name svg.sparkline").count() <= names
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


def test_a_result_page_links_to_its_lightcurves_and_their_photometry(browser, server):
    page, errors = open_page(browser, f"{server}/microlensing/alerts?survey=OGLE&_size=5")
    links = page.locator(".lightcurve-links a")
    assert links.count() == 3 and "the rows on this page" in page.locator(".lightcurve-links").inner_text()
    page.click("text=View these lightcurves")
    page.wait_for_selector("#lightcurve[data-state=ready]", timeout=20000)
    assert page.locator("#position").inner_text().startswith("1 of ")  # the viewer pages through the result
    assert page.locator("#alert-link").inner_text().startswith("OGLE-")
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
    main(["--offline", "--no-fit", "--mirror", str(folder / "mirror"), "--db", str(folder / "served" / "microlensing.db"),
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


# The candidate desk ---------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def classified_event(demo_database):
    with contextlib.closing(sqlite3.connect(demo_database)) as db:
        row = db.execute("select event_id from lens_classes order by p_black_hole desc limit 1").fetchone()
    assert row, "the demo holds events with lens-class probabilities"
    return row[0]


def test_the_candidate_page_shows_class_bars_windows_and_a_download(browser, server, classified_event):
    page, errors = open_page(browser, f"{server}/microlensing/events/{classified_event}")
    page.wait_for_selector("#lightcurve[data-state=ready]", timeout=20000)
    bars = page.locator(".class-bar")
    assert bars.count() == 3  # one per PopSyCLE model
    filled = page.evaluate("""() => [...document.querySelectorAll('.class-bar')].map(bar =>
        [...bar.children].reduce((sum, part) => sum + part.getBoundingClientRect().width, 0)
        / bar.getBoundingClientRect().width)""")
    assert all(0.98 <= share <= 1.01 for share in filled)  # the probabilities fill each bar
    assert "MODEL probabilities" in page.locator("#lens-class + p").inner_text()
    link = page.locator("a", has_text="download the photometry of its alerts")
    assert "/-/photometry.csv?names=" in link.get_attribute("href")
    assert errors == []


def test_tonight_lists_the_candidates_a_chosen_site_can_observe(browser, server):
    import datetime
    today = datetime.date.today()
    june = datetime.date(today.year if today.month < 6 else today.year + 1, 6, 15)
    page, errors = open_page(browser, f"{server}/-/tonight")
    page.select_option("select[name=site]", "saao")
    page.fill("input[name=date]", june.isoformat())
    page.click("input[type=submit]")
    page.wait_for_selector("table.tonight")
    assert "SAAO Sutherland" in page.locator("main, body").first.inner_text()
    observable = page.locator("table.tonight tr.observable")
    assert observable.count() > 0
    hours = float(observable.first.locator("td").nth(4).inner_text())
    assert 5 < hours < 12  # the bulge in June, a whole night
    assert errors == []


def test_the_default_view_uses_the_robust_ranges_and_the_caption_says_which_view(browser, server, fitted_alert):
    document = lightcurve_document(server, fitted_alert)
    bright, faint = document["magnitudes"]["aligned"]
    page, errors = open_page(browser, f"{server}/microlensing/alerts/{fitted_alert}")
    page.wait_for_selector("#lightcurve[data-state=ready]", timeout=20000)
    labels = page.evaluate("""() => [...document.querySelectorAll('#lightcurve .lightcurve-chart > div:first-child g.role-axis')].map(axis =>
        [...axis.querySelectorAll('g.role-axis-label text')].map(t => t.textContent))""")
    magnitudes = [[float(t.replace("\u2212", "-").replace(",", "")) for t in axis] for axis in labels if axis]
    # the magnitude axis of the lightcurve is the one whose labels fall in the document's range
    assert any(all(bright - 0.01 <= m <= faint + 0.01 for m in axis) and len(axis) >= 3 for axis in magnitudes), (
        magnitudes, bright, faint)
    assert "view: t0 ± 3 tE" in page.locator(".lightcurve-note").inner_text()
    page.click(".lightcurve-whole")
    page.wait_for_selector("#lightcurve[data-state=ready]", timeout=20000)
    assert "the whole baseline, every point" in page.locator(".lightcurve-note").inner_text()
    assert errors == []


def point_colours(page):
    return set(page.evaluate("""() => [...document.querySelectorAll('#lightcurve .lightcurve-chart > div:first-child g.mark-symbol.role-mark path')]
        .map(p => p.getAttribute('fill'))"""))


def test_each_survey_keeps_its_colour_and_the_surveys_models_are_told_apart(browser, server, demo_database):
    """OGLE's points are OGLE's blue on every page, whatever other telescopes an event has; on the published
    view each survey's own model is a line of its survey's colour, and the legends' names are whole."""
    with contextlib.closing(sqlite3.connect(demo_database)) as db:
        rows = db.execute("""select e.event_id, group_concat(a.alert_name) from events e join alerts a using (event_id)
                             where e.n_alerts >= 2 and e.ogle_name is not null group by e.event_id
                             order by e.event_id limit 2""").fetchall()
    assert len(rows) == 2
    for event_id, names in rows:
        page, errors = open_page(browser, f"{server}/microlensing/alerts/{[n for n in names.split(',') if n.startswith('OGLE')][0]}")
        page.wait_for_selector("#lightcurve[data-state=ready]", timeout=20000)
        page.click(".lightcurve-view")
        page.wait_for_selector("#lightcurve[data-view=published][data-state=ready]", timeout=20000)
        legend = page.evaluate("""() => [...document.querySelectorAll('#lightcurve .lightcurve-chart > div:first-child g.role-legend-label text')]
            .map(t => t.textContent)""")
        assert "OGLE I" in legend and not any(label.endswith("…") for label in legend), legend
        assert "#1f77b4" in point_colours(page)
        models = page.evaluate("""() => [...document.querySelectorAll('#lightcurve .lightcurve-chart > div:first-child g.mark-line.role-mark path')]
            .map(p => p.getAttribute('stroke'))""")
        assert len(models) >= 2 and len(set(models)) == len(models), models
        assert errors == []
