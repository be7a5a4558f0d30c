"""The data of a joint fit: one lightcurve (Dataset), and which of an event's points the fit uses and with what
error scale (Selection): the window around the peak, the outliers clipped, each dataset's errors rescaled.
"""

import math
from dataclasses import dataclass

import numpy

from .model import LARGEST_TE, JointData, parallax_offsets

OUTLIER_SIGMAS = 5.0
FEWEST_POINTS = 10
FEWEST_POINTS_PER_DATASET = 4
# A point is dropped as an outlier only if no neighbour in time is off the same way by RUN_SIGMAS.
RUN_SIGMAS = 3.0


@dataclass
class Dataset:
    """One lightcurve: its key, label, and points (HJD - 2450000, magnitude, error)."""
    lightcurve_id: int
    label: str
    survey: str
    hjd: numpy.ndarray
    mag: numpy.ndarray
    mag_err: numpy.ndarray


class Selection:
    """The datasets near the peak, which of their points are kept, and each one's error scale."""

    def __init__(self, window):
        self.window = window
        self.keep = [numpy.ones(len(d.hjd), dtype=bool) for d in window]
        self.scales = numpy.ones(len(window))
        self.offsets = {}

    def data(self, parallax=None):
        """The kept points, with errors scaled; with parallax = (coords, t0_par), its offsets (computed once)."""
        kept = numpy.concatenate(self.keep)
        if parallax is not None and parallax not in self.offsets:
            self.offsets[parallax] = parallax_offsets(numpy.concatenate([d.hjd for d in self.window]), *parallax)
        offsets = tuple(o[kept] for o in self.offsets[parallax]) if parallax is not None else None
        return JointData([(d.hjd[k], d.mag[k], d.mag_err[k] * s) for d, k, s in
                          zip(self.window, self.keep, self.scales)], offsets)

    def rescale_and_clip(self, parameters, parallax=None):
        """Per dataset: the error scale that makes chi2/dof 1 there; then keep the points within 5 sigma, and
        those beyond it that have a neighbour in time off the same way by RUN_SIGMAS (a run is the event's)."""
        data = self.data(parallax)
        normalised = data.evaluate(parameters)[0] * numpy.sqrt(data.weight)
        scales, keep = self.scales.copy(), []
        for i, (k, part) in enumerate(zip(self.keep, numpy.split(normalised, numpy.cumsum([k.sum() for k in self.keep])[:-1]))):
            factor = math.sqrt(max(float(numpy.sum(part ** 2)) / max(int(k.sum()) - 2, 1), 1e-4))
            scales[i] *= factor
            pull = part / factor
            off = numpy.abs(pull) > RUN_SIGMAS
            same_way = numpy.zeros(len(pull), dtype=bool)
            same_way[1:] |= off[:-1] & (numpy.sign(pull[:-1]) == numpy.sign(pull[1:]))
            same_way[:-1] |= off[1:] & (numpy.sign(pull[1:]) == numpy.sign(pull[:-1]))
            kept = k.copy()
            kept[numpy.flatnonzero(k)] = (numpy.abs(pull) <= OUTLIER_SIGMAS) | same_way
            keep.append(kept)
        self.scales, self.keep = scales, keep

    def n_used(self):
        return int(sum(k.sum() for k in self.keep))


def in_time_order(d):
    order = numpy.argsort(d.hjd, kind="stable")
    return Dataset(d.lightcurve_id, d.label, d.survey, d.hjd[order], d.mag[order], d.mag_err[order])


def select_window(datasets, start):
    """The points near the peak: within 6 tE and 120 days of the starting t0 (all of them for a long event)."""
    half = 6 * min(max(start["tE"], 1.0), LARGEST_TE) + 120
    chosen = []
    for d in datasets:
        near = numpy.abs(d.hjd - start["t0"]) <= half
        if near.sum() >= FEWEST_POINTS_PER_DATASET:
            chosen.append(Dataset(d.lightcurve_id, d.label, d.survey, d.hjd[near], d.mag[near], d.mag_err[near]))
    return chosen


def flat_chi2(data):
    """chi2 of a constant flux for each dataset: what the event's model must beat."""
    mean = data.sums(data.weight * data.flux) / data.sums(data.weight)
    return float(numpy.sum(data.weight * (data.flux - mean[data.which]) ** 2))
