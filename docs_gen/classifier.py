"""The classifier's code page: the package's own source for the model, the loss and the loop, read at build time.

The excerpts come from :func:`docs_gen.source.excerpt`, so the page always shows
the code that runs. :func:`hand_loop` runs a training loop written out by hand
with those pieces and checks that it gives exactly the losses of ``train()``.
"""

from __future__ import annotations

import contextlib
import io
from pathlib import Path

from autograd import nn, optim

from . import cache
from .source import REPO, excerpt

PACKAGE = REPO / "autograd"

HAND_LOOP = """\
from autograd import LinearLayer, cross_entropy_loss, four_blobs

x, y = four_blobs(n=100, seed=0)          # points in 2D, one class label each
model = LinearLayer(2, 4, seed=0)         # logits = x @ w + b, one per class
lr = 1.0
losses = []
for epoch in range(1, 51):
    logits = model(x)                     # forward pass: one graph for the whole batch
    loss = cross_entropy_loss(logits, y)  # mean of -log(softmax(logits)[label] + eps)
    losses.append(loss.data)
    model.zero_grad()                     # gradients accumulate, so reset them first
    loss.backward()                       # reverse mode: every parameter's grad at once
    for p in model.parameters():
        p.data -= lr * p.grad             # one step of gradient descent
    if epoch % 10 == 0:
        print(f"epoch {epoch:2d}  loss {loss.data:.4f}")
"""


def model_code() -> str:
    """The layer: its parameters, its forward pass and the list the optimiser steps."""
    return "\n".join(excerpt(obj) for obj in (nn.LinearLayer.__init__, nn.LinearLayer.__call__, nn.LinearLayer.parameters))


def loss_code() -> str:
    """Softmax and the cross-entropy loss, as the package computes them."""
    return "\n".join(excerpt(obj) for obj in (nn._softmax, nn.cross_entropy_loss))


def loop_code() -> str:
    """The training loop of ``train()``, the forward pass it calls and the gradient-descent step."""
    return "\n".join(excerpt(obj) for obj in (nn.train, nn.Module.loss_and_accuracy, optim.SGD.step))


def hand_loop() -> str:
    """:data:`HAND_LOOP` with its output, and its losses compared with ``train()``'s.

    Run once per version of the package and of this module (it trains twice): kept in the build cache.
    """
    return cache.text("hand-loop", [PACKAGE, Path(__file__)], _run_hand_loop)


def _run_hand_loop() -> str:
    namespace: dict = {}
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(HAND_LOOP, "<hand loop>", "exec"), namespace)  # noqa: S102 - our own code, above
    losses = namespace["losses"]
    x, y = _blobs()
    history = nn.train(x, y, nn.LinearLayer(2, 4, seed=0), lr=namespace["lr"], epochs=len(losses))
    worst = max(abs(a - b) for a, b in zip(losses, history.loss))
    return (
        f"```python\n{HAND_LOOP}```\n\n```text\n{out.getvalue()}```\n\n"
        f"Over its {len(losses)} epochs this loop's losses and those `train()` records for the same data, model "
        f"and learning rate differ by at most **{worst:.1e}**.\n"
    )


def _blobs():
    from autograd.datasets import four_blobs

    return four_blobs(n=100, seed=0)
