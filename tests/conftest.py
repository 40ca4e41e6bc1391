"""Fixtures for tests of the built site, in a local server and headless Chromium.

Fixtures (the site is built once per test session):

``built_site`` (session) -> pathlib.Path
    Runs ``mkdocs build --strict`` with this interpreter into a temporary directory, for the address
    ``sitetools.TEST_SITE_URL`` (which has a sub-path), fails on a non-zero exit or on any warning
    line in the build log, and returns the built site's path.
    The wall time is printed and shown in the terminal summary (it is not asserted).
    ``AUTOGRAD_SITE=/path/to/site`` uses an already built site instead, to iterate quickly.

``site_url`` (session) -> str
    Base URL such as ``http://127.0.0.1:PORT/docs/autograd/`` of a local threaded HTTP server that
    serves ``built_site`` under the sub-path it was built for, with its 404 page for missing files.

``browser`` (session) -> playwright.sync_api.Browser
    Headless /usr/bin/chromium with the machine's flags and a fresh profile. Skips when Chromium
    or Playwright is missing, except under ``CI=true``, where that is a failure.

``open_page`` (function) -> open_page(path, color_scheme="light", javascript_enabled=True, status=200) -> PageVisit
    Opens ``site_url + path`` in a fresh browser context and waits for the load event; the page
    must answer with HTTP ``status`` (404 for a missing page, which shows the site's 404 page). The
    ``PageVisit`` has ``.page`` (Playwright page), ``.console_errors`` (console errors and uncaught
    exceptions), ``.requests`` (every requested URL), ``.foreign_requests()`` and
    ``.assert_only_local_requests()``. Requests to other hosts are recorded, then aborted.
    ``sitetools.settle(visit.page)`` waits for network idle and images.

``needs_node`` (session)
    Skips, with the reason, when ``node_modules`` is missing (run ``npm ci``): building the site and
    drawing graphs run Node packages. Under ``CI=true`` that is a failure instead.

The tests come in three layers, one folder each, so a maintainer can run one:
``tests/engine`` (the package alone: fast, no site, no Node), ``tests/site`` (the generated content
and the built site's files) and ``tests/browser`` (pages in headless Chromium), e.g.
``bash dev.sh test tests/engine``. Tests that use ``browser`` or ``open_page`` are also marked
``browser``, and tests that use ``built_site`` ``site``, so ``-m "not site"`` works across folders.

    def test_demo_has_no_console_errors(open_page):
        visit = open_page("demo/")
        assert visit.console_errors == []
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import sitetools

BUILD_TIME = pytest.StashKey[float]()


def pytest_collection_modifyitems(items):
    for item in items:
        fixtures = set(getattr(item, "fixturenames", ()))
        if fixtures & {"browser", "open_page"}:
            item.add_marker(pytest.mark.browser)
        if fixtures & {"built_site", "site_url", "browser", "open_page"}:
            item.add_marker(pytest.mark.site)


def pytest_terminal_summary(terminalreporter, config):
    if BUILD_TIME in config.stash:
        terminalreporter.write_line(f"mkdocs build --strict took {config.stash[BUILD_TIME]:.1f} s (wall time)")


@pytest.fixture(scope="session")
def needs_node() -> None:
    if not (Path(__file__).resolve().parent.parent / "node_modules").is_dir():
        reason = "node_modules is missing: run `npm ci` (bash dev.sh test does) to build the site and draw graphs"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)


@pytest.fixture(scope="session")
def built_site(request, tmp_path_factory) -> Path:
    prebuilt = os.environ.get("AUTOGRAD_SITE")
    if prebuilt:
        return Path(prebuilt).resolve()
    request.getfixturevalue("needs_node")
    build = sitetools.build_site(tmp_path_factory.mktemp("site"))
    request.config.stash[BUILD_TIME] = build.seconds
    print(f"mkdocs build --strict took {build.seconds:.1f} s")
    if build.returncode != 0:
        pytest.fail(f"mkdocs build --strict failed (exit {build.returncode}):\n{build.output[-5000:]}")
    if build.warnings:
        pytest.fail("mkdocs build printed warnings:\n" + "\n".join(build.warnings))
    return build.site


@pytest.fixture(scope="session")
def site_url(built_site):
    with sitetools.serve_site(built_site) as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    missing = None
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing = "Playwright for Python is not installed"
    if missing is None and sitetools.chromium_path() is None:
        missing = f"Chromium is not installed at {sitetools.CHROMIUM}"
    if missing:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{missing}; CI must run the browser tests")
        pytest.skip(missing)
    with sync_playwright() as playwright:
        chromium = sitetools.launch_chromium(playwright)
        yield chromium
        chromium.close()


@pytest.fixture
def open_page(browser, site_url):
    visits = []

    def open_page(path, color_scheme="light", javascript_enabled=True, status=200):
        visit = sitetools.open_visit(browser, site_url, path, color_scheme, javascript_enabled, status=status)
        visits.append(visit)
        return visit

    yield open_page
    for visit in visits:
        visit.close()
