"""Central finite differences of a graph's output with respect to any of its nodes.

:mod:`autograd.gradcheck` perturbs the inputs of a function; the trace table
also needs ∂f/∂(intermediate node), so here a node's value is nudged in place
and everything downstream of it is recomputed with the ops' forward rules.
"""

from __future__ import annotations

from autograd.gradcheck import central_differences
from autograd.ops import OPS, SCALAR_MATH
from autograd.value import Value, topological_order

EPS = 1e-5  # step: small enough for truncation error, large enough for round-off (~1e-11 here)


def evaluate_with(root: Value, node: Value, shift: float) -> float:
    """``root``'s value recomputed with ``shift`` added to ``node``'s value."""
    values: dict[int, float] = {}
    for n in topological_order(root):
        if n.inputs and n is not node:
            op = OPS[n.op]
            values[id(n)] = op.forward(SCALAR_MATH, *(values[id(x)] for x in n.inputs), *n.params)
        else:
            values[id(n)] = n.data + (shift if n is node else 0.0)
    return values[id(root)]


def node_gradient(root: Value, node: Value, eps: float = EPS) -> float:
    """∂root/∂node by central differences: (f(node + eps) - f(node - eps)) / 2 eps."""
    return central_differences(lambda shift: evaluate_with(root, node, shift[0]), [0.0], eps)[0]
