"""The original page's engine design, as a benchmark contestant (written here, for the benchmark only).

Each op makes a node that stores a closure, ``_backward``, which pushes the
node's gradient into its inputs' gradients; ``backward()`` orders the graph by
a recursive depth-first search (a node after all of its inputs) and then calls
every node's closure, last node first. This is the design the project page
first described, and the one micrograd popularised; the code is our own and
supports exactly the ops the benchmarks' graphs need: + - * / (each one node),
unary minus, ** by a number, exp, log and relu.

A node keeps what the page's design keeps: its inputs as a set (the page's
``_prev = set(_children)``) and a do-nothing closure from birth, which an op
then replaces. A plain number in an expression becomes a constant leaf node,
as in the scalar engine, and each op is one node (the page wrote ``a - b`` as
``a + (-b)`` and ``a / b`` as ``a * b ** -1``; here they are one node each), so
both engines build the same graph, node for node, from the same code.

>>> a, b = Value(2.0), Value(3.0)
>>> c = (a * b + a ** 2).log()
>>> c.backward()
>>> round(a.grad, 6), round(b.grad, 6)  # (b + 2a) / (ab + a²), a / (ab + a²)
(0.7, 0.2)
"""

from __future__ import annotations

import math


class Value:
    """A float, its gradient, its inputs and the closure that backpropagates through it."""

    def __init__(self, data: float, _inputs: tuple = ()):
        self.data = data
        self.grad = 0.0
        self._inputs = set(_inputs)
        self._backward = lambda: None

    def __add__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data + other.data, (self, other))

        def _backward():
            self.grad += out.grad
            other.grad += out.grad
        out._backward = _backward
        return out

    def __radd__(self, other):
        return Value(other) + self

    def __mul__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data * other.data, (self, other))

        def _backward():
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad
        out._backward = _backward
        return out

    def __rmul__(self, other):
        return Value(other) * self

    def __sub__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data - other.data, (self, other))

        def _backward():
            self.grad += out.grad
            other.grad -= out.grad
        out._backward = _backward
        return out

    def __rsub__(self, other):
        return Value(other) - self

    def __truediv__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data / other.data, (self, other))

        def _backward():
            self.grad += out.grad / other.data
            other.grad -= out.grad * self.data / other.data ** 2
        out._backward = _backward
        return out

    def __rtruediv__(self, other):
        return Value(other) / self

    def __neg__(self):
        out = Value(-self.data, (self,))

        def _backward():
            self.grad -= out.grad
        out._backward = _backward
        return out

    def __pow__(self, n: float):
        out = Value(self.data ** n, (self,))

        def _backward():
            self.grad += n * self.data ** (n - 1) * out.grad
        out._backward = _backward
        return out

    def exp(self):
        out = Value(math.exp(self.data), (self,))

        def _backward():
            self.grad += out.data * out.grad
        out._backward = _backward
        return out

    def log(self):
        out = Value(math.log(self.data), (self,))

        def _backward():
            self.grad += out.grad / self.data
        out._backward = _backward
        return out

    def relu(self):
        out = Value(self.data if self.data > 0 else 0.0, (self,))

        def _backward():
            self.grad += out.grad if out.data > 0 else 0.0
        out._backward = _backward
        return out

    def backward(self) -> None:
        self.grad = 1.0
        for node in reversed(recursive_order(self)):
            node._backward()


# --- the page's task, written with these nodes -------------------------------------------


def chain_sum(values):
    """v0 + v1 + … as a chain of additions, as the scalar engine's ``sum_values``."""
    total = values[0]
    for v in values[1:]:
        total = total + v
    return total


def linear(rows, w, b):
    """logits[i][j] = b[j] + Σ_k rows[i][k] · w[k][j], one node per op, as ``LinearLayer``."""
    return [[chain_sum([b[j]] + [row[k] * w[k][j] for k in range(len(w))]) for j in range(len(b))]
            for row in rows]


def cross_entropy(logits, labels, eps: float):
    """Mean of -log(softmax(row)[label] + eps), the row maximum subtracted as a constant first."""
    losses = []
    for row, label in zip(logits, labels):
        top = max(v.data for v in row)
        exps = [(v - top).exp() for v in row]
        total = chain_sum(exps)
        probabilities = [e / total for e in exps]
        losses.append(-(probabilities[label] + eps).log())
    return chain_sum(losses) * (1.0 / len(labels))


def train(x, y, w0, b0, lr: float, epochs: int, eps: float) -> list[float]:
    """Full-batch gradient descent from weights ``w0[k][j]``, ``b0[j]``: the loss of every epoch."""
    w = [[Value(v) for v in row] for row in w0]
    b = [Value(v) for v in b0]
    parameters = [p for row in w for p in row] + b
    losses = []
    for _ in range(epochs):
        loss = cross_entropy(linear(x, w, b), y, eps)
        losses.append(loss.data)
        for p in parameters:
            p.grad = 0.0
        loss.backward()
        for p in parameters:
            p.data -= lr * p.grad
    return losses


def recursive_order(root) -> list:
    """The design's topological order: a recursive depth-first search, as its ``backward()`` builds it."""
    order, visited = [], set()

    def visit(node):
        if node not in visited:
            visited.add(node)
            for x in node._inputs:
                visit(x)
            order.append(node)
    visit(root)
    return order
