"""The load's first stage: each survey's seasons read from the mirror alone, each event carried over from the
database being replaced when nothing it was read from changed, else read again on every core
(reading.read_alerts)."""

import datetime

from ..reading import read_alerts
from ..report import NOT_FOUND
from ..survey import SeasonReading


def read_seasons(plan, mirror, writer, report, *, events=None, progress=None, today=None, bands=("I",), workers=1):
    """Every (survey, seasons) of the plan into the writer, or only `events` (AlertNames)."""
    for survey, seasons in plan:
        wanted = None if events is None else [e for e in events if e.survey == survey.name]
        for number in seasons:
            read_season(survey, mirror, writer, report, number, wanted, progress, today, bands, workers)


def read_season(survey, mirror, writer, report, number, wanted, progress, today, bands, workers):
    """One season: every event its list names and every event the mirror holds files for (`mirrored_events`),
    or only the `wanted` ones, in alert_id order."""
    season = SeasonReading(mirror, number, {}, wanted is None, today or datetime.date.today(), tuple(bands))
    season.listed = survey.season_list(mirror, number, report, quiet=not season.whole)
    if season.whole:
        writer.start_season(survey.name, number)
    survey.before_season(season, writer, report)
    mirrored = set(survey.mirrored_events(mirror, number))
    names = sorted(season_names(season.listed, mirrored, wanted, number), key=lambda name: name.alert_id)
    if not season.whole:  # events named with --events: those of which the mirror has nothing are not loaded
        unknown = [name for name in names if name not in season.listed and name not in mirrored]
        for name in unknown:
            report.problem(NOT_FOUND, survey.name, number, (survey.event_urls(mirror, name) or [None])[0],
                           "no file of this event in the mirror, and no line in its season's list: "
                           "not loaded", name.full)
        names = [name for name in names if name not in unknown]
    if season.whole:
        writer.forget_others(survey.name, number, {name.full for name in names})
    due = []
    for name in names:
        carried = writer.carry(name.full, survey.inputs_key(season, name), mirror)
        if carried is None:
            due.append(name)
        else:
            report.count(survey.name, number, "alerts")
            report.count(survey.name, number, "photometry", carried["n_photometry"])
            report.count(survey.name, number, "carried")
    if progress:
        progress.start(f"load {survey.name} {number}", len(due))
    for alert in read_alerts(survey, season, due, workers):
        points = writer.add_alert(alert)  # first: it may add a problem (the previous points kept)
        report.absorb(alert, survey.name, number)
        report.count(survey.name, number, "alerts")
        report.count(survey.name, number, "photometry", points)
        report.count(survey.name, number, "read")
        if progress:
            progress.advance(error=not alert.complete)
    if progress:
        progress.finish()


def season_names(listed, mirrored, wanted, season):
    """The events of a season to load: the list's and the mirror's, or only the wanted ones."""
    if wanted is None:
        return set(listed) | set(mirrored)
    return {e for e in wanted if e.season == season}
