"""The service worker's place in the built site (docs/runtime/sw.js; the browser side is in
tests/browser/test_offline_browser.py)."""

from __future__ import annotations

import re

import sitetools


def test_the_service_worker_is_served_at_the_sites_root_and_registered_on_every_page(built_site):
    # At the root, its scope is the whole site, under whatever sub-path the site is published.
    assert (built_site / "sw.js").is_file() and not (built_site / "runtime" / "sw.js").exists()
    pages = sitetools.site_pages(built_site)
    assert "" in pages and "demo/" in pages
    for page in pages:
        html = (built_site / page if page.endswith(".html") else built_site / page / "index.html").read_text()
        assert re.search(r'serviceWorker\.register\("(\.\./)*sw\.js"\)|register\("/[^"]*/sw\.js"\)', html), page


def test_the_service_worker_asks_only_for_the_sites_own_files(built_site):
    source = (built_site / "sw.js").read_text()
    assert "http://" not in source and "https://" not in source  # no other host, not even named
    # The runtime's files stay in the runtime's own cache only (not kept twice).
    assert 'new URL("runtime/assets/", SCOPE)' in source
