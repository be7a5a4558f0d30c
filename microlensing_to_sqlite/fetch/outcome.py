"""What became of one URL: fetched, unchanged, missing, failed or skipped, and why."""

from dataclasses import dataclass

STATUSES = ("fetched", "unchanged", "missing", "failed", "skipped")
REMOVED = "; removed from the mirror"  # a missing file the mirror had: a change for an update


@dataclass
class Outcome:
    url: str
    status: str  # one of STATUSES: "missing" is a 404/410, "skipped" a URL of a host given up
    detail: str = ""


def counts(outcomes):
    """How many outcomes have each status: {"fetched": 3, "unchanged": 0, "missing": 1, ...}."""
    statuses = [outcome.status for outcome in outcomes]
    return {status: statuses.count(status) for status in STATUSES}
