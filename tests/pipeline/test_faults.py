"""The fault matrix: each fault, injected into one per-event data file (the "victim"), for each survey (the sites,
the faults and their outcomes: tests/support/faulty_site.py).

Each mirror starts empty, so a victim that fails to fetch is absent and loads nothing; the `refetch` cases
start from a clean build's mirror instead and check that the good copy is kept. For every case: main()
returns, with the expected exit status; every alert row (all but fetched_at and first_seen, which are
times of day) and every other event's photometry equal the clean build's; the victim's URL is in
build_problems and the printed report with its kind and a reason, and counted in the history's
build_run_sources; a garbled or truncated file loads none of its rows.
"""

import shutil

import pytest

from microlensing_to_sqlite.fetch.request import ATTEMPTS
from microlensing_to_sqlite.mirror import Mirror
from tests.support.builds import run_build
from tests.support.faulty_site import (CASES, FETCH_FAULTS, LIST_FAULTS, MEMBER_FAULTS, SURVEYS, build_survey,
                                       fault_of, outcome)
from tests.support.site import Site, respond


@pytest.fixture(scope="module")
def faulty(surveys, tmp_path_factory):
    """faulty(survey key, fault): the build with that fault in the victim, made once."""
    builds = {}

    def make(key, fault):
        if (key, fault) not in builds:
            survey = surveys[key]
            folder = tmp_path_factory.mktemp(f"{key}-{fault}")
            builds[key, fault] = build_survey(folder, survey, {survey.victim: fault_of(survey, fault)})
        return builds[key, fault]

    return make


# The clean builds ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("key", SURVEYS)
def test_clean_build_exits_ok_and_loads_the_victim(surveys, clean, key):
    survey, build = surveys[key], clean[key]
    assert build.status == 0, build.printed
    assert build.problems() == []
    assert build.run_counts(survey.survey, survey.season)[:2] == (0, 0)
    assert len(build.photometry(survey.victim_alert_id)) == {"ogle": 265, "kmt": 15, "moa": 8}[key]


# The matrix: a fault in the victim, survey by survey ----------------------------------------------------

@pytest.mark.parametrize("key, fault", CASES)
def test_exit_status(surveys, faulty, key, fault):
    expected = {"fetch_failed": 3, "parse_error": 3}.get(outcome(surveys[key], fault), 0)
    assert faulty(key, fault).status == expected, faulty(key, fault).printed


@pytest.mark.parametrize("key, fault", CASES)
def test_every_alert_row_is_as_in_the_clean_build(surveys, clean, faulty, key, fault):
    survey = surveys[key]
    victim = next(n for n, r in clean[key].alerts(survey.survey).items() if r["alert_id"] == survey.victim_alert_id)
    before, after = clean[key].alerts(survey.survey), faulty(key, fault).alerts(survey.survey)
    for rows in (before, after):
        rows[victim].pop("n_photometry")
    assert after == before


@pytest.mark.parametrize("key, fault", CASES)
def test_other_events_photometry_is_as_in_the_clean_build(surveys, clean, faulty, key, fault):
    survey = surveys[key]

    def others(build):
        return [row for row in build.photometry_counts(survey.survey) if row[0] != survey.victim_alert_id]

    assert others(faulty(key, fault)) == others(clean[key])


@pytest.mark.parametrize("key, fault", CASES)
def test_victim_loads_all_of_a_file_or_none_of_it(surveys, clean, faulty, key, fault):
    survey, build = surveys[key], faulty(key, fault)
    good, loaded = clean[key].photometry(survey.victim_alert_id), build.photometry(survey.victim_alert_id)
    result = outcome(survey, fault)
    if result in ("recovers", "ignored"):
        assert loaded == good
    elif result == "dropped":  # the bad row alone
        assert loaded < good and len(good - loaded) == 1
    elif survey.member and fault in MEMBER_FAULTS:  # the bad member loads nothing; the others load in full
        assert loaded == {row for row in good if row[1] != survey.telescope}
    else:
        assert loaded == set()
    assert build.query("SELECT n_photometry FROM alerts WHERE alert_id = ?", survey.victim_alert_id) == [
        (len(loaded),)]


@pytest.mark.parametrize("key, fault", CASES)
def test_victim_is_reported_with_a_reason(surveys, faulty, key, fault):
    survey, build = surveys[key], faulty(key, fault)
    result = outcome(survey, fault)
    if result in ("recovers", "ignored", "dropped"):
        assert build.problems() == []
        return
    url = survey.problem_url(fault)
    problems = build.problems()
    assert [(s, y, kind, u) for s, y, kind, u, _ in problems] == [(survey.survey, survey.season, result, url)]
    detail = problems[0][4]
    assert detail.strip()
    assert f"  {result}: {url}" in build.printed


@pytest.mark.parametrize("key, fault", CASES)
def test_victim_is_counted_in_the_history(surveys, faulty, key, fault):
    survey, build = surveys[key], faulty(key, fault)
    failed, parse_errors, alerts = build.run_counts(survey.survey, survey.season)
    result = outcome(survey, fault)
    assert (failed, parse_errors) == {"fetch_failed": (1, 0), "parse_error": (0, 1)}.get(result, (0, 0))
    assert alerts == len(build.alerts(survey.survey))


@pytest.mark.parametrize("key, fault", [(s, f) for s, f in CASES if f in FETCH_FAULTS])
def test_fetch_failure_is_retried(surveys, faulty, key, fault):
    assert faulty(key, fault).site.asked[surveys[key].victim] == ATTEMPTS


@pytest.mark.parametrize("key", SURVEYS)
def test_429_is_asked_again_then_loads(surveys, faulty, key):
    # How long it waits is checked with a recording sleep in tests/fetch/test_request.py, not timed here.
    assert faulty(key, "http_429_retry_after").site.asked[surveys[key].victim] == 2


@pytest.mark.parametrize("key", ["kmt", "moa"])
def test_nan_row_is_dropped_and_counted(surveys, clean, faulty, key):
    survey = surveys[key]
    before = clean[key].summary_line(survey.survey, survey.season)
    after = faulty(key, "garbage_nan").summary_line(survey.survey, survey.season)
    # alerts, read, photometry, dropped, missing, unparsed, failed
    assert after == [before[0], before[1], before[2] - 1, before[3] + 1, *before[4:]]


# A victim fetched before: a failed fetch keeps the good copy --------------------------------------------

REFETCH_FAULTS = ("read_timeout", "http_500", "html_error_200")


# (MOA's photometry is served as an HTML page, so for it an HTML page is the data, not an error.)
@pytest.mark.parametrize("fault, key", [(f, k) for f in REFETCH_FAULTS for k in SURVEYS
                                        if not (f == "html_error_200" and k == "moa")])
def test_refetch_failure_keeps_the_mirrored_copy(surveys, clean, tmp_path, key, fault):
    survey = surveys[key]
    shutil.copytree(clean[key].folder, tmp_path, dirs_exist_ok=True)
    # KMT 2019 and MOA 2017 are long over: without --refresh-old-days 0 their fresh files are not asked for.
    build = build_survey(tmp_path, survey, {survey.victim: fault_of(survey, fault)}, "--refresh-old-days", "0")
    assert build.status == 3, build.printed
    assert Mirror(build.mirror).read_bytes(survey.victim) == survey.files[survey.victim]
    assert build.photometry(survey.victim_alert_id) == clean[key].photometry(survey.victim_alert_id)
    assert build.alerts(survey.survey) == clean[key].alerts(survey.survey)
    assert [(kind, url) for _, _, kind, url, _ in build.problems()] == [("fetch_failed", survey.victim)]
    assert build.run_counts(survey.survey, survey.season)[:2] == (1, 0)


# The season list itself failing: the whole source fails -------------------------------------------------

@pytest.mark.parametrize("key", SURVEYS)
@pytest.mark.parametrize("fault", LIST_FAULTS)
def test_failing_season_list_fails_the_source(surveys, tmp_path, key, fault):
    survey = surveys[key]
    make, kind = LIST_FAULTS[fault]
    build = build_survey(tmp_path, survey, {survey.list_url: make(survey)})
    assert build.status == 4, build.printed
    assert build.alerts(survey.survey) == {}
    assert build.query("SELECT count(*) FROM photometry") == [(0,)]
    problems = build.problems(kinds=(kind,))
    assert [(s, y, k, u) for s, y, k, u, _ in problems] == [(survey.survey, survey.season, kind, survey.list_url)]
    assert problems[0][4].strip()
    if kind != "missing":  # the printed report leaves out missing files
        assert f"  {kind}: {survey.list_url}" in build.printed
    failed, parse_errors, alerts = build.run_counts(survey.survey, survey.season)
    assert (failed, parse_errors, alerts) == {"fetch_failed": (1, 0, 0), "parse_error": (0, 1, 0),
                                              "missing": (0, 0, 0)}[kind]
    assert survey.victim not in build.site.urls


@pytest.mark.parametrize("key", SURVEYS)
def test_failing_season_list_leaves_the_other_sources_whole(surveys, clean, tmp_path, key):
    """All three surveys in one build, one of them without its list: exit 4, the other two as built alone."""
    files = {url: body for s in surveys.values() for url, body in s.files.items()}
    site = Site(files, {surveys[key].list_url: respond(500, b"Internal Server Error")})
    build = run_build(tmp_path, site, "--years", "2017", "2019", "2025", "--surveys", "ogle", "kmtnet", "moa")
    assert build.status == 4, build.printed
    assert build.alerts(surveys[key].survey) == {}
    for other in set(SURVEYS) - {key}:
        survey = surveys[other]
        assert build.alerts(survey.survey) == clean[other].alerts(survey.survey)
        assert build.photometry_counts(survey.survey) == clean[other].photometry_counts(survey.survey)
