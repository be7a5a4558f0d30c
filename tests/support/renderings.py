"""Rendering functions for the tests of portal.render_in_process: the rendering process imports this file."""

import os
import time


def slow_pid(seconds):
    """Which process renders, after `seconds` of holding the interpreter (a busy loop, as a renderer is)."""
    until = time.monotonic() + seconds
    while time.monotonic() < until:
        pass
    return os.getpid()


def dies():
    os._exit(1)
