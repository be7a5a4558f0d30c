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


# Ground-based visibility, for /-/tonight. The sites users ask for: the surveys' own, the LCO network, and the big
# southern observatories. Latitude and longitude [degrees, east positive] and height [m], from astropy's site
# registry (astropy-data's sites.json), shipped here so that nothing is looked up online.
SITES = {
    "lco": ("Las Campanas Observatory, Chile (OGLE)", -29.0146, -70.6926, 2380),
    "ctio": ("Cerro Tololo, Chile (KMTNet CTIO, LCO)", -30.1690, -70.8063, 2207),
    "saao": ("SAAO Sutherland, South Africa (KMTNet SAAO, LCO)", -32.3796, 20.8107, 1798),
    "sso": ("Siding Spring, Australia (KMTNet SSO, LCO)", -31.2733, 149.0617, 1149),
    "mtjohn": ("Mt John, New Zealand (MOA)", -43.9853, 170.4650, 1029),
    "paranal": ("Cerro Paranal, Chile (ESO VLT)", -24.6270, -70.4040, 2635),
    "lasilla": ("La Silla, Chile (ESO)", -29.2567, -70.7300, 2347),
    "maunakea": ("Mauna Kea, Hawaii", 19.8260, -155.4747, 4160),
    "haleakala": ("Haleakala, Hawaii (LCO)", 20.7080, -156.2570, 3055),
    "teide": ("Teide, Tenerife (LCO)", 28.3000, -16.5097, 2390),
    "mcdonald": ("McDonald Observatory, Texas (LCO)", 30.6797, -104.0248, 2075),
}
# MOP's choices: airmass at most 2 (altitude above 30 degrees), astronomical twilight, the Moon 15 degrees away.
LARGEST_AIRMASS = 2.0
SMALLEST_MOON_DEGREES = 15.0
NIGHT_STEP_MINUTES = 10


def offline_earth_rotation():
    """astropy's Earth-rotation tables without the network: the bundled IERS-B, extrapolated past its end (UT1
    - UTC is under a second, nothing to an hour's visibility)."""
    import warnings
    from astropy.coordinates.baseframe import NonRotationTransformationWarning
    from astropy.utils import iers
    iers.conf.auto_download = False
    iers.conf.auto_max_age = None
    iers.conf.iers_degraded_accuracy = "ignore"
    # The Moon's separation is taken in the Moon's frame (GCRS), as astroplan does; astropy warns it could differ.
    warnings.filterwarnings("ignore", category=NonRotationTransformationWarning)


def night_at(site, day):
    """(astroplan Observer, evening twilight, morning twilight) of the night that begins on the local evening of
    `day` (a datetime.date) at SITES[site], astronomical twilight; the twilights None where the Sun does not
    reach 18 degrees below the horizon."""
    import astropy.units as u
    from astropy.coordinates import EarthLocation
    from astropy.time import Time
    from astroplan import Observer
    offline_earth_rotation()
    _, latitude, longitude, height = SITES[site]
    observer = Observer(location=EarthLocation.from_geodetic(longitude * u.deg, latitude * u.deg, height * u.m))
    local_noon = Time(f"{day.isoformat()}T12:00:00", scale="utc") - longitude / 15 * u.hour
    evening = observer.twilight_evening_astronomical(local_noon, which="next")
    if numpy.ma.is_masked(evening.jd) or not numpy.isfinite(evening.jd):
        return observer, None, None
    morning = observer.twilight_morning_astronomical(evening, which="next")
    if numpy.ma.is_masked(morning.jd) or not numpy.isfinite(morning.jd):
        return observer, None, None
    return observer, evening, morning


def ground_constraints():
    import astropy.units as u
    from astroplan import AirmassConstraint, AtNightConstraint, MoonSeparationConstraint
    return [AirmassConstraint(max=LARGEST_AIRMASS), AtNightConstraint.twilight_astronomical(),
            MoonSeparationConstraint(min=SMALLEST_MOON_DEGREES * u.deg)]


def observable_tonight(site, day, ra_degrees, dec_degrees):
    """What each position's night at `site` beginning on `day` holds: {night: (evening, morning) as UTC ISO
    times or None, hours: [...], first: [...], last: [...] (UTC ISO times, None where never observable),
    best_airmass: [...]}, from astroplan on a grid of NIGHT_STEP_MINUTES between the astronomical twilights."""
    import astropy.units as u
    from astropy.coordinates import SkyCoord
    observer, evening, morning = night_at(site, day)
    n = len(ra_degrees)
    if evening is None or n == 0:
        return {"night": None, "hours": [0.0] * n, "first": [None] * n, "last": [None] * n,
                "best_airmass": [None] * n}
    step = NIGHT_STEP_MINUTES / 1440
    times = evening + numpy.arange(0, (morning - evening).jd, step) * u.day
    targets = SkyCoord(numpy.asarray(ra_degrees, float) * u.deg, numpy.asarray(dec_degrees, float) * u.deg)
    observable = numpy.ones((n, len(times)), dtype=bool)
    for constraint in ground_constraints():
        observable &= numpy.asarray(constraint(observer, targets, times=times, grid_times_targets=True))
    airmass = numpy.asarray(observer.altaz(times, targets, grid_times_targets=True).secz)
    iso = [t.isot[:16] for t in times]
    first = [iso[row.argmax()] if row.any() else None for row in observable]
    last = [iso[len(row) - 1 - row[::-1].argmax()] if row.any() else None for row in observable]
    best = [float(numpy.min(a[(a >= 1) & o])) if o.any() else None for a, o in zip(airmass, observable)]
    return {"night": (evening.isot[:16], morning.isot[:16]), "hours": [float(r.sum() * step * 24) for r in observable],
            "first": first, "last": last, "best_airmass": best}
