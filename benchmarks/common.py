"""What every benchmark shares: timing, optional contestants, result rows."""

from __future__ import annotations

import gc
import importlib
import importlib.util
import json
import os
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Where the measured ``autograd`` package lives: the repository, or a copy of it at a commit (``run.py --engine``).
ENGINE = Path(importlib.util.find_spec("autograd").origin).resolve().parent.parent
CHILD = Path(__file__).resolve().parent / "child.py"


@dataclass
class Row:
    """One contestant's measurement in one benchmark."""

    contestant: str
    seconds: float | None  # None when the contestant was skipped
    note: str = ""
    extra: dict = field(default_factory=dict)  # more numbers, e.g. bytes per node


@dataclass
class Target:
    """A goal from the issue: ``measured`` must be at most ``limit`` (a ratio)."""

    goal: str
    measured: float | None  # None when a contestant it needs was skipped
    limit: float

    @property
    def met(self) -> bool | None:
        return None if self.measured is None else self.measured <= self.limit


@dataclass
class Result:
    """One benchmark: what it runs, every contestant's row and the issue's targets for it."""

    name: str
    task: str
    rows: list[Row]
    targets: list[Target]

    def to_json(self) -> dict:
        data = asdict(self)
        for target, obj in zip(data["targets"], self.targets):
            target["met"] = obj.met
        return data


CLOCK = "CPU time of this process (time.process_time), best of several repeats"


def best_time(run, repeats: int) -> float:
    """The least CPU time of ``repeats`` calls of ``run()``, in seconds.

    CPU time (``time.process_time``) counts only this process's own work, so
    other jobs on the machine slow it down far less than they do wall time;
    the least of several repeats is the one least disturbed by what remains
    (shared caches, another core's turbo). The cycle collector runs before
    each call, so a call does not pay for the garbage of the one before it.
    """
    return best_times({"run": run}, repeats)["run"]


def best_times(runs: dict, repeats: int) -> dict:
    """``best_time`` of each of ``runs`` (name → function), their repeats taken in turn.

    Interleaving (a, b, a, b, …) gives the contestants of a ratio the same
    chances: a burst of load on the machine falls on both, not on one.
    """
    times = {name: [] for name in runs}
    for _ in range(repeats):
        for name, run in runs.items():
            gc.collect()
            start = time.process_time()
            run()
            times[name].append(time.process_time() - start)
    return {name: min(values) for name, values in times.items()}


def count_nodes(root, inputs_of) -> int:
    """How many nodes ``root`` reaches (itself included), following ``inputs_of(node)``."""
    seen, stack = {id(root)}, [root]
    while stack:
        for child in inputs_of(stack.pop()):
            if id(child) not in seen:
                seen.add(id(child))
                stack.append(child)
    return len(seen)


def optional(module: str):
    """The module, or None if this optional contestant is not installed (see requirements-bench.txt)."""
    try:
        return importlib.import_module(module)
    except ImportError:
        return None


def skipped(contestant: str, package: str) -> Row:
    return Row(contestant, None, note=f"skipped: {package} is not installed (pip install -r requirements-bench.txt)")


def ratio(numerator: Row, denominator: Row) -> float | None:
    if numerator.seconds is None or denominator.seconds is None:
        return None
    return numerator.seconds / denominator.seconds


def run_child(tree: Path, task: str, epochs: int, repeats: int) -> dict:
    """``benchmarks/child.py`` in a fresh process, with the ``autograd`` package found in ``tree``."""
    environment = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tree), str(ROOT)])}
    done = subprocess.run([sys.executable, str(CHILD), task, str(epochs), str(repeats)], cwd=tree,
                          env=environment, capture_output=True, text=True, timeout=3600)
    if done.returncode != 0:
        raise RuntimeError(f"the {task} task with the engine from {tree} failed:\n{done.stderr}")
    result = json.loads(done.stdout)
    if not Path(result["autograd"]).resolve().is_relative_to(Path(tree).resolve()):
        raise RuntimeError(f"the child imported autograd from {result['autograd']}, not from {tree}")
    return result
