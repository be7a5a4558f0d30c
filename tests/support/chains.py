"""Short posterior chains for the whole-build tests whose question is the build's bookkeeping (is an incremental
build the full one? is a kept event's fit kept?), not the sampler's convergence: emcee's burn-in and chains a
sixth as long. The sampler's own tests (tests/test_posterior.py) run its full length. Module constants, so the
fit stage's forked workers inherit them."""

import contextlib

import pytest

from microlensing_to_sqlite.fit import posterior


@contextlib.contextmanager
def short_posterior_chains():
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(posterior, "BURN_STEPS", 100)
        patch.setattr(posterior, "CHUNK_STEPS", 100)
        patch.setattr(posterior, "MOST_STEPS", 300)
        yield
