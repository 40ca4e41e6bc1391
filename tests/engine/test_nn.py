"""Linear layer, softmax, cross-entropy, accuracy, the dataset and the training loop."""

import math

import pytest

from autograd import LinearLayer, Value, accuracy, cross_entropy_loss, four_blobs, softmax, train
from autograd.gradcheck import gradcheck


def test_linear_layer_is_laid_out_as_w_nin_by_nout_with_zero_bias():
    layer = LinearLayer(2, 4, seed=3)
    assert len(layer.w) == 2 and all(len(row) == 4 for row in layer.w)
    assert all(-1 < p.data < 1 for row in layer.w for p in row)
    assert [b.data for b in layer.b] == [0.0] * 4
    assert len(layer.parameters()) == 12


def test_linear_layer_computes_x_times_w_plus_b():
    layer = LinearLayer(2, 3, seed=0)
    layer.b[1].data = 0.5
    (row,) = layer([[2.0, -1.0]])
    for j, out in enumerate(row):
        expected = 2.0 * layer.w[0][j].data - layer.w[1][j].data + layer.b[j].data
        assert out.data == pytest.approx(expected)


def test_the_same_seed_gives_the_same_layer():
    a, b = LinearLayer(2, 4, seed=7), LinearLayer(2, 4, seed=7)
    assert [p.data for p in a.parameters()] == [p.data for p in b.parameters()]
    assert [p.data for p in a.parameters()] != [p.data for p in LinearLayer(2, 4, seed=8).parameters()]


def test_a_row_of_the_wrong_width_is_rejected():
    with pytest.raises(ValueError, match=r"LinearLayer\(2, 4\) expects rows of 2 features, got a row of 3 at index 1"):
        LinearLayer(2, 4)([[1.0, 2.0], [1.0, 2.0, 3.0]])


def test_softmax_rows_sum_to_one_and_keep_their_order():
    (probs,) = softmax([[Value(1.0), Value(2.0), Value(3.0)]])
    assert sum(p.data for p in probs) == pytest.approx(1.0)
    assert probs[0].data < probs[1].data < probs[2].data


@pytest.mark.parametrize("big", [1000.0, -1000.0])
def test_softmax_and_cross_entropy_stay_finite_for_huge_logits(big):
    logits = [[Value(big), Value(-big), Value(0.0)], [Value(-big), Value(big), Value(big)]]
    for row in softmax(logits):
        assert all(math.isfinite(p.data) for p in row)
        assert sum(p.data for p in row) == pytest.approx(1.0)
    loss = cross_entropy_loss(logits, [1, 0])
    loss.backward()
    assert math.isfinite(loss.data)
    assert all(math.isfinite(v.grad) for row in logits for v in row)


def test_cross_entropy_is_the_mean_negative_log_likelihood():
    logits = [[Value(0.0), Value(math.log(3.0))], [Value(0.0), Value(0.0)]]
    # p(class 1) = 3/4 in the first row, 1/2 in the second.
    expected = -(math.log(0.75 + 1e-6) + math.log(0.5 + 1e-6)) / 2
    assert cross_entropy_loss(logits, [1, 1]).data == pytest.approx(expected)


def test_cross_entropy_gradient_matches_finite_differences():
    def loss(a, b, c, d):
        return cross_entropy_loss([[a, b], [c, d]], [0, 1])

    assert gradcheck(loss, [0.3, -0.8, 1.2, 0.1], raise_on_failure=True).ok


@pytest.mark.parametrize("labels, message", [
    ([0, 2], r"label 2 at index 1 is not a class index: expected an int in 0..1"),
    ([0, -1], r"label -1 at index 1"),
    ([0, 1.0], r"label 1.0 at index 1"),
    ([0], r"got 2 rows of logits but 1 labels"),
])
def test_bad_labels_are_rejected(labels, message):
    logits = [[Value(0.0), Value(1.0)], [Value(1.0), Value(0.0)]]
    with pytest.raises(ValueError, match=message):
        cross_entropy_loss(logits, labels)


def test_accuracy_counts_argmax_hits():
    logits = [[Value(2.0), Value(1.0)], [Value(0.0), Value(3.0)], [Value(5.0), Value(1.0)]]
    assert accuracy(logits, [0, 1, 1]) == pytest.approx(2 / 3)


def test_four_blobs_is_deterministic_balanced_and_two_dimensional():
    x, y = four_blobs()
    assert len(x) == len(y) == 100
    assert all(len(row) == 2 for row in x)
    assert [y.count(k) for k in range(4)] == [25, 25, 25, 25]
    assert four_blobs() == (x, y)
    assert four_blobs(seed=1) != (x, y)


def test_four_blobs_rejects_a_bad_size():
    with pytest.raises(ValueError, match=r"four_blobs expects n as an int ≥ 4"):
        four_blobs(n=2)


@pytest.fixture(scope="module")
def two_runs():
    x, y = four_blobs()
    seen = []
    first = train(x, y, LinearLayer(2, 4, seed=0), lr=1.0, epochs=500,
                  callback=lambda epoch, loss, acc: seen.append(epoch))
    second = train(x, y, LinearLayer(2, 4, seed=0), lr=1.0, epochs=500)
    return first, second, seen


def test_training_on_four_blobs_reaches_99_percent(two_runs):
    history, _, _ = two_runs
    assert len(history.loss) == len(history.accuracy) == 500
    assert history.accuracy[-1] >= 0.99
    assert history.loss[-1] < history.loss[0]


def test_two_runs_with_the_same_seed_give_identical_histories(two_runs):
    first, second, _ = two_runs
    assert first == second


def test_train_calls_back_once_per_epoch(two_runs):
    _, _, seen = two_runs
    assert seen == list(range(1, 501))


def test_numpy_integer_labels_are_class_indices():
    np = pytest.importorskip("numpy")
    logits = [[Value(0.0), Value(1.0)], [Value(1.0), Value(0.0)]]
    expected = cross_entropy_loss(logits, [1, 0]).data
    assert cross_entropy_loss(logits, np.array([1, 0])).data == expected
    assert cross_entropy_loss(logits, [np.int64(1), np.uint8(0)]).data == expected
    assert accuracy(logits, np.array([1, 1], dtype=np.int32)) == 0.5
    x, y = four_blobs(n=8)
    history = train(x, np.array(y), LinearLayer(2, 4, seed=0), epochs=np.int64(2))
    assert history == train(x, y, LinearLayer(2, 4, seed=0), epochs=2)


def test_plain_numbers_in_logits_are_constants():
    assert cross_entropy_loss([[0.0, 0.0]], [1]).data == cross_entropy_loss([[Value(0.0), Value(0.0)]], [1]).data
    assert accuracy([[2.0, 1.0], [0.0, 3]], [0, 0]) == 0.5
