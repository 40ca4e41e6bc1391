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
import contextvars
import numbers

import numpy as np

from .ops import OPS
from .value import forward_error, topological_order

# A context variable, not a global: each thread (and each asyncio task) has its own
# switch, so no_grad() in one thread never turns gradients off in another.
_grad_enabled = contextvars.ContextVar("autograd_grad_enabled", default=True)


@contextlib.contextmanager
def no_grad():
    """Within this block, ops record no graph: results have ``requires_grad=False``.

    The switch belongs to the current thread (and asyncio task), and blocks nest:
    leaving one restores whatever was in force when it was entered.

    >>> w = Tensor([1.0, 2.0], requires_grad=True)
    >>> with no_grad():
    ...     y = w * 2
    >>> y.requires_grad
    False
    """
    token = _grad_enabled.set(False)
    try:
        yield
    finally:
        _grad_enabled.reset(token)


def _as_array(data, dtype) -> np.ndarray:
    """``data`` as a new array (never the caller's, as ``torch.tensor`` copies), checked."""
    try:
        array = np.array(data.data if isinstance(data, Tensor) else data, dtype=None)
    except ValueError:  # rows of different lengths
        raise ValueError(f"Tensor expects a rectangular array of numbers (rows of equal length), got {_shorten(data)}") from None
    if array.dtype.kind not in "biuf":
        raise TypeError(
            f"Tensor expects numbers (bool, int or float), got dtype {array.dtype} "
            f"from {type(data).__name__}"
        )
    if dtype is not None:
        dtype = np.dtype(dtype)
        if dtype.kind != "f":
            raise TypeError(f"Tensor expects a float dtype such as float32 or float64, got {dtype}")
        array = array.astype(dtype, copy=False)
    # Python floats give float64 and float32 arrays stay float32; ints and bools keep
    # their dtype (int64, bool), as in numpy and PyTorch, for labels, indices and masks.
    if array.dtype.kind == "f" and not np.isfinite(array).all():
        raise ValueError(
            f"Tensor got {_first_non_finite(array)}: the engine keeps every value finite, "
            "so NaN and inf are rejected as data"
        )
    return array


def _first_non_finite(array: np.ndarray) -> str:
    index = tuple(int(i) for i in np.argwhere(~np.isfinite(array))[0])
    return f"{array[index]} at index {index}" if index else str(array[()])


def _shorten(data, limit: int = 60) -> str:
    text = repr(data)
    return text if len(text) <= limit else f"{text[:limit]}… ({len(text)} characters)"


def _forward_error(op: str, inputs: tuple[Tensor, ...], out: np.ndarray, params: tuple = ()) -> ArithmeticError:
    """The error for an op whose result is not finite: at which element, which input values, and why."""
    index = tuple(int(i) for i in np.argwhere(~np.isfinite(out))[0])
    if op not in OPS or out.ndim < max(x.ndim for x in inputs):  # a reduction or a matmul
        shapes = " and ".join(str(x.shape) for x in inputs)
        return OverflowError(f"{op} of shape {shapes}: the result overflows {out.dtype}")
    values = [np.broadcast_to(x.data, out.shape)[index].item() for x in inputs] + list(params)
    if np.isnan(out[index]):
        cause = ValueError()
    elif op == "div" and values[1] == 0:
        cause = ZeroDivisionError()
    else:
        cause = None
    return forward_error(OPS[op], values, cause, at=f" at index {index}" if index else "")


def _sum_to_shape(grad: np.ndarray, shape: tuple) -> np.ndarray:
    """Undo numpy broadcasting: sum ``grad`` over the axes that broadcasting added or stretched."""
    if grad.shape == shape:
        return grad
    leading = grad.ndim - len(shape)
    if grad.shape[leading:] == shape:  # only leading axes were added, as for a bias
        return grad.sum(axis=tuple(range(leading)))
    stretched = tuple(i + leading for i, n in enumerate(shape) if n == 1 and grad.shape[i + leading] != 1)
    return grad.sum(axis=tuple(range(leading)) + stretched, keepdims=True).reshape(shape)


def _permutation(axes, ndim: int) -> tuple[int, ...]:
    """``axes`` for transpose with negative ones counted from the end, checked to be a permutation."""
    order = tuple(int(a) + ndim if -ndim <= a < 0 else int(a) for a in axes)
    if sorted(order) != list(range(ndim)):
        raise ValueError(f"transpose expects a permutation of the axes 0..{ndim - 1} (or -{ndim}..-1), got {axes}")
    return order


def _index_part(part):
    """One part of an index: a Tensor becomes its array, which must hold ints or bools (a mask)."""
    array = part.data if isinstance(part, Tensor) else part
    if isinstance(array, (np.ndarray, list)):
        array = np.asarray(array)
        if array.dtype.kind not in "biu" and not (array.size == 0 and array.dtype.kind == "f"):
            raise IndexError(
                f"index arrays must hold ints or bools (a mask), got dtype {array.dtype}: "
                "a float index such as 1.7 is refused rather than truncated"
            )
        return array
    if isinstance(array, float):
        raise IndexError(f"indices must be ints, slices or int/bool arrays, got the float {array!r}")
    return array


def _axes(axis, ndim: int) -> tuple[int, ...]:
    if axis is None:
        return tuple(range(ndim))
    axes = axis if isinstance(axis, tuple) else (axis,)
    return tuple(int(a) % ndim if ndim else 0 for a in axes)


class Tensor:
    """An n-dimensional array of floats in a computation graph.

    ``data`` is a numpy array, copied from what you pass, as ``torch.tensor``
    copies: float64 for Python floats, float32 for a float32 array or
    ``dtype="float32"``; ints and bools keep their dtype (for labels, indices
    and masks) and cannot require gradients. Data must be finite, and so must
    every result: an op that would give NaN or inf raises an error that names
    it and the input values. ``detach()`` shares the array instead. After ``result.backward()``, ``grad`` holds ∂result/∂self as an
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

    __slots__ = ("data", "grad", "requires_grad", "_op", "_vjp", "_inputs")
    __array_priority__ = 1000  # so ndarray + Tensor calls Tensor.__radd__, not numpy's broadcasting
    __hash__ = object.__hash__  # by identity, as before: == compares elements, so the graph's sets need this

    def __init__(self, data, requires_grad: bool = False, dtype=None):
        if not isinstance(requires_grad, (bool, np.bool_)):
            raise TypeError(f"Tensor expects requires_grad as True or False, got {requires_grad!r}")
        self.data = _as_array(data, dtype)
        if requires_grad and self.data.dtype.kind != "f":
            raise TypeError(
                f"Tensor with requires_grad=True needs float data, got dtype {self.data.dtype}: "
                "only real numbers have gradients; write the numbers as floats or pass dtype=\"float64\""
            )
        self.grad = None
        self.requires_grad = bool(requires_grad)
        self._op = "input"
        self._vjp = None
        self._inputs = ()

    @staticmethod
    def _node(data: np.ndarray, op: str, vjp, inputs: tuple[Tensor, ...], params: tuple = ()) -> Tensor:
        """The result of ``op``: checked finite; records ``vjp`` and ``inputs`` only if a gradient can flow.

        ``params`` are the op's constant arguments (pow's exponent), quoted in errors.
        """
        if data.dtype.kind == "f" and not np.isfinite(data).all():
            raise _forward_error(op, inputs, data, params)
        node = Tensor.__new__(Tensor)
        node.data = data
        node.grad = None
        # Every op has one or two inputs, so the first and the last are all of them.
        node.requires_grad = (inputs[0].requires_grad or inputs[-1].requires_grad) and _grad_enabled.get()
        node._op = op
        node._vjp = vjp if node.requires_grad else None
        node._inputs = inputs if node.requires_grad else ()
        return node

    @property
    def op(self) -> str:
        """The name of the op that made this tensor, or ``"input"`` for one made by ``Tensor(...)``."""
        return self._op

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
        if self.ndim == 0:
            raise TypeError("len() of a 0-d tensor: it has no first axis (use .item() for its value)")
        return len(self.data)

    def __iter__(self):
        """The sub-tensors along the first axis, each in the graph, as ``for row in x`` in PyTorch."""
        return (self[i] for i in range(len(self)))

    def __bool__(self) -> bool:
        if self.size != 1:
            raise ValueError(
                f"the truth value of a tensor of shape {self.shape} is ambiguous: "
                "use .any() or .all() on a comparison, e.g. (x > 0).all()"
            )
        return bool(self.data)

    def any(self) -> bool:
        """True if any element is non-zero."""
        return bool(self.data.any())

    def all(self) -> bool:
        """True if every element is non-zero."""
        return bool(self.data.all())

    # Comparisons compare elements, as in numpy and PyTorch, and give a bool tensor
    # outside the graph: a step function has no useful gradient.
    def _compare(self, other, compare) -> Tensor:
        other = other.data if isinstance(other, Tensor) else other
        return Tensor._leaf(np.asarray(compare(self.data, other)))

    def __eq__(self, other):
        return self._compare(other, np.equal)

    def __ne__(self, other):
        return self._compare(other, np.not_equal)

    def __lt__(self, other):
        return self._compare(other, np.less)

    def __le__(self, other):
        return self._compare(other, np.less_equal)

    def __gt__(self, other):
        return self._compare(other, np.greater)

    def __ge__(self, other):
        return self._compare(other, np.greater_equal)

    def item(self) -> float:
        """The value of a one-element tensor as a Python float."""
        return float(self.data.item())

    def tolist(self):
        return self.data.tolist()

    def numpy(self) -> np.ndarray:
        return self.data

    def detach(self) -> Tensor:
        """The same data (shared, not copied, as in PyTorch) as a new leaf that no gradient flows through.

        >>> x = Tensor([1.0, 2.0], requires_grad=True)
        >>> x.detach().data is x.data
        True
        """
        return Tensor._leaf(self.data)

    @staticmethod
    def _leaf(data: np.ndarray) -> Tensor:
        """A leaf around ``data`` itself, unchecked and uncopied: for arrays the engine made."""
        leaf = Tensor.__new__(Tensor)
        leaf.data, leaf.grad, leaf.requires_grad = data, None, False
        leaf._op, leaf._vjp, leaf._inputs = "input", None, ()
        return leaf

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
        if isinstance(other, numbers.Number) and not isinstance(other, bool) and self.data.dtype.kind == "f":
            # Plain numbers take a float tensor's dtype, so float32 stays float32.
            return Tensor(np.asarray(other, dtype=self.data.dtype))
        return Tensor(other)

    def _elementwise(self, name: str, *inputs: Tensor) -> Tensor:
        op = OPS[name]
        return Tensor._node(op.forward(np, *[x.data for x in inputs]), name, op.vjp, inputs)

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
            "pow",
            lambda g, out, a: pow_.vjp(g, out, a, n)[:1],  # the exponent is a constant
            (self,),
            params=(n,),
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

        return Tensor._node(self.data.sum(axis=axis, keepdims=keepdims), "sum", vjp, (self,))

    def mean(self, axis=None, keepdims: bool = False) -> Tensor:
        """Mean over ``axis`` (an int, a tuple of ints, or None for all).

        >>> Tensor([[1.0, 2.0], [3.0, 4.0]]).mean(axis=1, keepdims=True)
        Tensor([[1.5],
                [3.5]])
        """
        count = int(np.prod([self.shape[a] for a in _axes(axis, self.ndim)]))
        if count == 0:
            raise ValueError(f"mean of an empty tensor (shape {self.shape}, axis={axis!r}) is undefined")
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
        if self.size == 0:
            raise ValueError(f"max of an empty tensor (shape {self.shape}) is undefined")
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
        return Tensor._node(out, "max", vjp, (self,))

    # --- shape ops --------------------------------------------------------------

    def reshape(self, *shape) -> Tensor:
        """The same elements in a new shape, as ``ndarray.reshape``."""
        if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
            shape = tuple(shape[0])
        before = self.shape
        return Tensor._node(self.data.reshape(shape), "reshape", lambda g, out, a: (g.reshape(before),), (self,))

    def transpose(self, *axes) -> Tensor:
        """Axes permuted (reversed when none are given), as ``ndarray.transpose``."""
        if len(axes) == 1 and isinstance(axes[0], (tuple, list)):
            axes = tuple(axes[0])
        order = _permutation(axes, self.ndim) if axes else tuple(reversed(range(self.ndim)))
        inverse = tuple(int(i) for i in np.argsort(order))
        return Tensor._node(
            self.data.transpose(order), "transpose", lambda g, out, a: (g.transpose(inverse),), (self,)
        )

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
        index = tuple(_index_part(i) for i in index) if isinstance(index, tuple) else _index_part(index)

        def vjp(g, out, a):
            grad = np.zeros_like(a)
            np.add.at(grad, index, g)  # add.at, so that a repeated index collects every gradient
            return (grad,)

        return Tensor._node(self.data[index], "getitem", vjp, (self,))

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

        return Tensor._node(out, "log_softmax", vjp, (self,))

    def softmax(self, axis: int = -1) -> Tensor:
        """Probabilities along ``axis`` that sum to 1, computed without overflow.

        >>> Tensor([[0.0, 0.0]]).softmax().tolist()
        [[0.5, 0.5]]
        """
        out = _softmax(self.data, axis)

        def vjp(g, out, a):
            return (out * (g - (g * out).sum(axis=axis, keepdims=True)),)

        return Tensor._node(out, "softmax", vjp, (self,))

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
            for i, (x, g) in enumerate(zip(inputs, grads)):
                if x.requires_grad:
                    _accumulate(x, _sum_to_shape(g, x.data.shape))
                    if not np.isfinite(x.grad).all():
                        raise _gradient_error(node, i, g)


def _accumulate(node: Tensor, grad: np.ndarray) -> None:
    if node._inputs:  # an intermediate: its gradient is only read by this pass, sharing is safe
        node.grad = grad if node.grad is None else node.grad + grad
    elif node.grad is None:  # a leaf owns its gradient array, so later passes can add in place
        node.grad = np.array(grad, dtype=node.data.dtype)
    else:
        node.grad += grad


def _gradient_error(node: Tensor, i: int, local: np.ndarray) -> ArithmeticError:
    """The error for a backward step through ``node`` that left input ``i``'s gradient non-finite."""
    shapes = " and ".join(str(x.shape) for x in node._inputs)
    where = f"backward through {node.op} of shape {shapes}"
    if np.isfinite(local).all():
        return OverflowError(
            f"{where}: adding its contribution to the gradient that input {i} already holds "
            f"(from another path, or an earlier backward()) overflows {local.dtype}"
        )
    index = tuple(int(k) for k in np.argwhere(~np.isfinite(local))[0])
    message = f"{where}: the gradient of input {i} is not finite at index {index}"
    if node.op in OPS:  # elementwise: quote the inputs there, as the forward errors do
        op = OPS[node.op]
        values = [np.broadcast_to(x.data, local.shape)[index].item() for x in node._inputs]
        message += " (" + ", ".join(f"{name} = {v!r}" for name, v in zip(op.inputs, values)) + ")"
    return ArithmeticError(message)


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
    return Tensor._node(np.matmul(a.data, b.data), "matmul", vjp, (a, b))


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
    if not isinstance(logits, Tensor):
        try:
            logits = Tensor(logits)
        except (TypeError, ValueError) as error:
            raise type(error)(f"cross_entropy got logits that are not a tensor: {error}") from None
    if logits.ndim != 2:
        raise ValueError(f"cross_entropy expects logits of shape (batch, classes), got shape {logits.shape}")
    if isinstance(eps, bool) or not isinstance(eps, numbers.Real) or not 0 <= eps < 1:
        raise ValueError(f"cross_entropy expects eps as a number with 0 ≤ eps < 1, got {eps!r}")
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

    return Tensor._node(np.array(loss, dtype=logits.dtype), "cross_entropy", vjp, (logits,))


def log_softmax(x: Tensor, axis: int = -1) -> Tensor:
    """Function form of :meth:`Tensor.log_softmax`."""
    return x.log_softmax(axis)
