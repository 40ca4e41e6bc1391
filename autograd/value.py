"""The scalar engine: a `Value` wraps one float and remembers how it was made.

Every op on Values builds a new node that records its op (from the registry in
:mod:`autograd.ops`), its inputs and the op's parameters. Together the nodes
form a graph of the whole computation, and :meth:`Value.backward` walks it in
reverse topological order, applying each op's local gradient rule (the chain
rule, in :func:`autograd.backprop.backpropagate`, which serves both engines).

This module is pure Python on purpose: it imports no numpy, so it runs
unchanged in a browser under Pyodide.

>>> w, x = Value(0.2, label="w"), Value(-0.4, label="x")
>>> y = (w * x).sigmoid()
>>> y.backward()
>>> round(y.data, 4), round(w.grad, 4), round(x.grad, 4)
(0.48, -0.0998, 0.0499)
"""

from __future__ import annotations

import math
import numbers
from typing import Callable

from .backprop import _creation, backpropagate, next_seq, topological_order  # topological_order: for the engine's users
from .ops import OPS, SCALAR_MATH, Op

INPUT = "input"  # the op of a leaf that the user made: a parameter or an input
CONSTANT = "const"  # the op of a leaf lifted from a plain number, as the 0.5 in 0.5 * u

_isfinite = math.isfinite


def as_float(x, where: str) -> float:
    """Return ``x`` as a finite float, or raise an error that says what was wrong.

    >>> as_float(3, "Value")
    3.0
    """
    if x.__class__ is float and _isfinite(x):  # the common case, answered first and cheaply
        return x
    if isinstance(x, bool) or not isinstance(x, numbers.Real):
        raise TypeError(
            f"{where} expects a real number (int, float or numpy scalar), "
            f"got {type(x).__name__} {x!r}"
        )
    x = float(x)
    if not _isfinite(x):
        raise ValueError(
            f"{where} got {x}: the engine keeps every value finite, "
            "so NaN and inf are rejected as data"
        )
    return x


def checked_setting(value, name: str, where: str, expected: str, holds: Callable[[float], bool]) -> float:
    """A setting such as a learning rate as a float: a finite real number for which ``holds``,
    or an error that names ``where``, ``name``, the value and what was ``expected``.

    >>> checked_setting(0.9, "momentum", "SGD", "in [0, 1)", lambda v: 0 <= v < 1)
    0.9
    >>> checked_setting(float("nan"), "eps", "cross_entropy_loss", "≥ 0", lambda v: v >= 0)
    Traceback (most recent call last):
    ...
    ValueError: cross_entropy_loss expects eps as a finite number ≥ 0, got nan
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{where} expects {name} as a finite number {expected}, got {type(value).__name__} {value!r}")
    number = float(value)
    if not _isfinite(number) or not holds(number):
        raise ValueError(f"{where} expects {name} as a finite number {expected}, got {value!r}")
    return number


POSITIVE = ("> 0", lambda v: v > 0)  # the expectation and test of a step size or tolerance that must be > 0
NON_NEGATIVE = ("≥ 0", lambda v: v >= 0)


def _short_repr(x) -> str:
    """``repr(x)``, cut to about 40 characters for messages."""
    text = repr(x)
    return text if len(text) <= 40 else f"{text[:40]}… ({len(text)} characters)"


def _describe(op: Op, values, at: str = "") -> str:
    shown = ", ".join(f"{name} = {value!r}" for name, value in zip(op.inputs + op.params, values))
    return f"{op.name} got {shown}{at}"


def forward_error(op: Op, values, cause: Exception | None, at: str = "") -> Exception:
    """The error for ``op`` at input ``values`` that has no finite result; ``at`` says where
    in a tensor. ``cause`` is what the forward rule raised, or None for a result that overflowed.
    """
    expected = f" (expected {op.domain})" if op.domain else ""
    if isinstance(cause, ZeroDivisionError):
        return ZeroDivisionError(f"{_describe(op, values, at)}: division by zero{expected}")
    if isinstance(cause, OverflowError) or cause is None:
        return OverflowError(f"{_describe(op, values, at)}: the result overflows a float{expected}")
    return ValueError(f"{_describe(op, values, at)}: {op.name} is undefined there{expected}")



class Value:
    """A scalar node in a computation graph: its ``data``, its ``grad`` and its history.

    ``data`` is always a finite float. ``grad`` is ∂(result)/∂(this node) after
    ``result.backward()``, and starts at 0.0 (an optimizer's ``zero_grad()``
    sets it to None: no gradient yet). ``label`` is an optional name that
    traces and graph figures show.

    >>> a = Value(2.0, label="a")
    >>> b = a * a + 1
    >>> b.backward()
    >>> b.data, a.grad
    (5.0, 4.0)
    """

    # A node holds its inputs in two slots of its own, _a and _b (None where it has fewer), not in a
    # tuple: a tuple would be a second object per node for Python's cycle collector to walk.
    __slots__ = ("data", "grad", "label", "_a", "_b", "params", "_op", "_seq")

    def __init__(self, data, label: str | None = None):
        if label is not None and not isinstance(label, str):
            raise TypeError(f"Value expects label as a str or None, got {type(label).__name__} {label!r}")
        self.data = as_float(data, "Value")
        self.grad = 0.0
        self.label = label
        self._a = self._b = None  # the nodes this one was computed from (its inputs): none for a leaf
        self.params = ()  # the op's parameters, such as pow's exponent
        self._op = INPUT
        self._seq = next_seq()

    # --- the graph, read-only -------------------------------------------------

    @property
    def inputs(self) -> tuple:
        """The nodes this one was computed from, in the op's order: ``()`` for a leaf."""
        a, b = self._a, self._b
        return () if a is None else (a,) if b is None else (a, b)

    @property
    def op(self) -> str:
        """The name of the op that made this node: an op name, ``"input"`` or ``"const"``."""
        return self._op if isinstance(self._op, str) else self._op.name

    @property
    def is_constant(self) -> bool:
        """True for a leaf the engine lifted from a plain number."""
        return self._op is CONSTANT

    # --- building nodes -----------------------------------------------------

    def __add__(self, other):
        return _binary(ADD, self, other if isinstance(other, Value) else _lift(other, "add"))

    def __radd__(self, other):
        return _binary(ADD, _lift(other, "add"), self)

    def __sub__(self, other):
        return _binary(SUB, self, other if isinstance(other, Value) else _lift(other, "sub"))

    def __rsub__(self, other):
        return _binary(SUB, _lift(other, "sub"), self)

    def __mul__(self, other):
        return _binary(MUL, self, other if isinstance(other, Value) else _lift(other, "mul"))

    def __rmul__(self, other):
        return _binary(MUL, _lift(other, "mul"), self)

    def __truediv__(self, other):
        return _binary(DIV, self, other if isinstance(other, Value) else _lift(other, "div"))

    def __rtruediv__(self, other):
        return _binary(DIV, _lift(other, "div"), self)

    def __neg__(self):
        return _unary(NEG, self)

    def __pow__(self, exponent):
        if isinstance(exponent, Value):
            raise TypeError(
                "pow expects a number exponent, got a Value; "
                "for a Value exponent b write (b * a.log()).exp()"
            )
        return _unary(POW, self, (as_float(exponent, "pow"),))

    def __rpow__(self, base):
        raise TypeError(
            f"pow expects a number exponent, got a Value (in {base!r} ** Value); "
            "write (v * math.log(base)).exp() instead"
        )

    def exp(self) -> Value:
        """e to the power of this value. Raises OverflowError above 709.78."""
        return _unary(EXP, self)

    def log(self) -> Value:
        """Natural logarithm. Raises ValueError unless the value is > 0."""
        return _unary(LOG, self)

    def relu(self) -> Value:
        """max(0, value), with gradient 0 at 0."""
        return _unary(RELU, self)

    def tanh(self) -> Value:
        """Hyperbolic tangent."""
        return _unary(TANH, self)

    def sigmoid(self) -> Value:
        """Logistic sigmoid 1 / (1 + e^-value), accurate on both tails, without overflow."""
        return _unary(SIGMOID, self)

    def abs(self) -> Value:
        """|value|, with gradient 0 at 0 (as PyTorch)."""
        return _unary(ABS, self)

    def __abs__(self) -> Value:
        return self.abs()

    def sqrt(self) -> Value:
        """Square root. Raises ValueError for a negative value."""
        return _unary(SQRT, self)

    def clip(self, low: float, high: float) -> Value:
        """The value limited to [low, high]; the gradient passes inside, bounds included."""
        low, high = as_float(low, "clip"), as_float(high, "clip")
        if low > high:
            raise ValueError(f"clip expects low ≤ high, got low = {low!r}, high = {high!r}")
        return _unary(CLIP, self, (low, high))

    # --- backpropagation ----------------------------------------------------

    def backward(self, create_graph: bool = False) -> None:
        """Fill in ``grad`` on every node this value depends on.

        Gradients accumulate across calls, as in PyTorch: a leaf's ``grad``
        (an input or a parameter) is added to, never overwritten, so call
        ``zero_grad()`` (or set ``grad = 0.0``) between steps. The ``grad`` of
        an intermediate node holds the gradient of the latest backward pass.
        With ``create_graph=True`` every ``grad`` is a Value, a graph of its
        own that can be differentiated again (see :func:`autograd.grad`).

        >>> x = Value(3.0)
        >>> y = x * x
        >>> y.backward(); y.backward()
        >>> x.grad  # 6.0 from each call
        12.0
        """
        if create_graph:
            backpropagate(self, self._seed(None, True), create_graph=True)
        else:
            _backpropagate_floats(self)  # backpropagate(self, 1.0), the same loop made faster for floats

    def zero_grad(self) -> None:
        """Reset ``grad`` to 0.0 (gradients accumulate across backward calls)."""
        self.grad = 0.0

    def _seed(self, grad, create_graph: bool):
        """∂f/∂self to start a backward pass from: ``grad``, or 1."""
        seed = 1.0 if grad is None else as_float(grad.data if isinstance(grad, Value) else grad, "grad_output")
        return _lifted(seed) if create_graph else seed

    # What backpropagate asks of a node (see autograd.backprop).

    def _local_gradients(self, upstream, create_graph: bool) -> tuple:
        if create_graph:  # the rule runs on the nodes, so its result is a graph too
            return self._op.vjp(GRAPH_MATH, upstream, self, *self.inputs, *self.params)
        inputs = self.inputs
        try:
            if len(inputs) == 2:  # every op has one or two inputs
                return self._op.vjp(SCALAR_MATH, upstream, self.data, inputs[0].data, inputs[1].data)
            return self._op.vjp(SCALAR_MATH, upstream, self.data, inputs[0].data, *self.params)
        except ArithmeticError:
            raise _gradient_error(self) from None

    def _add_grad(self, contribution, source: Value) -> None:
        total = contribution if self.grad is None else self.grad + contribution
        if not _isfinite(total if total.__class__ is float else total.data):
            raise _gradient_error(source, contribution, self)
        self.grad = total

    def __bool__(self) -> bool:
        """True unless the value is 0, as for a float (and a one-element tensor in PyTorch).

        >>> bool(Value(0.0)), bool(Value(-2.0))
        (False, True)
        """
        return self.data != 0.0

    def __repr__(self) -> str:
        label = f", label={self.label!r}" if self.label is not None else ""
        return f"Value(data={self.data!r}, grad={self.grad!r}{label})"


def _gradient_error(node: Value, contribution=None, receiver: Value | None = None) -> ArithmeticError:
    """The error for a backward step at ``node`` that left a gradient non-finite.

    Either the op's local gradient is not finite at its inputs, or the
    contribution was finite and adding it to the gradient its input already
    held, from another path, overflowed.
    """
    where = _describe(node._op, [x.data for x in node.inputs] + list(node.params))
    contribution = contribution.data if isinstance(contribution, Value) else contribution
    if receiver is None or not _isfinite(contribution):
        return ArithmeticError(f"backward through {where}: the gradient is not finite there")
    name = node._op.inputs[node.inputs.index(receiver)] if receiver in node.inputs else "the output"
    return OverflowError(
        f"backward through {where}: adding its contribution {contribution!r} to the gradient that {name} "
        "already holds (from another path, or an earlier backward()) overflows a float"
    )


def _backpropagate_floats(root: Value) -> None:
    """:func:`autograd.backprop.backpropagate` from ``root`` with seed 1.0, for plain floats.

    The scalar engine's hot path: the same order, the same rules and the same
    additions in the same order, so the same gradients to the last bit (a test
    compares the two on random graphs), with the order's walk and the two node
    methods the plain loop calls written out inline, reading a node's inputs
    from its slots. An intermediate's grad is reset as the walk reaches it, not in
    a pass of its own: either way, before any gradient flows.
    """
    if root._a is None:  # a leaf: no rule to run, it only receives
        root._add_grad(1.0, root)
        return
    root.grad = None
    reached, stack = {root}, [root]  # topological_order(root, leaves=False), resetting grad on the way
    while stack:
        node = stack.pop()
        a, b = node._a, node._b  # a node on the stack has inputs: a is not None
        if a._a is not None and a not in reached:
            a.grad = None
            reached.add(a)
            stack.append(a)
        if b is not None and b._a is not None and b not in reached:
            b.grad = None
            reached.add(b)
            stack.append(b)
    root._add_grad(1.0, root)
    for node in sorted(reached, key=_creation, reverse=True):
        upstream = node.grad
        if upstream is None:
            continue
        a, b = node._a, node._b
        vjp = node._op.vjp
        try:
            if b is not None:  # binary ops have no parameters
                grad_a, grad_b = vjp(SCALAR_MATH, upstream, node.data, a.data, b.data)
            else:
                grad_b = None
                (grad_a,) = vjp(SCALAR_MATH, upstream, node.data, a.data, *node.params)
        except ArithmeticError:
            raise _gradient_error(node) from None
        total = grad_a if a.grad is None else a.grad + grad_a
        if not _isfinite(total):
            raise _gradient_error(node, grad_a, a)
        a.grad = total
        if b is not None:
            total = grad_b if b.grad is None else b.grad + grad_b
            if not _isfinite(total):
                raise _gradient_error(node, grad_b, b)
            b.grad = total


class _GraphMath:
    """The rules' math on Value nodes, for ``create_graph=True``: steps and signs are constants."""

    @staticmethod
    def positive(a: Value) -> Value:
        return _lifted(SCALAR_MATH.positive(a.data))

    @staticmethod
    def sign(a: Value) -> Value:
        return _lifted(SCALAR_MATH.sign(a.data))

    @staticmethod
    def inside(a: Value, low: float, high: float) -> Value:
        return _lifted(SCALAR_MATH.inside(a.data, low, high))


GRAPH_MATH = _GraphMath()


# The engine makes its nodes itself, in _lift, _binary and _unary, without __init__: their data
# is already checked, and writing the slots out in each saves a Python call per node. (A test checks
# that every way of making a node sets every slot.)

def _lift(x, op_name: str) -> Value:
    """A plain number in an expression (the 2 in ``2 * v``), as a constant leaf."""
    if x.__class__ is not float or not _isfinite(x):
        x = as_float(x, op_name)
    node = _new_value(Value)
    node.data = x
    node.grad = 0.0
    node.label = None
    node._a = None
    node._b = None
    node.params = ()
    node._op = CONSTANT
    node._seq = next(_sequence)
    return node


def _lifted(x: float) -> Value:
    """A number the engine has already checked, as a constant leaf."""
    return _lift(x, "const")  # a finite float: its check passes, so no message names the op


def _binary(op: Op, a: Value, b: Value) -> Value:
    """The node for ``a op b``: the registry's forward rule on their data, checked finite."""
    forward = op.forward  # the rule, read once as an attribute (a call op.forward(...) looks it up more slowly)
    try:
        out = forward(SCALAR_MATH, a.data, b.data)
    except (ArithmeticError, ValueError) as error:
        raise forward_error(op, [a.data, b.data], error) from None
    if out.__class__ is not float or not _isfinite(out):
        raise _not_finite(op, [a.data, b.data], out)
    node = _new_value(Value)  # the new node, its slots set here rather than by __init__: out is already checked
    node.data = out
    node.grad = 0.0
    node.label = None
    node._a = a
    node._b = b
    node.params = ()
    node._op = op
    node._seq = next(_sequence)
    return node


def _unary(op: Op, a: Value, params: tuple = ()) -> Value:
    """The node for ``op(a, *params)``, as :func:`_binary`."""
    forward = op.forward
    try:
        out = forward(SCALAR_MATH, a.data, *params)
    except (ArithmeticError, ValueError) as error:
        raise forward_error(op, [a.data, *params], error) from None
    if out.__class__ is not float or not _isfinite(out):
        raise _not_finite(op, [a.data, *params], out)
    node = _new_value(Value)
    node.data = out
    node.grad = 0.0
    node.label = None
    node._a = a
    node._b = None
    node.params = params
    node._op = op
    node._seq = next(_sequence)
    return node


def _not_finite(op: Op, values: list, out) -> Exception:
    # A negative base to a fractional power gives a complex number; anything else overflowed.
    return forward_error(op, values, ValueError() if isinstance(out, complex) else None)


_new_value = object.__new__
_sequence = next_seq.__self__  # the count behind next_seq: next(count) is a cheaper call than its bound __next__

ADD, SUB, MUL, DIV, NEG, POW, EXP, LOG, RELU, TANH, SIGMOID, ABS, SQRT, CLIP = (
    OPS[name] for name in
    ("add", "sub", "mul", "div", "neg", "pow", "exp", "log", "relu", "tanh", "sigmoid", "abs", "sqrt", "clip")
)
