"""KMTNet alerts: its site, one parser per file kind, its loader and its demo files.

- `listpage.py`: the season's list of events (no uncertainties; columns change by year);
- `view_page.py`: one event's page, the only list of its light-curve files;
- `pysis.py`: pySIS light curves (one season, site, field and band); `bundle.py`: the pysis.tar.gz of them all;
- `diapl.py`: DIA light curves over several seasons (parsed, not loaded: pySIS covers the alerts);
- `times.py`: KMTNet's three time zero-points, told apart by value; `site.py`: seasons, URLs, data policy;
- `survey.py`: the `Survey` the build uses; `demo.py`: SYNTHETIC files in these formats.
Sites: A = SSO (Australia), C = CTIO (Chile), S = SAAO (South Africa).
"""

from .survey import Kmtnet

KMTNET = Kmtnet()
