"""Benchmark 1, the page's task: four_blobs, LinearLayer(2, 4), full-batch gradient descent.

Every contestant starts from the same weights, computes the same loss (softmax,
then -log(p + 1e-6) of the true class, averaged), records loss and accuracy
every epoch and steps by -lr · grad. The hand-written numpy version is the floor:
the same arithmetic with no graph at all.
"""

from __future__ import annotations

import numpy as np

from autograd import Linear, LinearLayer, four_blobs, train
from autograd.nn import CROSS_ENTROPY_EPS

from .common import Result, Row, Target, best_time, optional, ratio, skipped

LR = 1.0


def numpy_floor(x: np.ndarray, y: np.ndarray, w: np.ndarray, b: np.ndarray, epochs: int) -> list[float]:
    """Forward pass and gradient written out by hand: the least work this training can take."""
    w, b = w.copy(), b.copy()
    rows = np.arange(len(y))
    losses = []
    for _ in range(epochs):
        z = x @ w + b
        exps = np.exp(z - z.max(axis=1, keepdims=True))
        p = exps / exps.sum(axis=1, keepdims=True)
        picked = p[rows, y]
        losses.append(float(-np.log(picked + CROSS_ENTROPY_EPS).mean()))
        float(np.mean(z.argmax(axis=1) == y))  # accuracy, as every other contestant records it
        # ∂loss/∂z = c (p - onehot(y)) / n, with c = p_y / (p_y + eps).
        scale = picked / (picked + CROSS_ENTROPY_EPS) / len(y)
        dz = p * scale[:, None]
        dz[rows, y] -= scale
        w -= LR * (x.T @ dz)
        b -= LR * dz.sum(axis=0)
    return losses


def torch_training(torch, x: np.ndarray, y: np.ndarray, w: np.ndarray, b: np.ndarray, epochs: int) -> list[float]:
    """The same training in PyTorch, with its autograd."""
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
        (z.argmax(dim=1) == y).double().mean().item()
        w.grad = b.grad = None
        loss.backward()
        with torch.no_grad():
            w -= LR * w.grad
            b -= LR * b.grad
    return losses


def run(quick: bool = False) -> Result:
    epochs = 20 if quick else 500
    repeats = 1 if quick else 5
    x_list, y_list = four_blobs()
    layer = LinearLayer(2, 4, seed=0)
    w0 = np.array([[p.data for p in row] for row in layer.w])
    b0 = np.array([p.data for p in layer.b])
    x, y = np.array(x_list), np.array(y_list)

    reference = train(x_list, y_list, LinearLayer(2, 4, seed=0), lr=LR, epochs=epochs).loss
    scalar = Row("Scalar engine (Value)", best_time(lambda: train(x_list, y_list, LinearLayer(2, 4, seed=0), lr=LR, epochs=epochs), 1))
    floor = Row("numpy by hand (floor)", best_time(lambda: numpy_floor(x, y, w0, b0, epochs), repeats))
    tensor = Row("Tensor engine", best_time(lambda: train(x_list, y_list, Linear.from_layer(layer), lr=LR, epochs=epochs), repeats))
    agreement = {
        "Tensor engine": train(x_list, y_list, Linear.from_layer(layer), lr=LR, epochs=epochs).loss,
        "numpy by hand (floor)": numpy_floor(x, y, w0, b0, epochs),
    }

    torch = optional("torch")
    if torch is None:
        pytorch = skipped("PyTorch CPU, 1 thread", "torch")
    else:
        torch.set_num_threads(1)
        pytorch = Row("PyTorch CPU, 1 thread", best_time(lambda: torch_training(torch, x, y, w0, b0, epochs), repeats),
                      note=f"torch {torch.__version__}")
        agreement[pytorch.contestant] = torch_training(torch, x, y, w0, b0, epochs)

    rows = [tensor, floor, pytorch, scalar]
    for row in rows:
        if row.contestant in agreement:
            # How far its loss history is from the scalar engine's, the definition of the task.
            difference = max(abs(a - r) / r for a, r in zip(agreement[row.contestant], reference))
            row.extra["max relative loss difference vs scalar engine"] = difference
    return Result(
        name="1. The page's task",
        task=f"four_blobs (100 points), LinearLayer(2, 4), {epochs} epochs, lr = {LR}, float64, same initial weights",
        rows=rows,
        targets=[
            Target("Tensor engine ≤ 1.5× the numpy floor", ratio(tensor, floor), 1.5),
            Target("Tensor engine faster than PyTorch", ratio(tensor, pytorch), 1.0),
        ],
    )
