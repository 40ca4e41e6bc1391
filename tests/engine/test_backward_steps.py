"""autograd.trace.backward_steps: the backward pass recorded one node at a time equals backward()."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd import Value, topological_order
from autograd.examples import sigmoid_neuron_with_l2
from autograd.trace import backward_steps, node_names, trace

# Ops that stay finite on the values drawn below, so any graph of them has finite gradients.
UNARY = ["tanh", "sigmoid", "relu", "neg", "exp_small", "square"]
BINARY = ["add", "sub", "mul"]


def apply(op: str, a: Value, b: Value | None = None) -> Value:
    if op == "add":
        return a + b
    if op == "sub":
        return a - b
    if op == "mul":
        return a * b
    if op == "neg":
        return -a
    if op == "exp_small":
        return (a.tanh()).exp()  # bounded input, so exp never overflows
    if op == "square":
        return a ** 2
    return getattr(a, op)()


@st.composite
def graphs(draw):
    """A random graph over 1-4 leaves where later nodes pick any earlier node as input (reuse included)."""
    values = st.floats(min_value=-2.0, max_value=2.0, allow_nan=False)
    leaves = [Value(draw(values), label=f"x{i}") for i in range(draw(st.integers(1, 4)))]
    nodes = list(leaves)
    for _ in range(draw(st.integers(1, 12))):
        pick = st.integers(0, len(nodes) - 1)
        if draw(st.booleans()):
            a, b = nodes[draw(pick)], nodes[draw(pick)]  # may be the same node twice
            node = apply(draw(st.sampled_from(BINARY)), a, b)
        else:
            node = apply(draw(st.sampled_from(UNARY)), nodes[draw(pick)])
        if draw(st.booleans()):
            node = node * draw(st.floats(-1.5, 1.5, allow_nan=False))  # a constant input
        nodes.append(node)
    # The root uses the last node and, often, an earlier one again: nodes reached along several paths.
    root = nodes[-1] + nodes[draw(st.integers(0, len(nodes) - 1))] * 0.5
    return root, leaves


def final_gradients(root) -> dict[int, float]:
    grads = {id(root): 1.0}
    for step in backward_steps(root):
        for c in step.contributions:
            grads[id(c.input)] = c.after
    return grads


@settings(max_examples=200, deadline=None)
@given(graphs())
def test_final_gradients_equal_backward_exactly(graph):
    root, leaves = graph
    recorded = final_gradients(root)
    assert all(n.grad == 0.0 for n in topological_order(root)), "backward_steps changes no grad"
    root.backward()
    for node in topological_order(root):
        assert recorded.get(id(node), 0.0) == node.grad, node


@settings(max_examples=100, deadline=None)
@given(graphs())
def test_steps_follow_backwards_order_and_their_arithmetic(graph):
    root, _ = graph
    steps = backward_steps(root)
    computed = [n for n in reversed(topological_order(root)) if n.inputs]
    assert [s.node for s in steps] == computed
    assert steps[0].upstream == 1.0
    held: dict[int, float] = {id(root): 1.0}
    for step in steps:
        # A node's upstream is final when its step runs: every contribution to it came before.
        assert step.upstream == held.get(id(step.node), 0.0)
        assert [c.input for c in step.contributions] == list(step.node.inputs)
        for c in step.contributions:
            assert c.before == held.get(id(c.input), 0.0)
            assert c.after == c.before + c.contribution
            assert math.isclose(c.contribution, step.upstream * c.local, rel_tol=1e-12, abs_tol=1e-300)
            held[id(c.input)] = c.after


def test_worked_example_steps_show_the_sum_at_w1():
    f = sigmoid_neuron_with_l2(backward=False)
    names = node_names(f)
    steps = backward_steps(f)
    assert [names[id(s.node)] for s in steps][0] == "f"
    assert sorted(names[id(s.node)] for s in steps) == sorted(["f", "G", "R", "u", "z", "w₁x₁", "w₂x₂", "w₁²", "w₂²"])
    into_w1 = [(names[id(s.node)], c) for s in steps for c in s.contributions if names[id(c.input)] == "w₁"]
    assert len(into_w1) == 2  # along the data term and along the penalty
    (_, first), (_, second) = into_w1
    assert first.before == 0.0 and second.before == first.after
    rows = {row.name: row for row in trace(sigmoid_neuron_with_l2())}
    assert second.after == rows["w₁"].grad
    sigma = next(s for s in steps if names[id(s.node)] == "G")
    (c,) = sigma.contributions
    assert sigma.upstream == 1.0
    assert c.local == pytest.approx(sigma.node.data * (1 - sigma.node.data))


def test_a_leaf_root_has_no_steps_and_a_non_finite_gradient_raises():
    assert backward_steps(Value(2.0)) == []
    y = Value(1.0) / Value(1e-200)  # forward is fine (1e200), ∂y/∂b = -1/b² = -1e400 is not
    with pytest.raises(ArithmeticError):
        y.backward()
    with pytest.raises(ArithmeticError, match="not finite"):
        backward_steps(y)
