"""The in-browser runtime on an ordinary connection: how long the reader waits, and how much is sent.

Headless Chromium loads the built site from ``benchmarks/throttled_server.py``: served under a
sub-path, gzip for text and wasm, 10 Mbit/s shared by all requests, 40 ms before each response.
Each "cold" figure is a fresh browser context (empty caches); "warm" is a second visit in the
same context (the runtime's files come from the Cache API).

* demo, cold: navigation to the first result computed in the browser for an edited input (the
  page opens with w1 changed in its link), and the bytes sent until then;
* demo, warm: the same, on a second visit;
* demo, one update once the runtime is up (an input event to the next painted frame);
* Overview, no interaction: the bytes sent (none of the runtime);
* Overview, first Run: from the press of Run to the block's output, cold and warm.

    .venv/bin/python -m benchmarks.runtime_timing              # builds the site first
    AUTOGRAD_SITE=/tmp/site .venv/bin/python -m benchmarks.runtime_timing

It prints a Markdown table and writes it, with the machine's details, to
``benchmarks/results/runtime.json``, which the Performance page shows.
"""

from __future__ import annotations

import datetime
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

import sitetools
from benchmarks.throttled_server import LATENCY_S, RATE_BITS, serve_throttled

RESULTS = Path(__file__).resolve().parent / "results" / "runtime.json"
LOADS = 3
EDITS = 20
TIMEOUT_MS = 180_000
TARGETS = {  # from the runtime's issue
    "demo_cold_s": 6.0, "demo_cold_mb": 8.0, "demo_warm_s": 1.5, "overview_idle_mb": 1.0, "update_ms": 100.0,
}
EDIT = """async (value) => {
    const input = document.querySelector('#ag-in-w1');
    const start = performance.now();
    input.value = String(value);
    input.dispatchEvent(new Event('input', { bubbles: true }));
    await new Promise((done) => {
        new MutationObserver((_, observer) => { observer.disconnect(); done(); })
            .observe(document.querySelector('#ag-summary'), { childList: true, subtree: true, characterData: true });
    });
    await new Promise((done) => requestAnimationFrame(() => setTimeout(done, 0)));
    return performance.now() - start;
}"""


def _first_result(page) -> float:
    page.wait_for_function("performance.getEntriesByName('ag-first-result').length > 0", timeout=TIMEOUT_MS)
    return page.evaluate("performance.getEntriesByName('ag-first-result')[0].startTime") / 1000


def _python_start(page) -> float:
    """Seconds the worker spent starting Python itself (cold boot or snapshot restore), from its phases: from
    the moment it had what Python needs (its scripts, the compiled wasm, the standard library) to Python up."""
    phases = page.evaluate("import(new URL('../runtime/runtime.js', location.href)).then(m => m.runtime().startPhases)")
    had = max(phases.get(step, phases["scripts"]) for step in ("scripts", "wasm compiled", "downloaded python_stdlib.zip"))
    return phases["python"] - had


TIMELINE = """async () => {
    const { runtime } = await import(new URL('../runtime/runtime.js', location.href));
    const origin = performance.timeOrigin;
    const steps = [];
    for (const [name, at] of Object.entries(runtime().startTimeline ?? {})) steps.push([at - origin, 'worker', name]);
    for (const mark of performance.getEntriesByType('mark')) steps.push([mark.startTime, 'page', mark.name]);
    const nav = performance.getEntriesByType('navigation')[0];
    steps.push([nav.responseEnd, 'page', 'HTML received'], [nav.domContentLoadedEventEnd, 'page', 'DOMContentLoaded']);
    for (const entry of performance.getEntriesByType('resource')) {
        if (entry.name.includes('/runtime/assets/')) steps.push([entry.responseEnd, 'page', 'received ' + entry.name.split('/').pop()]);
    }
    return steps.sort((a, b) => a[0] - b[0]).map(([at, where, what]) => [Math.round(at), where, what]);
}"""


def _timeline(page) -> list:
    """What happened when during a visit, in ms since navigation: the worker's steps and the page's marks."""
    return page.evaluate(TIMELINE)


def _snapshot_kept(page, timeout_ms: int = 20_000) -> bool:
    """Wait until the worker has kept its snapshot of the started interpreter (made once it is idle)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        page.wait_for_function("import(new URL('../runtime/runtime.js', location.href))"
                               ".then(m => m.runtime().snapshotKept === true)", timeout=timeout_ms)
        return True
    except PlaywrightTimeout:
        return False


def demo_visits(browser, url, link) -> dict:
    context = browser.new_context()
    try:
        page = context.new_page()
        link.reset()
        page.goto(url + "demo/#w1=0.7", wait_until="commit")
        cold = _first_result(page)
        cold_bytes = link.reset()
        cold_python = _python_start(page)
        cold_timeline = _timeline(page)
        updates = [page.evaluate(EDIT, round(-1.5 + 0.1 * k, 2)) for k in range(EDITS)]
        # The reader stays a moment: the worker keeps its snapshot once idle (half a second), for the next visit.
        kept = _snapshot_kept(page)
        page.wait_for_timeout(1000)  # Chromium may drop a 30 MB cache entry written just before its page closed
        page.close()
        page = context.new_page()
        page.goto(url + "demo/#w1=0.9", wait_until="commit")
        warm = _first_result(page)
        warm_bytes = link.reset()
        warm_python = _python_start(page)
        warm_timeline = _timeline(page)
        return {"cold": cold, "cold_bytes": cold_bytes, "warm": warm, "warm_bytes": warm_bytes, "updates": updates,
                "cold_python": cold_python, "warm_python": warm_python, "snapshot_kept": kept,
                "load": round(os.getloadavg()[0], 2), "cold_timeline": cold_timeline, "warm_timeline": warm_timeline}
    finally:
        context.close()


def _run_first_block(page) -> float:
    block = page.locator(".ag-block--ready").first
    block.wait_for()
    started = time.perf_counter()
    block.get_by_role("button", name="Run").click()
    page.wait_for_selector(".ag-block--ready[data-ag-runs='1']", timeout=TIMEOUT_MS)
    return time.perf_counter() - started


def overview_visits(browser, url, link) -> dict:
    context = browser.new_context()
    try:
        page = context.new_page()
        requests = []
        page.on("request", lambda request: requests.append(request.url))
        link.reset()
        page.goto(url, wait_until="load")
        page.wait_for_load_state("networkidle")
        idle_bytes = link.reset()
        runtime_requested = [u for u in requests if "/runtime/assets/" in u or "worker.js" in u]
        cold = _run_first_block(page)
        cold_bytes = link.reset()
        page.close()
        page = context.new_page()
        page.goto(url, wait_until="load")
        page.wait_for_load_state("networkidle")
        link.reset()
        warm = _run_first_block(page)
        warm_bytes = link.reset()
        return {"idle_bytes": idle_bytes, "runtime_requested": runtime_requested, "cold": cold,
                "cold_bytes": cold_bytes, "warm": warm, "warm_bytes": warm_bytes}
    finally:
        context.close()


# A memory snapshot as the build could make it: Pyodide booted under Node, the site's Python imported.
SNAPSHOT = """
import { loadPyodide } from "pyodide";
import { readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
const pyodide = await loadPyodide({ _makeSnapshot: true });
pyodide.FS.mkdirTree("/home/pyodide/site");
pyodide.unpackArchive(new Uint8Array(readFileSync(process.env.SITE_PYTHON)), "zip", { extractDir: "/home/pyodide/site" });
pyodide.runPython("import sys; sys.path.insert(0, '/home/pyodide/site'); import autograd, runner, demo_view");
const snapshot = pyodide.makeMemorySnapshot();
process.stdout.write(JSON.stringify([snapshot.length, gzipSync(snapshot, { level: 9 }).length]));
"""


def build_time_snapshot(site: Path) -> tuple[int, int]:
    """Bytes of a build-time memory snapshot, raw and gzip-compressed (what it would add to a cold visit)."""
    import gzip
    import subprocess

    files = json.loads((site / "runtime" / "assets" / "manifest.json").read_text())["files"]
    with tempfile.TemporaryDirectory() as tmp:
        archive = Path(tmp) / "site-python.zip"
        archive.write_bytes(gzip.decompress((site / "runtime" / "assets" / files["site-python.zip"]["url"]).read_bytes()))
        done = subprocess.run(["node", "--input-type=module", "-e", SNAPSHOT], cwd=sitetools.REPO, capture_output=True,
                              text=True, check=True, env={**os.environ, "SITE_PYTHON": str(archive)})
    raw, packed = json.loads(done.stdout)
    return raw, packed


def runtime_files(site: Path) -> list[tuple[str, int, int]]:
    manifest = json.loads((site / "runtime" / "assets" / "manifest.json").read_text())
    return [(name, f["size"], f["bytes"]) for name, f in manifest["files"].items()]


def measure(site: Path) -> dict:
    from playwright.sync_api import sync_playwright

    demo, overview = [], []
    with serve_throttled(site, sitetools.mount_path(site)) as (url, link), sync_playwright() as playwright:
        browser = sitetools.launch_chromium(playwright)
        chromium = browser.version
        for _ in range(LOADS):
            demo.append(demo_visits(browser, url, link))
            overview.append(overview_visits(browser, url, link))
        browser.close()
    med = statistics.median
    mb = 1e6
    rows = [
        ("Demo, cold cache: navigation → first in-browser result for an edited input",
         f"{med(d['cold'] for d in demo):.2f} s", f"{med(d['cold_bytes'] for d in demo) / mb:.2f} MB",
         f"≤ {TARGETS['demo_cold_s']:g} s, ≤ {TARGETS['demo_cold_mb']:g} MB"),
        ("Demo, second visit: navigation → first in-browser result",
         f"{med(d['warm'] for d in demo):.2f} s", f"{med(d['warm_bytes'] for d in demo) / mb:.2f} MB",
         f"≤ {TARGETS['demo_warm_s']:g} s"),
        ("Demo, one update once the runtime is up (input → next frame)",
         f"{med(u for d in demo for u in d['updates']):.0f} ms (worst {max(u for d in demo for u in d['updates']):.0f})",
         "–", f"≤ {TARGETS['update_ms']:g} ms"),
        ("Overview, no interaction", "–", f"{med(o['idle_bytes'] for o in overview) / mb:.2f} MB"
         + ("" if not any(o["runtime_requested"] for o in overview) else " (runtime requested!)"),
         f"≤ {TARGETS['overview_idle_mb']:g} MB, none of it the runtime"),
        ("Overview, first Run, cold cache: press → output",
         f"{med(o['cold'] for o in overview):.2f} s", f"{med(o['cold_bytes'] for o in overview) / mb:.2f} MB", "report"),
        ("Overview, first Run, second visit: press → output",
         f"{med(o['warm'] for o in overview):.2f} s", f"{med(o['warm_bytes'] for o in overview) / mb:.2f} MB", "report"),
    ]
    rows.append(("Python's own start in the worker: cold boot, then restoring this browser's snapshot",
                 f"{med(d['cold_python'] for d in demo):.2f} s → {med(d['warm_python'] for d in demo):.2f} s",
                 "–", "report"))
    table = ["| measurement | time (median) | sent (median) | target |", "|---|--:|--:|---|"]
    table += [f"| {what} | {time_} | {sent} | {target} |" for what, time_, sent, target in rows]
    files = ["| runtime file | size | sent (gzip) |", "|---|--:|--:|"]
    files += [f"| {name} | {size / mb:.2f} MB | {sent / mb:.2f} MB |" for name, size, sent in runtime_files(site)]
    snapshot_raw, snapshot_gz = build_time_snapshot(site)
    files.append(f"| (not sent) a build-time memory snapshot | {snapshot_raw / mb:.2f} MB | {snapshot_gz / mb:.2f} MB |")
    return {
        "date": datetime.date.today().isoformat(),
        "command": "AUTOGRAD_SITE=/path/to/site .venv/bin/python -m benchmarks.runtime_timing",
        "link": f"{RATE_BITS / 1e6:g} Mbit/s shared, {LATENCY_S * 1000:g} ms per request, gzip for text and wasm, "
                f"site under {sitetools.mount_path(site)}",
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform(), "python": platform.python_version(),
                    "chromium": chromium, "load average (1 min) at the end": round(os.getloadavg()[0], 1)},
        "loads": LOADS,
        "markdown": "\n".join(table),
        "files": "\n".join(files),
        "snapshot": {"bytes": snapshot_raw, "gzip_bytes": snapshot_gz,
                     "seconds_at_link": snapshot_gz * 8 / RATE_BITS,
                     "cold_python_s": med(d["cold_python"] for d in demo),
                     "warm_python_s": med(d["warm_python"] for d in demo)},
        "raw": {"demo": demo, "overview": overview},
    }


def main() -> None:
    prebuilt = os.environ.get("AUTOGRAD_SITE")
    if prebuilt:
        report = measure(Path(prebuilt))
    else:
        with tempfile.TemporaryDirectory() as tmp:
            build = sitetools.build_site(Path(tmp) / "site")
            if build.returncode != 0:
                sys.exit(f"mkdocs build failed:\n{build.output[-3000:]}")
            report = measure(build.site)
    print(f"In-browser runtime, {report['link']}; {report['machine']['cpus']} CPUs, {LOADS} runs each")
    print()
    print(report["markdown"])
    print()
    print(report["files"])
    RESULTS.write_text(json.dumps(report, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
