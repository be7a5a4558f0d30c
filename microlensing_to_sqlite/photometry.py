"""Photometric points: what the photometry parsers give, and how the database stores them.

A parser gives `Points`: one lightcurve's columns as float arrays (NaN where a value is missing), time as
HJD - 2450000. The database stores every value as an integer in units of 10^-d, where d is the fewest decimals
that hold every value of that column of that lightcurve (lightcurves.<column>_unit = 10^d). So a row costs a
few bytes a value, and the photometry view gives back exactly the decimals the survey published: the integer
divided by its unit is the double nearest the published decimal, as parsing the published text gives.
"""

import numpy

# An alert's lightcurves are keys alert_id * LIGHTCURVES_PER_ALERT + 0, 1, ... (its lightcurves by telescope, then
# band), the same in every build; OF_ALERT is the SQL condition for one alert's (named parameter :alert_id): a
# range of the clustered key.
LIGHTCURVES_PER_ALERT = 32
OF_ALERT = (f"lightcurve_id between :alert_id * {LIGHTCURVES_PER_ALERT} "
            f"and :alert_id * {LIGHTCURVES_PER_ALERT} + {LIGHTCURVES_PER_ALERT - 1}")
# The stored columns, in the order of photometry_points. `seeing` holds OGLE's seeing and KMTNet's fwhm (the
# photometry view names them apart by survey).
STORED = ("hjd", "mag", "mag_err", "delta_flux", "flux_err", "seeing", "sky", "secz")
# What parsers may give, and the stored column each goes to.
COLUMNS = {"hjd": "hjd", "mag": "mag", "mag_err": "mag_err", "delta_flux": "delta_flux", "flux_err": "flux_err",
           "seeing": "seeing", "fwhm": "seeing", "sky": "sky", "secz": "secz"}
# No survey publishes more decimals than this; a value with more is kept to this many.
MOST_DECIMALS = 9
# Scaled values beyond this lose their last digit to floating point: the decimals search stops there.
LARGEST_EXACT = 1e12


class Points:
    """One lightcurve: {column: float64 array}, every array as long as `hjd`.

    Each column is kept in its fixed point: its values are the doubles nearest to whole numbers of its unit
    (10^-d, d its fewest decimals), so that `10746.661000000234`, what `2460746.661 - 2450000` gives, is kept as
    10746.661, as the survey wrote it.
    """

    def __init__(self, **columns):
        unknown = set(columns) - set(COLUMNS)
        if unknown or "hjd" not in columns:
            raise ValueError(f"photometry columns are hjd and {', '.join(COLUMNS)}; got {sorted(columns)}")
        self.columns, self.units = {}, {}
        for name, values in columns.items():
            values = numpy.asarray(values, dtype=float)
            self.units[name] = unit = 10.0 ** fewest_decimals(values)
            self.columns[name] = numpy.rint(values * unit) / unit

    @classmethod
    def from_rows(cls, names, rows):
        """Points from row tuples (None for missing) of the named columns."""
        if not rows:
            return cls(**{name: numpy.empty(0) for name in names})
        data = numpy.array([[numpy.nan if v is None else v for v in row] for row in rows], dtype=float)
        return cls(**{name: data[:, i] for i, name in enumerate(names)})

    def __len__(self):
        return len(self.columns["hjd"])

    def __eq__(self, other):
        return isinstance(other, Points) and self.columns.keys() == other.columns.keys() and all(
            numpy.array_equal(self.columns[n], other.columns[n], equal_nan=True) for n in self.columns)

    def __repr__(self):
        return f"<Points {len(self)} x {', '.join(self.columns)}>"

    def joined(self, others):
        """These points followed by the others' (of the same columns)."""
        if not others:
            return self
        return Points(**{name: numpy.concatenate([self.columns[name]] + [o.columns[name] for o in others])
                         for name in self.columns})

    def rows(self, names=None):
        """The points as tuples of floats (None for missing), of `names` (default: every column given)."""
        names = names or list(self.columns)
        arrays = [self.columns[n] if n in self.columns else numpy.full(len(self), numpy.nan) for n in names]
        return [tuple(None if v != v else v for v in row) for row in zip(*(a.tolist() for a in arrays))]

    def in_time_order(self):
        """Sorted by time (stable: file order among equal times), each time once (the first written kept)."""
        hjd = self.columns["hjd"]
        _, first = numpy.unique(hjd, return_index=True)  # the first occurrence of each time, in time order
        if len(first) == len(hjd) and numpy.all(numpy.diff(hjd) > 0):
            return self
        return Points(**{name: values[first] for name, values in self.columns.items()})

    def stored(self):
        """{column: (unit, integer values as a list with None for missing)} of the columns given."""
        result = {}
        for name, values in self.columns.items():
            unit = self.units[name]
            present = ~numpy.isnan(values)
            integers = numpy.rint(numpy.where(present, values, 0.0) * unit).astype(numpy.int64)
            if present.all():
                result[name] = (unit, integers.tolist())
            else:
                listed = integers.astype(object)
                listed[~present] = None
                result[name] = (unit, listed.tolist())
        return result


def fewest_decimals(values):
    """The fewest decimals d for which every (non-NaN) value is a whole number of 10^-d."""
    values = values[~numpy.isnan(values)]
    for decimals in range(MOST_DECIMALS + 1):
        scaled = values * 10.0 ** decimals
        if scaled.size == 0 or numpy.all(numpy.abs(scaled - numpy.rint(scaled)) <= 1e-3):
            return decimals
        if numpy.abs(scaled).max() * 10 > LARGEST_EXACT:
            return decimals + 1
    return MOST_DECIMALS
