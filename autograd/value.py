"""The scalar engine: a `Value` wraps one float and remembers how it was made.

Every op on Values builds a new node that records its op (from the registry in
:mod:`autograd.ops`) and its inputs. Together the nodes form a graph of the
whole computation, and :meth:`Value.backward` walks it in reverse topological
order, applying each op's local gradient rule (the chain rule).

This module is pure Python on purpose: it imports no numpy, so it runs
unchanged in a browser under Pyodide.

>>> w, x = Value(0.2, label="w"), Value(-0.4, label="x")
>>> y = (w * x).sigmoid()
>>> y.backward()
>>> round(y.data, 4), round(w.grad, 4), round(x.grad, 4)
(0.48, -0.0998, 0.0499)
"""

from __future__ import annotations

import itertools
import math
import numbers

from .ops import OPS, SCALAR_MATH, Op

INPUT = "input"  # the op of a leaf that the user made: a parameter or an input
CONSTANT = "const"  # the op of a leaf lifted from a plain number, as the 0.5 in 0.5 * u

_next_seq = itertools.count().__next__
_isfinite = math.isfinite


def as_float(x, where: str) -> float:
    """Return ``x`` as a finite float, or raise an error that says what was wrong.

    >>> as_float(3, "Value")
    3.0
    """
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


def _describe(op: Op, values) -> str:
    shown = ", ".join(f"{name} = {value!r}" for name, value in zip(op.inputs, values))
    return f"{op.name} got {shown}"


def _forward_error(op: Op, values, cause: Exception | None) -> Exception:
    expected = f" (expected {op.domain})" if op.domain else ""
    if isinstance(cause, ZeroDivisionError):
        return ZeroDivisionError(f"{_describe(op, values)}: division by zero{expected}")
    if isinstance(cause, OverflowError) or cause is None:
        return OverflowError(f"{_describe(op, values)}: the result overflows a float{expected}")
    return ValueError(f"{_describe(op, values)}: {op.name} is undefined there{expected}")


class Value:
    """A scalar node in a computation graph: its ``data``, its ``grad`` and its history.

    ``data`` is always a finite float. ``grad`` is ∂(result)/∂(this node) after
    ``result.backward()``, and starts at 0.0. ``label`` is an optional name that
    traces and graph figures show.

    >>> a = Value(2.0, label="a")
    >>> b = a * a + 1
    >>> b.backward()
    >>> b.data, a.grad
    (5.0, 4.0)
    """

    __slots__ = ("data", "grad", "label", "_op", "_inputs", "_seq")

    def __init__(self, data, label: str | None = None):
        self.data = as_float(data, "Value")
        self.grad = 0.0
        self.label = label
        self._op = INPUT
        self._inputs = ()
        self._seq = _next_seq()

    @classmethod
    def _node(cls, data: float, op, inputs: tuple) -> Value:
        # The fast path for nodes the engine makes itself: data is already checked.
        node = cls.__new__(cls)
        node.data = data
        node.grad = 0.0
        node.label = None
        node._op = op
        node._inputs = inputs
        node._seq = _next_seq()
        return node

    # --- the graph, read-only -------------------------------------------------

    @property
    def op(self) -> str:
        """The name of the op that made this node: an op name, ``"input"`` or ``"const"``."""
        return self._op if isinstance(self._op, str) else self._op.name

    @property
    def inputs(self) -> tuple[Value, ...]:
        """The nodes this one was computed from (empty for a leaf)."""
        return self._inputs

    @property
    def is_constant(self) -> bool:
        """True for a leaf the engine lifted from a plain number."""
        return self._op is CONSTANT

    # --- building nodes -----------------------------------------------------

    def _apply(self, op: Op, *inputs: Value) -> Value:
        values = [node.data for node in inputs]
        try:
            out = op.forward(SCALAR_MATH, *values)
        except (ArithmeticError, ValueError) as error:
            raise _forward_error(op, values, error) from None
        if out.__class__ is not float:  # a negative base to a fractional power gives complex
            raise _forward_error(op, values, ValueError())
        if not _isfinite(out):
            raise _forward_error(op, values, None)
        return Value._node(out, op, inputs)

    @staticmethod
    def _lift(other, op_name: str) -> Value:
        if isinstance(other, Value):
            return other
        node = Value._node(as_float(other, op_name), CONSTANT, ())
        return node

    def __add__(self, other):
        return self._apply(OPS["add"], self, self._lift(other, "add"))

    def __radd__(self, other):
        return self._apply(OPS["add"], self._lift(other, "add"), self)

    def __sub__(self, other):
        return self._apply(OPS["sub"], self, self._lift(other, "sub"))

    def __rsub__(self, other):
        return self._apply(OPS["sub"], self._lift(other, "sub"), self)

    def __mul__(self, other):
        return self._apply(OPS["mul"], self, self._lift(other, "mul"))

    def __rmul__(self, other):
        return self._apply(OPS["mul"], self._lift(other, "mul"), self)

    def __truediv__(self, other):
        return self._apply(OPS["div"], self, self._lift(other, "div"))

    def __rtruediv__(self, other):
        return self._apply(OPS["div"], self._lift(other, "div"), self)

    def __neg__(self):
        return self._apply(OPS["neg"], self)

    def __pow__(self, exponent):
        if isinstance(exponent, Value):
            raise TypeError(
                "pow expects a number exponent, got a Value; "
                "for a Value exponent b write (b * a.log()).exp()"
            )
        return self._apply(OPS["pow"], self, self._lift(exponent, "pow"))

    def __rpow__(self, base):
        raise TypeError(
            f"pow expects a number exponent, got a Value (in {base!r} ** Value); "
            "write (v * math.log(base)).exp() instead"
        )

    def exp(self) -> Value:
        """e to the power of this value. Raises OverflowError above 709.78."""
        return self._apply(OPS["exp"], self)

    def log(self) -> Value:
        """Natural logarithm. Raises ValueError unless the value is > 0."""
        return self._apply(OPS["log"], self)

    def relu(self) -> Value:
        """max(0, value), with gradient 0 at 0."""
        return self._apply(OPS["relu"], self)

    def tanh(self) -> Value:
        """Hyperbolic tangent."""
        return self._apply(OPS["tanh"], self)

    def sigmoid(self) -> Value:
        """Logistic sigmoid 1 / (1 + e^-value), without overflow for any value."""
        return self._apply(OPS["sigmoid"], self)

    # --- backpropagation ----------------------------------------------------

    def backward(self) -> None:
        """Fill in ``grad`` on every node this value depends on.

        Gradients accumulate across calls, as in PyTorch: a leaf's ``grad``
        (an input or a parameter) is added to, never overwritten, so call
        ``zero_grad()`` (or set ``grad = 0.0``) between steps. The ``grad`` of
        an intermediate node holds the gradient of the latest backward pass.

        >>> x = Value(3.0)
        >>> y = x * x
        >>> y.backward(); y.backward()
        >>> x.grad  # 6.0 from each call
        12.0
        """
        order = topological_order(self)
        for node in order:
            if node._inputs:
                node.grad = 0.0
        self.grad += 1.0
        for node in reversed(order):
            inputs = node._inputs
            if not inputs:
                continue
            values = [x.data for x in inputs]
            try:
                grads = node._op.vjp(node.grad, node.data, *values)
            except ArithmeticError:
                grads = (math.inf,)
            for x, grad in zip(inputs, grads):
                if not _isfinite(grad):
                    raise ArithmeticError(
                        f"backward through {_describe(node._op, values)}: "
                        "the gradient is not finite there"
                    )
                x.grad += grad

    def zero_grad(self) -> None:
        """Reset ``grad`` to 0.0 (gradients accumulate across backward calls)."""
        self.grad = 0.0

    def __repr__(self) -> str:
        label = f", label={self.label!r}" if self.label is not None else ""
        return f"Value(data={self.data!r}, grad={self.grad!r}{label})"


def topological_order(root: Value) -> list[Value]:
    """Every node ``root`` depends on, each listed after all of its inputs.

    An iterative depth-first search, so graphs of any depth work without
    touching Python's recursion limit.

    >>> a = Value(1.0); b = a + 2; c = b * a
    >>> [n.op for n in topological_order(c)]
    ['input', 'const', 'add', 'mul']
    """
    order: list[Value] = []
    visited: set[int] = set()
    stack = [(root, False)]
    while stack:
        node, inputs_done = stack.pop()
        if inputs_done:
            order.append(node)
            continue
        if id(node) in visited:
            continue
        visited.add(id(node))
        stack.append((node, True))
        for child in reversed(node._inputs):
            if id(child) not in visited:
                stack.append((child, False))
    return order
