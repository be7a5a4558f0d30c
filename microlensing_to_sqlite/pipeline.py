"""A run from start to end: fetch what the plan names into the mirror (unless offline), then load the mirror into
a new database, and record the run in the history. The command line (cli.py) only parses the options."""

import concurrent.futures
import datetime
from dataclasses import dataclass
from pathlib import Path

from . import history, load, plan
from .fetch import Fetcher, Politeness, Retries
from .mirror import Mirror
from .progress import Progress
from .report import FETCH_FAILED, Report


def now_utc():
    return datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")


def run(options, transport=None, today=None, observed_at=None, ftp_open=None):
    """Run the build the options describe; print the summary and return the exit status (plan.EXIT_*)."""
    today = today or datetime.date.today()
    mirror = Mirror(options.mirror)
    # An offline build may be of someone else's mirror: it writes no history into it unless asked (--history).
    history_path = plan.history_path(options, mirror)
    run_history = history.History(history_path) if history_path else None
    mode = "offline" if options.offline else "update" if options.update else "live"
    run_id = run_history.start_run(now_utc(), mode) if run_history else None
    report = Report()
    try:
        status, detail = fetch_and_load(options, mirror, today, transport, report, run_history, run_id,
                                        observed_at, ftp_open)
    except load.DropRefused as refusal:
        status, detail = plan.EXIT_REFUSED, f"refused to replace {options.db}: alert or photometry counts dropped " \
                                            f"by more than 10% ({refusal}); the previous database stays; use " \
                                            f"--force to accept"
    except BaseException as error:
        if run_history:
            run_history.finish_run(run_id, now_utc(), "failed", f"{type(error).__name__}: {error}", report.counts)
        raise
    if run_history:
        run_history.finish_run(run_id, now_utc(), plan.STATUS_WORDS[status], detail, report.counts)
        if detail:  # the database was kept as it is: show this run on its health page all the same
            load.refresh_history(options.db, run_history)
        run_history.close()
    print(report.summary())
    print(detail or f"wrote {options.db}")
    return status


def fetch_and_load(options, mirror, today, transport, report, run_history, run_id, observed_at, ftp_open):
    """Fetch (unless offline), then load; returns (exit status, what to say instead of "wrote DB")."""
    progress = Progress()
    db_path = Path(options.db)
    loaded_at = db_path.stat().st_mtime if db_path.is_file() else None
    fetched = plan.fetch_plan(options, today)
    if not options.offline:
        fetcher = Fetcher(mirror, transport=transport,
                          politeness=Politeness(per_host=options.per_host, rate=options.rate or None),
                          retries=Retries(backoff=options.retry_wait), **({"ftp_open": ftp_open} if ftp_open else {}))
        stage = FetchStage(fetcher, options, report, progress, today, loaded_at)
        try:
            # The surveys live on different hosts: fetch them side by side (each host keeps its own limits).
            with concurrent.futures.ThreadPoolExecutor(max(len(fetched), 1)) as pool:
                for done in [pool.submit(stage.run, survey, seasons) for survey, seasons in fetched]:
                    done.result()
        finally:
            fetcher.close()
    if options.update:
        changed = sum(c["fetched"] for c in report.counts.values())
        markers = [survey.change_marker for survey, _ in fetched if survey.change_marker]
        if not changed and loaded_at is not None and not mirror.changed_since(loaded_at, ignore=markers):
            return plan.exit_status(report, fetched, loaded=False), f"nothing changed; {options.db} stays as it is"
    loaded = plan.load_plan(options, today, mirror)

    def record_run(report):
        if run_history:
            run_history.finish_run(run_id, now_utc(), plan.STATUS_WORDS[plan.exit_status(report, loaded)], "",
                                   report.counts)

    load.build(mirror, options.db, loaded, events=options.events, progress=progress, today=today,
               report=report, bands=options.bands, history=run_history, observed_at=observed_at,
               force=options.force, on_loaded=record_run, full=options.full, workers=options.workers,
               fit=options.fit)
    return plan.exit_status(report, loaded), ""


@dataclass
class FetchStage:
    """Fetching one survey's seasons: each season's lists, then the files of every event they name (or just
    the --events), then the files those pages point to (KMTNet's pySIS files are named on its event pages).
    Events long over whose files are fresh enough are not asked for again; in an update, nothing is asked for
    when the survey says nothing changed."""
    fetcher: Fetcher
    options: object
    report: Report
    progress: Progress
    today: datetime.date
    loaded_at: float = None     # when the database being replaced was written (None: there is none)

    def run(self, survey, seasons):
        mirror, update = self.fetcher.mirror, self.options.update
        if update and self.unchanged_since_last_update(survey):
            for season in seasons:
                self.report.count(survey.name, season, "unchanged")
            return
        if update and survey.change_marker and not mirror.has(survey.change_marker):
            self.fetcher.fetch([survey.change_marker])  # remembered for the next update
        for season in seasons:
            names = self.due(survey, season) if self.options.events is None else \
                [e for e in self.options.events if e.survey == survey.name and e.season == season]
            stages = [("events", lambda name: survey.event_urls(mirror, name)),
                      ("data", lambda name: survey.followup_urls(mirror, name, self.options.bands))]
            for stage, urls_of in stages:
                urls = [url for name in names for url in urls_of(name)]
                if not urls:
                    continue
                self.progress.start(f"fetch {survey.name} {season} {stage}", len(urls))
                outcomes = self.fetcher.fetch(urls, on_done=lambda o: self.progress.advance(error=o.status == "failed"))
                self.count(outcomes, survey, season)
                self.progress.finish()

    def due(self, survey, season):
        """Fetch the season's lists; the events of them worth asking about."""
        mirror = self.fetcher.mirror
        # The listing the database was built from; a list newer than the database (a run killed after
        # fetching it) was never loaded, so it says nothing about what changed.
        list_url = survey.list_urls(season)[0]
        loaded = self.loaded_at is not None and mirror.has(list_url) and \
            mirror.path(list_url).stat().st_mtime <= self.loaded_at
        before = survey.season_list(mirror, season) if self.options.update and loaded else {}
        self.count(self.fetcher.fetch(survey.list_urls(season)), survey, season)
        listed = survey.season_list(mirror, season)
        names = plan.events_due(survey, self.fetcher, before, listed, self.today, self.options.refresh_old_days,
                                self.options.update)
        self.report.count(survey.name, season, "skipped", len(listed) - len(names))
        return names

    def unchanged_since_last_update(self, survey):
        """True when the survey's change marker (OGLE's last.changed) came back unchanged, and the marker we
        hold was already there when the database was built (a killed run may have fetched it and no more)."""
        marker, mirror = survey.change_marker, self.fetcher.mirror
        if not marker or not mirror.has(marker) or self.loaded_at is None or \
                mirror.path(marker).stat().st_mtime > self.loaded_at:
            return False
        return self.fetcher.fetch([marker])[0].status == "unchanged"

    def count(self, outcomes, survey, season):
        """Per survey-season counts of fetched, unchanged, missing, gone, failed and skipped files; a failure, a
        file the site lost (its copy kept), or a file not asked for because its host kept failing, is also a
        problem with its URL and reason."""
        for outcome in outcomes:
            self.report.count(survey.name, season, outcome.status)
            if outcome.status in ("gone", "failed", "skipped"):
                self.report.problem(FETCH_FAILED, survey.name, season, outcome.url, outcome.detail)
