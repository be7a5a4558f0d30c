"""SQL functions for positions, usable in any query:

    ml_ra_degrees('17:51:48.02') = 267.9500833     (hours; plain degrees pass through)
    ml_dec_degrees('-28:59:03.3') = -28.98425
    ml_separation_arcsec(ra1, dec1, ra2, dec2)     great-circle distance in arcsec (degrees in)
"""

import math
import re

from datasette import hookimpl

SEXAGESIMAL = re.compile(r"^\s*([+-]?)\s*(\d{1,3})[:h\s]\s*(\d{1,2})[:m\s]\s*(\d{1,2}(?:\.\d*)?)\s*s?\s*$")


def angle(text, hours):
    if text is None:
        return None
    if isinstance(text, (int, float)):
        return float(text)
    text = str(text).strip()
    try:
        return float(text)
    except ValueError:
        pass
    match = SEXAGESIMAL.match(text)
    if not match:
        return None
    sign, whole, minutes, seconds = match.groups()
    value = int(whole) + int(minutes) / 60 + float(seconds) / 3600
    return (-1 if sign == "-" else 1) * value * (15 if hours else 1)


def ra_degrees(text):
    value = angle(text, hours=True)
    return value if value is not None and 0 <= value < 360 else None


def dec_degrees(text):
    value = angle(text, hours=False)
    return value if value is not None and -90 <= value <= 90 else None


def separation_arcsec(ra1, dec1, ra2, dec2):
    """Vincenty's formula, exact at every distance (as astropy computes it)."""
    if None in (ra1, dec1, ra2, dec2):
        return None
    ra1, dec1, ra2, dec2 = map(math.radians, (ra1, dec1, ra2, dec2))
    dra = ra2 - ra1
    numerator = math.hypot(math.cos(dec2) * math.sin(dra),
                           math.cos(dec1) * math.sin(dec2) - math.sin(dec1) * math.cos(dec2) * math.cos(dra))
    denominator = math.sin(dec1) * math.sin(dec2) + math.cos(dec1) * math.cos(dec2) * math.cos(dra)
    return math.degrees(math.atan2(numerator, denominator)) * 3600


@hookimpl
def prepare_connection(conn):
    conn.create_function("ml_ra_degrees", 1, ra_degrees, deterministic=True)
    conn.create_function("ml_dec_degrees", 1, dec_degrees, deterministic=True)
    conn.create_function("ml_separation_arcsec", 4, separation_arcsec, deterministic=True)
