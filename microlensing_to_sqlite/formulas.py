"""The formulas the build and the portal's plugins share, in one place.

- Times: the database's zero point (HJD - 2450000), today's date in it, and the heliocentric correction of a
  JD (what MOA writes) to HJD.
- The point-source point-lens model: magnification and the magnitude of a blended event; fluxes on the joint
  fit's scale and the alignment of one dataset's magnitudes onto another's.
- Angles: sexagesimal text to degrees (strict, for survey files; lenient, for what a person types), and the
  angular distance between two positions.

Everything here takes numbers or short strings and is pure: no database, no files, no network.
"""

import datetime
import functools
import math
import re

import numpy

# Every time column in the database is HJD - 2450000.
HJD_OFFSET = 2450000
# JD of 0001-01-01 00:00 UT minus the proleptic ordinal of that day (1): date.toordinal() + this is the JD at 0h UT.
JD_OF_ORDINAL_ZERO = 1721424.5


def hjd_today(today=None):
    """0h UT of `today` (a date; default the local date) as HJD - 2450000.

    The few minutes between JD and HJD do not matter for what this is used for: how far past its peak an
    event is, and which seasons are current.
    """
    today = today or datetime.date.today()
    return today.toordinal() + JD_OF_ORDINAL_ZERO - HJD_OFFSET


# The light time across one astronomical unit, in days (IAU 2012: 149,597,870,700 m).
AU_LIGHT_DAYS = 149_597_870_700 / 299_792_458 / 86400
AU_METRES = 149_597_870_700
# TT - UTC since 2017 (32.184 s and 37 leap seconds). Taken for every date: the Earth's position 37 s off, in an
# older year with fewer leap seconds, moves the answer by less than 0.01 s.
TT_MINUS_UTC_DAYS = 69.184 / 86400
MJD_ZERO = 2400000.5


def heliocentric_jd(jds, ras, decs, location):
    """Full HJD for matching arrays of JD (UTC), RA and Dec (degrees): HJD = JD + the light time from the
    observer to the Sun's centre along the line of sight, r . n / c, at most 507 s (0.00587 d).

    r is the observer's heliocentric position: the Earth's from erfa's epv00 (the IAU SOFA Earth ephemeris, a few
    km; tabulated, below), plus the observer's place on the Earth (`location`: {"lat", "lon" (degrees),
    "height" (metres)}) turned by the Earth rotation angle, UT1 taken as UTC; n is the direction of (ra, dec). Vectorised over the points:
    a whole lightcurve costs milliseconds, where astropy's Time.light_travel_time spends ~150 us a point on the
    same answer (within 2 ms; tests/test_formulas.py), far below the 0.86 s of the five decimals kept. Nothing here
    downloads anything.
    """
    import erfa

    jds = numpy.asarray(jds, dtype=float)
    if jds.size == 0:
        return jds.copy()
    earth = earth_position(jds - MJD_ZERO + TT_MINUS_UTC_DAYS)
    x, y, z = erfa.gd2gc(1, math.radians(location["lon"]), math.radians(location["lat"]), location["height"])
    angle = erfa.era00(MJD_ZERO, jds - MJD_ZERO)
    observer = numpy.stack([x * numpy.cos(angle) - y * numpy.sin(angle), x * numpy.sin(angle) + y * numpy.cos(angle),
                            numpy.full(jds.shape, z)], axis=-1) / AU_METRES
    ra, dec = numpy.radians(numpy.asarray(ras, dtype=float)), numpy.radians(numpy.asarray(decs, dtype=float))
    direction = numpy.stack([numpy.cos(dec) * numpy.cos(ra), numpy.cos(dec) * numpy.sin(ra), numpy.sin(dec)], axis=-1)
    return jds + numpy.sum((earth + observer) * direction, axis=-1) * AU_LIGHT_DAYS


# The Earth's position is tabulated every EPHEMERIS_STEP days, a chunk of EPHEMERIS_CHUNK days at a time (once
# per process), and interpolated: over 3 hours its path bends by under 100 km (0.3 ms of light).
EPHEMERIS_STEP = 0.125
EPHEMERIS_CHUNK = 256


@functools.lru_cache(maxsize=None)
def earth_ephemeris(chunk):
    """(MJD (TT), the Earth's heliocentric position in AU) every EPHEMERIS_STEP days over one chunk."""
    import erfa

    mjd = chunk * EPHEMERIS_CHUNK + numpy.arange(0, EPHEMERIS_CHUNK + EPHEMERIS_STEP, EPHEMERIS_STEP)
    earth, _ = erfa.epv00(MJD_ZERO, mjd)
    return mjd, earth["p"]


def tabulate_earth_ephemeris(first_jd, last_jd):
    """Tabulate the ephemeris over [first_jd, last_jd] now (about 0.1 s of CPU a chunk), e.g. once before
    forking processes that would each tabulate it again."""
    first, last = ((jd - MJD_ZERO + TT_MINUS_UTC_DAYS) // EPHEMERIS_CHUNK for jd in (first_jd, last_jd))
    for chunk in range(int(first), int(last) + 1):
        earth_ephemeris(chunk)


def earth_position(mjd_tt):
    """The Earth's heliocentric position (AU, axes of the ICRS) at each MJD (TT), from the tabulated ephemeris."""
    chunks = numpy.floor(mjd_tt / EPHEMERIS_CHUNK).astype(int)
    positions = numpy.empty((len(mjd_tt), 3))
    for chunk in numpy.unique(chunks):
        mine = chunks == chunk
        grid, table = earth_ephemeris(int(chunk))
        for axis in range(3):
            positions[mine, axis] = numpy.interp(mjd_tt[mine], grid, table[:, axis])
    return positions


# The point-source point-lens model ---------------------------------------------------------------------------

# At u = 0 the magnification is infinite; a model sampled exactly at the peak of a u0 = 0 fit stays finite.
SMALLEST_U = 1e-6


def magnification(u):
    """A(u) = (u^2 + 2) / (u sqrt(u^2 + 4)), for a number or a numpy array of separations (Einstein radii)."""
    u = numpy.maximum(u, SMALLEST_U)
    return (u ** 2 + 2) / (u * numpy.sqrt(u ** 2 + 4))


def separation(t, t0, tE, u0):
    """u(t) = sqrt(u0^2 + ((t - t0) / tE)^2): the lens-source separation at time(s) t, in Einstein radii."""
    return numpy.sqrt(u0 ** 2 + ((t - t0) / tE) ** 2)


def point_lens_magnitude(t, t0, tE, u0, Ibase, fbl):
    """The magnitude at time(s) t of a point-lens event whose baseline is Ibase and of whose baseline flux a
    fraction fbl is the lensed source (the rest is blend): Ibase - 2.5 log10(fbl A(u(t)) + 1 - fbl)."""
    return Ibase - 2.5 * numpy.log10(fbl * magnification(separation(t, t0, tE, u0)) + 1 - fbl)


# Fluxes on MulensModel's scale, where magnitude 22 is flux 1: the joint fit's source and blend fluxes.
FLUX_ZERO_POINT = 22.0
MAGNITUDE_TO_FLUX_ERROR = math.log(10) / 2.5


def flux_of(mag, mag_err=0.0):
    """(flux, flux error) of magnitudes and their errors."""
    flux = 10 ** (0.4 * (FLUX_ZERO_POINT - numpy.asarray(mag, dtype=float)))
    return flux, flux * numpy.asarray(mag_err, dtype=float) * MAGNITUDE_TO_FLUX_ERROR


def magnitude_of(flux):
    """Magnitudes of fluxes; NaN where the flux is not positive."""
    flux = numpy.asarray(flux, dtype=float)
    return numpy.where(flux > 0, FLUX_ZERO_POINT - 2.5 * numpy.log10(numpy.where(flux > 0, flux, 1.0)), numpy.nan)


def aligned_magnitude(mag, dataset, reference):
    """A dataset's magnitudes moved onto the reference dataset's scale through a fit in which each dataset k has
    flux F_k = fs_k A(t) + fb_k: F_ref = fs_ref (F_k - fb_k) / fs_k + fb_ref. `dataset` and `reference` hold
    source_flux and blend_flux; NaN where the aligned flux is not positive."""
    magnification_ = (flux_of(mag)[0] - dataset["blend_flux"]) / dataset["source_flux"]
    return magnitude_of(reference["source_flux"] * magnification_ + reference["blend_flux"])


# Angles ------------------------------------------------------------------------------------------------------

# Longer than any way of writing an angle: anything longer is refused before it is looked at.
LONGEST_ANGLE_TEXT = 40
# `17:51:48.02`, `17 51 48.02`, `17h51m48.02s`, `-28d59m03.3s`: three numbers with one separator each. Every
# part matches a bounded run of characters of its own kind, so the match takes time linear in the text.
LENIENT_SEXAGESIMAL = re.compile(
    r"([+-]?)(\d{1,3})(?:[:hd]| {1,3})(\d{1,2})(?:[:m']| {1,3})(\d{1,2}(?:\.\d{0,12})?)(?:s|\")?", re.ASCII)
# Plain degrees as a person writes them: not float()'s other forms (`1_0`, `nan`, `inf`, Arabic-Indic digits).
PLAIN_DEGREES = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d{1,3})?", re.ASCII)


def sexagesimal_parts(text):
    """`-28:59:03.3` to (sign, whole, minutes, seconds) = (-1.0, 28.0, 59.0, 3.3); ValueError if it is not three
    numbers separated by colons. The sign is read from the text, so `-00:30:00` stays negative."""
    parts = text.strip().split(":")
    if len(parts) != 3:
        raise ValueError(f"not hh:mm:ss: {text!r}")
    whole, minutes, seconds = float(parts[0]), float(parts[1]), float(parts[2])
    return (-1.0 if text.strip().startswith("-") else 1.0), whole, minutes, seconds


def degrees_from_parts(sign, whole, minutes, seconds, hours):
    """Decimal degrees from sexagesimal parts; None when a part is out of its range (minutes and seconds
    below 60, RA below 24 hours and not negative, |Dec| at most 90)."""
    value = abs(whole) + minutes / 60 + seconds / 3600
    if hours:
        value *= 15
    in_range = value < 360 and sign > 0 if hours else value <= 90
    if not (in_range and 0 <= minutes < 60 and 0 <= seconds < 60):
        return None
    return sign * value


def sexagesimal_to_degrees(text, hours):
    """A survey's `17:51:48.02` (RA, hours) or `-28:59:03.3` (Dec, degrees) to decimal degrees, rounded to
    1e-7 degree (0.4 mas); ValueError if it is not such an angle in range."""
    degrees = degrees_from_parts(*sexagesimal_parts(text), hours=hours)
    if degrees is None:
        raise ValueError(f"out of range: {text!r}")
    return round(degrees, 7)


def angle_degrees(value, hours):
    """What a person typed for an RA (`hours`) or a Dec, in decimal degrees, or None if it is none.

    Plain degrees pass through; sexagesimal may be written with colons, spaces or h/d, m, s. Text longer than
    LONGEST_ANGLE_TEXT, and anything that is neither text nor a number (a blob), is refused unread, and the
    patterns run in linear time, so that no input can stall the server that evaluates this inside a query.
    """
    # Inside SQL the value may be anything a query makes, a 300 MB blob included: only a number or short
    # text is looked at, before anything is built from it.
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        degrees = float(value)
    elif isinstance(value, str) and len(value) <= LONGEST_ANGLE_TEXT:
        text = value.strip()
        if PLAIN_DEGREES.fullmatch(text):
            degrees = float(text)
        else:
            match = LENIENT_SEXAGESIMAL.fullmatch(text)
            if not match:
                return None
            sign, whole, minutes, seconds = match.groups()
            degrees = degrees_from_parts(-1.0 if sign == "-" else 1.0, float(whole), float(minutes), float(seconds),
                                         hours)
    else:
        return None
    if degrees is None or not math.isfinite(degrees):
        return None
    if hours:
        return degrees if 0 <= degrees < 360 else None
    return degrees if -90 <= degrees <= 90 else None


def degrees_to_sexagesimal(value, hours, places=2, plus=False):
    """Degrees to `17:53:44.39` (hours) or `-34:13:16.63`, seconds to `places` decimals; `plus` writes a `+`
    before a positive declination."""
    scale = 10 ** places
    units = round(abs(value) / (15 if hours else 1) * 3600 * scale)
    whole, rest = divmod(units, 3600 * scale)
    minutes, seconds = divmod(rest, 60 * scale)
    if hours:
        whole %= 24      # 359.99999999 degrees rounds to 24:00:00.00, which is 00:00:00.00
    sign = "-" if value < 0 and units else ("+" if plus and not hours else "")
    return f"{sign}{whole:02d}:{minutes:02d}:{seconds / scale:0{3 + places}.{places}f}"


def separation_arcsec(ra1, dec1, ra2, dec2):
    """The angle between two positions (degrees in) in arcsec, by Vincenty's formula, exact at every distance
    (as astropy computes it); None if a coordinate is missing."""
    if None in (ra1, dec1, ra2, dec2):
        return None
    ra1, dec1, ra2, dec2 = map(math.radians, (ra1, dec1, ra2, dec2))
    dra = ra2 - ra1
    numerator = math.hypot(math.cos(dec2) * math.sin(dra),
                           math.cos(dec1) * math.sin(dec2) - math.sin(dec1) * math.cos(dec2) * math.cos(dra))
    denominator = math.sin(dec1) * math.sin(dec2) + math.cos(dec1) * math.cos(dec2) * math.cos(dra)
    return math.degrees(math.atan2(numerator, denominator)) * 3600
