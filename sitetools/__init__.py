"""Build the site, serve it locally under its sub-path and look at it in headless Chromium.

Shared by the test fixtures in ``tests/conftest.py``, ``scripts/screenshots.py`` and
``benchmarks/demo_timing.py``, so they all see the site the same way. Run those from the
repository root (``python -m scripts.screenshots``); pytest finds this package through
``pythonpath`` in pyproject.toml.

The site is built for :data:`TEST_SITE_URL`, an address with a sub-path, and served under that
sub-path (as GitHub Pages serves a project site), with ``404.html`` for every missing file.

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
import io
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
# The address the tests build the site for: a sub-path two levels deep, on a host that cannot exist
# (.invalid), so only the path matters and a link that leaves the local server goes nowhere.
TEST_SITE_URL = "https://autograd.invalid/docs/autograd/"
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
SITEMAP_LOC = re.compile(r"<loc>\s*([^<\s]+)\s*</loc>")
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


def build_site(site_dir: Path, site_url: str = TEST_SITE_URL) -> Build:
    """Build the site strictly into ``site_dir`` for the address ``site_url``, with the running interpreter's mkdocs."""
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--clean", "--site-dir", str(site_dir)],
        cwd=REPO,
        env={**os.environ, **BUILD_ENV, "SITE_URL": site_url},
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


def sitemap_urls(site: Path) -> list[str]:
    """The page addresses listed in the built site's ``sitemap.xml``."""
    sitemap = site / "sitemap.xml"
    return SITEMAP_LOC.findall(sitemap.read_text(encoding="utf-8")) if sitemap.is_file() else []


def site_address(site: Path) -> str:
    """The address the site was built for (its home page in the sitemap), or ``"/"`` if it names none.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as root:
    ...     _ = (Path(root) / "sitemap.xml").write_text("<urlset><url><loc>https://h.example/a/b/</loc></url>"
    ...                                                 "<url><loc>https://h.example/a/</loc></url></urlset>")
    ...     site_address(Path(root))
    'https://h.example/a/'
    """
    urls = sitemap_urls(site)
    return min(urls, key=len) if urls else "/"


def mount_path(site: Path) -> str:
    """The sub-path the site expects to be served under, such as ``/docs/autograd/``."""
    return urlsplit(site_address(site)).path or "/"


class QuietHandler(SimpleHTTPRequestHandler):
    """Serves a built site under ``mount_path`` as a static host does, without logging every request.

    Files get the types browsers insist on; a missing file, or a path outside ``mount_path``,
    gets the site's ``404.html`` with status 404 (as GitHub Pages answers), and a folder
    without its trailing slash is redirected to it.
    """

    mount_path = "/"

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

    def send_head(self):
        parts = urlsplit(self.path)
        if parts.path + "/" == self.mount_path:
            return self._redirect(self.mount_path)
        if not parts.path.startswith(self.mount_path):
            return self._not_found()
        inner = "/" + parts.path[len(self.mount_path):]
        local = Path(self.translate_path(inner))
        if local.is_dir():
            if not parts.path.endswith("/"):
                return self._redirect(parts.path + "/")
            local = local / "index.html"
        if not local.is_file():
            return self._not_found()
        self.path = inner + (f"?{parts.query}" if parts.query else "")
        return super().send_head()

    def _redirect(self, location: str):
        self.send_response(301)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()
        return None

    def _not_found(self):
        page = Path(self.directory) / "404.html"
        if not page.is_file():
            self.send_error(404)
            return None
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)

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
def serve_directory(root: Path, mount_path: str = "/") -> Iterator[str]:
    """Serve ``root`` under ``mount_path`` on 127.0.0.1 at a free port; yields the base URL ending in ``/``.

    >>> import tempfile, urllib.error, urllib.request
    >>> with tempfile.TemporaryDirectory() as root, serve_directory(Path(root), "/sub/") as url:
    ...     _ = (Path(root) / "engine.wasm").write_bytes(b"\\0asm")
    ...     _ = (Path(root) / "404.html").write_text("not here")
    ...     print(url.removeprefix("http://127.0.0.1:").split("/", 1)[1])
    ...     print(urllib.request.urlopen(url + "engine.wasm").headers["Content-Type"])
    ...     for missing in (url + "nothing.js", url.removesuffix("sub/") + "engine.wasm"):
    ...         try:
    ...             urllib.request.urlopen(missing)
    ...         except urllib.error.HTTPError as error:
    ...             print(error.code, error.read().decode())
    sub/
    application/wasm
    404 not here
    404 not here
    """
    mount_path = "/" + mount_path.strip("/") + "/" if mount_path.strip("/") else "/"
    handler = type("MountedHandler", (QuietHandler,), {"mount_path": mount_path})
    server = QuietServer(("127.0.0.1", 0), functools.partial(handler, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, name="site-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}{mount_path}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def serve_site(site: Path) -> contextlib.AbstractContextManager[str]:
    """Serve a built site under the sub-path it was built for (see :func:`mount_path`)."""
    return serve_directory(site, mount_path(site))


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
               wait_until: str = "load", status: int = 200) -> PageVisit:
    """Open ``base_url + path`` in a fresh context; returns the ``PageVisit`` once loaded.

    ``wait_until`` is Playwright's: ``"load"``, ``"domcontentloaded"``, ``"commit"`` or ``"networkidle"``.
    The page must answer with HTTP ``status`` (404 to open a missing page).
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
    if response is None or response.status != status:
        visit.close()
        raise AssertionError(f"{path}: HTTP {response.status if response else 'no response'}, expected {status}")
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
