"""The network: download survey files into the mirror. Nothing else in the build talks to the sites.

- `hosts.py`: politeness per host: requests in flight, the rate of starts, giving up on a failing host;
- `request.py`: one request (HTTP or FTP) with its retries, backoff and Retry-After;
- `validators.py`: each URL's ETag / Last-Modified and 404 times, kept between runs, for conditional requests;
- `store.py`: an answer into the mirror (or not: an error page, the same bytes, a file the site lost);
- `fetcher.py`: the `Fetcher` that drives them, all hosts side by side.
"""

from .fetcher import Fetcher
from .hosts import Politeness
from .outcome import Outcome
from .request import Retries

__all__ = ["Fetcher", "Politeness", "Retries", "Outcome"]
