"""`make bench`'s candidate desk part and the injection's summary at tiny sizes, through the report, so that a
rename cannot break them silently (the timings themselves are make bench's, never asserted here)."""

import argparse

from benchmarks import candidates, injection, report


def test_the_candidate_desk_part_runs_and_reports():
    found = candidates.run(events=1)
    assert found["tonight_largest_difference_hours"] <= 0.2  # the same answer as astroplan's own
    text = report.render({"candidates": found}, argparse.Namespace(), {"candidates": "cmd"}, {"candidates": 1.0},
                         1.0, (0.0,), (0.0,))
    assert "lens-class step of one sampled event" in text and "/-/tonight" in text


def test_the_injection_summary_splits_coverage_by_where_intervals_come_from():
    inside = {"tE": (True, True), "u0": (False, True), "piE": (True, True)}
    results = [dict(kind="point lens", rising=False, status="ok", posterior=state, seconds=1.0, inside=inside,
                    pulls={"tE": 0.5}, above_lower_limit=None)
               for state in ("sampled", "sampled, not converged", "curvature")]
    results.append(dict(kind="point lens", rising=False, status="unconstrained", posterior="curvature", seconds=1.0,
                        inside={}, pulls={}, above_lower_limit=True))
    summary = injection.summarise(results, 1.0, 1)
    assert {"tE (sampled)", "tE (sampled, not converged)", "tE (curvature)"} <= set(summary["coverage"])
    assert (summary["lower_limits"], summary["above_lower_limit"]) == (1, 1)
    text = "\n".join(report.injection_rows(summary, "cmd"))
    assert "97.5% lower limit" in text


def test_the_fits_rows_report_the_real_cadence_sampling_and_the_archive_goals():
    from benchmarks import fits
    datasets = fits.real_cadence_event(0.3, 150.0, 0)
    assert [len(d.hjd) for d in datasets] == [4519, 2995] and all(d.label.startswith("SYNTHETIC") for d in datasets)
    found = {"per_kind": {}, "point_lens_median": None, "baseline_median": None, "events": 3, "fitted": 3,
             "verdicts": {"ok": 3}, "workers": 2, "season_seconds": 3.0, "per_event_wall": 1.0,
             "archive_minutes": 750.0, "nightly_minutes": 50.0, "real_cadence_events": 4,
             "real_cadence_binned": 10.0, "real_cadence_every_point": 20.0}
    text = "\n".join(report.fit_rows(found, "cmd"))
    assert "archive <= 60 min" in text and "2.0x faster" in text


def test_the_chart_rows_judge_each_size_against_its_goal():
    found = {"repeats": 3, "sizes": {"5000": {"drawn": 1.2, "prepared": 1.9, "toggle": 0.35, "bare": 0.1, "plotted": 5964},
                                     "50000": {"drawn": 3.8, "prepared": 6.0, "toggle": 2.0, "bare": 0.8,
                                               "plotted": 50964}}}
    text = "\n".join(report.chart_rows(found, "cmd"))
    assert "<= 0.5 s" in text and "<= 1.5 s" in text and "<= 0.3 s" in text and "12.0x" in text


def test_the_injection_through_files_judges_the_stored_fit_as_the_direct_one(tmp_path):
    from benchmarks import injection_files
    # A '-' solution is judged as |u0|: its percentiles turn over.
    judged = injection_files.judge("ok", "sampled", {"u0": -0.2, "tE": 50.0}, {"u0": 0.01, "tE": 5.0},
                                   {"u0": [-0.26, -0.23, -0.2, -0.17, -0.14]}, {"u0": 0.25, "tE": 58.0})
    assert judged["inside"] == {"u0": (False, True), "tE": (False, True)} and judged["pulls"]["tE"] == -1.6
    found = injection_files.run(tmp_path, events=2, workers=1)
    assert found["files"]["events"] == found["direct"]["events"] == 2 and found["files"]["build_problems"] == 0
    summary = {"n": 1, "68": 1.0, "95": 1.0, "mean_pull": 0.1, "pull_error": 0.5}
    found["files"]["coverage"] = found["direct"]["coverage"] = {"tE": summary}
    text = "\n".join(report.injection_files_rows(found, "cmd"))
    assert "injection through the surveys' files (2022, 2025 layouts)" in text and "| met |" in text
