"""The report: RESULTS.md's table (each figure with its same-run baseline, goal, verdict and the command that
reproduces it) and each part's notes."""

import datetime
import json
import math
import os
import platform
import sqlite3
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

from microlensing_to_sqlite.kmtnet import site as kmtnet
from microlensing_to_sqlite.ogle import site as ogle

from plugins.photometry_export import EXPORTS_AT_ONCE, EXPORTS_WAITING

from . import archive_report, fits, scrape
from .figures import ms, verdict

def source_state():
    """The commit measured (at the start of the run), and whether the package had changes not committed yet (git,
    read only)."""
    root = Path(__file__).resolve().parents[1]
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=root, capture_output=True, text=True,
                              check=True).stdout.strip()
        changed = subprocess.run(["git", "status", "--porcelain", "microlensing_to_sqlite"], cwd=root,
                                 capture_output=True, text=True, check=True).stdout.splitlines()
    except (OSError, subprocess.CalledProcessError):
        return ""
    return f"Commit {head}" + (f", with {len(changed)} files of microlensing_to_sqlite/ changed and not committed."
                               if changed else ".")


def render(results, a, cmd, durations, total, load_before, load_after, source="", failures=None):
    lines = ["# Benchmark results", "",
             f"Measured {datetime.date.today()} on {platform.machine()} with {os.cpu_count()} cores, Python "
             f"{platform.python_version()}, SQLite {sqlite3.sqlite_version}. One run of `python -m benchmarks` "
             f"({' '.join(sys.argv[1:]) or 'default sizes'}) took **{total / 60:.1f} min** "
             f"({', '.join(f'{k} {v / 60:.1f}' for k, v in durations.items())} min). "
             f"Load average before and after: {load_before[0]:.1f} / {load_after[0]:.1f}"
             f"{' (other processes were using the cores: treat times as upper bounds)' if max(load_before[0], load_after[0]) > 2.5 else ''}. "
             f"{source}",
             "", "Every baseline was measured in the same run. Goals come from the issue; a missed goal says by how much.",
             "", "| # | measure | this build | baseline (same run) | ratio | goal | verdict | reproduce |",
             "|---|---|---|---|---|---|---|---|"]
    notes = []
    s = results.get("scrape")
    if s:
        full, update = s["full"], s["update"]
        ratio = s["bound_seconds"] / full["fetch_seconds"]
        lines.append(
            f"| 1 | fetch of a full season, {s['total_requests']:,} requests ({', '.join(f'{h} {n:,}' for h, n in s['full_requests'].items())}), "
            f"--rate {s['rate']:g} --per-host {s['per_host']}, {s['latency'] * 1000:.0f} ms latency | "
            f"{full['fetch_seconds']:,.1f} s | {s['bound_seconds']:,.1f} s bound (requests / cap per host, hosts in parallel) | "
            f"bound/actual {ratio:.2f} | >= 0.85 | {verdict(ratio, 0.85, True)} | `{cmd['scrape']}` |")
        lines.append(
            f"| 1 | same fetch against a serial one-at-a-time fetch | {full['fetch_seconds']:,.1f} s | "
            f"{s['serial_seconds']:,.0f} s (serial, extrapolated from {s['serial_sample']} URLs at "
            f"{s['serial_per_request'] * 1000:.0f} ms each) | {s['serial_seconds'] / full['fetch_seconds']:.1f}x faster | "
            f"(politeness caps it at {s['serial_seconds'] / s['bound_seconds']:.1f}x) | - | `{cmd['scrape']}` |")
        req_ratio = s["update_requests"] / s["total_requests"]
        lines.append(
            f"| 2 | nightly --update after {s['changed_events']:,} of {s['ogle_events'] + s['kmt_events']:,} events changed: requests | "
            f"{s['update_requests']:,} | {s['total_requests']:,} (full build) | {req_ratio:.1%} | <= 20% | "
            f"{verdict(req_ratio, 0.20, False)} | `{cmd['scrape']}` |")
        lines.append(
            f"| 2 | same update: wall time (fetch + load) | {update['seconds']:,.1f} s (fetch {update['fetch_seconds']:,.1f} s) | "
            f"{full['seconds']:,.1f} s (full build; fetch {full['fetch_seconds']:,.1f} s) | "
            f"{update['seconds'] / full['seconds']:.0%} | - | - | `{cmd['scrape']}` |")
        notes += scrape_notes(s)
    b = results.get("build")
    if b:
        lines += archive_report.rows(b, cmd["build"])
        notes += archive_report.notes(b, cmd["build"])
    f = results.get("fits")
    if f:
        lines += fit_rows(f, cmd["fits"])
    i = results.get("injection")
    if i:
        lines += injection_rows(i, cmd["fits"])
        notes += injection_notes(i)
    j = results.get("injection_files")
    if j:
        lines += injection_files_rows(j, cmd["fits"])
    k = results.get("candidates")
    if k:
        lines += candidate_rows(k, cmd["candidates"])
    g = results.get("charts")
    if g:
        lines += chart_rows(g, cmd["charts"])
    c = results.get("crossmatch")
    if c:
        lines.append(
            f"| - | positional crossmatch of {c['alerts']:,} alerts (s) | {c['seconds']:.1f} | "
            f"{c['brute_seconds']:,.0f} (pairwise loop, extrapolated from 300) | "
            f"{c['brute_seconds'] / c['seconds']:,.0f}x faster | seconds | {verdict(c['seconds'], 10, False, ' s')} | "
            f"`{cmd['crossmatch']}` |")
    v = results.get("serving")
    if v:
        d = results["database"]
        where = f"{d['alerts']:,} alerts, {d['rows'] / 1e6:,.1f} M rows"
        lc = v["lightcurve"]
        ratio = lc["median"] / lc["baseline"]["median"]
        lines.append(
            f"| 5 | lightcurve JSON, {lc['points']:,} points ({where}): median / p95 | {ms(lc['median'])} / {ms(lc['p95'])} | "
            f"{ms(lc['baseline']['median'])} / {ms(lc['baseline']['p95'])} (raw SQLite read of the same rows) | "
            f"{ratio:.1f}x | <= 2x | {verdict(ratio, 2, False, 'x')} | `{cmd['serving']}` |")
        for key, label in [("row_page", "alert row page (HTML)"), ("black_holes", f"black_hole_candidates (HTML, {v['black_holes']['rows']} rows)"),
                           ("table_page", "photometry view page (HTML)")]:
            r = v[key]
            lines.append(
                f"| 5 | {label}: median / p95 | {ms(r['median'])} / {ms(r['p95'])} | "
                f"{ms(r['baseline']['median'])} / {ms(r['baseline']['p95'])} ({r['baseline_what']}) | "
                f"{r['median'] / r['baseline']['median']:,.0f}x | - | - | `{cmd['serving']}` |")
        e = v["export"]
        speed = e["baseline"]["median"] / e["median"]
        lines.append(
            f"| 5 | bulk export of {e['lines'] - 3:,} points, /-/photometry.csv?names=: median / p95 | "
            f"{ms(e['median'])} / {ms(e['p95'])} | {ms(e['baseline']['median'])} / {ms(e['baseline']['p95'])} "
            f"(Datasette CSV ?_stream=on of the same rows, {e['baseline']['n']} requests) | {speed:.1f}x faster | >= 10x | "
            f"{verdict(speed, 10, True, 'x')} | `{cmd['serving']}` |")
        lines.append(
            f"| 5 | per-request floor, /-/versions.json: median / p95 | {ms(v['floor']['median'])} / {ms(v['floor']['p95'])} | - | - | - | - | "
            f"`{cmd['serving']}` |")
        p = v["pressure"]
        lines.append(
            f"| 9 | /-/versions.json while {p['exports']} exports of {e['lines'] - 3:,} points are asked for at once: "
            f"p50 / p99 ({p['loaded']['n']} requests) | {ms(p['loaded']['p50'])} / {ms(p['loaded']['p99'])} | "
            f"{ms(p['idle']['p50'])} / {ms(p['idle']['p99'])} (the same request, idle server) | "
            f"{p['loaded']['p99'] / p['idle']['p99']:.1f}x (p99) | cheap pages stay fast | - | `{cmd['serving']}` |")
        notes += serving_notes(results["database"], v)
    l = results.get("load")
    if l:
        lines.append(
            f"| 6 | {l['clients']} concurrent clients, {l['requests']:,} requests (row pages, lightcurves, canned queries, CSV) | "
            f"{l['throughput']:,.1f} req/s; p50 {ms(l['p50'])}, p99 {ms(l['p99'])} | - | - | 0 errors | "
            f"{l['errors']} errors: {'met' if l['errors'] == 0 else '**missed**'} | `{cmd['load']}` |")
        notes += load_notes(l)
    h = results.get("hostile load")
    if h:
        back = h["recovered_after"]
        met = h["during"]["worst"] < 1.0 and back is not None and back <= 60 and h["server_errors"] == 0
        lines.append(
            f"| 19 | /-/versions.json while {h['clients']} mixed clients, half of them hostile, run {h['seconds']:.0f} s: "
            f"worst; back to idle speed after the load | {ms(h['during']['worst'])}; "
            f"{'never' if back is None else f'{back:.1f} s'} | {ms(h['idle']['p99'])} (p99, idle server) | "
            f"{h['during']['worst'] / h['idle']['p99']:.1f}x (worst) | worst < 1 s, idle again within 60 s, no 5xx | "
            f"{'met' if met else '**missed**'} | `{cmd['load']}` |")
        notes += hostile_notes(h)
    if failures:
        notes += ["## Parts that failed", ""] + [f"- {name}: `{error}`" for name, error in failures.items()] + [""]
    return "\n".join(lines + [""] + notes + [""])


HOSTS = {"OGLE": urlsplit(ogle.DATA_ROOT).hostname, "KMT": urlsplit(kmtnet.EVENT_ROOT).hostname}


def fit_rows(f, cmd):
    kinds = "; ".join(f"{kind} {k['n']}: median {ms(k['median'])}, max {ms(k['max'])}" for kind, k in f["per_kind"].items())
    rows = []
    if f["point_lens_median"] and f["baseline_median"]:
        rows.append(
            f"| 10 | joint point-lens fit of one event, every dataset (median of {f['baseline_n']}, one core) | "
            f"{ms(f['point_lens_median'])} | {ms(f['baseline_median'])} (MulensModel Event chi2 under scipy "
            f"Nelder-Mead from the same start, same points) | {f['baseline_median'] / f['point_lens_median']:.1f}x faster "
            f"| - | - | `{cmd}` |")
    rows += [
        f"| 10 | fits one at a time by kind (one core): {kinds} | - | - | - | - | - | `{cmd}` |",
        f"| 10 | fit stage of a SYNTHETIC season, {f['events']} events of every survey ({f['fitted']} fitted: "
        + ", ".join(f"{n} {status}" for status, n in sorted(f["verdicts"].items()))
        + f"), {f['workers']} workers | {ms(f['season_seconds'])} ({ms(f['per_event_wall'])} an "
        f"event) | - | - | minutes a night | - | `{cmd}` |",
        f"| 10 | extrapolated: fits of the real archive ({fits.ARCHIVE_EVENTS:,} physical events) / a night's "
        f"({fits.NIGHTLY_EVENTS:,} events whose photometry changed) | {f['archive_minutes']:,.0f} min / "
        f"{f['nightly_minutes']:,.1f} min | events x the season's wall time an event | - | archive <= 60 min, "
        f"a night <= 10 min | {verdict(f['archive_minutes'], 60, False, ' min')} / "
        f"{verdict(f['nightly_minutes'], 10, False, ' min')} | `{cmd}` |"]
    if f.get("real_cadence_binned"):
        rows.append(
            f"| 20 | fit of {f['real_cadence_events']} SYNTHETIC long parallax events on two recorded OGLE events' "
            f"real times and errors (4 points a night; the synthetic season has about 1), posterior on nightly "
            f"bins, one core | {f['real_cadence_binned']:.1f} s | {f['real_cadence_every_point']:.1f} s (the "
            f"posterior on every point) | {f['real_cadence_every_point'] / f['real_cadence_binned']:.1f}x faster "
            f"| - | - | `{cmd}` |")
    return rows


def chart_rows(g, cmd):
    """Issue 22's chart goals, measured in headless Chromium against a bare Vega-Lite scatter of the same points."""
    from . import charts
    rows = []
    for points, t in sorted(g["sizes"].items(), key=lambda item: int(item[0])):
        goal = charts.DRAWN_GOAL.get(int(points))
        rows += [
            f"| 22 | alert page opened to its chart drawn, {int(points):,} SYNTHETIC points ({t['plotted']:,} plotted; "
            f"median of {g['repeats']}, headless Chromium) | {t['drawn']:.2f} s | {t['bare']:.2f} s (a bare Vega-Lite "
            f"scatter of the same points, same page) | {t['drawn'] / t['bare']:.1f}x | "
            f"{'-' if goal is None else f'<= {goal:g} s'} | "
            f"{'-' if goal is None else verdict(t['drawn'], goal, False, ' s')} | `{cmd}` |",
            f"| 22 | chart toggle (aligned / as published), {int(points):,} points, once the other view is drawn ahead "
            f"({t['prepared']:.2f} s after opening the page, while it is idle) | {t['toggle']:.2f} s (the longest "
            f"{t.get('toggle_longest', t['toggle']):.2f} s) | - | - | <= {charts.TOGGLE_GOAL:g} s | "
            f"{verdict(t['toggle'], charts.TOGGLE_GOAL, False, ' s')} | `{cmd}` |"]
    return rows


def candidate_rows(k, cmd):
    from . import candidates
    return [
        f"| 21 | lens-class step of one sampled event: 3 PopSyCLE models' classes, theta_E and shift (median of "
        f"{k['events']}) | {ms(k['lens_class_median'])} | {ms(k['classify_median'])} (popclass's classify alone, 3 models, "
        f"same draws) | {k['lens_class_median'] / k['classify_median']:.1f}x | - | - | `{cmd}` |",
        f"| 21 | extrapolated: the lens-class step of the archive's ~{candidates.ARCHIVE_SAMPLED_EVENTS:,} sampled events "
        f"(one core; a night classifies only those whose draws changed) | {k['archive_minutes']:.1f} min | - | - | - | - | `{cmd}` |",
        f"| 21 | /-/tonight's visibility of {k['tonight_targets']} candidates (warm) | {ms(k['tonight_seconds'])} | "
        f"{ms(k['observability_table_seconds'])} (astroplan's observability_table, same targets and night; hours "
        f"differ by at most {k['tonight_largest_difference_hours']:.2f}) | "
        f"{k['observability_table_seconds'] / k['tonight_seconds']:.1f}x faster | a page under 3 s | "
        f"{verdict(k['tonight_seconds'], 3, False, ' s')} | `{cmd}` |"]


def injection_rows(i, cmd):
    """Issue 20's goals: 68 +- 5% and 95 +- 3% coverage, at most 1% of ok fits with the truth beyond 5 sigma."""
    rows = []
    for name, c in i["coverage"].items():
        met = abs(c["68"] - 0.68) <= 0.05 and abs(c["95"] - 0.95) <= 0.03
        rows.append(f"| 20 | injection: truth of {name} inside the stored 68% / 95% intervals, ok point-lens fits "
                    f"({c['n']}) | {c['68']:.0%} / {c['95']:.0%} | - | - | 68 +- 5% / 95 +- 3% | "
                    f"{'met' if met else 'missed'} | `{cmd}` |")
    if i.get("lower_limits"):
        held = i["above_lower_limit"] / i["lower_limits"]
        rows.append(f"| 20 | injection: unconstrained point lenses whose true tE is above the stored 97.5% lower limit "
                    f"({i['lower_limits']}) | {held:.0%} | - | - | 97.5 +- 3% | "
                    f"{'met' if abs(held - 0.975) <= 0.03 else 'missed'} | `{cmd}` |")
    share = i["beyond_5_sigma"] / max(i["ok_point_lenses"], 1)
    rows.append(f"| 20 | injection: ok fits with the truth of tE, u0 or piE beyond 5 sigma | {i['beyond_5_sigma']} of "
                f"{i['ok_point_lenses']} ({share:.1%}) | - | - | <= 1% | {verdict(share, 0.01, False)} | `{cmd}` |")
    rows.append(f"| 20 | injection: {i['events']:,} SYNTHETIC events fitted on {i['workers']} workers, {i['sampled']} "
                f"with a sampled posterior ({i['converged']} converged) | {i['wall_seconds'] / 60:.1f} min (a fit: "
                f"median {ms(i['seconds_median'])}; with sampling {ms(i['seconds_sampled_median'] or 0)}) | - | - | - "
                f"| - | `{cmd}` |")
    return rows


def injection_files_rows(j, cmd):
    """The injection through the surveys' files against the same truths fitted from their datasets (the
    baseline): coverage and mean signed pull per parameter, ok fits; the goal is that the files add no bias."""
    files, direct = j["files"], j["direct"]
    rows = []
    for name, c in files["coverage"].items():
        d = direct["coverage"].get(name)
        # A bias the files add: their mean pull beyond 3 of its standard errors from the direct route's.
        if d:
            spread = math.hypot(c["pull_error"], d["pull_error"])
            biased = abs(c["mean_pull"] - d["mean_pull"]) > 3 * spread
        baseline = (f"{d['68']:.0%} / {d['95']:.0%}, mean pull {d['mean_pull']:+.2f} ({d['n']})" if d else "-")
        rows.append(f"| 20 | injection through the surveys' files ({', '.join(map(str, j['seasons']))} layouts): truth "
                    f"of {name} inside the stored 68% / 95% intervals, mean signed pull, ok fits | {c['68']:.0%} / "
                    f"{c['95']:.0%}, mean pull {c['mean_pull']:+.2f} +- {c['pull_error']:.2f} ({c['n']}) | {baseline} "
                    f"(the same truths fitted from their datasets) | - | no bias the files add: pulls within 3 "
                    f"standard errors | {'-' if not d else 'missed' if biased else 'met'} | `{cmd}` |")
    verdicts = lambda s: ", ".join(f"{k} {v}" for k, v in sorted(s["statuses"].items()))
    rows.append(f"| 20 | injection through the surveys' files: {j['events']} SYNTHETIC point lenses written, built and "
                f"fitted on {j['workers']} workers (build problems: {files['build_problems']}) | {verdicts(files)}; "
                f"{files['seconds'] / 60:.1f} min | {verdicts(direct)}; {direct['seconds'] / 60:.1f} min | - | - | - | "
                f"`{cmd}` |")
    return rows


def injection_notes(i):
    statuses = sorted({status for row in i["confusion"].values() for status in row})
    table = ["| injected | " + " | ".join(statuses) + " |", "|---|" + "---|" * len(statuses)]
    table += [f"| {truth} | " + " | ".join(str(row.get(status, 0)) for status in statuses) + " |"
              for truth, row in sorted(i["confusion"].items())]
    return ["## 20. Injection and recovery", "",
            "SYNTHETIC events drawn as benchmarks/injection.py says, fitted as the build fits them. Coverage is "
            "of ok fits of point lenses; (posterior) where the fit was sampled (both u0 solutions together), "
            "(curvature) where not. The verdicts by what was injected:", "", *table, ""]


def scrape_notes(s):
    full, update = s["full"], s["update"]
    rate = s["rate"]
    surveys = []
    for survey, seconds in full["surveys"].items():
        host = HOSTS.get(survey, survey)
        n = s["full_requests"].get(host, 0)
        busy = sum(e - b for h, _, b, e in full["batches"] if h == host)
        surveys.append((survey, host, n, seconds, busy))
    per_survey = "; ".join(f"{survey} ({host}) {n:,} requests in {seconds:,.1f} s, {n / seconds:,.1f}/s, its own bound "
                           f"{n / rate:,.1f} s ({n / rate / seconds:.2f}); {seconds - busy:,.1f} s of it with no batch "
                           f"in flight" for survey, host, n, seconds, busy in surveys)
    batches = "; ".join(f"{host} {n:,} URLs in {e - b:,.1f} s ({n / (e - b):,.1f}/s) from {b:,.1f} s"
                        for host, n, b, e in full["batches"] if n > 1)
    slowest = max(surveys, key=lambda x: x[3])
    rows, load_seconds = s["ogle_points"] + s["kmt_i_points"], full["seconds"] - full["fetch_seconds"]
    real_rows = s["ogle_points"] + s["kmt_i_points"] * 1850 / (sum(s["kmt_points"]) / 2)  # 1,000-2,700: mean ~1,850
    if full["side_by_side"]:
        where = (f"the build fetched the surveys side by side, so the fetch lasts as long as the slower survey, "
                 f"{slowest[0]} ({slowest[3]:,.1f} s against its own bound of {slowest[2] / rate:,.1f} s). What it loses "
                 f"to the bound is time with no batch in flight ({slowest[3] - slowest[4]:,.1f} s)"
                 + (": between KMTNet's view.php batch and its pySIS batch the build reads every view.php to name the "
                    "bundles before asking for any." if slowest[0] == "KMT" else "."))
    else:
        where = (f"the build fetched the surveys one after another, so the two hosts never ran in parallel; with the "
                 f"surveys in turn the bound would be {s['bound_surveys_in_turn']:,.1f} s, and the build reached "
                 f"{s['bound_surveys_in_turn'] / full['fetch_seconds']:.2f} of that.")
    return [
        "## 1-2. Scrape speed against politeness; the nightly update", "",
        f"- The season: {s['ogle_events']:,} OGLE events (params.dat and phot.dat, {s['ogle_points']:,} points: "
        f"median ~800, up to 4,600 a file) and {s['kmt_events']:,} KMTNet events (listpage.dat, view.php and a "
        f"pysis.tar.gz of {min(s['files_per_kmt_event'])}-{max(s['files_per_kmt_event'])} pySIS files each, I and V, "
        f"{s['kmt_i_points']:,} I-band points), generated in {s['generate_seconds']:.0f} s. The bundles come from a pool "
        f"of {s['pool']} hard-linked into every event folder; the build downloads and parses each event's copy.",
        f"- **KMTNet lightcurves are shorter than real ones**: {s['kmt_points'][0]:,}-{s['kmt_points'][1]:,} points per "
        f"I-band file instead of 1,000-2,700. The number of files and requests is real; the points are cut so that the two "
        f"loads of the season (full build and update, each of the whole mirror) fit the 30-minute run. The full build "
        f"loaded {rows:,} rows in {load_seconds:,.0f} s ({rows / load_seconds:,.0f} rows/s, parsing included); at that "
        f"rate the season with real KMTNet lengths (~{real_rows / 1e6:,.0f} M rows) would take "
        f"~{real_rows / (rows / load_seconds) / 60:,.1f} min per load. `--kmt-points 1000 2700` gives the real lengths.",
        f"- Served from a loopback replay server (127.0.0.1, threaded, its own process, {s['latency'] * 1000:.0f} ms per "
        f"request, ETag/Last-Modified and 304, enforcing nothing). The build ran as `./build --years 2025 --surveys "
        f"ogle kmtnet --rate {rate:g} --per-host {s['per_host']}` (cli.main) with httpx forwarding every "
        f"request to it. The rate cap is {rate:g} request starts a second per host (the default is 4) so that the season "
        f"fits the run; --per-host {s['per_host']} so that the cap, not latency x concurrency ({s['per_host']} / "
        f"{s['latency']:g} s = {s['per_host'] / s['latency']:.0f}/s), is the limit.",
        f"- Per survey: {per_survey}. Batches (seconds from the fetch's start): {batches}.",
        f"- **Where the fetch time goes**: {where}",
        f"- The serial baseline fetched {s['serial_sample']} URLs drawn at random from the full build's, one at a time "
        f"with no cap, writing each file, and was extrapolated to all {s['total_requests']:,}.",
        f"- Update: after the full build, {s['changed_events']:,} events had their list line and files changed (OGLE: "
        f"lenses.par line, params.dat, phot.dat with new points; KMTNet: listpage.dat line, view.php, a new bundle) and "
        f"last.changed moved; `--update` ran with today = {scrape.TODAY}. Requests by host and answer: "
        f"{json.dumps(update['requests'])}. Fetch {update['fetch_seconds']:,.1f} s, load "
        f"{update['seconds'] - update['fetch_seconds']:,.1f} s (the full build's load: {load_seconds:,.1f} s): when "
        f"anything changed an update loads every season the mirror holds again, so its wall time is mostly that load.",
        f"- Exit status: full build {full['status']}, update {update['status']}.", ""]


def serving_notes(d, v):
    lc, e = v["lightcurve"], v["export"]
    raw = lc["baseline"]["median"]
    steps = ", ".join(f"{k} {ms(t)} ({t / raw:.1f}x the raw read)" for k, t in lc["steps"].items())
    return [
        "## 5. Serving", "",
        f"- Database: {d['alerts']:,} alerts (40% OGLE, 50% KMTNet, 10% MOA, seasons 2016-2025) and {d['rows']:,} "
        f"photometry rows, {d['bytes'] / 1e9:.1f} GB ({d['bytes'] / d['rows']:.1f} B/row), written in the build's schema "
        f"by its own DatabaseWriter.add_lightcurves (lightcurves and photometry_points in fixed point, in key order; "
        f"{d['photometry_seconds'] / 60:.1f} min), then the build's finish() steps except VACUUM (it would "
        f"rewrite the whole file for about a tenth less space) and with a sampled ANALYZE. "
        f"{'The issue asks for 50 M rows; ' + format(d['rows'] / 1e6, ',.0f') + ' M is what fits the 30-minute run.' if d['rows'] < 50e6 else ''}",
        f"- Served by `{' '.join(Path(x).name if i == 0 else x for i, x in enumerate(d['command']))}` (the Makefile's "
        f"DATASETTE_OPTIONS read through make; `datasette inspect` took {d['inspect_seconds']:.1f} s).",
        f"- Timed with one httpx client, {lc['n']} requests each after warm-up; percentiles are of those.",
        f"- Where the lightcurve answer's time goes (`{lc['path']}`): the per-request floor of Datasette alone "
        f"({ms(v['floor']['median'])} for /-/versions.json) is {v['floor']['median'] / raw:.1f}x the raw read; the plugin's "
        f"own work, its lightcurve() run in-process without HTTP, takes {ms(lc['in_process']['median'])} (median), "
        f"{lc['in_process']['median'] / raw:.1f}x the raw read by itself; of that, on its document: {steps}; the rest "
        f"is its queries and building the series in Python.",
        f"- Export: `/-/photometry.csv?names=` ({e['lines']:,} lines) against `{e['baseline_path'][:90]}...` "
        f"({e['baseline_lines']:,} lines). The plugin's own work in-process (its export_plan and stream_csv on a "
        f"Datasette database object, without HTTP, the text kept in memory) takes {ms(e['in_process']['median'])} "
        f"of the {ms(e['median'])}.",
        f"- The photometry view page takes {ms(v['table_page']['median'])} ({ms(v['table_page']['without_facets']['median'])} "
        f"with ?_nofacet=1, {ms(v['table_page']['without_count']['median'])} with ?_nocount=1: for a view Datasette "
        f"has no count from the inspect file and runs select count(*) of it, up to the SQL time limit); facets the page says timed out (facet_time_limit_ms 500): "
        f"{', '.join(v['table_page']['facets_timed_out']) or 'none'}.",
        f"- Under export pressure (benchmarks/pressure.py): {v['pressure']['exports']} threads asked for the same "
        f"export at once; the plugin answered {json.dumps(v['pressure']['statuses'])} (HTTP status: count; it runs "
        f"{EXPORTS_AT_ONCE} at once, queues {EXPORTS_WAITING} and turns the rest away with 503), all done in "
        f"{v['pressure']['exports_seconds']:.1f} s, while one client asked for /-/versions.json again and again.",
        f"- Requests that did not answer 200 while these were timed: {len(v['errors'])}"
        f"{': ' + json.dumps(v['errors'][:3]) if v['errors'] else ''}.", ""]


def hostile_notes(h):
    kinds = "; ".join(f"{kind} {e['n']:,} ({', '.join(f'{s} x{n}' for s, n in e['statuses'].items())}, "
                      f"p50 {ms(e['p50'])})" for kind, e in h["by_kind"].items())
    return ["## 19. Hostile load", "",
            f"- {h['clients']} clients for {h['seconds']:.0f} s, every other one sending one of the requests of the third "
            f"security review (a client that leaves after the first bytes, as a person closing the tab). By kind: {kinds}.",
            f"- /-/versions.json, asked every 0.1 s on a connection of its own: idle p50 {ms(h['idle']['p50'])}, "
            f"p99 {ms(h['idle']['p99'])}; during the load ({h['during']['n']} requests) p50 {ms(h['during']['p50'])}, "
            f"worst {ms(h['during']['worst'])}; every request from "
            f"{'never' if h['recovered_after'] is None else format(h['recovered_after'], '.1f') + ' s'} after the load "
            f"ended was back within twice the idle p99. Server errors (5xx): {h['server_errors']}.", ""]


def load_notes(l):
    kinds = "; ".join(f"{k} {r['n']:,}: p50 {ms(r['p50'])}, p99 {ms(r['p99'])}" for k, r in l["by_kind"].items())
    return ["## 6. Load", "",
            f"- {l['clients']} asyncio clients (one httpx.AsyncClient, {l['clients']} connections) on the same 2 cores "
            f"as the server, {l['requests']:,} requests in {l['seconds']:.1f} s. By kind: {kinds}.",
            f"- Errors: {l['errors']}{': ' + json.dumps(l['error_examples']) if l['errors'] else ''}.", ""]
