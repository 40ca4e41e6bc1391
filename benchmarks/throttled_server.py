"""A static server for a built site that behaves like a real host on an ordinary connection.

* It serves the site under a sub-path (as GitHub Pages serves a project site).
* It gzips what hosts usually gzip: text types, JavaScript, JSON, SVG and wasm. Other files
  (``.zip``, ``.gz``, images, fonts) go as they are, so whatever the site sends compressed is
  compressed by the site itself.
* Every response waits ``latency`` seconds before its first byte, and all responses share one
  link of ``rate`` bits per second, so parallel downloads split the bandwidth as on a real line.
* It counts the bytes it sends (headers and bodies), which is what the reader's link carries.

Used by ``benchmarks/runtime_timing.py``; also runnable on its own to try the site by hand::

    .venv/bin/python -m benchmarks.throttled_server /tmp/site   # prints the URL; Ctrl+C stops it
"""

from __future__ import annotations

import contextlib
import gzip
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Iterator
from urllib.parse import unquote, urlsplit

RATE_BITS = 10_000_000  # 10 Mbit/s
LATENCY_S = 0.040  # per request, before the first byte
CHUNK = 16 * 1024
TYPES = {
    ".html": "text/html; charset=utf-8", ".css": "text/css", ".js": "text/javascript", ".mjs": "text/javascript",
    ".json": "application/json", ".svg": "image/svg+xml", ".wasm": "application/wasm", ".py": "text/x-python",
    ".txt": "text/plain", ".xml": "application/xml", ".ipynb": "application/json", ".map": "application/json",
    ".png": "image/png", ".ico": "image/x-icon", ".woff2": "font/woff2", ".woff": "font/woff", ".ttf": "font/ttf",
    ".zip": "application/zip", ".gz": "application/gzip",
}
COMPRESSED_BY_HOST = ("text/", "application/javascript", "application/json", "image/svg+xml", "application/wasm",
                      "application/xml")


class Link:
    """One shared line: each chunk waits until the line has carried the chunks before it."""

    def __init__(self, rate_bits: float):
        self.rate = rate_bits / 8  # bytes per second
        self.free_at = 0.0
        self.lock = threading.Lock()
        self.sent = 0

    def carry(self, nbytes: int) -> None:
        with self.lock:
            now = time.perf_counter()
            start = max(now, self.free_at)
            self.free_at = start + nbytes / self.rate
            self.sent += nbytes
            wait = self.free_at - now
        time.sleep(wait)

    def reset(self) -> int:
        with self.lock:
            sent, self.sent = self.sent, 0
            return sent


class ThrottledHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    root: Path
    mount: str
    link: Link
    latency: float
    gzipped: dict  # path -> compressed bytes, made once

    def log_message(self, format, *args):
        pass

    def _send(self, status: int, headers: dict, body: bytes) -> None:
        time.sleep(self.latency)
        head = [f"HTTP/1.1 {status} {self.responses[status][0]}"] + [f"{k}: {v}" for k, v in headers.items()]
        data = ("\r\n".join(head) + "\r\n\r\n").encode() + body
        for start in range(0, len(data), CHUNK):
            piece = data[start:start + CHUNK]
            self.link.carry(len(piece))
            self.wfile.write(piece)

    def do_GET(self):
        path = unquote(urlsplit(self.path).path)
        if not path.startswith(self.mount):
            return self._send(404, {"Content-Length": "0"}, b"")
        local = (self.root / path[len(self.mount):]).resolve()
        if self.root not in local.parents and local != self.root:
            return self._send(404, {"Content-Length": "0"}, b"")
        if local.is_dir():
            local = local / "index.html"
        if not local.is_file():
            body = (self.root / "404.html").read_bytes() if (self.root / "404.html").is_file() else b""
            return self._send(404, {"Content-Type": TYPES[".html"], "Content-Length": str(len(body))}, body)
        kind = TYPES.get(local.suffix, "application/octet-stream")
        headers = {"Content-Type": kind, "Cache-Control": "max-age=600"}  # what GitHub Pages sends
        body = local.read_bytes()
        if kind.startswith(COMPRESSED_BY_HOST) and "gzip" in self.headers.get("Accept-Encoding", ""):
            if local not in self.gzipped:
                self.gzipped[local] = gzip.compress(body, compresslevel=6, mtime=0)
            body = self.gzipped[local]
            headers["Content-Encoding"] = "gzip"
            headers["Vary"] = "Accept-Encoding"
        headers["Content-Length"] = str(len(body))
        with contextlib.suppress(ConnectionError):
            self._send(200, headers, body)


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        if not isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            super().handle_error(request, client_address)


@contextlib.contextmanager
def serve_throttled(root: Path, mount: str = "/autograd/", rate_bits: float = RATE_BITS,
                    latency: float = LATENCY_S) -> Iterator[tuple[str, Link]]:
    """Serve ``root`` under ``mount``; yields (base URL, the link, whose ``reset()`` returns the bytes sent)."""
    link = Link(rate_bits)
    handler = type("Handler", (ThrottledHandler,), {
        "root": Path(root).resolve(), "mount": mount, "link": link, "latency": latency, "gzipped": {},
    })
    server = _Server(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}{mount}", link
    finally:
        server.shutdown()
        server.server_close()


if __name__ == "__main__":
    with serve_throttled(Path(sys.argv[1])) as (url, _):
        print(f"serving {sys.argv[1]} at {url} (10 Mbit/s, 40 ms per request)")
        with contextlib.suppress(KeyboardInterrupt):
            threading.Event().wait()
