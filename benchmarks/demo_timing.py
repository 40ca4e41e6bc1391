"""How fast the live demo is, in headless Chromium, offline (a local server, no throttling, other hosts blocked).

For the figures on an ordinary connection (10 Mbit/s, 40 ms, cold and warm caches) see
``benchmarks/runtime_timing.py``; this one measures the machine alone.

Two figures from the demo's issue:

* navigation to the first engine-computed result (Pyodide booted, autograd
  imported, the page's inputs recomputed and drawn): target at most 4 s. The
  page marks that moment with ``performance.mark("ag-first-result")``, whose
  time is counted from the start of navigation.
* one update after an input changes: the input event's handler (the engine,
  the table, Graphviz's redraw) and the next frame painted: target at most
  100 ms.

    .venv/bin/python -m benchmarks.demo_timing            # builds the site first
    AUTOGRAD_SITE=/tmp/site .venv/bin/python -m benchmarks.demo_timing

Each page load is a fresh browser context, so nothing is cached between loads: every start is cold.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
from pathlib import Path

import sitetools  # the tests' way to build, serve and launch Chromium

PAGE = "demo/"
LOADS = 5
EDITS = 30
FIRST_RESULT_TARGET_S = 4.0
UPDATE_TARGET_MS = 100.0

# One edit: set w1, fire the input event as typing does, then wait for the next painted frame.
EDIT = """async (value) => {
    const input = document.querySelector('#ag-in-w1');
    const start = performance.now();
    input.value = String(value);
    input.dispatchEvent(new Event('input', { bubbles: true }));
    const handled = performance.now();
    await new Promise((done) => requestAnimationFrame(() => setTimeout(done, 0)));
    const painted = performance.now();
    if (document.querySelector('#ag-msg-w1').textContent) throw new Error('the edit was refused');
    return [handled - start, painted - start];
}"""


def first_result_seconds(browser, url: str) -> float:
    visit = sitetools.open_visit(browser, url, PAGE)
    try:
        visit.page.wait_for_selector("#ag-demo[data-state=live]", timeout=120_000)
        millis = visit.page.evaluate("performance.getEntriesByName('ag-first-result')[0].startTime")
        visit.assert_only_local_requests()
        return millis / 1000
    finally:
        visit.close()


def update_millis(browser, url: str) -> tuple[list[float], list[float]]:
    visit = sitetools.open_visit(browser, url, PAGE)
    try:
        visit.page.wait_for_selector("#ag-demo[data-state=live]", timeout=120_000)
        handled, painted = [], []
        for k in range(EDITS):
            h, p = visit.page.evaluate(EDIT, round(-1.5 + 0.1 * k, 2))
            handled.append(h)
            painted.append(p)
        visit.assert_only_local_requests()
        return handled, painted
    finally:
        visit.close()


def row(what: str, values: list[float], unit: str, target: float) -> str:
    median, worst = statistics.median(values), max(values)
    verdict = "met" if median <= target else "MISSED"
    return f"| {what} | {median:.{3 if unit == 's' else 1}f} {unit} | {worst:.{3 if unit == 's' else 1}f} {unit} " \
           f"| ≤ {target:g} {unit} | {verdict} |"


def measure(site: Path) -> None:
    from playwright.sync_api import sync_playwright

    with sitetools.serve_site(site) as url, sync_playwright() as playwright:
        browser = sitetools.launch_chromium(playwright)
        loads = [first_result_seconds(browser, url) for _ in range(LOADS)]
        handled, painted = update_millis(browser, url)
        browser.close()
    print(f"Live demo timing: headless Chromium, local server, {os.cpu_count()} CPUs; "
          f"{LOADS} fresh page loads, {EDITS} edits of w1")
    print()
    print("| measurement | median | worst | target | median vs target |")
    print("|---|--:|--:|--:|---|")
    print(row("navigation → first engine-computed result", loads, "s", FIRST_RESULT_TARGET_S))
    print(row("update after an input change (handler)", handled, "ms", UPDATE_TARGET_MS))
    print(row("update after an input change (to next frame)", painted, "ms", UPDATE_TARGET_MS))


def main() -> None:
    prebuilt = os.environ.get("AUTOGRAD_SITE")
    if prebuilt:
        measure(Path(prebuilt))
        return
    with tempfile.TemporaryDirectory() as tmp:
        build = sitetools.build_site(Path(tmp) / "site")
        if build.returncode != 0:
            sys.exit(f"mkdocs build failed:\n{build.output[-3000:]}")
        measure(build.site)


if __name__ == "__main__":
    main()
