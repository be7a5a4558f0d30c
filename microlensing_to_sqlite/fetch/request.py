"""One request, HTTP or FTP, with its retries: timeouts, connection errors, 429 and 5xx are asked again after an
exponential backoff with jitter, or after the server's Retry-After; the wait holds back the whole host. An answer
is read a piece at a time, and refused once it is bigger than its kind's cap (limits.py)."""

import email.utils
import random
import time
from dataclasses import dataclass, field

import httpx

from .. import limits
from ..parsing import quoted

ATTEMPTS = 3
# A server may ask for hours; five minutes is the longest one request waits before it counts as failed.
RETRY_AFTER_CAP = 300.0
RETRY_STATUSES = {429, 500, 502, 503, 504}


@dataclass(frozen=True)
class Retries:
    attempts: int = ATTEMPTS
    backoff: float = 2.0                # the first wait in seconds, doubled each time, with jitter
    sleep: object = field(default=time.sleep)


class Retry(Exception):
    """A failure worth another attempt: (detail, the server's Retry-After in seconds or None)."""


class Answer:
    """What a server answered: an HTTP status (FTP: 200 or 404), the body and the response headers."""

    def __init__(self, status, body=b"", headers=None, detail=""):
        self.status, self.body, self.headers, self.detail = status, body, headers or {}, detail


def with_retries(ask, host, start, retries):
    """ask() until it returns, or until it has raised Retry `retries.attempts` times (then the last Retry's
    detail comes back as a string). Each attempt starts no earlier than its booked start."""
    for attempt in range(1, retries.attempts + 1):
        if start > (now := time.monotonic()):
            retries.sleep(start - now)
        try:
            return ask()
        except Retry as retry:
            detail, wait = retry.args
            if attempt == retries.attempts:
                return detail
            if wait is None:
                wait = retries.backoff * 2 ** (attempt - 1) * random.uniform(0.5, 1.5)
            start = host.hold_back(wait)


def http_get(client, url, headers, host):
    """One HTTP GET in one of the host's slots. Raises Retry on what is worth asking again."""
    kind, cap = limits.cap_of(url)
    try:
        with host.slots, client.stream("GET", url, headers=headers) as response:
            status = response.status_code
            if status in RETRY_STATUSES:
                raise Retry(f"HTTP {status}", retry_after(response) if status in (429, 503) else None)
            if status != 200:  # what a server says with a 304, 404 or 403 is not kept
                return Answer(status, headers=response.headers)
            declared = response.headers.get("Content-Length", "")
            if declared.isdigit() and int(declared) > cap:
                return too_big(kind, cap)
            body = bytearray()
            for piece in response.iter_bytes():
                body += piece
                if len(body) > cap:
                    return too_big(kind, cap)
            return Answer(status, bytes(body), response.headers)
    except (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError) as error:
        raise Retry(f"{type(error).__name__}: {quoted(error)}", None)
    except httpx.HTTPError as error:
        return Answer(None, detail=f"{type(error).__name__}: {quoted(error)}")


def ftp_get(ftp_open, url, timeout, host):
    """One FTP download (FTP has no conditional requests). A 550 is a file that is not there."""
    kind, cap = limits.cap_of(url)
    try:
        with host.slots, ftp_open(url, timeout=timeout) as response:
            body = response.read(cap + 1)
        return too_big(kind, cap) if len(body) > cap else Answer(200, body)
    except OSError as error:  # urllib's URLError wraps ftplib's errors; timeouts and resets are plain
        if "550" in str(error):  # FTP's "no such file"
            return Answer(404, detail=f"FTP {quoted(error)}")
        raise Retry(f"{type(error).__name__}: {quoted(error)}", None)


def too_big(kind, cap):
    return Answer(None, detail=f"refused: an answer bigger than {limits.in_words(cap)}, the most {kind} may be")


def retry_after(response):
    """The Retry-After header in seconds (it may be a number or an HTTP date), capped; None if absent."""
    value = response.headers.get("Retry-After", "").strip()
    try:
        date = None if value.isdigit() else email.utils.parsedate_tz(value)
        seconds = int(value) if date is None else email.utils.mktime_tz(date) - time.time()
    except (ValueError, OverflowError):  # absent, or neither a number nor a date
        return None
    return min(max(seconds, 0.0), RETRY_AFTER_CAP)
