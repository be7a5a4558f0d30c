"""microlensing_to_sqlite: the surveys' microlensing alerts (OGLE EWS, MOA, KMTNet) into one SQLite database.

A thin command line (cli.py) over two stages: fetch (fetch/, the only code that touches the network) writes
the survey files into a mirror (mirror.py); load (load/: its build reads as its stages) reads only the
mirror and writes the database (schema.py, load/writer.py), with crossmatches (crossmatch.py), parameter
history (history.py) and the joint fit of every physical event (fit/). Each survey is a
package (ogle/, moa/, kmtnet/) behind one interface (survey.py), listed once in registry.py. The formulas the
build and the portal's plugins share live in formulas.py.
"""
