"""Neural-network pieces built on the scalar engine: a linear layer, softmax,
cross-entropy, accuracy and a gradient-descent training loop.

>>> from autograd.datasets import four_blobs
>>> x, y = four_blobs()
>>> model = LinearLayer(2, 4, seed=0)
>>> history = train(x, y, model, lr=1.0, epochs=5)
>>> len(history.loss)
5
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Callable, Sequence

from .optim import SGD
from .value import Value

CROSS_ENTROPY_EPS = 1e-6
"""Added to the true class's probability before the log in the training loss."""


class Module:
    """Anything with parameters: they can be listed and their gradients reset.

    :func:`train` also asks a module for its engine's form of a batch
    (:meth:`prepare`) and for the loss and accuracy of its predictions
    (:meth:`loss_and_accuracy`); the defaults here are the scalar engine's.
    """

    def parameters(self) -> list[Value]:
        return []

    def zero_grad(self) -> None:
        """Reset every parameter's gradient (gradients accumulate otherwise)."""
        for p in self.parameters():
            p.zero_grad()

    def prepare(self, x, y):
        """The batch ``(x, y)`` in the form this module computes with: lists, for the scalar engine."""
        return x, y

    def loss_and_accuracy(self, x, y):
        """The forward pass on ``x``: its cross-entropy loss (a graph node) and its accuracy."""
        logits = self(x)
        return cross_entropy_loss(logits, y), accuracy(logits, y)


def sum_values(values: Sequence[Value]) -> Value:
    """The sum of one or more Values, without the extra ``0 +`` node of ``sum()``."""
    total = values[0]
    for v in values[1:]:
        total = total + v
    return total


class LinearLayer(Module):
    """A fully connected layer ``y = x @ w + b`` on the scalar engine.

    ``w`` is laid out ``w[nin][nout]`` and drawn uniformly from (-1, 1) by a
    ``random.Random(seed)``, so a seed gives the same layer every time; ``b``
    starts at zero. Calling the layer on a batch (a list of rows of ``nin``
    numbers or Values) returns one row of ``nout`` Values per input row.

    >>> layer = LinearLayer(2, 4, seed=0)
    >>> out = layer([[1.0, 2.0]])
    >>> len(out), len(out[0]), len(layer.parameters())
    (1, 4, 12)
    """

    def __init__(self, nin: int, nout: int, seed: int | None = None):
        if nin < 1 or nout < 1:
            raise ValueError(f"LinearLayer expects nin ≥ 1 and nout ≥ 1, got nin={nin}, nout={nout}")
        rng = random.Random(seed)
        self.nin, self.nout = nin, nout
        self.w = [[Value(rng.uniform(-1, 1)) for _ in range(nout)] for _ in range(nin)]
        self.b = [Value(0.0) for _ in range(nout)]

    def __call__(self, rows) -> list[list[Value]]:
        out = []
        for i, row in enumerate(rows):
            if len(row) != self.nin:
                raise ValueError(
                    f"{self!r} expects rows of {self.nin} features, "
                    f"got a row of {len(row)} at index {i}"
                )
            out.append([
                sum_values([self.b[j]] + [row[k] * self.w[k][j] for k in range(self.nin)])
                for j in range(self.nout)
            ])
        return out

    def parameters(self) -> list[Value]:
        return [p for row in self.w for p in row] + self.b

    def __repr__(self) -> str:
        return f"LinearLayer({self.nin}, {self.nout})"


def softmax(rows: Sequence[Sequence[Value]]) -> list[list[Value]]:
    """Turn each row of logits into probabilities that sum to 1.

    The row maximum is subtracted first, as a constant, so the largest
    exponent is e^0 and logits of ±1000 do not overflow.

    >>> [round(p.data, 3) for p in softmax([[Value(1000.0), Value(-1000.0)]])[0]]
    [1.0, 0.0]
    """
    probabilities = []
    for row in rows:
        top = max(v.data for v in row)
        exps = [(v - top).exp() for v in row]
        total = sum_values(exps)
        probabilities.append([e / total for e in exps])
    return probabilities


def _check_labels(logits, labels) -> None:
    if len(logits) != len(labels):
        raise ValueError(f"got {len(logits)} rows of logits but {len(labels)} labels")
    if not labels:
        raise ValueError("expected at least one example, got none")
    classes = len(logits[0])
    for i, label in enumerate(labels):
        if isinstance(label, bool) or not isinstance(label, int) or not 0 <= label < classes:
            raise ValueError(
                f"label {label!r} at index {i} is not a class index: expected an int in 0..{classes - 1}"
            )


def cross_entropy_loss(logits, labels: Sequence[int], eps: float = CROSS_ENTROPY_EPS) -> Value:
    """Mean negative log-likelihood of the true classes under ``softmax(logits)``.

    ``eps`` is added to each probability before the log, so a probability of 0
    costs -log(eps) instead of infinity.

    >>> loss = cross_entropy_loss([[Value(0.0), Value(0.0)]], [1])
    >>> round(loss.data, 4)  # -log(0.5)
    0.6931
    """
    _check_labels(logits, labels)
    probabilities = softmax(logits)
    losses = [-(probabilities[i][label] + eps).log() for i, label in enumerate(labels)]
    return sum_values(losses) * (1.0 / len(labels))


def _data(v) -> float:
    return v.data if isinstance(v, Value) else v


def accuracy(logits, labels: Sequence[int]) -> float:
    """Fraction of rows whose largest logit is at the true class.

    >>> accuracy([[Value(2.0), Value(1.0)], [Value(0.0), Value(3.0)]], [0, 0])
    0.5
    """
    _check_labels(logits, labels)
    hits = 0
    for row, label in zip(logits, labels):
        scores = [_data(v) for v in row]
        hits += scores.index(max(scores)) == label
    return hits / len(labels)


@dataclass
class History:
    """Loss and accuracy of every epoch, measured on the forward pass of that epoch."""

    loss: list[float] = field(default_factory=list)
    accuracy: list[float] = field(default_factory=list)


def train(
    x,
    y: Sequence[int],
    model: Module,
    lr: float = 1.0,
    epochs: int = 500,
    callback: Callable[[int, float, float], None] | None = None,
    optimizer=None,
) -> History:
    """Full-batch gradient descent on softmax cross-entropy, on either engine.

    Each epoch runs the forward pass, records loss and accuracy, resets the
    gradients, backpropagates and steps every parameter by ``-lr * grad``
    (or by ``optimizer``, an :mod:`autograd.optim` optimizer over the model's
    parameters, if given). ``callback(epoch, loss, accuracy)``, if given, is
    called after each epoch, for example to show progress. ``model`` may be a
    scalar-engine module such as :class:`LinearLayer` or a Tensor-engine one
    such as :class:`autograd.tensor_nn.Linear`.

    >>> from autograd.datasets import four_blobs
    >>> x, y = four_blobs()
    >>> history = train(x, y, LinearLayer(2, 4, seed=0), epochs=3, callback=None)
    >>> history.loss[0] > history.loss[-1]
    True
    """
    if optimizer is None:
        optimizer = SGD(model.parameters(), lr)
    x, y = model.prepare(x, y)
    history = History()
    for epoch in range(1, epochs + 1):
        loss, hits = model.loss_and_accuracy(x, y)
        history.loss.append(float(loss.data))
        history.accuracy.append(hits)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        if callback is not None:
            callback(epoch, history.loss[-1], history.accuracy[-1])
    return history
