"""microlensing_to_sqlite: the surveys' microlensing alerts (OGLE EWS, MOA, KMTNet) into one SQLite database.

A thin command line (cli.py) over two stages: fetch (fetch/, the only code that touches the network) writes
the survey files into a mirror (mirror.py); load (load/: its build reads as its stages) reads only the
mirror and writes the database (schema.py, load/writer.py), with crossmatches (crossmatch.py), parameter
history (history.py) and the joint fit of every physical event (fit/). Each survey is a
package (ogle/, moa/, kmtnet/) behind one interface (survey.py), listed once in registry.py. The formulas the
build and the portal's plugins share live in formulas.py.

Glossary (one meaning per word, in the code, the schema and the docs):

- **alert**: one survey's entry for what it saw, under its own name (OGLE-2025-BLG-0001, MOA-2025-BLG-001,
  KMT-2025-BLG-0001): a row of `alerts`. Reading one survey's files for one alert gives a
  `reading.AlertReading` (`Survey.read_alert`, `load.writer.DatabaseWriter.add_alert`).
- **event**: a physical microlensing event, seen in one or more alerts that the crossmatch links (`events`,
  `event_id`; the joint fit, `fits`, is of an event). The surveys call their alerts "events" (OGLE's event
  pages, KMTNet's `view.php?event=`): the command line keeps their word in `--events NAME`, which takes alert
  names.
- **season**: a survey's year of alerts, an int (2025); reading one survey's season shares a
  `survey.SeasonReading` (its `year`, the mirror, the season list) between its alerts.
- **mirror**: the survey files as downloaded, at `<host>/<url path>` (mirror.py); the load reads nothing else.
- **lightcurve**: one alert's photometry from one telescope in one band (`lightcurves`, its points in
  `photometry_points`).
- **dataset**: a lightcurve as the joint fit uses it, with its own source and blend fluxes (fit/data.py,
  `fit_datasets`).
"""
