"""Parameter history across builds, the drop guard, and the update that finds nothing new."""

import sqlite3

from microlensing_to_sqlite.cli import main
from microlensing_to_sqlite.plan import EXIT_OK, EXIT_REFUSED
from microlensing_to_sqlite.ogle import site as ogle
from microlensing_to_sqlite.ogle.demo import LENSES_PAR_HEADER
from microlensing_to_sqlite.mirror import Mirror
from microlensing_to_sqlite.names import AlertName

ROW = ("2025-BLG-{n:04d} BLG497.22  26223 17:19:{s:05.2f} -27:43:21.4 2460746.661 2025-03-12.16 {tE:<5} "
       "  0.128  7.889 2.243 1.000 19.911 19.911\n")
KMT_ROW = ("KMT-2025-BLG-{n:04d} BLG01K0303.006782 {c} 1 17:52:{s:05.2f} -30:42:01.51  60748.35834    9.99  0.839"
           "  17.03  17.04  17.04 1   1.86\n")


def write_season(root, ogle_events, kmt_events=None):
    """ogle_events: {number: tE as text}; kmt_events: {number: classification}."""
    mirror = Mirror(root)
    mirror.write(ogle.lenses_par_url(2025),
                 (LENSES_PAR_HEADER + "".join(ROW.format(n=n, s=n % 60, tE=tE) for n, tE in ogle_events.items())).encode())
    if kmt_events:
        mirror.write("https://kmtnet.kasi.re.kr/~ulens/event/2025/listpage.dat",
                     "".join(KMT_ROW.format(n=n, c=c, s=n % 60) for n, c in kmt_events.items()).encode())
    return mirror


def build(tmp_path, night, *extra):
    return main(["--offline", "--no-fit", "--mirror", str(tmp_path / "mirror"), "--db", str(tmp_path / "x.db"),
                 "--history", str(tmp_path / "history.db"), *extra],
                observed_at=f"2025-04-{night:02d}T06:00:00+00:00")


def history(tmp_path):
    db = sqlite3.connect(tmp_path / "x.db")
    return db.execute("select alert_name, observed_at, tE, classification from alert_history "
                      "order by observed_at, alert_name").fetchall()


def test_first_build_records_the_initial_values(tmp_path):
    write_season(tmp_path / "mirror", {1: "28.56", 2: "111.4"}, {1: "1"})
    assert build(tmp_path, 1) == EXIT_OK
    assert history(tmp_path) == [("KMT-2025-BLG-0001", "2025-04-01T06:00:00+00:00", 9.99, "1"),
                                 ("OGLE-2025-BLG-0001", "2025-04-01T06:00:00+00:00", 28.56, None),
                                 ("OGLE-2025-BLG-0002", "2025-04-01T06:00:00+00:00", 111.4, None)]


def test_second_build_appends_exactly_the_changes(tmp_path):
    mirror = write_season(tmp_path / "mirror", {1: "28.56", 2: "111.4"}, {1: "1"})
    build(tmp_path, 1)
    # Night 2: a tE changes, a new event, a classification changes, and a file disappears.
    write_season(tmp_path / "mirror", {1: "30.12", 2: "111.4", 3: "9.001"}, {1: "2"})
    mirror.write(ogle.phot_url(AlertName("OGLE", 2025, "BLG", 2)), b"2457821.85063 20.079 0.223 4.66 83.0\n")
    build(tmp_path, 2)
    mirror.remove(ogle.phot_url(AlertName("OGLE", 2025, "BLG", 2)))
    build(tmp_path, 3)
    night_2 = [row for row in history(tmp_path) if row[1].startswith("2025-04-02")]
    assert night_2 == [("KMT-2025-BLG-0001", "2025-04-02T06:00:00+00:00", 9.99, "2"),
                       ("OGLE-2025-BLG-0001", "2025-04-02T06:00:00+00:00", 30.12, None),
                       ("OGLE-2025-BLG-0003", "2025-04-02T06:00:00+00:00", 9.001, None)]
    assert not [row for row in history(tmp_path) if row[1].startswith("2025-04-03")]


def test_identical_build_adds_nothing(tmp_path):
    write_season(tmp_path / "mirror", {1: "28.56"})
    build(tmp_path, 1)
    build(tmp_path, 2)
    build(tmp_path, 3)
    assert len(history(tmp_path)) == 1


def test_history_survives_a_fresh_database(tmp_path):
    write_season(tmp_path / "mirror", {1: "28.56"})
    build(tmp_path, 1)
    (tmp_path / "x.db").unlink()
    write_season(tmp_path / "mirror", {1: "29.00"})
    build(tmp_path, 2)
    assert [row[2] for row in history(tmp_path)] == [28.56, 29.0]


def test_first_seen_comes_from_the_history(tmp_path):
    write_season(tmp_path / "mirror", {1: "28.56"})
    build(tmp_path, 1)
    write_season(tmp_path / "mirror", {1: "28.56", 2: "9.001"})
    build(tmp_path, 5)
    db = sqlite3.connect(tmp_path / "x.db")
    assert db.execute("select alert_name, first_seen from alerts order by 1").fetchall() == [
        ("OGLE-2025-BLG-0001", "2025-04-01T06:00:00+00:00"), ("OGLE-2025-BLG-0002", "2025-04-05T06:00:00+00:00")]


def test_thirty_nightly_updates_keep_every_change_exactly_once(tmp_path):
    import random
    random.seed(30)
    events, made = {1: "20.00", 2: "50.00", 3: "120.0"}, 3
    for night in range(1, 31):
        for n in list(events):
            if night > 1 and random.random() < 0.3:
                changed = f"{float(events[n]) * random.uniform(0.9, 1.1):.2f}"[:5]
                made += changed != events[n]
                events[n] = changed
        if night % 7 == 0:
            events[len(events) + 1] = "10.00"
            made += 1
        write_season(tmp_path / "mirror", events)
        build(tmp_path, night)
    rows = history(tmp_path)
    assert len(rows) == made
    assert len(set((name, at) for name, at, _, _ in rows)) == len(rows)


def test_changes_since_query_shows_old_and_new(tmp_path, portal_for):
    write_season(tmp_path / "mirror", {1: "28.56"})
    build(tmp_path, 1)
    write_season(tmp_path / "mirror", {1: "30.12"})
    build(tmp_path, 2)
    (tmp_path / "db").mkdir()
    (tmp_path / "x.db").rename(tmp_path / "db" / "microlensing.db")
    portal = portal_for(tmp_path / "db" / "microlensing.db")
    import asyncio
    response = asyncio.run(portal.client.get("/microlensing/changes_since.json",
                                             params={"date": "2025-04-02", "_shape": "array"}))
    [row] = response.json()
    assert (row["alert_name"], row["tE_before"], row["tE"]) == ("OGLE-2025-BLG-0001", 28.56, 30.12)


# The drop guard -----------------------------------------------------------------------------------------

def test_guard_refuses_a_halved_season_and_keeps_the_old_database(tmp_path):
    write_season(tmp_path / "mirror", {n: "20.00" for n in range(1, 21)})
    build(tmp_path, 1)

    def alerts():
        return sqlite3.connect(tmp_path / "x.db").execute("select * from alerts order by 1").fetchall()

    before = alerts()
    write_season(tmp_path / "mirror", {n: "20.00" for n in range(1, 11)})
    assert build(tmp_path, 2) == EXIT_REFUSED
    assert alerts() == before and len(before) == 20


def test_guard_says_why(tmp_path, capsys):
    write_season(tmp_path / "mirror", {n: "20.00" for n in range(1, 21)})
    build(tmp_path, 1)
    write_season(tmp_path / "mirror", {n: "20.00" for n in range(1, 11)})
    build(tmp_path, 2)
    assert "OGLE 2025: 20 alerts before, 10 now" in capsys.readouterr().out


def test_guard_accepts_a_forced_drop(tmp_path):
    write_season(tmp_path / "mirror", {n: "20.00" for n in range(1, 21)})
    build(tmp_path, 1)
    write_season(tmp_path / "mirror", {n: "20.00" for n in range(1, 11)})
    assert build(tmp_path, 2, "--force") == EXIT_OK
    assert sqlite3.connect(tmp_path / "x.db").execute("select count(*) from alerts").fetchone()[0] == 10


def test_guard_allows_a_small_drop(tmp_path):
    write_season(tmp_path / "mirror", {n: "20.00" for n in range(1, 21)})
    build(tmp_path, 1)
    write_season(tmp_path / "mirror", {n: "20.00" for n in range(1, 19)})
    assert build(tmp_path, 2) == EXIT_OK


def test_refused_run_is_recorded_for_the_health_page(tmp_path):
    write_season(tmp_path / "mirror", {n: "20.00" for n in range(1, 21)})
    build(tmp_path, 1)
    write_season(tmp_path / "mirror", {n: "20.00" for n in range(1, 11)})
    build(tmp_path, 2)
    runs = sqlite3.connect(tmp_path / "history.db").execute("select status, detail from build_runs").fetchall()
    assert runs[-1][0] == "refused" and "OGLE 2025" in runs[-1][1]


# The health page ----------------------------------------------------------------------------------------

def serve(tmp_path, portal_for):
    folder = tmp_path / f"served{len(list(tmp_path.glob('served*')))}"
    folder.mkdir()
    (folder / "microlensing.db").write_bytes((tmp_path / "x.db").read_bytes())
    return portal_for(folder / "microlensing.db")


def test_health_page_says_all_good_only_when_nothing_failed_or_is_missing(tmp_path, portal_for):
    import asyncio
    from plugins import health
    write_season(tmp_path / "mirror", {1: "28.56"}, {1: "1"})
    build(tmp_path, 1)
    text = asyncio.run(serve(tmp_path, portal_for).client.get("/health")).text
    # These seasons' lists name events whose files the site does not have: not broken, not all good either.
    assert "broken" not in text.split("<tbody>")[1].split("</tbody>")[0] and "not on the site" in text
    loaded = {"alerts": 20, "failed": 0, "skipped": 0, "parse_errors": 0}
    assert health.verdict(loaded) == "all good"
    assert health.verdict(loaded, missing=[("params.dat", 1927)]).startswith("1,927 params.dat not on the site")


def test_health_page_shows_a_broken_source_within_one_run(tmp_path, portal_for):
    import asyncio
    write_season(tmp_path / "mirror", {1: "28.56"}, {1: "1"})
    build(tmp_path, 1)
    Mirror(tmp_path / "mirror").write("https://kmtnet.kasi.re.kr/~ulens/event/2025/listpage.dat",
                                      b"<html>Service Unavailable</html>\n")
    build(tmp_path, 2, "--force")
    text = asyncio.run(serve(tmp_path, portal_for).client.get("/health")).text
    assert "no alerts loaded: the source failed" in text
    assert "1 file parse error" in text and "listpage.dat" in text


def test_health_page_tells_of_a_refused_build(tmp_path, portal_for):
    import asyncio
    write_season(tmp_path / "mirror", {n: "20.00" for n in range(1, 21)})
    build(tmp_path, 1)
    write_season(tmp_path / "mirror", {n: "20.00" for n in range(1, 11)})
    build(tmp_path, 2)
    text = asyncio.run(serve(tmp_path, portal_for).client.get("/health")).text
    assert "<strong>refused</strong>" in text and "OGLE 2025: 20 alerts before, 10 now" in text
    db = sqlite3.connect(tmp_path / "x.db")
    assert db.execute("select count(*) from alerts").fetchone()[0] == 20  # the data stayed


def test_lightcurve_json_carries_the_fit_history(tmp_path, portal_for):
    import asyncio
    write_season(tmp_path / "mirror", {1: "28.56"})
    build(tmp_path, 1)
    write_season(tmp_path / "mirror", {1: "30.12"})
    build(tmp_path, 2)
    document = asyncio.run(serve(tmp_path, portal_for).client.get("/-/lightcurve/alert/OGLE-2025-BLG-0001.json")).json()
    assert [(h["observed_at"][:10], h["tE"]) for h in document["history"]] == [("2025-04-01", 28.56),
                                                                               ("2025-04-02", 30.12)]


def test_health_page_without_a_history_shows_each_season_from_the_database(tmp_path, portal_for):
    """make serve's demo is built without a history file: the page still says how each season loaded."""
    import asyncio
    write_season(tmp_path / "mirror", {1: "28.56"}, {1: "1"})
    build(tmp_path, 1)
    db = sqlite3.connect(tmp_path / "x.db")
    db.execute("delete from build_run_sources")
    db.execute("delete from build_runs")
    db.commit()
    text = asyncio.run(serve(tmp_path, portal_for).client.get("/health")).text
    assert "No run history is recorded" in text and "<td>OGLE</td><td>2025</td>" in text


def test_health_page_does_not_call_a_season_with_missing_files_all_good(tmp_path, portal_for):
    import asyncio
    write_season(tmp_path / "mirror", {1: "28.56", 2: "30.0"}, {1: "1"})
    build(tmp_path, 1)
    missing = sqlite3.connect(tmp_path / "x.db").execute(
        "select count(*) from build_problems where kind = 'missing' and survey = 'OGLE'").fetchone()[0]
    text = asyncio.run(serve(tmp_path, portal_for).client.get("/health")).text
    ogle = next(row for row in text.split("<tr") if "<td>OGLE</td><td>2025</td>" in row)
    assert missing and "all good" not in ogle and "not on the site" in ogle
