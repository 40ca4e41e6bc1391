"""Bad input, one row each: the error's type, and a message that names the argument or op and the value.

The principle of the package: a wrong argument is refused at once, with an
error that says which argument (or op) was wrong, what it got and what it
expected. Never a NaN, a wrong or empty result, a check that passes vacuously,
or a bare error from deep inside numpy or the standard library.

Each row is ``(id, call, error, pattern)``: calling ``call()`` must raise
``error`` (or one of a tuple of them) with a message in which
``re.search(pattern)`` finds a match.
"""

from __future__ import annotations

import math
import re

import pytest

from autograd import (
    SGD,
    Adam,
    LinearLayer,
    Module,
    Value,
    accuracy,
    cross_entropy_loss,
    four_blobs,
    softmax,
    train,
)
from autograd.gradcheck import gradcheck, numeric_gradient
from autograd.tensor import Tensor, cross_entropy
from autograd.tensor_nn import MLP, Linear

NAN, INF = float("nan"), float("inf")


def logits():
    """Two rows of two scalar-engine logits."""
    return [[Value(0.0), Value(1.0)], [Value(1.0), Value(0.0)]]


def tensor_logits():
    return Tensor([[0.0, 1.0], [1.0, 0.0]], requires_grad=True)


def params():
    return [Value(1.0), Value(2.0)]


def blobs():
    return four_blobs(n=8)


def train_with(**kwargs):
    x, y = blobs()
    return train(x, y, LinearLayer(2, 4, seed=0), **kwargs)


def square(a):
    return a * a


ROWS = [
    # --- Value: data, label, and the ops' domains --------------------------------------------
    ("value-str", lambda: Value("3"), TypeError, r"Value.*str '3'"),
    ("value-bool", lambda: Value(True), TypeError, r"Value.*bool True"),
    ("value-none", lambda: Value(None), TypeError, r"Value.*None"),
    ("value-nan", lambda: Value(NAN), ValueError, r"Value got nan"),
    ("value-inf", lambda: Value(-INF), ValueError, r"Value got -inf"),
    ("value-label-int", lambda: Value(1.0, label=5), TypeError, r"label.*\b5\b"),
    ("value-log-negative", lambda: Value(-1.0).log(), ValueError, r"log got a = -1\.0.*a > 0"),
    ("value-exp-overflow", lambda: Value(1000.0).exp(), OverflowError, r"exp got a = 1000\.0"),
    ("value-div-zero", lambda: Value(1.0) / 0, ZeroDivisionError, r"div got a = 1\.0, b = 0\.0"),
    ("value-pow-fractional-negative", lambda: Value(-1.0) ** 0.5, ValueError, r"pow got a = -1\.0, n = 0\.5"),
    ("value-pow-value-exponent", lambda: Value(2.0) ** Value(2.0), TypeError, r"pow expects a number exponent"),
    ("value-add-str", lambda: Value(1.0) + "a", TypeError, r"add expects a real number.*str 'a'"),
    ("value-mul-nan", lambda: Value(1.0) * NAN, ValueError, r"mul got nan"),
    # --- Tensor: construction, ops, backward -------------------------------------------------
    ("tensor-str", lambda: Tensor(["a"]), TypeError, r"Tensor expects numbers.*<U1"),
    ("tensor-int-dtype", lambda: Tensor([1.0], dtype="int32"), TypeError, r"dtype.*int32"),
    ("tensor-requires-grad-str", lambda: Tensor([1.0], requires_grad="no"), TypeError, r"requires_grad.*'no'"),
    ("tensor-mean-empty", lambda: Tensor([]).mean(), ValueError, r"(?i)mean.*empty|empty.*mean"),
    ("tensor-index-float-tensor", lambda: Tensor([1.0])[Tensor([1.7])], (IndexError, TypeError),
     r"(?is)index.*1\.7|1\.7.*index"),
    ("tensor-matmul-shapes", lambda: Tensor([[1.0, 2.0]]) @ Tensor([[1.0, 2.0]]), ValueError,
     r"matmul: shapes \(1, 2\) and \(1, 2\) do not align"),
    ("tensor-matmul-scalar", lambda: Tensor(1.0) @ Tensor([1.0]), ValueError, r"matmul.*at least one dimension"),
    ("tensor-backward-non-scalar", lambda: (Tensor([1.0, 2.0], requires_grad=True) * 2).backward(), RuntimeError,
     r"backward\(\).*shape \(2,\)"),
    ("tensor-backward-no-grad", lambda: Tensor([1.0]).backward(), RuntimeError, r"backward\(\).*require.? grad"),
    ("tensor-backward-grad-shape", lambda: (Tensor([1.0, 2.0], requires_grad=True) * 2).backward(grad=[1.0]),
     ValueError, r"backward\(\) got a gradient of shape \(1,\) for a tensor of shape \(2,\)"),
    ("tensor-pow-tensor-exponent", lambda: Tensor([1.0]) ** Tensor([2.0]), TypeError, r"pow expects a number exponent"),
    ("tensor-max-float-axis", lambda: Tensor([[1.0]]).max(axis=0.5), TypeError, r"max expects axis.*0\.5"),
    ("tensor-ce-eps-negative", lambda: cross_entropy(tensor_logits(), [0, 1], eps=-1), ValueError, r"eps.*-1"),
    ("tensor-ce-eps-nan", lambda: cross_entropy(tensor_logits(), [0, 1], eps=NAN), ValueError, r"eps.*nan"),
    ("tensor-ce-label-out-of-range", lambda: cross_entropy(tensor_logits(), [0, 2]), ValueError,
     r"cross_entropy: label 2 at index 1 is out of range"),
    ("tensor-ce-label-negative", lambda: cross_entropy(tensor_logits(), [-1, 0]), ValueError,
     r"cross_entropy: label -1 at index 0"),
    ("tensor-ce-float-labels", lambda: cross_entropy(tensor_logits(), [0.0, 1.0]), TypeError,
     r"cross_entropy expects .*int class indices.*float64"),
    ("tensor-ce-label-count", lambda: cross_entropy(tensor_logits(), [0]), ValueError,
     r"cross_entropy got 2 rows of logits but 1 labels"),
    ("tensor-ce-1d-logits", lambda: cross_entropy(Tensor([1.0, 2.0]), [0]), ValueError,
     r"cross_entropy expects logits of shape \(batch, classes\), got shape \(2,\)"),
    ("tensor-ce-ragged-list", lambda: cross_entropy([[1.0, 2.0], [1.0]], [0, 0]), ValueError,
     r"cross_entropy|logits"),
    # --- nn (scalar engine): train, LinearLayer, softmax, cross_entropy_loss, accuracy ---------
    ("train-epochs-zero", lambda: train_with(epochs=0), ValueError, r"train expects epochs as an int ≥ 1, got 0"),
    ("train-epochs-negative", lambda: train_with(epochs=-5), ValueError, r"epochs.*-5"),
    ("train-epochs-float", lambda: train_with(epochs=2.5), TypeError, r"epochs.*float 2\.5"),
    ("train-epochs-bool", lambda: train_with(epochs=True), TypeError, r"epochs.*bool True"),
    ("train-lr-nan", lambda: train_with(lr=NAN), ValueError, r"train expects lr .*> 0, got nan"),
    ("train-lr-inf", lambda: train_with(lr=INF), ValueError, r"train expects lr .*, got inf"),
    ("train-lr-zero", lambda: train_with(lr=0), ValueError, r"train expects lr .*, got 0"),
    ("train-lr-negative", lambda: train_with(lr=-0.1), ValueError, r"train expects lr .*, got -0\.1"),
    ("train-lr-str", lambda: train_with(lr="0.1"), TypeError, r"lr.*str '0\.1'"),
    ("train-model-not-a-module", lambda: train(*blobs(), model=[1, 2]), TypeError, r"train expects model .*list"),
    ("train-labels-short", lambda: train(blobs()[0], [0, 1], LinearLayer(2, 4)), ValueError,
     r"train got 8 examples in x but 2 labels in y"),
    ("train-no-examples", lambda: train([], [], LinearLayer(2, 4)), ValueError, r"train expects x with at least one"),
    ("train-callback-not-callable", lambda: train_with(callback="print"), TypeError, r"callback.*'print'"),
    ("train-optimizer-not-an-optimizer", lambda: train_with(optimizer="sgd"), TypeError, r"optimizer.*'sgd'"),
    ("train-lr-and-optimizer", lambda: train_with(lr=0.1, optimizer=SGD(LinearLayer(2, 4).parameters(), 0.5)),
     ValueError, r"train got both lr = 0\.1 and an optimizer"),
    ("linearlayer-bool", lambda: LinearLayer(True, 3), TypeError, r"LinearLayer expects nin as an int ≥ 1, got bool True"),
    ("linearlayer-float", lambda: LinearLayer(2.5, 3), TypeError, r"LinearLayer expects nin .*float 2\.5"),
    ("linearlayer-zero", lambda: LinearLayer(0, 3), ValueError, r"LinearLayer expects nin as an int ≥ 1, got 0"),
    ("linearlayer-nout-zero", lambda: LinearLayer(2, 0), ValueError, r"LinearLayer expects nout .*got 0"),
    ("linearlayer-seed-float", lambda: LinearLayer(2, 3, seed=1.5), TypeError, r"LinearLayer expects seed .*1\.5"),
    ("linearlayer-flat-row", lambda: LinearLayer(2, 3)([1.0, 2.0]), TypeError,
     r"LinearLayer\(2, 3\) expects a batch.*float 1\.0 at index 0"),
    ("linearlayer-row-width", lambda: LinearLayer(2, 3)([[1.0, 2.0, 3.0]]), ValueError,
     r"LinearLayer\(2, 3\) expects rows of 2 features, got a row of 3 at index 0"),
    ("linearlayer-feature-nan", lambda: LinearLayer(2, 3)([[1.0, NAN]]), ValueError,
     r"LinearLayer\(2, 3\): row 0, feature 1 got nan"),
    ("softmax-empty-row", lambda: softmax([[Value(1.0)], []]), ValueError, r"softmax .*row 1 is empty"),
    ("softmax-flat", lambda: softmax([Value(1.0), Value(2.0)]), TypeError, r"softmax expects logits as a list of rows"),
    ("ce-ragged-rows", lambda: cross_entropy_loss([[Value(1.0), Value(2.0)], [Value(1.0)]], [0, 0]), ValueError,
     r"cross_entropy_loss .*row 0 has 2 but row 1 has 1"),
    ("ce-empty-logits", lambda: cross_entropy_loss([], []), ValueError, r"cross_entropy_loss expects logits with at least one row"),
    ("ce-empty-row", lambda: cross_entropy_loss([[]], [0]), ValueError, r"cross_entropy_loss .*row 0 is empty"),
    ("ce-eps-negative", lambda: cross_entropy_loss(logits(), [0, 1], eps=-1), ValueError,
     r"cross_entropy_loss expects eps .*≥ 0, got -1"),
    ("ce-eps-nan", lambda: cross_entropy_loss(logits(), [0, 1], eps=NAN), ValueError, r"cross_entropy_loss expects eps .*got nan"),
    ("ce-eps-inf", lambda: cross_entropy_loss(logits(), [0, 1], eps=INF), ValueError, r"cross_entropy_loss expects eps .*got inf"),
    ("ce-label-out-of-range", lambda: cross_entropy_loss(logits(), [0, 2]), ValueError,
     r"label 2 at index 1 is not a class index: expected an int in 0\.\.1"),
    ("ce-label-bool", lambda: cross_entropy_loss(logits(), [True, 0]), ValueError, r"label True at index 0"),
    ("ce-label-float", lambda: cross_entropy_loss(logits(), [0, 1.0]), ValueError, r"label 1\.0 at index 1"),
    ("ce-labels-none", lambda: cross_entropy_loss(logits(), None), TypeError, r"cross_entropy_loss expects labels .*None"),
    ("ce-label-count", lambda: cross_entropy_loss(logits(), [0]), ValueError,
     r"cross_entropy_loss got 2 rows of logits but 1 labels"),
    ("ce-logit-nan", lambda: cross_entropy_loss([[0.0, NAN]], [0]), ValueError, r"logits\[0\]\[1\] got nan"),
    ("accuracy-ragged-rows", lambda: accuracy([[1.0, 2.0], [1.0]], [0, 0]), ValueError, r"accuracy .*row 1 has 1"),
    # --- tensor_nn ---------------------------------------------------------------------------
    ("linear-bool", lambda: Linear(True, 3), TypeError, r"Linear expects nin as an int ≥ 1, got bool True"),
    ("linear-float", lambda: Linear(2, 2.5), TypeError, r"Linear expects nout .*float 2\.5"),
    ("linear-zero", lambda: Linear(0, 3), ValueError, r"Linear expects nin as an int ≥ 1, got 0"),
    ("linear-seed-negative", lambda: Linear(2, 3, seed=-1), ValueError, r"Linear expects seed .*-1"),
    ("linear-seed-str", lambda: Linear(2, 3, seed="a"), TypeError, r"Linear expects seed .*'a'"),
    ("linear-int-dtype", lambda: Linear(2, 3, dtype="int32"), TypeError, r"Linear expects dtype .*'int32'"),
    ("linear-input-width", lambda: Linear(2, 3)(Tensor([[1.0, 2.0, 3.0]])), ValueError,
     r"Linear\(2, 3\) expects inputs with 2 features .*\(1, 3\)"),
    ("linear-from-layer-not-a-layer", lambda: Linear.from_layer(Linear(2, 3)), TypeError,
     r"from_layer expects layer as a LinearLayer"),
    ("mlp-size-zero", lambda: MLP([2, 0, 4]), ValueError, r"MLP expects sizes\[1\] as an int ≥ 1, got 0"),
    ("mlp-size-bool", lambda: MLP([2, True]), TypeError, r"MLP expects sizes\[1\] .*bool True"),
    ("mlp-size-float", lambda: MLP([2.5, 4]), TypeError, r"MLP expects sizes\[0\] .*float 2\.5"),
    ("mlp-sizes-int", lambda: MLP(3), TypeError, r"MLP expects sizes as a list.*int 3"),
    ("mlp-one-size", lambda: MLP([4]), ValueError, r"MLP expects at least two sizes.*\[4\]"),
    ("mlp-activation-unknown", lambda: MLP([2, 4], activation="gelu"), ValueError, r"MLP expects activation .*'gelu'"),
    ("mlp-activation-none", lambda: MLP([2, 4], activation=None), TypeError, r"MLP expects activation .*None"),
    # --- optim -------------------------------------------------------------------------------
    ("sgd-lr-inf", lambda: SGD(params(), lr=INF), ValueError, r"\blr\b.*inf"),
    ("sgd-lr-zero", lambda: SGD(params(), lr=0), ValueError, r"\blr\b.*\b0\b"),
    ("sgd-lr-negative", lambda: SGD(params(), lr=-1), ValueError, r"\blr\b.*-1"),
    ("sgd-lr-nan", lambda: SGD(params(), lr=NAN), ValueError, r"\blr\b.*nan"),
    ("sgd-lr-string", lambda: SGD(params(), lr="0.1"), TypeError, r"SGD expects lr as a finite number > 0, got str '0\.1'"),
    ("sgd-params-floats", lambda: SGD([1.0, 2.0], lr=0.1), TypeError, r"(?is)param.*(Value|Tensor|grad)"),
    ("sgd-params-empty", lambda: SGD([], lr=0.1), ValueError, r"SGD got an empty parameter list"),
    ("sgd-momentum-one", lambda: SGD(params(), lr=0.1, momentum=1.0), ValueError, r"momentum.*1\.0"),
    ("adam-eps-nan", lambda: Adam(params(), eps=NAN), ValueError, r"\beps\b.*nan"),
    ("adam-betas-short", lambda: Adam(params(), betas=(0.9,)), (ValueError, TypeError), r"betas.*\(0\.9,\)"),
    ("adam-beta-one", lambda: Adam(params(), betas=(0.9, 1.0)), ValueError, r"betas.*1\.0"),
    # --- datasets ----------------------------------------------------------------------------
    ("four-blobs-seed-float", lambda: four_blobs(seed=1.5), TypeError, r"four_blobs expects seed as an int, got float 1\.5"),
    ("four-blobs-seed-str", lambda: four_blobs(seed="a"), TypeError, r"four_blobs expects seed .*'a'"),
    ("four-blobs-n-small", lambda: four_blobs(n=2), ValueError, r"four_blobs expects n as an int ≥ 4.*got 2"),
    ("four-blobs-n-float", lambda: four_blobs(n=8.0), TypeError, r"four_blobs expects n .*float 8\.0"),
    ("four-blobs-n-bool", lambda: four_blobs(n=True), TypeError, r"four_blobs expects n .*bool True"),
    # --- gradcheck ---------------------------------------------------------------------------
    ("gradcheck-no-inputs", lambda: gradcheck(lambda: Value(1.0), []), ValueError, r"gradcheck expects inputs with at least one"),
    ("gradcheck-inputs-number", lambda: gradcheck(square, 1.0), TypeError, r"gradcheck expects inputs as a list.*float 1\.0"),
    ("gradcheck-input-nan", lambda: gradcheck(square, [NAN]), ValueError, r"gradcheck: inputs\[0\] got nan"),
    ("gradcheck-atol-nan", lambda: gradcheck(square, [1.0], atol=NAN), ValueError, r"gradcheck expects atol .*got nan"),
    ("gradcheck-atol-negative", lambda: gradcheck(square, [1.0], atol=-1e-6), ValueError, r"gradcheck expects atol .*-1e-06"),
    ("gradcheck-rtol-nan", lambda: gradcheck(square, [1.0], rtol=NAN), ValueError, r"gradcheck expects rtol .*got nan"),
    ("gradcheck-rtol-negative", lambda: gradcheck(square, [1.0], rtol=-1), ValueError, r"gradcheck expects rtol .*got -1"),
    ("gradcheck-eps-zero", lambda: gradcheck(square, [1.0], eps=0), ValueError, r"gradcheck expects eps as a finite number > 0, got 0"),
    ("gradcheck-eps-negative", lambda: gradcheck(square, [1.0], eps=-1e-6), ValueError, r"gradcheck expects eps .*-1e-06"),
    ("gradcheck-eps-inf", lambda: gradcheck(square, [1.0], eps=INF), ValueError, r"gradcheck expects eps .*inf"),
    ("gradcheck-eps-too-small", lambda: gradcheck(square, [1e10], eps=1e-12), ValueError,
     r"gradcheck: eps = 1e-12 is too small to move inputs\[0\] = 10000000000\.0"),
    ("gradcheck-f-returns-float", lambda: gradcheck(lambda a: 3.0, [1.0]), TypeError,
     r"gradcheck expects f to return a Value.*float 3\.0"),
    ("gradcheck-f-not-callable", lambda: gradcheck(3, [1.0]), TypeError, r"gradcheck expects f as a function.*int 3"),
    ("numeric-gradient-eps-zero", lambda: numeric_gradient(square, [1.0], eps=0.0), ValueError,
     r"numeric_gradient expects eps .*got 0\.0"),
]


@pytest.mark.parametrize("call, error, pattern", [row[1:] for row in ROWS], ids=[row[0] for row in ROWS])
def test_bad_input_is_refused_with_a_message_that_names_it(call, error, pattern):
    with pytest.raises(error) as raised:
        call()
    message = str(raised.value)
    assert re.search(pattern, message), f"{type(raised.value).__name__}: {message!r} does not match {pattern!r}"


def test_the_table_is_big_and_its_ids_are_unique():
    ids = [row[0] for row in ROWS]
    assert len(ids) >= 45 and len(set(ids)) == len(ids)


def test_a_custom_module_is_still_trained():
    """The model check accepts any Module subclass, not only the package's own layers."""

    class Wrapped(Module):
        def __init__(self):
            self.inner = LinearLayer(2, 4, seed=0)

        def __call__(self, rows):
            return self.inner(rows)

        def parameters(self):
            return self.inner.parameters()

    history = train(*blobs(), Wrapped(), epochs=2)
    assert len(history.loss) == 2 and all(math.isfinite(loss) for loss in history.loss)
