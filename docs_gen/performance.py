"""The Performance page (docs/performance.md): the last full benchmark report, read from its JSON.

``python -m benchmarks.run`` writes ``benchmarks/results/latest.json``; the page shows it as it
is, so nothing on the page is typed in by hand.
"""

from __future__ import annotations

import json
from pathlib import Path

from .source import REPO

REPORT = REPO / "benchmarks" / "results" / "latest.json"


def report(path: Path = REPORT) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def how_to_reproduce(path: Path = REPORT) -> str:
    """The command that made the report, and what it needs."""
    return (
        "PyTorch and micrograd are optional contestants; install them with "
        "`.venv/bin/pip install -r requirements-bench.txt` (a missing one is skipped with a note). Then run:\n\n"
        f"```bash\n{report(path)['command']}\n```\n\n"
        "It prints the tables below and rewrites `benchmarks/results/latest.json`. Add `--quick` for a smoke run "
        "whose numbers mean nothing (the test suite runs it so the script cannot rot).\n"
    )


def _shown(value) -> str:
    if isinstance(value, list):
        return ", ".join(map(str, value))
    # Shown as text: the "*" of autograd/*.py would otherwise start emphasis, and "|" would end the cell.
    return "not installed" if value is None else str(value).replace("*", r"\*").replace("|", r"\|")


def last_run(path: Path = REPORT) -> str:
    """When and where the report was measured, the tasks, and its tables."""
    data = report(path)
    lines = [
        f"Measured on {data['date']}" + (" in quick mode (the numbers mean nothing)." if data["quick"] else "."),
        "",
        "| Machine | |",
        "|---|---|",
        *(f"| {key} | {_shown(value)} |" for key, value in data["machine"].items()),
        "",
        "### Tasks",
        "",
        *(f"- **{benchmark['name']}**: {benchmark['task']}." for benchmark in data["benchmarks"]),
        "",
        "### Measurements and targets",
        "",
        data["markdown"],
    ]
    return "\n".join(lines) + "\n"


RUNTIME_REPORT = REPO / "benchmarks" / "results" / "runtime.json"


def runtime_run(path: Path = RUNTIME_REPORT) -> str:
    """The in-browser runtime's report (``python -m benchmarks.runtime_timing``): link, machine, tables, and the
    figures that decided how Python starts."""
    data = report(path)
    snap = data["snapshot"]
    lines = [
        f"Measured on {data['date']} with `{data['command']}`: headless Chromium loading this site from a local "
        f"server that behaves like a host on an ordinary connection ({data['link']}); each figure is the median of "
        f"{data['loads']} runs, each cold run in a fresh browser profile.",
        "",
        "| Machine | |",
        "|---|---|",
        *(f"| {key} | {_shown(value)} |" for key, value in data["machine"].items()),
        "",
        data["markdown"],
        "",
        "What the runtime downloads, once (every file is gzip-compressed by the build, so it travels small on "
        "any host, and named by its content, so a new build is never served stale files):",
        "",
        data["files"],
        "",
        f"**Why the first start is cold.** A memory snapshot of a started interpreter, made at build time, would "
        f"spare the browser Python's cold boot ({snap['cold_python_s']:.1f} s here, against "
        f"{snap['warm_python_s']:.1f} s to restore a snapshot), but it is {snap['bytes'] / 1e6:.1f} MB, "
        f"{snap['gzip_bytes'] / 1e6:.1f} MB compressed: {snap['seconds_at_link']:.1f} s more on this link for every "
        f"first visit, on top of the files above, to save {snap['cold_python_s'] - snap['warm_python_s']:.1f} s of "
        "computing. So the first visit boots cold, from a standard library trimmed to what the site's code and "
        "common reader code import and compiled ahead; the browser then makes its own snapshot and keeps it in its "
        "cache, and later starts, on any page, restore it.",
    ]
    return "\n".join(lines) + "\n"
