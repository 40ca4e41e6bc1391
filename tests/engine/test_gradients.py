"""Every op's gradient against central finite differences, on random expression graphs."""

import math
import operator

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from autograd import OPS, Value
from autograd.gradcheck import GradcheckError, gradcheck

SCALAR_OPS = {name: op for name, op in OPS.items() if "Value" in op.engines}
UNARY = [name for name, op in SCALAR_OPS.items() if op.arity == 1 and name != "pow"]  # clip: fixed bounds
BINARY = [name for name, op in SCALAR_OPS.items() if op.arity == 2]
EXPONENTS = [2, 3, -1, 0.5, -1.5]


class Conditioning(Exception):
    """The random program reached a point where finite differences are unreliable."""


def apply(name, a, b=None):
    """Apply registry op ``name`` through the Value API, refusing ill-conditioned points."""
    if name == "relu" and abs(a.data) < 1e-3:
        raise Conditioning  # the kink: finite differences straddle it
    if name in ("log", "div", "sqrt") and abs((b if name == "div" else a).data) < 1e-2:
        raise Conditioning  # near a pole the derivative is too steep to difference
    if name == "abs" and abs(a.data) < 1e-3:
        raise Conditioning  # the kink
    if name == "clip" and min(abs(a.data - 0.5), abs(a.data + 0.5)) < 1e-3:
        raise Conditioning  # the corners
    if name == "pow":
        if abs(a.data) < 1e-2:
            raise Conditioning
        return a ** b
    return VALUE_API[name](a) if b is None else VALUE_API[name](a, b)


# How each registry op is spelled on Values.
VALUE_API = {
    "add": operator.add, "sub": operator.sub, "mul": operator.mul, "div": operator.truediv,
    "pow": operator.pow, "neg": operator.neg, "exp": Value.exp, "log": Value.log,
    "relu": Value.relu, "tanh": Value.tanh, "sigmoid": Value.sigmoid,
    "abs": Value.abs, "sqrt": Value.sqrt, "clip": lambda a: a.clip(-0.5, 0.5),
}


# A program is a list of instructions; each reads any earlier node, so nodes get reused.
instruction = st.one_of(
    st.tuples(st.sampled_from(UNARY), st.integers(0, 10**6)),
    st.tuples(st.sampled_from(BINARY), st.integers(0, 10**6), st.integers(0, 10**6)),
    st.tuples(st.just("pow"), st.integers(0, 10**6), st.sampled_from(EXPONENTS)),
)


def run(program, leaves):
    nodes = list(leaves)
    for name, *args in program:
        a = nodes[args[0] % len(nodes)]
        if name == "pow":
            out = apply(name, a, args[1])
        elif len(args) == 2:
            out = apply(name, a, nodes[args[1] % len(nodes)])
        else:
            out = apply(name, a)
        if abs(out.data) > 1e3:
            raise Conditioning
        nodes.append(out)
    # Sum the last few nodes so that several paths reach the result.
    total = nodes[-1]
    for node in nodes[-4:-1]:
        total = total + node
    return total


@settings(max_examples=300, deadline=None)
@given(
    program=st.lists(instruction, min_size=1, max_size=12),
    point=st.lists(st.floats(-2.0, 2.0), min_size=3, max_size=3),
)
def test_random_graphs_match_finite_differences(program, point):
    def f(*leaves):
        return run(program, leaves)

    try:
        # Both f(x ± eps) runs must stay well conditioned too, so probe them first.
        for shift in (-1e-5, 0.0, 1e-5):
            f(*[Value(x + shift) for x in point])
    except (Conditioning, ArithmeticError, ValueError):
        assume(False)
    result = gradcheck(f, point, eps=1e-6, atol=1e-5, rtol=1e-4)
    assert result.ok, result


@pytest.mark.parametrize("name", UNARY)
def test_each_unary_op_matches_finite_differences(name):
    for x in (-1.3, -0.2, 0.4, 1.7):
        if name in ("log", "sqrt"):
            x = abs(x)
        assert gradcheck(VALUE_API[name], [x], raise_on_failure=True).ok


@pytest.mark.parametrize("name", BINARY)
def test_each_binary_op_matches_finite_differences(name):
    for a, b in ((-1.3, 0.7), (0.4, -2.1), (1.7, 1.1)):
        result = gradcheck(lambda x, y: apply(name, x, y), [a, b], raise_on_failure=True)
        assert result.max_abs_error < 1e-7


@pytest.mark.parametrize("exponent", EXPONENTS)
def test_pow_matches_finite_differences(exponent):
    assert gradcheck(lambda a: a ** exponent, [1.3], raise_on_failure=True).ok


def test_every_registry_op_of_the_scalar_engine_is_covered_by_these_tests():
    assert set(VALUE_API) == set(SCALAR_OPS)


def test_gradcheck_reports_a_wrong_gradient():
    point = [1.5]
    result = gradcheck(lambda a: a * a, point)
    assert result.ok and math.isclose(result.analytic[0], 3.0)

    def sneaky(a):
        # Numerically a*a, but the graph only sees a * 1.5: the engine's gradient is 1.5.
        return a * Value(a.data)

    bad = gradcheck(sneaky, point)
    assert not bad.ok and bad.max_abs_error == pytest.approx(1.5, rel=1e-6)
    with pytest.raises(GradcheckError, match=r"gradient of input 0 \(at 1.5\) disagrees: engine 1.5"):
        gradcheck(sneaky, point, raise_on_failure=True)
