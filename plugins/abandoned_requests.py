"""A request whose client has gone is cancelled. The server does not tell a response that its client left (a
write to a closed connection is quietly dropped), so an abandoned download (a CSV streamed from a table, a
photometry export) would read on for hours and hold its SQL thread and its export slot; cancelled, it stops at
its next await and gives back what it held. The SQL query running at that moment still ends at its time limit."""

import asyncio

from datasette import hookimpl


@hookimpl
def asgi_wrapper():
    def wrap(app):
        async def cancelled_when_abandoned(scope, receive, send):
            if scope["type"] != "http":
                return await app(scope, receive, send)
            messages = asyncio.Queue()

            async def send_and_yield(message):
                await send(message)
                # A write into a closed connection does not wait, so a stream writing row after row never lets
                # the server hear that its client has gone (and asyncio logs every such write): yielding once
                # after each part of a body lets it, and the watch below cancels the stream.
                if message["type"] == "http.response.body" and message.get("more_body"):
                    await asyncio.sleep(0)

            response = asyncio.ensure_future(app(scope, messages.get, send_and_yield))

            async def watch():
                while True:
                    message = await receive()
                    await messages.put(message)
                    if message["type"] == "http.disconnect":
                        response.cancel()
                        return

            watcher = asyncio.ensure_future(watch())
            try:
                await response
            except asyncio.CancelledError:
                if not watcher.done():  # this request itself is being cancelled, not just its client gone
                    raise
            finally:
                watcher.cancel()
        return cancelled_when_abandoned
    return wrap
