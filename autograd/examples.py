"""The worked example of the docs, defined once for the site, the demo and the tests.

Its point (:data:`EXAMPLE_POINT`), its inputs' names (:data:`INPUT_LABELS`), its
formula as the pages write it (:data:`FORMULA`, :data:`FORMULA_LATEX`) and its
structure, the graph :func:`sigmoid_neuron_with_l2` builds with every node
named, are written here and nowhere else. :func:`program` writes the same
graph as a program of named steps (what the live demo starts from).

>>> f = sigmoid_neuron_with_l2()
>>> round(f.data, 4)
0.63
>>> print(program())
w1_sq = w1 ** 2
w2_sq = w2 ** 2
w1x1 = w1 * x1
w2x2 = w2 * x2
z = w1x1 + w2x2
u = w1_sq + w2_sq
R = 0.5 * u
G = sigmoid(z)
f = G + R
"""

from __future__ import annotations

from .graph import node_slugs
from .ops import OPS
from .trace import creation_order
from .value import Value

EXAMPLE_POINT = {"w1": 0.2, "w2": 0.4, "x1": -0.4, "x2": 0.5}
"""The point the docs evaluate the worked example at (read when the example is built, so changing it here
changes every page)."""

INPUT_LABELS = {"w1": "w₁", "w2": "w₂", "x1": "x₁", "x2": "x₂"}
"""Each input's name in code and as the pages, traces and graphs show it."""

FORMULA = "f = σ(w₁x₁ + w₂x₂) + 0.5 (w₁² + w₂²)"
"""The worked example as prose writes it."""

FORMULA_LATEX = r"f(w_1, w_2, x_1, x_2) = \sigma(w_1 x_1 + w_2 x_2) + 0.5\,(w_1^2 + w_2^2)"
"""The worked example as display maths writes it."""


def sigmoid_neuron_with_l2(w1=None, w2=None, x1=None, x2=None, backward: bool = True) -> Value:
    """f = σ(w₁x₁ + w₂x₂) + 0.5 (w₁² + w₂²), with every intermediate node named.

    Arguments may be numbers or Values; one left out is taken from
    :data:`EXAMPLE_POINT`. The nodes are labelled as in the docs' trace table
    (w₁x₁, z, u, R, G, f, ...), and unless ``backward=False`` the gradients
    are filled in.
    """
    given = {"w1": w1, "w2": w2, "x1": x1, "x2": x2}
    w1, w2, x1, x2 = (
        v if isinstance(v, Value) else Value(EXAMPLE_POINT[name] if v is None else v, label=INPUT_LABELS[name])
        for name, v in given.items()
    )

    def named(node: Value, label: str) -> Value:
        node.label = label
        return node

    w1_sq = named(w1 ** 2, "w₁²")
    w2_sq = named(w2 ** 2, "w₂²")
    w1x1 = named(w1 * x1, "w₁x₁")
    w2x2 = named(w2 * x2, "w₂x₂")
    z = named(w1x1 + w2x2, "z")
    u = named(w1_sq + w2_sq, "u")
    r = named(0.5 * u, "R")
    g = named(z.sigmoid(), "G")
    f = named(g + r, "f")
    if backward:
        f.backward()
    return f


def program() -> str:
    """The worked example as a program of named steps, one per line, in the order the engine made them.

    Each step is ``name = expression``, written with the names of code (``w1``
    for w₁, ``w1_sq`` for w₁², as :func:`autograd.graph.slug` spells them),
    Python's operators and the ops as functions (``sigmoid(z)``). It is read
    off the graph :func:`sigmoid_neuron_with_l2` builds, so it cannot
    disagree with it.
    """
    root = sigmoid_neuron_with_l2(backward=False)
    slugs = node_slugs(root)

    def operand(node: Value) -> str:
        return format(node.data, "g") if node.is_constant else slugs[id(node)]

    lines = []
    for node in creation_order(root):
        if not node.inputs:
            continue
        args = [operand(x) for x in node.inputs]
        op = OPS[node.op]
        if op.arity == 1 and not op.params and node.op != "neg":  # a function: sigmoid(z), not σ(z)
            expression = f"{node.op}({args[0]})"
        else:
            expression = op.write(args, node.params)
        lines.append(f"{slugs[id(node)]} = {expression}")
    return "\n".join(lines)
