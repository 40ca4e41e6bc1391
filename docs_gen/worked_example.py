"""The worked example's statement as the pages write it: formula and point, from :mod:`autograd.examples`.

Pages call these instead of typing the point, so changing
:data:`autograd.examples.EXAMPLE_POINT` changes every page.

>>> point_math({"w1": 0.2, "w2": 0.4, "x1": -0.4, "x2": 0.5})
'$w_1 = 0.2$, $w_2 = 0.4$, $x_1 = -0.4$, $x_2 = 0.5$'
"""

from __future__ import annotations

from autograd import examples


def _latex_name(name: str) -> str:
    """``w1`` -> ``w_1``."""
    return f"{name[0]}_{name[1:]}"


def point_math(point: dict[str, float] | None = None) -> str:
    """The example's point as inline maths, e.g. ``$w_1 = 0.2$, ...``."""
    point = examples.EXAMPLE_POINT if point is None else point
    return ", ".join(f"${_latex_name(name)} = {point[name]:g}$" for name in examples.INPUT_LABELS)


def point_text(point: dict[str, float] | None = None) -> str:
    """The example's point as plain text, e.g. ``w₁ = 0.2, w₂ = 0.4, ...``."""
    point = examples.EXAMPLE_POINT if point is None else point
    return ", ".join(f"{label} = {point[name]:g}" for name, label in examples.INPUT_LABELS.items())


def formula() -> str:
    """The formula as prose writes it: f = σ(w₁x₁ + w₂x₂) + 0.5 (w₁² + w₂²)."""
    return examples.FORMULA


def statement() -> str:
    """The graph page's opening: the formula as display maths and the point it is evaluated at."""
    return f"$$\n{examples.FORMULA_LATEX},\n$$\n\nevaluated at {point_math()}."


def trace_intro() -> str:
    """The Trace page's opening paragraph: which function, at which point, in which order."""
    return (
        f"The trace lists every node of the worked example {formula()}, at {point_text()}, in the order the "
        "engine created it, which is also an order in which each node comes after its inputs. The forward value "
        "is the node's `data` after the forward pass; the gradient is the ∂f/∂node that `f.backward()` left in "
        "its `grad`."
    )
