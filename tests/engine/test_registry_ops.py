"""Every op of the registry, in every engine that has it, against PyTorch: values, first and second derivatives.

One row per op says how to call it on our engines and on PyTorch. The tests
draw random inputs (seeded), weight the output by random numbers so that every
element matters, and compare the value, the gradient of every input, and the
gradient of a random combination of those gradients (the second derivative,
through ``create_graph=True``) with ``torch.autograd.grad(..., create_graph=True)``.
Non-differentiable ops (argmax, comparisons) are compared by value.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from typing import Callable

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd import OPS, Tensor, Value, grad, hessian, where
from autograd.gradcheck import gradgradcheck
from autograd.tensor import cross_entropy, linear

torch = __import__("torch") if os.environ.get("CI") == "true" else pytest.importorskip("torch")
F = torch.nn.functional


@dataclass(frozen=True)
class Case:
    """How to run one op: input shapes and ranges, our call, PyTorch's call."""

    shapes: tuple[tuple[int, ...], ...]
    ours: Callable
    theirs: Callable
    low: float = -2.0
    high: float = 2.0
    scalar: Callable | None = None  # the op on Values, for ops of both engines


LABELS = np.array([2, 0, 1])
ROWS = np.array([0, 2, 2, 1])  # a repeated index: scatter_add must add both (into zeros of shape (3,))
MASK = np.array([[True, False, True], [False, True, True]])

CASES = {
    "add": Case(((2, 3), (3,)), lambda a, b: a + b, lambda a, b: a + b, scalar=lambda a, b: a + b),
    "sub": Case(((2, 3), (2, 1)), lambda a, b: a - b, lambda a, b: a - b, scalar=lambda a, b: a - b),
    "mul": Case(((2, 3), (3,)), lambda a, b: a * b, lambda a, b: a * b, scalar=lambda a, b: a * b),
    "div": Case(((2, 3), (3,)), lambda a, b: a / b, lambda a, b: a / b, 0.5, 2.0, scalar=lambda a, b: a / b),
    "neg": Case(((2, 3),), lambda a: -a, lambda a: -a, scalar=lambda a: -a),
    "pow": Case(((2, 3),), lambda a: a ** 2.5, lambda a: a ** 2.5, 0.2, 2.0, scalar=lambda a: a ** 2.5),
    "exp": Case(((2, 3),), lambda a: a.exp(), torch.exp, scalar=lambda a: a.exp()),
    "log": Case(((2, 3),), lambda a: a.log(), torch.log, 0.2, 3.0, scalar=lambda a: a.log()),
    "relu": Case(((2, 3),), lambda a: a.relu(), torch.relu, scalar=lambda a: a.relu()),
    "tanh": Case(((2, 3),), lambda a: a.tanh(), torch.tanh, scalar=lambda a: a.tanh()),
    "sigmoid": Case(((2, 3),), lambda a: a.sigmoid(), torch.sigmoid, scalar=lambda a: a.sigmoid()),
    "abs": Case(((2, 3),), lambda a: a.abs(), torch.abs, scalar=lambda a: a.abs()),
    "sqrt": Case(((2, 3),), lambda a: a.sqrt(), torch.sqrt, 0.2, 3.0, scalar=lambda a: a.sqrt()),
    "clip": Case(((2, 3),), lambda a: a.clip(-0.5, 1.0), lambda a: a.clamp(-0.5, 1.0),
                 scalar=lambda a: a.clip(-0.5, 1.0)),
    "sum": Case(((2, 3, 2),), lambda a: a.sum(axis=(0, -1), keepdims=True), lambda a: a.sum(dim=(0, -1), keepdim=True)),
    "mean": Case(((2, 3),), lambda a: a.mean(axis=-1), lambda a: a.mean(dim=-1)),
    "var": Case(((3, 4),), lambda a: a.var(axis=1, ddof=1), lambda a: a.var(dim=1, correction=1)),
    "max": Case(((3, 4),), lambda a: a.max(axis=0), lambda a: a.amax(dim=0)),
    "min": Case(((3, 4),), lambda a: a.min(axis=-1, keepdims=True), lambda a: a.amin(dim=-1, keepdim=True)),
    "reshape": Case(((2, 3),), lambda a: a.reshape(3, -1) * a.reshape(3, 2), lambda a: a.reshape(3, -1) * a.reshape(3, 2)),
    "squeeze": Case(((2, 1, 3),), lambda a: a.squeeze(1) ** 2, lambda a: a.squeeze(1) ** 2),
    "unsqueeze": Case(((2, 3),), lambda a: a.unsqueeze(-1) * a.unsqueeze(0).sum(), lambda a: a.unsqueeze(-1) * a.unsqueeze(0).sum()),
    "transpose": Case(((2, 3, 4),), lambda a: a.transpose(-1, 0, 1) ** 2, lambda a: a.permute(-1, 0, 1) ** 2),
    "broadcast_to": Case(((3, 1),), lambda a: a.broadcast_to((2, 3, 4)) ** 3, lambda a: a.broadcast_to((2, 3, 4)) ** 3),
    "getitem": Case(((2, 3),), lambda a: a[Tensor(MASK)] * a[1, ::-1].sum(),
                    lambda a: a[torch.tensor(MASK)] * a[1].flip(0).sum()),
    "scatter_add": Case(((4,),), lambda a: _scatter_ours(a) ** 2,
                        lambda a: torch.zeros(3, dtype=a.dtype).index_put((torch.tensor(ROWS),), a, accumulate=True) ** 2),
    "where": Case(((2, 3), (3,)), lambda a, b: where(Tensor(MASK), a * a, b.exp()),
                  lambda a, b: torch.where(torch.tensor(MASK), a * a, b.exp())),
    "matmul": Case(((2, 3, 4), (4, 2)), lambda a, b: (a @ b).tanh(), lambda a, b: (a @ b).tanh()),
    "linear": Case(((2, 3, 4), (4, 2), (2,)), lambda x, w, b: linear(x, w, b).tanh(),
                   lambda x, w, b: F.linear(x, w.T, b).tanh()),
    "softmax": Case(((3, 4),), lambda a: a.softmax(axis=0), lambda a: a.softmax(dim=0)),
    "log_softmax": Case(((3, 4),), lambda a: a.log_softmax(), lambda a: a.log_softmax(dim=-1)),
    "cross_entropy": Case(((3, 4),), lambda a: cross_entropy(a, LABELS, eps=1e-3),
                          lambda a: -(a.softmax(dim=1)[torch.arange(3), torch.tensor(LABELS)] + 1e-3).log().mean()),
    "argmax": Case(((3, 4),), lambda a: a.argmax(axis=1), lambda a: a.argmax(dim=1)),
    "eq": Case(((2, 3), (3,)), lambda a, b: a == a.clip(-1.0, 1.0), lambda a, b: a == a.clamp(-1.0, 1.0)),
    "ne": Case(((2, 3), (3,)), lambda a, b: a != b, lambda a, b: a != b),
    "lt": Case(((2, 3), (3,)), lambda a, b: a < b, lambda a, b: a < b),
    "le": Case(((2, 3), (3,)), lambda a, b: a <= b, lambda a, b: a <= b),
    "gt": Case(((2, 3), (3,)), lambda a, b: a > b, lambda a, b: a > b),
    "ge": Case(((2, 3), (3,)), lambda a, b: a >= b, lambda a, b: a >= b),
}


def _scatter_ours(a: Tensor) -> Tensor:
    from autograd.tensor import _apply

    return _apply(OPS["scatter_add"], (a,), ((ROWS,), (3,)))


def _draw(case: Case, rng: np.random.Generator) -> list[np.ndarray]:
    return [rng.uniform(case.low, case.high, size=shape) for shape in case.shapes]


def _ours(case: Case, arrays):
    leaves = [Tensor(x, requires_grad=True) for x in arrays]
    return leaves, case.ours(*leaves)


def _theirs(case: Case, arrays):
    leaves = [torch.tensor(x, dtype=torch.float64, requires_grad=True) for x in arrays]
    return leaves, case.theirs(*leaves)


def test_every_registry_op_has_a_case():
    assert set(CASES) == set(OPS)


@pytest.mark.parametrize("name", [n for n in OPS if OPS[n].vjp is None])
def test_ops_without_gradient_give_torchs_values_and_no_graph(name):
    rng = np.random.default_rng(0)
    arrays = _draw(CASES[name], rng)
    out = CASES[name].ours(*[Tensor(x, requires_grad=True) for x in arrays])
    expected = CASES[name].theirs(*[torch.tensor(x) for x in arrays])
    assert not out.requires_grad
    np.testing.assert_array_equal(out.data, expected.numpy())


@pytest.mark.parametrize("name", [n for n in OPS if OPS[n].vjp is not None])
@pytest.mark.parametrize("seed", range(3))
def test_values_first_and_second_derivatives_match_torch(name, seed):
    case = CASES[name]
    rng = np.random.default_rng(seed)
    arrays = _draw(case, rng)
    leaves, out = _ours(case, arrays)
    t_leaves, t_out = _theirs(case, arrays)
    np.testing.assert_allclose(out.data, t_out.detach().numpy(), rtol=1e-12, atol=1e-12)
    weight = rng.uniform(-1, 1, size=out.shape)
    firsts = grad((out * Tensor(weight)).sum(), leaves, create_graph=True)
    t_firsts = torch.autograd.grad((t_out * torch.tensor(weight)).sum(), t_leaves, create_graph=True)
    for ours, theirs in zip(firsts, t_firsts):
        np.testing.assert_allclose(ours.data, theirs.detach().numpy(), rtol=1e-10, atol=1e-12)
    # Second derivatives: differentiate a random combination of the first ones.
    directions = [rng.uniform(-1, 1, size=x.shape) for x in arrays]
    combined = sum(((g * Tensor(d)).sum() for g, d in zip(firsts, directions)), start=Tensor(0.0))
    t_combined = sum((g * torch.tensor(d)).sum() for g, d in zip(t_firsts, directions))
    t_seconds = (torch.autograd.grad(t_combined, t_leaves, allow_unused=True) if t_combined.requires_grad
                 else [None] * len(t_leaves))  # first derivatives that are constants (add, matmul...)
    seconds = _gradients_or_zeros(combined, leaves)
    for leaf, ours, theirs in zip(leaves, seconds, t_seconds):
        expected = np.zeros(leaf.shape) if theirs is None else theirs.numpy(force=True)  # force: a ZeroTensor
        np.testing.assert_allclose(ours, expected, rtol=1e-9, atol=1e-12, err_msg=f"{name}: second derivative")


@pytest.mark.parametrize("name", [n for n in OPS if OPS[n].vjp is not None])
def test_every_leaf_owns_its_gradient_array(name):
    # A leaf keeps a rule's new array as its gradient instead of copying it (later passes add into
    # it in place), so no rule may return an array that the graph also holds: checked here for each.
    from autograd.backprop import topological_order

    case = CASES[name]
    leaves, out = _ours(case, _draw(case, np.random.default_rng(0)))
    (out * Tensor(np.random.default_rng(1).uniform(-1, 1, size=out.shape))).sum().backward()
    held, leaf_ids = [], {id(x) for x in leaves}
    for node in topological_order(out):
        held += [node.data, *(a for a in node.saved or () if isinstance(a, np.ndarray))]
        held += [] if node.grad is None or id(node) in leaf_ids else [node.grad]
    for leaf in leaves:
        others = held + [x.grad for x in leaves if x is not leaf]
        assert not any(np.shares_memory(leaf.grad, array) for array in others), f"{name}: a shared gradient"


BOUNDED = {  # every op marked bounded_vjp: input shapes and parameters for a direct call of its rule
    "add": (((2, 3), (2, 3)), ()), "sub": (((2, 3), (2, 3)), ()), "neg": (((2, 3),), ()),
    "relu": (((2, 3),), ()), "tanh": (((2, 3),), ()), "sigmoid": (((2, 3),), ()), "abs": (((2, 3),), ()),
    "clip": (((2, 3),), (-0.5, 1.0)), "sum": (((2, 3),), (1, False)), "mean": (((2, 3),), (None, False)),
    "max": (((3, 4),), (0, False)), "min": (((3, 4),), (1, True)), "reshape": (((2, 3),), ((3, 2),)),
    "squeeze": (((2, 1, 3),), (1,)), "unsqueeze": (((2, 3),), (0,)), "transpose": (((2, 3, 4),), ((2, 0, 1),)),
    "scatter_add": (((4,),), ((ROWS,), (3,))), "where": (((2, 3), (2, 3)), (MASK,)),
    "cross_entropy": (((3, 4),), (LABELS, 1e-3)),
}


@pytest.mark.parametrize("name", sorted(BOUNDED))
@pytest.mark.parametrize("seed", range(5))
def test_a_bounded_rule_keeps_every_gradient_within_its_upstream(name, seed):
    # The Tensor engine does not check what these rules return (Op.bounded_vjp), so here an upstream
    # gradient as large as a float allows must come back no larger, and finite, for every input.
    from autograd.tensor import ARRAY_MATH

    assert set(BOUNDED) == {n for n, op in OPS.items() if op.bounded_vjp}
    op, (shapes, params) = OPS[name], BOUNDED[name]
    rng = np.random.default_rng(seed)
    inputs = [rng.normal(scale=10.0, size=shape) * rng.integers(0, 2, size=shape) for shape in shapes]  # zeros too
    out = op.forward(ARRAY_MATH, *inputs, *params)
    if op.saves:
        out, saved = out
        params += (saved,)
    g = rng.uniform(-1, 1, size=np.shape(out)) * np.finfo(np.float64).max
    largest = np.abs(g).max()
    for gradient in op.vjp(ARRAY_MATH, g, out, *inputs, *params):
        assert np.isfinite(gradient).all() and np.abs(gradient).max() <= largest, name


def _gradients_or_zeros(output, leaves):
    """∂output/∂leaf for each leaf, 0 for the leaves the output does not depend on."""
    return [np.zeros(x.shape) if g is None else g for x, g in zip(leaves, grad(output, leaves, allow_unused=True))]


@pytest.mark.parametrize("name", [n for n in OPS if CASES[n].scalar is not None])
def test_scalar_engine_ops_match_torch_to_third_order(name):
    case = CASES[name]
    rng = np.random.default_rng(1)
    for _ in range(5):
        point = [float(v) for v in rng.uniform(case.low, case.high, size=len(case.shapes))]
        xs = [Value(v) for v in point]
        ts = [torch.tensor(v, dtype=torch.float64, requires_grad=True) for v in point]
        out, t_out = case.scalar(*xs), case.theirs(*ts)
        assert out.data == pytest.approx(t_out.item(), rel=1e-13, abs=1e-15)
        ours, theirs = out, t_out
        for order in (1, 2, 3):
            firsts = _value_gradients(ours, xs)
            t_firsts = torch.autograd.grad(theirs, ts, create_graph=True, allow_unused=True)
            t_firsts = [t if t is not None else torch.zeros((), dtype=torch.float64) for t in t_firsts]
            for g, t in zip(firsts, t_firsts):
                assert g.data == pytest.approx(t.item(), rel=1e-10, abs=1e-12), f"{name}: derivative of order {order}"
            ours, theirs = sum(firsts[1:], firsts[0]), sum(t_firsts[1:], t_firsts[0])
            if not theirs.requires_grad:
                break


# --- random programs: second and third derivatives against PyTorch ----------------------------

SCALAR_STEPS = ["add", "sub", "mul", "div", "tanh", "sigmoid", "exp", "square", "sqrt_abs", "log_plus"]


def _step(name, a, b, lib):
    if name == "add":
        return a + b
    if name == "sub":
        return a - b
    if name == "mul":
        return a * b
    if name == "div":
        return a / (b * b + 1.0)
    if name == "tanh":
        return a.tanh() if lib is None else torch.tanh(a)
    if name == "sigmoid":
        return a.sigmoid() if lib is None else torch.sigmoid(a)
    if name == "exp":
        return (a * 0.3).exp() if lib is None else torch.exp(a * 0.3)
    if name == "square":
        return a ** 2
    if name == "sqrt_abs":
        return (a * a + 1.0).sqrt() if lib is None else torch.sqrt(a * a + 1.0)
    return (a * a + 1.0).log() if lib is None else torch.log(a * a + 1.0)


@settings(max_examples=60, deadline=None, derandomize=True)
@given(
    program=st.lists(st.tuples(st.sampled_from(SCALAR_STEPS), st.integers(0, 99), st.integers(0, 99)), min_size=1, max_size=10),
    point=st.lists(st.floats(-1.5, 1.5), min_size=3, max_size=3),
)
def test_random_programs_second_and_third_derivatives_match_torch(program, point):
    def run(leaves, lib):
        nodes = list(leaves)
        for name, i, j in program:
            nodes.append(_step(name, nodes[i % len(nodes)], nodes[j % len(nodes)], lib))
        return nodes[-1] + nodes[-2] * nodes[-3] if len(nodes) > 3 else nodes[-1]

    xs = [Value(v) for v in point]
    ts = [torch.tensor(v, dtype=torch.float64, requires_grad=True) for v in point]
    ours, theirs = run(xs, None), run(ts, torch)
    for order in (1, 2, 3):
        if not theirs.requires_grad:
            break
        t_grads = [t if t is not None else torch.zeros((), dtype=torch.float64)
                   for t in torch.autograd.grad(theirs, ts, create_graph=True, allow_unused=True)]
        grads = _value_gradients(ours, xs)
        for g, t in zip(grads, t_grads):
            assert g.data == pytest.approx(t.item(), rel=1e-9, abs=1e-9), f"order {order}"
        ours, theirs = grads[0] * 0.7 + grads[1] - grads[2] * 1.3, t_grads[0] * 0.7 + t_grads[1] - t_grads[2] * 1.3


def _value_gradients(output, xs):
    """∂output/∂x as Values (create_graph=True), a constant 0 for the xs the output does not depend on."""
    return [Value(0.0) if g is None else g for g in grad(output, xs, create_graph=True, allow_unused=True)]


def test_hessian_of_a_small_mlp_loss_matches_torch():
    rng = np.random.default_rng(0)
    x, labels = rng.normal(size=(5, 3)), np.array([0, 2, 1, 1, 0])
    sizes = [(3, 4), (4, 3)]
    shapes = [s for nin, nout in sizes for s in ((nin, nout), (nout,))]
    flat = rng.normal(scale=0.5, size=sum(math.prod(s) for s in shapes))

    def unpack(params, lib_reshape):
        out, start = [], 0
        for s in shapes:
            n = math.prod(s)
            out.append(lib_reshape(params[start:start + n], s))
            start += n
        return out

    def loss_ours(params: Tensor) -> Tensor:
        w1, b1, w2, b2 = unpack(params, lambda p, s: p.reshape(s))
        hidden = (Tensor(x) @ w1 + b1).tanh()
        return cross_entropy(hidden @ w2 + b2, labels)

    def loss_theirs(params):
        w1, b1, w2, b2 = unpack(params, lambda p, s: p.reshape(s))
        hidden = torch.tanh(torch.tensor(x) @ w1 + b1)
        return F.cross_entropy(hidden @ w2 + b2, torch.tensor(labels))

    ours = hessian(loss_ours, flat)
    theirs = torch.autograd.functional.hessian(loss_theirs, torch.tensor(flat))
    assert ours.shape == (flat.size, flat.size)
    np.testing.assert_allclose(ours, theirs.numpy(), rtol=1e-9, atol=1e-12)


def test_gradgradcheck_passes_on_smooth_functions_and_catches_a_wrong_second_derivative():
    assert gradgradcheck(lambda a, b: (a * b).tanh() + a.sigmoid() * b ** 3, [0.4, -0.7], raise_on_failure=True).ok

    def sneaky(a):
        # a³ numerically, but the graph sees a · (constant a²): the second derivative comes out 0, not 6a.
        return a * Value(a.data ** 2)

    assert not gradgradcheck(sneaky, [1.5]).ok


def test_grad_leaves_every_grad_as_it_was_and_refuses_unused_inputs():
    a, b = Value(2.0), Value(5.0)
    a.grad = 0.25
    assert grad(a * a, [a]) == [4.0] and a.grad == 0.25
    with pytest.raises(ValueError, match="does not depend on input 0"):
        grad(a * a, [b])
    assert grad(a * a, [a, b], allow_unused=True) == [4.0, None]  # as torch.autograd.grad(allow_unused=True)
    w = Tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(ValueError, match="does not depend on input 0"):
        grad((w * 2).sum(), [Tensor([1.0], requires_grad=True)])


def test_relu_second_derivative_is_zero_and_says_why():
    x = Value(0.7)
    (first,) = grad((x * x).relu(), [x], create_graph=True)
    (second,) = grad(first, [x])
    assert first.data == pytest.approx(1.4) and second == pytest.approx(2.0)  # the step is a constant: d/dx 2x = 2
    assert "constant" in OPS["relu"].not_differentiable


def test_a_tensor_graph_traces_and_renders_with_shapes():
    from autograd import Linear, four_blobs
    from autograd.graph import to_dot
    from autograd.trace import markdown_table, trace

    x, y = four_blobs(n=8)
    layer = Linear(2, 4, seed=0)
    layer.w.label, layer.b.label = "W", "b"
    loss = cross_entropy(layer(Tensor(x, label="X")), y)
    loss.label = "L"
    loss.backward()
    rows = trace(loss)
    assert [(r.name, r.expression) for r in rows][:2] == [("W", "input"), ("b", "input")]
    assert [r.node.op for r in rows if r.node.inputs] == ["linear", "cross_entropy"]
    table = markdown_table(rows)
    assert "| t1 | `X @ W + b` | shape (8, 4) | shape (8, 4) |" in table
    dot = to_dot(loss)
    assert 'label="∂L/∂W\\nshape (2, 4)"' in dot and 'id="op-t1", label="linear"' in dot
    assert '"v-b" -> "op-t1" [id="e-op-t1-in2"]' in dot  # the bias is linear's third input


def test_backward_steps_record_a_tensor_graph_and_end_at_backwards_gradients():
    from autograd.trace import backward_steps

    w = Tensor([[0.5, -1.0], [2.0, 0.3]], requires_grad=True)
    b = Tensor([0.1, -0.2], requires_grad=True)
    x = Tensor([[1.0, 2.0], [-1.0, 0.5], [0.3, 0.3]])
    loss = ((x @ w + b).tanh() * (x @ w)).sum()
    steps = backward_steps(loss)
    final = {}
    for step in steps:
        for c in step.contributions:
            final[id(c.input)] = c.after
    loss.backward()
    for leaf in (w, b):
        np.testing.assert_allclose(final[id(leaf)], leaf.grad, rtol=1e-14)
    assert all(c.local is None for s in steps for c in s.contributions)
