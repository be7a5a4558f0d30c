"""The server's event loop answers within a few milliseconds even while its SQL and rendering threads are busy.

Python lets a busy thread keep the interpreter for up to the switch interval (5 ms by default) whenever the
event loop asks for it back, and the loop asks after every wait for the network: under load a cheap page
needed hundreds of such hand-overs, and `/-/versions.json` took 2 to 4 s at worst with 50 clients (make bench,
part "hostile load"). At SWITCH_INTERVAL the same load leaves it under one second, for a few percent more
switching in the busy threads.
"""

import sys

from datasette import hookimpl

SWITCH_INTERVAL = 0.0005


@hookimpl
def startup(datasette):
    sys.setswitchinterval(SWITCH_INTERVAL)
