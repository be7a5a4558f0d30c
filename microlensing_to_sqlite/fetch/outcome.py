"""What became of one URL: fetched, unchanged, missing, gone, failed or skipped, and why."""

from dataclasses import dataclass


@dataclass
class Outcome:
    url: str
    # fetched, unchanged, missing (a 404 or 410 for a file the mirror does not hold), gone (a 404 or 410 for one
    # it holds: the copy is kept, and the run fails), failed, or skipped (its host was given up)
    status: str
    detail: str = ""
