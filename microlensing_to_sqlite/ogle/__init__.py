"""OGLE-IV Early Warning System (EWS): its site, one parser per file kind, its loader and its demo files.

- `lenses_par.py`: the season's list of events, with no uncertainties;
- `params_dat.py`: one event's fit with 1-sigma uncertainties;
- `phot_dat.py`: one event's I-band photometry over the whole OGLE-IV baseline;
- `fit.py`: what the two lists share (names, parameters, sentinels); `site.py`: seasons and URLs;
- `survey.py`: the `Survey` the build uses; `demo.py`: SYNTHETIC files in these formats.
"""

from .survey import Ogle

OGLE = Ogle()
