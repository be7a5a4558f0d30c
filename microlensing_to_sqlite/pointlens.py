"""The point-lens chi2 of many datasets at once, vectorised, for the joint fit's search (fitting.py).

It is MulensModel's: the same magnification, the same flux conversion (magnitude 22 = flux 1), the same linear fit
of a source and a blend flux per dataset (`Event.get_chi2`), and annual parallax from MulensModel's own geometry
(`Trajectory.parallax_delta_N_E`, projected as its `_project_delta` does). tests/test_pointlens.py checks that the
two agree. It is written again here, over every point of every dataset in one array, because the search evaluates
it a few hundred times per event: MulensModel's objects per dataset cost about 10 ms an evaluation, this about 0.2.

One prior: no dataset has a negative blend or source flux. Where the free fit of (fs, fb) gives fb < 0, fb is held at
0 and fs fitted alone, the least-squares solution under that constraint. Without it a low-amplitude event slides
along the blending degeneracy to a huge source flux, a huge negative blend and u0 at its bound. A dataset that
would need fs < 0 (one that saw none of the event, or saw it the wrong way) is held at fs = 0, all blend.
"""

import numpy

from .formulas import SMALLEST_U, flux_of, magnification

HJD_OFFSET = 2450000.0


def parallax_offsets(hjd, coords, t0_par):
    """The Sun's apparent shift, North and East (in AU, projected on the sky), at times hjd (HJD - 2450000)
    relative to t0_par, from MulensModel."""
    import MulensModel
    parameters = MulensModel.ModelParameters({"t_0": t0_par + HJD_OFFSET, "u_0": 0.1, "t_E": 10.0, "pi_E_N": 0.0,
                                              "pi_E_E": 0.0, "t_0_par": t0_par + HJD_OFFSET})
    trajectory = MulensModel.Trajectory(numpy.asarray(hjd, dtype=float) + HJD_OFFSET, parameters,
                                        parallax={"earth_orbital": True}, coords=coords)
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


class JointData:
    """Every dataset's points in one array. `datasets` are (hjd, mag, mag_err) with hjd as HJD - 2450000;
    with `offsets` (parallax_offsets at the same times, in the same order) the trajectory includes annual
    parallax."""

    def __init__(self, datasets, offsets=None):
        self.n = len(datasets)
        self.which = numpy.concatenate([numpy.full(len(d[0]), i) for i, d in enumerate(datasets)])
        self.hjd = numpy.concatenate([d[0] for d in datasets]).astype(float)
        self.flux, flux_err = flux_of(numpy.concatenate([d[1] for d in datasets]),
                                      numpy.concatenate([d[2] for d in datasets]))
        self.weight = 1 / flux_err ** 2
        self.north, self.east = offsets if offsets is not None else (None, None)

    def trajectory(self, p):
        return trajectory(self.hjd, p, self.north, self.east)

    def sums(self, values):
        return numpy.bincount(self.which, values, minlength=self.n)

    def fluxes(self, excess):
        """Per dataset: source and blend flux by weighted linear least squares with neither negative, and which
        were held at 0 (the mask counts one per dataset held). `excess` is A - 1 at each point. Solved as
        F = fs (A - 1) + baseline: in A itself the sums cancel when A is near 1 at every point."""
        w, f = self.weight, self.flux
        s, se, see = self.sums(w), self.sums(w * excess), self.sums(w * excess ** 2)
        sf, sef = self.sums(w * f), self.sums(w * excess * f)
        with numpy.errstate(all="ignore"):
            determinant = s * see - se ** 2
            source = (s * sef - se * sf) / determinant
            blend = (see * sf - se * sef) / determinant - source
            # No magnification seen, or a fit that would need a negative source: the dataset is all blend.
            no_source = ~(determinant > 0) | ~(source >= 0)
            source[no_source], blend[no_source] = 0.0, (sf / s)[no_source]
            no_blend = ~(blend >= 0)
            saa, saf = self.sums(w * (1 + excess) ** 2), self.sums(w * (1 + excess) * f)
            source[no_blend], blend[no_blend] = (saf / saa)[no_blend], 0.0
        return source, blend, no_source | no_blend

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
