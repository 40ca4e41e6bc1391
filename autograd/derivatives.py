"""Derivatives as functions, of any order: :func:`grad` and :func:`hessian`, for both engines.

``grad(output, inputs)`` returns ∂output/∂input for each input, like
``torch.autograd.grad``, and leaves every ``.grad`` as it was. With
``create_graph=True`` the gradients are graphs themselves (the registry's rules
ran on nodes instead of numbers), so they can be differentiated again:

>>> from autograd import Value
>>> x = Value(3.0)
>>> y = x ** 3
>>> (dy,) = grad(y, [x], create_graph=True)  # 3x², as a Value
>>> (d2y,) = grad(dy, [x])                   # 6x
>>> dy.data, d2y
(27.0, 18.0)

A second derivative costs more than a first: the backward pass that makes the
first derivative records a graph about as large as the one it walks, and the
second backward pass walks the forward graph and that new graph together.
Ops whose rule holds a step or a choice (relu, abs, clip, max, min) treat it as
a constant: its derivative is 0 wherever it exists, as in PyTorch.
"""

from __future__ import annotations

from .backprop import backpropagate, topological_order


def grad(output, inputs, grad_output=None, create_graph: bool = False, allow_unused: bool = False) -> list:
    """∂output/∂input for each of ``inputs`` (Values or Tensors), without touching any ``.grad``.

    ``grad_output`` is ∂f/∂output (1 when left out; required for a Tensor of
    more than one element). An input that ``output`` does not depend on raises
    ValueError, or, with ``allow_unused=True``, gets None, as in PyTorch.

    >>> from autograd import Tensor
    >>> w = Tensor([1.0, 2.0], requires_grad=True)
    >>> grad((w * w).sum(), [w])[0]
    array([2., 4.])
    """
    inputs = list(inputs)
    if not inputs:
        raise ValueError("grad expects at least one input to differentiate with respect to, got none")
    order = topological_order(output)
    reached = set(order)
    used = []
    for i, x in enumerate(inputs):
        if type(x) is not type(output):
            raise TypeError(f"grad expects inputs of the output's kind ({type(output).__name__}), got {type(x).__name__} at index {i}")
        used.append(x in reached and getattr(x, "requires_grad", True) is not False)
        if not (used[-1] or allow_unused):
            raise ValueError(f"grad: output does not depend on input {i} ({x!r}), so it has no gradient with respect to it")
    if not any(used):
        return [None] * len(inputs)
    leaves = [node for node in order if not node.inputs]
    kept = [node.grad for node in leaves]
    try:
        for node in leaves:
            node.grad = None  # so that each input's grad holds this pass's gradient alone
        backpropagate(output, output._seed(grad_output, create_graph), create_graph)
        return [x.grad if ok else None for x, ok in zip(inputs, used)]
    finally:
        for node, before in zip(leaves, kept):
            node.grad = before


def hessian(f, point):
    """The second derivatives ∂²f/∂xᵢ∂xⱼ of a scalar function ``f`` at ``point``, for small inputs.

    With a list of numbers, ``f`` takes one Value per number and the result is
    a list of rows. With an array (or Tensor), ``f`` takes one Tensor and
    returns a one-element Tensor, and the result is an array of shape
    ``point.shape + point.shape``. Each row is the gradient of one first
    derivative, which was built with ``create_graph=True``.

    >>> hessian(lambda a, b: a * a * b, [3.0, 2.0])  # [[2b, 2a], [2a, 0]]
    [[4.0, 6.0], [6.0, 0.0]]
    """
    if hasattr(point, "shape"):  # an array or a Tensor: the Tensor engine (and numpy) only now
        import numpy as np

        from .tensor import Tensor

        x = Tensor(point.data if isinstance(point, Tensor) else point, requires_grad=True)
        (first,) = grad(f(x), [x], create_graph=True)
        flat = first.reshape(-1)
        rows = [_gradients_or_zeros(flat[k], [x])[0].reshape(-1) for k in range(x.size)]
        return np.array(rows, dtype=x.dtype).reshape(x.shape + x.shape)
    from .value import Value, as_float

    xs = [Value(as_float(v, f"hessian: point[{i}]")) for i, v in enumerate(point)]
    return [_gradients_or_zeros(g, xs) for g in grad(f(*xs), xs, create_graph=True)]


def _gradients_or_zeros(first, xs) -> list:
    """The gradient of one first derivative; 0 for the inputs it does not depend on."""
    return [0.0 * x.data if g is None else g for x, g in zip(xs, grad(first, xs, allow_unused=True))]
