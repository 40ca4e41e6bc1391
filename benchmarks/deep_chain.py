"""Benchmark 5, a deep chain: 1,000,000 scalar ops in a row, then one backward pass.

The chain alternates ``y * c`` and ``y + d`` with two constant Values, so every
op adds exactly one node. Times are CPU times, measured without tracing; the peak memory
of building the chain and backpropagating is measured in a second run under
tracemalloc (which slows Python down, so its time is not used).
"""

from __future__ import annotations

import gc
import time
import tracemalloc

from autograd import Value

from .common import Result, Row


def build_chain(ops: int) -> tuple[Value, Value]:
    x = Value(0.5)
    c, d = Value(0.999999), Value(1e-7)
    y = x
    for _ in range(ops // 2):
        y = y * c + d
    return x, y


def run(quick: bool = False) -> Result:
    ops = 10_000 if quick else 1_000_000
    gc.collect()
    start = time.process_time()
    x, y = build_chain(ops)
    built = time.process_time()
    y.backward()
    done = time.process_time()
    gradient = x.grad
    del x, y
    gc.collect()

    tracemalloc.start()
    x, y = build_chain(ops)
    graph_bytes = tracemalloc.get_traced_memory()[0]
    y.backward()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    del x, y

    forward = Row("Scalar engine: building the chain (forward)", built - start)
    backward = Row("Scalar engine: backward()", done - built, extra={
        "peak memory (MB), forward + backward": peak / 1e6,
        "graph memory (MB) before backward": graph_bytes / 1e6,
        "bytes per node, graph": graph_bytes / ops,
        "∂y/∂x": gradient,
    })
    return Result(
        name="5. Deep chain",
        task=f"{ops:,} scalar ops (alternating y * c and y + d), one backward pass",
        rows=[forward, backward],
        targets=[],
    )
