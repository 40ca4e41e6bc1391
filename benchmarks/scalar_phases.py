"""Where the scalar engine's time goes on the page's task, phase by phase, beside the original page's design.

    .venv/bin/python -m benchmarks.scalar_phases            # per-node CPU time of each phase, and a profile
    .venv/bin/python -m benchmarks.scalar_phases --no-profile

A diagnostic, not part of ``benchmarks.run``: it splits one epoch of benchmark 2
(the same graph in both designs) into building the graph (the forward pass),
ordering it (the scalar engine's depth-first reach and sort by creation number;
the original design's recursive search), the whole ``backward()`` (order plus
applying the rules), and what the cycle collector adds to a whole epoch. Each
phase is the least CPU time of several repeats, divided by the nodes of one
epoch's graph, with the collector off (except in the collector's row). Then a
cProfile of the scalar engine's epochs, by function: its share of the time and
its calls per node (cProfile slows calls down, so read the shares, not the
times). Run it in a process of its own: it imports no numpy and no PyTorch.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import pstats
import sys
import time

from autograd import LinearLayer, four_blobs
from autograd import topological_order
from autograd.nn import CROSS_ENTROPY_EPS, cross_entropy_loss

from . import original_design
from .scalar_page_task import initial_weights, nodes_per_epoch, original, scalar_engine


def least(run, prepare=None, repeats: int = 15) -> float:
    """Least CPU seconds of ``run(prepare())`` (or ``run()``), with the cycle collector off."""
    best = float("inf")
    gc.collect()
    gc.disable()
    try:
        for _ in range(repeats):
            argument = prepare() if prepare else None
            start = time.process_time()
            run(argument) if prepare else run()
            best = min(best, time.process_time() - start)
    finally:
        gc.enable()
    return best


def collector_seconds(train, x, y, epochs: int = 100, repeats: int = 3) -> float:
    """Seconds per epoch that the cycle collector adds to ``train`` (collector on minus off)."""
    on = off = float("inf")
    for _ in range(repeats):
        gc.collect()
        start = time.process_time()
        train(x, y, epochs)
        on = min(on, time.process_time() - start)
        off = min(off, least(lambda: train(x, y, epochs), repeats=1))
    return (on - off) / epochs


def phases() -> dict[str, tuple[float, float]]:
    """Phase → (scalar engine, original design), in nanoseconds per node of one epoch's graph."""
    x, y = four_blobs()
    nodes = nodes_per_epoch()
    layer = LinearLayer(2, 4, seed=0)
    w0, b0 = initial_weights()
    w = [[original_design.Value(v) for v in row] for row in w0]
    b = [original_design.Value(v) for v in b0]

    def ours():
        return cross_entropy_loss(layer(x), y)

    def theirs():
        return original_design.cross_entropy(original_design.linear(x, w, b), y, CROSS_ENTROPY_EPS)

    table = {
        "forward: build the graph": (least(ours), least(theirs)),
        "order the graph": (least(topological_order, ours), least(original_design.recursive_order, theirs)),
        "backward(): order + rules": (least(lambda loss: loss.backward(), ours),
                                      least(lambda loss: loss.backward(), theirs)),
        "cycle collector, per epoch": (collector_seconds(scalar_engine, x, y), collector_seconds(original, x, y)),
    }
    return {phase: (ours_s / nodes * 1e9, theirs_s / nodes * 1e9) for phase, (ours_s, theirs_s) in table.items()}


def profile(epochs: int = 40, top: int = 20) -> str:
    """The scalar engine's epochs under cProfile (collector off): share of time and calls per node, by function."""
    x, y = four_blobs()
    nodes = nodes_per_epoch() * epochs
    profiler = cProfile.Profile()
    gc.disable()
    try:
        profiler.enable()
        scalar_engine(x, y, epochs)
        profiler.disable()
    finally:
        gc.enable()
    stats = pstats.Stats(profiler)
    lines = ["| Function | Share of time (own) | Calls per node |", "|---|--:|--:|"]
    rows = sorted(stats.stats.items(), key=lambda item: -item[1][2])[:top]
    for (path, line, function), (_, calls, own, _, _) in rows:
        where = f"{path.rsplit('/', 1)[-1]}:{line}" if line else "built-in"
        lines.append(f"| `{function}` ({where}) | {own / stats.total_tt:.1%} | {calls / nodes:.2f} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-profile", action="store_true", help="only the phases, without the cProfile table")
    args = parser.parse_args(argv)
    if "torch" in sys.modules or "numpy" in sys.modules:
        print("note: numpy or torch is loaded, so the collector's row is larger than in a training script",
              file=sys.stderr)
    print(f"nodes per epoch: {nodes_per_epoch()}; CPU time (time.process_time), least of repeats\n")
    print("| Phase (ns per node) | Scalar engine | Original design | Ratio |\n|---|--:|--:|--:|")
    total_ours = total_theirs = 0.0
    for phase, (ours, theirs) in phases().items():
        print(f"| {phase} | {ours:.0f} | {theirs:.0f} | {ours / theirs:.2f} |")
        if phase != "order the graph":
            total_ours, total_theirs = total_ours + ours, total_theirs + theirs
    print(f"| forward + backward + collector | {total_ours:.0f} | {total_theirs:.0f} | {total_ours / total_theirs:.2f} |")
    if not args.no_profile:
        print("\n" + profile())


if __name__ == "__main__":
    main()
