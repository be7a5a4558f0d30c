"""Sparklines: each alert's lightcurve in a few dozen characters, made at build time from the points being
loaded, for the thumbnails beside alert names in the portal's result lists (plugins/sparklines.py draws them).

Of the alert's lightcurves, the one with the most points near the peak is drawn (KMTNet's sites have
instrumental magnitudes of their own: mixing them would draw steps, not the event). Near the peak is t0 +- 2 tE,
at least 15 days and at most 400 on each side; an alert without a t0 and tE is drawn over its last 150 days. The
window is cut in BINS bins; each bin's median magnitude, scaled between the brightest and the faintest, is one
character of LEVELS (the first the faintest), "." where a bin has no point.
"""

import numpy

BINS = 48
LEVELS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
EMPTY = "."
COLUMNS = ["alert_id", "telescope", "band", "hjd_from", "hjd_to", "mag_bright", "mag_faint", "heights"]


def window(t0, tE, hjd):
    if t0 is not None and tE and tE > 0:
        half = min(max(2 * tE, 15.0), 400.0)
        return t0 - half, t0 + half
    return float(hjd.max()) - 150.0, float(hjd.max())


def sparkline(alert_id, lightcurves, t0=None, tE=None):
    """The row of the sparklines table for an alert's lightcurves [(telescope, band, Points)], or None if no
    lightcurve has three magnitudes in the window."""
    best = None
    for telescope, band, points in lightcurves:
        hjd, mag = points.columns["hjd"], points.columns.get("mag")
        if mag is None or not len(hjd):
            continue
        low, high = window(t0, tE, hjd)
        inside = (hjd >= low) & (hjd <= high) & ~numpy.isnan(mag)
        if inside.sum() >= 3 and (best is None or inside.sum() > best[0]):
            best = (int(inside.sum()), telescope, band, hjd[inside], mag[inside], low, high)
    if best is None:
        return None
    _, telescope, band, hjd, mag, low, high = best
    where = numpy.minimum(((hjd - low) / (high - low) * BINS).astype(int), BINS - 1)
    medians = [numpy.median(mag[where == i]) if numpy.any(where == i) else numpy.nan for i in range(BINS)]
    bright, faint = numpy.nanmin(medians), numpy.nanmax(medians)
    span = (faint - bright) or 1.0
    heights = "".join(EMPTY if numpy.isnan(m) else LEVELS[int(round((faint - m) / span * (len(LEVELS) - 1)))]
                      for m in medians)
    return [alert_id, telescope, band, round(low, 3), round(high, 3), round(float(bright), 3),
            round(float(faint), 3), heights]
