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

import math
import numbers
import random
from dataclasses import dataclass, field
from typing import Callable, Sequence

from .optim import SGD
from .value import NON_NEGATIVE, POSITIVE, Value, _short_repr, as_float, checked_setting

CROSS_ENTROPY_EPS = 1e-6
"""Added to the true class's probability before the log in the training loss."""


def _check_count(value, name: str, where: str, least: int = 1) -> int:
    """``value`` as an int ≥ ``least``, or an error naming ``name`` in ``where``.

    numpy ints count as ints; bools and floats (even 3.0) are refused.

    >>> _check_count(3, "epochs", "train")
    3
    >>> _check_count(2.5, "epochs", "train")
    Traceback (most recent call last):
    ...
    TypeError: train expects epochs as an int ≥ 1, got float 2.5
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{where} expects {name} as an int ≥ {least}, got {type(value).__name__} {value!r}")
    if value < least:
        raise ValueError(f"{where} expects {name} as an int ≥ {least}, got {value!r}")
    return int(value)


def _check_seed(seed, where: str) -> int | None:
    """A seed for ``random.Random``: None or an int (numpy ints too), or an error naming ``seed``."""
    if seed is None:
        return None
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral):
        raise TypeError(f"{where} expects seed as an int or None, got {type(seed).__name__} {seed!r}")
    return int(seed)


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
        nin, nout = _check_count(nin, "nin", "LinearLayer"), _check_count(nout, "nout", "LinearLayer")
        rng = random.Random(_check_seed(seed, "LinearLayer"))
        self.nin, self.nout = nin, nout
        self.w = [[Value(rng.uniform(-1, 1)) for _ in range(nout)] for _ in range(nin)]
        self.b = [Value(0.0) for _ in range(nout)]

    def __call__(self, rows) -> list[list[Value]]:
        if isinstance(rows, (str, bytes, Value)) or not hasattr(rows, "__len__"):
            raise TypeError(
                f"{self!r} expects a batch: a list of rows of {self.nin} features, "
                f"got {type(rows).__name__} {_short_repr(rows)}"
            )
        columns = [[w_k[j] for w_k in self.w] for j in range(self.nout)]  # columns[j][k] = w[k][j]
        out = []
        for i, row in enumerate(rows):
            # A list, the common case, is a row without the slower checks (as a finite float is a feature below).
            if row.__class__ is not list and (isinstance(row, (str, bytes, Value)) or not hasattr(row, "__len__")):
                raise TypeError(
                    f"{self!r} expects a batch: a list of rows of {self.nin} features, got "
                    f"{type(row).__name__} {_short_repr(row)} at index {i} (write one example as [[...]])"
                )
            if len(row) != self.nin:
                raise ValueError(
                    f"{self!r} expects rows of {self.nin} features, "
                    f"got a row of {len(row)} at index {i}"
                )
            # A finite float, the common case, passes without building the message (it costs more than the check).
            row = [v if isinstance(v, Value) or v.__class__ is float and math.isfinite(v)
                   else as_float(v, f"{self!r}: row {i}, feature {k}") for k, v in enumerate(row)]
            out.append([sum_values([b] + [x * w for x, w in zip(row, column)]) for b, column in zip(self.b, columns)])
        return out

    def parameters(self) -> list[Value]:
        return [p for row in self.w for p in row] + self.b

    def __repr__(self) -> str:
        return f"LinearLayer({self.nin}, {self.nout})"


def _check_logits(logits, where: str, same_width: bool = True) -> list[list]:
    """``logits`` as a list of non-empty rows (of equal length if ``same_width``), numbers lifted to Values."""
    if isinstance(logits, (str, bytes, Value)) or not hasattr(logits, "__len__"):
        raise TypeError(
            f"{where} expects logits as a list of rows, one list of Values per example, "
            f"got {type(logits).__name__} {_short_repr(logits)}"
        )
    if len(logits) == 0:
        raise ValueError(f"{where} expects logits with at least one row, got none")
    checked = []
    for i, row in enumerate(logits):
        if row.__class__ is not list and (isinstance(row, (str, bytes, Value)) or not hasattr(row, "__len__")):
            raise TypeError(
                f"{where} expects logits as a list of rows, one list of Values per example, "
                f"got {type(row).__name__} {_short_repr(row)} at row {i} (write one example as [[...]])"
            )
        if len(row) == 0:
            raise ValueError(f"{where} expects rows of at least one logit, row {i} is empty")
        if same_width and len(row) != len(logits[0]):
            raise ValueError(
                f"{where} expects rows of logits of one length (one per class), "
                f"row 0 has {len(logits[0])} but row {i} has {len(row)}"
            )
        checked.append([v if isinstance(v, Value) else Value(as_float(v, f"{where}: logits[{i}][{j}]"))
                        for j, v in enumerate(row)])
    return checked


def softmax(rows: Sequence[Sequence[Value]]) -> list[list[Value]]:
    """Turn each row of logits into probabilities that sum to 1.

    The row maximum is subtracted first, as a constant, so the largest
    exponent is e^0 and logits of ±1000 do not overflow. Plain numbers
    in a row are taken as constants.

    >>> [round(p.data, 3) for p in softmax([[Value(1000.0), Value(-1000.0)]])[0]]
    [1.0, 0.0]
    """
    return _softmax(_check_logits(rows, "softmax", same_width=False))


def _softmax(rows: list[list[Value]]) -> list[list[Value]]:
    probabilities = []
    for row in rows:
        top = max(v.data for v in row)
        exps = [(v - top).exp() for v in row]
        total = sum_values(exps)
        probabilities.append([e / total for e in exps])
    return probabilities


def _check_labels(logits: list[list], labels, where: str) -> list[int]:
    """``labels`` as a list of ints, one class index per row of (checked) ``logits``.

    Any integer counts, numpy's included, so a numpy array of labels works.
    """
    if isinstance(labels, (str, bytes)) or not hasattr(labels, "__len__"):
        raise TypeError(
            f"{where} expects labels as a list of int class indices, got {type(labels).__name__} {_short_repr(labels)}"
        )
    if len(logits) != len(labels):
        raise ValueError(f"{where} got {len(logits)} rows of logits but {len(labels)} labels")
    classes = len(logits[0])
    checked = []
    for i, label in enumerate(labels):
        # An int, the common case, skips the check for other integers (numbers.Integral is slow to ask).
        if label.__class__ is not int and (isinstance(label, bool) or not isinstance(label, numbers.Integral)) \
                or not 0 <= label < classes:
            raise ValueError(
                f"{where}: label {label!r} at index {i} is not a class index: expected an int in 0..{classes - 1}"
            )
        checked.append(int(label))
    return checked


def cross_entropy_loss(logits, labels: Sequence[int], eps: float = CROSS_ENTROPY_EPS) -> Value:
    """Mean negative log-likelihood of the true classes under ``softmax(logits)``.

    ``eps`` is added to each probability before the log, so a probability of 0
    costs -log(eps) instead of infinity.

    >>> loss = cross_entropy_loss([[Value(0.0), Value(0.0)]], [1])
    >>> round(loss.data, 4)  # -log(0.5)
    0.6931
    """
    logits = _check_logits(logits, "cross_entropy_loss")
    labels = _check_labels(logits, labels, "cross_entropy_loss")
    eps = checked_setting(eps, "eps", "cross_entropy_loss", *NON_NEGATIVE)
    probabilities = _softmax(logits)
    losses = [-(probabilities[i][label] + eps).log() for i, label in enumerate(labels)]
    return sum_values(losses) * (1.0 / len(labels))


def accuracy(logits, labels: Sequence[int]) -> float:
    """Fraction of rows whose largest logit is at the true class.

    >>> accuracy([[Value(2.0), Value(1.0)], [Value(0.0), Value(3.0)]], [0, 0])
    0.5
    """
    logits = _check_logits(logits, "accuracy")
    labels = _check_labels(logits, labels, "accuracy")
    hits = 0
    for row, label in zip(logits, labels):
        scores = [v.data for v in row]
        hits += scores.index(max(scores)) == label
    return hits / len(labels)


def _length(x) -> int | None:
    """``len(x)``, or None for something without a length (the engine's own checks then speak)."""
    try:
        return len(x)
    except TypeError:
        return None


@dataclass
class History:
    """Loss and accuracy of every epoch, measured on the forward pass of that epoch."""

    loss: list[float] = field(default_factory=list)
    accuracy: list[float] = field(default_factory=list)


def train(
    x,
    y: Sequence[int],
    model: Module,
    lr: float | None = None,
    epochs: int = 500,
    callback: Callable[[int, float, float], None] | None = None,
    optimizer=None,
) -> History:
    """Full-batch gradient descent on softmax cross-entropy, on either engine.

    Each epoch runs the forward pass, records loss and accuracy, resets the
    gradients, backpropagates and steps every parameter by ``-lr * grad``
    (``lr`` is 1.0 unless given), or by ``optimizer``, an :mod:`autograd.optim`
    optimizer over the model's parameters, which has its own learning rate. ``callback(epoch, loss, accuracy)``, if given, is
    called after each epoch, for example to show progress. ``model`` may be a
    scalar-engine module such as :class:`LinearLayer` or a Tensor-engine one
    such as :class:`autograd.tensor_nn.Linear`.

    >>> from autograd.datasets import four_blobs
    >>> x, y = four_blobs()
    >>> history = train(x, y, LinearLayer(2, 4, seed=0), epochs=3, callback=None)
    >>> history.loss[0] > history.loss[-1]
    True
    """
    if not isinstance(model, Module):
        raise TypeError(
            "train expects model as an autograd Module (LinearLayer, Linear, MLP or a subclass of Module), "
            f"got {type(model).__name__} {_short_repr(model)}"
        )
    epochs = _check_count(epochs, "epochs", "train")
    if callback is not None and not callable(callback):
        raise TypeError(f"train expects callback as a function (epoch, loss, accuracy) or None, got {type(callback).__name__} {_short_repr(callback)}")
    if optimizer is None:
        optimizer = SGD(model.parameters(), 1.0 if lr is None else checked_setting(lr, "lr", "train", *POSITIVE))
    elif lr is not None:
        raise ValueError(
            f"train got both lr = {_short_repr(lr)} and an optimizer, which has its own learning rate: "
            "pass lr to the optimizer instead"
        )
    elif not (callable(getattr(optimizer, "step", None)) and callable(getattr(optimizer, "zero_grad", None))):
        raise TypeError(
            "train expects optimizer as an optimizer of autograd.optim (SGD, Adam) or None, "
            f"got {type(optimizer).__name__} {_short_repr(optimizer)}"
        )
    examples, labels = _length(x), _length(y)
    if examples == 0:
        raise ValueError("train expects x with at least one example, got none")
    if examples is not None and labels is not None and examples != labels:
        raise ValueError(f"train got {examples} examples in x but {labels} labels in y: expected one label per example")
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
