"""Neural-network modules for the Tensor engine: ``Linear`` and ``MLP``.

They are the Tensor engine's counterparts of :class:`autograd.nn.LinearLayer`
and work with the same :func:`autograd.nn.train` loop and the optimizers of
:mod:`autograd.optim`. They live apart from :mod:`autograd.nn` because they
need numpy, and the scalar engine's modules must import without it (the
browser build of the package has no numpy).

>>> from autograd.datasets import four_blobs
>>> from autograd.nn import train
>>> x, y = four_blobs()
>>> history = train(x, y, MLP([2, 8, 4], seed=0), lr=0.5, epochs=20)
>>> history.accuracy[-1] > history.accuracy[0]
True
"""

from __future__ import annotations

import numbers

import numpy as np

from .nn import CROSS_ENTROPY_EPS, LinearLayer, Module, _check_count, _short_repr
from .tensor import Tensor, _frozen_labels, cross_entropy, linear


def _float_dtype(dtype, where: str) -> np.dtype:
    """``dtype`` as a numpy float dtype (None means float64), or an error naming ``dtype``."""
    try:
        checked = np.dtype(dtype)
    except (TypeError, ValueError):
        checked = None
    if checked is None or checked.kind != "f":
        raise TypeError(f"{where} expects dtype as a float dtype such as float32 or float64, got {dtype!r}")
    return checked


def _rng(seed, where: str) -> np.random.Generator:
    """A numpy Generator from ``seed``: None, an int ≥ 0 or a Generator (to share one between layers)."""
    if isinstance(seed, np.random.Generator):
        return seed
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, numbers.Integral)):
        raise TypeError(f"{where} expects seed as an int ≥ 0, a numpy Generator or None, got {type(seed).__name__} {seed!r}")
    if seed is not None and seed < 0:
        raise ValueError(f"{where} expects seed as an int ≥ 0, a numpy Generator or None, got {seed!r}")
    return np.random.default_rng(None if seed is None else int(seed))


class TensorModule(Module):
    """A module whose parameters are Tensors, trained on whole arrays at once."""

    dtype = np.dtype(np.float64)

    def prepare(self, x, y):
        """The batch as a Tensor of this module's dtype and a read-only int array of labels,
        checked once here rather than by cross_entropy every epoch."""
        x = x if isinstance(x, Tensor) else Tensor(x, dtype=self.dtype)
        return x, _frozen_labels(y, classes=self.classes)

    def loss_and_accuracy(self, x, y):
        """The forward pass scored with the same cross-entropy as the scalar engine's."""
        logits = self(x)
        loss = cross_entropy(logits, y, eps=CROSS_ENTROPY_EPS)
        return loss, int(np.count_nonzero(logits.data.argmax(axis=1) == y)) / len(y)

    @property
    def classes(self) -> int:
        raise NotImplementedError


class Linear(TensorModule):
    """A fully connected layer ``y = x @ w + b`` with ``w`` of shape (nin, nout).

    ``w`` starts uniform in ±1/√nin (PyTorch's default range) from
    ``numpy.random.default_rng(seed)``; ``b`` starts at zero.
    :meth:`from_layer` copies a scalar :class:`~autograd.nn.LinearLayer` instead.

    >>> layer = Linear(2, 4, seed=0)
    >>> layer(Tensor([[1.0, 2.0], [3.0, 4.0]])).shape
    (2, 4)
    """

    def __init__(self, nin: int, nout: int, seed=None, dtype=np.float64):
        nin, nout = _check_count(nin, "nin", "Linear"), _check_count(nout, "nout", "Linear")
        rng = _rng(seed, "Linear")  # seed may also be a Generator, shared by an MLP's layers
        bound = 1.0 / np.sqrt(nin)
        self.dtype = dtype = _float_dtype(dtype, "Linear")
        self.w = Tensor(rng.uniform(-bound, bound, size=(nin, nout)), requires_grad=True, dtype=dtype)
        self.b = Tensor(np.zeros(nout), requires_grad=True, dtype=dtype)

    @classmethod
    def from_layer(cls, layer: LinearLayer, dtype=np.float64) -> Linear:
        """A Linear with the same weights and bias as a scalar-engine LinearLayer.

        >>> scalar = LinearLayer(2, 4, seed=0)
        >>> Linear.from_layer(scalar).w.data[0].tolist() == [p.data for p in scalar.w[0]]
        True
        """
        if not isinstance(layer, LinearLayer):
            raise TypeError(f"Linear.from_layer expects layer as a LinearLayer, got {type(layer).__name__} {_short_repr(layer)}")
        linear = cls(layer.nin, layer.nout, dtype=dtype)
        linear.w.data[...] = [[p.data for p in row] for row in layer.w]
        linear.b.data[...] = [p.data for p in layer.b]
        return linear

    @property
    def nin(self) -> int:
        return self.w.shape[0]

    @property
    def nout(self) -> int:
        return self.w.shape[1]

    @property
    def classes(self) -> int:
        return self.nout

    def __call__(self, x) -> Tensor:
        x = x if isinstance(x, Tensor) else Tensor(x, dtype=self.dtype)
        try:
            return linear(x, self.w, self.b)  # which checks the shapes
        except ValueError:
            shape = x.data.shape
            if not shape or shape[-1] != self.nin:  # say it in the layer's terms
                raise ValueError(f"{self!r} expects inputs with {self.nin} features in the last axis, got shape {shape}") from None
            raise

    def parameters(self) -> list[Tensor]:
        return [self.w, self.b]

    def __repr__(self) -> str:
        return f"Linear({self.nin}, {self.nout})"


ACTIVATIONS = ("relu", "tanh", "sigmoid")


class MLP(TensorModule):
    """Linear layers of the given ``sizes`` with an activation between them (none after the last).

    >>> model = MLP([784, 256, 10], activation="relu", seed=0, dtype="float32")
    >>> model(Tensor(np.zeros((3, 784)))).shape, model.dtype
    ((3, 10), dtype('float32'))
    """

    def __init__(self, sizes, activation: str = "relu", seed=None, dtype=np.float64):
        if isinstance(sizes, (str, bytes)) or not hasattr(sizes, "__iter__"):
            raise TypeError(f"MLP expects sizes as a list of layer widths such as [2, 8, 4], got {type(sizes).__name__} {sizes!r}")
        sizes = list(sizes)
        if len(sizes) < 2:
            raise ValueError(f"MLP expects at least two sizes (inputs and outputs), got {sizes!r}")
        sizes = [_check_count(size, f"sizes[{i}]", "MLP") for i, size in enumerate(sizes)]
        if not isinstance(activation, str):
            raise TypeError(f"MLP expects activation as a str, one of {', '.join(ACTIVATIONS)}, got {activation!r}")
        if activation not in ACTIVATIONS:
            raise ValueError(f"MLP expects activation to be one of {', '.join(ACTIVATIONS)}, got {activation!r}")
        rng = _rng(seed, "MLP")
        self.dtype = dtype = _float_dtype(dtype, "MLP")
        self.activation = activation
        self.layers = [Linear(nin, nout, seed=rng, dtype=dtype) for nin, nout in zip(sizes, sizes[1:])]

    @property
    def classes(self) -> int:
        return self.layers[-1].nout

    def __call__(self, x) -> Tensor:
        for i, layer in enumerate(self.layers):
            x = layer(x)
            if i < len(self.layers) - 1:
                x = getattr(x, self.activation)()
        return x

    def parameters(self) -> list[Tensor]:
        return [p for layer in self.layers for p in layer.parameters()]

    def __repr__(self) -> str:
        sizes = [self.layers[0].nin] + [layer.nout for layer in self.layers]
        return f"MLP({sizes}, activation={self.activation!r})"
