"""Build the site, serve it locally and look at it in headless Chromium.

Shared by the test fixtures in ``tests/conftest.py`` and by ``scripts/screenshots.py``,
so the tests and the screenshots see the site the same way.

    >>> is_local_url("http://127.0.0.1:8123/assets/x.js", "http://127.0.0.1:8123/")
    True
    >>> is_local_url("https://cdn.example.org/katex.js", "http://127.0.0.1:8123/")
    False
    >>> build_warnings("INFO    -  Cleaning site directory\\nWARNING -  Doc file 'a.md' ...")
    ["WARNING -  Doc file 'a.md' ..."]
    >>> build_warnings("[IPKernelApp] WARNING | Kernel is running\\nwarnings.py:1: UserWarning: x\\nno warnings")
    ['[IPKernelApp] WARNING | Kernel is running', 'warnings.py:1: UserWarning: x']
"""

from __future__ import annotations

import contextlib
import functools
import os
import re
import shutil
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Iterator
from urllib.parse import urlsplit

REPO = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
# The flags the machine needs; Playwright adds a fresh temporary --user-data-dir to every launch.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
]
# Material prints an end-of-life banner that merely contains the word "warning".
BUILD_ENV = {"NO_MKDOCS_2_WARNING": "1"}
ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
# MkDocs' "WARNING -  ...", other tools' "[IPKernelApp] WARNING | ...", Python's "...Warning: ...".
WARNING_LINE = re.compile(r"\bWARNING\b|\b[A-Z]\w*Warning:")
# Not every local request goes over HTTP: inline images, blobs made by scripts, about:blank.
NON_NETWORK_SCHEMES = ("data:", "blob:", "about:")
PAGE_GENERATOR = re.compile(r'<meta\s+name="generator"\s+content="mkdocs-', re.I)
MATERIAL_SCHEME = {"light": "default", "dark": "slate"}


@dataclass
class Build:
    """The result of one ``mkdocs build --strict``."""

    site: Path
    seconds: float
    output: str
    returncode: int

    @property
    def warnings(self) -> list[str]:
        return build_warnings(self.output)


def build_warnings(output: str) -> list[str]:
    """The lines of a build log that report a warning."""
    lines = (ANSI_ESCAPE.sub("", line) for line in output.splitlines())
    return [line for line in lines if WARNING_LINE.search(line)]


def build_site(site_dir: Path) -> Build:
    """Build the site strictly into ``site_dir`` with the running interpreter's mkdocs."""
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--clean", "--site-dir", str(site_dir)],
        cwd=REPO,
        env={**os.environ, **BUILD_ENV},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    return Build(site_dir, time.perf_counter() - started, result.stdout, result.returncode)


def site_pages(site: Path) -> list[str]:
    """Site-relative URL paths of every page MkDocs rendered, e.g. ``["", "ops/", "404.html"]``.

    Pages are recognised by MkDocs' generator meta tag, so HTML files that the build merely
    copies (such as Pyodide's console) are not mistaken for pages.
    """
    pages = []
    for html in sorted(site.rglob("*.html")):
        if PAGE_GENERATOR.search(html.read_text(encoding="utf-8", errors="replace")):
            relative = html.relative_to(site).as_posix()
            pages.append(relative.removesuffix("index.html"))
    return pages


class QuietHandler(SimpleHTTPRequestHandler):
    """Serves files with the types browsers insist on, without logging every request."""

    extensions_map = {
        **SimpleHTTPRequestHandler.extensions_map,
        ".wasm": "application/wasm",
        ".mjs": "text/javascript",
        ".js": "text/javascript",
        ".json": "application/json",
        ".map": "application/json",
        ".zip": "application/zip",
        ".whl": "application/zip",
        ".svg": "image/svg+xml",
        ".woff2": "font/woff2",
        ".woff": "font/woff",
        ".ttf": "font/ttf",
        ".ipynb": "application/x-ipynb+json",
    }
    # A client that stops reading must not hold a server thread forever.
    timeout = 60

    def log_message(self, format, *args):
        pass

    def handle(self):
        # Browsers drop connections they no longer need (navigation, cancelled prefetch).
        with contextlib.suppress(ConnectionError, TimeoutError):
            super().handle()


class QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        if not isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            super().handle_error(request, client_address)


@contextlib.contextmanager
def serve_directory(root: Path) -> Iterator[str]:
    """Serve ``root`` on 127.0.0.1 at a free port; yields the base URL ending in ``/``.

    >>> import tempfile, urllib.request
    >>> with tempfile.TemporaryDirectory() as root, serve_directory(Path(root)) as url:
    ...     _ = (Path(root) / "engine.wasm").write_bytes(b"\\0asm")
    ...     urllib.request.urlopen(url + "engine.wasm").headers["Content-Type"]
    'application/wasm'
    """
    server = QuietServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, name="site-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def chromium_path() -> str | None:
    """The system Chromium, or None where it is not installed."""
    return CHROMIUM if os.access(CHROMIUM, os.X_OK) else shutil.which("chromium")


def launch_chromium(playwright):
    """Launch headless Chromium with the machine's flags (a Playwright ``Browser``)."""
    return playwright.chromium.launch(executable_path=chromium_path(), headless=True, args=CHROMIUM_ARGS)


def is_local_url(url: str, base_url: str) -> bool:
    """True for URLs served by the local server at ``base_url``, and for non-network URLs."""
    if url.startswith(NON_NETWORK_SCHEMES):
        return True
    return urlsplit(url).netloc == urlsplit(base_url).netloc


@dataclass
class PageVisit:
    """One page open in its own browser context, with what it logged and fetched.

    ``console_errors`` holds console messages of type error and uncaught exceptions;
    ``requests`` every URL the page (or its workers) asked for. Requests to other hosts are
    recorded, then aborted, so a test never waits on the network.
    """

    page: object
    base_url: str
    console_errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)

    def record_console_message(self, message) -> None:
        if message.type == "error":
            source = message.location.get("url") if message.location else None
            self.console_errors.append(f"{message.text} ({source})" if source else message.text)

    def foreign_requests(self) -> list[str]:
        return [url for url in self.requests if not is_local_url(url, self.base_url)]

    def assert_only_local_requests(self) -> None:
        foreign = self.foreign_requests()
        assert not foreign, f"{self.page.url} requested other hosts: {foreign}"

    def close(self) -> None:
        self.page.context.close()


def open_visit(browser, base_url: str, path: str, color_scheme: str = "light", javascript_enabled: bool = True,
               wait_until: str = "load") -> PageVisit:
    """Open ``base_url + path`` in a fresh context; returns the ``PageVisit`` once loaded.

    ``wait_until`` is Playwright's: ``"load"``, ``"domcontentloaded"``, ``"commit"`` or ``"networkidle"``.
    Listeners are attached before navigation, so nothing the page does while loading is missed.
    The caller closes the visit (``visit.close()``).
    """
    context = browser.new_context(color_scheme=color_scheme, java_script_enabled=javascript_enabled)
    page = context.new_page()
    visit = PageVisit(page, base_url)
    context.on("request", lambda request: visit.requests.append(request.url))
    context.route(lambda url: not is_local_url(url, base_url), lambda route: route.abort())
    page.on("console", visit.record_console_message)
    page.on("pageerror", lambda error: visit.console_errors.append(f"uncaught: {error}"))
    response = page.goto(base_url + path.lstrip("/"), wait_until=wait_until)
    if response is None or not response.ok:
        visit.close()
        raise AssertionError(f"{path}: HTTP {response.status if response else 'no response'}")
    return visit


def settle(page, timeout_ms: int = 15_000) -> None:
    """Wait until the network is idle and every image finished loading or failed.

    Lazy images are switched to eager first, so pictures below the fold are checked too.
    """
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    page.evaluate("document.querySelectorAll('img[loading=lazy]').forEach(img => img.loading = 'eager')")
    with contextlib.suppress(PlaywrightTimeout):  # a page that keeps polling still gets checked below
        page.wait_for_load_state("networkidle", timeout=timeout_ms)
    page.wait_for_function("[...document.images].every(img => img.complete)", timeout=timeout_ms)


def use_color_scheme(page, color_scheme: str) -> None:
    """Make Material show its ``light`` (default) or ``dark`` (slate) palette, and check it did.

    The browser context already reports the preference; a palette without media queries
    still needs its toggle, which is pressed here.
    """
    wanted = MATERIAL_SCHEME[color_scheme]
    shown = page.evaluate(
        """wanted => {
            if (document.body.getAttribute('data-md-color-scheme') !== wanted) {
                const input = document.querySelector(`input[name=__palette][data-md-color-scheme="${wanted}"]`);
                if (input) input.click();
            }
            return document.body.getAttribute('data-md-color-scheme');
        }""",
        wanted,
    )
    if shown != wanted:
        raise AssertionError(f"{page.url}: asked for the {wanted!r} scheme, the page shows {shown!r}")
