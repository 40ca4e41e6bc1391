"""Check the engine's gradients against central finite differences.

>>> result = gradcheck(lambda a, b: (a * b).tanh() + a ** 2, [0.3, -1.2])
>>> result.ok
True
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Sequence

from .value import Value, as_float


class GradcheckError(AssertionError):
    """Raised by ``gradcheck(..., raise_on_failure=True)`` when gradients disagree."""


@dataclass(frozen=True)
class GradcheckResult:
    """Engine and finite-difference gradients side by side, with the worst errors."""

    analytic: list[float]
    numeric: list[float]
    max_abs_error: float
    max_rel_error: float
    ok: bool


def numeric_gradient(f: Callable[..., Value], point: Sequence[float], eps: float = 1e-6) -> list[float]:
    """∂f/∂x_i at ``point`` by central differences, (f(x + eps) - f(x - eps)) / 2 eps."""
    grads = []
    for i in range(len(point)):
        up, down = list(point), list(point)
        up[i] += eps
        down[i] -= eps
        f_up = f(*[Value(v) for v in up]).data
        f_down = f(*[Value(v) for v in down]).data
        grads.append((f_up - f_down) / (2 * eps))
    return grads


def gradcheck(
    f: Callable[..., Value],
    inputs: Sequence[float],
    eps: float = 1e-6,
    atol: float = 1e-6,
    rtol: float = 1e-4,
    raise_on_failure: bool = False,
) -> GradcheckResult:
    """Compare ``backward()`` with finite differences for ``f(*inputs)``.

    ``f`` takes one Value per input and returns a Value. A gradient passes when
    ``|engine - numeric| <= atol + rtol * |numeric|``. The result carries both
    gradient lists and the worst absolute and relative errors; with
    ``raise_on_failure=True`` a failure raises :class:`GradcheckError` naming
    the input that disagreed.
    """
    point = [as_float(v.data if isinstance(v, Value) else v, "gradcheck input") for v in inputs]
    values = [Value(v) for v in point]
    f(*values).backward()
    analytic = [v.grad for v in values]
    numeric = numeric_gradient(f, point, eps)
    abs_errors = [abs(a - n) for a, n in zip(analytic, numeric)]
    rel_errors = [e / max(abs(a), abs(n), 1e-12) for e, a, n in zip(abs_errors, analytic, numeric)]
    failures = [i for i, (e, n) in enumerate(zip(abs_errors, numeric)) if e > atol + rtol * abs(n)]
    result = GradcheckResult(
        analytic, numeric, max(abs_errors, default=0.0), max(rel_errors, default=0.0), not failures
    )
    if failures and raise_on_failure:
        i = failures[0]
        raise GradcheckError(
            f"gradient of input {i} (at {point[i]!r}) disagrees: engine {analytic[i]!r}, "
            f"finite differences {numeric[i]!r} (allowed |difference| ≤ {atol} + {rtol}·|numeric|)"
        )
    return result
