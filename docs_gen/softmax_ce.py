"""The Softmax cross-entropy page: ∂L/∂z derived, boxed and checked three ways on a small batch.

For a batch of N rows of logits z and labels y, ``autograd.nn.cross_entropy_loss`` computes
L = −(1/N) Σᵢ log(p_{i,yᵢ} + ε) with p = softmax(z). Its exact gradient is

    ∂L/∂z_{ik} = (1/N) · p_{i,yᵢ} / (p_{i,yᵢ} + ε) · (p_{ik} − [k = yᵢ]),

which is (p − onehot(y)) / N when ε = 0. :func:`checks` evaluates that closed form
beside the engine's gradient and a central finite difference, logit by logit.

>>> worst = max(c["spread"] for c in checks())
>>> worst < TOLERANCE
True
"""

from __future__ import annotations

import math

from autograd import Value, cross_entropy_loss, softmax
from autograd.gradcheck import numeric_gradient
from autograd.nn import CROSS_ENTROPY_EPS

from .finite_differences import EPS

LOGITS = [[2.0, -1.0, 0.5, 0.0], [0.3, 0.3, 1.2, -0.7], [-2.0, 1.5, 0.0, 3.0]]
LABELS = [0, 2, 1]
"""A small batch: three rows of four logits, and each row's class (the last row's class is unlikely)."""
TOLERANCE = 1e-9


def _loss(*flat: Value) -> Value:
    k = len(LOGITS[0])
    rows = [list(flat[i * k:(i + 1) * k]) for i in range(len(LOGITS))]
    return cross_entropy_loss(rows, LABELS)


def _probabilities() -> list[list[float]]:
    return [[p.data for p in row] for row in softmax([[Value(z) for z in row] for row in LOGITS])]


def closed_form(eps: float = CROSS_ENTROPY_EPS) -> list[list[float]]:
    """The boxed formula, (1/N) p_y/(p_y + ε) (p − onehot(y)), at :data:`LOGITS`."""
    probs = _probabilities()
    n = len(LOGITS)
    return [
        [(1 / n) * (row[y] / (row[y] + eps)) * (p - (k == y)) for k, p in enumerate(row)]
        for row, y in zip(probs, LABELS)
    ]


def engine() -> list[list[float]]:
    """``backward()`` through softmax and ``cross_entropy_loss``."""
    leaves = [[Value(z) for z in row] for row in LOGITS]
    cross_entropy_loss(leaves, LABELS).backward()
    return [[v.grad for v in row] for row in leaves]


def checks() -> list[dict]:
    """Every logit's gradient three ways, with the ε = 0 formula p − onehot beside them."""
    flat = [z for row in LOGITS for z in row]
    numeric = numeric_gradient(_loss, flat, eps=EPS)
    exact, simple, by_engine = closed_form(), closed_form(0.0), engine()
    k = len(LOGITS[0])
    out = []
    for i, row in enumerate(LOGITS):
        for j in range(k):
            a, b, c = exact[i][j], by_engine[i][j], numeric[i * k + j]
            out.append({
                "row": i + 1, "class": j, "label": LABELS[i], "closed_form": a, "engine": b,
                "finite_difference": c, "without_eps": simple[i][j],
                "spread": max(abs(a - b), abs(a - c), abs(b - c)),
            })
    return out


def check_table() -> str:
    """The checks as Markdown; raises AssertionError (failing the build) if any two ways differ beyond the tolerance."""
    rows = checks()
    worst = max(r["spread"] for r in rows)
    if not worst <= TOLERANCE:
        raise AssertionError(f"softmax cross-entropy: the three ways differ by {worst:.2e} > {TOLERANCE:g}")
    lines = [
        "| Row i | Logit k | Closed form | Engine | Finite difference | (p − onehot)/N, ε left out |",
        "|--:|--:|--:|--:|--:|--:|",
    ]
    for r in rows:
        mark = " **(yᵢ)**" if r["class"] == r["label"] else ""
        lines.append(
            f"| {r['row']} | {r['class']}{mark} | {r['closed_form']:.10f} | {r['engine']:.10f} "
            f"| {r['finite_difference']:.10f} | {r['without_eps']:.10f} |"
        )
    eps_effect = max(abs(r["closed_form"] - r["without_eps"]) for r in rows)
    lines += [
        "",
        f"Largest difference between any two of the first three columns: **{worst:.1e}** "
        f"(limit {TOLERANCE:g}; central differences, step {EPS:g}). Leaving ε = {CROSS_ENTROPY_EPS:g} out of the "
        f"formula changes a gradient by at most {eps_effect:.1e}.",
    ]
    return "\n".join(lines) + "\n"


def batch_table() -> str:
    """The batch: logits, labels and the softmax probabilities the engine computes."""
    probs = _probabilities()
    k = len(LOGITS[0])
    head = "| Row i | Label yᵢ | " + " | ".join(f"z_i{j}" for j in range(k)) + " | " + " | ".join(
        f"p_i{j}" for j in range(k)) + " | Loss term −log(p_{i,yᵢ} + ε) |"
    lines = [head, "|--:|--:|" + "--:|" * (2 * k + 1)]
    for i, (row, p, y) in enumerate(zip(LOGITS, probs, LABELS), start=1):
        term = -math.log(p[y] + CROSS_ENTROPY_EPS)
        lines.append(
            f"| {i} | {y} | " + " | ".join(f"{z:g}" for z in row) + " | "
            + " | ".join(f"{q:.4f}" for q in p) + f" | {term:.4f} |"
        )
    loss = _loss(*[Value(z) for row in LOGITS for z in row]).data
    return "\n".join(lines) + f"\n\nThe loss is the mean of the three terms: L = **{loss:.4f}**.\n"
