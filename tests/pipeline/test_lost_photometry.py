"""Photometry that was loaded stays loaded when its file is lost: a site answering 404 for a night, a mirror whose
files were deleted, or a file that now does not parse or cannot be read. Each starts from a clean build of a
survey's recorded site (tests/support/faulty_site.py), whose victim file is the season's only photometry.

- live, the victim answers 404: the mirror keeps its copy, the run fails (exit 3), and the database is as before;
- offline, the victim gone from the mirror, or bad: the incremental build keeps the event's points (a
  "kept_previous" problem, exit 3); a full build has nothing to keep, so the drop guard refuses it (exit 5);
- the joint fit of an event that keeps its points is kept too (on the demo mirror, with fits);
- /health lists missing files and kept points.
"""

import asyncio
import datetime
import shutil
import sqlite3

import pytest

from microlensing_to_sqlite.demo import write_demo_mirror
from microlensing_to_sqlite.load import build
from microlensing_to_sqlite.mirror import Mirror
from microlensing_to_sqlite.names import AlertName
from microlensing_to_sqlite.ogle import site as ogle
from microlensing_to_sqlite.plan import EXIT_REFUSED, EXIT_SOME_FILES_FAILED, exit_status
from microlensing_to_sqlite.registry import SURVEYS as ALL_SURVEYS
from tests.support.chains import short_posterior_chains
from tests.support.faulty_site import KMT_MEMBERS, SURVEYS, build_survey, fault_of
from tests.support.site import respond

# KMT 2019 and MOA 2017 are long over: without --refresh-old-days 0 their fresh files are not asked for.
ASK_AGAIN = ("--refresh-old-days", "0")


def after_clean(clean, key, folder):
    """A copy of the clean build's folder (mirror, database, history) to build again in."""
    shutil.copytree(clean[key].folder, folder, dirs_exist_ok=True)
    return Mirror(folder / "mirror")


def kept(build, survey):
    """(url, detail) of the build's kept_previous problems."""
    return [(url, detail) for _, _, _, url, detail in build.problems(kinds=("kept_previous",))]


def assert_points_as_in(build, clean, survey):
    assert build.photometry(survey.victim_alert_id) == clean.photometry(survey.victim_alert_id)
    assert build.photometry_counts(survey.survey) == clean.photometry_counts(survey.survey)
    assert build.query("select count(*) from sparklines") == clean.query("select count(*) from sparklines")


# Live: a night of 404s --------------------------------------------------------------------------------------

@pytest.mark.parametrize("key", SURVEYS)
@pytest.mark.parametrize("status", [404, 410])
def test_a_404_after_a_good_build_keeps_the_copy_and_the_points_and_fails_the_run(surveys, clean, tmp_path, key,
                                                                                  status):
    survey = surveys[key]
    after_clean(clean, key, tmp_path)
    build = build_survey(tmp_path, survey, {survey.victim: respond(status, b"Not Found")}, *ASK_AGAIN)
    assert build.status == EXIT_SOME_FILES_FAILED, build.printed
    assert Mirror(build.mirror).read_bytes(survey.victim) == survey.files[survey.victim]
    assert_points_as_in(build, clean[key], survey)
    assert build.alerts(survey.survey) == clean[key].alerts(survey.survey)
    [(kind, url, detail)] = [(kind, url, detail) for _, _, kind, url, detail in build.problems()]
    assert (kind, url) == ("fetch_failed", survey.victim) and detail.endswith("the mirror's copy is kept")
    assert build.run_counts(survey.survey, survey.season)[:2] == (1, 0)


# Offline, and what the fetch lets into the mirror: a lost or bad file ---------------------------------------

def deleted(mirror, survey):
    mirror.remove(survey.victim)


def a_folder(mirror, survey):
    path = mirror.path(survey.victim)
    path.unlink()
    path.mkdir()


def a_link_loop(mirror, survey):
    path = mirror.path(survey.victim)
    path.unlink()
    path.symlink_to(path)


def links_for_members(mirror, survey):
    """KMT: a bundle whose members are symbolic links (to the files they were), not files."""
    import io
    import tarfile
    import gzip

    tar = io.BytesIO()
    with tarfile.open(fileobj=tar, mode="w", format=tarfile.USTAR_FORMAT) as bundle:
        for name in KMT_MEMBERS:
            member = tarfile.TarInfo(f"KB190001/{name}")
            member.type, member.linkname = tarfile.SYMTYPE, f"/data/KB190001/{name}"
            bundle.addfile(member)
    mirror.write(survey.victim, gzip.compress(tar.getvalue(), mtime=0))


DAMAGE = {"deleted": deleted, "a folder": a_folder, "a link loop": a_link_loop}
CASES = [(key, damage) for damage in DAMAGE for key in SURVEYS] + [("kmt", "links for members")]


@pytest.mark.parametrize("key, damage", CASES)
def test_a_lost_or_unreadable_file_keeps_the_points_of_the_previous_build(surveys, clean, tmp_path, key, damage):
    survey = surveys[key]
    mirror = after_clean(clean, key, tmp_path)
    (DAMAGE.get(damage) or links_for_members)(mirror, survey)
    build = build_survey(tmp_path, survey, None, "--offline")
    assert build.status == EXIT_SOME_FILES_FAILED, build.printed
    assert_points_as_in(build, clean[key], survey)
    [(url, detail)] = kept(build, survey)
    points = len(clean[key].photometry(survey.victim_alert_id))
    assert detail.endswith(f": the {points:,} points of the previous build are kept")
    assert f"  kept_previous: {url}" in build.printed


# A parse fault fetched into the mirror (a whole bundle for KMT, one member of it for KMT's garbage_stars).
PARSE_FAULTS = [(key, "garbage_stars") for key in SURVEYS] + [("kmt", "truncated_bundle"), ("kmt", "corrupt_bundle")]


@pytest.mark.parametrize("key, fault", PARSE_FAULTS)
def test_a_file_that_no_longer_parses_keeps_the_points_of_the_previous_build(surveys, clean, tmp_path, key, fault):
    survey = surveys[key]
    after_clean(clean, key, tmp_path)
    build = build_survey(tmp_path, survey, {survey.victim: fault_of(survey, fault)}, *ASK_AGAIN)
    assert build.status == EXIT_SOME_FILES_FAILED, build.printed
    assert_points_as_in(build, clean[key], survey)
    [(url, detail)] = kept(build, survey)
    assert url.startswith(survey.victim) and detail.startswith("does not parse (")
    assert ("parse_error", url) in [(kind, u) for _, _, kind, u, _ in build.problems()]


def test_the_file_back_loads_again_and_the_problem_goes(surveys, clean, tmp_path):
    survey = surveys["ogle"]
    mirror = after_clean(clean, "ogle", tmp_path)
    mirror.remove(survey.victim)
    assert build_survey(tmp_path, survey, None, "--offline").status == EXIT_SOME_FILES_FAILED
    mirror.write(survey.victim, survey.files[survey.victim])
    build = build_survey(tmp_path, survey, None, "--offline")
    assert (build.status, kept(build, survey)) == (0, [])
    assert_points_as_in(build, clean["ogle"], survey)


# The drop guard counts points too ----------------------------------------------------------------------------

@pytest.mark.parametrize("key", SURVEYS)
def test_a_full_build_that_lost_the_points_is_refused(surveys, clean, tmp_path, key):
    survey = surveys[key]
    mirror = after_clean(clean, key, tmp_path)
    mirror.remove(survey.victim)
    build = build_survey(tmp_path, survey, None, "--offline", "--full")
    points = clean[key].query("select sum(n_photometry) from alerts")[0][0]
    assert build.status == EXIT_REFUSED, build.printed
    assert f"{survey.survey} {survey.season}: {points} photometry points before, 0 now" in build.printed
    assert_points_as_in(build, clean[key], survey)  # refused: the database stays as it was
    forced = build_survey(tmp_path, survey, None, "--offline", "--full", "--force")
    assert forced.status == 0 and forced.query("select sum(n_photometry) from alerts") == [(0,)]


def test_a_small_loss_of_points_passes_the_guard(surveys, clean, tmp_path):
    survey = surveys["ogle"]
    mirror = after_clean(clean, "ogle", tmp_path)
    lines = mirror.read_text(survey.victim).splitlines(keepends=True)
    cut = len(lines) // 20
    mirror.write(survey.victim, "".join(lines[:-cut]).encode())  # 5% fewer points, and no problem
    build = build_survey(tmp_path, survey, None, "--offline")
    assert build.status == 0, build.printed
    assert len(build.photometry(survey.victim_alert_id)) == len(lines) - cut


# The fit of an event that keeps its points --------------------------------------------------------------------

def test_an_event_that_keeps_its_points_keeps_its_fit(tmp_path):
    today = datetime.date(2025, 8, 1)
    plan = [(survey, [today.year]) for survey in ALL_SURVEYS]
    mirror = write_demo_mirror(tmp_path / "mirror", events_per_season=6, seed=3, today=today)
    db_path = tmp_path / "microlensing.db"
    with short_posterior_chains():  # the question is whether the fit is kept, not how long its chains are
        build(mirror, db_path, plan, today=today, workers=1)

    def stored():
        with sqlite3.connect(db_path) as db:
            return {table: sorted(db.execute(f"select * from {table}").fetchall(), key=repr)
                    for table in ("fits", "fit_datasets", "fit_curves", "photometry_points", "sparklines")}

    before = stored()
    name = AlertName("OGLE", today.year, "BLG", 1)
    mirror.remove(ogle.phot_url(name))
    with short_posterior_chains():
        report = build(mirror, db_path, plan, today=today, workers=1)
    assert stored() == before
    assert report.fits["fitted"] == 0
    assert [p["alert_name"] for p in report.problems if p["kind"] == "kept_previous"] == [name.full]
    assert exit_status(report, plan) == EXIT_SOME_FILES_FAILED


# /health ---------------------------------------------------------------------------------------------------

def test_health_lists_missing_files_and_kept_points(surveys, clean, tmp_path, portal_for):
    survey = surveys["ogle"]
    mirror = after_clean(clean, "ogle", tmp_path)
    mirror.remove(survey.victim)
    build = build_survey(tmp_path, survey, None, "--offline")
    served = tmp_path / "served"
    served.mkdir()
    shutil.copyfile(tmp_path / "x.db", served / "microlensing.db")
    text = asyncio.run(portal_for(served / "microlensing.db").client.get("/health")).text
    missing = build.query("select count(*) from build_problems where kind = 'missing'")[0][0]
    assert f"OGLE 2025: {missing} files missing,\n    e.g. <code>{survey.victim}</code>" in text
    assert "OGLE 2025: 1 file missing or bad, its event&#39;s points kept from an earlier build" in text
    verdict = text.split("1 event keeps the points of an earlier build (a file missing or bad)")[1].split("</strong>")[0]
    assert "not on the site" in verdict  # and the files the site does not have, never "all good"
