"""Offline reading (docs/runtime/sw.js): the pages a reader opened, and the runtime, work without a network;
a new build is never hidden behind the copies kept from the last one.

Each test serves the site itself, so that "offline" is real: the server is shut down (and Chromium is told
it is offline too) before the pages are opened again.
"""

from __future__ import annotations

import functools
import re
import shutil
import threading
from pathlib import Path

import pytest
from playwright.sync_api import expect

import sitetools

RUN_TIMEOUT_MS = 120_000
KEPT = "async (url) => !!(await (await caches.open('autograd-site')).match(url))"
RUNTIME_KEPT = """async () => {
    const keys = (await (await caches.open('autograd-runtime')).keys()).map((r) => r.url);
    return ['pyodide.asm.wasm', 'python_stdlib.zip', 'site-python.zip', 'viz.js'].every(
        (name) => keys.some((url) => url.includes('/' + name.split('.')[0] + '.') && url.endsWith('.gz')));
}"""


class Server:
    """The site under its sub-path on a local port, until ``stop()``; with ``fresh=True`` every answer says
    ``Cache-Control: no-cache`` (the browser asks again each time), so that only the service worker could
    serve an old copy."""

    def __init__(self, root: Path, fresh: bool = False):
        mount = sitetools.mount_path(root)
        headers = {"end_headers": _no_cache_end_headers} if fresh else {}
        handler = type("Handler", (sitetools.QuietHandler,), {"mount_path": mount, **headers})
        self.server = sitetools.QuietServer(("127.0.0.1", 0), functools.partial(handler, directory=str(root)))
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}{mount}"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()


def _no_cache_end_headers(self):
    self.send_header("Cache-Control", "no-cache")
    sitetools.QuietHandler.end_headers(self)


@pytest.fixture
def context(browser):
    context = browser.new_context()
    errors = []
    context.on("page", lambda page: page.on("pageerror", lambda error: errors.append(str(error))))
    context.uncaught_errors = errors
    yield context
    context.close()


def output_of(block) -> str:
    """The text shown as a markdown-exec block's output (the build's, or the last run's)."""
    return block.evaluate(
        """root => {
            const [a, b] = root.querySelectorAll(':scope > div.highlight');
            return (root.dataset.agSource === 'below' ? a : b).querySelector('code').textContent;
        }"""
    )


def open_and_keep(context, url: str):
    """Open ``url`` in a new page, and wait until the service worker controls the site and kept the page."""
    page = context.new_page()
    page.goto(url)
    page.wait_for_function(KEPT, arg=url.split("#")[0], timeout=30_000)
    # The page may be kept before the worker is active; once it controls this page (clients.claim()),
    # the next load goes through it. (Reloading before that raced the activation under load.)
    page.wait_for_function("Boolean(navigator.serviceWorker.controller)", timeout=30_000)
    return page


def test_pages_read_once_work_offline_with_their_code(context, built_site):
    server = Server(built_site)
    url = server.url
    foreign = []
    context.on("request", lambda r: foreign.append(r.url) if not sitetools.is_local_url(r.url, url) else None)
    context.route(lambda u: not sitetools.is_local_url(u, url), lambda route: route.abort())
    try:
        page = open_and_keep(context, url)  # the Overview: its files were loaded before the worker existed
        scope = page.evaluate("navigator.serviceWorker.ready.then((r) => r.scope)")
        assert scope == url  # the whole site, under its sub-path
        built = output_of(page.locator(".ag-block--ready").first)
        # The demo starts the runtime, whose files the runtime keeps in its own cache.
        demo = open_and_keep(context, url + "demo/")
        demo.wait_for_function("performance.getEntriesByName('ag-first-result').length > 0", timeout=RUN_TIMEOUT_MS)
        demo.wait_for_function(RUNTIME_KEPT, timeout=60_000)
        demo.close()
        # The runtime's 5 MB are not kept twice: the site's cache holds none of runtime/assets/.
        kept = page.evaluate("caches.open('autograd-site').then((c) => c.keys()).then((k) => k.map((r) => r.url))")
        assert kept and not [u for u in kept if "/runtime/assets/" in u]
    finally:
        server.stop()
    context.set_offline(True)

    # The Overview again, offline: the page, its style and its code blocks, and a Run in the browser.
    response = page.reload()
    assert response.ok
    expect(page.locator("h1").first).to_be_visible()
    assert page.evaluate("getComputedStyle(document.body).fontFamily") != "Times New Roman"
    block = page.locator(".ag-block--ready").first
    block.get_by_role("button", name="Run").click()
    expect(block).to_have_attribute("data-ag-state", "done", timeout=RUN_TIMEOUT_MS)
    assert block.locator("[data-ag-output='browser']").count() == 1 and output_of(block).rstrip("\n") == built.rstrip("\n")

    # The demo, reached through the site's navigation: it computes in the browser, offline.
    page.get_by_role("link", name="Live demo").first.click()
    page.wait_for_url(url + "demo/")
    page.fill("#ag-in-w1", "0.25")
    expect(page.locator("#ag-demo")).to_have_attribute("data-state", "live", timeout=RUN_TIMEOUT_MS)
    page.wait_for_function("location.hash.includes('w1=0.25')", timeout=RUN_TIMEOUT_MS)

    # A page never opened before says it is not kept, rather than failing blankly.
    response = page.goto(url + "trace/")
    assert response.status == 503
    expect(page.get_by_role("heading", name="You are offline")).to_be_visible()

    assert foreign == [] and context.uncaught_errors == []


def test_a_new_build_is_served_fresh_and_then_kept(context, built_site, tmp_path):
    site = tmp_path / "site"
    shutil.copytree(built_site, site)
    server = Server(site, fresh=True)
    url = server.url
    try:
        page = open_and_keep(context, url)
        page.reload()
        assert page.evaluate("Boolean(navigator.serviceWorker.controller)")  # now every request goes through it

        # A new build: the page and a stylesheet whose name does not change change on the server.
        index = site / "index.html"
        index.write_text(index.read_text().replace("<head>", '<head><meta name="ag-build" content="second">', 1))
        extra = site / "stylesheets" / "extra.css"
        extra.write_text(extra.read_text() + "\n.ag-build-marker { --ag-build: second; }\n")

        page.reload()
        assert page.locator("meta[name=ag-build]").get_attribute("content") == "second"
        rules = page.evaluate(
            """() => [...document.styleSheets].filter((s) => (s.href || '').endsWith('/extra.css'))
                .flatMap((s) => [...s.cssRules].map((r) => r.cssText)).join('\\n')"""
        )
        assert "ag-build-marker" in rules
        page.wait_for_function(
            "async (url) => (await (await (await caches.open('autograd-site')).match(url)).text()).includes('ag-build')",
            arg=url, timeout=30_000,
        )
    finally:
        server.stop()
    # ... and offline, the copy kept is the new one.
    context.set_offline(True)
    page.reload()
    assert page.locator("meta[name=ag-build]").get_attribute("content") == "second"
    assert context.uncaught_errors == []

