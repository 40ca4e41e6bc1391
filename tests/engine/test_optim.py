"""SGD and Adam: the update rules, on Tensor and on scalar Value parameters alike."""

import math
import os

import numpy as np
import pytest

from autograd import Adam, SGD, Value
from autograd.tensor import Tensor


def quadratic_gradient_steps(optimizer_class, start, steps, **options):
    """Minimise sum((w - 3)²) from ``start`` on both engines; return the final data of each."""
    tensor = Tensor(start, requires_grad=True)
    values = [Value(v) for v in start]
    tensor_opt = optimizer_class([tensor], **options)
    value_opt = optimizer_class(values, **options)
    for _ in range(steps):
        tensor_opt.zero_grad()
        ((tensor - 3.0) ** 2).sum().backward()
        tensor_opt.step()
        value_opt.zero_grad()
        for v in values:
            ((v - 3.0) ** 2).backward()
        value_opt.step()
    return tensor.data, [v.data for v in values]


def test_sgd_is_data_minus_lr_times_grad():
    w = Tensor([1.0, -1.0], requires_grad=True)
    (w * Tensor([2.0, 5.0])).sum().backward()
    SGD([w], lr=0.1).step()
    np.testing.assert_allclose(w.data, [0.8, -1.5])


def test_sgd_momentum_follows_the_pytorch_recurrence():
    # grad of w²/2 is w: v1 = w0, w1 = w0 - lr v1; v2 = m v1 + w1, w2 = w1 - lr v2.
    w0, lr, m = 2.0, 0.1, 0.9
    w1 = w0 - lr * w0
    w2 = w1 - lr * (m * w0 + w1)
    w = Value(w0)
    opt = SGD([w], lr=lr, momentum=m)
    for _ in range(2):
        opt.zero_grad()
        (w * w * 0.5).backward()
        opt.step()
    assert w.data == pytest.approx(w2, rel=1e-15)


def test_adam_first_steps_match_the_formula():
    w0, lr, (b1, b2), eps = 1.0, 0.01, (0.9, 0.999), 1e-8
    w = Value(w0)
    opt = Adam([w], lr=lr)
    expected, m, v = w0, 0.0, 0.0
    for t in range(1, 4):
        opt.zero_grad()
        (w * w).backward()
        opt.step()
        g = 2 * expected
        m, v = b1 * m + (1 - b1) * g, b2 * v + (1 - b2) * g * g
        expected -= lr * (m / (1 - b1**t)) / (math.sqrt(v / (1 - b2**t)) + eps)
        assert w.data == pytest.approx(expected, rel=1e-14)


@pytest.mark.parametrize("optimizer_class, options", [
    (SGD, {"lr": 0.1}), (SGD, {"lr": 0.05, "momentum": 0.9}), (Adam, {"lr": 0.1}),
])
def test_both_engines_take_the_same_steps_and_converge(optimizer_class, options):
    tensor_data, value_data = quadratic_gradient_steps(optimizer_class, [0.0, 5.0, -2.0], 200, **options)
    np.testing.assert_allclose(tensor_data, value_data, rtol=1e-12)
    np.testing.assert_allclose(tensor_data, 3.0, atol=1e-2)


def test_float32_parameters_stay_float32():
    w = Tensor(np.ones(3, np.float32), requires_grad=True)
    for opt in (SGD([w], lr=0.1, momentum=0.5), Adam([w], lr=0.1)):
        opt.zero_grad()
        (w * w).sum().backward()
        opt.step()
        assert w.data.dtype == np.float32


def test_a_parameter_without_gradient_is_left_alone():
    used, unused = Tensor([1.0], requires_grad=True), Tensor([1.0], requires_grad=True)
    opt = Adam([used, unused], lr=0.5)
    (used * 2).sum().backward()
    opt.step()
    assert unused.data.tolist() == [1.0] and used.data[0] < 1.0


@pytest.mark.parametrize("make, message", [
    (lambda: SGD([], lr=0.1), "SGD got an empty parameter list"),
    (lambda: SGD([Value(1.0)], lr=0), r"SGD expects lr as a finite number > 0, got 0"),
    (lambda: SGD([Value(1.0)], lr=0.1, momentum=1.5), r"SGD expects momentum as a finite number in \[0, 1\), got 1.5"),
    (lambda: Adam([Value(1.0)], lr=0.1, betas=(0.9, 1.0)), r"Adam expects betas\[1\] as a finite number in \[0, 1\), got 1.0"),
])
def test_bad_settings_are_rejected(make, message):
    with pytest.raises(ValueError, match=message):
        make()


# --- trajectories against torch.optim, with parameters that skip steps -------------------

torch = pytest.importorskip("torch") if os.environ.get("CI") != "true" else __import__("torch")


def uses(step: int) -> tuple[bool, bool]:
    """Whether b and c are in the loss at ``step``: b leaves and comes back, c joins late."""
    return step < 20 or step >= 60, step >= 40


def loss_of(a, b, c, step, total):
    """A loss over whichever parameters ``uses(step)`` says; ``total`` sums a list of terms."""
    use_b, use_c = uses(step)
    terms = [total([(x - 1.0) ** 2 for x in a])]
    if use_b:
        terms.append(total([x * y * 0.5 + y * y for x, y in zip(a, b)]))
    if use_c:
        terms.append(total([(z + x) ** 2 * 0.3 for x, z in zip(a, c)]))
    return total(terms)


START = {"a": [0.5, -1.0, 2.0], "b": [1.0, 0.2, -0.7], "c": [-0.4, 0.9, 0.1]}


def torch_trajectory(optimizer_class, options, steps=100):
    params = {k: torch.tensor(v, dtype=torch.float64, requires_grad=True) for k, v in START.items()}
    opt = optimizer_class(list(params.values()), **options)
    for step in range(steps):
        opt.zero_grad()
        loss_of(params["a"], params["b"], params["c"], step, lambda terms: sum(terms[1:], terms[0])).backward()
        opt.step()
    return {k: p.detach().numpy() for k, p in params.items()}


def tensor_trajectory(optimizer_class, options, steps=100):
    params = {k: Tensor(v, requires_grad=True) for k, v in START.items()}
    opt = optimizer_class(list(params.values()), **options)
    for step in range(steps):
        opt.zero_grad()
        loss_of(params["a"], params["b"], params["c"], step, lambda terms: sum(terms[1:], terms[0])).backward()
        opt.step()
    return {k: p.data for k, p in params.items()}


def value_trajectory(optimizer_class, options, steps=100):
    params = {k: [Value(x) for x in v] for k, v in START.items()}
    opt = optimizer_class([p for group in params.values() for p in group], **options)
    for step in range(steps):
        opt.zero_grad()
        loss_of(params["a"], params["b"], params["c"], step, lambda terms: sum(terms[1:], terms[0])).backward()
        opt.step()
    return {k: np.array([p.data for p in group]) for k, group in params.items()}


@pytest.mark.parametrize("name, options", [
    ("SGD", {"lr": 0.05}), ("SGD", {"lr": 0.05, "momentum": 0.9}),
    ("Adam", {"lr": 0.05}), ("Adam", {"lr": 0.02, "betas": (0.8, 0.99), "eps": 1e-6}),
])
def test_100_steps_follow_torch_optim_when_parameters_skip_steps(name, options):
    expected = torch_trajectory(getattr(torch.optim, name), options)
    ours = {"SGD": SGD, "Adam": Adam}[name]
    for engine in (tensor_trajectory, value_trajectory):
        got = engine(ours, options)
        for k in START:
            np.testing.assert_allclose(got[k], expected[k], rtol=1e-10, atol=1e-12, err_msg=f"{engine.__name__}: {k}")
    # The schedule matters: with c in the loss from the start, c would end elsewhere.
    assert not np.allclose(expected["c"], START["c"])


def test_zero_grad_sets_gradients_to_none_so_a_skipped_parameter_keeps_no_gradient():
    a, b = Value(1.0), Value(2.0)
    opt = SGD([a, b], lr=0.1, momentum=0.9)
    (a * b).backward()
    opt.step()
    opt.zero_grad()
    assert a.grad is None and b.grad is None
    (a * 3.0).backward()
    before = b.data
    opt.step()
    assert b.grad is None and b.data == before  # momentum does not carry b along once it leaves the graph


@pytest.mark.parametrize("make", [lambda: Value(1.0) * 2.0, lambda: Tensor([1.0], requires_grad=True) * 2.0])
def test_a_computed_node_is_refused_as_a_parameter(make):
    with pytest.raises(ValueError, match="can only optimize leaves"):
        SGD([make()], lr=0.1)
