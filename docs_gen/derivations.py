"""The closed-form gradients of the worked example, checked against the engine.

Each :class:`ClosedForm` holds a boxed result of the Derivations page twice:
as LaTeX (what the page shows) and as a Python function (what the build
evaluates). :func:`check` evaluates it at the example point next to the
engine's gradient and a finite difference, and :func:`verify` raises
:class:`DerivationMismatch` when any two of the three differ by more than
:data:`TOLERANCE`, which fails the build.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

from autograd import examples
from autograd.examples import sigmoid_neuron_with_l2
from autograd.gradcheck import numeric_gradient
from autograd.graph import slug
from autograd.value import topological_order

from .finite_differences import EPS

TOLERANCE = 1e-9
VARIABLES = tuple(examples.INPUT_LABELS)  # the order of sigmoid_neuron_with_l2's arguments


class DerivationMismatch(AssertionError):
    """A closed form, the engine and finite differences disagree beyond the tolerance."""


def sigmoid(s: float) -> float:
    return 1.0 / (1.0 + math.exp(-s))


def _sig_slope(w1: float, w2: float, x1: float, x2: float) -> float:
    """σ'(z) = σ(z)(1 - σ(z)) at z = w1 x1 + w2 x2."""
    g = sigmoid(w1 * x1 + w2 * x2)
    return g * (1.0 - g)


@dataclass(frozen=True)
class ClosedForm:
    """∂f/∂variable written out by hand: its LaTeX and its value as a function of (w1, w2, x1, x2)."""

    variable: str
    variable_latex: str
    latex: str
    evaluate: Callable[[float, float, float, float], float]


CLOSED_FORMS = {
    form.variable: form
    for form in (
        ClosedForm("x1", "x_1", r"\sigma(z)\,\bigl(1 - \sigma(z)\bigr)\, w_1",
                   lambda w1, w2, x1, x2: _sig_slope(w1, w2, x1, x2) * w1),
        ClosedForm("x2", "x_2", r"\sigma(z)\,\bigl(1 - \sigma(z)\bigr)\, w_2",
                   lambda w1, w2, x1, x2: _sig_slope(w1, w2, x1, x2) * w2),
        ClosedForm("w1", "w_1", r"\sigma(z)\,\bigl(1 - \sigma(z)\bigr)\, x_1 + w_1",
                   lambda w1, w2, x1, x2: _sig_slope(w1, w2, x1, x2) * x1 + w1),
        ClosedForm("w2", "w_2", r"\sigma(z)\,\bigl(1 - \sigma(z)\bigr)\, x_2 + w_2",
                   lambda w1, w2, x1, x2: _sig_slope(w1, w2, x1, x2) * x2 + w2),
    )
}


@dataclass(frozen=True)
class Check:
    """One gradient three ways, at one point."""

    variable: str
    closed_form: float
    engine: float
    finite_difference: float

    @property
    def max_difference(self) -> float:
        a, b, c = self.closed_form, self.engine, self.finite_difference
        return max(abs(a - b), abs(a - c), abs(b - c))


def _example(w1, w2, x1, x2):
    return sigmoid_neuron_with_l2(w1, w2, x1, x2, backward=False)


def check(variable: str, point: dict[str, float] | None = None) -> Check:
    """Evaluate ∂f/∂variable at ``point`` (the example's point by default) three ways:
    the closed form, the engine and finite differences."""
    point = examples.EXAMPLE_POINT if point is None else point
    args = [point[name] for name in VARIABLES]
    f = sigmoid_neuron_with_l2(*args)
    # The leaves are labelled "w₁", ...: their slugs are the variable names.
    leaves = {slug(n.label): n for n in topological_order(f) if not n.inputs and n.label}
    index = VARIABLES.index(variable)
    engine = leaves[variable].grad
    numeric = numeric_gradient(_example, args, eps=EPS)[index]
    return Check(variable, CLOSED_FORMS[variable].evaluate(*args), engine, numeric)


def verify(result: Check, tolerance: float = TOLERANCE) -> Check:
    """Return ``result``, or raise :class:`DerivationMismatch` if two of its values differ by more than ``tolerance``."""
    if not result.max_difference <= tolerance:
        raise DerivationMismatch(
            f"∂f/∂{result.variable}: closed form {result.closed_form!r}, engine {result.engine!r}, "
            f"finite differences {result.finite_difference!r} differ by up to {result.max_difference:.3e} "
            f"(allowed {tolerance:g})"
        )
    return result


def verify_all(point: dict[str, float] | None = None) -> list[Check]:
    """Check every closed form; raise :class:`DerivationMismatch` at the first disagreement."""
    return [verify(check(variable, point)) for variable in CLOSED_FORMS]


def boxed(variable: str) -> str:
    """The boxed result for ∂f/∂variable, as display math."""
    form = CLOSED_FORMS[variable]
    return f"$$\n\\boxed{{\\frac{{\\partial f}}{{\\partial {form.variable_latex}}} = {form.latex}}}\n$$\n"


def check_table(variable: str) -> str:
    """The boxed result evaluated three ways at the example point, as Markdown; fails on a mismatch."""
    result = verify(check(variable))
    point = ", ".join(
        f"${CLOSED_FORMS[name].variable_latex} = {examples.EXAMPLE_POINT[name]:g}$" for name in VARIABLES
    )
    return (
        f"| At {point} | ${{\\partial f}}/{{\\partial {CLOSED_FORMS[variable].variable_latex}}}$ |\n"
        "|---|--:|\n"
        f"| Closed form above | {result.closed_form:.12f} |\n"
        f"| Engine, `backward()` | {result.engine:.12f} |\n"
        f"| Finite difference, step {EPS:g} | {result.finite_difference:.12f} |\n"
        f"| Largest difference (limit {TOLERANCE:g}) | {result.max_difference:.1e} ✓ |\n"
    )
