"""The two engines compute the same thing: the page's task trained side by side."""

import numpy as np
import pytest

from autograd import Linear, LinearLayer, MLP, four_blobs, train
from autograd.tensor import Tensor


def test_scalar_and_tensor_engines_train_the_page_task_identically():
    x, y = four_blobs()
    scalar = LinearLayer(2, 4, seed=0)
    tensor = Linear.from_layer(scalar)
    np.testing.assert_array_equal(tensor.w.data, [[p.data for p in row] for row in scalar.w])

    scalar_history = train(x, y, scalar, lr=1.0, epochs=500)
    tensor_history = train(x, y, tensor, lr=1.0, epochs=500)

    assert len(scalar_history.loss) == len(tensor_history.loss) == 500
    np.testing.assert_allclose(tensor_history.loss, scalar_history.loss, rtol=1e-9, atol=0)
    assert tensor_history.accuracy == scalar_history.accuracy
    np.testing.assert_allclose(tensor.w.data, [[p.data for p in row] for row in scalar.w], rtol=1e-9)
    np.testing.assert_allclose(tensor.b.data, [p.data for p in scalar.b], rtol=1e-9, atol=1e-12)
    assert scalar_history.loss[-1] < scalar_history.loss[0]


def test_a_tensor_mlp_learns_the_blobs():
    x, y = four_blobs()
    history = train(x, y, MLP([2, 16, 4], seed=0), lr=0.5, epochs=200)
    assert history.accuracy[-1] >= 0.95


def test_linear_rejects_inputs_of_the_wrong_width():
    with pytest.raises(ValueError, match=r"Linear\(2, 4\) expects inputs with 2 features in the last axis, got shape \(5, 3\)"):
        Linear(2, 4)(Tensor(np.ones((5, 3))))


def test_mlp_rejects_an_unknown_activation():
    with pytest.raises(ValueError, match="MLP expects activation to be one of relu, tanh, sigmoid, got 'gelu'"):
        MLP([2, 4], activation="gelu")
