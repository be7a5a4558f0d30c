"""Headers on every response that keep the portal's pages out of other sites' frames and stop browsers from
guessing content types: X-Frame-Options, a Content-Security-Policy that forbids framing, nosniff, and a
referrer policy."""

from datasette import hookimpl

HEADERS = [
    (b"x-frame-options", b"DENY"),
    (b"content-security-policy", b"frame-ancestors 'none'"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
]


@hookimpl
def asgi_wrapper():
    def wrap(app):
        async def with_headers(scope, receive, send):
            if scope["type"] != "http":
                return await app(scope, receive, send)

            async def send_with_headers(message):
                if message["type"] == "http.response.start":
                    present = {name.lower() for name, _ in message.get("headers", [])}
                    message = {**message, "headers": list(message.get("headers", [])) +
                               [(name, value) for name, value in HEADERS if name not in present]}
                await send(message)

            await app(scope, receive, send_with_headers)
        return with_headers
    return wrap
