"""The build part's rows of RESULTS.md and its notes (benchmarks/archive_build.py's figures)."""

from microlensing_to_sqlite.reading import PARALLEL_FROM

from . import archive as archives
from .archive_build import changed_seconds, rest
from .figures import verdict

SURVEY_NAMES = {"OGLE": "OGLE", "KMT": "KMTNet", "MOA": "MOA"}


def duration(seconds):
    if seconds < 120:
        return f"{seconds:,.1f} s"
    return f"{seconds / 60:,.1f} min" if seconds < 7200 else f"{seconds / 3600:,.1f} h"


def rows(b, cmd):
    full, bare, small_full = b["full"], b["bare"], b["small_full"]
    big, small = b["updates"]["big"], b["updates"]["small"]
    a, x = b["archive"], b["extrapolation"]
    fitting = full["phases"]["main"].get("finish: fits", 0)
    # The bare loader parses and inserts; the build also fits every event (issue 15), a stage apart.
    build_rate, bare_rate = full["rows"] / (full["seconds"] - fitting), bare["rows"] / bare["seconds"]
    whole = full["bytes"] / full["rows"]
    points = b["storage"]["tables"]["photometry_points"]["bytes"] / full["rows"]
    size = f"{b['years']} seasons ({a['first']}-{a['last']}) at {a['fraction']:g} of the real size"
    copy = {k: u["phases"]["main"].get("copy", 0) for k, u in (("big", big), ("small", small))}
    growth = (big["seconds"] - copy["big"]) / (small["seconds"] - copy["small"])
    same = [t for t, (_, _, equal) in b["equal"].items() if equal]
    night = f"{b['changed']:,} events changed ({b['nightly']:.0%} of the {b['years']}-season archive's {sum(a['events'].values()):,})"
    return [
        f"| 3 | full build (`./build --offline --full`, {b['workers']} workers) of {size}: {full['rows']:,} photometry "
        f"rows, {full['alerts']:,} alerts, without its fit stage (rows/s) | {build_rate:,.0f} "
        f"({duration(full['seconds'] - fitting)}) | {bare_rate:,.0f} "
        f"(bare loader: pandas.read_csv of each of the same files, one executemany into a WITHOUT ROWID table, one "
        f"process, no validation; {bare['rows']:,} rows in {duration(bare['seconds'])}) | {build_rate / bare_rate:.2f}x | "
        f">= 1.0x | {verdict(build_rate / bare_rate, 1.0, True, 'x')} | `{cmd}` |",
        f"| 3 | the same build with its fit stage: the joint fit of every event, {duration(fitting)} (rows/s) | "
        f"{full['rows'] / full['seconds']:,.0f} ({duration(full['seconds'])}) | {bare_rate:,.0f} (bare loader) | "
        f"{full['rows'] / full['seconds'] / bare_rate:.2f}x | - | - | `{cmd}` |",
        f"| 4 | bytes per photometry row, whole file after the full build (photometry_points alone) | {whole:.1f} "
        f"({points:.1f}) | {bare['bytes'] / bare['rows']:.1f} (the bare table: 9 REAL columns) | "
        f"{whole / (bare['bytes'] / bare['rows']):.2f}x | <= 40 B (stretch 30 B) | {verdict(whole, 40, False, ' B')}; "
        f"stretch: {verdict(whole, 30, False, ' B')} | `{cmd}` |",
        f"| 7 | nightly update (`./build --offline`, incremental), {night}, {b['years']} seasons: wall | "
        f"{duration(big['seconds'])} (copy of the database {duration(copy['big'])}) | {duration(full['seconds'])} (full "
        f"build) | {big['seconds'] / full['seconds']:.3f}x | <= 0.1x | {verdict(big['seconds'] / full['seconds'], 0.1, False, 'x')} | `{cmd}` |",
        f"| 7 | the same night, {b['small_years']} seasons: wall | {duration(small['seconds'])} (copy "
        f"{duration(copy['small'])}) | {duration(small_full['seconds'])} (full build) | "
        f"{small['seconds'] / small_full['seconds']:.3f}x | <= 0.1x | "
        f"{verdict(small['seconds'] / small_full['seconds'], 0.1, False, 'x')} | `{cmd}` |",
        f"| 7 | update at {b['years']} seasons / update at {b['small_years']}, the copy apart "
        f"({full['alerts']:,} against {small_full['alerts']:,} alerts) | {duration(big['seconds'] - copy['big'])} | "
        f"{duration(small['seconds'] - copy['small'])} | {growth:.2f} (with the copy {big['seconds'] / small['seconds']:.2f}) "
        f"| <= 1.25 | {verdict(growth, 1.25, False)} | `{cmd}` |",
        f"| 7 | whole-file copy of the previous database (writer.copy_file), reported apart | {duration(copy['big'])} for "
        f"{big['bytes'] / 1e6:,.0f} MB ({big['bytes'] / copy['big'] / 1e6:,.0f} MB/s; made durable with fsync "
        f"{b['disk_copy']['bytes'] / b['disk_copy']['seconds'] / 1e6:,.0f} MB/s) | {duration(copy['small'])} for {small['bytes'] / 1e6:,.0f} MB at "
        f"{b['small_years']} seasons | - | - | - | `{cmd}` |",
        f"| 7 | incremental result equals the full build of the same mirror ({b['small_years']} seasons, after the night) "
        f"| {len(same)} of {len(b['equal'])} tables equal | full build, {duration(b['check_full']['seconds'])} | - | equal "
        f"| {'met' if len(same) == len(b['equal']) else '**missed**: ' + ', '.join(sorted(set(b['equal']) - set(same)))} "
        f"| `{cmd}` |",
        f"| 8 | extrapolated: full build of the real archive ({x['rows'] / 1e9:.1f} billion rows, {x['alerts']:,} alerts) | "
        f"{duration(x['full_seconds'])} | real rows / {x['rate']:,.0f} rows/s | - | - | - | `{cmd}` |",
        f"| 8 | extrapolated: nightly update of the real archive ({x['changed']:,} events changed) | "
        f"{duration(x['update_seconds'])} (copy {duration(x['copy_seconds'])}) | see the formula below | "
        f"{x['update_seconds'] / x['full_seconds']:.3f}x the full build | <= 0.1x | "
        f"{verdict(x['update_seconds'] / x['full_seconds'], 0.1, False, 'x')} | `{cmd}` |",
        f"| 8 | extrapolated: database size of the real archive | {x['bytes'] / 1e9:,.1f} GB | real rows x {x['bytes_per_row']:.1f} "
        f"B/row | - | - | - | `{cmd}` |",
    ]


def phase_line(build, keys):
    main = build["phases"]["main"]
    return ", ".join(f"{key} {duration(main[key])}" for key in keys if main.get(key))


def reading_table(build):
    """Per survey: events read, CPU seconds reading them, and by step."""
    steps = sorted({k for s in build["phases"]["reading"].values() for k in s if k != "read"})
    lines = ["| survey | events read | reading CPU | per event | " + " | ".join(steps) + " | other |",
             "|---|---|---|---|" + "---|" * (len(steps) + 1)]
    for survey, found in sorted(build["phases"]["reading"].items()):
        n, total = build["phases"]["events"][survey], found["read"]
        other = total - sum(found.get(s, 0) for s in steps)
        lines.append(f"| {SURVEY_NAMES[survey]} | {n:,} | {duration(total)} | {total / n * 1000:,.0f} ms | "
                     + " | ".join(f"{found.get(s, 0):,.1f} s ({found.get(s, 0) / total:.0%})" for s in steps)
                     + f" | {other:,.1f} s |")
    return lines


def notes(b, cmd):
    a, full, bare, x = b["archive"], b["full"], b["bare"], b["extrapolation"]
    big, small = b["updates"]["big"], b["updates"]["small"]
    reading = full["phases"]["reading"]
    cpu = sum(s["read"] for s in reading.values())
    moa = reading.get("MOA", {}).get("MOA heliocentric correction", 0)
    p = a["points"]
    s = b["storage"]
    table = s["tables"]["photometry_points"]
    per_survey = "; ".join(
        f"{SURVEY_NAMES[k]} {sum(v['value_bytes'].values()) + s['record_header']:.1f} B ("
        + ", ".join(f"{c} {n:.1f}" for c, n in v["value_bytes"].items() if n) + ")" for k, v in s["surveys"].items())
    others = sum(t["bytes"] for name, t in s["tables"].items() if name != "photometry_points")
    update_keys = ["copy", "read previous", "carry-over checks", "forget others", "insert", "finish",
                   "finish: crossmatch", "finish: fits", "finish: ANALYZE"]
    return [
        "## 3-4, 7-8. The build of a multi-season archive", "",
        f"- The archive (`python -m benchmarks.archive`, SYNTHETIC, generated in {duration(b['generate_seconds'])}): the "
        f"seasons each survey really has in {a['first']}-{a['last']} (OGLE {a['seasons']['OGLE']}, KMTNet "
        f"{a['seasons']['KMT']}, MOA {a['seasons']['MOA']}), each with **{a['fraction']:g} of the real events per season** "
        f"(OGLE {a['per_season']['OGLE']}, KMTNet {a['per_season']['KMT']}, MOA {a['per_season']['MOA']}; the real archive "
        f"has ~{archives.REAL_EVENTS['OGLE']:,}, ~{archives.REAL_EVENTS['KMT']:,} and ~{archives.REAL_EVENTS['MOA']:,} "
        f"in {archives.REAL_SEASONS['OGLE']}, {archives.REAL_SEASONS['KMT']} and {archives.REAL_SEASONS['MOA']} seasons; "
        f"the default 0.03 is the smallest fraction at which every survey's season has the {PARALLEL_FROM} events "
        f"from which the build reads a season on every core, as it does at the real size). "
        f"Real file lengths: OGLE phot.dat median {p['OGLE']['median']:,.0f}, mean {p['OGLE']['mean']:,.0f} points "
        f"({p['OGLE']['min']:,}-{p['OGLE']['max']:,}); KMTNet {min(a['files_per_kmt_event'])}-{max(a['files_per_kmt_event'])} "
        f"pySIS files an event in a pysis.tar.gz (I files {a['kmt_i_files_points'][0]:,}-{a['kmt_i_files_points'][1]:,} "
        f"points, V a tenth), {p['KMT']['mean']:,.0f} I-band points an event on average, from a pool of {a['pool']} "
        f"bundles hard-linked into the event folders (the build reads each copy); MOA whole-baseline files of "
        f"{p['MOA']['min']:,}-{p['MOA']['max']:,} points (mean {p['MOA']['mean']:,.0f}), www.massey.ac.nz's layout up to "
        f"2024 (index.dat, alert.php, moa2ogle.txt, display.php, fetchtxt.php) and moaprime's in 2025. Problems: "
        f"{a['missing']} OGLE events listed without files (deliberate, as in the real mirror), nothing else; exit "
        f"status of every build: {sorted({u['status'] for u in (full, b['small_full'], big, small, b['check_full'])})}.",
        f"- The builds ran as `./build --offline [--full] --mirror M --db D` (cli.main, today = {archives.TODAY}) on "
        f"{b['workers']} workers; their times are wall times of the whole command. The phases are measured by wrapping "
        f"the package's functions for the run (benchmarks/phases.py); reading times are CPU seconds in the worker "
        f"processes.",
        f"- **Where the full build's {duration(full['seconds'])} go**: loads by survey "
        + ", ".join(f"{SURVEY_NAMES[k]} {duration(v)}" for k, v in full["phases"]["loads"].items())
        + f"; in the writer: {phase_line(full, ['insert', 'insert: Points.stored', 'finish', 'finish: crossmatch', 'finish: fits', 'finish: COMMIT', 'finish: ANALYZE', 'finish: VACUUM'])}. "
        f"Reading the events took {duration(cpu)} of CPU on {b['workers']} workers, "
        f"**{moa / cpu:.0%} of it MOA's heliocentric correction** (formulas.heliocentric_jd: the Earth's position from erfa tabulated, "
        f"{moa / max(full['phases']['events'].get('MOA', 1), 1):.2f} s an event of ~10,000 points). The bare loader read "
        f"and inserted {bare['rows']:,} rows in {duration(bare['seconds'])}. By survey and step (CPU):", "",
        *reading_table(full), "",
        f"- **Bytes**: the file is {full['bytes'] / 1e6:,.1f} MB for {full['rows']:,} rows, {full['bytes'] / full['rows']:.1f} "
        f"B/row; photometry_points is {table['bytes'] / full['rows']:.1f} B/row of it ({table['payload'] / table['cells']:.1f} "
        f"B of record, {(table['bytes'] - table['payload'] - table['unused']) / table['cells']:.1f} B of cell pointer, "
        f"length and page headers, {table['unused'] / table['cells']:.1f} B unused), everything else together "
        f"{others / full['rows']:.2f} B/row. A record is a {s['record_header']}-byte header (one serial type a column, "
        f"NULLs included, and its length) and the values; by survey (sampled, values in bytes): {per_survey}.",
        f"- **The night**: {b['changed']} events of {a['last']} refitted ({b['changed_files']} files rewritten: their "
        f"season lists with the new tE, params.dat or the event page, photometry with 3 new points, and for KMTNet a "
        f"new pysis.tar.gz), written identically into both mirrors. At {b['years']} seasons: "
        f"{phase_line(big, update_keys)}; loads "
        + ", ".join(f"{SURVEY_NAMES[k]} {duration(v)}" for k, v in big["phases"]["loads"].items())
        + f". At {b['small_years']} seasons: {phase_line(small, update_keys)}; loads "
        + ", ".join(f"{SURVEY_NAMES[k]} {duration(v)}" for k, v in small["phases"]["loads"].items())
        + f". Reading, inserting and fitting the changed events took {duration(changed_seconds(big))} and "
        f"{duration(changed_seconds(small))}; the rest, what every event and season costs whether it changed or not, "
        f"{duration(rest(big))} and {duration(rest(small))} ({rest(big) / rest(small):.1f}x for "
        f"{big['alerts'] / small['alerts']:.1f}x the alerts). So at these sizes the night's own work dominates the "
        f"update and the 12/4 ratio; what grows with the archive is extrapolated below.",
        f"- **Incremental equals full**: after the night, the incremental database of the {b['small_years']}-season "
        f"archive and a `--full` build of the same mirror were compared table by table (every table but build_info, "
        f"build_runs, build_run_sources, alert_history, sqlite_stat1 and the FTS index: whole rows both ways but for "
        f"fits.fitted_at, when a build made the fit, photometry_points by its row count and the sum of every column): "
        + ", ".join(f"{t} {n:,}{'' if same else ' against ' + format(m, ',') + ' DIFFERENT'}"
                    for t, (n, m, same) in b["equal"].items()) + ".",
        f"- **Extrapolation to the real archive** ({x['rows'] / 1e9:.1f} billion rows, {x['alerts']:,} alerts, on this "
        f"machine's {b['workers']} workers): full build = {x['rows']:,.0f} rows / {x['rate']:,.0f} rows/s = "
        f"**{duration(x['full_seconds'])}**; size = {x['rows']:,.0f} x {x['bytes_per_row']:.1f} B = "
        f"**{x['bytes'] / 1e9:,.1f} GB**; nightly update = copy ({x['bytes'] / 1e9:,.1f} GB at "
        f"{x['copy_rate'] / 1e6:,.0f} MB/s, the slower of the update's copy of the {b['years']}-season database and "
        f"the same copy made durable with fsync: a copy of that size does not stay in the page cache = "
        f"{duration(x['copy_seconds'])}) + what does not change at "
        f"{b['years']} seasons ({duration(x['rest'])}) + its growth with the alerts ({x['slope'] * 1000:.2f} ms an alert, "
        f"from {duration(x['rest_small'])} at {small['alerts']:,} alerts to {duration(x['rest'])} at {big['alerts']:,}: "
        f"{duration(x['grows'])} more) + the real night's {x['changed']:,} changed events in the surveys' shares of a "
        f"season, each its survey's reading CPU in the full build / {b['workers']} workers plus its rows' inserts ("
        + ", ".join(f"{SURVEY_NAMES[k]} {v * 1000:,.0f} ms" for k, v in x["per_event"].items())
        + (f"; fits {x['fits'] * 1000:,.0f} ms a changed event" if x.get("fits") else "")
        + f": {duration(x['night'])}) = **{duration(x['update_seconds'])}**. More cores divide the reading (MOA "
        f"above all) but not the one writer.",
        *fixes(b),
        f"- Reproduce: `{cmd}`; the build's own output is in the run's build.log (`--keep`).", ""]


def fixes(b):
    """What in the package the missed figures point at, with the measured numbers behind each."""
    full, bare, s = b["full"], b["bare"], b["storage"]
    main, reading, workers = full["phases"]["main"], full["phases"]["reading"], b["workers"]
    cpu = sum(r["read"] for r in reading.values())
    helio = reading.get("MOA", {}).get("MOA heliocentric correction", 0)
    loads = sum(full["phases"]["loads"].values())
    without = full["seconds"] - loads + max(main.get("insert", 0), cpu / workers)
    bare_rate = bare["rows"] / bare["seconds"]
    out = ["- **What the misses point at in the package** (suggestions; nothing here changes it):"]
    fitting = main.get("finish: fits", 0)
    if full["rows"] / (full["seconds"] - fitting) < bare_rate:
        out.append(
            f"  - Full build rows/s, fit stage apart: the build spends {duration(cpu)} of CPU reading (on {workers} "
            f"workers; {helio / cpu:.0%} of it MOA's heliocentric correction) and {duration(main.get('insert', 0))} "
            f"inserting, {duration(cpu + main.get('insert', 0))} in all on {workers} cores, where the bare loader "
            f"spends {duration(bare['seconds'])} on one: the cores bound the build to at least "
            f"{duration((cpu + main.get('insert', 0)) / workers)} "
            f"({full['rows'] / ((cpu + main.get('insert', 0)) / workers) / bare_rate:.2f}x the bare loader), and "
            f"the VACUUM that makes the file a tenth smaller takes {duration(main.get('finish: VACUUM', 0))} more. "
            f"With the reading spread perfectly the build would take "
            f"~{duration(without - fitting)} here ({full['rows'] / (without - fitting) / bare_rate:.2f}x the bare "
            f"loader), bound by the one writer, `writer.DatabaseWriter.add_lightcurves` "
            f"({duration(main.get('insert', 0))} of inserts into a table with a primary key and fixed-point values "
            f"checked against their decimals, where the bare loader appends floats to a table nothing else reads), "
            f"and by the crossmatch, sparklines, COMMIT and ANALYZE in finish, which the bare loader has none of.")
    if full["bytes"] / full["rows"] > 30:
        kmt = s["surveys"].get("KMT", {}).get("value_bytes", {})
        out.append(
            f"  - Bytes per row over the stretch goal of 30: every record repeats its 4-byte lightcurve_id "
            f"(alert_id x 32 + place, ~3.3e8: a dense lightcurve number below 8.4 M would take 3 bytes) and a 4-byte "
            f"hjd in 1e-5 d (stored relative to the lightcurve's first time it would take 3); the record header is "
            f"{s['record_header']} bytes, one for each of the 9 columns even where NULL (OGLE and MOA rows carry 3 NULL "
            f"columns each); KMTNet rows, most of the archive, hold 8 values besides the key ({sum(kmt.values()):.1f} B "
            f"with it, {sum(kmt.values()) + s['record_header']:.1f} B with the header). "
            f"The table is `photometry_points` in `schema.py`, written by `writer.DatabaseWriter.add_lightcurves`.")
    big, small = b["updates"]["big"], b["updates"]["small"]
    if rest(big) / rest(small) > 1.25:
        out.append(
            f"  - The part of the update that is not the night's own work grows with the archive ({duration(rest(small))} "
            f"at {small['alerts']:,} alerts, {duration(rest(big))} at {big['alerts']:,}; "
            f"{duration(b['extrapolation']['rest'] + b['extrapolation']['grows'])} at the real archive's "
            f"{b['extrapolation']['alerts']:,}), and so does the copy: every update parses every season's list again "
            "(`load.seasons.read_season`, `season_list`), stats every file every event was read from "
            "(`writer.DatabaseWriter.carry` through `reading.reads_now`), reads every alert and input back "
            "(`read_previous`) and rewrites the small tables whole, with the crossmatch of every alert "
            "(`load.link_events`, `DatabaseWriter.write_tables`). A season whose list and folders are unchanged could be carried whole. The "
            "copy (`writer.copy_file`) is a reflink, and free, only on a filesystem that shares blocks (XFS with "
            "reflink, Btrfs); on ext4, as here, it copies every byte.")
    return out if len(out) > 1 else []
