"""A whole build (`cli.main`) against a stand-in site (site.Site on an httpx.MockTransport), in a folder of its own:
`mirror/`, `x.db` and `history.db`; and what a test reads of what it built."""

import contextlib
import datetime
import io
import sqlite3
from dataclasses import dataclass
from pathlib import Path

import httpx

from microlensing_to_sqlite.cli import main

TODAY = datetime.date(2025, 6, 1)


@dataclass
class Build:
    folder: Path
    site: object
    status: int
    printed: str

    @property
    def mirror(self):
        return self.folder / "mirror"

    def query(self, sql, *parameters):
        with contextlib.closing(sqlite3.connect(self.folder / "x.db")) as db:
            return db.execute(sql, parameters).fetchall()

    def alerts(self, survey):
        """{alert_name: {column: value}} without the times of day (fetched_at, first_seen)."""
        with contextlib.closing(sqlite3.connect(self.folder / "x.db")) as db:
            cursor = db.execute("SELECT * FROM alerts WHERE survey = ? ORDER BY alert_id", [survey])
            columns = [d[0] for d in cursor.description]
            rows = [dict(zip(columns, row)) for row in cursor]
        return {r["alert_name"]: {c: v for c, v in r.items() if c not in ("fetched_at", "first_seen")} for r in rows}

    def photometry(self, alert_id):
        return set(self.query("SELECT alert_id, telescope, band, hjd, mag, mag_err, delta_flux, flux_err, seeing, "
                              "fwhm, sky, secz FROM photometry WHERE alert_id = ?", alert_id))

    def photometry_counts(self, survey):
        return self.query("SELECT p.alert_id, telescope, band, count(*) FROM photometry p JOIN alerts a "
                          "USING (alert_id) WHERE a.survey = ? GROUP BY 1, 2, 3 ORDER BY 1, 2, 3", survey)

    def problems(self, kinds=("fetch_failed", "parse_error")):
        return self.query(f"SELECT survey, season, kind, url, detail FROM build_problems WHERE kind IN "
                          f"({', '.join('?' * len(kinds))})", *kinds)

    def run_counts(self, survey, season):
        """The latest run's failed and parse_errors for the survey-season, from the history file."""
        with contextlib.closing(sqlite3.connect(self.folder / "history.db")) as db:
            return db.execute("SELECT failed, parse_errors, alerts FROM build_run_sources WHERE survey = ? AND "
                              "season = ? ORDER BY run_id DESC LIMIT 1", [survey, season]).fetchone()

    def summary_line(self, survey, season):
        """The printed report's counts for a survey-season: alerts, photometry, dropped, missing, unparsed, failed."""
        for line in self.printed.splitlines():
            tokens = line.split()
            if tokens[:2] == [survey, str(season)]:
                return [int(t) for t in tokens[2:]]
        raise AssertionError(f"no {survey} {season} line in the report:\n{self.printed}")

    def mirrored(self):
        """The files under the mirror's host folders (its own bookkeeping, .fetch-state.json, sits at its top)."""
        return {str(p.relative_to(self.mirror)) for p in self.mirror.rglob("*")
                if p.is_file() and len(p.relative_to(self.mirror).parts) > 1}


def run_build(folder, site, *arguments, today=TODAY, ftp_open=None):
    """main(arguments) against the site, no rate cap, no wait before a retry; what it printed is kept."""
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exit_status = main([*arguments, "--no-fit", "--rate", "0", "--retry-wait", "0", "--mirror", str(folder / "mirror"),
                            "--db", str(folder / "x.db"), "--history", str(folder / "history.db")],
                           transport=httpx.MockTransport(site), today=today, ftp_open=ftp_open)
    return Build(folder, site, exit_status, printed.getvalue())
