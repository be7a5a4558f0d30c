"""The lightcurve chart in headless Chromium (issue 22, item 8): from opening an alert page to the chart drawn,
and a toggle (aligned to published), for an event of 5,000 and of 50,000 points, against a bare Vega-Lite
scatter of the same points drawn in the same page (the floor any Vega-Lite chart of them pays).

Times are the page's own clock, from the navigation's start (WATCH_READY). The database is the SYNTHETIC demo's, built as make serve builds it; one fitted OGLE alert's lightcurve is
replaced by `points` SYNTHETIC points across its fitted peak (t0 +- 3 tE, where nothing is binned), on its
fit's model with 0.01 mag of noise, so that the page draws every one. Served as make serve serves it.
"""

import contextlib
import json
import shutil
import sqlite3
import statistics

import numpy

from microlensing_to_sqlite.demo import demo_seasons, write_demo_mirror
from microlensing_to_sqlite.load import build
from microlensing_to_sqlite.registry import SURVEYS

from .serving import datasette

SIZES = (5_000, 50_000)
# Issue 22's goals, in seconds.
DRAWN_GOAL = {5_000: 0.5, 50_000: 1.5}
TOGGLE_GOAL = 0.3
# What the page's own chart is measured against: the same points as a plain Vega-Lite scatter, in the same page
# and with the same renderer (SVG, or canvas above lightcurve.js's CANVAS_ABOVE points).
BARE_SCATTER = """async ([rows, renderer]) => {
  const div = document.createElement("div"); div.style.width = "1200px"; document.body.appendChild(div);
  const began = performance.now();
  await vegaEmbed(div, {$schema: "https://vega.github.io/schema/vega-lite/v6.json", width: 1200, height: 380,
                        data: {values: rows}, mark: {type: "point", filled: true, size: 16},
                        encoding: {x: {field: "hjd", type: "quantitative", scale: {zero: false}},
                                   y: {field: "mag", type: "quantitative", scale: {zero: false, reverse: true}}}},
                  {renderer: renderer, actions: false});
  const seconds = (performance.now() - began) / 1000; div.remove(); return seconds;
}"""


def fitted_alert(db):
    return db.execute("select a.alert_name, a.alert_id, f.t0, f.tE, f.event_id from alerts a join fits f using "
                      "(event_id) where f.status = 'ok' and a.survey = 'OGLE' and f.reference_lightcurve_id in "
                      "(select lightcurve_id from lightcurves where alert_id = a.alert_id) order by a.alert_id "
                      "limit 1").fetchone()


def densify(db_path, points, seed=7):
    """Replace the fitted OGLE alert's reference lightcurve by `points` SYNTHETIC points across its peak; the
    alert's name."""
    rng = numpy.random.default_rng(seed)
    with contextlib.closing(sqlite3.connect(db_path)) as db:
        name, alert_id, t0, tE, event_id = fitted_alert(db)
        (lightcurve_id, hjd_unit, mag_unit, err_unit), = db.execute(
            "select lightcurve_id, hjd_unit, mag_unit, mag_err_unit from fits f join lightcurves l on "
            "l.lightcurve_id = f.reference_lightcurve_id where f.event_id = ?", [event_id]).fetchall()
        curve = numpy.array(json.loads(db.execute("select model_curve from fit_curves where event_id = ?",
                                                  [event_id]).fetchone()[0]))
        hjd = numpy.unique(numpy.round(rng.uniform(t0 - 3 * tE, t0 + 3 * tE, points) * hjd_unit))
        while len(hjd) < points:
            hjd = numpy.unique(numpy.concatenate([hjd, numpy.round(rng.uniform(t0 - 3 * tE, t0 + 3 * tE, points)
                                                                   * hjd_unit)]))[:points]
        mag = numpy.interp(hjd / hjd_unit, curve[:, 0], curve[:, 1]) + rng.normal(0, 0.01, len(hjd))
        with db:
            db.execute("delete from photometry_points where lightcurve_id = ?", [lightcurve_id])
            db.executemany("insert into photometry_points (lightcurve_id, hjd, mag, mag_err) values (?, ?, ?, ?)",
                           [(lightcurve_id, int(t), int(round(m * mag_unit)), int(round(0.01 * err_unit)))
                            for t, m in zip(hjd, mag)])
            db.execute("update lightcurves set n_points = ? where lightcurve_id = ?", [len(hjd), lightcurve_id])
    return name


# Times are the page's own clock (performance.now(): from the navigation's start), taken when the chart says it is
# drawn (data-state=ready), so that the browser automation's own overhead is not counted.
WATCH_READY = """new MutationObserver(() => {
  const chart = document.querySelector('#lightcurve');
  if (chart && chart.dataset.state === 'ready' && window.__readyFor !== chart.dataset.view + window.__clicks) {
    window.__readyFor = chart.dataset.view + window.__clicks; window.__readyAt = performance.now(); }
  if (chart && chart.dataset.prepared === '1' && !window.__preparedAt) window.__preparedAt = performance.now();
}).observe(document, {subtree: true, attributes: true, childList: true}); window.__clicks = 0;"""
TOGGLE = """() => { window.__clicks += 1; window.__clickedAt = performance.now();
                   document.querySelector('.lightcurve-view').click(); }"""


def timed_page(browser, url, repeats):
    """Seconds from the navigation's start to the chart drawn and to the other view drawn ahead too, and of a
    toggle to the published view and back once it is, each the median of `repeats`; the bare scatter's seconds for the same points; the points the chart drew."""
    drawn, prepared, toggles, bare, plotted = [], [], [], [], None
    for _ in range(repeats):
        page = browser.new_page(viewport={"width": 1300, "height": 1000})
        page.add_init_script(WATCH_READY)
        page.goto(url)
        page.wait_for_selector("#lightcurve[data-state=ready]", timeout=120_000)
        drawn.append(page.evaluate("() => window.__readyAt") / 1000)
        plotted = int(page.get_attribute("#lightcurve", "data-plotted"))
        # The other view is drawn ahead while the page is idle; a reader's first click comes after that.
        page.wait_for_selector("#lightcurve[data-prepared='1']", timeout=120_000)
        prepared.append(page.evaluate("() => window.__preparedAt") / 1000)
        for view in ("published", "aligned"):
            page.evaluate(TOGGLE)
            page.wait_for_selector(f"#lightcurve[data-view={view}][data-state=ready]", timeout=120_000)
            page.wait_for_function("() => window.__readyFor && window.__readyFor.endsWith(String(window.__clicks))")
            toggles.append(page.evaluate("() => (window.__readyAt - window.__clickedAt) / 1000"))
        rows = page.evaluate("""async () => {
            const d = await (await fetch(document.querySelector('#lightcurve').dataset.source)).json();
            return d.series.flatMap(s => s.hjd.map((t, i) => ({hjd: t / s.units.hjd, mag: s.mag[i] / s.units.mag})));
        }""")
        bare.append(page.evaluate(BARE_SCATTER, [rows, page.get_attribute("#lightcurve", "data-renderer")]))
        page.close()
    return {"drawn": statistics.median(drawn), "prepared": statistics.median(prepared),
            "toggle": statistics.median(toggles), "toggle_longest": max(toggles), "bare": statistics.median(bare),
            "plotted": plotted}


def run(work, sizes=SIZES, repeats=3):
    from playwright.sync_api import sync_playwright

    from tests.portal.test_browser import CHROMIUM, CHROMIUM_FLAGS
    if CHROMIUM is None:
        raise RuntimeError("no chromium on this machine (apt-get install chromium)")
    mirror = write_demo_mirror(work / "mirror", events_per_season=10)
    built = work / "demo.db"
    build(mirror, built, [(survey, demo_seasons()) for survey in SURVEYS])
    found = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        try:
            for points in sizes:
                db_path = work / f"{points}" / "microlensing.db"
                db_path.parent.mkdir()
                shutil.copyfile(built, db_path)
                name = densify(db_path, points)
                with datasette(db_path, db_path.with_name("datasette.log")) as (base, _, _):
                    page = f"{base}/microlensing/alerts/{name}"
                    timed_page(browser, page, 1)  # warm: Datasette's first answers, the browser's caches
                    found[points] = timed_page(browser, page, repeats)
        finally:
            browser.close()
    return {"sizes": found, "repeats": repeats}
