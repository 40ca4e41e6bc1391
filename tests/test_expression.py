"""The demo's expression language: what it accepts, what it refuses, and that it computes what Value does."""

from __future__ import annotations

import json
import math
import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd import OPS, Value
from autograd.examples import sigmoid_neuron_with_l2
from autograd.expression import (
    DEFAULT_EXPRESSION,
    DEFAULT_POINT,
    FUNCTIONS,
    ExpressionError,
    InputError,
    demo_result,
    evaluate,
    parse,
    read_point,
)

POINT = {"w1": 0.2, "w2": 0.4, "x1": -0.4, "x2": 0.5}


def leaves(point):
    return {name: Value(value) for name, value in point.items()}


def gradients_of(build, point):
    """Value and the four gradients of ``build(**leaves)``, computed directly with Value."""
    v = leaves(point)
    out = build(**v)
    out.backward()
    return out.data, {name: v[name].grad for name in v}


def test_functions_are_the_one_input_ops_of_the_registry():
    assert set(FUNCTIONS) == {"exp", "log", "relu", "tanh", "sigmoid"}
    assert all(OPS[name].arity == 1 for name in FUNCTIONS)


@pytest.mark.parametrize(
    "text, build",
    [
        ("(w1*x1).tanh() + w2**2", lambda w1, w2, x1, x2: (w1 * x1).tanh() + w2 ** 2),
        ("tanh(w1*x1) + w2**2", lambda w1, w2, x1, x2: (w1 * x1).tanh() + w2 ** 2),
        ("-w1 / (x2 - 3) * 2.5", lambda w1, w2, x1, x2: -w1 / (x2 - 3) * 2.5),
        ("exp(w1) * log(x2 + 1) - relu(x1)", lambda w1, w2, x1, x2: w1.exp() * (x2 + 1).log() - x1.relu()),
        ("w2.sigmoid() ** 3 + x1 * x1", lambda w1, w2, x1, x2: w2.sigmoid() ** 3 + x1 * x1),
        ("1 - w1 + +x2 − 2", lambda w1, w2, x1, x2: 1 - w1 + x2 - 2),  # unicode minus as typed on a page
        ("exp(1) * w1", lambda w1, w2, x1, x2: math.e * w1),
    ],
)
def test_values_and_gradients_match_direct_value_computation(text, build):
    f = evaluate(text, POINT)
    assert f.label == "f"
    result = demo_result(POINT, text)
    expected_value, expected_gradients = gradients_of(build, POINT)
    assert result["value"] == pytest.approx(expected_value, rel=1e-12)
    assert result["gradients"] == pytest.approx(expected_gradients, rel=1e-12, abs=1e-15)


def test_default_is_the_worked_example_of_the_docs():
    result = demo_result()
    example = sigmoid_neuron_with_l2(**DEFAULT_POINT)
    assert result["point"] == DEFAULT_POINT
    assert result["value"] == example.data
    assert result["trace"][-1]["data"] == example.data
    # Same number of non-constant nodes as the labelled worked example: 4 inputs + 9 steps.
    assert len(result["trace"]) == 13
    assert [row["name"] for row in result["trace"][:4]] == ["w₁", "w₂", "x₁", "x₂"]
    assert result["trace"][-1]["name"] == "f"


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(-3, 3, allow_nan=False), min_size=4, max_size=4))
def test_default_expression_matches_worked_example_everywhere(values):
    point = dict(zip(("w1", "w2", "x1", "x2"), values))
    result = demo_result(point, DEFAULT_EXPRESSION)
    expected_value, expected_gradients = gradients_of(
        lambda **v: sigmoid_neuron_with_l2(**v, backward=False), point
    )
    assert result["value"] == pytest.approx(expected_value, rel=1e-12, abs=1e-15)
    assert result["gradients"] == pytest.approx(expected_gradients, rel=1e-12, abs=1e-15)


def test_result_is_plain_json_and_unused_inputs_have_zero_gradient():
    result = demo_result({"w1": 0.0, "w2": -1.5, "x1": 0.0, "x2": 2}, "w1 * x1 + 3")
    assert json.loads(json.dumps(result)) == result
    assert result["gradients"] == {"w1": 0.0, "w2": 0.0, "x1": 0.0, "x2": 0.0}
    assert [row["name"] for row in result["trace"]] == ["w₁", "x₁", "t1", "f"]
    assert result["trace"][-1]["expression"] == "t1 + 3"
    assert result["dot"].lstrip().startswith("digraph")


def test_an_expression_that_is_a_bare_input_still_names_the_input():
    result = demo_result(POINT, "x2")
    assert result["value"] == 0.5
    assert result["gradients"]["x2"] == 1.0
    assert [row["name"] for row in result["trace"]] == ["x₂", "f"]


@pytest.mark.parametrize(
    "text, named",
    [
        ("__import__('os')", "__import__"),
        ("open('/etc/passwd')", "open"),
        ("w1.data", ".data"),
        ("w1.__class__", ".__class__"),
        ("w1.backward()", ".backward()"),
        ("(1).__class__.__bases__", ".__bases__"),
        ("lambda: w1", "lambda"),
        ("[w1 for _ in 'ab']", "list comprehension"),
        ("sum(w1 for _ in 'ab')", "sum"),
        ("{w1: 1}", "dict"),
        ("w1 if x1 else w2", "if/else"),
        ("w1 < x1", "comparison"),
        ("w1 and x1", "and/or"),
        ("w1 % 2", "%"),
        ("w1 // 2", "//"),
        ("~w1", "~"),
        ("'text' * 2", "'text'"),
        ("True * w1", "True"),
        ("1j * w1", "1j"),
        ("y1 + w1", "'y1'"),
        ("(w := w1) * 2", ":="),
        ("w1[0]", "indexing"),
        ("f'{w1}'", "f-string"),
    ],
)
def test_forbidden_constructs_are_named_in_the_error(text, named):
    with pytest.raises(ExpressionError) as error:
        evaluate(text, POINT)
    assert named in str(error.value)
    assert "w1, w2, x1, x2" in str(error.value) or "argument" in str(error.value)


@pytest.mark.parametrize(
    "text, message",
    [
        ("", "empty"),
        ("w1 +", "not a valid expression"),
        ("exp", "call it"),
        ("exp(w1, w2)", "exactly one argument"),
        ("exp(a=w1)", "exactly one argument"),
        ("w1.exp(2)", "takes no arguments"),
        ("3 * 4", "nothing to differentiate"),
        ("w1 * 1e400", "does not fit in a float"),
        ("w1 +" + " w1 +" * 100 + " w1", "characters"),
    ],
)
def test_malformed_expressions_say_what_to_change(text, message):
    with pytest.raises(ExpressionError, match=message):
        evaluate(text, POINT)


@pytest.mark.parametrize("text", ["w1 ** 10 ** 10 ** 10", "10 ** 10 ** 10 * w1", "x2 ** -1e6", "w1 * 2.0 ** 1e6"])
def test_huge_exponents_fail_fast_with_the_engines_overflow_error(text):
    with pytest.raises(OverflowError, match="pow got .* overflows"):
        evaluate(text, POINT)


def test_a_huge_exponent_that_stays_finite_is_computed():
    result = demo_result(POINT, "w1 ** 1e6")
    assert result["value"] == 0.0 and result["gradients"]["w1"] == 0.0


@pytest.mark.parametrize(
    "text, error, message",
    [
        ("log(x1)", ValueError, "log got a = -0.4"),
        ("exp(w1 * 4000)", OverflowError, "exp got a = 800"),
        ("w1 / (x1 + 0.4)", ZeroDivisionError, "div got"),
        ("1 / 0 + w1", ZeroDivisionError, "div got a = 1.0, b = 0.0"),
        ("x1 ** 0.5", ValueError, "pow got a = -0.4"),
        ("w1 ** w2", TypeError, "pow expects a number exponent"),
    ],
)
def test_maths_that_fails_raises_the_engines_error(text, error, message):
    with pytest.raises(error, match=message):
        demo_result(POINT, text)


@pytest.mark.parametrize(
    "raw, field, message",
    [
        ({"w1": ""}, "w1", "empty"),
        ({"w2": "  "}, "w2", "empty"),
        ({"x1": "abc"}, "x1", "'abc' is not a number"),
        ({"x2": "1e400"}, "x2", "does not fit in a float"),
        ({"w1": "-1e999"}, "w1", "does not fit in a float"),
        ({"w1": "nan"}, "w1", "NaN"),
        ({"w2": True}, "w2", "must be a number"),
    ],
)
def test_bad_inputs_name_their_field(raw, field, message):
    with pytest.raises(InputError, match=message) as error:
        read_point({**{k: str(v) for k, v in POINT.items()}, **raw})
    assert error.value.field == field


def test_inputs_as_typed_are_read_as_floats():
    assert read_point({"w1": "−0.4", "w2": " 2 ", "x1": "1e-3", "x2": 0}) == {
        "w1": -0.4, "w2": 2.0, "x1": 0.001, "x2": 0.0,
    }


def test_parse_only_checks_and_never_evaluates():
    tree = parse("exp(w1) * 2")
    assert type(tree).__name__ == "BinOp"
    with pytest.raises(TypeError, match="must be a str"):
        parse(42)


def test_the_demo_runs_without_numpy(tmp_path):
    """The browser has no numpy: importing the package and running the demo must not need it."""
    script = (
        "import sys; sys.modules['numpy'] = None\n"
        "from autograd.expression import demo_result\n"
        "print(round(demo_result()['value'], 4))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "0.63"
