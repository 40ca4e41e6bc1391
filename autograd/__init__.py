"""autograd: a small reverse-mode automatic differentiation engine.

>>> from autograd import Value
>>> x = Value(3.0)
>>> y = x ** 2 + 2 * x
>>> y.backward()
>>> x.grad
8.0

The numpy-backed Tensor engine is imported on first use of one of its names,
so ``import autograd`` itself needs no numpy (the browser build has none):

>>> from autograd import Tensor
>>> Tensor([1.0, 2.0]).sum().item()
3.0
"""

import importlib

from .datasets import four_blobs
from .derivatives import grad, hessian
from .nn import History, LinearLayer, Module, accuracy, cross_entropy_loss, softmax, train
from .ops import OPS, Op
from .optim import SGD, Adam
from .value import Value, topological_order

_NUMPY_NAMES = {
    "Tensor": ".tensor", "no_grad": ".tensor", "cross_entropy": ".tensor", "log_softmax": ".tensor",
    "where": ".tensor", "linear": ".tensor",
    "Linear": ".tensor_nn", "MLP": ".tensor_nn",
}


def __getattr__(name):
    if name in _NUMPY_NAMES:
        return getattr(importlib.import_module(_NUMPY_NAMES[name], __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "MLP", "OPS", "SGD", "Adam", "History", "Linear", "LinearLayer", "Module", "Op", "Tensor", "Value",
    "accuracy", "cross_entropy", "cross_entropy_loss", "four_blobs", "grad", "hessian", "linear", "log_softmax", "no_grad",
    "softmax", "topological_order", "train", "where",
]
