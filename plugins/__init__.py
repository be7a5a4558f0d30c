"""Datasette plugins (loaded with --plugins-dir plugins). The build imports sky_functions from here too."""
