"""autograd: a small reverse-mode automatic differentiation engine.

>>> from autograd import Value
>>> x = Value(3.0)
>>> y = x ** 2 + 2 * x
>>> y.backward()
>>> x.grad
8.0
"""

from .datasets import four_blobs
from .nn import History, LinearLayer, Module, accuracy, cross_entropy_loss, softmax, train
from .ops import OPS, Op
from .value import Value, topological_order

__all__ = [
    "OPS", "History", "LinearLayer", "Module", "Op", "Value", "accuracy",
    "cross_entropy_loss", "four_blobs", "softmax", "topological_order", "train",
]
