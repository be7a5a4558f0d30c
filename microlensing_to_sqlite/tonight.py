"""What a site can observe in one night: the current candidates (candidates view) with their observable hours
(visibility.observable_tonight: astroplan, airmass <= 2, astronomical twilight, the Moon 15 degrees away),
the first and last observable times, the best airmass, and the magnitude our joint fit predicts at the night's
middle (in the fit's reference dataset's band). Pure reading and computing: the route is plugins/tonight.py."""

import datetime
import math

from . import visibility
from .fit.model import magnification_at
from .formulas import degrees_to_sexagesimal, hjd_today, magnitude_of

# The most candidates one page computes for: astroplan's cost grows with targets x the night's steps.
MOST_TARGETS = 300
DEFAULT_MIN_TE = 20.0
# A date this far from the build's day is refused: nothing to say about events then.
FARTHEST_DAYS = 400
CANDIDATES = """
select c.event_id, c.alert_name, c.title, c.verdict, c.kind, c.tE, c.tE_p16, c.tE_p84, c.piE, c.t0, c.t0_date,
  c.p_black_hole_low, c.p_black_hole_high, c.classified_in, c.largest_shift_date, c.ra, c.dec,
  f.u0, f.piE_N, f.piE_E, f.t0_par, d.source_flux, d.blend_flux, d.telescope, d.band
from candidates c join fits f on f.event_id = c.event_id
  left join fit_datasets d on d.event_id = c.event_id and d.is_reference
where c.season >= :year - 1 and c.verdict in ('ok', 'unconstrained') and c.ra is not null and c.tE >= :min_tE
order by coalesce(c.p_black_hole_high, -1) desc, c.tE desc, c.event_id
limit :limit
"""


class TonightError(ValueError):
    """A request /-/tonight cannot answer, in words."""


def parse_request(site, day, min_tE, built):
    """(site, datetime.date, min_tE) from the query's strings, or TonightError naming what was expected."""
    site = site or "lco"
    if site not in visibility.SITES:
        raise TonightError(f"unknown site {site[:40]!r}: one of {', '.join(visibility.SITES)}")
    try:
        day = datetime.date.fromisoformat(day) if day else datetime.datetime.now(datetime.timezone.utc).date()
    except ValueError:
        raise TonightError(f"date {day[:40]!r} is not a date such as 2026-06-15 (UTC)") from None
    if abs((day - built).days) > FARTHEST_DAYS:
        raise TonightError(f"date {day} is more than {FARTHEST_DAYS} days from the database's build ({built})")
    try:
        min_tE = float(min_tE) if min_tE not in (None, "") else DEFAULT_MIN_TE
    except ValueError:
        raise TonightError(f"min_tE {min_tE[:40]!r} is not a number of days") from None
    if not math.isfinite(min_tE):
        raise TonightError("min_tE must be a finite number of days")
    return site, day, min_tE


def predicted_magnitude(row, jd):
    """The joint fit's magnitude at JD - 2450000 `jd` in its reference dataset's band, or None."""
    if row["source_flux"] is None or row["u0"] is None:
        return None
    p = {"t0": row["t0"], "u0": row["u0"], "tE": row["tE"], "piE_N": row["piE_N"] or 0.0, "piE_E": row["piE_E"] or 0.0}
    parallax = None
    if row["kind"] == "pspl+parallax" and row["t0_par"] is not None:
        parallax = (f"{degrees_to_sexagesimal(row['ra'], True)} {degrees_to_sexagesimal(row['dec'], False)}",
                    row["t0_par"])
    flux = row["source_flux"] * magnification_at([jd], p, parallax)[0] + row["blend_flux"]
    magnitude = float(magnitude_of(flux))
    return round(magnitude, 2) if math.isfinite(magnitude) else None


def tonight(rows, site, day):
    """The page's rows: each candidate with its night at `site` beginning on `day`, observable first."""
    seen = visibility.observable_tonight(site, day, [r["ra"] for r in rows], [r["dec"] for r in rows])
    middle = jd = None
    if seen["night"]:
        evening, morning = (datetime.datetime.fromisoformat(t) for t in seen["night"])
        middle = evening + (morning - evening) / 2
        since_midnight = middle - datetime.datetime.combine(middle.date(), datetime.time())
        jd = hjd_today(middle.date()) + since_midnight.total_seconds() / 86400
    found = []
    for i, row in enumerate(rows):
        one = dict(row)
        one.update(hours=round(seen["hours"][i], 2), first=seen["first"][i], last=seen["last"][i],
                   best_airmass=round(seen["best_airmass"][i], 2) if seen["best_airmass"][i] else None)
        one["magnitude"] = predicted_magnitude(row, jd) if jd is not None and one["verdict"] == "ok" else None
        found.append(one)
    found.sort(key=lambda r: (r["hours"] == 0,))
    return {"night": seen["night"], "middle": middle.isoformat(timespec="minutes") if middle else None,
            "rows": found}
