"""Benchmark 1, the page's task on the Tensor engine: four_blobs, Linear(2, 4), full-batch gradient descent.

Every contestant starts from the same weights (those of ``LinearLayer(2, 4,
seed=0)``), computes the same loss every epoch (softmax, then -log(p + 1e-6)
of the true class, averaged) and steps by -lr · grad, in float64. The
issue's comparison is the "loss + grad only" pair: the engine's forward loss,
backward and SGD step against a hand-written numpy loop that computes only
the loss and the gradient (the floor: the same arithmetic with no graph).
The ``train()`` row and the numpy loop that also computes the accuracy show
what the training loop's bookkeeping adds.
"""

from __future__ import annotations

import numpy as np

from autograd import SGD, Linear, LinearLayer, four_blobs, train
from autograd.nn import CROSS_ENTROPY_EPS
from autograd.tensor import cross_entropy

from .common import Result, Row, Target, best_times, optional, ratio, skipped
from .scalar_page_task import LR, SEED, initial_weights, reference_losses


def tensor_engine(x, y, epochs: int) -> list[float]:
    """The Tensor engine's training, loss + grad only: forward loss, backward, SGD step (no accuracy)."""
    model = Linear.from_layer(LinearLayer(2, 4, seed=SEED))
    x, y = model.prepare(x, y)
    optimizer = SGD(model.parameters(), LR)
    losses = []
    for _ in range(epochs):
        loss = cross_entropy(model(x), y, eps=CROSS_ENTROPY_EPS)
        losses.append(loss.item())
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return losses


def tensor_train(x, y, epochs: int) -> list[float]:
    """The Tensor engine through ``train()``, which also records the accuracy of every epoch."""
    return train(x, y, Linear.from_layer(LinearLayer(2, 4, seed=SEED)), lr=LR, epochs=epochs).loss


def numpy_floor(x: np.ndarray, y: np.ndarray, w: np.ndarray, b: np.ndarray, epochs: int,
                accuracy: bool = False) -> list[float]:
    """The loss and its gradient written out by hand: the least work this training can take.

    With ``accuracy`` it also computes each epoch's accuracy, as ``train()`` does.
    """
    w, b = w.copy(), b.copy()
    rows = np.arange(len(y))
    losses = []
    for _ in range(epochs):
        z = x @ w + b
        exps = np.exp(z - z.max(axis=1, keepdims=True))
        p = exps / exps.sum(axis=1, keepdims=True)
        picked = p[rows, y]
        losses.append(float(-np.log(picked + CROSS_ENTROPY_EPS).mean()))
        if accuracy:
            float(np.mean(z.argmax(axis=1) == y))
        # ∂loss/∂z = c (p - onehot(y)) / n, with c = p_y / (p_y + eps).
        scale = picked / (picked + CROSS_ENTROPY_EPS) / len(y)
        dz = p * scale[:, None]
        dz[rows, y] -= scale
        w -= LR * (x.T @ dz)
        b -= LR * dz.sum(axis=0)
    return losses


def floor(x_list, y_list, epochs: int) -> list[float]:
    """The numpy floor, loss + grad only, from the page's data and weights as lists."""
    w0, b0 = (np.array(v) for v in initial_weights())
    return numpy_floor(np.array(x_list), np.array(y_list), w0, b0, epochs)


def torch_training(torch, x: np.ndarray, y: np.ndarray, w: np.ndarray, b: np.ndarray, epochs: int) -> list[float]:
    """The same training in PyTorch, with its autograd: loss + grad only."""
    x, y = torch.from_numpy(x), torch.from_numpy(y)
    w = torch.tensor(w, requires_grad=True)
    b = torch.tensor(b, requires_grad=True)
    rows = torch.arange(len(y))
    losses = []
    for _ in range(epochs):
        z = x @ w + b
        p = torch.softmax(z, dim=1)
        loss = -(p[rows, y] + CROSS_ENTROPY_EPS).log().mean()
        losses.append(loss.item())
        w.grad = b.grad = None
        loss.backward()
        with torch.no_grad():
            w -= LR * w.grad
            b -= LR * b.grad
    return losses


def run(quick: bool = False) -> Result:
    epochs = 20 if quick else 500
    repeats = 1 if quick else 15
    x_list, y_list = four_blobs()
    w0, b0 = (np.array(v) for v in initial_weights())
    x, y = np.array(x_list), np.array(y_list)

    contestants = {
        "Tensor engine, loss + grad only": lambda: tensor_engine(x_list, y_list, epochs),
        "numpy floor (loss + grad only)": lambda: numpy_floor(x, y, w0, b0, epochs),
        "Tensor engine, train() (also accuracy and history)": lambda: tensor_train(x_list, y_list, epochs),
        "numpy by hand, also accuracy": lambda: numpy_floor(x, y, w0, b0, epochs, accuracy=True),
    }
    torch = optional("torch")
    if torch is not None:
        torch.set_num_threads(1)
        contestants["PyTorch CPU, 1 thread, loss + grad only"] = lambda: torch_training(torch, x, y, w0, b0, epochs)
    times = best_times(contestants, repeats)
    rows = {name: Row(name, seconds) for name, seconds in times.items()}
    if torch is None:
        rows["PyTorch CPU, 1 thread, loss + grad only"] = skipped("PyTorch CPU, 1 thread, loss + grad only", "torch")
    else:
        rows["PyTorch CPU, 1 thread, loss + grad only"].note = f"torch {torch.__version__}"

    reference = reference_losses(epochs)
    for name, contestant in contestants.items():
        # How far its loss history is from the scalar engine's, the definition of the task.
        losses = contestant()
        rows[name].extra["max relative loss difference vs scalar engine"] = max(
            abs(a - r) / r for a, r in zip(losses, reference))
    tensor, floor = rows["Tensor engine, loss + grad only"], rows["numpy floor (loss + grad only)"]
    pytorch = rows["PyTorch CPU, 1 thread, loss + grad only"]
    for row in rows.values():
        if row.seconds is not None:
            row.extra["µs per epoch"] = row.seconds / epochs * 1e6
    return Result(
        name="1. The page's task, Tensor engine",
        task=f"four_blobs (100 points), Linear(2, 4), {epochs} epochs, lr = {LR}, float64, same initial weights, "
             "loss every epoch",
        rows=list(rows.values()),
        targets=[
            Target("Tensor engine ≤ 1.5× the numpy floor (loss + grad only)", ratio(tensor, floor), 1.5),
            Target("Tensor engine ≤ 1.25× the numpy floor (loss + grad only), the goal", ratio(tensor, floor), 1.25),
            Target("Tensor engine faster than PyTorch (loss + grad only)", ratio(tensor, pytorch), 1.0),
        ],
    )
