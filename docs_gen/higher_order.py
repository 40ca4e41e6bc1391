"""The "Derivatives of derivatives" page: the worked example's ∂f/∂w₁ as a graph, and ∂²f/∂w₁².

Every number comes from the engine at the example point of :mod:`autograd.examples`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from autograd import grad
from autograd.backprop import topological_order
from autograd.examples import EXAMPLE_POINT, INPUT_LABELS, sigmoid_neuron_with_l2
from autograd.gradcheck import central_differences
from autograd.graph import to_dot
from autograd.value import Value

from .graph_figure import inline_svg, render_svg

STEP = 1e-5  # central differences of the first derivative: truncation ~1e-11, round-off ~1e-11


def _inputs() -> dict[str, Value]:
    return {name: Value(value, label=INPUT_LABELS[name]) for name, value in EXAMPLE_POINT.items()}


def first_derivative_graph() -> Value:
    """g = ∂f/∂w₁ at the example point, built with ``create_graph=True``: a graph of Values, labelled g.

    Its own backward pass has run, so each node's ``grad`` is ∂g/∂node, and w₁'s is ∂²f/∂w₁².
    """
    xs = _inputs()
    f = sigmoid_neuron_with_l2(**xs, backward=False)
    (df_dw1,) = grad(f, [xs["w1"]], create_graph=True)
    df_dw1.label = "g"
    df_dw1.backward()
    return df_dw1


def first_derivative_html() -> str:
    """The graph that the backward pass built for ∂f/∂w₁, drawn top to bottom, as inline SVG."""
    dot = to_dot(first_derivative_graph(), rankdir="TB", id_prefix="d2-")
    return f'<div class="autograd-graph">\n{inline_svg(render_svg(dot))}</div>\n'


@dataclass(frozen=True)
class SecondDerivative:
    """∂²f/∂w₁² three ways, and the sizes of the graphs each backward pass walks."""

    engine: float
    closed_form: float
    finite_difference: float
    forward_nodes: int
    gradient_nodes: int


def second_derivative() -> SecondDerivative:
    """∂²f/∂w₁² from the engine, from the closed form σ''(z)·x₁² + 1, and from differences of ∂f/∂w₁."""
    xs = _inputs()
    f = sigmoid_neuron_with_l2(**xs, backward=False)
    (df_dw1,) = grad(f, [xs["w1"]], create_graph=True)
    (engine,) = grad(df_dw1, [xs["w1"]])

    w1, w2, x1, x2 = (EXAMPLE_POINT[k] for k in ("w1", "w2", "x1", "x2"))
    s = 1 / (1 + math.exp(-(w1 * x1 + w2 * x2)))
    closed_form = s * (1 - s) * (1 - 2 * s) * x1 ** 2 + 1  # f = σ(z) + 0.5 w₁² + …: σ''(z) x₁² + 1

    def first(w: float) -> float:
        point = _inputs()
        point["w1"] = Value(w)
        return grad(sigmoid_neuron_with_l2(**point, backward=False), [point["w1"]])[0]

    (finite_difference,) = central_differences(lambda at: first(at[0]), [w1], STEP)
    forward = set(topological_order(f))
    return SecondDerivative(
        engine, closed_form, finite_difference,
        forward_nodes=len(forward),
        gradient_nodes=len([n for n in topological_order(df_dw1) if n not in forward]),
    )


def second_derivative_table(digits: int = 10) -> str:
    """The three values of ∂²f/∂w₁² side by side, as a Markdown table."""
    d = second_derivative()
    rows = [
        ("The engine: backward through the graph of ∂f/∂w₁", d.engine, "—"),
        ("Closed form σ(z)(1 − σ(z))(1 − 2σ(z))·x₁² + 1", d.closed_form, f"{abs(d.engine - d.closed_form):.1e}"),
        (f"Central difference of the engine's ∂f/∂w₁, h = {STEP:g}", d.finite_difference,
         f"{abs(d.engine - d.finite_difference):.1e}"),
    ]
    lines = ["| How | ∂²f/∂w₁² | Difference from the engine |", "|---|--:|--:|"]
    lines += [f"| {how} | {value:.{digits}f} | {diff} |" for how, value, diff in rows]
    return "\n".join(lines) + "\n"


def graph_sizes() -> str:
    """One sentence with the node counts that make a second derivative cost more than a first."""
    d = second_derivative()
    return (
        f"Computing f records {d.forward_nodes} nodes. The backward pass run with `create_graph=True` records "
        f"{d.gradient_nodes} more, and the second backward pass walks both: "
        f"{d.forward_nodes + d.gradient_nodes} nodes where the first walked {d.forward_nodes}."
    )
