"""The Tensor engine: every op's gradient against finite differences, broadcasting, errors, stability."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from autograd import OPS, Value
from autograd.gradcheck import gradcheck
from autograd.ops import SCALAR_MATH
from autograd.tensor import ARRAY_MATH, Tensor, cross_entropy, linear, log_softmax, matmul, no_grad

# Away from 0, so relu's kink and a denominator's pole stay further than the finite-difference step.
AWAY_FROM_ZERO = st.floats(0.1, 2.0) | st.floats(-2.0, -0.1)
POSITIVE = st.floats(0.1, 3.0)
ANY = st.floats(-3.0, 3.0)


def arrays(shape, elements=ANY, unique=False):
    return hnp.arrays(np.float64, shape, elements=elements, unique=unique)


def check_gradients(op, *inputs, rtol=1e-5, atol=1e-6):
    """backward() of ``op`` on Tensors equals finite differences, element by element (autograd.gradcheck)."""
    assert gradcheck(op, [np.asarray(x, float) for x in inputs], rtol=rtol, atol=atol, raise_on_failure=True).ok


# --- elementwise ops, with broadcasting -----------------------------------------------

BINARY = {
    "add": (lambda a, b: a + b, ANY),
    "sub": (lambda a, b: a - b, ANY),
    "mul": (lambda a, b: a * b, ANY),
    "div": (lambda a, b: a / b, AWAY_FROM_ZERO),
}


@pytest.mark.parametrize("name", sorted(BINARY))
@settings(max_examples=25, deadline=None)
@given(data=st.data())
def test_binary_op_gradients_follow_broadcasting(name, data):
    op, second = BINARY[name]
    shapes = data.draw(hnp.mutually_broadcastable_shapes(num_shapes=2, max_dims=3, max_side=3)).input_shapes
    a = data.draw(arrays(shapes[0]))
    b = data.draw(arrays(shapes[1], second))
    check_gradients(op, a, b)


@settings(max_examples=10, deadline=None)
@given(data=st.data())
def test_plain_numbers_and_arrays_mix_with_tensors_on_either_side(data):
    a = data.draw(arrays(hnp.array_shapes(max_dims=2, max_side=3), AWAY_FROM_ZERO))
    check_gradients(lambda t: 2.0 - t * 3 + 1 / t - t / 4.0, a)
    check_gradients(lambda t: np.ones(a.shape[-1:]) * t + np.ones(a.shape[-1:]), a)


UNARY = {
    "neg": (lambda a: -a, ANY),
    "exp": (lambda a: a.exp(), ANY),
    "log": (lambda a: a.log(), POSITIVE),
    "relu": (lambda a: a.relu(), AWAY_FROM_ZERO),
    "tanh": (lambda a: a.tanh(), ANY),
    "sigmoid": (lambda a: a.sigmoid(), ANY),
    "pow 3": (lambda a: a ** 3, ANY),
    "pow -1.5": (lambda a: a ** -1.5, POSITIVE),
}


@pytest.mark.parametrize("name", sorted(UNARY))
@settings(max_examples=15, deadline=None)
@given(data=st.data())
def test_unary_op_gradients(name, data):
    op, elements = UNARY[name]
    check_gradients(op, data.draw(arrays(hnp.array_shapes(min_dims=0, max_dims=3, max_side=4), elements)))


@pytest.mark.parametrize("name", ["add", "sub", "mul", "div", "neg", "exp", "log", "relu", "tanh", "sigmoid"])
def test_elementwise_ops_compute_what_the_scalar_engine_computes(name):
    op = OPS[name]
    points = np.array([0.3, 1.7, 2.5])
    others = np.array([0.9, -1.1, 0.4])
    tensor_args = [Tensor(points), Tensor(others)][: op.arity]
    tensor_out = op.forward(ARRAY_MATH, *(t.data for t in tensor_args))
    for i in range(len(points)):
        scalar = op.forward(SCALAR_MATH, *[float(points[i]), float(others[i])][: op.arity])
        assert tensor_out[i] == pytest.approx(scalar, rel=1e-15)


# --- matmul ---------------------------------------------------------------------------

@settings(max_examples=25, deadline=None)
@given(n=st.integers(1, 4), k=st.integers(1, 4), m=st.integers(1, 4), batch=st.sampled_from([(), (2,), (1,), (2, 1)]),
       data=st.data())
def test_matmul_gradients_in_2d_and_with_batches(n, k, m, batch, data):
    a = data.draw(arrays(batch + (n, k)))
    b = data.draw(arrays((k, m)))
    check_gradients(lambda x, y: x @ y, a, b)
    check_gradients(lambda x, y: y.T @ x.transpose(*range(x.ndim - 2), x.ndim - 1, x.ndim - 2), a, b)


@pytest.mark.parametrize("shapes", [((3,), (3, 2)), ((2, 3), (3,)), ((3,), (3,))])
def test_matmul_gradients_with_vectors(shapes):
    rng = np.random.default_rng(1)
    check_gradients(matmul, *(rng.normal(size=s) for s in shapes))


def test_mismatched_matmul_names_both_shapes():
    with pytest.raises(ValueError, match=r"matmul: shapes \(4, 3\) and \(2, 5\) do not align"):
        Tensor(np.ones((4, 3))) @ Tensor(np.ones((2, 5)))


@settings(max_examples=25, deadline=None)
@given(batch=st.sampled_from([(), (3,), (2, 3)]), nin=st.integers(1, 3), nout=st.integers(1, 3), data=st.data())
def test_linear_gradients_for_one_example_and_for_batches(batch, nin, nout, data):
    x, w, b = data.draw(arrays(batch + (nin,))), data.draw(arrays((nin, nout))), data.draw(arrays((nout,)))
    check_gradients(linear, x, w, b)


def test_linear_is_matmul_then_add_to_the_last_bit():
    rng = np.random.default_rng(3)
    arrays_ = [rng.normal(size=s) for s in ((5, 3), (3, 4), (4,))]
    results = []
    for fused in (True, False):
        x, w, b = (Tensor(a, requires_grad=True) for a in arrays_)
        out = linear(x, w, b) if fused else x @ w + b
        (out * out).sum().backward()
        results.append([out.data, x.grad, w.grad, b.grad])
    for ours, theirs in zip(*results):
        assert np.array_equal(ours, theirs)


def test_linear_takes_a_gradient_to_whichever_inputs_need_one():
    x, w, b = Tensor(np.ones((2, 3))), Tensor(np.ones((3, 2)), requires_grad=True), Tensor(np.zeros(2))
    out = linear(x, w, b)  # only the middle input needs a gradient
    assert out.requires_grad and out.op == "linear"
    out.sum().backward()
    assert w.grad.tolist() == [[2.0, 2.0]] * 3 and x.grad is None and b.grad is None


@pytest.mark.parametrize("shapes, message", [
    (((2, 3), (3,), (3,)), r"linear expects w of shape \(nin, nout\), got shape \(3,\)"),
    (((2, 3), (3, 2), (3,)), r"linear expects b of shape \(2,\) for w of shape \(3, 2\), got shape \(3,\)"),
    (((2, 4), (3, 2), (2,)), r"linear expects x with 3 features in the last axis \(w has shape \(3, 2\)\), "
                             r"got shape \(2, 4\)"),
])
def test_linear_names_the_shape_that_does_not_fit(shapes, message):
    with pytest.raises(ValueError, match=message):
        linear(*(Tensor(np.ones(s)) for s in shapes))


# --- reductions and shape ops -----------------------------------------------------------

AXES = st.sampled_from([None, 0, -1, (0, 1)])


@settings(max_examples=25, deadline=None)
@given(shape=hnp.array_shapes(min_dims=2, max_dims=3, max_side=4), axis=AXES, keepdims=st.booleans(), data=st.data())
def test_sum_and_mean_gradients(shape, axis, keepdims, data):
    a = data.draw(arrays(shape))
    check_gradients(lambda t: t.sum(axis=axis, keepdims=keepdims), a)
    check_gradients(lambda t: t.mean(axis=axis, keepdims=keepdims), a)
    np.testing.assert_allclose(Tensor(a).mean(axis=axis, keepdims=keepdims).data, a.mean(axis=axis, keepdims=keepdims))


@settings(max_examples=25, deadline=None)
@given(shape=hnp.array_shapes(min_dims=1, max_dims=3, max_side=4), keepdims=st.booleans(), data=st.data())
def test_max_gradient_goes_to_the_argmax(shape, keepdims, data):
    # Distinct elements: at a tie the max is not differentiable.
    a = data.draw(arrays(shape, st.floats(-3, 3).map(lambda v: round(v, 2)), unique=True))
    axis = data.draw(st.sampled_from([None] + list(range(-len(shape), len(shape)))))
    np.testing.assert_array_equal(Tensor(a).max(axis=axis, keepdims=keepdims).data, a.max(axis=axis, keepdims=keepdims))
    check_gradients(lambda t: t.max(axis=axis, keepdims=keepdims), a)


def test_max_sends_a_tied_gradient_to_one_element_only():
    x = Tensor([2.0, 5.0, 5.0], requires_grad=True)
    x.max().backward()
    assert x.grad.tolist() == [0.0, 1.0, 0.0]


@settings(max_examples=15, deadline=None)
@given(a=arrays((2, 3, 4)))
def test_reshape_and_transpose_gradients(a):
    check_gradients(lambda t: t.reshape(4, 6) * np.arange(24.0).reshape(4, 6), a)
    check_gradients(lambda t: t.reshape((-1,)) ** 2, a)
    check_gradients(lambda t: t.transpose(2, 0, 1) * np.arange(24.0).reshape(4, 2, 3), a)
    check_gradients(lambda t: t.T * np.arange(24.0).reshape(4, 3, 2), a)


def test_integer_array_indexing_picks_elements_and_collects_repeated_gradients():
    rng = np.random.default_rng(2)
    a = rng.normal(size=(5, 3))
    labels = np.array([0, 2, 2, 1, 0])
    picked = Tensor(a)[np.arange(5), labels]
    np.testing.assert_array_equal(picked.data, a[np.arange(5), labels])
    check_gradients(lambda t: t[np.arange(5), labels], a)
    check_gradients(lambda t: t[[0, 0, 4]], a)
    check_gradients(lambda t: t[1:, ::2], a)


# --- softmax family ---------------------------------------------------------------------

@settings(max_examples=25, deadline=None)
@given(shape=hnp.array_shapes(min_dims=1, max_dims=3, max_side=4), data=st.data())
def test_log_softmax_and_softmax_gradients(shape, data):
    a = data.draw(arrays(shape))
    axis = data.draw(st.integers(-len(shape), len(shape) - 1))
    check_gradients(lambda t: t.log_softmax(axis=axis), a)
    check_gradients(lambda t: t.softmax(axis=axis), a)
    np.testing.assert_allclose(Tensor(a).softmax(axis).data.sum(axis=axis), 1.0)
    np.testing.assert_allclose(np.exp(log_softmax(Tensor(a), axis).data), Tensor(a).softmax(axis).data)


@pytest.mark.parametrize("eps", [0.0, 1e-6, 0.1])
@settings(max_examples=20, deadline=None)
@given(rows=st.integers(1, 5), classes=st.integers(2, 5), data=st.data())
def test_cross_entropy_value_and_gradient(eps, rows, classes, data):
    logits = data.draw(arrays((rows, classes)))
    labels = data.draw(hnp.arrays(np.int64, rows, elements=st.integers(0, classes - 1)))
    probabilities = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    expected = -np.log(probabilities[np.arange(rows), labels] + eps).mean()
    assert cross_entropy(Tensor(logits), labels, eps=eps).item() == pytest.approx(expected, rel=1e-12)
    check_gradients(lambda t: cross_entropy(t, labels, eps=eps), logits)


@pytest.mark.parametrize("big", [1e4, -1e4])
def test_log_softmax_and_cross_entropy_stay_finite_for_huge_logits(big):
    logits = Tensor([[big, -big, 0.0], [-big, big, big], [0.0, 0.0, big]], requires_grad=True)
    out = logits.log_softmax()
    assert np.all(np.isfinite(out.data))
    out.sum().backward()
    assert np.all(np.isfinite(logits.grad))
    for eps in (0.0, 1e-6):
        logits.zero_grad()
        loss = cross_entropy(logits, [1, 0, 2], eps=eps)
        loss.backward()
        assert np.isfinite(loss.item()) and np.all(np.isfinite(logits.grad))
    # Exact: each row's loss is (row max - true logit) + log(number of logits at the max), if the rest are far below.
    per_row = [0.0, np.log(2), 0.0] if big > 0 else [2e4, 2e4, 1e4 + np.log(2)]
    assert cross_entropy(logits, [0, 1, 2]).item() == pytest.approx(np.mean(per_row), rel=1e-12)


def test_cross_entropy_equals_the_scalar_engines_loss():
    from autograd import cross_entropy_loss

    logits = [[0.3, -1.2, 2.0], [1.5, 0.1, -0.4]]
    labels = [2, 0]
    scalar_logits = [[Value(v) for v in row] for row in logits]
    scalar = cross_entropy_loss(scalar_logits, labels)
    scalar.backward()
    tensor_logits = Tensor(logits, requires_grad=True)
    tensor = cross_entropy(tensor_logits, labels, eps=1e-6)
    tensor.backward()
    assert tensor.item() == pytest.approx(scalar.data, rel=1e-14)
    np.testing.assert_allclose(tensor_logits.grad, [[v.grad for v in row] for row in scalar_logits], rtol=1e-12)


@pytest.mark.parametrize("labels, error, message", [
    ([0, 3], ValueError, r"cross_entropy: label 3 at index 1 is out of range: expected an int in 0..2"),
    ([-1, 0], ValueError, r"label -1 at index 0 is out of range"),
    ([0, 1, 2], ValueError, r"got 2 rows of logits but 3 labels"),
    ([0.0, 1.0], TypeError, r"int class indices, got dtype float64"),
])
def test_cross_entropy_rejects_bad_labels(labels, error, message):
    with pytest.raises(error, match=message):
        cross_entropy(Tensor(np.zeros((2, 3))), labels)


# --- the Tensor itself ------------------------------------------------------------------

def test_float64_by_default_and_float32_on_request():
    assert Tensor([1.0, 2]).dtype == np.float64
    assert Tensor([1, 2], dtype="float64").dtype == np.float64
    assert Tensor(np.ones(2, np.float32)).dtype == np.float32
    x = Tensor([1.0, 2.0], dtype=np.float32, requires_grad=True)
    y = (x * 2.5 + 1).relu().sum()
    y.backward()
    assert y.dtype == np.float32 and x.grad.dtype == np.float32


@pytest.mark.parametrize("bad", [["a", "b"], [1 + 2j], [None, 1.0], {"x": 1}])
def test_non_numeric_data_is_rejected_with_its_dtype(bad):
    with pytest.raises(TypeError, match=r"Tensor expects numbers \(bool, int or float\), got dtype"):
        Tensor(bad)


def test_ints_and_bools_keep_their_dtype_as_in_pytorch_and_take_no_gradient():
    assert Tensor([1, 2]).dtype == np.int64 and Tensor([True, False]).dtype == np.bool_
    assert (Tensor([1, 2]) * 0.5).tolist() == [0.5, 1.0]  # the float is not cast to int
    with pytest.raises(TypeError, match=r"requires_grad=True needs float data, got dtype int64"):
        Tensor([1, 2], requires_grad=True)


def test_an_int_dtype_is_rejected():
    with pytest.raises(TypeError, match=r"expects a float dtype such as float32 or float64, got int64"):
        Tensor([1, 2], dtype=np.int64)


def test_backward_on_a_non_scalar_needs_a_gradient():
    x = Tensor(np.ones((2, 3)), requires_grad=True)
    with pytest.raises(RuntimeError, match=r"needs a tensor with one element, got shape \(2, 3\)"):
        (x * 2).backward()
    (x * 2).backward(np.full((2, 3), 0.5))
    np.testing.assert_array_equal(x.grad, np.ones((2, 3)))


def test_backward_rejects_a_gradient_of_the_wrong_shape():
    x = Tensor(np.ones(3), requires_grad=True)
    with pytest.raises(ValueError, match=r"gradient of shape \(2,\) for a tensor of shape \(3,\)"):
        (x * 2).backward(np.ones(2))


def test_backward_on_a_tensor_without_history_is_an_error():
    with pytest.raises(RuntimeError, match="does not require grad"):
        Tensor([1.0]).sum().backward()


def test_leaf_gradients_accumulate_and_zero_grad_resets_them():
    x = Tensor([1.0, 2.0], requires_grad=True)
    y = (x * x).sum()
    y.backward()
    y.backward()
    np.testing.assert_array_equal(x.grad, [4.0, 8.0])
    x.zero_grad()
    assert x.grad is None


def test_a_tensor_used_twice_gets_both_gradients():
    x = Tensor([3.0], requires_grad=True)
    (x * x + x).sum().backward()  # d/dx (x² + x) = 2x + 1
    assert x.grad.tolist() == [7.0]


def test_no_grad_and_detach_stop_the_graph():
    x = Tensor([1.0, 2.0], requires_grad=True)
    with no_grad():
        y = x * 2
    assert not y.requires_grad
    z = (x.detach() * x).sum()
    z.backward()
    np.testing.assert_array_equal(x.grad, [1.0, 2.0])  # only the non-detached factor counts
    assert x.detach().data is x.data


def test_a_deep_graph_backpropagates_without_recursion():
    x = Tensor([0.5], requires_grad=True)
    y = x
    for _ in range(5000):
        y = y * 1.0001
    y.sum().backward()
    assert x.grad[0] == pytest.approx(1.0001 ** 5000)


def test_pow_needs_a_number_exponent():
    with pytest.raises(TypeError, match="pow expects a number exponent, got Tensor"):
        Tensor([1.0]) ** Tensor([2.0])


def test_no_grad_is_per_thread_and_nests():
    import threading

    x = Tensor([1.0], requires_grad=True)
    inside, leave_first, results = threading.Event(), threading.Event(), {}

    def other_thread():
        with no_grad():
            inside.set()
            leave_first.wait(5)
        results["after"] = (x * 2).requires_grad

    worker = threading.Thread(target=other_thread)
    worker.start()
    inside.wait(5)
    assert (x * 2).requires_grad  # the other thread's no_grad does not reach this one
    with no_grad():  # entered while the other thread is inside its block, left after it left
        leave_first.set()
        worker.join(5)
        with no_grad():
            assert not (x * 2).requires_grad
        assert not (x * 2).requires_grad  # leaving the inner block keeps the outer one in force
    assert (x * 2).requires_grad and results["after"] is True


def test_a_tensor_copies_the_callers_array_and_detach_shares():
    array = np.array([1.0, 2.0])
    a, b = Tensor(array, requires_grad=True), Tensor(array, requires_grad=True)
    a.data -= 1.0  # what an optimizer step does
    assert array.tolist() == [1.0, 2.0] and b.data.tolist() == [1.0, 2.0]
    assert a.detach().data is a.data


@pytest.mark.parametrize("make, message", [
    (lambda: bool(Tensor([1.0, 2.0])), "truth value of a tensor of shape \\(2,\\) is ambiguous"),
    (lambda: list(Tensor(5.0)), "len\\(\\) of a 0-d tensor"),
])
def test_ambiguous_truth_and_iterating_a_scalar_are_refused(make, message):
    with pytest.raises((TypeError, ValueError), match=message):
        make()


def test_truthiness_iteration_and_comparisons_follow_numpy():
    assert not Tensor([0.0]) and Tensor([2.0]) and not Tensor(0.0)
    x = Tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    rows = list(x)
    assert [r.tolist() for r in rows] == [[1.0, 2.0], [3.0, 4.0]]
    (rows[1] * 2).sum().backward()  # rows stay in the graph
    assert x.grad.tolist() == [[0.0, 0.0], [2.0, 2.0]]
    mask = x > 2.0
    assert mask.dtype == np.bool_ and not mask.requires_grad and mask.tolist() == [[False, False], [True, True]]
    assert (x == x).all() and not (x != x).any() and (x <= 4.0).all() and (x >= 1.0).all() and (x < 2).any()
    assert x[x > 2.0].tolist() == [3.0, 4.0]
    assert len({x, x}) == 1  # hashing is by identity, so tensors still go in sets


# --- the finiteness checks' fast paths ----------------------------------------------------------

@pytest.mark.parametrize("size", [0, 1, 4, 16, 17, 400])  # 0-d, a few elements (Python's sum) and many (numpy's)
@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.longdouble])
def test_all_finite_answers_every_size_exactly(size, dtype):
    from autograd.tensor import _all_finite

    shape = () if size == 0 else (size,)
    big = np.full(shape, np.finfo(dtype).max, dtype)  # finite, though its sum overflows
    assert _all_finite(big) and _all_finite(np.zeros(shape, dtype))
    for bad in (np.inf, -np.inf, np.nan):
        array = np.ones(shape, dtype)
        array[() if size == 0 else -1] = bad
        assert not _all_finite(array)


@pytest.mark.parametrize("n", [2, 400])
def test_a_non_finite_result_names_the_op_the_element_and_the_inputs(n):
    a = Tensor(np.ones(n), requires_grad=True)
    b = np.ones(n)
    b[-1] = 1e308
    with pytest.raises(OverflowError, match=rf"mul got a = 2\.0, b = 1e\+308 at index \({n - 1},\)"):
        (a + a) * Tensor(b)
    with pytest.raises(OverflowError, match=r"matmul of shape \(1, 2\) and \(2, 1\): the result overflows float64"):
        Tensor([[1e200, 1.0]]) @ Tensor([[1e200], [1.0]])
    with pytest.raises(OverflowError, match=r"mul got a = 1e\+308, b = 10\.0: the result overflows"):
        Tensor(1e308) * 10.0  # a 0-d result


def test_a_gradient_that_add_passes_on_unchanged_was_checked_where_it_was_made():
    # add hands its upstream gradient to both inputs as it is, unchecked a second time: it was
    # checked when sqrt's rule made it, which is where the error must point.
    a = Tensor([0.0, 1.0], requires_grad=True)
    b = Tensor([0.0, 3.0], requires_grad=True)
    with pytest.raises(ArithmeticError, match=r"backward through sqrt of shape \(2,\): the gradient of input 0 is "
                                              r"not finite at index \(0,\) \(a = 0\.0\)"):
        (a + b).sqrt().sum().backward()
    # A leaf given that gradient still owns a copy of it, so a later pass adds into its own array.
    x, y = Tensor([1.0, 2.0], requires_grad=True), Tensor([3.0, 4.0], requires_grad=True)
    s = x + y
    (s * 1.0).sum().backward()
    assert x.grad is not s.grad and y.grad is not s.grad and x.grad is not y.grad
    x.grad += 1.0
    assert s.grad.tolist() == [1.0, 1.0] and y.grad.tolist() == [1.0, 1.0]


def test_cross_entropy_keeps_the_labels_probabilities_for_its_gradient():
    logits = Tensor([[1.0, 2.0, 0.5], [0.0, -1.0, 3.0]], requires_grad=True)
    loss = cross_entropy(logits, [2, 0], eps=1e-6)
    p, p_y = loss.saved
    assert np.array_equal(p_y, p[[0, 1], [2, 0]])
    assert cross_entropy(logits, [2, 0]).saved[1] is None  # eps = 0: the gradient does not need them
    rows = ARRAY_MATH.arange(2)
    assert rows.tolist() == [0, 1] and not rows.flags.writeable and ARRAY_MATH.arange(2) is rows


def test_prepared_labels_are_checked_once_and_cannot_change_afterwards():
    from autograd import Linear

    model = Linear(2, 4, seed=0)
    x, y = model.prepare([[0.0, 1.0], [1.0, 0.0]], [3, 0])
    assert y.tolist() == [3, 0] and not y.flags.writeable
    with pytest.raises(ValueError, match="WRITEABLE"):
        y.flags.writeable = True
    with pytest.raises(ValueError, match="read-only"):
        y[0] = -1
    logits = model(x)
    assert cross_entropy(logits, y).item() == cross_entropy(logits, [3, 0]).item()
    # Checked for 4 classes, so checked again for fewer; and any other array is checked as before.
    with pytest.raises(ValueError, match=r"label 3 at index 0 is out of range: expected an int in 0\.\.2"):
        cross_entropy(Tensor([[0.0, 1.0, 2.0]] * 2), y)
    with pytest.raises(ValueError, match=r"label -1 at index 1 is out of range"):
        cross_entropy(logits, np.array([3, -1]))
    with pytest.raises(ValueError, match=r"label 9 at index 0"):
        model.prepare([[0.0, 1.0]], [9])
