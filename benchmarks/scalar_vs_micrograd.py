"""Benchmark 2: the scalar engine against micrograd on an identical graph.

MLP(2, 16, 16, 1) with relu, squared loss over 100 points; each iteration
resets the gradients, runs the forward pass and backpropagates. Both engines
start from the same weights and build the same expression, op for op, so
their losses agree; bytes per node are measured with tracemalloc on the graph
of one iteration, gradients included.
"""

from __future__ import annotations

import gc
import random
import tracemalloc

from autograd import LinearLayer, Value, four_blobs

from .common import Result, Row, Target, best_time, optional, skipped

SIZES = (2, 16, 16, 1)
POINTS = 100


def squared_loss(outputs, targets):
    """Σ (output - target)², written once for both engines."""
    total = (outputs[0] - targets[0]) ** 2
    for output, target in zip(outputs[1:], targets[1:]):
        total = total + (output - target) ** 2
    return total


def scalar_model(weights):
    """The MLP as scalar-engine LinearLayers, holding the given weights: weights[layer][j] = (w_j, b_j)."""
    layers = []
    for (nin, nout), neurons in zip(zip(SIZES, SIZES[1:]), weights):
        layer = LinearLayer(nin, nout)
        for j, (w, b) in enumerate(neurons):
            for k in range(nin):
                layer.w[k][j].data = w[k]
            layer.b[j].data = b
        layers.append(layer)
    return layers


def scalar_iteration(layers, x, targets):
    for layer in layers:
        layer.zero_grad()
    h = x
    for i, layer in enumerate(layers):
        h = layer(h)
        if i < len(layers) - 1:
            h = [[v.relu() for v in row] for row in h]
    loss = squared_loss([row[0] for row in h], targets)
    loss.backward()
    return loss


def micrograd_model(micrograd_nn, weights):
    random.seed(0)
    model = micrograd_nn.MLP(SIZES[0], list(SIZES[1:]))
    for layer, neurons in zip(model.layers, weights):
        for neuron, (w, b) in zip(layer.neurons, neurons):
            for p, value in zip(neuron.w, w):
                p.data = value
            neuron.b.data = b
    return model


def repeat(iteration, times: int) -> None:
    for _ in range(times):
        iteration()  # the graph is dropped before the next one is built


def micrograd_iteration(model, x, targets):
    model.zero_grad()
    loss = squared_loss([model(row) for row in x], targets)
    loss.backward()
    return loss


def without_gc(iteration, times: int) -> float:
    """Seconds per iteration with Python's cycle collector off: the engines' own cost.

    micrograd's nodes hold closures that point back at them, so its graphs are
    freed only by the cycle collector; the main timing includes that cost, as a
    user pays it, and this one shows how much of the gap it is.
    """
    gc.disable()
    try:
        return best_time(lambda: repeat(iteration, times), 1) / times
    finally:
        gc.enable()
        gc.collect()


def count_nodes(root, inputs_of) -> int:
    seen, stack = {id(root)}, [root]
    while stack:
        for child in inputs_of(stack.pop()):
            if id(child) not in seen:
                seen.add(id(child))
                stack.append(child)
    return len(seen)


def bytes_per_node(iteration, inputs_of, parameters: int) -> tuple[float, int]:
    """Memory held by one iteration's graph (gradients included), per node it created."""
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    loss = iteration()
    held = tracemalloc.get_traced_memory()[0] - before
    tracemalloc.stop()
    nodes = count_nodes(loss, inputs_of) - parameters
    return held / nodes, nodes


def run(quick: bool = False) -> Result:
    iterations = 1 if quick else 20
    points = 10 if quick else POINTS
    repeats = 1 if quick else 2
    rng = random.Random(0)
    weights = [[([rng.uniform(-1, 1) for _ in range(nin)], 0.0) for _ in range(nout)]
               for nin, nout in zip(SIZES, SIZES[1:])]
    x, labels = four_blobs(points)
    targets = [1.0 if label % 2 else -1.0 for label in labels]

    layers = scalar_model(weights)
    parameters = sum(len(layer.parameters()) for layer in layers)
    scalar = Row("Scalar engine (Value)", best_time(lambda: repeat(lambda: scalar_iteration(layers, x, targets), iterations), repeats))
    per_node, nodes = bytes_per_node(lambda: scalar_iteration(layers, x, targets), lambda v: v.inputs, parameters)
    scalar.extra.update({"bytes per node": per_node, "nodes per iteration": nodes,
                         "seconds per iteration, cycle collector off": without_gc(lambda: scalar_iteration(layers, x, targets), 3),
                         "loss": scalar_iteration(layers, x, targets).data})

    micrograd_nn = optional("micrograd.nn")
    if micrograd_nn is None:
        micrograd = skipped("micrograd 0.1.0", "micrograd")
    else:
        model = micrograd_model(micrograd_nn, weights)
        micrograd = Row("micrograd 0.1.0", best_time(lambda: repeat(lambda: micrograd_iteration(model, x, targets), iterations), repeats))
        per_node, nodes = bytes_per_node(lambda: micrograd_iteration(model, x, targets), lambda v: v._prev, parameters)
        micrograd.extra.update({"bytes per node": per_node, "nodes per iteration": nodes,
                                "seconds per iteration, cycle collector off": without_gc(lambda: micrograd_iteration(model, x, targets), 3),
                                "loss": micrograd_iteration(model, x, targets).data})

    speed = None if micrograd.seconds is None else scalar.seconds / micrograd.seconds
    memory = (None if micrograd.seconds is None
              else scalar.extra["bytes per node"] / micrograd.extra["bytes per node"])
    return Result(
        name="2. Scalar engine vs micrograd",
        task=f"MLP{SIZES} with relu, squared loss over {points} points, forward + backward, {iterations} iterations",
        rows=[scalar, micrograd],
        targets=[
            Target("Scalar engine ≥ 3× faster than micrograd (time ratio ≤ 1/3)", speed, 1 / 3),
            Target("Scalar engine bytes per node ≤ 1/3 of micrograd's", memory, 1 / 3),
        ],
    )
