"""SQL functions for positions, usable in any query:

    ml_ra_degrees('17:51:48.02') = 267.9500833     (hours; plain degrees pass through; see formulas.angle_degrees)
    ml_dec_degrees('-28:59:03.3') = -28.98425
    ml_separation_arcsec(ra1, dec1, ra2, dec2)     great-circle distance in arcsec (degrees in)
"""

from datasette import hookimpl

from microlensing_to_sqlite.formulas import angle_degrees, separation_arcsec


def ra_degrees(text):
    return angle_degrees(text, hours=True)


def dec_degrees(text):
    return angle_degrees(text, hours=False)


@hookimpl
def prepare_connection(conn):
    conn.create_function("ml_ra_degrees", 1, ra_degrees, deterministic=True)
    conn.create_function("ml_dec_degrees", 1, dec_degrees, deterministic=True)
    conn.create_function("ml_separation_arcsec", 4, separation_arcsec, deterministic=True)
