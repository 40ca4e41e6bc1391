"""What every benchmark shares: timing, optional contestants, result rows."""

from __future__ import annotations

import gc
import importlib
import time
from dataclasses import asdict, dataclass, field


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


def best_time(run, repeats: int) -> float:
    """The fastest of ``repeats`` calls of ``run()``, in seconds (the least disturbed by other work)."""
    times = []
    for _ in range(repeats):
        gc.collect()
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


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
