"""Benchmark 2, the page's task on the scalar engine, against the original page's engine design.

Both contestants train four_blobs with LinearLayer(2, 4) semantics (logits =
x·w + b per row, softmax with the row maximum subtracted, -log(p_y + 1e-6)
averaged), from the same weights, for the same epochs, doing only the forward
loss, backward and the SGD step. They build the same graph, node for node;
their losses must agree to 1e-9 at every epoch, or the benchmark fails.

The contestant (``benchmarks.original_design``) is the design the project page
first described: a closure per node, and a recursive depth-first search for
the topological order. Each contestant runs in fresh processes of its own
(``benchmarks/child.py``), the two taking turns, so the cycle collector walks
what a user's training script holds, not PyTorch's objects from the other
benchmarks. This module imports no numpy, for the same reason.
"""

from __future__ import annotations

import functools

from autograd import SGD, LinearLayer, four_blobs
from autograd.nn import CROSS_ENTROPY_EPS, cross_entropy_loss

from . import original_design
from .common import ENGINE, Result, Row, Target, count_nodes, run_child

LR = 1.0
SEED = 0
AGREEMENT = 1e-9


def initial_weights() -> tuple[list[list[float]], list[float]]:
    """The page's starting weights w[k][j] and b[j], from ``LinearLayer(2, 4, seed=0)``."""
    layer = LinearLayer(2, 4, seed=SEED)
    return [[p.data for p in row] for row in layer.w], [p.data for p in layer.b]


def scalar_engine(x, y, epochs: int) -> list[float]:
    """The scalar engine's training, loss + grad only: forward loss, backward, SGD step."""
    layer = LinearLayer(2, 4, seed=SEED)
    optimizer = SGD(layer.parameters(), LR)
    losses = []
    for _ in range(epochs):
        loss = cross_entropy_loss(layer(x), y)
        losses.append(loss.data)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return losses


def original(x, y, epochs: int) -> list[float]:
    """The same training in the original page's design (``benchmarks.original_design``)."""
    w0, b0 = initial_weights()
    return original_design.train(x, y, w0, b0, LR, epochs, CROSS_ENTROPY_EPS)


@functools.lru_cache(maxsize=None)
def reference_losses(epochs: int) -> tuple[float, ...]:
    """The scalar engine's loss at every epoch: the definition of the task the others must agree with."""
    x, y = four_blobs()
    return tuple(scalar_engine(x, y, epochs))


def nodes_per_epoch() -> int:
    """Nodes in one epoch's graph in the scalar engine: those the loss reaches, parameters excluded."""
    x, y = four_blobs()
    layer = LinearLayer(2, 4, seed=SEED)
    loss = cross_entropy_loss(layer(x), y)
    return count_nodes(loss, lambda v: v.inputs) - len(layer.parameters())


def run(quick: bool = False) -> Result:
    epochs = 20 if quick else 500
    repeats, rounds = (1, 1) if quick else (1, 3)
    contestants = {"scalar": "Scalar engine (Value)", "original": "Original page's design (closures, recursive sort)"}
    best: dict[str, dict] = {}
    for _ in range(rounds):
        for task in contestants:
            result = run_child(ENGINE, task, epochs, repeats)
            kept = best.setdefault(task, result)
            for key in ("seconds", "seconds, cycle collector off"):
                kept[key] = min(kept[key], result[key])

    ours, theirs = best["scalar"]["losses"], best["original"]["losses"]
    difference = max(abs(a - b) for a, b in zip(ours, theirs))
    if len(ours) != epochs or len(theirs) != epochs or not difference <= AGREEMENT:
        raise AssertionError(f"the original design's losses differ from the scalar engine's by {difference}")

    nodes = nodes_per_epoch()
    rows = []
    for task, name in contestants.items():
        result = best[task]
        rows.append(Row(name, result["seconds"], extra={
            "µs per node": result["seconds"] / (epochs * nodes) * 1e6,
            "seconds, cycle collector off": result["seconds, cycle collector off"],
            "µs per node, cycle collector off": result["seconds, cycle collector off"] / (epochs * nodes) * 1e6,
        }))
    scalar, design = rows
    scalar.extra.update({"nodes per epoch": nodes, "last loss": ours[-1]})
    design.extra["max loss difference vs scalar engine"] = difference
    return Result(
        name="2. The page's task, scalar engine vs the original design",
        task=f"four_blobs (100 points), LinearLayer(2, 4), {epochs} epochs, lr = {LR}, forward loss + backward + "
             "SGD step, same weights, the same graph node for node, each engine in fresh processes",
        rows=rows,
        # The target is the time a training script takes, with Python's cycle collector on, as it
        # always is; the rows also give the times with it off, which show how much of the design's cost
        # is the collector's (its closures make a reference cycle per node).
        targets=[
            Target("Scalar engine ≥ 4× faster than the original design (time ratio ≤ 1/4)",
                   scalar.seconds / design.seconds, 1 / 4),
        ],
    )
