"""Benchmark 2, the page's task on the scalar engine, against the original page's engine design.

Both contestants train four_blobs with LinearLayer(2, 4) semantics (logits =
x·w + b per row, softmax with the row maximum subtracted, -log(p_y + 1e-6)
averaged), from the same weights, for the same epochs, doing only the forward
loss, backward and the SGD step. They build the same graph, node for node;
their losses must agree to 1e-9 at every epoch, or the benchmark fails.

The contestant (``benchmarks.original_design``) is the design the project page
first described: a closure per node, and a recursive depth-first search for
the topological order.
"""

from __future__ import annotations

import gc

from autograd import LinearLayer, four_blobs
from autograd.nn import CROSS_ENTROPY_EPS, cross_entropy_loss

from . import original_design
from .common import Result, Row, Target, best_time, best_times, count_nodes
from .page_task import LR, initial_weights, reference_losses, scalar_engine

AGREEMENT = 1e-9


def original(x, y, epochs: int) -> list[float]:
    w0, b0 = initial_weights()
    return original_design.train(x, y, w0, b0, LR, epochs, CROSS_ENTROPY_EPS)


def without_gc(run) -> float:
    """CPU seconds of ``run()`` with Python's cycle collector off: the engine's own cost.

    A node of the original design holds a closure that points back at the
    node, so its graphs are freed only by the cycle collector; the main timing
    includes that cost, as a user pays it, and this one shows how much it is.
    """
    gc.disable()
    try:
        return best_time(run, 1)
    finally:
        gc.enable()
        gc.collect()


def run(quick: bool = False) -> Result:
    epochs = 20 if quick else 500
    repeats = 1 if quick else 3
    x, y = four_blobs()

    ours, theirs = reference_losses(epochs), original(x, y, epochs)
    difference = max(abs(a - b) for a, b in zip(ours, theirs))
    if len(ours) != len(theirs) or not difference <= AGREEMENT:
        raise AssertionError(f"the original design's losses differ from the scalar engine's by {difference}")

    contestants = {
        "Scalar engine (Value)": lambda: scalar_engine(x, y, epochs),
        "Original page's design (closures, recursive sort)": lambda: original(x, y, epochs),
    }
    times = best_times(contestants, repeats)
    rows = [Row(name, seconds) for name, seconds in times.items()]
    nodes = nodes_per_epoch(x, y)
    for row, run_ in zip(rows, contestants.values()):
        row.extra["µs per node"] = row.seconds / (epochs * nodes) * 1e6
        row.extra["seconds, cycle collector off"] = without_gc(run_)
    scalar, design = rows
    scalar.extra.update({"nodes per epoch": nodes, "last loss": ours[-1]})
    design.extra["max loss difference vs scalar engine"] = difference
    return Result(
        name="2. The page's task, scalar engine vs the original design",
        task=f"four_blobs (100 points), LinearLayer(2, 4), {epochs} epochs, lr = {LR}, forward loss + backward + "
             "SGD step, same weights, the same graph node for node",
        rows=rows,
        targets=[Target("Scalar engine ≥ 4× faster than the original design (time ratio ≤ 1/4)",
                        scalar.seconds / design.seconds, 1 / 4)],
    )


def nodes_per_epoch(x, y) -> int:
    """Nodes in one epoch's graph in the scalar engine: those the loss reaches, parameters excluded."""
    layer = LinearLayer(2, 4, seed=0)
    loss = cross_entropy_loss(layer(x), y)
    return count_nodes(loss, lambda v: v.inputs) - len(layer.parameters())
