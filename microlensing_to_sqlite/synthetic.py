"""Synthetic point-lens events and their observations, for the demo mirror and the benchmarks.

Nothing here is real data.
"""

import datetime
import math

import numpy

from .formulas import degrees_to_sexagesimal, magnification, separation

MJD_EPOCH = datetime.datetime(1858, 11, 17)
BULGE_SEASON_MONTHS = range(2, 11)  # the bulge is observable from February to October


def hjd_to_datetime(hjd):
    return MJD_EPOCH + datetime.timedelta(days=hjd - 2400000.5)


def datetime_to_hjd(moment):
    return (moment - MJD_EPOCH).total_seconds() / 86400 + 2400000.5


PLANTED_NOW = ["long_now"] * 3 + ["high_magnification_now"] * 2 + ["short"] * 2


def draw_event(rng, season, today_hjd, kind=None):
    """One event's true parameters (t0 in full HJD). A few kinds are planted so every candidate query
    finds something."""
    current = season == hjd_to_datetime(today_hjd).year
    kinds = ["ordinary"] * 12 + ["long"] * 2 + ["short", "blended", "peak_at_zero"]
    kind = kind or str(rng.choice(kinds + (["long_now", "high_magnification_now"] if current else [])))
    season_start = datetime_to_hjd(datetime.datetime(season, 2, 1))
    # Past seasons end with the bulge season; the current one runs a month past today.
    latest = today_hjd + 30 if current else datetime_to_hjd(datetime.datetime(season, 10, 31))
    tE = {"long": rng.uniform(100, 350), "long_now": rng.uniform(110, 300),
          "short": rng.uniform(0.4, 2.0)}.get(kind, rng.lognormal(math.log(25), 0.6))
    t0 = rng.uniform(season_start + 20, max(latest, season_start + 30))
    if kind in ("long_now", "high_magnification_now"):
        t0 = today_hjd - rng.uniform(0, 10)  # what the candidate queries look for: peaking about now
    return {
        "kind": kind,
        "ra": rng.uniform(262.5, 272.5), "dec": rng.uniform(-34.5, -22.5),
        "field": f"BLG{rng.integers(500, 530)}.{rng.integers(1, 33):02d}",
        "star_id": str(rng.integers(1000, 250000)),
        "t0": t0,
        "tE": tE,
        "u0": {"peak_at_zero": 0.0, "high_magnification_now": rng.uniform(0.005, 0.04)}.get(kind, rng.uniform(0.01, 1.0)),
        "fbl": rng.uniform(0.15, 0.8) if kind == "blended" else 1.0,
        "Ibase": rng.uniform(16.0, 19.5) if kind == "long_now" else rng.uniform(16.0, 20.5),
        # Annual parallax only where it shows: in long events, |piE| 0.03 to 0.3 in a random direction.
        **parallax(rng, kind),
    }


def parallax(rng, kind):
    if kind not in ("long", "long_now"):
        return {"piE_N": 0.0, "piE_E": 0.0}
    length, angle = rng.uniform(0.03, 0.3), rng.uniform(0, 2 * math.pi)
    return {"piE_N": length * math.cos(angle), "piE_E": length * math.sin(angle)}


def dataset_look(event, rng, dataset):
    """How one dataset (`OGLE`, `MOA`, `KMTC`, ...) sees the event: its magnitude offset from OGLE's calibrated
    I and the fraction of its baseline flux that is the lensed source. OGLE's is the truth; MOA's band and
    KMTNet's instrumental magnitudes sit elsewhere, and a wider seeing disc takes in more blend. Drawn once per
    dataset and kept in the event, so that a test knows the truth."""
    looks = event.setdefault("looks", {})
    if dataset not in looks:
        if dataset == "OGLE":
            looks[dataset] = {"offset": 0.0, "fbl": event["fbl"]}
        else:
            looks[dataset] = {"offset": float(rng.normal(0, 0.3)), "fbl": event["fbl"] * float(rng.uniform(0.5, 1.0))}
    return looks[dataset]


def true_magnification(event, times):
    """A(t) of the event (t in full HJD), through the Earth's orbit when it has a parallax (MulensModel's
    geometry, t_0_par at t0 rounded to a day)."""
    if not (event.get("piE_N") or event.get("piE_E")):
        return magnification(separation(times, event["t0"], event["tE"], event["u0"]))
    import MulensModel
    model = MulensModel.Model({"t_0": event["t0"], "u_0": event["u0"], "t_E": event["tE"],
                               "pi_E_N": event["piE_N"], "pi_E_E": event["piE_E"], "t_0_par": round(event["t0"])},
                              coords=f"{ra_hms(event['ra'])} {dec_dms(event['dec'])}")
    return model.get_magnification(numpy.asarray(times, dtype=float))


def true_magnitude(event, times, look):
    """The magnitude a dataset with this `look` would see at times t, before noise."""
    fbl = look["fbl"]
    return event["Ibase"] + look["offset"] - 2.5 * numpy.log10(fbl * true_magnification(event, times) + 1 - fbl)


def observation_times(rng, first_season, t0, tE, last_hjd, points=None):
    """Nightly-ish epochs in the bulge seasons from first_season on, denser around the peak: `points` of them
    (a fifth near the peak, 200 at most), or 200 to 1,500 in the baseline and up to 200 near the peak."""
    start = datetime_to_hjd(datetime.datetime(first_season, 2, 1))
    near = min(200, int(20 * tE) + 20)
    if points is None:
        n = int(rng.integers(200, 1500))
    else:
        near = min(near, points // 5)
        n = points - near
    times = rng.uniform(start, last_hjd, size=3 * n)
    times = times[numpy.isin(calendar_months(times), list(BULGE_SEASON_MONTHS))][:n]
    near_peak = rng.uniform(t0 - 2 * tE, t0 + 2 * tE, size=near)
    times = numpy.concatenate([times, near_peak[near_peak < last_hjd]])
    return numpy.unique(numpy.round(times, 5))


def calendar_months(hjd):
    """The month (1-12) of each full HJD."""
    moments = numpy.datetime64(MJD_EPOCH, "s") + ((numpy.asarray(hjd) - 2400000.5) * 86400).astype("timedelta64[s]")
    return moments.astype("datetime64[M]").astype(int) % 12 + 1


def ra_hms(ra, decimals=2):
    return degrees_to_sexagesimal(ra, hours=True, places=decimals)


def dec_dms(dec, decimals=1):
    return degrees_to_sexagesimal(dec, hours=False, places=decimals, plus=True)


# Each survey's errors, relative to OGLE's, in observed_datasets.
DATASET_NOISE = {"OGLE": 1.0, "MOA": 1.6, "KMTC": 0.8}


def observed_datasets(event, rng, first, last, underestimate=1.0, magnification=None):
    """fit.data.Dataset of each survey's photometry of the event (t0 in full HJD), from first to last (HJD -
    2450000): nightly in the bulge seasons, denser near the peak. `underestimate`: the true noise is that many
    times the stated errors (surveys' errors are often too small). `magnification`: A(t) in place of the
    event's own point lens (a binary lens, for instance)."""
    from .fit.data import Dataset
    found = []
    for i, (name, noise) in enumerate(DATASET_NOISE.items()):
        hjd = observation_times(rng, 2024, event["t0"], event["tE"], last + 2450000.0)
        hjd = hjd[hjd >= first + 2450000.0]
        look = dataset_look(event, rng, name)
        if magnification is None:
            true = true_magnitude(event, hjd, look)
        else:
            fbl = look["fbl"]
            true = event["Ibase"] + look["offset"] - 2.5 * numpy.log10(fbl * magnification(hjd) + 1 - fbl)
        errors = noise * numpy.clip(0.005 + 0.02 * 10 ** (0.4 * (true - 18.5)), 0.004, 0.3)
        found.append(Dataset(i + 1, f"X-{name} {name} I", name.rstrip("C"), hjd - 2450000.0,
                             true + rng.normal(0, errors * underestimate), errors))
    return found


# Numeric tables as text, vectorised --------------------------------------------------------------------------
# The generated photometry files of the benchmarks are millions of lines, which one f-string a line would take
# minutes to write. text_rows((times, 5), b" ", (mags, 3), b" ", (errors, 3)) gives the bytes that
# "".join(f"{t:.5f} {m:.3f} {e:.3f}\n" for ...) gives (up to the rounding of exact halves), built as one array
# of characters per column.

SPACE, MINUS, POINT, ZERO = 32, 45, 46, 48


def number_columns(values, decimals, width=0):
    """An (n, w) uint8 array: each value as f"{v:{width}.{decimals}f}" writes it, right-aligned; bytes 0 where
    the text is shorter than the longest (they are dropped when the lines are joined)."""
    values = numpy.asarray(values, dtype=float)
    scaled = numpy.rint(numpy.abs(values) * 10.0 ** decimals).astype(numpy.int64)
    whole = scaled // 10 ** decimals
    powers = 10 ** numpy.arange(1, 19, dtype=numpy.int64)
    whole_digits = 1 + (whole[:, None] >= powers[None, :]).sum(axis=1) if len(whole) else whole
    longest = int(whole_digits.max()) if len(whole) else 1
    fraction = decimals + 1 if decimals else 0
    columns = max(1 + longest + fraction, width)
    out = numpy.zeros((len(values), columns), dtype=numpy.uint8)
    for place in range(decimals):
        out[:, columns - 1 - place] = ZERO + (scaled // 10 ** place) % 10
    if decimals:
        out[:, columns - 1 - decimals] = POINT
    for place in range(longest):
        digit = ZERO + (whole // 10 ** place) % 10
        out[:, columns - 1 - fraction - place] = numpy.where(place < whole_digits, digit, 0)
    negative = numpy.flatnonzero(numpy.signbit(values))
    out[negative, columns - 1 - fraction - whole_digits[negative]] = MINUS
    if width:
        padding = out[:, columns - width:]
        padding[padding == 0] = SPACE
    return out


def text_rows(*parts):
    """Rows of text, one per value, each ending in a newline. Each part is constant bytes (the same on every row)
    or (values, decimals) or (values, decimals, width), formatted as f"{value:{width}.{decimals}f}"."""
    numeric = [p for p in parts if not isinstance(p, bytes)]
    n = len(numeric[0][0])
    blocks = []
    for part in parts + (b"\n",):
        if isinstance(part, bytes):
            blocks.append(numpy.tile(numpy.frombuffer(part, dtype=numpy.uint8), (n, 1)))
        else:
            blocks.append(number_columns(*part))
    table = numpy.hstack(blocks).ravel()
    return table[table != 0].tobytes()
