"""What became of one URL: fetched, unchanged, missing, failed or skipped, and why."""

from dataclasses import dataclass

REMOVED = "; removed from the mirror"  # a missing file the mirror had: a change for an update


@dataclass
class Outcome:
    url: str
    status: str  # fetched, unchanged, missing (a 404 or 410), failed, or skipped (its host was given up)
    detail: str = ""
