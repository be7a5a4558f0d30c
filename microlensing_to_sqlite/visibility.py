"""When HST can point at an event: the days of the coming year on which the Sun is at least a given angle
away from it (HST does not point closer than 50 degrees to the Sun, 55 in later primers). For the bulge that
closes roughly early November to mid February.

Days at 00:00 UTC, from the build's day for DAYS days; the Sun from astropy (`get_sun`, geocentric; HST's
orbit moves it by well under a degree). A window is a run of days with the Sun far enough: (opens, closes), both
included, as UTC dates. What it does not model: HST's other constraints (the Moon, the orbit's Earth
occultations, roll angle), which shorten visits, not the season.
"""

import datetime

import numpy

SUN_LIMITS_DEGREES = (50.0, 55.0)
DAYS = 366


def sun_directions(first_day, days=DAYS):
    """(dates, unit vectors of the Sun's direction, one row per day) from first_day (a datetime.date)."""
    from astropy.time import Time
    from astropy.coordinates import get_sun

    dates = [first_day + datetime.timedelta(days=i) for i in range(days)]
    sun = get_sun(Time([d.isoformat() for d in dates], scale="utc"))
    return dates, unit_vectors(sun.ra.deg, sun.dec.deg)


def unit_vectors(ra_degrees, dec_degrees):
    ra, dec = numpy.radians(ra_degrees), numpy.radians(dec_degrees)
    return numpy.stack([numpy.cos(dec) * numpy.cos(ra), numpy.cos(dec) * numpy.sin(ra), numpy.sin(dec)], axis=-1)


def sun_angles(ra_degrees, dec_degrees, sun):
    """The Sun's angle from each position on each day [degrees]: positions x days."""
    cosines = unit_vectors(numpy.asarray(ra_degrees, float), numpy.asarray(dec_degrees, float)) @ sun.T
    return numpy.degrees(numpy.arccos(numpy.clip(cosines, -1.0, 1.0)))


def windows(far_enough, dates):
    """(opens, closes) of each run of True in far_enough (one per day of dates)."""
    edges = numpy.diff(numpy.concatenate([[0], far_enough.astype(int), [0]]))
    return [(dates[start], dates[end - 1]) for start, end in zip(numpy.flatnonzero(edges == 1),
                                                                 numpy.flatnonzero(edges == -1))]


def hst_window_rows(events, today):
    """Rows (event_id, sun_limit_deg, opens, closes) for the current events (those of this season or the last)
    with a position, from `today` (a datetime.date) for a year."""
    current = [e for e in events if e["season"] >= today.year - 1 and e.get("ra") is not None
               and e.get("dec") is not None]
    if not current:
        return []
    dates, sun = sun_directions(today)
    angles = sun_angles([e["ra"] for e in current], [e["dec"] for e in current], sun)
    return [(event["event_id"], limit, opens.isoformat(), closes.isoformat())
            for event, angle in zip(current, angles) for limit in SUN_LIMITS_DEGREES
            for opens, closes in windows(angle >= limit, dates)]
