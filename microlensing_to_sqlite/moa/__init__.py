"""MOA alerts: its sites, one parser per file kind, its loader and its demo files.

- `index_dat.py`: the season's list up to 2024, with each event's flux calibration;
- `alert_page.py`: alert.php, the same list as HTML with MOA's assessment;
- `display_page.py`: one event's page, the fit with uncertainties (display.php up to 2024, moaprime from 2025);
- `prime_index.py`: the moaprime season index, from 2025;
- `photometry.py`: difference-flux photometry; `moa2ogle.py`: the MOA/OGLE cross-identifications;
- `calibration.py`: difference flux to magnitudes; `times.py`: JD and UT dates to HJD - 2450000;
- `html_tables.py`: reading MOA's loosely written HTML; `fields.py`: names, internal ids, positions;
- `site.py`: seasons and URLs; `survey.py`: the `Survey` the build uses; `demo.py`: SYNTHETIC files.
Only index.dat (2017's first 8 rows; 2024 whole) and the 2025 moaprime index have real copies; the other
layouts are known from other people's scrapers, so their parsers find things by label, not by position.
"""

from .survey import Moa

MOA = Moa()
