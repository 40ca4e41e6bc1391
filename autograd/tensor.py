"""The Tensor engine: the scalar engine's semantics, one numpy array per node.

A :class:`Tensor` wraps an ndarray and, like a :class:`~autograd.value.Value`,
remembers the op and the inputs that made it. The elementwise ops take their
forward and gradient rules from the same registry as the scalar engine
(:mod:`autograd.ops`), run with ``xp = numpy``; matmul, reductions, shape ops,
indexing and the fused softmax losses add their own rules here. Gradients
follow numpy broadcasting: each one is summed back to its input's shape.

>>> w = Tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
>>> x = Tensor([[1.0, -1.0], [0.5, 0.5]])
>>> loss = (x @ w).relu().sum()  # only the second row's outputs are positive
>>> loss.backward()
>>> loss.item(), w.grad.tolist()
(5.0, [[0.5, 0.5], [0.5, 0.5]])
"""

from __future__ import annotations

import contextlib
import numbers

import numpy as np

from .ops import OPS
from .value import topological_order

_grad_enabled = True


@contextlib.contextmanager
def no_grad():
    """Within this block, ops record no graph: results have ``requires_grad=False``.

    >>> w = Tensor([1.0, 2.0], requires_grad=True)
    >>> with no_grad():
    ...     y = w * 2
    >>> y.requires_grad
    False
    """
    global _grad_enabled
    previous, _grad_enabled = _grad_enabled, False
    try:
        yield
    finally:
        _grad_enabled = previous


def _as_array(data, dtype) -> np.ndarray:
    array = np.asarray(data.data if isinstance(data, Tensor) else data)
    if array.dtype.kind not in "biuf":
        raise TypeError(
            f"Tensor expects numbers (bool, int or float), got dtype {array.dtype} "
            f"from {type(data).__name__}"
        )
    if dtype is not None:
        dtype = np.dtype(dtype)
        if dtype.kind != "f":
            raise TypeError(f"Tensor expects a float dtype such as float32 or float64, got {dtype}")
        return array.astype(dtype, copy=False)
    # Floats keep their precision; bools and ints become float64, the default.
    return array if array.dtype.kind == "f" else array.astype(np.float64)


def _sum_to_shape(grad: np.ndarray, shape: tuple) -> np.ndarray:
    """Undo numpy broadcasting: sum ``grad`` over the axes that broadcasting added or stretched."""
    if grad.shape == shape:
        return grad
    leading = grad.ndim - len(shape)
    if grad.shape[leading:] == shape:  # only leading axes were added, as for a bias
        return grad.sum(axis=tuple(range(leading)))
    stretched = tuple(i + leading for i, n in enumerate(shape) if n == 1 and grad.shape[i + leading] != 1)
    return grad.sum(axis=tuple(range(leading)) + stretched, keepdims=True).reshape(shape)


def _axes(axis, ndim: int) -> tuple[int, ...]:
    if axis is None:
        return tuple(range(ndim))
    axes = axis if isinstance(axis, tuple) else (axis,)
    return tuple(int(a) % ndim if ndim else 0 for a in axes)


class Tensor:
    """An n-dimensional array of floats in a computation graph.

    ``data`` is a numpy array (float64 unless a float32 array or ``dtype`` is
    given). After ``result.backward()``, ``grad`` holds ∂result/∂self as an
    array of the same shape, for every tensor with ``requires_grad=True``;
    it is ``None`` before. Gradients of leaves accumulate across backward
    calls, as in PyTorch: call ``zero_grad()`` between steps.

    >>> a = Tensor([1.0, 2.0, 3.0], requires_grad=True)
    >>> (a * a).sum().backward()
    >>> a.grad
    array([2., 4., 6.])
    >>> Tensor([1, 2], dtype="float32").dtype
    dtype('float32')
    """

    __slots__ = ("data", "grad", "requires_grad", "_vjp", "_inputs")
    __array_priority__ = 1000  # so ndarray + Tensor calls Tensor.__radd__, not numpy's broadcasting

    def __init__(self, data, requires_grad: bool = False, dtype=None):
        self.data = _as_array(data, dtype)
        self.grad = None
        self.requires_grad = bool(requires_grad)
        self._vjp = None
        self._inputs = ()

    @staticmethod
    def _node(data: np.ndarray, vjp, inputs: tuple[Tensor, ...]) -> Tensor:
        """The result of an op: records ``vjp`` and ``inputs`` only if a gradient can flow."""
        node = Tensor.__new__(Tensor)
        node.data = data
        node.grad = None
        # Every op has one or two inputs, so the first and the last are all of them.
        node.requires_grad = _grad_enabled and (inputs[0].requires_grad or inputs[-1].requires_grad)
        node._vjp = vjp if node.requires_grad else None
        node._inputs = inputs if node.requires_grad else ()
        return node

    # --- array facts ----------------------------------------------------------

    @property
    def shape(self) -> tuple[int, ...]:
        return self.data.shape

    @property
    def ndim(self) -> int:
        return self.data.ndim

    @property
    def dtype(self) -> np.dtype:
        return self.data.dtype

    @property
    def size(self) -> int:
        return self.data.size

    def __len__(self) -> int:
        return len(self.data)

    def item(self) -> float:
        """The value of a one-element tensor as a Python float."""
        return float(self.data.item())

    def tolist(self):
        return self.data.tolist()

    def numpy(self) -> np.ndarray:
        return self.data

    def detach(self) -> Tensor:
        """The same data (shared, not copied) as a new leaf that no gradient flows through."""
        return Tensor(self.data)

    def zero_grad(self) -> None:
        """Forget the accumulated gradient."""
        self.grad = None

    def __repr__(self) -> str:
        body = np.array2string(self.data, separator=", ", prefix="Tensor(")
        flag = ", requires_grad=True" if self.requires_grad else ""
        return f"Tensor({body}{flag})"

    # --- elementwise ops from the registry -------------------------------------

    def _lift(self, other) -> Tensor:
        if isinstance(other, Tensor):
            return other
        if isinstance(other, numbers.Number) and not isinstance(other, bool):
            # Plain numbers take this tensor's dtype, so float32 stays float32.
            return Tensor(np.asarray(other, dtype=self.data.dtype))
        return Tensor(other)

    def _elementwise(self, name: str, *inputs: Tensor) -> Tensor:
        op = OPS[name]
        return Tensor._node(op.forward(np, *[x.data for x in inputs]), op.vjp, inputs)

    def __add__(self, other):
        return self._elementwise("add", self, self._lift(other))

    def __radd__(self, other):
        return self._elementwise("add", self._lift(other), self)

    def __sub__(self, other):
        return self._elementwise("sub", self, self._lift(other))

    def __rsub__(self, other):
        return self._elementwise("sub", self._lift(other), self)

    def __mul__(self, other):
        return self._elementwise("mul", self, self._lift(other))

    def __rmul__(self, other):
        return self._elementwise("mul", self._lift(other), self)

    def __truediv__(self, other):
        return self._elementwise("div", self, self._lift(other))

    def __rtruediv__(self, other):
        return self._elementwise("div", self._lift(other), self)

    def __neg__(self):
        return self._elementwise("neg", self)

    def __pow__(self, exponent):
        if isinstance(exponent, bool) or not isinstance(exponent, numbers.Real):
            raise TypeError(
                f"pow expects a number exponent, got {type(exponent).__name__}; "
                "for a Tensor exponent b write (b * a.log()).exp()"
            )
        pow_ = OPS["pow"]
        n = float(exponent)
        return Tensor._node(
            pow_.forward(np, self.data, n),
            lambda g, out, a: pow_.vjp(g, out, a, n)[:1],  # the exponent is a constant
            (self,),
        )

    def exp(self) -> Tensor:
        """e to the power of every element."""
        return self._elementwise("exp", self)

    def log(self) -> Tensor:
        """Natural logarithm of every element."""
        return self._elementwise("log", self)

    def relu(self) -> Tensor:
        """max(0, x) elementwise, with gradient 0 at 0."""
        return self._elementwise("relu", self)

    def tanh(self) -> Tensor:
        """Hyperbolic tangent of every element."""
        return self._elementwise("tanh", self)

    def sigmoid(self) -> Tensor:
        """Logistic sigmoid of every element, without overflow."""
        return self._elementwise("sigmoid", self)

    # --- matmul -----------------------------------------------------------------

    def __matmul__(self, other):
        return matmul(self, self._lift(other))

    def __rmatmul__(self, other):
        return matmul(self._lift(other), self)

    # --- reductions -------------------------------------------------------------

    def sum(self, axis=None, keepdims: bool = False) -> Tensor:
        """Sum over ``axis`` (an int, a tuple of ints, or None for all).

        >>> Tensor([[1.0, 2.0], [3.0, 4.0]]).sum(axis=0)
        Tensor([4., 6.])
        """
        shape = self.shape

        def vjp(g, out, a):
            if not keepdims:
                g = np.expand_dims(g, _axes(axis, len(shape)))
            return (np.broadcast_to(g, shape),)

        return Tensor._node(self.data.sum(axis=axis, keepdims=keepdims), vjp, (self,))

    def mean(self, axis=None, keepdims: bool = False) -> Tensor:
        """Mean over ``axis`` (an int, a tuple of ints, or None for all).

        >>> Tensor([[1.0, 2.0], [3.0, 4.0]]).mean(axis=1, keepdims=True)
        Tensor([[1.5],
                [3.5]])
        """
        count = int(np.prod([self.shape[a] for a in _axes(axis, self.ndim)]))
        return self.sum(axis=axis, keepdims=keepdims) * (1.0 / count)

    def max(self, axis: int | None = None, keepdims: bool = False) -> Tensor:
        """Largest element over ``axis`` (an int or None). The gradient goes to
        the arg-max only (the first one, on ties).

        >>> x = Tensor([[1.0, 5.0], [7.0, 2.0]], requires_grad=True)
        >>> x.max(axis=1).sum().backward()
        >>> x.grad.tolist()
        [[0.0, 1.0], [1.0, 0.0]]
        """
        if axis is not None and not isinstance(axis, numbers.Integral):
            raise TypeError(f"max expects axis as an int or None, got {axis!r}")
        flat = self.data.reshape(-1) if axis is None else self.data
        along = 0 if axis is None else axis
        index = np.expand_dims(np.argmax(flat, axis=along), along)
        out = np.take_along_axis(flat, index, axis=along)
        shape = self.shape

        def vjp(g, out, a):
            grad = np.zeros_like(flat)
            np.put_along_axis(grad, index, np.reshape(g, index.shape), axis=along)
            return (grad.reshape(shape),)

        if axis is None:
            out = out.reshape((1,) * self.ndim if keepdims else ())
        elif not keepdims:
            out = np.squeeze(out, axis=along)
        return Tensor._node(out, vjp, (self,))

    # --- shape ops --------------------------------------------------------------

    def reshape(self, *shape) -> Tensor:
        """The same elements in a new shape, as ``ndarray.reshape``."""
        if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
            shape = tuple(shape[0])
        before = self.shape
        return Tensor._node(self.data.reshape(shape), lambda g, out, a: (g.reshape(before),), (self,))

    def transpose(self, *axes) -> Tensor:
        """Axes permuted (reversed when none are given), as ``ndarray.transpose``."""
        if len(axes) == 1 and isinstance(axes[0], (tuple, list)):
            axes = tuple(axes[0])
        order = axes or tuple(reversed(range(self.ndim)))
        inverse = tuple(np.argsort(order))
        return Tensor._node(self.data.transpose(order), lambda g, out, a: (g.transpose(inverse),), (self,))

    @property
    def T(self) -> Tensor:
        return self.transpose()

    def __getitem__(self, index) -> Tensor:
        """numpy indexing, including integer arrays: ``logits[rows, labels]``.

        >>> x = Tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
        >>> picked = x[[0, 1, 1], [1, 0, 0]]
        >>> picked.sum().backward()
        >>> x.grad.tolist()
        [[0.0, 1.0], [2.0, 0.0]]
        """
        if isinstance(index, Tensor):
            index = index.data.astype(np.intp)
        elif isinstance(index, tuple):
            index = tuple(i.data.astype(np.intp) if isinstance(i, Tensor) else i for i in index)

        def vjp(g, out, a):
            grad = np.zeros_like(a)
            np.add.at(grad, index, g)  # add.at, so that a repeated index collects every gradient
            return (grad,)

        return Tensor._node(self.data[index], vjp, (self,))

    # --- softmax family -----------------------------------------------------------

    def log_softmax(self, axis: int = -1) -> Tensor:
        """log(softmax(x)) along ``axis``, fused and stable: x - max - log Σ exp(x - max).

        >>> Tensor([[1e4, -1e4]]).log_softmax().tolist()
        [[0.0, -20000.0]]
        """
        shifted = self.data - self.data.max(axis=axis, keepdims=True)
        out = shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))

        def vjp(g, out, a):
            return (g - np.exp(out) * g.sum(axis=axis, keepdims=True),)

        return Tensor._node(out, vjp, (self,))

    def softmax(self, axis: int = -1) -> Tensor:
        """Probabilities along ``axis`` that sum to 1, computed without overflow.

        >>> Tensor([[0.0, 0.0]]).softmax().tolist()
        [[0.5, 0.5]]
        """
        out = _softmax(self.data, axis)

        def vjp(g, out, a):
            return (out * (g - (g * out).sum(axis=axis, keepdims=True)),)

        return Tensor._node(out, vjp, (self,))

    # --- backpropagation ----------------------------------------------------------

    def backward(self, grad=None) -> None:
        """Fill in ``grad`` on every tensor this one depends on that requires it.

        ``grad`` is ∂f/∂self; it may be left out only when self has one element
        (then it is 1). Leaves accumulate their gradient; intermediate tensors
        hold the gradient of the latest pass.

        >>> x = Tensor([1.0, 2.0], requires_grad=True)
        >>> (x * 3).backward(grad=[1.0, 10.0])
        >>> x.grad
        array([ 3., 30.])
        """
        if not self.requires_grad:
            raise RuntimeError(
                "backward() on a tensor that does not require grad: "
                "no input of it was created with requires_grad=True (or it was made under no_grad())"
            )
        if grad is None:
            if self.data.size != 1:
                raise RuntimeError(
                    f"backward() without a gradient argument needs a tensor with one element, "
                    f"got shape {self.shape}: pass grad= of that shape, or reduce with .sum() first"
                )
            grad = np.ones(self.data.shape, self.data.dtype)
        else:
            grad = _as_array(grad, self.dtype)
            if grad.shape != self.shape:
                raise ValueError(f"backward() got a gradient of shape {grad.shape} for a tensor of shape {self.shape}")
        order = topological_order(self)
        for node in order:
            if node._inputs:
                node.grad = None
        _accumulate(self, grad)
        for node in reversed(order):
            inputs = node._inputs
            if not inputs or node.grad is None:
                continue
            grads = node._vjp(node.grad, node.data, *[x.data for x in inputs])
            for x, g in zip(inputs, grads):
                if x.requires_grad:
                    _accumulate(x, _sum_to_shape(g, x.data.shape))


def _accumulate(node: Tensor, grad: np.ndarray) -> None:
    if node._inputs:  # an intermediate: its gradient is only read by this pass, sharing is safe
        node.grad = grad if node.grad is None else node.grad + grad
    elif node.grad is None:  # a leaf owns its gradient array, so later passes can add in place
        node.grad = np.array(grad, dtype=node.data.dtype)
    else:
        node.grad += grad


def _softmax(z: np.ndarray, axis: int) -> np.ndarray:
    # The row maximum is subtracted first, so the largest exponent is e^0 = 1.
    exps = np.exp(z - z.max(axis=axis, keepdims=True))
    return exps / exps.sum(axis=axis, keepdims=True)


def matmul(a: Tensor, b: Tensor) -> Tensor:
    """Matrix product ``a @ b`` with numpy's rules (1-D operands, batch broadcasting).

    >>> matmul(Tensor([[1.0, 2.0]]), Tensor([[3.0], [4.0]]))
    Tensor([[11.]])
    >>> Tensor([[1.0, 2.0]]) @ Tensor([[1.0, 2.0]])
    Traceback (most recent call last):
    ...
    ValueError: matmul: shapes (1, 2) and (1, 2) do not align: a has 2 columns but b has 1 rows
    """
    if a.ndim == 0 or b.ndim == 0:
        raise ValueError(f"matmul expects tensors with at least one dimension, got shapes {a.shape} and {b.shape}")
    inner_b = b.shape[0] if b.ndim == 1 else b.shape[-2]
    if a.shape[-1] != inner_b:
        raise ValueError(
            f"matmul: shapes {a.shape} and {b.shape} do not align: "
            f"a has {a.shape[-1]} columns but b has {inner_b} rows"
        )
    if a.ndim == 2 and b.ndim == 2:  # the common case: skip the product for an input that needs no gradient
        def vjp(g, out, a_data, b_data):
            return (g @ b_data.T if a.requires_grad else None, a_data.T @ g if b.requires_grad else None)
    else:
        vjp = _matmul_vjp
    return Tensor._node(np.matmul(a.data, b.data), vjp, (a, b))


def _matmul_vjp(g, out, a, b):    # Treat 1-D operands as a row (a) or a column (b), as numpy does, and put back
    # the axes that numpy dropped from the result.
    a2 = a.reshape(1, -1) if a.ndim == 1 else a
    b2 = b.reshape(-1, 1) if b.ndim == 1 else b
    if b.ndim == 1:
        g = np.expand_dims(g, -1)
    if a.ndim == 1:
        g = np.expand_dims(g, -2)
    grad_a = _sum_to_shape(g @ np.swapaxes(b2, -1, -2), a2.shape).reshape(a.shape)
    grad_b = _sum_to_shape(np.swapaxes(a2, -1, -2) @ g, b2.shape).reshape(b.shape)
    return grad_a, grad_b


def as_labels(labels, classes: int) -> np.ndarray:
    """Class indices as an int array, checked to lie in 0..classes-1.

    >>> as_labels([0, 2], classes=3)
    array([0, 2])
    >>> as_labels([0, 3], classes=3)
    Traceback (most recent call last):
    ...
    ValueError: cross_entropy: label 3 at index 1 is out of range: expected an int in 0..2
    """
    if isinstance(labels, Tensor):
        labels = labels.data
    array = labels if isinstance(labels, np.ndarray) else np.asarray(labels)
    if array.dtype.kind not in "iu" or array.ndim != 1:
        raise TypeError(f"cross_entropy expects a 1-D array of int class indices, got dtype {array.dtype} and shape {array.shape}")
    # One pass finds both kinds of bad label: read as unsigned, a negative label is huge.
    unsigned = array.view(np.dtype(f"u{array.itemsize}"))
    if array.size and unsigned.max() >= classes:
        i = int(np.argmax(unsigned >= classes))
        raise ValueError(
            f"cross_entropy: label {int(array[i])} at index {i} is out of range: expected an int in 0..{classes - 1}"
        )
    return array


def cross_entropy(logits: Tensor, labels, eps: float = 0.0) -> Tensor:
    """Mean negative log-likelihood of the true classes under ``softmax(logits)``, fused.

    ``logits`` has shape (batch, classes) and ``labels`` one class index per row.
    With ``eps = 0`` (the default) the loss is computed through a stable
    log-softmax, so it is finite for any finite logits. With ``eps > 0`` it is
    ``-log(p + eps)`` of the true class's probability ``p``, exactly the scalar
    engine's :func:`autograd.nn.cross_entropy_loss`.

    >>> logits = Tensor([[1e4, -1e4], [0.0, 0.0]], requires_grad=True)
    >>> loss = cross_entropy(logits, [1, 0])
    >>> round(loss.item(), 4)  # (20000 + log 2) / 2
    10000.3466
    >>> loss.backward()
    >>> logits.grad.tolist()
    [[0.5, -0.5], [-0.25, 0.25]]
    """
    if logits.ndim != 2:
        raise ValueError(f"cross_entropy expects logits of shape (batch, classes), got shape {logits.shape}")
    labels = as_labels(labels, logits.shape[1])
    if len(labels) != logits.shape[0]:
        raise ValueError(f"cross_entropy got {logits.shape[0]} rows of logits but {len(labels)} labels")
    count = len(labels)
    rows = np.arange(count)
    # The row maximum is subtracted first, so the largest exponent is e^0 = 1.
    shifted = logits.data - logits.data.max(axis=1, keepdims=True)
    exps = np.exp(shifted)
    totals = exps.sum(axis=1, keepdims=True)
    probabilities = exps / totals
    picked = probabilities[rows, labels]
    if eps == 0:
        log_p = shifted[rows, labels] - np.log(totals[:, 0])
    else:
        log_p = np.log(picked + eps)
    loss = -log_p.sum() / count

    def vjp(g, out, z):
        # d(-log(p_y + eps))/dz = c (p - onehot(y)), with c = p_y / (p_y + eps) (1 when eps = 0).
        scale = g / count
        if eps:
            scale = scale * (picked / (picked + eps))
            grad = probabilities * scale[:, None]
        else:
            grad = probabilities * scale
        grad[rows, labels] -= scale
        return (grad,)

    return Tensor._node(np.array(loss, dtype=logits.dtype), vjp, (logits,))


def log_softmax(x: Tensor, axis: int = -1) -> Tensor:
    """Function form of :meth:`Tensor.log_softmax`."""
    return x.log_softmax(axis)
