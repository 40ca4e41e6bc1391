"""Optimizers: update parameters from their gradients, on either engine.

A parameter is anything with ``data`` and ``grad`` of the same kind: a scalar
:class:`~autograd.value.Value` (floats) or a :class:`~autograd.tensor.Tensor`
(numpy arrays). The update rules use only arithmetic, so one implementation
serves both; parameters whose ``grad`` is ``None`` (no gradient reached them)
are left alone.

>>> from autograd.value import Value
>>> w = Value(1.0)
>>> opt = SGD([w], lr=0.1)
>>> (w * w).backward()
>>> opt.step()
>>> w.data
0.8
"""

from __future__ import annotations

from .value import NON_NEGATIVE, POSITIVE, checked_setting

_FRACTION = ("in [0, 1)", lambda v: 0 <= v < 1)  # a momentum or a moment's decay


class Optimizer:
    """The shared part: the checked parameter list, ``lr`` and ``zero_grad``."""

    def __init__(self, params, lr: float):
        owner = type(self).__name__
        self.params = list(params)
        if not self.params:
            raise ValueError(f"{owner} got an empty parameter list")
        for i, p in enumerate(self.params):
            if not (hasattr(p, "data") and hasattr(p, "grad")):
                raise TypeError(
                    f"{owner} expects parameters that are Values or Tensors, got {type(p).__name__} {p!r} "
                    f"at index {i}"
                )
            if getattr(p, "inputs", ()):
                raise ValueError(f"{owner} can only optimize leaves (inputs and parameters); parameter {i} is the result of an op")
        if len({id(p) for p in self.params}) != len(self.params):
            raise ValueError(f"{owner} got the same parameter more than once")
        self.lr = checked_setting(lr, "lr", owner, *POSITIVE)

    def zero_grad(self) -> None:
        """Set every parameter's gradient to None, as PyTorch does (gradients accumulate otherwise).

        A parameter that the next backward pass does not reach keeps ``grad = None``,
        and ``step()`` leaves it, and its momentum or moments, alone.
        """
        for p in self.params:
            p.grad = None

    def step(self) -> None:
        raise NotImplementedError


class SGD(Optimizer):
    """Stochastic gradient descent, optionally with momentum (PyTorch's form).

    ``v ← momentum · v + grad``, then ``data ← data - lr · v``. With
    ``momentum=0`` this is plain ``data ← data - lr · grad``.

    >>> from autograd.tensor import Tensor
    >>> w = Tensor([1.0, -2.0], requires_grad=True)
    >>> opt = SGD([w], lr=0.5, momentum=0.9)
    >>> for _ in range(2):
    ...     opt.zero_grad()
    ...     (w * w).sum().backward()
    ...     opt.step()
    >>> w.data.tolist()  # 1 → 0 → -0.9
    [-0.9, 1.8]
    """

    def __init__(self, params, lr: float, momentum: float = 0.0):
        super().__init__(params, lr)
        self.momentum = checked_setting(momentum, "momentum", "SGD", *_FRACTION)
        self.velocity = [0.0] * len(self.params)

    def step(self) -> None:
        """Move every parameter that has a gradient against it."""
        for i, p in enumerate(self.params):
            if p.grad is None:
                continue
            step = p.grad
            if self.momentum:
                step = self.velocity[i] = self.momentum * self.velocity[i] + step
            p.data -= self.lr * step


class Adam(Optimizer):
    """Adam (Kingma & Ba, 2015): steps scaled by running moments of the gradient.

    Each parameter counts its own steps, as in PyTorch, so the bias correction of
    a parameter that first gets a gradient late starts from its own first step.

    >>> from autograd.value import Value
    >>> w = Value(3.0)
    >>> opt = Adam([w], lr=0.1)
    >>> (w * w).backward()
    >>> opt.step()
    >>> round(w.data, 6)  # the first step moves every parameter by about lr
    2.9
    """

    def __init__(self, params, lr: float = 1e-3, betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8):
        super().__init__(params, lr)
        if not isinstance(betas, (tuple, list)) or len(betas) != 2:
            raise ValueError(f"Adam expects betas as a pair (beta1, beta2), got {betas!r}")
        self.betas = tuple(checked_setting(b, f"betas[{i}]", "Adam", *_FRACTION) for i, b in enumerate(betas))
        self.eps = checked_setting(eps, "eps", "Adam", *NON_NEGATIVE)
        self.steps = [0] * len(self.params)
        self.first_moment = [0.0] * len(self.params)
        self.second_moment = [0.0] * len(self.params)

    def step(self) -> None:
        """One Adam update of every parameter that has a gradient."""
        beta1, beta2 = self.betas
        for i, p in enumerate(self.params):
            if p.grad is None:
                continue
            g = p.grad
            t = self.steps[i] = self.steps[i] + 1
            m = self.first_moment[i] = beta1 * self.first_moment[i] + (1 - beta1) * g
            v = self.second_moment[i] = beta2 * self.second_moment[i] + (1 - beta2) * g * g
            # Undo the pull of the zero-initialised moments towards 0 in early steps.
            p.data -= self.lr * (m / (1 - beta1**t)) / ((v / (1 - beta2**t)) ** 0.5 + self.eps)
