"""Positions on the sky, computed in one vectorised step for many records."""

import numpy
from astropy import units
from astropy.coordinates import SkyCoord


def add_galactic_coordinates(records):
    placed = [r for r in records if r.get("ra") is not None and r.get("dec") is not None]
    if not placed:
        return
    sky = SkyCoord(numpy.array([r["ra"] for r in placed]) * units.deg,
                   numpy.array([r["dec"] for r in placed]) * units.deg, frame="icrs").galactic
    for record, l, b in zip(placed, sky.l.deg, sky.b.deg):
        record["l"], record["b"] = round(float(l), 6), round(float(b), 6)


def mean_position(records):
    """The mean direction of records with ra/dec (degrees), right at RA 0/360 and near the poles."""
    ra = numpy.radians([r["ra"] for r in records])
    dec = numpy.radians([r["dec"] for r in records])
    x = numpy.mean(numpy.cos(dec) * numpy.cos(ra))
    y = numpy.mean(numpy.cos(dec) * numpy.sin(ra))
    z = numpy.mean(numpy.sin(dec))
    return {"ra": round(float(numpy.degrees(numpy.arctan2(y, x)) % 360), 7),
            "dec": round(float(numpy.degrees(numpy.arctan2(z, numpy.hypot(x, y)))), 7)}
