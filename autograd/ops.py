"""The op registry: one definition of every primitive operation.

Each :class:`Op` holds, side by side,

* ``forward(xp, *inputs)``: the value of the op. ``xp`` is the math namespace to
  use: :data:`SCALAR_MATH` for plain floats, or ``numpy`` for arrays, so one rule
  serves both engines.
* ``vjp(grad, out, *inputs)``: the local gradient rule. Given the upstream
  gradient ``grad`` (∂f/∂out), the op's output ``out`` and its inputs, it returns
  ∂f/∂input for every input. It uses only arithmetic, so it too works on floats
  and arrays alike.
* the LaTeX of both, a one-line description and the template that writes the op
  as an expression (used by traces and graph figures).

The scalar engine (:mod:`autograd.value`), the docs' operations table and the
tests all read this registry, so a rule is written exactly once.

>>> OPS["mul"].forward(SCALAR_MATH, 3.0, 4.0)
12.0
>>> OPS["mul"].vjp(1.0, 12.0, 3.0, 4.0)
(4.0, 3.0)
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable


class _ScalarMath:
    """The few numpy-style functions the forward rules need, for Python floats."""

    exp = staticmethod(math.exp)
    log = staticmethod(math.log)
    tanh = staticmethod(math.tanh)

    @staticmethod
    def where(condition: bool, a: float, b: float) -> float:
        return a if condition else b

    @staticmethod
    def maximum(a: float, b: float) -> float:
        return a if a > b else b


SCALAR_MATH = _ScalarMath()


@dataclass(frozen=True)
class Op:
    """One primitive operation: its forward rule, gradient rule, maths and words."""

    name: str
    inputs: tuple[str, ...]  # the inputs' names, as used in the LaTeX and in errors
    forward: Callable
    vjp: Callable
    forward_latex: str
    grad_latex: str
    description: str
    expression: str  # str.format template over the input names, e.g. "{0} * {1}"
    domain: str | None = None  # what the inputs must satisfy, quoted in errors

    @property
    def arity(self) -> int:
        return len(self.inputs)

    def __repr__(self) -> str:
        return f"Op({self.name!r})"


def _sigmoid(xp, a):
    # e = exp(-|a|) lies in (0, 1], so nothing overflows, and neither form subtracts:
    # 1 / (1 + e) for a ≥ 0 and e / (1 + e) = 1 / (1 + e^-a) for a < 0 are both
    # accurate to the last bits on their own tail. (0.5 (1 + tanh(a/2)) is not: it
    # cancels for negative a and is exactly 0 below about -37.)
    e = xp.exp(-abs(a))
    return xp.where(a >= 0, 1.0, e) / (1.0 + e)


def _pow_vjp(g, out, a, n):
    # n a^(n-1) at a = 0 would be 0 · 0^-1 for n = 0, where the derivative of the constant a^0 is 0.
    # The exponent is a constant, so its gradient is never used: report 0.
    return (g * n * a ** (n - 1) if n != 0 else 0.0 * g), 0.0 * g


_REGISTRY = [
    Op("add", ("a", "b"),
       forward=lambda xp, a, b: a + b,
       vjp=lambda g, out, a, b: (g, g),
       forward_latex=r"a + b",
       grad_latex=r"\frac{\partial}{\partial a} = 1,\quad \frac{\partial}{\partial b} = 1",
       description="Sum. The gradient passes through unchanged to both inputs.",
       expression="{0} + {1}"),
    Op("sub", ("a", "b"),
       forward=lambda xp, a, b: a - b,
       vjp=lambda g, out, a, b: (g, -g),
       forward_latex=r"a - b",
       grad_latex=r"\frac{\partial}{\partial a} = 1,\quad \frac{\partial}{\partial b} = -1",
       description="Difference. The subtrahend receives the negated gradient.",
       expression="{0} - {1}"),
    Op("mul", ("a", "b"),
       forward=lambda xp, a, b: a * b,
       vjp=lambda g, out, a, b: (g * b, g * a),
       forward_latex=r"a \cdot b",
       grad_latex=r"\frac{\partial}{\partial a} = b,\quad \frac{\partial}{\partial b} = a",
       description="Product. Each input's gradient is scaled by the other input.",
       expression="{0} * {1}"),
    Op("div", ("a", "b"),
       forward=lambda xp, a, b: a / b,
       vjp=lambda g, out, a, b: (g / b, -g * out / b),
       forward_latex=r"\frac{a}{b}",
       grad_latex=r"\frac{\partial}{\partial a} = \frac{1}{b},\quad \frac{\partial}{\partial b} = -\frac{a}{b^2}",
       description="Quotient. The denominator must not be zero.",
       expression="{0} / {1}",
       domain="b ≠ 0"),
    Op("neg", ("a",),
       forward=lambda xp, a: -a,
       vjp=lambda g, out, a: (-g,),
       forward_latex=r"-a",
       grad_latex=r"\frac{\partial}{\partial a} = -1",
       description="Negation.",
       expression="-{0}"),
    Op("pow", ("a", "n"),
       forward=lambda xp, a, n: a ** n,
       vjp=_pow_vjp,
       forward_latex=r"a^{n}",
       grad_latex=r"\frac{\partial}{\partial a} = n\,a^{n-1}",
       description="Power with a constant number exponent n.",
       expression="{0} ** {1}",
       domain="a > 0, or an integer n (n ≥ 0 when a = 0)"),
    Op("exp", ("a",),
       forward=lambda xp, a: xp.exp(a),
       vjp=lambda g, out, a: (g * out,),
       forward_latex=r"e^{a}",
       grad_latex=r"\frac{\partial}{\partial a} = e^{a}",
       description="Exponential. Its gradient is its own output.",
       expression="exp({0})",
       domain="a ≤ 709.78"),
    Op("log", ("a",),
       forward=lambda xp, a: xp.log(a),
       vjp=lambda g, out, a: (g / a,),
       forward_latex=r"\ln a",
       grad_latex=r"\frac{\partial}{\partial a} = \frac{1}{a}",
       description="Natural logarithm, defined for a > 0.",
       expression="log({0})",
       domain="a > 0"),
    Op("relu", ("a",),
       # "+ 0.0" turns the -0.0 that a negative input would give into 0.0.
       forward=lambda xp, a: xp.maximum(a, 0.0) + 0.0,
       vjp=lambda g, out, a: (g * (a > 0),),
       forward_latex=r"\max(0, a)",
       grad_latex=r"\frac{\partial}{\partial a} = \begin{cases} 1 & a > 0 \\ 0 & a \le 0 \end{cases}",
       description="Rectified linear unit. The gradient at 0 is taken as 0.",
       expression="relu({0})"),
    Op("tanh", ("a",),
       forward=lambda xp, a: xp.tanh(a),
       vjp=lambda g, out, a: (g * (1.0 - out * out),),
       forward_latex=r"\tanh a",
       grad_latex=r"\frac{\partial}{\partial a} = 1 - \tanh^2 a",
       description="Hyperbolic tangent.",
       expression="tanh({0})"),
    Op("sigmoid", ("a",),
       forward=_sigmoid,
       vjp=lambda g, out, a: (g * out * (1.0 - out),),
       forward_latex=r"\sigma(a) = \frac{1}{1 + e^{-a}}",
       grad_latex=r"\frac{\partial}{\partial a} = \sigma(a)\,\bigl(1 - \sigma(a)\bigr)",
       description="Logistic sigmoid, computed without overflow for any input.",
       expression="σ({0})"),
]

OPS: dict[str, Op] = {op.name: op for op in _REGISTRY}
"""Every primitive op, by name, in the order the docs list them."""
