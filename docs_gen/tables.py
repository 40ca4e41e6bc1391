"""Markdown tables computed by the engine: the op registry and the worked example's trace."""

from __future__ import annotations

from autograd.examples import sigmoid_neuron_with_l2
from autograd.ops import OPS
from autograd.trace import trace
from autograd.value import INPUT

from .finite_differences import EPS, node_gradient


def _cell(text: str) -> str:
    # A "|" inside a cell would end it.
    return text.replace("|", r"\|")


def _what(description: str) -> str:
    # The description is the one column of prose: it keeps a readable width (see extra.css, .ag-ops).
    return f'<span class="ag-ops__what">{_cell(description)}</span>'


def _math(latex: str) -> str:
    return f"$\\displaystyle {latex.strip()}$"


def _ops(group: str):
    """The registry's ops of one group: "elementwise" (both engines), "tensor", or "no_gradient"."""
    for op in OPS.values():
        kind = "no_gradient" if op.vjp is None else "elementwise" if "Value" in op.engines else "tensor"
        if kind == group:
            yield op


def _op_and_forward(op) -> str:
    """The first two cells of every operations table: the op's name over its call, and its forward maths."""
    return f"`{op.name}`<br>`{_cell(op.write(op.inputs, op.params))}` | {_math(op.forward_latex)}"


def _gradients(op) -> str:
    return "<br>".join(_math(part) for part in op.grad_latex)


def operations_table(group: str = "elementwise") -> str:
    """One row per op of :data:`autograd.ops.OPS` in ``group``, generated from the registry.

    ``"elementwise"``: the ops of both engines, with each input's local gradient and the domain.
    ``"tensor"``: the Tensor engine's other ops, with the shape rule and each input's vector-Jacobian product.
    ``"no_gradient"``: the ops whose result is outside the graph (comparisons, argmax).
    """
    if group == "elementwise":
        lines = ["| Op | Forward | Local gradient | What it does | Defined for |", "|---|---|---|---|---|"]
        lines += [
            f"| {_op_and_forward(op)} | {_gradients(op)} | {_what(op.description)} | {_cell(op.domain or 'all real inputs')} |"
            for op in _ops(group)
        ]
    elif group == "tensor":
        # The shape rule goes under the description: a fifth column made the table wider than a laptop's page.
        lines = ["| Op | Forward | Gradient of each input (G = ∂L/∂out) | What it does, and the shape |", "|---|---|---|---|"]
        lines += [
            f"| {_op_and_forward(op)} | {_gradients(op)} | {_what(op.description)}<br>**Shape:** {_cell(op.shape or '')} |"
            for op in _ops(group)
        ]
    else:
        lines = ["| Op | Forward | What it does |", "|---|---|---|"]
        lines += [
            f"| {_op_and_forward(op)} | {_what(op.description)} |"
            for op in _ops(group)
        ]
    # A wrapper to style these tables by (md_in_html parses the markdown table inside it).
    return '<div class="ag-ops" markdown>\n\n' + "\n".join(lines) + "\n\n</div>\n"


def trace_rows():
    """The worked example's trace with a finite-difference gradient for every node."""
    f = sigmoid_neuron_with_l2()
    return [(row, node_gradient(f, row.node)) for row in trace(f)]


def trace_table(digits: int = 4) -> str:
    """The 13-row forward/backward table of the worked example, with finite differences.

    Below the table, a line gives the largest gap between the engine's gradient
    and the finite difference, over all rows.
    """
    lines = [
        "| Variable | Expression | Forward value | Gradient ∂f/∂· | Finite difference |",
        "|---|---|--:|--:|--:|",
    ]
    worst = 0.0
    for row, numeric in trace_rows():
        expr = "input" if row.expression == INPUT else f"`{row.expression}`"
        worst = max(worst, abs(row.grad - numeric))
        lines.append(
            f"| {row.name} | {expr} | {row.data:.{digits}f} | {row.grad:.{digits}f} | {numeric:.{digits}f} |"
        )
    lines.append("")
    lines.append(
        f"Largest difference between the engine's gradient and the finite difference, "
        f"over all {len(lines) - 3} rows: **{worst:.1e}** (central differences, step {EPS:g})."
    )
    return "\n".join(lines) + "\n"
