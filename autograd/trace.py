"""Forward and backward traces: every node of a graph as a table row.

>>> from autograd.examples import sigmoid_neuron_with_l2
>>> rows = trace(sigmoid_neuron_with_l2())
>>> len(rows), rows[-1].name, round(rows[-1].data, 4)
(13, 'f', 0.63)
"""

from __future__ import annotations

from dataclasses import dataclass

from .ops import OPS
from .value import INPUT, Value, topological_order


@dataclass(frozen=True)
class TraceRow:
    """One node: its name, the expression that made it, its value and gradient."""

    name: str
    expression: str
    data: float
    grad: float
    node: Value


def creation_order(root: Value) -> list[Value]:
    """Every node under ``root`` in the order the engine made them.

    A node is always made after its inputs, so this is a topological order too,
    and it is the order in which the code that built the graph reads.
    """
    return sorted(topological_order(root), key=lambda n: n._seq)


def name_nodes(nodes: list[Value]) -> dict[int, str]:
    """A display name for each of ``nodes`` (in creation order), keyed by ``id(node)``.

    A node's label if it has one; a constant shows its number; any other node
    is called ``t1``, ``t2``, ... in creation order.
    """
    names: dict[int, str] = {}
    unnamed = 0
    for node in nodes:
        if node.label is not None:
            names[id(node)] = node.label
        elif node.is_constant:
            names[id(node)] = format(node.data, "g")
        else:
            unnamed += 1
            names[id(node)] = f"t{unnamed}"
    return names


def node_names(root: Value) -> dict[int, str]:
    """The display name of every node under ``root`` (see :func:`name_nodes`), keyed by ``id(node)``."""
    return name_nodes(creation_order(root))


def expression(node: Value, names: dict[int, str]) -> str:
    """How ``node`` was computed, written over its inputs' names (``"input"`` for a leaf)."""
    if not node.inputs:
        return node.op
    return OPS[node.op].expression.format(*(names[id(x)] for x in node.inputs))


def trace(root: Value, include_constants: bool = False) -> list[TraceRow]:
    """Every node under ``root`` in creation order (which is a topological order).

    Constants lifted from plain numbers are left out unless asked for: they
    show up inside the expressions instead. Call ``root.backward()`` first to
    fill in the gradients.
    """
    nodes = creation_order(root)
    names = name_nodes(nodes)
    return [
        TraceRow(names[id(n)], expression(n, names), n.data, n.grad, n)
        for n in nodes
        if include_constants or not n.is_constant
    ]


def markdown_table(rows: list[TraceRow], digits: int = 4) -> str:
    """The rows as a Markdown table of variable, expression, forward value and gradient."""
    lines = [
        "| Variable | Expression | Forward value | Gradient ∂f/∂· |",
        "|---|---|--:|--:|",
    ]
    for row in rows:
        expr = "input" if row.expression == INPUT else f"`{row.expression}`"
        lines.append(f"| {row.name} | {expr} | {row.data:.{digits}f} | {row.grad:.{digits}f} |")
    return "\n".join(lines) + "\n"
