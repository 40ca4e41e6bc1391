"""Check the engine's gradients against central finite differences.

>>> result = gradcheck(lambda a, b: (a * b).tanh() + a ** 2, [0.3, -1.2])
>>> result.ok
True
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Sequence

from .value import NON_NEGATIVE, POSITIVE, Value, _short_repr, as_float, checked_setting


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


def _inputs(inputs, where: str) -> list[float]:
    """The point to check at: one finite float per input (a Value gives its data)."""
    if isinstance(inputs, (str, bytes, Value)) or not hasattr(inputs, "__len__"):
        raise TypeError(
            f"{where} expects inputs as a list of numbers, one per argument of f, "
            f"got {type(inputs).__name__} {_short_repr(inputs)}"
        )
    if len(inputs) == 0:
        raise ValueError(f"{where} expects inputs with at least one number (one per argument of f), got none")
    return [as_float(v.data if isinstance(v, Value) else v, f"{where}: inputs[{i}]") for i, v in enumerate(inputs)]


def _call(f: Callable[..., Value], values: list[Value], where: str) -> Value:
    """``f(*values)``, which must be a Value."""
    out = f(*values)
    if not isinstance(out, Value):
        raise TypeError(
            f"{where} expects f to return a Value (a function of the Values it is given), "
            f"got {type(out).__name__} {_short_repr(out)}"
        )
    return out


def _check_f(f, where: str) -> None:
    if not callable(f):
        raise TypeError(f"{where} expects f as a function of Values returning a Value, got {type(f).__name__} {_short_repr(f)}")


def numeric_gradient(f: Callable[..., Value], point: Sequence[float], eps: float = 1e-6) -> list[float]:
    """∂f/∂x_i at ``point`` by central differences, (f(x + eps) - f(x - eps)) / 2 eps.

    >>> numeric_gradient(lambda a: a * a, [3.0], eps=0.0)
    Traceback (most recent call last):
    ...
    ValueError: numeric_gradient expects eps as a finite number > 0, got 0.0
    """
    _check_f(f, "numeric_gradient")
    point = _inputs(point, "numeric_gradient")
    return _numeric_gradient(f, point, checked_setting(eps, "eps", "numeric_gradient", *POSITIVE), "numeric_gradient")


def _numeric_gradient(f: Callable[..., Value], point: list[float], eps: float, where: str) -> list[float]:
    return central_differences(lambda at: _call(f, [Value(v) for v in at], where).data, point, eps, where)


def central_differences(f: Callable[[list[float]], float], point: Sequence[float], eps: float,
                        where: str = "central_differences") -> list[float]:
    """∂f/∂xᵢ at ``point`` for a function of a list of floats: (f(x + eps·eᵢ) - f(x - eps·eᵢ)) / 2 eps.

    The one finite-difference routine of the package: gradcheck, gradgradcheck and the
    docs' checks all use it.

    >>> [round(d, 6) for d in central_differences(lambda x: x[0] * x[1], [3.0, 2.0], 1e-6)]
    [2.0, 3.0]
    """
    grads = []
    for i in range(len(point)):
        up, down = list(point), list(point)
        up[i] += eps
        down[i] -= eps
        if up[i] == down[i]:
            raise ValueError(
                f"{where}: eps = {eps!r} is too small to move inputs[{i}] = {point[i]!r} "
                "(a float that large has no neighbours that close): use a larger eps"
            )
        grads.append((f(up) - f(down)) / (2 * eps))
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

    With arrays as inputs, ``f`` takes one Tensor per array and returns a
    Tensor of any shape; the check is on the sum of its elements weighted by
    fixed random numbers, so every element counts, and the lists hold every
    element of every input in turn.

    >>> import numpy as np
    >>> gradcheck(lambda a, b: (a @ b).tanh(), [np.ones((2, 3)) / 4, np.eye(3)[:, :2]]).ok
    True
    """
    eps, atol, rtol = _checked_settings("gradcheck", f, eps, atol, rtol)
    if isinstance(inputs, (list, tuple)) and any(hasattr(x, "shape") for x in inputs):
        return _gradcheck_arrays(f, inputs, eps, atol, rtol, raise_on_failure)
    point = _inputs(inputs, "gradcheck")
    values = [Value(v) for v in point]
    _call(f, values, "gradcheck").backward()
    analytic = [v.grad for v in values]
    numeric = _numeric_gradient(f, point, eps, "gradcheck")
    return _compare(analytic, numeric, atol, rtol, raise_on_failure, [f"input {i} (at {v!r})" for i, v in enumerate(point)])


def _gradcheck_arrays(f, inputs, eps, atol, rtol, raise_on_failure) -> GradcheckResult:
    import numpy as np

    from .tensor import Tensor

    arrays = [np.array(x.data if isinstance(x, Tensor) else x, dtype=np.float64) for x in inputs]
    leaves = [Tensor(a, requires_grad=True) for a in arrays]
    out = f(*leaves)
    if not isinstance(out, Tensor):
        raise TypeError(f"gradcheck expects f to return a Tensor when the inputs are arrays, got {type(out).__name__}")
    weights = np.random.default_rng(0).uniform(-1.0, 1.0, size=out.shape)
    if out.requires_grad:
        (out * Tensor(weights)).sum().backward()
    sizes = [a.size for a in arrays]

    def weighted(flat: list[float]) -> float:
        parts = np.split(np.asarray(flat), np.cumsum(sizes)[:-1])
        return float((f(*[Tensor(p.reshape(a.shape)) for p, a in zip(parts, arrays)]).data * weights).sum())

    flat = [v for a in arrays for v in a.reshape(-1).tolist()]
    analytic = [v for leaf in leaves for v in
                (np.zeros(leaf.size) if leaf.grad is None else leaf.grad.reshape(-1)).tolist()]
    names = [f"element {index} of input {i}" for i, a in enumerate(arrays) for index in np.ndindex(a.shape)]
    return _compare(analytic, central_differences(weighted, flat, eps, "gradcheck"), atol, rtol, raise_on_failure, names)


def gradgradcheck(
    f: Callable[..., Value],
    inputs: Sequence[float],
    eps: float = 1e-5,
    atol: float = 1e-5,
    rtol: float = 1e-4,
    raise_on_failure: bool = False,
) -> GradcheckResult:
    """Compare second derivatives with finite differences of the first, for ``f(*inputs)``.

    The engine's :func:`autograd.derivatives.hessian` (a backward pass run with
    ``create_graph=True``, then differentiated again) against central
    differences of the engine's first derivatives, entry by entry (row-major
    in the result's lists); tolerances as in :func:`gradcheck`.

    >>> gradgradcheck(lambda a, b: (a * b).sigmoid() + a ** 3, [0.3, -1.2]).ok
    True
    """
    from .derivatives import grad, hessian

    eps, atol, rtol = _checked_settings("gradgradcheck", f, eps, atol, rtol)
    point = _inputs(inputs, "gradgradcheck")

    def first_derivatives(at: list[float]) -> list[float]:
        xs = [Value(v) for v in at]
        return grad(_call(f, xs, "gradgradcheck"), xs)

    analytic = [h for row in hessian(f, point) for h in row]
    n = len(point)
    # Row i of the Hessian is the gradient of ∂f/∂xᵢ, which central differences of that one derivative give.
    numeric = [d for i in range(n)
               for d in central_differences(lambda at: first_derivatives(at)[i], point, eps, "gradgradcheck")]
    return _compare(analytic, numeric, atol, rtol, raise_on_failure,
                    [f"∂²f/∂x{i}∂x{j} (at {point!r})" for i in range(n) for j in range(n)])


def _checked_settings(where: str, f, eps, atol, rtol) -> tuple[float, float, float]:
    """A check's function and its step and tolerances, checked: eps > 0, atol and rtol ≥ 0."""
    _check_f(f, where)
    return (checked_setting(eps, "eps", where, *POSITIVE), checked_setting(atol, "atol", where, *NON_NEGATIVE),
            checked_setting(rtol, "rtol", where, *NON_NEGATIVE))


def _compare(analytic, numeric, atol, rtol, raise_on_failure, names) -> GradcheckResult:
    """The engine's derivatives against the numeric ones: passes where |a - n| ≤ atol + rtol·|n|."""
    abs_errors = [abs(a - n) for a, n in zip(analytic, numeric)]
    rel_errors = [e / max(abs(a), abs(n), 1e-12) for e, a, n in zip(abs_errors, analytic, numeric)]
    failures = [i for i, (e, n) in enumerate(zip(abs_errors, numeric)) if e > atol + rtol * abs(n)]
    result = GradcheckResult(
        analytic, numeric, max(abs_errors, default=0.0), max(rel_errors, default=0.0), not failures
    )
    if failures and raise_on_failure:
        i = failures[0]
        raise GradcheckError(
            f"gradient of {names[i]} disagrees: engine {analytic[i]!r}, "
            f"finite differences {numeric[i]!r} (allowed |difference| ≤ {atol} + {rtol}·|numeric|)"
        )
    return result
