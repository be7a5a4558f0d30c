"""The fit stage: a joint point-lens fit of every physical event over every survey's photometry.

Its parts, as MulensModel and pyLIMA keep them apart, each used by the next:
- model.py: the point-lens chi2 of many datasets at once (MulensModel's model, vectorised), the fluxes solved
  per dataset with the blending prior, and the parameters' ranges;
- data.py: one lightcurve (Dataset) and which of an event's points a fit uses, with what error scale (Selection);
- search.py: the search for the minimum (starts, grid, window, both u0 signs) and the curvature's errors;
- posterior.py: the posterior of each u0 solution (importance sampling, else emcee);
- verdict.py: ok, unconstrained, not point lens, and what is known;
- joint.py: the joint fit of one event (fit_event: datasets in, a Fit out; pure, so events fit on every core);
- stage.py: the build's fit stage (update_fits): which events to fit again, on every core, into `fits`,
  `fit_datasets`, `fit_curves`, `fit_solutions` and `fit_samples`.
"""
