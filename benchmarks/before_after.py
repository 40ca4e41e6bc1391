"""Benchmark 6: ``create_graph=False`` costs nothing: the engine today against the engine before the registry refactor.

Commit 34909c3 is the last one before the op registry took every op and one
backpropagation routine began to serve both engines with ``create_graph``.
Its ``autograd`` package is copied out of git (``git archive``) into a
temporary directory, and each version runs the page's task (the loops of
benchmarks 1 and 2: forward loss, backward, SGD step) in a child process of
its own (``benchmarks/child.py``), the two versions taking turns. Both versions must give the same
losses. Skipped, with a note, when git or the commit is not at hand (a
shallow clone).
"""

from __future__ import annotations

import subprocess
import tarfile
import tempfile
from pathlib import Path

from .common import ENGINE, ROOT, Result, Row, Target, run_child
BEFORE = "34909c3"
LIMIT = 1.05  # "nothing measurable": within the few per cent that repeated runs differ by


def engine_at(commit: str, directory: Path) -> Path | None:
    """The ``autograd`` package as of ``commit``, extracted under ``directory``; None if git cannot give it."""
    try:
        archive = subprocess.run(["git", "-C", str(ROOT), "archive", "--format=tar", commit, "autograd"],
                                 capture_output=True, check=True, timeout=60).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    tar_path = directory / "engine.tar"
    tar_path.write_bytes(archive)
    with tarfile.open(tar_path) as tar:
        tar.extractall(directory, filter="data")
    return directory


def run(quick: bool = False) -> Result:
    # task → (epochs, repeats inside one child, rounds of children)
    plan = {"scalar": (5, 1, 1), "tensor": (5, 1, 1)} if quick else {"scalar": (500, 1, 4), "tensor": (500, 10, 4)}
    engine_name = {"scalar": "Scalar engine (Value)", "tensor": "Tensor engine"}
    rows, targets = [], []
    with tempfile.TemporaryDirectory() as temporary:
        before_tree = engine_at(BEFORE, Path(temporary))
        for task, (epochs, repeats, rounds) in plan.items():
            name = engine_name[task]
            if before_tree is None:
                rows.append(Row(f"{name} at {BEFORE}", None, note=f"skipped: git cannot give commit {BEFORE} here"))
                targets.append(Target(f"{name}: today ≤ {LIMIT}× the engine at {BEFORE}", None, LIMIT))
                continue
            best: dict[str, dict] = {}
            for _ in range(rounds):
                for version, tree in ((BEFORE, before_tree), ("today", ENGINE)):
                    result = run_child(tree, task, epochs, repeats)
                    kept = best.setdefault(version, result)
                    for key in ("seconds", "seconds, cycle collector off"):
                        kept[key] = min(kept[key], result[key])
            difference = max(abs(a - b) / b for a, b in zip(best["today"]["losses"], best[BEFORE]["losses"]))
            today, before = (
                Row(f"{name} {'today' if version == 'today' else 'at ' + version}, loss + grad only",
                    best[version]["seconds"],
                    extra={"µs per epoch": best[version]["seconds"] / epochs * 1e6,
                           "seconds, cycle collector off": best[version]["seconds, cycle collector off"]})
                for version in ("today", BEFORE))
            before.extra["max relative loss difference vs today"] = difference
            rows += [today, before]
            targets.append(Target(f"{name}: today ≤ {LIMIT}× the engine at {BEFORE} (create_graph=False)",
                                  today.seconds / before.seconds, LIMIT))
    return Result(
        name="6. Before and after the registry refactor",
        task=f"the page's task as in benchmarks 1 and 2 ({plan['scalar'][0]} epochs), the engine today against "
             f"the engine at commit {BEFORE}, each in its own process, taking turns",
        rows=rows,
        targets=targets,
    )
