"""The scalar engine: forward values, gradients, accumulation, depth and errors."""

import math
import sys

import numpy as np
import pytest

from autograd import Value, topological_order


def grads_of(f, *xs):
    values = [Value(x) for x in xs]
    out = f(*values)
    out.backward()
    return out.data, [v.grad for v in values]


@pytest.mark.parametrize(
    "f, xs, data, grads",
    [
        (lambda a, b: a + b, (2.0, 3.0), 5.0, [1.0, 1.0]),
        (lambda a, b: a - b, (2.0, 3.0), -1.0, [1.0, -1.0]),
        (lambda a, b: a * b, (2.0, 3.0), 6.0, [3.0, 2.0]),
        (lambda a, b: a / b, (3.0, 2.0), 1.5, [0.5, -0.75]),
        (lambda a: a ** 3, (2.0,), 8.0, [12.0]),
        (lambda a: -a, (2.0,), -2.0, [-1.0]),
        (lambda a: a.exp(), (0.0,), 1.0, [1.0]),
        (lambda a: a.log(), (2.0,), math.log(2.0), [0.5]),
        (lambda a: a.relu(), (2.0,), 2.0, [1.0]),
        (lambda a: a.relu(), (-2.0,), 0.0, [0.0]),
        (lambda a: a.relu(), (0.0,), 0.0, [0.0]),
        (lambda a: a.tanh(), (0.0,), 0.0, [1.0]),
        (lambda a: a.sigmoid(), (0.0,), 0.5, [0.25]),
        # The reflected forms put the plain number on the left.
        (lambda a: 2 * a, (3.0,), 6.0, [2.0]),
        (lambda a: 2 + a, (3.0,), 5.0, [1.0]),
        (lambda a: 1 - a, (3.0,), -2.0, [-1.0]),
        (lambda a: 1 / a, (2.0,), 0.5, [-0.25]),
    ],
)
def test_each_op_gives_known_values_and_gradients(f, xs, data, grads):
    out, got = grads_of(f, *xs)
    assert out == pytest.approx(data)
    assert got == pytest.approx(grads)


def test_relu_of_a_negative_is_a_positive_zero():
    assert math.copysign(1.0, Value(-3.0).relu().data) == 1.0


def test_sigmoid_does_not_overflow_at_extremes():
    assert Value(-1000.0).sigmoid().data == 0.0
    assert Value(1000.0).sigmoid().data == 1.0


def test_a_node_used_twice_gets_both_contributions():
    a = Value(3.0)
    out = a * a + a  # d/da = 2a + 1
    out.backward()
    assert a.grad == 7.0


def test_gradients_accumulate_across_backward_calls_like_pytorch():
    a, b = Value(2.0), Value(5.0)
    hidden = a * b
    out = hidden + a
    out.backward()
    out.backward()
    assert (a.grad, b.grad) == (12.0, 4.0)  # twice (b + 1) and twice a
    assert hidden.grad == 1.0  # an intermediate node holds the latest pass only


def test_constructor_accepts_ints_floats_and_numpy_scalars():
    for x in (3, 3.0, np.float64(3.0), np.float32(3.0), np.int64(3)):
        v = Value(x)
        assert v.data == 3.0 and type(v.data) is float and v.grad == 0.0


def test_topological_order_lists_inputs_first_and_each_node_once():
    a = Value(1.0)
    b = a * a
    c = b + a
    order = topological_order(c)
    assert order[-1] is c and len(order) == len({id(n) for n in order})
    position = {id(n): i for i, n in enumerate(order)}
    for node in order:
        assert all(position[id(x)] < position[id(node)] for x in node.inputs)


def test_topological_order_without_leaves_keeps_the_computed_nodes_in_the_same_order():
    a, b = Value(1.0), Value(2.0)
    c = (a * b + 3.0).exp() * a
    computed = [n for n in topological_order(c) if n.inputs]
    assert topological_order(c, leaves=False) == computed and len(computed) == 4
    assert topological_order(a, leaves=False) == [a]  # a leaf root is its own order


def test_a_chain_of_100_000_ops_backpropagates_at_the_default_recursion_limit():
    limit = sys.getrecursionlimit()
    x = Value(0.5)
    y = x
    for i in range(100_000):
        y = y * 1.0 if i % 2 else y + 1.0
    y.backward()
    assert sys.getrecursionlimit() == limit
    assert y.data == pytest.approx(0.5 + 50_000)
    assert x.grad == 1.0
    del y  # freeing a deep graph must not overflow the C stack either


@pytest.mark.parametrize("bad", ["3", None, [1, 2], True, 1 + 2j])
def test_non_numbers_are_rejected_with_a_type_error(bad):
    with pytest.raises(TypeError, match=r"Value expects a real number .*got"):
        Value(bad)


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf, np.float64("nan")])
def test_nan_and_inf_are_rejected_as_data(bad):
    with pytest.raises(ValueError, match=r"NaN and inf are rejected"):
        Value(bad)


def test_a_value_exponent_is_a_type_error_that_suggests_the_alternative():
    with pytest.raises(TypeError, match=r"pow expects a number exponent.*log\(\)\)\.exp\(\)"):
        Value(2.0) ** Value(3.0)
    with pytest.raises(TypeError, match=r"pow expects a number exponent"):
        2 ** Value(3.0)


def test_operand_of_the_wrong_type_names_the_op():
    with pytest.raises(TypeError, match=r"mul expects a real number .*got str 'a'"):
        Value(1.0) * "a"


@pytest.mark.parametrize("x", [0.0, -1.0])
def test_log_of_a_non_positive_value_is_a_value_error(x):
    with pytest.raises(ValueError, match=rf"log got a = {x!r}.*expected a > 0"):
        Value(x).log()


def test_exp_overflow_is_an_overflow_error_that_names_the_limit():
    with pytest.raises(OverflowError, match=r"exp got a = 1000.0: the result overflows a float \(expected a ≤ 709.78\)"):
        Value(1000.0).exp()


def test_an_op_that_overflows_to_inf_raises_instead_of_returning_inf():
    with pytest.raises(OverflowError, match=r"mul got a = 1e\+200, b = 1e\+200"):
        Value(1e200) * 1e200


def test_division_by_zero_names_the_op():
    with pytest.raises(ZeroDivisionError, match=r"div got a = 1.0, b = 0.0: division by zero"):
        Value(1.0) / 0


def test_a_fractional_power_of_a_negative_is_a_value_error_not_a_complex_number():
    with pytest.raises(ValueError, match=r"pow got a = -8.0, n = 0.5"):
        Value(-8.0) ** 0.5


def test_an_infinite_gradient_is_reported_by_backward():
    out = Value(0.0) ** 0.5
    with pytest.raises(ArithmeticError, match=r"backward through pow got a = 0.0, n = 0.5"):
        out.backward()


def test_truth_is_the_truth_of_the_number():
    assert not Value(0.0) and not Value(-0.0) and Value(1e-300) and Value(-3.0)
    assert [v.data for v in (Value(0.0), Value(2.0)) if v] == [2.0]


def test_repr_shows_data_grad_and_label():
    assert repr(Value(1.5, label="w")) == "Value(data=1.5, grad=0.0, label='w')"


def test_the_fast_backward_for_floats_equals_the_plain_loop_on_random_graphs():
    """Value.backward() runs _backpropagate_floats; backpropagate is the definition it must match exactly."""
    import random

    from autograd.backprop import backpropagate
    from autograd.value import _backpropagate_floats

    rng = random.Random(0)
    for _ in range(200):
        leaves = [Value(rng.uniform(-2, 2)) for _ in range(3)]
        nodes = list(leaves)
        for _ in range(rng.randint(1, 25)):
            a, b = rng.choice(nodes), rng.choice(nodes)  # reused nodes: several paths
            kind = rng.randrange(6)
            nodes.append([a + b, a * b, a - b, a.tanh(), a.sigmoid() * 2.0, (a * a + 1.0) ** 0.5][kind])
        root = nodes[-1] + nodes[len(nodes) // 2] * 0.5
        _backpropagate_floats(root)
        fast = [n.grad for n in nodes]
        for leaf in leaves:
            leaf.grad = 0.0
        backpropagate(root, 1.0)
        assert [n.grad for n in nodes] == fast  # to the last bit


def test_a_leaf_backward_from_itself_adds_one_in_both_loops():
    from autograd.backprop import backpropagate

    fast, plain = Value(2.0), Value(2.0)
    for _ in range(2):
        fast.backward()
        backpropagate(plain, 1.0)
    assert fast.grad == plain.grad == 2.0


def test_both_backward_loops_report_an_overflowing_sum_the_same_way():
    from autograd.backprop import backpropagate

    for run in (lambda y: y.backward(), lambda y: backpropagate(y, 1.0)):
        x = Value(1e-300)
        with pytest.raises(OverflowError, match="already holds"):
            run(x * 1e308 + x * 1e308)


def test_every_way_of_making_a_node_sets_every_slot():
    """The engine writes a node's slots out where it makes one (_lift, _binary, _unary), not in one helper."""
    from autograd.value import _lifted

    x = Value(2.0, label="x")
    made = {"Value()": x, "constant": 3.0 * x, "binary": x * x, "unary": x.exp(), "with params": x ** 2,
            "lifted": _lifted(1.0)}
    y = x * x
    y.backward(create_graph=True)
    made["create_graph"] = x.grad
    for how, node in made.items():
        missing = [name for name in Value.__slots__ if not hasattr(node, name)]
        assert not missing, f"{how} leaves {missing} unset"
        assert node.grad == 0.0 or how in ("Value()", "create_graph")
        assert isinstance(node.params, tuple) and isinstance(node._seq, int)
    assert made["constant"].inputs[0].is_constant and made["constant"].inputs[0].inputs == ()
    assert made["binary"].inputs == (x, x) and made["unary"].inputs == (x,) and made["with params"].params == (2.0,)
