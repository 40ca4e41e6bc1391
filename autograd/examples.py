"""The worked example of the docs, built once for the site, the demo and the tests.

>>> f = sigmoid_neuron_with_l2()
>>> round(f.data, 4)
0.63
"""

from __future__ import annotations

from .value import Value

EXAMPLE_POINT = {"w1": 0.2, "w2": 0.4, "x1": -0.4, "x2": 0.5}
"""The point the docs evaluate the worked example at."""


def sigmoid_neuron_with_l2(w1=0.2, w2=0.4, x1=-0.4, x2=0.5, backward: bool = True) -> Value:
    """f = σ(w₁x₁ + w₂x₂) + 0.5 (w₁² + w₂²), with every intermediate node named.

    Arguments may be numbers or Values. The nodes are labelled as in the docs'
    trace table (w₁x₁, z, u, R, G, f, ...), and unless ``backward=False`` the
    gradients are filled in.
    """
    w1, w2, x1, x2 = (
        v if isinstance(v, Value) else Value(v, label=name)
        for v, name in zip((w1, w2, x1, x2), ("w₁", "w₂", "x₁", "x₂"))
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
