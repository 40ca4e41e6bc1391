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


class Optimizer:
    """The shared part: the parameter list and ``zero_grad``."""

    def __init__(self, params, lr: float):
        self.params = list(params)
        if not self.params:
            raise ValueError(f"{type(self).__name__} got an empty parameter list")
        if not lr > 0:
            raise ValueError(f"{type(self).__name__} expects a learning rate lr > 0, got {lr!r}")
        self.lr = lr

    def zero_grad(self) -> None:
        """Reset every parameter's gradient (they accumulate otherwise)."""
        for p in self.params:
            p.zero_grad()

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
        if not 0 <= momentum < 1:
            raise ValueError(f"SGD expects 0 ≤ momentum < 1, got {momentum!r}")
        self.momentum = momentum
        self.velocity = [0.0] * len(self.params)

    def step(self) -> None:
        """Move every parameter against its gradient."""
        for i, p in enumerate(self.params):
            if p.grad is None:
                continue
            step = p.grad
            if self.momentum:
                step = self.velocity[i] = self.momentum * self.velocity[i] + step
            p.data -= self.lr * step


class Adam(Optimizer):
    """Adam (Kingma & Ba, 2015): steps scaled by running moments of the gradient.

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
        if not all(0 <= b < 1 for b in betas):
            raise ValueError(f"Adam expects betas in [0, 1), got {betas!r}")
        self.betas, self.eps = betas, eps
        self.steps = 0
        self.first_moment = [0.0] * len(self.params)
        self.second_moment = [0.0] * len(self.params)

    def step(self) -> None:
        """One Adam update of every parameter that has a gradient."""
        beta1, beta2 = self.betas
        self.steps += 1
        # Undo the pull of the zero-initialised moments towards 0 in early steps.
        correction1, correction2 = 1 - beta1**self.steps, 1 - beta2**self.steps
        for i, p in enumerate(self.params):
            if p.grad is None:
                continue
            g = p.grad
            m = self.first_moment[i] = beta1 * self.first_moment[i] + (1 - beta1) * g
            v = self.second_moment[i] = beta2 * self.second_moment[i] + (1 - beta2) * g * g
            p.data -= self.lr * (m / correction1) / ((v / correction2) ** 0.5 + self.eps)
