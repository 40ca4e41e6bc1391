"""Benchmark 4, a real-sized MLP: 784-256-10, float32, batches of 256, 50 SGD steps.

The data are synthetic (Gaussian inputs, labels from a fixed random linear
map), pre-generated so both contestants see the same batches. Both start from
the same weights, use the fused softmax cross-entropy and plain SGD, and run
their matrix products on one thread (numpy's OpenBLAS is pinned by
``benchmarks.run``, PyTorch by ``torch.set_num_threads(1)``).
"""

from __future__ import annotations

import numpy as np

from autograd import SGD, MLP
from autograd.tensor import Tensor, cross_entropy

from .common import Result, Row, Target, best_times, optional, ratio, skipped

SIZES = (784, 256, 10)
BATCH = 256
LR = 0.1


def synthetic_batches(steps: int, seed: int = 0) -> list[tuple[np.ndarray, np.ndarray]]:
    rng = np.random.default_rng(seed)
    mapping = rng.normal(size=(SIZES[0], SIZES[-1]))
    batches = []
    for _ in range(steps):
        x = rng.normal(size=(BATCH, SIZES[0])).astype(np.float32)
        batches.append((x, np.argmax(x @ mapping, axis=1)))
    return batches


def tensor_training(model: MLP, batches) -> list[float]:
    optimizer = SGD(model.parameters(), lr=LR)
    losses = []
    for x, y in batches:
        loss = cross_entropy(model(Tensor(x)), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return losses


def torch_training(torch, weights, batches) -> list[float]:
    params = [torch.tensor(w, requires_grad=True) for w in weights]
    optimizer = torch.optim.SGD(params, lr=LR)
    w1, b1, w2, b2 = params
    losses = []
    for x, y in batches:
        x, y = torch.from_numpy(x), torch.from_numpy(y)
        logits = torch.relu(x @ w1 + b1) @ w2 + b2
        loss = torch.nn.functional.cross_entropy(logits, y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return losses


def run(quick: bool = False) -> Result:
    steps = 3 if quick else 50
    repeats = 1 if quick else 5
    batches = synthetic_batches(steps)
    initial = MLP(SIZES, activation="relu", seed=0, dtype=np.float32)
    weights = [p.data.copy() for p in initial.parameters()]

    def fresh_model() -> MLP:
        model = MLP(SIZES, activation="relu", dtype=np.float32)
        for p, w in zip(model.parameters(), weights):
            p.data[...] = w
        return model

    contestants = {"Tensor engine": lambda: tensor_training(fresh_model(), batches)}
    torch = optional("torch")
    if torch is not None:
        torch.set_num_threads(1)
        contestants["PyTorch CPU, 1 thread"] = lambda: torch_training(torch, weights, batches)
    times = best_times(contestants, repeats)
    tensor = Row("Tensor engine", times["Tensor engine"])
    tensor_losses = tensor_training(fresh_model(), batches)
    if torch is None:
        pytorch = skipped("PyTorch CPU, 1 thread", "torch")
    else:
        pytorch = Row("PyTorch CPU, 1 thread", times["PyTorch CPU, 1 thread"], note=f"torch {torch.__version__}")
        torch_losses = torch_training(torch, weights, batches)
        pytorch.extra["max relative loss difference vs Tensor engine"] = max(
            abs(a - b) / abs(b) for a, b in zip(torch_losses, tensor_losses))
    tensor.extra["loss first → last step"] = [tensor_losses[0], tensor_losses[-1]]
    return Result(
        name="4. A real-sized MLP",
        task=f"MLP{SIZES} relu, float32, batch {BATCH}, {steps} SGD steps (lr = {LR}) on synthetic data, 1 thread each",
        rows=[tensor, pytorch],
        targets=[Target("Tensor engine ≤ 1.3× PyTorch CPU time (equal threads)", ratio(tensor, pytorch), 1.3)],
    )
