"""Datasette plugins (loaded with --plugins-dir plugins), one job each; what they share with the build lives in
the microlensing_to_sqlite package (formulas, names, portal)."""
