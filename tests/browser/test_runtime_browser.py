"""The runtime itself (docs/runtime/): downloads, the browser's cache, versions, in headless Chromium."""

from __future__ import annotations

import json

import pytest

import sitetools

PAGE = "demo/"  # the page that starts the runtime at once
BOOT_TIMEOUT_MS = 120_000
START = "(url) => import(url).then(async (m) => { await m.runtime().start(); return m.runtime().startPhases; })"


@pytest.fixture
def context(browser, site_url):
    context = browser.new_context()
    context.route(lambda url: not sitetools.is_local_url(url, site_url), lambda route: route.abort())
    yield context
    context.close()


def visit(context, site_url, path=PAGE):
    page = context.new_page()
    requests, errors = [], []
    page.on("request", lambda r: requests.append(r.url))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(site_url + path)
    phases = page.evaluate(START, site_url + "runtime/runtime.js")
    return page, phases, requests, errors


def runtime_requests(requests):
    return [url for url in requests if "/runtime/assets/" in url]


def test_files_are_fetched_once_then_served_from_the_cache(context, site_url, built_site):
    page, phases, requests, errors = visit(context, site_url)
    first = runtime_requests(requests)
    files = json.loads((built_site / "runtime" / "assets" / "manifest.json").read_text())["files"]
    # Everything but the editor, which only "Edit" loads.
    expected = sorted(f["url"] for name, f in files.items() if name != "editor.js")
    assert sorted(u.rsplit("/", 1)[1] for u in first if "manifest" not in u) == expected
    assert len(first) == len(set(first))  # nothing twice
    assert not phases.get("restored")  # the first start is cold
    # ... and then the files and a snapshot of the started interpreter are in the cache (the writes end a
    # moment after the start: the worker's thread is busy while Python boots).
    page.wait_for_function("(url) => import(url).then(m => m.runtime().snapshotKept === true)",
                           arg=site_url + "runtime/runtime.js", timeout=60_000)
    page.wait_for_function(
        """async (count) => {
            const cache = await caches.open('autograd-runtime');
            const keys = (await cache.keys()).map(r => r.url);
            const snapshot = keys.find(url => url.includes('local-snapshot'));
            if (!snapshot || keys.filter(url => url.endsWith('.gz')).length !== count) return false;
            return (await (await cache.match(snapshot)).arrayBuffer()).byteLength > 1e6;
        }""",
        arg=len(files) - 1,
        timeout=60_000,
    )
    page.close()
    # The next page starts from the cache: only the (small) manifest is asked for, and Python is restored.
    page, phases, requests, errors2 = visit(context, site_url, "")
    assert [u.rsplit("/", 1)[1] for u in runtime_requests(requests)] == ["manifest.json"]
    # Python is usually restored from the browser's snapshot here (phases["restored"]), but Chromium sometimes
    # drops a 31 MB cache entry written just before its page closed; the start is then cold, and slower only,
    # so this is measured by benchmarks/runtime_timing.py rather than asserted.
    assert page.evaluate(
        "(url) => import(url).then(m => m.runtime().run({ code: 'print(6 * 7)' }))", site_url + "runtime/runtime.js"
    )["output"] == "42"
    assert errors == errors2 == []


def test_files_of_an_earlier_build_are_dropped_from_the_cache(context, site_url):
    page, _, _, errors = visit(context, site_url)
    stale = site_url + "runtime/assets/pyodide.asm.000000000000.wasm.gz"
    page.evaluate(
        "async (url) => { const c = await caches.open('autograd-runtime'); await c.put(url, new Response('old')); }",
        stale,
    )
    page.close()
    page, _, _, _ = visit(context, site_url)
    page.wait_for_function(
        "async (url) => !(await (await caches.open('autograd-runtime')).match(url))", arg=stale, timeout=30_000
    )
    kept = page.evaluate("async () => (await (await caches.open('autograd-runtime')).keys()).map(r => r.url)")
    assert all("/runtime/assets/" in url for url in kept) and kept
    assert errors == []


def test_the_runtime_reports_progress_in_bytes_while_loading(context, site_url):
    page = context.new_page()
    page.goto(site_url + "")
    reports = page.evaluate(
        """(url) => import(url).then(async (m) => {
            const seen = [];
            m.runtime().addEventListener('progress', (e) => seen.push(e.detail));
            await m.runtime().start();
            return seen;
        })""",
        site_url + "runtime/runtime.js",
    )
    assert reports and reports[-1]["loaded"] == reports[-1]["total"] > 1_000_000
    assert all(a["loaded"] <= b["loaded"] for a, b in zip(reports, reports[1:]))
