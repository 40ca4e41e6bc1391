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
    return "not installed" if value is None else str(value)


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
