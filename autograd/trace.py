"""Forward and backward traces: every node of a graph as a table row, and the backward pass step by step.

>>> from autograd.examples import sigmoid_neuron_with_l2
>>> rows = trace(sigmoid_neuron_with_l2())
>>> len(rows), rows[-1].name, round(rows[-1].data, 4)
(13, 'f', 0.63)

:func:`backward_steps` records what :meth:`Value.backward` does, one node at a
time: the gradient arriving at the node, each input's local gradient from the
op's rule, and what the node adds to each input's gradient.

>>> steps = backward_steps(sigmoid_neuron_with_l2(backward=False))
>>> first = steps[0]
>>> first.node.label, first.upstream, [(c.input.label, c.local, c.contribution) for c in first.contributions]
('f', 1.0, [('G', 1.0, 1.0), ('R', 1.0, 1.0)])
"""

from __future__ import annotations

import math
from dataclasses import dataclass

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
    return topological_order(root)  # which sorts the nodes by creation


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
            names[id(node)] = format(float(node.data), "g")  # a constant holds one number, on either engine
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
    return node._op.write([names[id(x)] for x in node.inputs], node.params)


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


def describe(x, digits: int = 4) -> str:
    """A node's data or gradient as text: a number with ``digits`` decimals; for a tensor, its
    elements when it has at most four, otherwise its shape.

    >>> describe(0.12345), describe(None)
    ('0.1235', '—')
    """
    if x is None:
        return "—"
    if hasattr(x, "_seq"):  # a gradient that is itself a node (create_graph=True)
        x = x.data
    shape = getattr(x, "shape", ())
    if shape == ():
        return f"{float(x):.{digits}f}"
    if x.size <= 4:
        return "[" + ", ".join(f"{v:.{digits}f}" for v in x.reshape(-1).tolist()) + "]"
    return "shape (" + ", ".join(map(str, shape)) + ")"


def markdown_table(rows: list[TraceRow], digits: int = 4) -> str:
    """The rows as a Markdown table of variable, expression, forward value and gradient."""
    lines = [
        "| Variable | Expression | Forward value | Gradient ∂f/∂· |",
        "|---|---|--:|--:|",
    ]
    for row in rows:
        expr = "input" if row.expression == INPUT else f"`{row.expression}`"
        lines.append(f"| {row.name} | {expr} | {describe(row.data, digits)} | {describe(row.grad, digits)} |")
    return "\n".join(lines) + "\n"


# --- the backward pass, one node at a time -----------------------------------------------


@dataclass(frozen=True)
class Contribution:
    """What one step of the backward pass adds to the gradient of one input of its node.

    ``local`` is the op's local gradient ∂node/∂input at the node's inputs,
    ``contribution`` is upstream × local as the engine computes it (the op's
    rule applied to the upstream gradient), and the input's gradient goes from
    ``before`` (what earlier steps, along other paths, left on it) to
    ``after = before + contribution``.
    """

    input: Value
    local: float
    contribution: float
    before: float
    after: float


@dataclass(frozen=True)
class BackwardStep:
    """One node processed by the backward pass: ``upstream`` is ∂root/∂node, final when the step runs."""

    node: Value
    upstream: float
    contributions: tuple[Contribution, ...]


def _local_gradients(node, upstream: float) -> tuple[float, ...]:
    """The op's gradient rule at ``node``: ∂root/∂input for each input, given ∂root/∂node = ``upstream``.

    With ``upstream=1.0`` these are the local gradients ∂node/∂input. This is
    the only place that calls an op's rule.
    """
    return tuple(node._local_gradients(upstream, False))


def backward_steps(root) -> list[BackwardStep]:
    """The backward pass from ``root``, recorded one node at a time, without changing any ``grad``.

    The steps visit the nodes that have inputs in the order ``root.backward()``
    does (reverse topological order), starting from ∂root/∂root = 1, and apply
    the same rule in the same order, so the gradients they end with are
    exactly the ones a fresh ``root.backward()`` leaves (leaves starting from
    0). When a step runs, every path from ``root`` to its node has been
    processed, so its ``upstream`` is final. A node reached along two paths
    (``w₁`` in the worked example, through ``w₁x₁`` and ``w₁²``) gets one
    contribution from each, and its gradient is their sum: see
    :class:`Contribution` ``.before`` and ``.after``.

    Constants (the ``0.5`` of ``0.5 * u``) are inputs too and get contributions,
    as in ``backward()``; a display may leave them out.

    >>> from autograd import Value
    >>> x = Value(3.0, label="x")
    >>> y = x * x
    >>> [(c.local, c.before, c.after) for c in backward_steps(y)[0].contributions]
    [(3.0, 0.0, 3.0), (3.0, 3.0, 6.0)]

    Raises ArithmeticError where a gradient is not finite, as ``backward()`` does.
    """
    grads: dict[int, float] = {id(root): root._seed(None, False)}  # 1, as backward() starts
    steps = []
    for node in reversed(topological_order(root)):  # the order backward() walks
        if not node.inputs:
            continue
        upstream = grads.get(id(node), 0.0)
        scalar = not hasattr(node.data, "shape")
        # A tensor op has a Jacobian, not one local gradient: its steps record the contributions only.
        locals_ = _local_gradients(node, 1.0) if scalar else (None,) * len(node.inputs)
        products = _local_gradients(node, upstream)
        contributions = []
        for x, local, product in zip(node.inputs, locals_, products):
            if product is None:  # an input that needs no gradient (a batch of data into matmul)
                continue
            if not scalar:
                product = _summed_to_shape_of(x, product)
            before = grads.get(id(x), 0.0)
            after = before + product
            if not (_finite(local) and _finite(after)):
                raise ArithmeticError(
                    f"backward through {node.op} at {[x.data for x in node.inputs]}: the gradient is not finite there"
                )
            grads[id(x)] = after
            contributions.append(Contribution(x, local, product, before, after))
        steps.append(BackwardStep(node, upstream, tuple(contributions)))
    return steps


def _finite(x) -> bool:
    """Whether a number, or every element of an array, is finite (None: nothing to check)."""
    if x is None:
        return True
    if not hasattr(x, "shape"):
        return math.isfinite(x)
    return bool((abs(x) <= 1.7976931348623157e308).all())  # False for inf and NaN alike


def _summed_to_shape_of(x, contribution):
    """A tensor op's contribution summed back over the axes broadcasting added, as backward() does."""
    from .tensor import _sum_to_shape

    return _sum_to_shape(contribution, x.data.shape)


def _plain_params(node) -> dict:
    """The op's parameters of ``node`` by name; a value that is not a plain number or string as its text."""
    from .ops import OPS

    names = OPS[node.op].params
    return {
        name: value if isinstance(value, (int, float, str, bool)) or value is None else str(value)
        for name, value in zip(names, getattr(node, "params", ()))
    }


def backward_steps_data(root) -> dict:
    """The backward pass from ``root`` as plain data (JSON-able), for a page that replays it step by step.

    ``of`` is the root's name. ``nodes`` lists the non-constant nodes in the
    order of :func:`trace` (each with ``slug``: the id :func:`autograd.graph.to_dot`
    gives it, ``name``, ``expression``, ``input`` (a leaf), ``data`` and
    ``grad``: its final gradient). ``steps`` lists :func:`backward_steps`: each
    node's ``slug``, ``name``, ``expression``, ``op``, ``params`` (the op's
    parameters by name, such as pow's ``n``) and ``upstream`` gradient,
    and one entry per non-constant input with its ``slug``, ``name``, ``index``
    among the node's inputs, ``param`` (its name in the op's rule), ``rule``
    (the rule's LaTeX from the registry), ``local`` gradient, ``contribution``
    and the input's gradient ``before`` and ``after`` it is added.

    >>> from autograd.examples import sigmoid_neuron_with_l2
    >>> data = backward_steps_data(sigmoid_neuron_with_l2(backward=False))
    >>> [(c["name"], c["param"], c["local"]) for c in data["steps"][0]["contributions"]]
    [('G', 'a', 1.0), ('R', 'b', 1.0)]
    """
    from .graph import slug_nodes  # graph builds on this module
    from .ops import OPS

    nodes = creation_order(root)
    names = name_nodes(nodes)
    slugs = slug_nodes(nodes, names)
    steps = backward_steps(root)
    final = {id(root): 1.0}
    for step in steps:
        for c in step.contributions:
            final[id(c.input)] = c.after
    return {
        "of": names[id(root)],
        "nodes": [
            {"slug": slugs[id(n)], "name": names[id(n)], "expression": expression(n, names),
             "input": n.op == INPUT, "data": n.data, "grad": final.get(id(n), 0.0)}
            for n in nodes
            if not n.is_constant
        ],
        "steps": [
            {
                "slug": slugs[id(step.node)],
                "name": names[id(step.node)],
                "expression": expression(step.node, names),
                "op": step.node.op,
                "params": _plain_params(step.node),
                "upstream": step.upstream,
                "contributions": [
                    {"slug": slugs[id(c.input)], "name": names[id(c.input)], "index": k,
                     "param": OPS[step.node.op].inputs[k], "rule": OPS[step.node.op].grad_latex[k],
                     "local": c.local, "contribution": c.contribution, "before": c.before, "after": c.after}
                    for k, c in enumerate(step.contributions)
                    if not c.input.is_constant
                ],
            }
            for step in steps
        ],
    }
