"""Benchmark 3: the scalar engine against micrograd (and the original page's design) on an identical graph.

MLP(2, 16, 16, 1) with relu, squared loss over 100 points; each iteration
resets the gradients, runs the forward pass and backpropagates. The engines
start from the same weights and build the same expression, op for op, so
their losses agree; bytes per node are measured with tracemalloc on the graph
of one iteration, gradients included.
"""

from __future__ import annotations

import gc
import random
import tracemalloc

from autograd import LinearLayer, Value, four_blobs

from . import original_design
from .common import Result, Row, Target, best_time, best_times, count_nodes, optional, skipped

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


def bytes_per_node(iteration, inputs_of, parameters: int) -> tuple[float, int]:
    """Memory held by one iteration's graph (gradients included), per node it created."""
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    loss = iteration()
    held = tracemalloc.get_traced_memory()[0] - before
    tracemalloc.stop()
    nodes = count_nodes(loss, inputs_of) - parameters
    return held / nodes, nodes


def original_model(weights):
    """The MLP in the original page's design: per layer, w[k][j] and b[j] as its Values."""
    return [([[original_design.Value(w[k]) for w, _ in neurons] for k in range(nin)],
             [original_design.Value(b) for _, b in neurons])
            for nin, neurons in zip(SIZES, weights)]


def original_iteration(layers, x, targets):
    for w, b in layers:
        for p in [p for row in w for p in row] + b:
            p.grad = 0.0
    h = x
    for i, (w, b) in enumerate(layers):
        h = original_design.linear(h, w, b)
        if i < len(layers) - 1:
            h = [[v.relu() for v in row] for row in h]
    loss = squared_loss([row[0] for row in h], targets)
    loss.backward()
    return loss


def run(quick: bool = False) -> Result:
    iterations = 1 if quick else 10
    points = 10 if quick else POINTS
    repeats = 1 if quick else 2
    rng = random.Random(0)
    weights = [[([rng.uniform(-1, 1) for _ in range(nin)], 0.0) for _ in range(nout)]
               for nin, nout in zip(SIZES, SIZES[1:])]
    x, labels = four_blobs(points)
    targets = [1.0 if label % 2 else -1.0 for label in labels]

    layers = scalar_model(weights)
    parameters = sum(len(layer.parameters()) for layer in layers)
    # name → (one iteration, how to list a node's inputs)
    contestants = {
        "Scalar engine (Value)": (lambda: scalar_iteration(layers, x, targets), lambda v: v.inputs),
    }
    design = original_model(weights)
    contestants["Original page's design (closures, recursive sort)"] = (
        lambda: original_iteration(design, x, targets), lambda v: v._inputs)
    micrograd_nn = optional("micrograd.nn")
    if micrograd_nn is not None:
        model = micrograd_model(micrograd_nn, weights)
        contestants["micrograd 0.1.0"] = (lambda: micrograd_iteration(model, x, targets), lambda v: v._prev)

    times = best_times({name: (lambda it=it: repeat(it, iterations)) for name, (it, _) in contestants.items()}, repeats)
    rows = {}
    for name, (iteration, inputs_of) in contestants.items():
        row = rows[name] = Row(name, times[name])
        per_node, nodes = bytes_per_node(iteration, inputs_of, parameters)
        row.extra.update({"bytes per node": per_node, "nodes per iteration": nodes,
                          "seconds per iteration, cycle collector off": without_gc(iteration, 3),
                          "loss": iteration().data})
    if micrograd_nn is None:
        rows["micrograd 0.1.0"] = skipped("micrograd 0.1.0", "micrograd")
    scalar, micrograd = rows["Scalar engine (Value)"], rows["micrograd 0.1.0"]
    speed = None if micrograd.seconds is None else scalar.seconds / micrograd.seconds
    memory = (None if micrograd.seconds is None
              else scalar.extra["bytes per node"] / micrograd.extra["bytes per node"])
    return Result(
        name="3. Scalar engine vs micrograd",
        task=f"MLP{SIZES} with relu, squared loss over {points} points, forward + backward, {iterations} iterations",
        rows=list(rows.values()),
        targets=[
            Target("Scalar engine ≥ 3× faster than micrograd (time ratio ≤ 1/3)", speed, 1 / 3),
            Target("Scalar engine bytes per node ≤ 1/3 of micrograd's", memory, 1 / 3),
        ],
    )
