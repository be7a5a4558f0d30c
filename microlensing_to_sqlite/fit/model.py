"""The point-lens chi2 of many datasets at once, vectorised, for the joint fit's search (search.py).

It is MulensModel's: the same magnification, the same flux conversion (magnitude 22 = flux 1), the same linear fit
of a source and a blend flux per dataset (`Event.get_chi2`), and annual parallax from MulensModel's own geometry
(`Trajectory.parallax_delta_N_E`, projected as its `_project_delta` does). tests/test_fit_model.py checks that the
two agree. It is written again here, over every point of every dataset in one array, because the search evaluates
it a few hundred times per event: MulensModel's objects per dataset cost about 10 ms an evaluation, this about 0.2.

One prior, on the blending: a dataset's blend flux may be negative, but not below -BLEND_FLOOR_SHARE of its
baseline flux (the median flux of its points). A negative blend is the star's background over-estimated in the
survey's reference image, in crowded bulge fields by up to the flux of the unresolved stars around it; Yee et
al. 2015's OGLE-2014-BLG-0939 needs fb = -0.16 fs, a fifth of its baseline. Forbidding it biases u0 and tE by
many of their own sigma; allowing any, a low-amplitude event slides along the blending degeneracy to a huge
source flux, a huge negative blend and u0 at its bound. Where the free fit of (fs, fb) goes below the floor, fb
is held there and fs fitted alone, the least-squares solution under that constraint. A dataset that would need
fs < 0 (one that saw none of the event, or saw it the wrong way) is held at fs = 0, all blend.
"""

import datetime

import numpy

from ..formulas import SMALLEST_U, flux_of, hjd_today, magnification

HJD_OFFSET = 2450000.0
# How far below zero a blend flux may go, as a share of the dataset's baseline flux (see above).
BLEND_FLOOR_SHARE = 0.25
# The longest alerted events last a few hundred days; a fit that wants more is held by the degeneracy of u0 -> 0
# and tE -> infinity (the data constrain only u0 tE), and is reported as at the edge.
LARGEST_TE = 2000.0
SMALLEST_TE = 0.05
LARGEST_U0 = 3.0
T0_SEARCHED = 2000.0  # days either side of the start
POINT_LENS = ("t0", "u0", "tE")
WITH_PARALLAX = POINT_LENS + ("piE_N", "piE_E")
LARGEST_PIE = 5.0
# The sampler's data (JointData.binned): a dataset's night is its points with no gap this long between them; it
# is averaged where the model changes through it by less than this share of its smallest point error.
NIGHT_GAP_DAYS = 0.3
BINNED_MODEL_CHANGE = 0.05


def range_edges(p):
    """Which of u0's and tE's range edges the parameters sit at (within about 1%): a set of "u0", "tE low",
    "tE high"."""
    return ({"u0"} if abs(p["u0"]) >= 2.99 else set()) | ({"tE low"} if p["tE"] <= 0.051 else set()) \
        | ({"tE high"} if p["tE"] >= 0.99 * LARGEST_TE else set())


# The Sun's apparent shift, as MulensModel computes it for annual parallax (Trajectory._get_delta_annual): the
# Earth's barycentric position at t0_par less that at t, plus (t - t0_par) times its velocity at t0_par, projected
# on the sky's North and East at the event. ERFA's Earth positions at every point were a fifth of a long event's
# fit time; here they come from one table for every event and frame, the position every EARTH_TABLE_STEP days over
# EARTH_TABLE_YEARS (made once a process, about 0.7 s) carried to the points by a cubic spline, within 2e-8 AU of
# MulensModel's value at each (a piE of 0.5 turns that into 1e-8 Einstein radii) (tests/test_fit_model.py); the
# position and velocity at t0_par are ERFA's own. The table is fixed, so the same data give the same fit whatever
# was fitted before. Times beyond it go to ERFA at each point.
EARTH_TABLE_STEP = 2.0
EARTH_TABLE_YEARS = (1990, 2050)
_earth_table = []
_sky_axes = {}


def earth_table():
    """(first, last HJD - 2450000 the spline holds, the spline of the Earth's barycentric position in AU)."""
    if not _earth_table:
        from scipy.interpolate import CubicSpline
        first, last = (hjd_today(datetime.date(year, 1, 1)) for year in EARTH_TABLE_YEARS)
        grid = numpy.arange(first, last + EARTH_TABLE_STEP, EARTH_TABLE_STEP)
        # The spline's ends bend away from the orbit (2e-8 AU within a few steps of them): they are not used.
        _earth_table.append((grid[20], grid[-21], CubicSpline(grid, earth_position_velocity(grid)[0])))
    return _earth_table[0]


def earth_position_velocity(hjd):
    """ERFA's barycentric position (AU) and velocity (AU/day) of the Earth at times hjd (HJD - 2450000, read as
    TDB, as MulensModel reads them)."""
    import erfa
    hjd = numpy.asarray(hjd, dtype=float)
    day = numpy.round(hjd)  # the whole day apart, as astropy's Time splits a JD
    _, barycentric = erfa.epv00(HJD_OFFSET + day, hjd - day)
    return barycentric["p"], barycentric["v"]


def sky_axes(coords):
    """The unit vectors North and East on the sky at coords (MulensModel's Coordinates), kept per position."""
    if coords not in _sky_axes:
        import MulensModel
        found = MulensModel.Coordinates(coords)
        if len(_sky_axes) > 64:
            _sky_axes.clear()
        _sky_axes[coords] = (numpy.asarray(found.north_projected), numpy.asarray(found.east_projected))
    return _sky_axes[coords]


def parallax_offsets(hjd, coords, t0_par):
    """The Sun's apparent shift, North and East (in AU, projected on the sky), at times hjd (HJD - 2450000)
    relative to t0_par (see above)."""
    hjd = numpy.asarray(hjd, dtype=float)
    first, last, spline = earth_table()
    inside = (hjd >= first) & (hjd <= last)
    position = spline(hjd)
    if not inside.all():
        position[~inside] = earth_position_velocity(hjd[~inside])[0]
    reference, velocity = earth_position_velocity(numpy.array([float(t0_par)]))
    shift = reference - position + numpy.outer(hjd - t0_par, velocity[0])
    north, east = sky_axes(coords)
    return shift @ north, shift @ east


def mulensmodel_offsets(hjd, coords, t0_par):
    import MulensModel
    parameters = MulensModel.ModelParameters({"t_0": t0_par + HJD_OFFSET, "u_0": 0.1, "t_E": 10.0, "pi_E_N": 0.0,
                                              "pi_E_E": 0.0, "t_0_par": t0_par + HJD_OFFSET})
    trajectory = MulensModel.Trajectory(hjd + HJD_OFFSET, parameters, parallax={"earth_orbital": True},
                                        coords=coords)
    trajectory.x  # computes the offsets
    delta = trajectory.parallax_delta_N_E
    # MulensModel keeps every offset it has computed, for ever, in a class attribute: a worker fitting
    # thousands of events would grow without bound.
    MulensModel.Trajectory._get_delta_annual_results.clear()
    return numpy.array(delta["N"], dtype=float), numpy.array(delta["E"], dtype=float)


def trajectory(hjd, p, north=None, east=None):
    """(tau, beta): the source's position along and across the lens's path, in Einstein radii, at times hjd;
    north and east are parallax_offsets at the same times, or None for no parallax."""
    tau = (hjd - p["t0"]) / p["tE"]
    beta = numpy.full(len(hjd), p["u0"], dtype=float)
    if north is not None:
        tau = tau + north * p["piE_N"] + east * p["piE_E"]
        beta = beta - north * p["piE_E"] + east * p["piE_N"]
    return tau, beta


def magnification_at(hjd, p, parallax=None):
    """A(t) of the model p at times hjd (HJD - 2450000); parallax = (coords, t0_par) or None."""
    hjd = numpy.asarray(hjd, dtype=float)
    offsets = parallax_offsets(hjd, *parallax) if parallax is not None else (None, None)
    return magnification(numpy.hypot(*trajectory(hjd, p, *offsets)))


# A dark lens's centroid shift, theta_E u / (u^2 + 2), is largest at u = sqrt(2) (theta_E / sqrt(8)).
LARGEST_SHIFT_U = 2 ** 0.5


def largest_shift_times(p, parallax=None, step=0.5):
    """(before, after): the times (HJD - 2450000) at which the source is LARGEST_SHIFT_U Einstein radii from the lens
    on the model's own trajectory (parallax included), the last before t0 and the first after it, to `step` days
    then interpolated; None for a side where it never is (|u0| >= sqrt(2): the shift is largest near t0).
    Searched within 10 tE + 400 days of t0."""
    half = 10 * p["tE"] + 400
    hjd = numpy.arange(p["t0"] - half, p["t0"] + half + step, step)
    offsets = parallax_offsets(hjd, *parallax) if parallax is not None else (None, None)
    tau, beta = trajectory(hjd, p, *offsets)
    beyond = numpy.hypot(tau, beta) - LARGEST_SHIFT_U
    crossings = numpy.flatnonzero(numpy.sign(beyond[:-1]) != numpy.sign(beyond[1:]))
    times = hjd[crossings] + step * beyond[crossings] / (beyond[crossings] - beyond[crossings + 1])
    before, after = times[times < p["t0"]], times[times >= p["t0"]]
    return (float(before[-1]) if len(before) else None, float(after[0]) if len(after) else None)


class JointData:
    """Every dataset's points in one array. `datasets` are (hjd, mag, mag_err) with hjd as HJD - 2450000;
    with `offsets` (parallax_offsets at the same times, in the same order) the trajectory includes annual
    parallax."""

    def __init__(self, datasets, offsets=None):
        self.n = len(datasets)
        self.which = numpy.concatenate([numpy.full(len(d[0]), i) for i, d in enumerate(datasets)])
        self.starts = numpy.concatenate([[0], numpy.cumsum([len(d[0]) for d in datasets])[:-1]]).astype(int)
        self.hjd = numpy.concatenate([d[0] for d in datasets]).astype(float)
        self.flux, flux_err = flux_of(numpy.concatenate([d[1] for d in datasets]),
                                      numpy.concatenate([d[2] for d in datasets]))
        self.weight = 1 / flux_err ** 2
        self.blend_floor = -BLEND_FLOOR_SHARE * numpy.array([numpy.median(self.flux[self.which == i])
                                                             for i in range(self.n)])
        self.north, self.east = offsets if offsets is not None else (None, None)
        self.prepare()

    def prepare(self):
        # The fluxes are solved about each dataset's weighted mean flux: sums of the centred flux keep the
        # chi2's sums of squares free of the cancellation a bright baseline would bring.
        self.s = self.sums(self.weight)
        self.mean_flux = self.sums(self.weight * self.flux) / self.s
        self.centred = self.flux - self.mean_flux[self.which]
        self.sum_centred_squares = self.sums(self.weight * self.centred ** 2)

    def trajectory(self, p):
        return trajectory(self.hjd, p, self.north, self.east)

    def binned(self, solutions):
        """The same data with each dataset's points of one night (no gap of NIGHT_GAP_DAYS) averaged into one,
        weighted by 1/sigma^2, for the posterior's sampler: where the model under each of `solutions` (parameter
        dicts) changes through the night by less than BINNED_MODEL_CHANGE of the night's smallest error, chi2
        differences between parameter sets are those of the points themselves (tests/test_fit_model.py, on two
        recorded OGLE events' real cadences). Other nights keep their points."""
        new_night = numpy.concatenate([[True], (numpy.diff(self.hjd) > NIGHT_GAP_DAYS) | (numpy.diff(self.which) != 0)])
        night, starts = numpy.cumsum(new_night) - 1, numpy.flatnonzero(new_night)
        smallest_error = 1 / numpy.sqrt(numpy.maximum.reduceat(self.weight, starts))
        steady = numpy.ones(len(starts), dtype=bool)
        for p in solutions:
            _, source, _, _, _, _, _, a = self.evaluate(p)
            model = source[self.which] * a
            change = numpy.maximum.reduceat(model, starts) - numpy.minimum.reduceat(model, starts)
            steady &= change < BINNED_MODEL_CHANGE * smallest_error
        # a night that is not steady keeps each of its points as its own bin
        group = numpy.cumsum(new_night | ~steady[night]) - 1
        weight = numpy.bincount(group, self.weight)

        def mean(values):
            return numpy.bincount(group, self.weight * values) / weight

        found = JointData.__new__(JointData)
        found.n, found.blend_floor = self.n, self.blend_floor
        found.hjd, found.flux, found.weight = mean(self.hjd), mean(self.flux), weight
        found.which = self.which[numpy.flatnonzero(numpy.diff(numpy.concatenate([[-1], group])))]
        found.starts = numpy.searchsorted(found.which, numpy.arange(self.n))
        found.north, found.east = (None, None) if self.north is None else (mean(self.north), mean(self.east))
        found.prepare()
        return found

    def sums(self, values):
        """Per dataset, the sum of `values` over its points (along the last axis, for many parameter sets)."""
        if values.ndim == 1:
            return numpy.bincount(self.which, values, minlength=self.n)
        return numpy.add.reduceat(values, self.starts, axis=-1)

    def solve(self, se, see, sef):
        """Per dataset (and parameter set): (source flux, the model's constant less the mean flux, held) from
        the sums of w (A - 1), w (A - 1)^2 and w (A - 1) (F - mean F); the model is F = fs (A - 1) + c with
        c = fs + fb. Least squares, the source not negative and the blend not below its floor: a dataset
        that needs a negative source is all blend (fs = 0, c = its mean); one whose blend would go below the
        floor has fb held there and fs fitted alone. Solved in A - 1, not A: in A the sums cancel when A is
        near 1 at every point."""
        s, mean, floor = self.s, self.mean_flux, self.blend_floor
        with numpy.errstate(all="ignore"):
            determinant = s * see - se ** 2
            source = s * sef / determinant
            constant = -se * sef / determinant  # c less the mean flux
            no_source = ~(determinant > 0) | ~(source >= 0)
            source = numpy.where(no_source, 0.0, source)
            constant = numpy.where(no_source, 0.0, constant)
            below = ~(constant + mean - source >= floor)
            # fb held at the floor: fs = sum w A (F - fb) / sum w A^2, with A = 1 + (A - 1)
            held = (sef + (mean - floor) * (s + se)) / (s + 2 * se + see)
            source = numpy.where(below, held, source)
            constant = numpy.where(below, held + floor - mean, constant)
        return source, constant, no_source | below

    def fluxes(self, excess):
        """Per dataset: source and blend flux at the magnification's `excess` (A - 1 at each point), and which
        datasets' fluxes are held (see `solve`)."""
        weighted = self.weight * excess
        source, constant, held = self.solve(self.sums(weighted), self.sums(weighted * excess),
                                            self.sums(weighted * self.centred))
        return source, constant + self.mean_flux - source, held

    def evaluate(self, p):
        """(residual flux, source, blend, which datasets' fluxes are held at 0, tau, beta, u, A) at parameters p."""
        tau, beta = self.trajectory(p)
        u = numpy.maximum(numpy.hypot(tau, beta), SMALLEST_U)
        root = u * numpy.sqrt(u ** 2 + 4)
        excess = 4 / ((u ** 2 + 2 + root) * root)  # A(u) - 1, without cancelling where A is near 1
        a = 1 + excess
        source, blend, fixed = self.fluxes(excess)
        residual = self.flux - (source + blend)[self.which] - source[self.which] * excess
        return residual, source, blend, fixed, tau, beta, u, a

    def chi2(self, p):
        residual = self.evaluate(p)[0]
        return float(numpy.sum(self.weight * residual ** 2))

    def chi2_per_dataset(self, p):
        residual = self.evaluate(p)[0]
        return self.sums(self.weight * residual ** 2)

    def chi2_and_gradient(self, p, names):
        """chi2 and d chi2 / d name for names in (t0, u0, tE, piE_N, piE_E); the fluxes are at their optimum,
        so the gradient at fixed fluxes is the whole gradient."""
        residual, source, _, _, tau, beta, u, _ = self.evaluate(p)
        chi2 = float(numpy.sum(self.weight * residual ** 2))
        d_a_d_u = -8 / (u ** 2 * (u ** 2 + 4) ** 1.5)
        common = -2 * self.weight * residual * source[self.which] * d_a_d_u / u
        derivatives = {  # (d tau, d beta) of each parameter
            "t0": (-1 / p["tE"], 0.0), "u0": (0.0, 1.0), "tE": (-(self.hjd - p["t0"]) / p["tE"] ** 2, 0.0)}
        if self.north is not None:
            derivatives.update(piE_N=(self.north, self.east), piE_E=(self.east, -self.north))
        gradient = [float(numpy.sum(common * (tau * derivatives[n][0] + beta * derivatives[n][1]))) for n in names]
        return chi2, numpy.array(gradient)

    def chi2_many(self, p):
        """chi2 at many parameter sets at once (the posterior's walkers): p maps each name to an array of W
        values; the fluxes solved for each as `fluxes` does. Returns W values. The chi2 comes from the same
        per-dataset sums as the fluxes (sum w (F - c - fs (A - 1))^2 expanded), with no residual array."""
        t0, tE, u0 = (numpy.asarray(p[k], dtype=float)[:, None] for k in ("t0", "tE", "u0"))
        tau = (self.hjd[None, :] - t0) / tE
        if self.north is not None and "piE_N" in p:
            north, east = numpy.asarray(p["piE_N"], dtype=float)[:, None], numpy.asarray(p["piE_E"], dtype=float)[:, None]
            tau = tau + self.north[None, :] * north + self.east[None, :] * east
            beta = u0 - self.north[None, :] * east + self.east[None, :] * north
            squared = tau ** 2 + beta ** 2
        else:
            squared = tau ** 2 + u0 ** 2
        squared = numpy.maximum(squared, SMALLEST_U ** 2)
        root = numpy.sqrt(squared * (squared + 4))
        excess = 4 / ((squared + 2 + root) * root)  # A(u) - 1
        weighted = self.weight[None, :] * excess
        se, see, sef = self.sums(weighted), self.sums(weighted * excess), self.sums(weighted * self.centred)
        source, constant, _ = self.solve(se, see, sef)
        chi2 = (self.sum_centred_squares - 2 * source * sef + constant ** 2 * self.s + 2 * constant * source * se
                + source ** 2 * see)
        return numpy.sum(chi2, axis=-1)
