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


def _describe(op: Op, values, at: str = "") -> str:
    shown = ", ".join(f"{name} = {value!r}" for name, value in zip(op.inputs, values))
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


ADD, SUB, MUL, DIV, NEG, POW, EXP, LOG, RELU, TANH, SIGMOID = (
    OPS[name] for name in ("add", "sub", "mul", "div", "neg", "pow", "exp", "log", "relu", "tanh", "sigmoid")
)


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
        if label is not None and not isinstance(label, str):
            raise TypeError(f"Value expects label as a str or None, got {type(label).__name__} {label!r}")
        self.data = as_float(data, "Value")
        self.grad = 0.0
        self.label = label
        self._op = INPUT
        self._inputs = ()
        self._seq = _next_seq()

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

    def __add__(self, other):
        other = other if isinstance(other, Value) else _constant(other, "add")
        return _make(ADD, (self, other), (self.data, other.data))

    def __radd__(self, other):
        other = _constant(other, "add")
        return _make(ADD, (other, self), (other.data, self.data))

    def __sub__(self, other):
        other = other if isinstance(other, Value) else _constant(other, "sub")
        return _make(SUB, (self, other), (self.data, other.data))

    def __rsub__(self, other):
        other = _constant(other, "sub")
        return _make(SUB, (other, self), (other.data, self.data))

    def __mul__(self, other):
        other = other if isinstance(other, Value) else _constant(other, "mul")
        return _make(MUL, (self, other), (self.data, other.data))

    def __rmul__(self, other):
        other = _constant(other, "mul")
        return _make(MUL, (other, self), (other.data, self.data))

    def __truediv__(self, other):
        other = other if isinstance(other, Value) else _constant(other, "div")
        return _make(DIV, (self, other), (self.data, other.data))

    def __rtruediv__(self, other):
        other = _constant(other, "div")
        return _make(DIV, (other, self), (other.data, self.data))

    def __neg__(self):
        return _make(NEG, (self,), (self.data,))

    def __pow__(self, exponent):
        if isinstance(exponent, Value):
            raise TypeError(
                "pow expects a number exponent, got a Value; "
                "for a Value exponent b write (b * a.log()).exp()"
            )
        exponent = _constant(exponent, "pow")
        return _make(POW, (self, exponent), (self.data, exponent.data))

    def __rpow__(self, base):
        raise TypeError(
            f"pow expects a number exponent, got a Value (in {base!r} ** Value); "
            "write (v * math.log(base)).exp() instead"
        )

    def exp(self) -> Value:
        """e to the power of this value. Raises OverflowError above 709.78."""
        return _make(EXP, (self,), (self.data,))

    def log(self) -> Value:
        """Natural logarithm. Raises ValueError unless the value is > 0."""
        return _make(LOG, (self,), (self.data,))

    def relu(self) -> Value:
        """max(0, value), with gradient 0 at 0."""
        return _make(RELU, (self,), (self.data,))

    def tanh(self) -> Value:
        """Hyperbolic tangent."""
        return _make(TANH, (self,), (self.data,))

    def sigmoid(self) -> Value:
        """Logistic sigmoid 1 / (1 + e^-value), without overflow for any value."""
        return _make(SIGMOID, (self,), (self.data,))

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
            # Intermediate nodes start afresh; a leaf whose optimizer set grad to None starts at 0.
            if node._inputs or node.grad is None:
                node.grad = 0.0
        self.grad += 1.0
        for node in reversed(order):
            inputs = node._inputs
            if not inputs:
                continue
            # Every op has one or two inputs. Unpacking them by name, rather than
            # looping over them, halves the time of the backward pass.
            try:
                if len(inputs) == 2:
                    a, b = inputs
                    grad_a, grad_b = node._op.vjp(node.grad, node.data, a.data, b.data)
                else:
                    (a,), b = inputs, None
                    (grad_a,), grad_b = node._op.vjp(node.grad, node.data, a.data), 0.0
            except ArithmeticError:
                raise _gradient_error(node) from None
            a.grad += grad_a
            if b is not None:
                b.grad += grad_b
            # Checking the sums catches a non-finite local gradient and an overflow of the sum alike.
            if not (_isfinite(a.grad) and (b is None or _isfinite(b.grad))):
                raise _gradient_error(node, grad_a, grad_b)

    def zero_grad(self) -> None:
        """Reset ``grad`` to 0.0 (gradients accumulate across backward calls)."""
        self.grad = 0.0

    def __repr__(self) -> str:
        label = f", label={self.label!r}" if self.label is not None else ""
        return f"Value(data={self.data!r}, grad={self.grad!r}{label})"


def _gradient_error(node: Value, *local_grads: float) -> ArithmeticError:
    """The error for a backward step at ``node`` that left a gradient non-finite.

    Either the op's local gradient is not finite at its inputs (no ``local_grads``
    were computed, or one of them is inf or NaN), or every contribution was
    finite and adding one to the gradient its input already held, from another
    path, overflowed.
    """
    where = _describe(node._op, [x.data for x in node._inputs])
    if not local_grads or not all(_isfinite(g) for g in local_grads):
        return ArithmeticError(f"backward through {where}: the gradient is not finite there")
    name, grad = next(
        (name, g) for name, x, g in zip(node._op.inputs, node._inputs, local_grads) if not _isfinite(x.grad)
    )
    return OverflowError(
        f"backward through {where}: adding its contribution {grad!r} to the gradient that {name} "
        "already holds (from another path, or an earlier backward()) overflows a float"
    )


def _new_node(data: float, op, inputs: tuple) -> Value:
    # Nodes the engine makes itself skip __init__: their data is already checked.
    node = _new_value(Value)
    node.data = data
    node.grad = 0.0
    node.label = None
    node._op = op
    node._inputs = inputs
    node._seq = _next_seq()
    return node


_new_value = object.__new__


def _constant(x, op_name: str) -> Value:
    """A plain number in an expression (the 2 in ``2 * v``), lifted to a constant leaf."""
    return _new_node(as_float(x, op_name), CONSTANT, ())


def _make(op: Op, inputs: tuple, values: tuple) -> Value:
    """The node for ``op`` over ``inputs``: the registry's forward rule on their ``values``, checked."""
    try:
        out = op.forward(SCALAR_MATH, *values)
    except (ArithmeticError, ValueError) as error:
        raise forward_error(op, values, error) from None
    if out.__class__ is not float or not _isfinite(out):
        # A negative base to a fractional power gives a complex number; anything else overflowed.
        raise forward_error(op, values, ValueError() if isinstance(out, complex) else None)
    return _new_node(out, op, inputs)


def topological_order(root: Value) -> list[Value]:
    """Every node ``root`` depends on, each listed after all of its inputs.

    An iterative depth-first search, so graphs of any depth work without
    touching Python's recursion limit.

    >>> a = Value(1.0); b = a + 2; c = b * a
    >>> [n.op for n in topological_order(c)]
    ['input', 'const', 'add', 'mul']
    """
    order: list[Value] = []
    visited = {root}  # nodes hash by identity
    # Each stack entry holds a node and an iterator over its inputs, which
    # remembers how far the search has got through them.
    stack = [(root, iter(root._inputs))]
    while stack:
        node, inputs = stack[-1]
        for child in inputs:
            if child not in visited:
                visited.add(child)
                stack.append((child, iter(child._inputs)))
                break
        else:  # every input is done, so the node is too
            stack.pop()
            order.append(node)
    return order
