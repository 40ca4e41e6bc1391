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


def _math(latex: str) -> str:
    return f"$\\displaystyle {latex.strip()}$"


def operations_table() -> str:
    """One row per op of :data:`autograd.ops.OPS`: forward rule, local gradient, description, domain."""
    lines = [
        "| Op | Forward | Local gradient | What it does | Defined for |",
        "|---|---|---|---|---|",
    ]
    for op in OPS.values():
        expression = op.write(op.inputs, op.params)
        domain = op.domain or "all real inputs"
        gradients = "<br>".join(_math(part) for part in op.grad_latex) or "none: not differentiable"
        lines.append(
            f"| `{op.name}`<br>`{_cell(expression)}` | {_math(op.forward_latex)} | {gradients} "
            f"| {_cell(op.description)} | {_cell(domain)} |"
        )
    return "\n".join(lines) + "\n"


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
