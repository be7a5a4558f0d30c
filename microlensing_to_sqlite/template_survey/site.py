"""EXAMPLE's site (fictional): its seasons and where each file is."""

import datetime

SURVEY = "EXAMPLE"
ROOT = "https://alerts.example.org"
FIRST_SEASON = 2024
TELESCOPE, BAND = "EXAMPLE", "I"


def seasons(today=None):
    """Every season up to the current year."""
    return list(range(FIRST_SEASON, (today or datetime.date.today()).year + 1))


def season_list_url(season):
    return f"{ROOT}/{season}/alerts.txt"


def photometry_url(name):
    return f"{ROOT}/{name.season}/{name.full}.dat"
