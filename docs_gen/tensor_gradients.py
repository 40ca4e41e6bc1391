"""The Tensor gradients page: a matrix product and a broadcast bias, with shapes and numbers from the engine.

Y = X @ W + b with X of shape (N, D), W of shape (D, K) and b of shape (K,),
and L = Σ (Y ⊙ G) for a fixed G, so that ∂L/∂Y = G exactly. The engine's
gradients are compared with the formulas the page derives: ∂L/∂W = Xᵀ G,
∂L/∂X = G Wᵀ and ∂L/∂b = G summed over the rows.

>>> worst = max(check["difference"] for check in checks())
>>> worst < 1e-12
True
"""

from __future__ import annotations

import functools

import numpy as np

X = [[1.0, 2.0], [0.5, -1.0], [-1.5, 0.0]]
W = [[0.2, -0.4, 1.0, 0.0], [0.3, 0.1, -0.5, 0.7]]
B = [0.1, 0.0, -0.2, 0.3]
G = [[1.0, 0.0, -1.0, 0.5], [0.0, 2.0, 1.0, -0.5], [0.5, 0.5, 0.0, 1.0]]
"""The example: N = 3 rows of D = 2 features, K = 4 outputs, and the upstream gradient G = ∂L/∂Y."""


@functools.cache
def run():
    """Build Y = X @ W + b and L = Σ (Y ⊙ G) with the Tensor engine and backpropagate."""
    from autograd import Tensor

    x = Tensor(X, requires_grad=True)
    w = Tensor(W, requires_grad=True)
    b = Tensor(B, requires_grad=True)
    y = x @ w + b
    loss = (y * Tensor(G)).sum()
    loss.backward()
    return x, w, b, y, loss


def checks() -> list[dict]:
    """Each gradient by the engine beside its formula, computed with numpy from the data."""
    x, w, b, _, _ = run()
    xs, ws, gs = np.array(X), np.array(W), np.array(G)
    formulas = {"W": xs.T @ gs, "X": gs @ ws.T, "b": gs.sum(axis=0)}
    engine = {"W": w.grad, "X": x.grad, "b": b.grad}
    return [
        {"name": name, "shape": tuple(np.shape(engine[name])), "engine": np.asarray(engine[name]),
         "formula": formulas[name], "difference": float(np.max(np.abs(np.asarray(engine[name]) - formulas[name])))}
        for name in ("W", "X", "b")
    ]


def _matrix(values, digits: int = 2) -> str:
    a = np.atleast_2d(np.asarray(values, dtype=float))
    rows = [" & ".join(f"{v:.{digits}f}" for v in row) for row in a]
    return r"\begin{bmatrix}" + r" \\ ".join(rows) + r"\end{bmatrix}"


def shapes_table() -> str:
    """Every array of the example with its shape, as the engine reports it."""
    x, w, b, y, loss = run()
    rows = [
        ("X", "input", x.shape), ("W", "weights", w.shape), ("b", "bias", b.shape),
        ("Y = X @ W + b", "output", y.shape), ("G = ∂L/∂Y", "upstream gradient", np.shape(G)),
        ("L = Σ (Y ⊙ G)", "loss", loss.shape), ("∂L/∂W", "W.grad", w.grad.shape),
        ("∂L/∂X", "X.grad", x.grad.shape), ("∂L/∂b", "b.grad", b.grad.shape),
    ]
    lines = ["| Array | What | Shape |", "|---|---|---|"]
    lines += [f"| {name} | {what} | `{tuple(shape)}` |" for name, what, shape in rows]
    return "\n".join(lines) + "\n"


def data_math() -> str:
    """The example's data as display maths."""
    return (
        "$$\nX = " + _matrix(X, 1) + r",\qquad W = " + _matrix(W, 1) + ",\n$$\n\n"
        + "$$\nb = " + _matrix(B, 1) + r",\qquad G = " + _matrix(G, 1) + "\n$$\n"
    )


def matmul_math() -> str:
    """∂L/∂W and ∂L/∂X by the engine, beside the formulas' values."""
    by_name = {c["name"]: c for c in checks()}
    w, x = by_name["W"], by_name["X"]
    return (
        "$$\n\\texttt{W.grad} = " + _matrix(w["engine"]) + r" = X^\top G" + "\n$$\n\n"
        + "$$\n\\texttt{X.grad} = " + _matrix(x["engine"]) + r" = G\,W^\top" + "\n$$\n"
        + f"\nThe engine's `W.grad` and `X.grad` differ from Xᵀ G and G Wᵀ (computed with numpy from the data) by at "
        f"most **{max(w['difference'], x['difference']):.1e}**.\n"
    )


def broadcast_math() -> str:
    """∂L/∂b by the engine, beside the column sums of G."""
    b = {c["name"]: c for c in checks()}["b"]
    return (
        "$$\n\\texttt{b.grad} = " + _matrix(b["engine"]) + r" = \sum_{i} G_{i,:}" + "\n$$\n"
        + f"\nShape `{b['shape']}`, like b itself; the engine's values differ from the column sums of G by at most "
        f"**{b['difference']:.1e}**.\n"
    )
