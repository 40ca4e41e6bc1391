"""The Tensor engine: the scalar engine's semantics, one numpy array per node.

A :class:`Tensor` wraps an ndarray and, like a :class:`~autograd.value.Value`,
remembers the op (an entry of the registry in :mod:`autograd.ops`), its inputs
and the op's parameters (an axis, a shape, an index). Every op of this engine,
elementwise or not, takes its forward and gradient rules from that registry, run
on arrays; backpropagation is :func:`autograd.backprop.backpropagate`, shared
with the scalar engine. Gradients follow numpy broadcasting: each one is summed
back to its input's shape.

>>> w = Tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
>>> x = Tensor([[1.0, -1.0], [0.5, 0.5]])
>>> loss = (x @ w).relu().sum()  # only the second row's outputs are positive
>>> loss.backward()
>>> loss.item(), w.grad.tolist(), loss.op
(5.0, [[0.5, 0.5], [0.5, 0.5]], 'sum')
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import math
import numbers

import numpy as np

from .backprop import backpropagate, next_seq
from .ops import OPS, Op, _count
from .value import CONSTANT, INPUT, _short_repr, as_float, forward_error

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
        raise ValueError(f"Tensor expects a rectangular array of numbers (rows of equal length), got {_short_repr(data)}") from None
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
    if array.dtype.kind == "f" and not _all_finite(array):
        index = _first_non_finite(array)
        at = f" at index {index}" if index else ""
        raise ValueError(
            f"Tensor got {array[index]}{at}: the engine keeps every value finite, so NaN and inf are rejected as data"
        )
    return array


def _all_finite(array: np.ndarray) -> bool:
    """Whether every element is finite. A sum is finite exactly when they are, unless it
    overflows: one sum answers the common case, and the full test settles the rare one.

    Every node's result and gradient passes through here, so the sum is the cheapest
    at hand: the number itself for a 0-d array (a loss), Python's ``sum`` for a few
    elements (a bias), and for more the sum of squares, one BLAS call (``vdot``), which
    costs less than numpy's own reduction.
    """
    if array.ndim == 0:
        total = array  # math.isfinite reads a 0-d array as its number
    elif array.size <= _FEW:
        total = sum(array.ravel().tolist())
    else:
        total = np.vdot(array, array)
    return math.isfinite(total) or bool(np.isfinite(array).all())


_FEW = 16  # up to this many elements, Python's sum of the list is faster than a numpy call


def _first_non_finite(array: np.ndarray) -> tuple[int, ...]:
    """The index of the first NaN or inf in ``array`` (``()`` for a 0-d array)."""
    return tuple(int(i) for i in np.argwhere(~np.isfinite(array))[0])


def _forward_error(op: Op, inputs: tuple[Tensor, ...], out: np.ndarray, params: tuple) -> ArithmeticError:
    """The error for an op whose result is not finite: at which element, which input values, and why."""
    index = _first_non_finite(out)
    if op.engines != ("Value", "Tensor"):  # a reduction, a product or a loss: no single element to blame
        shapes = " and ".join(str(x.shape) for x in inputs)
        return OverflowError(f"{op.name} of shape {shapes}: the result overflows {out.dtype}")
    values = [np.broadcast_to(x.data, out.shape)[index].item() for x in inputs] + list(params)
    if np.isnan(out[index]):
        cause = ValueError()
    elif op.name == "div" and values[1] == 0:
        cause = ZeroDivisionError()
    else:
        cause = None
    return forward_error(op, values, cause, at=f" at index {index}" if index else "")


def _gradient_error(source: Tensor, receiver: Tensor, contribution) -> ArithmeticError:
    """The error for a backward step through ``source`` that left ``receiver``'s gradient non-finite."""
    i = next((k for k, x in enumerate(source.inputs) if x is receiver), 0)
    shapes = " and ".join(str(x.shape) for x in source.inputs)
    where = f"backward through {source.op} of shape {shapes}"
    local = contribution.data if isinstance(contribution, Tensor) else np.asarray(contribution)
    if np.isfinite(local).all():
        return OverflowError(
            f"{where}: adding its contribution to the gradient that input {i} already holds "
            f"(from another path, or an earlier backward()) overflows {local.dtype}"
        )
    index = _first_non_finite(local)
    message = f"{where}: the gradient of input {i} is not finite at index {index}"
    if source._op.engines == ("Value", "Tensor"):  # elementwise: quote the inputs there, as forward errors do
        values = [np.broadcast_to(x.data, local.shape)[index].item() for x in source.inputs] + list(source.params)
        names = source._op.inputs + source._op.params
        message += " (" + ", ".join(f"{name} = {v!r}" for name, v in zip(names, values)) + ")"
    return ArithmeticError(message)


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
    """``axis`` (None, an int or a tuple) as a tuple of non-negative axes."""
    if axis is None:
        return tuple(range(ndim))
    axes = axis if isinstance(axis, tuple) else (axis,)
    return tuple(int(a) % ndim if ndim else 0 for a in axes)


def _kept_shape(shape: tuple, axis) -> tuple[int, ...]:
    """The shape of a reduction over ``axis`` with ``keepdims=True``."""
    axes = _axes(axis, len(shape))
    return tuple(1 if i in axes else n for i, n in enumerate(shape))


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


class _ArrayMath:
    """The registry rules' math on numpy arrays: numpy's functions and the few the rules add."""

    # staticmethod, because some of numpy's functions are Python functions, which a class would bind.
    exp, log, tanh, sqrt, sign, maximum = map(staticmethod, (np.exp, np.log, np.tanh, np.sqrt, np.sign, np.maximum))
    where, clip, squeeze, expand_dims, broadcast_to, argmax = map(
        staticmethod, (np.where, np.clip, np.squeeze, np.expand_dims, np.broadcast_to, np.argmax))
    equal, not_equal, less, less_equal, greater, greater_equal = map(
        staticmethod, (np.equal, np.not_equal, np.less, np.less_equal, np.greater, np.greater_equal))
    sum_to_shape = staticmethod(_sum_to_shape)

    @staticmethod
    @functools.lru_cache(maxsize=16)
    def arange(n: int) -> np.ndarray:
        """0, 1, …, n-1: the row numbers of a batch, which a training loop asks for every step,
        so each is made once, and read-only, since every caller shares it."""
        rows = np.arange(n)
        rows.flags.writeable = False
        return rows

    @staticmethod
    def number(a):
        """A 0-d array as a numpy scalar: its arithmetic costs a tenth of a 0-d array's."""
        return a[()]

    @staticmethod
    def positive(a):
        return a > 0

    @staticmethod
    def inside(a, low, high):
        return (a >= low) & (a <= high)

    @staticmethod
    def unreduce(g, shape, axis, keepdims):
        """A reduction's gradient, broadcast back to the shape that was reduced."""
        return np.broadcast_to(g if keepdims else g.reshape(_kept_shape(shape, axis)), shape)

    @staticmethod
    def first_extreme(a, axis, arg: str):
        """1.0 at the first arg-max (or arg-min) along ``axis``, 0.0 elsewhere: where max's gradient goes."""
        flat = a.reshape(-1) if axis is None else a
        along = 0 if axis is None else axis
        mask = np.zeros(flat.shape, a.dtype)
        np.put_along_axis(mask, np.expand_dims(getattr(np, arg)(flat, axis=along), along), 1.0, axis=along)
        return mask.reshape(a.shape)

    @staticmethod
    def scatter_add(g, index, shape):
        grad = np.zeros(shape, g.dtype)
        np.add.at(grad, index, g)  # add.at, so that a repeated index collects every gradient
        return grad

    @staticmethod
    def inverse_permutation(axes):
        return tuple(int(i) for i in np.argsort(axes))

    @staticmethod
    def swap_last(a):
        return a.swapaxes(-1, -2)

    @staticmethod
    def softmax(z, axis):
        # The maximum is subtracted first, so the largest exponent is e^0 = 1.
        exps = np.exp(z - z.max(axis=axis, keepdims=True))
        return exps / exps.sum(axis=axis, keepdims=True)

    @staticmethod
    def log_softmax(z, axis):
        shifted = z - z.max(axis=axis, keepdims=True)
        return shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))

    @staticmethod
    def subtract_at(matrix, labels, amounts):
        """``matrix`` with ``amounts`` (a number or one per row) taken off at (row, labels[row]).
        Changes ``matrix`` in place: the rules pass arrays they made themselves."""
        matrix[_ArrayMath.arange(len(labels)), labels] -= amounts
        return matrix


ARRAY_MATH = _ArrayMath()


class _GraphMath:
    """The rules' math on Tensor nodes, for ``create_graph=True``: every step is an op, so the
    gradient is a graph too. Masks (relu's step, max's arg-max) are constants: their derivative
    is 0 wherever it exists."""

    @staticmethod
    def _constant(array) -> Tensor:
        return Tensor._leaf(np.asarray(array))

    def exp(self, a):
        return a.exp()

    def number(self, a):
        return a  # a 0-d node stays a node

    def where(self, condition, a, b):
        return where(condition, a, b)

    def positive(self, a):
        return self._constant((a.data > 0).astype(a.dtype))

    def sign(self, a):
        return self._constant(np.sign(a.data))

    def inside(self, a, low, high):
        return self._constant(ARRAY_MATH.inside(a.data, low, high).astype(a.dtype))

    def first_extreme(self, a, axis, arg):
        return self._constant(ARRAY_MATH.first_extreme(a.data, axis, arg))

    def subtract_at(self, matrix, labels, amounts):
        hot = np.zeros(matrix.shape, matrix.dtype)
        hot[np.arange(len(labels)), labels] = 1.0
        return matrix - self._constant(hot) * (amounts.reshape((-1, 1)) if amounts.ndim else amounts)

    def unreduce(self, g, shape, axis, keepdims):
        return (g if keepdims else g.reshape(_kept_shape(shape, axis))).broadcast_to(shape)

    sum_to_shape = staticmethod(_sum_to_shape)  # written with methods that arrays and Tensors share

    def scatter_add(self, g, index, shape):
        return _apply(OPS["scatter_add"], (g,), (index, shape))

    inverse_permutation = staticmethod(ARRAY_MATH.inverse_permutation)
    arange = staticmethod(np.arange)  # row numbers for an index: constants

    def swap_last(self, a):
        return a.transpose(tuple(range(a.ndim - 2)) + (a.ndim - 1, a.ndim - 2))

    def softmax(self, z, axis):
        return z.softmax(axis)


GRAPH_MATH = _GraphMath()


def _apply(op: Op, inputs: tuple[Tensor, ...], params: tuple = ()) -> Tensor:
    """The node for ``op`` over ``inputs``: the registry's forward rule on their arrays, checked
    finite. It keeps its history only if a gradient can flow."""
    # Ops have one to three inputs (three: linear); passing them by name costs less than unpacking a list.
    a = inputs[0]
    if len(inputs) == 1:
        out = op.forward(ARRAY_MATH, a.data, *params)
    elif len(inputs) == 2:
        out = op.forward(ARRAY_MATH, a.data, inputs[1].data, *params)
    else:
        out = op.forward(ARRAY_MATH, a.data, inputs[1].data, inputs[2].data, *params)
    saved = None
    if op.saves:
        out, saved = out
    if out.__class__ is not np.ndarray:  # numpy reductions return numpy scalars
        out = np.asarray(out)
    if out.dtype.kind == "f" and not _all_finite(out):
        raise _forward_error(op, inputs, out, params)
    node = _new_tensor(Tensor)
    node.data, node.grad, node.label, node.params, node._op, node._seq = out, None, None, params, op, next_seq()
    if (a.requires_grad or inputs[-1].requires_grad or len(inputs) == 3 and inputs[1].requires_grad) \
            and op.vjp is not None and _grad_enabled.get():
        node.requires_grad, node.inputs, node.saved = True, inputs, saved
    else:
        node.requires_grad, node.inputs, node.saved = False, (), None
    return node


class Tensor:
    """An n-dimensional array of numbers in a computation graph.

    ``data`` is a numpy array, copied from what you pass, as ``torch.tensor``
    copies: float64 for Python floats, float32 for a float32 array or
    ``dtype="float32"``; ints and bools keep their dtype (for labels, indices
    and masks) and cannot require gradients. Data must be finite, and so must
    every result: an op that would give NaN or inf raises an error that names
    it and the input values. ``detach()`` shares the array instead.

    After ``result.backward()``, ``grad`` holds ∂result/∂self as an array of
    the same shape, for every tensor with ``requires_grad=True``; it is
    ``None`` before. Gradients of leaves accumulate across backward calls, as
    in PyTorch: call ``zero_grad()`` between steps.

    >>> a = Tensor([1.0, 2.0, 3.0], requires_grad=True)
    >>> (a * a).sum().backward()
    >>> a.grad
    array([2., 4., 6.])
    >>> Tensor([1, 2], dtype="float32").dtype
    dtype('float32')
    """

    __slots__ = ("data", "grad", "requires_grad", "label", "inputs", "params", "saved", "_op", "_seq")
    __array_priority__ = 1000  # so ndarray + Tensor calls Tensor.__radd__, not numpy's broadcasting
    __hash__ = object.__hash__  # by identity: == compares elements, and the graph keeps nodes in sets

    def __init__(self, data, requires_grad: bool = False, dtype=None, label: str | None = None):
        if label is not None and not isinstance(label, str):
            raise TypeError(f"Tensor expects label as a str or None, got {type(label).__name__} {label!r}")
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
        self.label = label  # a name for traces and graph figures
        self.inputs = ()
        self.params = ()
        self.saved = None  # what the op's forward rule kept for its gradient rule (Op.saves)
        self._op = INPUT
        self._seq = next_seq()

    @staticmethod
    def _leaf(data: np.ndarray, kind: str = INPUT) -> Tensor:
        """A leaf around ``data`` itself, unchecked and uncopied: for arrays the engine made."""
        leaf = _new_tensor(Tensor)
        leaf.data, leaf.grad, leaf.requires_grad, leaf.label = data, None, False, None
        leaf.inputs, leaf.params, leaf.saved, leaf._op, leaf._seq = (), (), None, kind, next_seq()
        return leaf

    @property
    def op(self) -> str:
        """The name of the registry op that made this tensor: an op name, ``"input"`` or ``"const"``."""
        return self._op if isinstance(self._op, str) else self._op.name

    @property
    def is_constant(self) -> bool:
        """True for a leaf the engine lifted from a plain number (the 2 in ``2 * x``)."""
        return self._op is CONSTANT

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

    def zero_grad(self) -> None:
        """Forget the accumulated gradient."""
        self.grad = None

    def __repr__(self) -> str:
        body = np.array2string(self.data, separator=", ", prefix="Tensor(")
        flag = ", requires_grad=True" if self.requires_grad else ""
        return f"Tensor({body}{flag})"

    # --- elementwise ops ---------------------------------------------------------

    def _lift(self, other) -> Tensor:
        if isinstance(other, Tensor):
            return other
        if isinstance(other, numbers.Number) and not isinstance(other, bool) and self.data.dtype.kind == "f":
            # Plain numbers take a float tensor's dtype, so float32 stays float32.
            return Tensor._leaf(np.asarray(as_float(other, "Tensor"), dtype=self.data.dtype), CONSTANT)
        return Tensor(other)

    def __add__(self, other):
        return _apply(ADD, (self, self._lift(other)))

    def __radd__(self, other):
        return _apply(ADD, (self._lift(other), self))

    def __sub__(self, other):
        return _apply(SUB, (self, self._lift(other)))

    def __rsub__(self, other):
        return _apply(SUB, (self._lift(other), self))

    def __mul__(self, other):
        return _apply(MUL, (self, self._lift(other)))

    def __rmul__(self, other):
        return _apply(MUL, (self._lift(other), self))

    def __truediv__(self, other):
        return _apply(DIV, (self, self._lift(other)))

    def __rtruediv__(self, other):
        return _apply(DIV, (self._lift(other), self))

    def __neg__(self):
        return _apply(OPS["neg"], (self,))

    def __pow__(self, exponent):
        if isinstance(exponent, bool) or not isinstance(exponent, numbers.Real):
            raise TypeError(
                f"pow expects a number exponent, got {type(exponent).__name__}; "
                "for a Tensor exponent b write (b * a.log()).exp()"
            )
        return _apply(OPS["pow"], (self,), (as_float(exponent, "pow"),))

    def exp(self) -> Tensor:
        """e to the power of every element."""
        return _apply(OPS["exp"], (self,))

    def log(self) -> Tensor:
        """Natural logarithm of every element."""
        return _apply(OPS["log"], (self,))

    def relu(self) -> Tensor:
        """max(0, x) elementwise, with gradient 0 at 0."""
        return _apply(OPS["relu"], (self,))

    def tanh(self) -> Tensor:
        """Hyperbolic tangent of every element."""
        return _apply(OPS["tanh"], (self,))

    def sigmoid(self) -> Tensor:
        """Logistic sigmoid of every element, accurate on both tails, without overflow."""
        return _apply(OPS["sigmoid"], (self,))

    def abs(self) -> Tensor:
        """|x| elementwise, with gradient 0 at 0 (as PyTorch)."""
        return _apply(OPS["abs"], (self,))

    __abs__ = abs

    def sqrt(self) -> Tensor:
        """Square root of every element."""
        return _apply(OPS["sqrt"], (self,))

    def clip(self, low: float, high: float) -> Tensor:
        """Every element limited to [low, high]; the gradient passes inside, bounds included.

        >>> Tensor([-2.0, 0.5, 3.0]).clip(-1.0, 1.0)
        Tensor([-1. ,  0.5,  1. ])
        """
        low, high = as_float(low, "clip"), as_float(high, "clip")
        if low > high:
            raise ValueError(f"clip expects low ≤ high, got low = {low!r}, high = {high!r}")
        return _apply(OPS["clip"], (self,), (low, high))

    # Comparisons compare elements, as in numpy and PyTorch, and give a bool tensor
    # outside the graph: a step function has no useful gradient.
    def _compare(self, name: str, other) -> Tensor:
        other = other.data if isinstance(other, Tensor) else other
        return Tensor._leaf(np.asarray(OPS[name].forward(ARRAY_MATH, self.data, other)))

    def __eq__(self, other):
        return self._compare("eq", other)

    def __ne__(self, other):
        return self._compare("ne", other)

    def __lt__(self, other):
        return self._compare("lt", other)

    def __le__(self, other):
        return self._compare("le", other)

    def __gt__(self, other):
        return self._compare("gt", other)

    def __ge__(self, other):
        return self._compare("ge", other)

    # --- matmul -----------------------------------------------------------------

    def __matmul__(self, other):
        return matmul(self, self._lift(other))

    def __rmatmul__(self, other):
        return matmul(self._lift(other), self)

    # --- reductions -------------------------------------------------------------

    def _reduce(self, name: str, axis, keepdims: bool, *more) -> Tensor:
        if axis is not None and not isinstance(axis, (numbers.Integral, tuple)):
            raise TypeError(f"{name} expects axis as an int, a tuple of ints or None, got {axis!r}")
        _checked_axes(name, axis, self.ndim)
        if self.size == 0 and name != "sum":
            raise ValueError(f"{name} of an empty tensor (shape {self.shape}, axis={axis!r}) is undefined")
        return _apply(OPS[name], (self,), (axis, bool(keepdims), *more))

    def sum(self, axis=None, keepdims: bool = False) -> Tensor:
        """Sum over ``axis`` (an int, a tuple of ints, or None for all).

        >>> Tensor([[1.0, 2.0], [3.0, 4.0]]).sum(axis=0)
        Tensor([4., 6.])
        """
        return self._reduce("sum", axis, keepdims)

    def mean(self, axis=None, keepdims: bool = False) -> Tensor:
        """Mean over ``axis`` (an int, a tuple of ints, or None for all).

        >>> Tensor([[1.0, 2.0], [3.0, 4.0]]).mean(axis=1, keepdims=True)
        Tensor([[1.5],
                [3.5]])
        """
        return self._reduce("mean", axis, keepdims)

    def var(self, axis=None, keepdims: bool = False, ddof: int = 0) -> Tensor:
        """Variance over ``axis``, dividing by N - ddof (ddof = 0 as numpy; PyTorch's default is 1).

        >>> Tensor([1.0, 2.0, 3.0, 4.0]).var().item()
        1.25
        """
        if isinstance(ddof, bool) or not isinstance(ddof, numbers.Integral) or ddof < 0:
            raise ValueError(f"var expects ddof as an int ≥ 0, got {ddof!r}")
        _checked_axes("var", axis, self.ndim)
        count = _count(self.shape, axis)  # the rule's own count of the elements averaged
        if count <= ddof:
            raise ValueError(f"var over {count} elements with ddof={ddof} is undefined: it needs more than ddof")
        return self._reduce("var", axis, keepdims, int(ddof))

    def max(self, axis: int | None = None, keepdims: bool = False) -> Tensor:
        """Largest element over ``axis`` (an int or None). The gradient goes to
        the arg-max only (the first one, on ties).

        >>> x = Tensor([[1.0, 5.0], [7.0, 2.0]], requires_grad=True)
        >>> x.max(axis=1).sum().backward()
        >>> x.grad.tolist()
        [[0.0, 1.0], [1.0, 0.0]]
        """
        return self._reduce("max", _single_axis("max", axis), keepdims)

    def min(self, axis: int | None = None, keepdims: bool = False) -> Tensor:
        """Smallest element over ``axis`` (an int or None); the gradient goes to the first arg-min."""
        return self._reduce("min", _single_axis("min", axis), keepdims)

    def argmax(self, axis: int | None = None) -> Tensor:
        """Index of the first largest element over ``axis`` (over the flattened tensor for None).
        An int tensor, outside the graph.

        >>> Tensor([[1.0, 5.0], [7.0, 2.0]]).argmax(axis=1).tolist()
        [1, 0]
        """
        axis = _single_axis("argmax", axis)
        if self.size == 0:
            raise ValueError(f"argmax of an empty tensor (shape {self.shape}) is undefined")
        return Tensor._leaf(np.asarray(OPS["argmax"].forward(ARRAY_MATH, self.data, axis)))

    # --- shape ops --------------------------------------------------------------

    def reshape(self, *shape) -> Tensor:
        """The same elements in a new shape, as ``ndarray.reshape``."""
        if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
            shape = tuple(shape[0])
        return _apply(OPS["reshape"], (self,), (tuple(int(n) for n in shape),))

    def transpose(self, *axes) -> Tensor:
        """Axes permuted (reversed when none are given), as ``ndarray.transpose``."""
        if len(axes) == 1 and isinstance(axes[0], (tuple, list)):
            axes = tuple(axes[0])
        order = _permutation(axes, self.ndim) if axes else tuple(reversed(range(self.ndim)))
        return _apply(OPS["transpose"], (self,), (order,))

    @property
    def T(self) -> Tensor:
        return self.transpose()

    def squeeze(self, axis: int | None = None) -> Tensor:
        """Drop axes of size 1: ``axis``, or all of them when it is None.

        >>> Tensor([[1.0], [2.0]]).squeeze(1).shape
        (2,)
        """
        if axis is not None and self.shape[_checked_axes("squeeze", axis, self.ndim)[0]] != 1:
            raise ValueError(f"squeeze expects axis {axis} to have size 1, got shape {self.shape}")
        return _apply(OPS["squeeze"], (self,), (axis,))

    def unsqueeze(self, axis: int) -> Tensor:
        """Insert an axis of size 1 at ``axis`` (negative counts from the end of the result).

        >>> Tensor([1.0, 2.0]).unsqueeze(0).shape
        (1, 2)
        """
        _checked_axes("unsqueeze", axis, self.ndim + 1)
        return _apply(OPS["unsqueeze"], (self,), (axis,))

    def broadcast_to(self, shape) -> Tensor:
        """This tensor repeated to ``shape`` by numpy's broadcasting rules."""
        return _apply(OPS["broadcast_to"], (self,), (tuple(shape),))

    def __getitem__(self, index) -> Tensor:
        """numpy indexing: ints, slices, int arrays and boolean masks: ``logits[rows, labels]``.

        >>> x = Tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
        >>> picked = x[[0, 1, 1], [1, 0, 0]]
        >>> picked.sum().backward()
        >>> x.grad.tolist()
        [[0.0, 1.0], [2.0, 0.0]]
        """
        index = tuple(_index_part(i) for i in index) if isinstance(index, tuple) else _index_part(index)
        return _apply(OPS["getitem"], (self,), (index,))

    # --- softmax family -----------------------------------------------------------

    def log_softmax(self, axis: int = -1) -> Tensor:
        """log(softmax(x)) along ``axis``, fused and stable: x - max - log Σ exp(x - max).

        >>> Tensor([[1e4, -1e4]]).log_softmax().tolist()
        [[0.0, -20000.0]]
        """
        return _apply(OPS["log_softmax"], (self,), (_single_axis("log_softmax", axis),))

    def softmax(self, axis: int = -1) -> Tensor:
        """Probabilities along ``axis`` that sum to 1, computed without overflow.

        >>> Tensor([[0.0, 0.0]]).softmax().tolist()
        [[0.5, 0.5]]
        """
        return _apply(OPS["softmax"], (self,), (_single_axis("softmax", axis),))

    # --- backpropagation ----------------------------------------------------------

    def backward(self, grad=None, create_graph: bool = False) -> None:
        """Fill in ``grad`` on every tensor this one depends on that requires it.

        ``grad`` is ∂f/∂self; it may be left out only when self has one element
        (then it is 1). Leaves accumulate their gradient; intermediate tensors
        hold the gradient of the latest pass. With ``create_graph=True`` every
        ``grad`` is a Tensor in a graph of its own, which can be differentiated
        again (see :func:`autograd.grad`).

        >>> x = Tensor([1.0, 2.0], requires_grad=True)
        >>> (x * 3).backward(grad=[1.0, 10.0])
        >>> x.grad
        array([ 3., 30.])
        """
        backpropagate(self, self._seed(grad, create_graph), create_graph)

    def _seed(self, grad, create_graph: bool):
        """∂f/∂self to start a backward pass from: ``grad``, or 1 for a one-element tensor."""
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
            grad = np.array(1, self.data.dtype)  # 0-d: np.ones without its Python wrapper
            if self.data.ndim:
                grad = grad.reshape(self.data.shape)
        else:
            grad = _as_array(grad, self.dtype)
            if grad.shape != self.shape:
                raise ValueError(f"backward() got a gradient of shape {grad.shape} for a tensor of shape {self.shape}")
        return Tensor._leaf(grad) if create_graph else grad

    # What backpropagate asks of a node (see autograd.backprop).

    def _local_gradients(self, upstream, create_graph: bool) -> tuple:
        op, inputs, params = self._op, self.inputs, self.params
        if op.saves:
            params += (None if create_graph else self.saved,)
        if op.skips:
            params += (tuple([x.requires_grad for x in inputs]),)
        if create_graph:  # the rule runs on the nodes, so its result is a graph too
            return op.vjp(GRAPH_MATH, upstream, self, *inputs, *params)
        if len(inputs) == 1:  # by name, as in _apply: this runs for every node of every pass
            return op.vjp(ARRAY_MATH, upstream, self.data, inputs[0].data, *params)
        if len(inputs) == 2:
            return op.vjp(ARRAY_MATH, upstream, self.data, inputs[0].data, inputs[1].data, *params)
        return op.vjp(ARRAY_MATH, upstream, self.data, inputs[0].data, inputs[1].data, inputs[2].data, *params)

    def _add_grad(self, contribution, source: Tensor) -> None:
        if not self.requires_grad:
            return
        # Finite already: the seed (1, or checked by backward()), and what a rule that cannot make
        # a gradient larger than its upstream (Op.bounded_vjp) made from an upstream that was checked.
        checked = source is self or source._op.bounded_vjp
        if contribution.shape != self.data.shape:
            contribution, checked = _sum_to_shape(contribution, self.data.shape), False  # undo broadcasting: a sum
        graph = contribution.__class__ is Tensor
        if self.grad is None:
            # A leaf owns its gradient array, so that later passes can add into it in place. A rule
            # returns the upstream gradient itself, a view of it or a new array: a new array of the
            # leaf's dtype is the leaf's to keep, anything else is copied. An intermediate's
            # gradient is only read by this pass, so sharing it is safe.
            total = contribution if graph or self.inputs or (
                contribution.base is None and contribution is not source.grad
                and contribution.dtype == self.data.dtype) else np.array(contribution, dtype=self.data.dtype)
            if checked:
                self.grad = total
                return
        elif graph or self.inputs or self.grad.__class__ is Tensor:
            total = self.grad + contribution
        else:
            total = self.grad
            total += contribution
        if not _all_finite(total.data if total.__class__ is Tensor else total):
            raise _gradient_error(source, self, contribution)
        self.grad = total


ADD, SUB, MUL, DIV, MATMUL, LINEAR, CROSS_ENTROPY = (
    OPS[name] for name in ("add", "sub", "mul", "div", "matmul", "linear", "cross_entropy"))
_new_tensor = object.__new__  # a node without __init__: the engine made and checked its data itself


def _checked_axes(name: str, axis, ndim: int) -> tuple[int, ...]:
    """``axis`` (None, an int or a tuple) checked against ``ndim``, as non-negative axes."""
    for a in () if axis is None else axis if isinstance(axis, tuple) else (axis,):
        if isinstance(a, bool) or not isinstance(a, numbers.Integral) or not -max(ndim, 1) <= a < max(ndim, 1):
            raise ValueError(f"{name} got axis {axis!r} for a tensor with {ndim} axes")
    return _axes(axis, ndim)


def _single_axis(name: str, axis):
    if axis is not None and (isinstance(axis, bool) or not isinstance(axis, numbers.Integral)):
        raise TypeError(f"{name} expects axis as an int or None, got {axis!r}")
    return axis


def matmul(a: Tensor, b: Tensor) -> Tensor:
    """Matrix product ``a @ b`` with numpy's rules (1-D operands, batch broadcasting).

    >>> matmul(Tensor([[1.0, 2.0]]), Tensor([[3.0], [4.0]]))
    Tensor([[11.]])
    >>> Tensor([[1.0, 2.0]]) @ Tensor([[1.0, 2.0]])
    Traceback (most recent call last):
    ...
    ValueError: matmul: shapes (1, 2) and (1, 2) do not align: a has 2 columns but b has 1 rows
    """
    a_shape, b_shape = a.data.shape, b.data.shape
    if not a_shape or not b_shape:
        raise ValueError(f"matmul expects tensors with at least one dimension, got shapes {a_shape} and {b_shape}")
    inner_b = b_shape[0] if len(b_shape) == 1 else b_shape[-2]
    if a_shape[-1] != inner_b:
        raise ValueError(
            f"matmul: shapes {a_shape} and {b_shape} do not align: "
            f"a has {a_shape[-1]} columns but b has {inner_b} rows"
        )
    return _apply(MATMUL, (a, b))


def linear(x: Tensor, w: Tensor, b: Tensor) -> Tensor:
    """``x @ w + b`` as one node, as :class:`~autograd.tensor_nn.Linear` computes it: ``x`` of
    shape (…, nin), ``w`` of shape (nin, nout), ``b`` of shape (nout,). One node instead of
    two is what PyTorch's ``addmm`` does too; note that ``w`` here is (nin, nout), the
    transpose of the weight that ``torch.nn.functional.linear`` takes.

    >>> linear(Tensor([[1.0, 2.0]]), Tensor([[1.0], [1.0]]), Tensor([0.5])).tolist()
    [[3.5]]
    >>> linear(Tensor([[1.0, 2.0]]), Tensor([[1.0], [1.0]]), Tensor([0.5, 0.5]))
    Traceback (most recent call last):
    ...
    ValueError: linear expects b of shape (1,) for w of shape (2, 1), got shape (2,)
    """
    if not (isinstance(x, Tensor) and isinstance(w, Tensor) and isinstance(b, Tensor)):
        x, w, b = (t if isinstance(t, Tensor) else Tensor(t) for t in (x, w, b))
    x_shape, w_shape, b_shape = x.data.shape, w.data.shape, b.data.shape
    if len(w_shape) != 2:
        raise ValueError(f"linear expects w of shape (nin, nout), got shape {w_shape}")
    if b_shape != w_shape[1:]:
        raise ValueError(f"linear expects b of shape {w_shape[1:]} for w of shape {w_shape}, got shape {b_shape}")
    if not x_shape or x_shape[-1] != w_shape[0]:
        raise ValueError(f"linear expects x with {w_shape[0]} features in the last axis (w has shape {w_shape}), "
                         f"got shape {x_shape}")
    return _apply(LINEAR, (x, w, b))


def where(condition, a, b) -> Tensor:
    """Elementwise ``a`` where ``condition`` holds, else ``b``; the gradient goes to the one chosen.

    >>> x = Tensor([-1.0, 2.0], requires_grad=True)
    >>> y = where(x > 0, x, x * 0.1)  # a leaky relu
    >>> y.sum().backward()
    >>> y.tolist(), x.grad.tolist()
    ([-0.1, 2.0], [0.1, 1.0])
    """
    condition = np.asarray(condition.data if isinstance(condition, Tensor) else condition)
    if condition.dtype != np.bool_:
        raise TypeError(f"where expects a bool condition (such as x > 0), got dtype {condition.dtype}")
    a = a if isinstance(a, Tensor) else (b._lift(a) if isinstance(b, Tensor) else Tensor(a))
    b = b if isinstance(b, Tensor) else a._lift(b)
    return _apply(OPS["where"], (a, b), (condition,))


_UNSIGNED = {n: np.dtype(f"u{n}") for n in (1, 2, 4, 8)}  # the unsigned int dtype of each int size


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
    unsigned = array.view(_UNSIGNED[array.itemsize])
    if array.size and unsigned.max() >= classes:
        i = int(np.argmax(unsigned >= classes))
        raise ValueError(
            f"cross_entropy: label {int(array[i])} at index {i} is out of range: expected an int in 0..{classes - 1}"
        )
    return array


_trusted_labels = (None, 0)  # the labels _frozen_labels last checked, and for how many classes


def _frozen_labels(labels, classes: int) -> np.ndarray:
    """:func:`as_labels` as a read-only copy, which :func:`cross_entropy` then takes without checking again.

    A training loop passes the same labels every epoch (``TensorModule.prepare`` makes
    them with this), and one check is enough for labels that cannot change: the copy is
    read-only and is returned as a view of it, whose flag cannot be turned back on.
    """
    global _trusted_labels
    array = as_labels(labels, classes).copy()
    array.flags.writeable = False
    frozen = array.view()
    _trusted_labels = (frozen, classes)
    return frozen


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
    shape = logits.data.shape
    if len(shape) != 2:
        raise ValueError(f"cross_entropy expects logits of shape (batch, classes), got shape {shape}")
    if eps.__class__ is not float and (isinstance(eps, bool) or not isinstance(eps, numbers.Real)) or not 0 <= eps < 1:
        raise ValueError(f"cross_entropy expects eps as a number with 0 ≤ eps < 1, got {eps!r}")
    trusted, trusted_classes = _trusted_labels
    if labels is not trusted or trusted_classes > shape[1]:  # checked for at most this many classes
        labels = as_labels(labels, shape[1])
    if len(labels) != shape[0]:
        raise ValueError(f"cross_entropy got {shape[0]} rows of logits but {len(labels)} labels")
    return _apply(CROSS_ENTROPY, (logits,), (labels, float(eps)))


def log_softmax(x: Tensor, axis: int = -1) -> Tensor:
    """Function form of :meth:`Tensor.log_softmax`."""
    return x.log_softmax(axis)
