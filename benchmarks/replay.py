"""A loopback replay server for the scrape benchmarks, and the httpx transport that sends the build to it.

The server (127.0.0.1 only, one thread per connection, in a process of its own so that it does not share
the build's interpreter lock) answers `GET /<host>/<url path>` with the mirror file of
`https://<host>/<url path>` (mirror.Mirror's layout: a query string stays in the file name),
after `latency` seconds. It sends an ETag and a Last-Modified and answers a matching If-None-Match or
If-Modified-Since with 304, as the survey sites' Apache does, and a file it does not have with 404. It
enforces nothing: no rate limit, no connection limit. `GET /-/stats` gives the requests it has answered,
per host and status, as JSON.
"""

import email.utils
import json
import multiprocessing
import threading
import time
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx

from microlensing_to_sqlite.mirror import Mirror


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as httpx expects of a real site

    def log_message(self, *args):
        pass

    def do_GET(self):
        if self.path == "/-/stats":
            with self.server.lock:
                body = json.dumps(self.server.stats).encode()
            return self.answer(200, body, {"Content-Type": "application/json"})
        time.sleep(self.server.latency)
        host, _, rest = self.path.lstrip("/").partition("/")
        path, _, query = rest.partition("?")
        url = f"https://{host}/{urllib.parse.unquote(path)}" + (f"?{query}" if query else "")
        try:
            file = self.server.mirror.path(url)
            stat = file.stat() if file.is_file() else None
        except ValueError:
            stat = None
        if stat is None:
            return self.count(host, self.answer(404, b"Not Found\n", {"Content-Type": "text/plain"}))
        etag = f'"{stat.st_ino:x}-{stat.st_size:x}-{stat.st_mtime_ns:x}"'
        modified = email.utils.formatdate(stat.st_mtime, usegmt=True)
        headers = {"ETag": etag, "Last-Modified": modified}
        since = email.utils.parsedate_to_datetime(self.headers["If-Modified-Since"]).timestamp() \
            if self.headers.get("If-Modified-Since") else None
        if self.headers.get("If-None-Match") == etag or (
                "If-None-Match" not in self.headers and since is not None and int(stat.st_mtime) <= since):
            return self.count(host, self.answer(304, b"", headers))
        return self.count(host, self.answer(200, file.read_bytes(), {**headers, "Content-Type": "application/octet-stream"}))

    def answer(self, status, body, headers):
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        if status != 304:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if status != 304:
            self.wfile.write(body)
        return status

    def count(self, host, status):
        with self.server.lock:
            per_host = self.server.stats.setdefault(host, {})
            per_host[str(status)] = per_host.get(str(status), 0) + 1


def _serve(root, latency, port_pipe):
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    server.request_queue_size = 256
    server.mirror, server.latency, server.lock, server.stats = Mirror(root), latency, threading.Lock(), {}
    port_pipe.send(server.server_address[1])
    server.serve_forever(poll_interval=0.1)


class ReplayServer:
    """`with ReplayServer(root, latency=0.1) as server:` ... `server.port`, `server.stats()`."""

    def __init__(self, root, latency=0.1):
        self.root, self.latency = str(root), latency

    def __enter__(self):
        receive, send = multiprocessing.Pipe(duplex=False)
        self.process = multiprocessing.get_context("fork").Process(target=_serve, args=(self.root, self.latency, send),
                                                                   daemon=True)
        self.process.start()
        self.port = receive.recv()
        return self

    def __exit__(self, *exc):
        self.process.terminate()
        self.process.join(5)

    def stats(self):
        """{host: {"200": n, "304": n, "404": n}} of every request answered so far."""
        with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/-/stats", timeout=10) as response:
            return json.loads(response.read())

    def transport(self):
        return LoopbackTransport(self.port)

    def ftp_open(self, url, timeout=None):
        """The build's ftp_open for OGLE's last.changed, through the same server."""
        parts = urllib.parse.urlsplit(url)
        return urllib.request.urlopen(f"http://127.0.0.1:{self.port}/{parts.hostname}{parts.path}", timeout=timeout)


def requests_in(stats):
    """Requests answered, per host, from a stats() snapshot."""
    return {host: sum(by_status.values()) for host, by_status in stats.items()}


def difference(after, before):
    return {host: {status: n - before.get(host, {}).get(status, 0) for status, n in by_status.items()}
            for host, by_status in after.items()}


class LoopbackTransport(httpx.BaseTransport):
    """Sends https://<host>/<path>?<query> to http://127.0.0.1:<port>/<host>/<path>?<query>, with httpx's own
    HTTPTransport (connection pooling, keep-alive), headers and all."""

    def __init__(self, port):
        self.port = port
        self.inner = httpx.HTTPTransport(limits=httpx.Limits(max_connections=64, max_keepalive_connections=64))

    def handle_request(self, request):
        target = httpx.URL(f"http://127.0.0.1:{self.port}/{request.url.host}{request.url.raw_path.decode('ascii')}")
        headers = [(k, v) for k, v in request.headers.raw if k.lower() != b"host"]
        forwarded = httpx.Request(request.method, target, headers=headers, content=request.content,
                                  extensions=request.extensions)
        return self.inner.handle_request(forwarded)

    def close(self):
        self.inner.close()
