"""The surveys the build knows, in one list: everything that iterates surveys iterates this.

The order is the build's, the demo's and that of each survey's columns in the events table. Adding a survey
is one new package (a `Survey` subclass, see survey.py) and one line here.
"""

from .kmtnet import KMTNET
from .moa import MOA
from .ogle import OGLE

SURVEYS = (OGLE, MOA, KMTNET)
BY_KEY = {survey.key: survey for survey in SURVEYS}
BY_NAME = {survey.name: survey for survey in SURVEYS}
# The hosts the fetcher may ask: those the surveys publish on, and no other.
HOSTS = frozenset().union(*(survey.hosts for survey in SURVEYS))
