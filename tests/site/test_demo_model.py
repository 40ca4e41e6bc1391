"""The demo's model (docs/demo/demo_model.py, site code): what it accepts, what it refuses, and that it computes what Value does."""

from __future__ import annotations

import doctest
import json
import math
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd import OPS, Value
from autograd.examples import program, sigmoid_neuron_with_l2
from autograd.graph import to_dot
from autograd.trace import trace

DEMO = Path(__file__).resolve().parents[2] / "docs" / "demo"
sys.path.insert(0, str(DEMO))  # the demo's Python is the site's, not the package's

import demo_model  # noqa: E402
from demo_model import (  # noqa: E402
    DEFAULT_EXPRESSION,
    DEFAULT_POINT,
    FUNCTIONS,
    MAX_LENGTH,
    MAX_OPERATIONS,
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
    assert set(FUNCTIONS) == {"exp", "log", "relu", "tanh", "sigmoid", "abs", "sqrt"}
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
    assert DEFAULT_EXPRESSION == program()  # written once, in autograd/examples.py
    result = demo_result()
    example = sigmoid_neuron_with_l2(**DEFAULT_POINT)
    assert result["point"] == DEFAULT_POINT
    assert result["value"] == example.data
    # Every node named as the docs' trace names it, with the same value, gradient and formula.
    assert [(row["name"], row["expression"], row["data"], row["grad"]) for row in result["trace"]] == [
        (row.name, row.expression, row.data, row.grad) for row in trace(example)
    ]
    assert len(result["trace"]) == 13
    assert result["name"] == "f"


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
    assert "w1, w2, x1, x2" in str(error.value)  # and says what is allowed


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
        ("w1 +" + " w1 +" * (MAX_LENGTH // 5) + " w1", "characters"),
        ("# only a comment", "empty"),
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
    (step,) = parse("exp(w1) * 2")
    assert step.name is None and type(step.expression).__name__ == "BinOp"
    assert [step.name for step in parse("a = w1\nb = a * 2\nb + 1")] == ["a", "b", None]
    with pytest.raises(TypeError, match="must be a str"):
        parse(42)


def test_the_demo_runs_without_numpy(tmp_path):
    """The browser has no numpy: importing the package and running the demo must not need it."""
    script = (
        f"import sys; sys.modules['numpy'] = None; sys.path.insert(0, {str(DEMO)!r})\n"
        "from demo_model import demo_result\n"
        "print(round(demo_result()['value'], 4))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "0.63"


# Programs: named steps, one per line or separated by ";".

NAMED_STEPS = [
    ("z = w1*x1 + w2*x2\nf = tanh(z) * x1", lambda w1, w2, x1, x2: (w1 * x1 + w2 * x2).tanh() * x1),
    ("z = w1*x1 + w2*x2; tanh(z) * x1", lambda w1, w2, x1, x2: (w1 * x1 + w2 * x2).tanh() * x1),
    ("a = w1 ** 2\n\n  # a comment\nb = a * x2  # squared, then scaled\nc = b.exp() - a\n",
     lambda w1, w2, x1, x2: (w1 ** 2 * x2).exp() - w1 ** 2),
    ("k = 2.5; s = k * w2; s / k + k", lambda w1, w2, x1, x2: 2.5 * w2 / 2.5 + 2.5),
    ("a = w1\nb = a\nb * w1", lambda w1, w2, x1, x2: w1 * w1),
]


@pytest.mark.parametrize("text, build", NAMED_STEPS)
def test_programs_compute_what_value_computes(text, build):
    result = demo_result(POINT, text)
    expected_value, expected_gradients = gradients_of(build, POINT)
    assert result["value"] == pytest.approx(expected_value, rel=1e-12)
    assert result["gradients"] == pytest.approx(expected_gradients, rel=1e-12, abs=1e-15)


def test_assigned_names_label_their_nodes_in_trace_and_graph():
    text = "z = w1*x1 + w2*x2\nh = tanh(z)\nloss = (h - x2) ** 2"
    f = evaluate(text, POINT)
    f.backward()
    assert f.label == "loss"
    names = [row.name for row in trace(f)]
    assert names == ["w₁", "w₂", "x₁", "x₂", "t1", "t2", "z", "h", "t3", "loss"]
    expressions = {row.name: row.expression for row in trace(f)}
    assert expressions["h"] == "tanh(z)" and expressions["loss"] == "t3 ** 2"
    dot = to_dot(f)
    assert '"v-z" [' in dot and '"op-h" [' in dot and '"g-loss" [' in dot
    assert demo_result(POINT, text)["name"] == "loss"


def test_a_final_expression_is_named_f_and_the_same_as_assigning_f():
    steps = "z = w1 * x1; "
    by_expression, by_assignment = demo_result(POINT, steps + "z + x2"), demo_result(POINT, steps + "f = z + x2")
    assert by_expression["name"] == by_assignment["name"] == "f"
    assert by_expression["trace"] == by_assignment["trace"]


def test_naming_an_input_or_a_step_again_copies_it_and_keeps_the_old_name():
    result = demo_result(POINT, "a = w1\nb = a\nb * x1")
    rows = {row["name"]: row for row in result["trace"]}
    assert {"w₁", "a", "b", "f"} <= set(rows)
    assert rows["a"]["expression"] == "w₁ + 0" and rows["b"]["expression"] == "a + 0"
    assert result["gradients"]["w1"] == pytest.approx(POINT["x1"])


def test_a_name_for_a_number_stands_for_the_number():
    result = demo_result(POINT, "half = 1 / 2\nhalf * w1")
    assert [row["name"] for row in result["trace"]] == ["w₁", "f"]
    assert result["trace"][-1]["expression"] == "0.5 * w₁"


@pytest.mark.parametrize(
    "text, message",
    [
        ("a, b = w1, w2\na * b", "line 1: assigning to several names at once (a, b = ...) is not allowed"),
        ("[a, b] = w1, w2", "several names at once"),
        ("a = b = w1\na + b", "a = b = ... is not allowed"),
        ("z = w1\nz += 1", "line 2: augmented assignment (+=, *= and the like) is not allowed"),
        ("w1.data = 3\nw1", "line 1: assigning to an attribute (a.b = ...) is not allowed"),
        ("z = w1\nz[0] = 1", "assigning to an item (a[0] = ...) is not allowed"),
        ("z: float = w1", "an annotated assignment"),
        ("import os\nw1", "line 1: import is not allowed"),
        ("for i in w1: pass", "a for loop is not allowed"),
        ("def g(): pass", "def is not allowed"),
        ("pass", "pass is not allowed"),
        ("w1 * 2\nw2", "line 1: only the last line may be a bare expression"),
        ("w1 = 3\nw1 * x1", "line 1: w1 is an input: it cannot be assigned"),
        ("exp = w1 * 2\nexp + 1", "line 1: exp is an op: give this step another name"),
        ("_z = w1\n_z * 2", "the name _z starts with _"),
        ("__class__ = w1; w1", "the name __class__ starts with _"),
        ("t1 = w1 * x1\nt1 + w2 * x2", "t1 is how the trace names unnamed steps"),
        ("z = w1\nz = w2\nz * 2", "line 2: z is assigned twice (first on line 1)"),
        ("f = w1 * 2\ng = f + x1\ng * f", "f names the result of the last line"),
        ("a = b * 2\nb = w1\na", "line 1: b is used before it is assigned (on line 2)"),
        ("z = z + w1\nz", "line 1: z is used before it is assigned (on line 1)"),
        ("z = w1\nq + z", "line 2: the name 'q' is not allowed"),
        ("z = (y := w1)\nz", "line 1: an assignment (:=) is not allowed"),
        ("z = w1 *\nz", "not a valid expression on line 1 at column"),
        ("z = w1\nf = z +", "not a valid expression on line 2 at column"),
        ("z = w1;; z", "not a valid expression at column 8"),
        ("c = 2\nc * 3", "nothing to differentiate"),
        ("z = w1\n" * (MAX_LENGTH // 6) + "z", "characters"),
    ],
)
def test_malformed_programs_say_what_to_change(text, message):
    with pytest.raises(ExpressionError) as error:
        evaluate(text, POINT)
    assert message in str(error.value)


def test_a_program_of_several_steps_fits_both_limits():
    steps = [f"step{k} = step{k - 1} * 1.01 + x1" for k in range(2, MAX_OPERATIONS // 2 + 1)]
    text = "\n".join(["step1 = w1 * 1.01 + x1", *steps])
    assert 600 < len(text) <= MAX_LENGTH
    result = demo_result(POINT, text)
    assert result["name"] == f"step{MAX_OPERATIONS // 2}"
    assert len(result["trace"]) == 2 + MAX_OPERATIONS  # w₁, x₁ and one node per operation


def test_the_number_of_operations_is_bounded_however_short_the_names():
    """Names let a short text make a big graph; the bound is on operations, which are its nodes."""
    fan_out = "a = w1*x1\n" + " + ".join(["a"] * MAX_OPERATIONS)  # 1 product and MAX_OPERATIONS - 1 sums
    assert len(demo_result(POINT, fan_out)["trace"]) == 2 + MAX_OPERATIONS  # w₁, x₁ and one node per operation
    with pytest.raises(ExpressionError, match=f"has {MAX_OPERATIONS + 1} operations; at most {MAX_OPERATIONS}"):
        evaluate(fan_out + " + a", POINT)
    with pytest.raises(ExpressionError, match="operations"):
        evaluate("-" * 500 + "w1", POINT)  # refused before any deep recursion


def operations_drawn(dot: str) -> int:
    """The op circles that the graph declares (see autograd.graph.to_dot)."""
    return sum(1 for line in dot.splitlines() if line.startswith('  "op-') and " -> " not in line)


@pytest.mark.parametrize("copies", [MAX_OPERATIONS, 100])
def test_renaming_steps_count_as_operations(copies):
    """b = a copies a (as a + 0, so both names show): a node of the graph like any other operation.

    Without counting them, a chain of renames drew far more than MAX_OPERATIONS operations.
    """
    renames = "a0 = w1\n" + "".join(f"a{k} = a{k - 1}\n" for k in range(1, copies)) + f"a{copies - 1} * x1"
    assert len(renames) <= MAX_LENGTH
    with pytest.raises(ExpressionError, match=f"has {copies + 1} operations; at most {MAX_OPERATIONS}.*b = a"):
        evaluate(renames, POINT)


def test_the_operations_drawn_never_exceed_the_limit():
    exactly = "a0 = w1\n" + "".join(f"a{k} = a{k - 1}\n" for k in range(1, MAX_OPERATIONS - 1)) + "a58 * x1"
    result = demo_result(POINT, exactly)
    assert operations_drawn(result["dot"]) == MAX_OPERATIONS
    assert len(result["trace"]) == 2 + MAX_OPERATIONS
    # A final expression that is only a name is a copy too (named f).
    with pytest.raises(ExpressionError, match=f"has {MAX_OPERATIONS + 1} operations"):
        evaluate(exactly.replace("a58 * x1", "b = a58 * x1\nb"), POINT)


def test_operations_that_draw_nothing_are_not_counted_against_the_graph():
    # Numbers alone are folded into one constant, and +a is a itself: neither adds a node.
    folded = " + ".join(["w1"] * 30) + " + " + " * ".join(["2"] * 20)
    result = demo_result(POINT, folded)
    assert operations_drawn(result["dot"]) == 30


@pytest.mark.parametrize(
    "field, typed",
    [("w1", "1" * 10**6 + "x"), ("x2", "9" * 10**6), ("w2", "€" * 5000)],
)
def test_a_long_input_is_quoted_shortened_with_its_length(field, typed):
    with pytest.raises(InputError) as error:
        read_point({**POINT, field: typed})
    message = str(error.value)
    assert len(message) < 200 and message.startswith(f"{field}: ")
    assert f"… ({len(typed)} characters)" in message
    assert typed[:40] in message


@pytest.mark.parametrize(
    "text, shown",
    [
        ("w1 * '" + "a" * 900 + "'", "the constant '" + "a" * 40 + "'… (900 characters)"),
        ("w1 * " + "y" * 900, "the name '" + "y" * 40 + "'… (900 characters)"),
        ("w1." + "q" * 900 + "()", "the method ." + "q" * 40 + "… (900 characters)()"),
        ("w1." + "q" * 900, "the attribute ." + "q" * 40 + "… (900 characters)"),
        ("g" * 900 + "(w1)", "the function " + "g" * 40 + "… (900 characters)()"),
        ("_" + "z" * 900 + " = w1\nw1", "the name _" + "z" * 39 + "… (901 characters) starts with _"),
        ("t" + "1" * 900 + " = w1\nw1", "t" + "1" * 39 + "… (901 characters) is how the trace"),
        ("a = " + "b" * 450 + "\n" + "b" * 450 + " = w1\na", "… (450 characters) is used before it is assigned"),
        ("r" * 400 + " = w1\n" + "r" * 400 + " = w2\nw1", "… (400 characters) is assigned twice"),
    ],
)
def test_long_names_and_constants_are_quoted_shortened(text, shown):
    assert len(text) <= MAX_LENGTH
    with pytest.raises(ExpressionError) as error:
        evaluate(text, POINT)
    message = str(error.value)
    assert shown in message
    assert len(message) < 300


def test_demo_model_examples_hold():
    """docs/demo/ is not under pytest's doctest paths: run the model's examples here."""
    failed, attempted = doctest.testmod(demo_model)
    assert attempted > 0 and failed == 0
