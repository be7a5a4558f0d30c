"""What kind of lens each sampled event's is likely to be, and how large its astrometric shift would be, under
the PopSyCLE Galactic models that popclass ships (Perkins et al. 2024; Kaczmarek et al. 2025; Lam et al. 2020).
These are MODEL probabilities: what the simulated Galaxy says given the event's (tE, piE), not the probability
that the lens is a black hole. The one confirmed isolated black hole, OGLE-2011-BLG-0462, is an outlier of these
models (Kaczmarek 2025): it scores a low P(BH).

From the stored posterior draws (fit_samples, both u0 solutions by their weights) of a fit whose posterior was
sampled:
- **the class probabilities** by popclass's own `classify`: p(class | data) is p(class) times the mean over the
  draws of the class's kernel density over the prior the fit used, here in (log10 tE, log10 piE). The fit's prior
  is flat in ln tE and in each piE component (fit/posterior.py): in (log10 tE, log10 |piE|) a density
  proportional to piE^2, which is divided out. popclass's None class (popclass.uq.NoneClassUQ, weight 0.01)
  takes the probability where the simulation has no events. A fit whose verdict is `ok` is classified in
  (tE, piE); one that is `unconstrained` but whose tE posterior stays inside its range, in tE alone (piE then
  says little, and the tE-only answer is weaker: `parameters` says which); the others are not classified.
- **theta_E and the largest shift**: theta_E is not measured by photometry. Its distribution given the event is
  that of the simulated events (all classes, each weighted by its class's rate), each weighted by how likely the
  event's data are at its (tE, piE): the posterior's density there (a Gaussian kernel density of the draws) over
  the prior. A dark lens's centroid shift theta_E u / (u^2 + 2) is largest at u = sqrt(2): theta_E / sqrt(8).
  Where fewer than FEWEST_SIMULATED simulated events carry the weight (an event outside the simulation), no
  value is given. The shift assumes all light from the source: a blend or a luminous lens dilutes it.

Each event's rows carry a digest of the draws they came from: a build classifies again only the events whose
posterior changed.
"""

import hashlib
import json
import math
import warnings

import numpy

MODELS = ("popsycle_singles_spera15", "popsycle_singles_sukhboldn20", "popsycle_singles_raithel18")
# popclass's class names, and their columns.
CLASSES = {"star": "p_star", "white_dwarf": "p_white_dwarf", "neutron_star": "p_neutron_star",
           "black_hole": "p_black_hole", "None": "p_none"}
# The None class's box in (log10 tE, log10 piE): the fit's ranges (tE 0.05-2,000 d, piE components within 5).
BOUNDS = {"log10tE": [-1.5, 3.5], "log10piE": [-3.0, 1.0]}
BOTH, TE_ONLY = ["log10tE", "log10piE"], ["log10tE"]
# Equally weighted draws handed to classify: the stored draws resampled by their weights.
CLASSIFIED_DRAWS = 400
FEWEST_SIMULATED = 3.0
THETA_DRAWS = 20000
LARGEST_SHIFT_OF_THETA_E = 1 / math.sqrt(8)
PERCENTILES = (16.0, 50.0, 84.0)
# Bumped when the classification changes, so that every event is classified again.
LENS_CLASS_VERSION = 1
COLUMNS = ["event_id", "model", "parameters", *CLASSES.values(), "theta_E_p16", "theta_E_p50", "theta_E_p84",
           "largest_shift_p16", "largest_shift_p50", "largest_shift_p84", "simulated_events", "posterior_digest"]
DRAWS = """
select s.event_id, s.tE, s.piE_N, s.piE_E, s.weight, f.status,
       (select max(tE_p97_5) from fit_solutions where event_id = s.event_id) as tE_p97_5
from fit_samples s join fits f on f.event_id = s.event_id
where f.posterior like 'sampled%' order by s.event_id, s.solution, s.draw
"""

_models, _kernels = {}, {}


def population(name):
    """popclass's PopulationModel `name` with its None classes in (tE, piE) and in tE alone, built once."""
    if name not in _models:
        with warnings.catch_warnings():  # popclass finds its files through pkg_resources, which warns
            warnings.simplefilter("ignore")
            from popclass.model import PopulationModel
            from popclass.uq import NoneClassUQ
            model = PopulationModel.from_library(name)
        none = {tuple(p): NoneClassUQ(bounds={k: BOUNDS[k] for k in p}, population_model=model, parameters=p)
                for p in (BOTH, TE_ONLY)}
        _models[name] = (model, none)
    return _models[name]


def kernels(name, parameters):
    """Each class of model `name` as (its rate share per simulated event, its events in parameters + log10
    theta_E, the kernel covariance scipy's gaussian_kde gives them), built once per model and parameters."""
    key = (name, tuple(parameters))
    if key not in _kernels:
        from scipy.stats import gaussian_kde
        model, _ = population(name)
        found = []
        for class_name in model.classes:
            simulated = model.samples(class_name, list(parameters) + ["log10thetaE"])
            found.append((model.class_weight(class_name) / len(simulated), simulated,
                          gaussian_kde(simulated.T).covariance))
        _kernels[key] = found
    return _kernels[key]


def basis(status, tE_p97_5):
    """The parameters an event is classified in (BOTH, TE_ONLY), or None: see the module's docstring."""
    from .fit.model import LARGEST_TE
    if status == "ok":
        return BOTH
    if status == "unconstrained" and tE_p97_5 is not None and tE_p97_5 < 0.9 * LARGEST_TE:
        return TE_ONLY
    return None


def resampled(values, weights, n=CLASSIFIED_DRAWS):
    """n equally weighted draws of `values` (rows) by systematic resampling, deterministic."""
    cumulative = numpy.cumsum(weights) / numpy.sum(weights)
    picked = numpy.minimum(numpy.searchsorted(cumulative, (numpy.arange(n) + 0.5) / n), len(weights) - 1)
    return values[picked]


def prior_density(points, parameters):
    """The fit's prior at `points` (rows in `parameters`), up to a constant: piE^2 in (log10 tE, log10 piE),
    flat in log10 tE alone."""
    if parameters == BOTH:
        return (10 ** points[:, 1]) ** 2
    return numpy.ones(len(points))


def classify(tE, piE, weights, parameters, name):
    """{popclass class: model probability} of weighted draws of tE (days) and |piE| under model `name`."""
    from popclass.classify import classify as popclass_classify
    from popclass.posterior import Posterior
    model, none = population(name)
    points = resampled(log_points(tE, piE, parameters), weights)
    inference = Posterior(points, list(parameters)).to_inference_data(prior_density(points, parameters))
    return popclass_classify(inference, model, list(parameters), additive_uq=none[tuple(parameters)])


def log_points(tE, piE, parameters):
    columns = [numpy.log10(tE)] + ([numpy.log10(piE)] if parameters == BOTH else [])
    return numpy.column_stack(columns)


def theta_E(tE, piE, weights, parameters, name, seed=0):
    """(theta_E percentiles in mas, the effective number of simulated events behind them) under model `name`;
    percentiles None where fewer than FEWEST_SIMULATED carry the weight.

    Each class's simulated events in (log10 tE, log10 piE, log10 theta_E) are a Gaussian kernel density (scipy's
    gaussian_kde, as popclass builds its classes' densities); at each posterior draw x, kernel j of class c
    carries rate_c / N_c N(x; x_j, H_xx) / prior(x), and gives log10 theta_E | x the Gaussian of that kernel
    conditioned on x. The percentiles are of THETA_DRAWS draws from that mixture, seeded."""
    k = len(parameters)
    points = resampled(log_points(tE, piE, parameters), weights)
    prior = prior_density(points, parameters)
    means, spreads, mixture = [], [], []
    for rate, simulated, H in kernels(name, parameters):
        gain = H[k, :k] @ numpy.linalg.inv(H[:k, :k])
        spread = math.sqrt(max(H[k, k] - gain @ H[:k, k], 0.0))
        offsets = points[:, None, :] - simulated[None, :, :k]           # draws x kernels x k
        mahalanobis = numpy.einsum("dji,il,djl->dj", offsets, numpy.linalg.inv(H[:k, :k]), offsets)
        density = numpy.exp(-0.5 * mahalanobis) / math.sqrt(numpy.linalg.det(2 * math.pi * H[:k, :k]))
        mixture.append(rate * density / prior[:, None])
        means.append(simulated[None, :, k] + offsets @ gain)
        spreads.append(numpy.full(mixture[-1].shape, spread))
    mixture, means, spreads = (numpy.concatenate(a, axis=1) for a in (mixture, means, spreads))
    total = mixture.sum()
    if not total > 0:
        return None, 0.0
    by_kernel = mixture.sum(axis=0)
    effective = float(by_kernel.sum() ** 2 / numpy.sum(by_kernel ** 2))
    if effective < FEWEST_SIMULATED:
        return None, effective
    rng = numpy.random.default_rng(seed)
    picked = rng.choice(mixture.size, THETA_DRAWS, p=(mixture / total).ravel())
    log_theta = means.ravel()[picked] + spreads.ravel()[picked] * rng.standard_normal(THETA_DRAWS)
    return [float(10 ** v) for v in numpy.percentile(log_theta, PERCENTILES)], effective


def digest(rows):
    return hashlib.sha1(json.dumps([LENS_CLASS_VERSION, rows]).encode()).hexdigest()


def event_rows(event_id, tE, piE, weights, parameters, posterior_digest):
    """The lens_classes rows (one per model) of one event's draws."""
    rows = []
    for name in MODELS:
        probabilities = classify(tE, piE, weights, parameters, name)
        thetas, effective = theta_E(tE, piE, weights, parameters, name, seed=event_id)
        shifts = [t * LARGEST_SHIFT_OF_THETA_E for t in thetas] if thetas else [None] * 3
        rows.append([event_id, name, ", ".join(p[5:] for p in parameters),
                     *(probabilities.get(c) for c in CLASSES), *(thetas or [None] * 3), *shifts,
                     round(effective, 1), posterior_digest])
    return rows


def update_lens_classes(db, report):
    """Classify every event whose stored posterior draws changed since the last build; keep the others' rows;
    drop those of events no longer sampled."""
    by_event = {}
    for event_id, tE, north, east, weight, status, tE_p97_5 in db.execute(DRAWS):
        found = by_event.setdefault(event_id, {"status": status, "tE_p97_5": tE_p97_5, "draws": []})
        found["draws"].append((tE, north, east, weight))
    kept = dict(db.execute("select event_id, posterior_digest from lens_classes"))
    done = 0
    wanted = {}
    for event_id, found in by_event.items():
        parameters = basis(found["status"], found["tE_p97_5"])
        if parameters:
            wanted[event_id] = (parameters, found["draws"], digest([parameters, found["draws"]]))
    stale = [event_id for event_id, key in kept.items() if event_id not in wanted or wanted[event_id][2] != key]
    db.executemany("delete from lens_classes where event_id = ?", [[event_id] for event_id in stale])
    for event_id, (parameters, draws, key) in wanted.items():
        if kept.get(event_id) == key:
            continue
        tE, north, east, weights = numpy.array(draws, dtype=float).T
        rows = event_rows(event_id, tE, numpy.hypot(north, east), weights, parameters, key)
        db.executemany(f"insert into lens_classes ({', '.join(COLUMNS)}) values ({', '.join('?' * len(COLUMNS))})",
                       rows)
        done += 1
    report.notes.append(f"lens classes: {done} events classified under {len(MODELS)} PopSyCLE models, "
                        f"{len(wanted) - done} kept from the last build")
