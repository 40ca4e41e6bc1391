"""Benchmark 7: instructions per epoch, counted by valgrind's callgrind, for the ratios of the issue's targets.

CPU time still depends on what else runs on the machine (shared caches, the
clock speed); the number of instructions a run executes does not. Each
contestant of the page's task trains in a child process (``benchmarks/child.py``)
under ``valgrind --tool=callgrind``, once for a few epochs and once for more;
the difference, divided by the difference in epochs, is its instructions per
epoch, without the interpreter's start-up and imports. Instructions are not
time: a cache miss costs more than an addition, and the cycle collector's walks
are mostly memory traffic, so these ratios check the CPU-time ones rather than
replace them. Skipped, with a note, without valgrind, and in quick mode
(valgrind runs Python some fifty times slower).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from .before_after import BEFORE, engine_at
from .common import CHILD, ENGINE, ROOT, Result, Row, Target

# task → (fewer epochs, more epochs)
EPOCHS = {"scalar": (2, 12), "original": (2, 12), "tensor": (20, 220), "floor": (20, 220)}
NAMES = {
    "scalar": "Scalar engine (Value)",
    "original": "Original page's design (closures, recursive sort)",
    "tensor": "Tensor engine, loss + grad only",
    "floor": "numpy floor (loss + grad only)",
}


def instructions(tree: Path, task: str, epochs: int) -> int:
    """Instructions executed by a child process that trains ``task`` for ``epochs`` with the engine in ``tree``."""
    environment = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tree), str(ROOT)]), "PYTHONHASHSEED": "0"}
    done = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null",
                           sys.executable, str(CHILD), task, str(epochs), "0"],
                          cwd=tree, env=environment, capture_output=True, text=True, timeout=3600)
    found = re.search(r"Collected\s*:\s*([\d,]+)", done.stderr)
    if done.returncode != 0 or found is None:
        raise RuntimeError(f"callgrind on the {task} task failed:\n{done.stderr[-2000:]}")
    return int(found.group(1).replace(",", ""))


def per_epoch(tree: Path, task: str) -> float:
    few, many = EPOCHS[task]
    return (instructions(tree, task, many) - instructions(tree, task, few)) / (many - few)


def run(quick: bool = False) -> Result:
    name = "7. Instructions per epoch (callgrind)"
    task = (f"the page's task, each contestant under valgrind --tool=callgrind at two epoch counts "
            f"({', '.join(f'{t}: {a} and {b}' for t, (a, b) in EPOCHS.items())}); the difference per epoch")
    # No instruction target for the scalar engine against the original design: what the design costs
    # beyond its instructions is the cycle collector's walks over its closures' reference cycles, which
    # are memory traffic, so only the time of benchmark 2 can judge it; its row shows the ratio.
    goals = [
        ("Tensor engine ≤ 1.5× the numpy floor's instructions", "tensor", "floor", 1.5),
        (f"Scalar engine today ≤ 1.05× the instructions at {BEFORE}", "scalar", f"scalar at {BEFORE}", 1.05),
        (f"Tensor engine today ≤ 1.05× the instructions at {BEFORE}", "tensor", f"tensor at {BEFORE}", 1.05),
    ]
    why = ("skipped: quick mode (valgrind is slow)" if quick
           else None if shutil.which("valgrind") else "skipped: valgrind is not installed")
    if why:
        return Result(name, task, [Row("all contestants", None, note=why)],
                      [Target(goal, None, limit) for goal, _, _, limit in goals])

    counts = {t: per_epoch(ENGINE, t) for t in EPOCHS}
    with tempfile.TemporaryDirectory() as temporary:
        before = engine_at(BEFORE, Path(temporary))
        if before is not None:
            for t in ("scalar", "tensor"):
                counts[f"{t} at {BEFORE}"] = per_epoch(before, t)
    rows = [Row(NAMES.get(t, NAMES[t.split()[0]] + t[len(t.split()[0]):]), None,
                note="instructions, not seconds", extra={"instructions per epoch": round(n)})
            for t, n in counts.items()]
    rows[0].extra["the original design's instructions / these"] = counts["original"] / counts["scalar"]
    targets = [Target(goal, counts[a] / counts[b] if b in counts else None, limit) for goal, a, b, limit in goals]
    return Result(name, task, rows, targets)
