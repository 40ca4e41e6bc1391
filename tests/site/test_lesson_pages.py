"""The lessons: Why reverse mode, Softmax cross-entropy, The classifier's code, Tensor gradients.

Their generators in docs_gen are checked directly; the built pages are checked to show what they computed.
"""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import pytest

from autograd import nn, optim
from autograd.examples import sigmoid_neuron_with_l2
from autograd.trace import creation_order

REPO = Path(__file__).resolve().parents[2]

from docs_gen import classifier, reverse_mode, softmax_ce, tensor_gradients  # noqa: E402


def page(site: Path, name: str) -> str:
    return (site / name / "index.html").read_text(encoding="utf-8")


# --- Why reverse mode -------------------------------------------------------------------------


def test_the_sum_over_paths_is_the_engines_gradient_for_every_input():
    f = sigmoid_neuron_with_l2()
    for leaf in (n for n in creation_order(f) if not n.inputs and not n.is_constant):
        found = reverse_mode.paths(f, leaf)
        assert len(found) == (2 if leaf.label in ("w₁", "w₂") else 1), leaf.label
        assert sum(product for _, product in found) == pytest.approx(leaf.grad, abs=1e-15)


def test_each_mode_costs_one_pass_per_input_or_per_output():
    rows = reverse_mode.cost_rows((1, 2, 4, 8))
    for row in rows:
        n = row["n"]
        # Forward mode repeats the whole one-output graph once per input; reverse mode walks it once.
        assert row["forward_one_output"] == n * row["reverse_one_output"]
        # With one input and n outputs, the roles swap: reverse mode walks the shared trunk once per output.
        trunk = 2 * reverse_mode.TRUNK
        assert row["reverse_many_outputs"] == n * (trunk + 2)
        assert row["forward_many_outputs"] == trunk + 2 * n
    assert [r["reverse_one_output"] for r in rows] == sorted(r["reverse_one_output"] for r in rows)


def test_forward_and_reverse_mode_give_the_same_derivatives():
    f, xs = reverse_mode._one_output(5)
    grads, _ = reverse_mode.reverse(f)
    for x in xs:
        tangents, _ = reverse_mode.forward([f], x)
        assert tangents[id(f)] == pytest.approx(grads[id(x)], abs=1e-15)


# --- Softmax cross-entropy --------------------------------------------------------------------


def test_softmax_cross_entropy_closed_form_matches_engine_and_finite_differences():
    assert max(c["spread"] for c in softmax_ce.checks()) <= softmax_ce.TOLERANCE
    # Each row's gradient sums to zero over the classes, as the page says.
    for row in softmax_ce.engine():
        assert sum(row) == pytest.approx(0.0, abs=1e-15)


def test_the_formula_without_eps_is_not_what_the_engine_computes(monkeypatch):
    """The page's check can fail: p − onehot alone is off by the ε factor, beyond the tolerance."""
    right = softmax_ce.closed_form
    monkeypatch.setattr(softmax_ce, "closed_form", lambda eps=None: right(0.0))
    with pytest.raises(AssertionError, match="differ"):
        softmax_ce.check_table()


# --- The classifier's code --------------------------------------------------------------------


def test_the_hand_written_loop_reproduces_train_exactly():
    text = classifier.hand_loop()
    assert "differ by at most **0.0e+00**" in text
    assert "epoch 50  loss" in text


def test_classifier_excerpts_are_the_current_source():
    for obj, code in [(nn.LinearLayer.__init__, classifier.model_code()), (nn.cross_entropy_loss, classifier.loss_code()),
                      (nn.train, classifier.loop_code()), (optim.SGD.step, classifier.loop_code())]:
        first = inspect.getsourcelines(obj)[1]
        assert f"lines {first}–" in code, obj.__qualname__
    assert "loss.backward()" in classifier.loop_code()


# --- Tensor gradients -------------------------------------------------------------------------


def test_matmul_and_broadcast_gradients_equal_their_formulas():
    for check in tensor_gradients.checks():
        assert check["difference"] <= 1e-12, check["name"]
    shapes = {c["name"]: c["shape"] for c in tensor_gradients.checks()}
    assert shapes == {"W": (2, 4), "X": (3, 2), "b": (4,)}


# --- the built pages ---------------------------------------------------------------------------


def test_lesson_pages_are_built_in_the_nav_with_their_computed_content(built_site):
    index = page(built_site, "")
    for name in ("reverse-mode", "softmax-cross-entropy", "classifier", "tensor-gradients"):
        assert f'href="{name}/"' in index, f"{name} is in the navigation"
    reverse = page(built_site, "reverse-mode")
    for row in reverse_mode.cost_rows():
        assert f"<strong>{row['reverse_one_output']}</strong>" in reverse
        assert re.search(rf'<td[^>]*>{row["forward_one_output"]}</td>', reverse)
    softmax = page(built_site, "softmax-cross-entropy")
    assert softmax.count(r"\boxed{") == 1
    assert f"{softmax_ce.checks()[0]['engine']:.10f}" in softmax
    code = page(built_site, "classifier")
    assert "autograd/nn.py, lines" in code and "differ by at most <strong>0.0e+00</strong>" in code
    tensor = page(built_site, "tensor-gradients")
    assert re.search(r"W\.grad</td>\s*<td[^>]*><code>\(2, 4\)</code>", tensor)
    assert "\\texttt{W.grad}" in tensor and "X^\\top G" in tensor
