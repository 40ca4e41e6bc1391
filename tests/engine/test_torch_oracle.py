"""PyTorch as the oracle: random programs run on both engines and on torch, value by value, gradient by gradient.

Hypothesis writes random programs over leaves of random, mutually broadcastable
shapes. Each step applies one op to an earlier node (or to a fresh leaf or a
constant), on the Tensor engine and on torch side by side, and the step's value
is compared at once. At the end a random weighting of several nodes,
``sum((node * w).sum())`` with fixed random ``w``, is backpropagated on both,
and the gradient of every node (leaves and intermediates) is compared.

A failing example prints its program as runnable engine code (``note``).

Each op kind has its own test, whose programs all contain that op one to three
times, so a defect fails the test named after it. Inputs stay inside each op's
domain (log, div and fractional or negative powers of positive-ish values),
away from relu's kink and from ties of max, where two correct engines may
legitimately differ.

Then the scalar engine (``Value``) against torch float64 scalars; tables that
check every matmul shape case, indexing form and reduction axis once; and
table-driven regression tests for defects found earlier (negative transpose
axes, boolean-mask and float index Tensors, sigmoid's tails against the exact
value, the gradient of x ** 0 at 0).

Without torch this module is skipped, except under ``CI=true``, where that is
an error: CI installs torch from requirements-test.txt.
"""

from __future__ import annotations

import itertools
import math
import os
from decimal import Decimal, localcontext

import numpy as np
import pytest
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

if os.environ.get("CI") == "true":
    try:
        import torch
    except ImportError as error:  # a failure, not a skip: CI must run the oracle
        raise ImportError(
            "torch is not installed, but CI=true: CI must run the PyTorch oracle "
            "(install torch==2.13.0 from requirements-test.txt)"
        ) from error
else:
    torch = pytest.importorskip("torch")

import autograd  # noqa: E402
from autograd import Value  # noqa: E402
from autograd.tensor import Tensor, cross_entropy, log_softmax  # noqa: E402

F = torch.nn.functional

TENSOR_PROGRAMS = 30  # random programs per (op, precision) test
VALUE_PROGRAMS = 40  # random programs per op test of the scalar engine


def oracle_settings(max_examples):
    """Deterministic (derandomize) so that CI runs the same programs every time."""
    return settings(
        max_examples=max_examples, deadline=None, derandomize=True, database=None, print_blob=False,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
    )


# --- precisions ----------------------------------------------------------------------------


class Precision:
    """A dtype on both sides and how closely the engines must agree in it."""

    def __init__(self, name, tol, gap):
        self.name = name
        self.numpy = np.dtype(name)
        self.torch = getattr(torch, name)
        self.tol = tol  # rtol, and atol per unit of the array's magnitude (at least 1)
        self.gap = gap  # relative distance that keeps a relu input or a max decision the same on both sides

    def __repr__(self):
        return self.name


FLOAT64 = Precision("float64", tol=1e-9, gap=1e-6)
FLOAT32 = Precision("float32", tol=2e-3, gap=1e-2)
PRECISIONS = [FLOAT64, FLOAT32]

LIMIT = 1e3  # a node whose torch value is larger (or not finite) is not used further


def assert_close(what, ours, theirs, precision, listing=""):
    """ours (numpy) equals theirs (numpy) in shape, dtype and value, up to precision.tol."""
    ours, theirs = np.asarray(ours), np.asarray(theirs)
    scale = max(1.0, float(np.max(np.abs(theirs)))) if theirs.size else 1.0
    np.testing.assert_allclose(
        ours, theirs, rtol=precision.tol, atol=precision.tol * scale, strict=True,
        err_msg=f"{what}: engine != torch\n{listing}",
    )


def well_conditioned(values: np.ndarray) -> bool:
    return values.size > 0 and bool(np.all(np.isfinite(values))) and float(np.max(np.abs(values))) <= LIMIT


# --- a program on both engines ------------------------------------------------------------------


class Node:
    """One value of the program, on the engine (``ours``) and on torch (``theirs``)."""

    __slots__ = ("name", "ours", "theirs", "is_leaf")

    def __init__(self, name, ours, theirs, is_leaf):
        self.name, self.ours, self.theirs, self.is_leaf = name, ours, theirs, is_leaf

    def __repr__(self):
        return self.name

    @property
    def data(self) -> np.ndarray:
        return self.ours.data

    @property
    def shape(self):
        return self.ours.shape

    @property
    def ndim(self):
        return self.ours.ndim


def array_source(array: np.ndarray) -> str:
    return f"np.array({array.tolist()!r}, np.{array.dtype})"


class Program:
    """Builds a program step by step on both sides, checking each value; keeps its source for reports."""

    def __init__(self, precision: Precision):
        self.precision = precision
        self.nodes: list[Node] = []
        self.lines = [
            "import numpy as np",
            "from autograd.tensor import Tensor, cross_entropy, log_softmax",
        ]

    def listing(self) -> str:
        return "\n".join(self.lines)

    def leaf(self, array) -> Node:
        array = np.array(array, dtype=self.precision.numpy)
        name = f"x{len(self.nodes)}"
        self.lines.append(f"{name} = Tensor({array_source(array)}, requires_grad=True)")
        node = Node(name, Tensor(array.copy(), requires_grad=True), torch.tensor(array, requires_grad=True), True)
        self.nodes.append(node)
        return node

    def constant(self, array):
        """A constant array operand: (numpy for the engine, torch tensor, source)."""
        array = np.array(array, dtype=self.precision.numpy)
        return array, torch.from_numpy(array.copy()), array_source(array)

    def record(self, expression: str, ours, theirs) -> Node | None:
        """Run one step, given as its source and a thunk for each side, and check its value.

        Returns its node, or None (the node is not used further) if torch's value is ill-conditioned.
        Where torch's value is not finite the engine is not run: it may refuse such a result.
        """
        name = f"n{len(self.nodes)}"
        self.lines.append(f"{name} = {expression}")
        theirs = theirs()
        expected = theirs.detach().numpy()
        if not np.all(np.isfinite(expected)):
            self.lines[-1] += "  # not finite in torch: not run"
            return None
        ours = ours()
        assert isinstance(ours, Tensor), f"{name} is a {type(ours).__name__}, not a Tensor\n{self.listing()}"
        assert_close(f"value of {name}", ours.data, expected, self.precision, self.listing())
        if not well_conditioned(expected):
            self.lines[-1] += "  # ill-conditioned: not used further"
            return None
        if not theirs.is_leaf:
            theirs.retain_grad()
        node = Node(name, ours, theirs, False)
        self.nodes.append(node)
        return node

    def pick(self, data, where=lambda node: True, label="input", prefer=None) -> Node | None:
        """A node that satisfies ``where``; one that also satisfies ``prefer`` if there is any."""
        candidates = [node for node in self.nodes if where(node)]
        if prefer is not None:
            candidates = [node for node in candidates if prefer(node)] or candidates
        return data.draw(st.sampled_from(candidates), label=label) if candidates else None

    def positive(self, node: Node, low: float) -> Node | None:
        """``node`` if all its elements are >= low, else sigmoid(node) + 0.5, which lies in (0.5, 1.5)."""
        if float(node.data.min()) >= low:
            return node
        return self.record(f"{node}.sigmoid() + 0.5",
                           lambda: node.ours.sigmoid() + 0.5, lambda: torch.sigmoid(node.theirs) + 0.5)

    def away_from_zero(self, node: Node, low: float = 0.25) -> Node | None:
        if float(np.abs(node.data).min()) >= low:
            return node
        return self.positive(node, low)

    def stable_sign(self, node: Node) -> bool:
        """No element so close to 0 that rounding could put it on the other side of relu's kink.

        A leaf's zeros are exactly 0 on both sides, so they test relu's gradient at 0 itself.
        """
        values = np.abs(node.data)
        if node.is_leaf:
            values = values[values != 0]
        return values.size == 0 or float(values.min()) > self.precision.gap * max(1.0, float(values.max()))

    def backward(self, data) -> None:
        """Backpropagate a random weighting of the last node and a few others; compare every gradient."""
        results = [node for node in self.nodes if not node.is_leaf]
        if not results:
            return
        others = data.draw(st.lists(st.sampled_from(results), max_size=3, unique_by=id), label="also in the loss")
        outputs = [results[-1]] + [node for node in others if node is not results[-1]]
        rng = np.random.default_rng(len(self.nodes))
        ours = theirs = None
        terms = []
        for i, node in enumerate(outputs):
            w = rng.uniform(-1.0, 1.0, size=node.shape).astype(self.precision.numpy)
            self.lines.append(f"w{i} = {array_source(w)}")
            terms.append(f"({node} * Tensor(w{i})).sum()")
            term_ours = (node.ours * Tensor(w)).sum()
            term_theirs = (node.theirs * torch.from_numpy(w)).sum()
            ours = term_ours if ours is None else ours + term_ours
            theirs = term_theirs if theirs is None else theirs + term_theirs
        self.lines.append("loss = " + " + ".join(terms))
        self.lines.append("loss.backward()")
        assert_close("loss", ours.data, theirs.detach().numpy(), self.precision, self.listing())
        ours.backward()
        theirs.backward()
        for node in self.nodes:
            expected = node.theirs.grad
            if expected is None:
                assert node.ours.grad is None, f"{node}.grad should be None, as in torch\n{self.listing()}"
                continue
            assert node.ours.grad is not None, f"{node}.grad is None; torch has one\n{self.listing()}"
            assert_close(f"{node}.grad", node.ours.grad, expected.numpy(), self.precision, self.listing())


def values(precision, elements=None):
    width = 32 if precision is FLOAT32 else 64
    return st.floats(-2.0, 2.0, width=width) if elements is None else elements


def leaf_arrays(precision, shape, elements=None, unique=False):
    return hnp.arrays(precision.numpy, shape, elements=values(precision, elements), unique=unique)


# Multiples of 1/32 in ±[0.125, 2]: exact in float32, away from zero, and (drawn unique) far from ties,
# so every step applies to a leaf of them.
SAFE = (st.integers(4, 64) | st.integers(-64, -4)).map(lambda k: k / 32)


# --- the steps: each applies one op on both sides, or returns None where it does not apply --------

SYMBOLS = {"add": "+", "sub": "-", "mul": "*", "div": "/"}
ARITHMETIC = {
    "add": lambda a, b: a + b, "sub": lambda a, b: a - b, "mul": lambda a, b: a * b, "div": lambda a, b: a / b,
}


def broadcastable(a, b) -> bool:
    try:
        np.broadcast_shapes(a, b)
        return True
    except ValueError:
        return False


def binary_step(name):
    op, symbol = ARITHMETIC[name], SYMBOLS[name]

    def step(data, prog, a=None):
        a = a or prog.pick(data)
        kind = data.draw(st.sampled_from(["node", "number", "array"]), label="other operand")
        swap = data.draw(st.booleans(), label="other operand on the left")
        if kind == "node":
            b = prog.pick(data, lambda n: broadcastable(n.shape, a.shape), label="other operand")
            left, right = (b, a) if swap else (a, b)
            if name == "div":
                right = prog.away_from_zero(right)
                if right is None:
                    return None
            return prog.record(f"{left} {symbol} {right}",
                               lambda: op(left.ours, right.ours), lambda: op(left.theirs, right.theirs))
        if name == "div" and swap:  # a is the denominator
            a = prog.away_from_zero(a)
            if a is None:
                return None
        if kind == "number":
            c = data.draw(st.sampled_from([2.0, -0.5, 3, 0.25, -1.5]), label="number")
            if swap:
                return prog.record(f"{c!r} {symbol} {a}", lambda: op(c, a.ours), lambda: op(c, a.theirs))
            return prog.record(f"{a} {symbol} {c!r}", lambda: op(a.ours, c), lambda: op(a.theirs, c))
        shape = data.draw(hnp.broadcastable_shapes(a.shape, min_dims=0, max_dims=3, max_side=3), label="shape")
        elements = SAFE if name == "div" and not swap else None
        ours_c, theirs_c, source = prog.constant(data.draw(leaf_arrays(prog.precision, shape, elements)))
        if swap:
            return prog.record(f"{source} {symbol} {a}", lambda: op(ours_c, a.ours), lambda: op(theirs_c, a.theirs))
        return prog.record(f"{a} {symbol} {source}", lambda: op(a.ours, ours_c), lambda: op(a.theirs, theirs_c))

    return step


def unary_step(name):
    def step(data, prog, a=None):
        a = a or prog.pick(data)
        if name == "exp" and float(a.data.max()) > 6.0:
            return None
        if name == "relu" and not prog.stable_sign(a):
            return None
        if name == "log":
            a = prog.positive(a, 0.1)
            if a is None:
                return None
        if name == "neg":
            return prog.record(f"-{a}", lambda: -a.ours, lambda: -a.theirs)
        return prog.record(f"{a}.{name}()", lambda: getattr(a.ours, name)(), lambda: getattr(torch, name)(a.theirs))

    return step


EXPONENTS = [2, 3, 0, 1, -1, 0.5, -1.5, 2.5, 0.0, -2]


def draw_exponent(data, prog, a):
    """An exponent n, and ``a`` moved to where ``a ** n`` is real and finite (None if it cannot be);
    for either program (``prog``'s away_from_zero and positive move its kind of node)."""
    n = data.draw(st.sampled_from(EXPONENTS), label="exponent")
    if n < 0:
        a = prog.away_from_zero(a) if float(n).is_integer() else prog.positive(a, 0.25)
    elif not float(n).is_integer():
        a = prog.positive(a, 0.25)
    return n, a


def pow_step(data, prog, a=None):
    n, a = draw_exponent(data, prog, a or prog.pick(data))
    if a is None:
        return None
    return prog.record(f"{a} ** {n!r}", lambda: a.ours ** n, lambda: a.theirs ** n)


def draw_axis(data, ndim, tuples):
    """None, an int (maybe negative), or (if tuples) a tuple of distinct axes, each maybe negative."""
    kinds = ["none"] + (["int"] if ndim else []) + (["tuple"] if ndim and tuples else [])
    kind = data.draw(st.sampled_from(kinds), label="axis kind")
    if kind == "none":
        return None
    if kind == "int":
        return data.draw(st.integers(-ndim, ndim - 1), label="axis")
    axes = data.draw(st.lists(st.integers(0, ndim - 1), min_size=1, max_size=ndim, unique=True), label="axes")
    negative = data.draw(st.lists(st.booleans(), min_size=len(axes), max_size=len(axes)), label="negative")
    return tuple(a - ndim if neg else a for a, neg in zip(axes, negative))


def all_dims(ndim):
    return tuple(range(ndim))


def reduction_step(name):
    def step(data, prog, a=None):
        a = a or prog.pick(data, prefer=lambda n: n.data.size >= 2)
        axis = draw_axis(data, a.ndim, tuples=True)
        keepdims = data.draw(st.booleans(), label="keepdims")
        dims = all_dims(a.ndim) if axis is None else axis

        def theirs():
            if dims == ():  # a 0-d tensor: torch reads dim=() as "all", which is the only answer here anyway
                return getattr(a.theirs, name)()
            return getattr(a.theirs, name)(dim=dims, keepdim=keepdims)

        return prog.record(f"{a}.{name}(axis={axis!r}, keepdims={keepdims})",
                           lambda: getattr(a.ours, name)(axis=axis, keepdims=keepdims), theirs)

    return step


def no_ties(values: np.ndarray, axis, gap: float) -> bool:
    """The largest element along ``axis`` beats the runner-up clearly, so both engines pick it."""
    flat = values.reshape(-1, 1) if axis is None else np.moveaxis(values, axis, 0)
    if flat.shape[0] < 2:
        return True
    top = np.sort(flat, axis=0)[-2:]
    return bool(np.all(top[1] - top[0] > gap * max(1.0, float(np.max(np.abs(values))))))


def max_step(data, prog, a=None):
    a = a or prog.pick(data, prefer=lambda n: n.data.size >= 2)
    axis = draw_axis(data, a.ndim, tuples=False)
    keepdims = data.draw(st.booleans(), label="keepdims")
    if not no_ties(a.data, axis, prog.precision.gap):
        return None

    def theirs():
        if axis is None and (not keepdims or a.ndim == 0):
            return a.theirs.max()
        return torch.amax(a.theirs, dim=all_dims(a.ndim) if axis is None else axis, keepdim=keepdims)

    return prog.record(f"{a}.max(axis={axis!r}, keepdims={keepdims})",
                       lambda: a.ours.max(axis=axis, keepdims=keepdims), theirs)


def shapes_of_size(size, max_dims=4):
    """Every shape of at most max_dims axes with this many elements (size >= 1)."""
    shapes = [()] if size == 1 else []
    for ndim in range(1, max_dims + 1):
        for shape in itertools.product(range(1, size + 1), repeat=ndim):
            if math.prod(shape) == size:
                shapes.append(shape)
    return shapes


def reshape_step(data, prog, a=None):
    a = a or prog.pick(data, prefer=lambda n: n.data.size >= 2)
    shape = data.draw(st.sampled_from(shapes_of_size(a.data.size, max_dims=3 if a.data.size > 12 else 4)),
                      label="new shape")
    if shape and data.draw(st.booleans(), label="infer one axis"):
        i = data.draw(st.integers(0, len(shape) - 1), label="inferred axis")
        shape = shape[:i] + (-1,) + shape[i + 1:]
    if shape and data.draw(st.booleans(), label="as separate arguments"):
        return prog.record(f"{a}.reshape({', '.join(map(str, shape))})",
                           lambda: a.ours.reshape(*shape), lambda: a.theirs.reshape(shape))
    return prog.record(f"{a}.reshape({shape!r})", lambda: a.ours.reshape(shape), lambda: a.theirs.reshape(shape))


def draw_permutation(data, ndim):
    order = data.draw(st.permutations(range(ndim)), label="axes")
    negative = data.draw(st.lists(st.booleans(), min_size=ndim, max_size=ndim), label="negative")
    return tuple(a - ndim if neg else a for a, neg in zip(order, negative))


def transpose_step(data, prog, a=None):
    a = a or prog.pick(data, prefer=lambda n: n.ndim >= 2)
    form = data.draw(st.sampled_from(["reversed", ".T", "tuple", "arguments"]), label="transpose form")
    reverse = tuple(reversed(range(a.ndim)))
    if form == "reversed":
        return prog.record(f"{a}.transpose()", lambda: a.ours.transpose(), lambda: a.theirs.permute(reverse))
    if form == ".T":
        return prog.record(f"{a}.T", lambda: a.ours.T, lambda: a.theirs.permute(reverse))
    order = draw_permutation(data, a.ndim)
    if form == "tuple":
        return prog.record(f"{a}.transpose({order!r})",
                           lambda: a.ours.transpose(order), lambda: a.theirs.permute(order))
    return prog.record(f"{a}.transpose({', '.join(map(str, order))})",
                       lambda: a.ours.transpose(*order), lambda: a.theirs.permute(order))


def matmul_shape(a, b):
    try:
        return np.matmul(np.zeros(a), np.zeros(b)).shape
    except ValueError:
        return None


def matmul_step(data, prog, a=None):
    a = a or prog.pick(data, lambda n: n.ndim >= 1)
    if a is None or a.ndim == 0:
        return None
    a_on_left = data.draw(st.booleans(), label="a on the left")
    inner = a.shape[-1] if a_on_left else (a.shape[0] if a.ndim == 1 else a.shape[-2])
    kind = data.draw(st.sampled_from(["vector", "matrix", "batched"]), label="other operand")
    m = data.draw(st.integers(1, 3), label="other side")
    if kind == "vector":
        shape = (inner,)
    else:
        batch = ()
        if kind == "batched":
            batch = data.draw(hnp.broadcastable_shapes(a.shape[:-2], min_dims=1, max_dims=2, max_side=3), label="batch")
        shape = batch + ((inner, m) if a_on_left else (m, inner))

    def compatible(n):
        return matmul_shape(*((a.shape, n.shape) if a_on_left else (n.shape, a.shape))) is not None

    source = data.draw(st.sampled_from(["leaf", "constant", "node"]), label="other operand is")
    if source == "node" and any(compatible(n) for n in prog.nodes):
        b = prog.pick(data, compatible, label="other operand")
        b_ours, b_theirs, b_source = b.ours, b.theirs, b.name
    elif source == "constant":
        b_ours, b_theirs, b_source = prog.constant(data.draw(leaf_arrays(prog.precision, shape)))
    else:
        b = prog.leaf(data.draw(leaf_arrays(prog.precision, shape)))
        b_ours, b_theirs, b_source = b.ours, b.theirs, b.name
    if a_on_left:
        return prog.record(f"{a} @ {b_source}", lambda: a.ours @ b_ours, lambda: a.theirs @ b_theirs)
    return prog.record(f"{b_source} @ {a}", lambda: b_ours @ a.ours, lambda: b_theirs @ a.theirs)


# --- indexing ----------------------------------------------------------------------------------


def index_source(index) -> str:
    if isinstance(index, tuple):
        return ", ".join(index_source(i) for i in index) + ("," if len(index) == 1 else "")
    if isinstance(index, slice):
        parts = ["" if v is None else str(v) for v in (index.start, index.stop, index.step)]
        return ":".join(parts[:2]) + (f":{parts[2]}" if index.step is not None else "")
    if isinstance(index, Tensor):  # the harness makes Tensor indices from boolean masks only
        return f"Tensor(np.array({index.data.astype(bool).tolist()!r}))"
    if isinstance(index, np.ndarray):
        return f"np.array({index.tolist()!r})"
    return repr(index)


def torch_index(index):
    if isinstance(index, tuple):
        return tuple(torch_index(i) for i in index)
    if isinstance(index, Tensor):  # the harness makes Tensor indices from boolean masks only
        return torch.from_numpy(index.data.astype(bool))
    if isinstance(index, np.ndarray):
        return torch.from_numpy(index.copy())
    if isinstance(index, list):
        return torch.tensor(index)
    return index


def draw_slice(data, n):
    start = data.draw(st.none() | st.integers(-n, n), label="start")
    stop = data.draw(st.none() | st.integers(-n, n), label="stop")
    step = data.draw(st.sampled_from([None, 1, 2]), label="step")
    if not range(n)[slice(start, stop, step)]:
        return slice(None, None, step)
    return slice(start, stop, step)


def draw_int_array(data, n, size=None):
    """Integer indices into an axis of length n, negative ones too, with repeats, as a list or an array."""
    size = size or data.draw(st.integers(1, 5), label="how many")
    picks = data.draw(st.lists(st.integers(-n, n - 1), min_size=size, max_size=size), label="indices")
    return picks if data.draw(st.booleans(), label="as a list") else np.array(picks)


def draw_mask(data, shape):
    mask = data.draw(hnp.arrays(np.bool_, shape), label="mask")
    if not mask.any():
        mask.flat[0] = True
    return mask


def draw_index(data, shape):
    kinds = ["int", "slice", "int array", "bool array", "bool Tensor", "tuple"]
    kind = data.draw(st.sampled_from(kinds), label="index kind")
    n = shape[0]
    if kind == "int":
        return data.draw(st.integers(-n, n - 1), label="index")
    if kind == "slice":
        return draw_slice(data, n)
    if kind == "int array":
        return draw_int_array(data, n)
    if kind in ("bool array", "bool Tensor"):
        mask = draw_mask(data, shape[: data.draw(st.integers(1, len(shape)), label="mask axes")])
        return Tensor(mask) if kind == "bool Tensor" else mask
    # A tuple over the first k axes: ints and slices, or int arrays (all of one length) and slices.
    # (numpy and torch place the result's axes differently when an int and an array are split by a slice.)
    k = data.draw(st.integers(1, len(shape)), label="indexed axes")
    if data.draw(st.booleans(), label="advanced"):
        length = data.draw(st.integers(1, 3), label="index length")
        parts = data.draw(st.lists(st.booleans(), min_size=k, max_size=k), label="array or slice")
        if not any(parts):
            parts[0] = True
        return tuple(draw_int_array(data, shape[i], length) if is_array else draw_slice(data, shape[i])
                     for i, is_array in enumerate(parts))
    parts = data.draw(st.lists(st.booleans(), min_size=k, max_size=k), label="int or slice")
    return tuple(data.draw(st.integers(-shape[i], shape[i] - 1), label="index") if is_int
                 else draw_slice(data, shape[i])
                 for i, is_int in enumerate(parts))


def index_step(data, prog, a=None):
    a = a or prog.pick(data, lambda n: n.ndim >= 1, prefer=lambda n: n.data.size >= 2)
    if a is None or a.ndim == 0:
        return None
    index = draw_index(data, a.shape)
    return prog.record(f"{a}[{index_source(index)}]", lambda: a.ours[index], lambda: a.theirs[torch_index(index)])


# --- softmax family and cross-entropy ----------------------------------------------------------------


def softmax_step(name):
    def step(data, prog, a=None):
        a = a or prog.pick(data, lambda n: n.ndim >= 1, prefer=lambda n: n.data.size >= 2)
        if a is None or a.ndim == 0:
            return None
        forms = ["default", "positional", "keyword"] + (["function"] if name == "log_softmax" else [])
        form = data.draw(st.sampled_from(forms), label="call form")
        axis = -1 if form == "default" else data.draw(st.integers(-a.ndim, a.ndim - 1), label="axis")
        theirs = getattr(torch, name)(a.theirs, dim=axis)
        if form == "default":
            return prog.record(f"{a}.{name}()", lambda: getattr(a.ours, name)(), lambda: theirs)
        if form == "positional":
            return prog.record(f"{a}.{name}({axis})", lambda: getattr(a.ours, name)(axis), lambda: theirs)
        if form == "keyword":
            return prog.record(f"{a}.{name}(axis={axis})", lambda: getattr(a.ours, name)(axis=axis), lambda: theirs)
        return prog.record(f"log_softmax({a}, {axis})", lambda: log_softmax(a.ours, axis), lambda: theirs)

    return step


def cross_entropy_step(data, prog, a=None):
    a = a or prog.pick(data, prefer=lambda n: n.data.size >= 2)
    if a.ndim != 2:  # make it (rows, classes) first
        x = a
        rows_first = x.ndim >= 1 and data.draw(st.booleans(), label="keep the last axis as classes")
        shape = (-1, x.shape[-1]) if rows_first else (1, -1)
        a = prog.record(f"{x}.reshape{shape!r}", lambda: x.ours.reshape(shape), lambda: x.theirs.reshape(shape))
        if a is None:
            return None
    rows, classes = a.shape
    labels = data.draw(st.lists(st.integers(0, classes - 1), min_size=rows, max_size=rows), label="labels")
    if data.draw(st.booleans(), label="labels as an array"):
        labels = np.array(labels, dtype=data.draw(st.sampled_from([np.int64, np.int32]), label="label dtype"))
    eps = data.draw(st.sampled_from([0.0, 1e-6, 0.1]), label="eps")
    target = torch.as_tensor(np.asarray(labels, dtype=np.int64))
    if eps == 0:
        theirs = F.cross_entropy(a.theirs, target)
    else:
        theirs = -torch.log(torch.softmax(a.theirs, dim=1)[torch.arange(rows), target] + eps).mean()
    if isinstance(labels, list):
        label_source = repr(labels)
    else:
        label_source = f"np.array({labels.tolist()!r}, np.{labels.dtype})"
    if eps == 0 and data.draw(st.booleans(), label="eps left out"):
        return prog.record(f"cross_entropy({a}, {label_source})",
                           lambda: autograd.cross_entropy(a.ours, labels), lambda: theirs)
    return prog.record(f"cross_entropy({a}, {label_source}, eps={eps!r})",
                       lambda: cross_entropy(a.ours, labels, eps=eps), lambda: theirs)


STEPS = {
    **{name: binary_step(name) for name in ("add", "sub", "mul", "div")},
    **{name: unary_step(name) for name in ("neg", "exp", "log", "relu", "tanh", "sigmoid")},
    "pow": pow_step,
    "sum": reduction_step("sum"),
    "mean": reduction_step("mean"),
    "max": max_step,
    "reshape": reshape_step,
    "transpose": transpose_step,
    "matmul": matmul_step,
    "index": index_step,
    "softmax": softmax_step("softmax"),
    "log_softmax": softmax_step("log_softmax"),
    "cross_entropy": cross_entropy_step,
}


def run_program(data, precision, focus, steps=STEPS):
    """A random program that applies ``focus`` one to three times, checked value by value, then its gradients."""
    prog = Program(precision)
    try:
        count = data.draw(st.integers(1, 3), label="leaves")
        shapes = data.draw(hnp.mutually_broadcastable_shapes(num_shapes=count, min_dims=1, max_dims=3, max_side=3),
                           label="leaf shapes").input_shapes
        if data.draw(st.sampled_from([False, False, False, True]), label="a 0-d leaf too"):
            shapes += ((),)
        for shape in shapes:
            prog.leaf(data.draw(leaf_arrays(precision, shape), label="leaf"))
        kinds = data.draw(st.lists(st.sampled_from(sorted(steps)), max_size=6), label="other steps")
        for _ in range(data.draw(st.integers(1, 3), label="focus steps")):
            kinds.insert(data.draw(st.integers(0, len(kinds)), label="focus position"), focus)
        for kind in kinds:
            if steps[kind](data, prog) is None and kind == focus:
                # It did not apply to the node it drew (a domain, a kink, a tie): apply it to a safe fresh leaf.
                shape = data.draw(hnp.array_shapes(min_dims=1, max_dims=3, max_side=3), label="safe leaf shape")
                leaf = prog.leaf(data.draw(leaf_arrays(precision, shape, SAFE, unique=True), label="safe leaf"))
                assert steps[kind](data, prog, leaf) is not None, f"the harness could not apply {kind}"
        prog.backward(data)
    except BaseException:
        note(prog.listing())
        raise


KINDS = sorted(STEPS)


@pytest.mark.parametrize("precision", PRECISIONS, ids=str)
@pytest.mark.parametrize("focus", KINDS)
@oracle_settings(max_examples=TENSOR_PROGRAMS)
@given(data=st.data())
def test_tensor_programs_match_torch(focus, precision, data):
    run_program(data, precision, focus)


# --- the scalar engine ----------------------------------------------------------------------------


class ScalarProgram:
    """A program on Values and torch float64 scalars."""

    def __init__(self):
        self.nodes = []  # (name, Value, torch tensor, is_leaf)
        self.lines = ["from autograd import Value"]

    def listing(self):
        return "\n".join(self.lines)

    def leaf(self, x):
        name = f"x{len(self.nodes)}"
        self.lines.append(f"{name} = Value({x!r})")
        node = (name, Value(x), torch.tensor(x, dtype=torch.float64, requires_grad=True), True)
        self.nodes.append(node)
        return node

    def record(self, expression, ours, theirs):
        """As Program.record."""
        name = f"n{len(self.nodes)}"
        self.lines.append(f"{name} = {expression}")
        theirs = theirs()
        expected = theirs.item()
        if not math.isfinite(expected):
            self.lines[-1] += "  # not finite in torch: not run"
            return None
        ours = ours()
        assert isinstance(ours, Value), f"{name} is a {type(ours).__name__}\n{self.listing()}"
        assert_close(f"value of {name}", ours.data, expected, FLOAT64, self.listing())
        if abs(expected) > LIMIT:
            self.lines[-1] += "  # ill-conditioned: not used further"
            return None
        theirs.retain_grad()
        node = (name, ours, theirs, False)
        self.nodes.append(node)
        return node

    def positive(self, node, low):
        name, ours, theirs, _ = node
        if ours.data >= low:
            return node
        return self.record(f"{name}.sigmoid() + 0.5",
                           lambda: ours.sigmoid() + 0.5, lambda: torch.sigmoid(theirs) + 0.5)

    def away_from_zero(self, node, low=0.25):
        return node if abs(node[1].data) >= low else self.positive(node, low)


def scalar_step(data, prog, kind, a=None):
    a = a or data.draw(st.sampled_from(prog.nodes), label="input")
    if kind in ARITHMETIC:
        op, symbol = ARITHMETIC[kind], SYMBOLS[kind]
        other = data.draw(st.sampled_from(["node", "number"]), label="other operand")
        swap = data.draw(st.booleans(), label="other operand on the left")
        if other == "node":
            b = data.draw(st.sampled_from(prog.nodes), label="other operand")
            left, right = (b, a) if swap else (a, b)
            if kind == "div":
                right = prog.away_from_zero(right)
                if right is None:
                    return None
            return prog.record(f"{left[0]} {symbol} {right[0]}",
                               lambda: op(left[1], right[1]), lambda: op(left[2], right[2]))
        if kind == "div" and swap:
            a = prog.away_from_zero(a)
            if a is None:
                return None
        c = data.draw(st.sampled_from([2.0, -0.5, 3, 0.25, -1.5]), label="number")
        if swap:
            return prog.record(f"{c!r} {symbol} {a[0]}", lambda: op(c, a[1]), lambda: op(c, a[2]))
        return prog.record(f"{a[0]} {symbol} {c!r}", lambda: op(a[1], c), lambda: op(a[2], c))
    if kind == "pow":
        n, a = draw_exponent(data, prog, a)
        if a is None:
            return None
        return prog.record(f"{a[0]} ** {n!r}", lambda: a[1] ** n, lambda: a[2] ** n)
    name, ours, theirs, is_leaf = a
    if kind == "exp" and ours.data > 6.0:
        return None
    if kind == "relu" and not is_leaf and abs(ours.data) <= FLOAT64.gap:  # as Program.stable_sign
        return None
    if kind == "log":
        a = prog.positive(a, 0.1)
        if a is None:
            return None
        name, ours, theirs, _ = a
    if kind == "neg":
        return prog.record(f"-{name}", lambda: -ours, lambda: -theirs)
    return prog.record(f"{name}.{kind}()", lambda: getattr(ours, kind)(), lambda: getattr(torch, kind)(theirs))


SCALAR_KINDS = ["add", "sub", "mul", "div", "neg", "pow", "exp", "log", "relu", "tanh", "sigmoid"]


@pytest.mark.parametrize("focus", SCALAR_KINDS)
@oracle_settings(max_examples=VALUE_PROGRAMS)
@given(data=st.data())
def test_value_programs_match_torch(focus, data):
    prog = ScalarProgram()
    try:
        for x in data.draw(st.lists(st.floats(-2.0, 2.0), min_size=1, max_size=4), label="leaves"):
            prog.leaf(x)
        kinds = data.draw(st.lists(st.sampled_from(SCALAR_KINDS), max_size=8), label="other steps")
        for _ in range(data.draw(st.integers(1, 3), label="focus steps")):
            kinds.insert(data.draw(st.integers(0, len(kinds)), label="focus position"), focus)
        for kind in kinds:
            if scalar_step(data, prog, kind) is None and kind == focus:
                leaf = prog.leaf(data.draw(SAFE, label="safe leaf"))
                assert scalar_step(data, prog, kind, leaf) is not None, f"the harness could not apply {kind}"
        results = [node for node in prog.nodes if not node[3]]
        if not results:
            return
        rng = np.random.default_rng(len(prog.nodes))
        outputs = [results[-1]] + data.draw(st.lists(st.sampled_from(results), max_size=3, unique_by=id), label="also")
        weights = [float(w) for w in rng.uniform(-1.0, 1.0, size=len(outputs))]
        prog.lines.append("loss = " + " + ".join(f"{w!r} * {node[0]}" for w, node in zip(weights, outputs)))
        prog.lines.append("loss.backward()")
        ours = sum((w * node[1] for w, node in zip(weights[1:], outputs[1:])), weights[0] * outputs[0][1])
        theirs = sum((w * node[2] for w, node in zip(weights[1:], outputs[1:])), weights[0] * outputs[0][2])
        assert_close("loss", ours.data, theirs.item(), FLOAT64, prog.listing())
        ours.backward()
        theirs.backward()
        for name, value, tensor, _ in prog.nodes:
            expected = 0.0 if tensor.grad is None else tensor.grad.item()
            assert_close(f"{name}.grad", value.grad, expected, FLOAT64, prog.listing())
    except BaseException:
        note(prog.listing())
        raise


# --- tables: every form of the shape-changing ops, once each, against torch ---------------------------


def weighted_backward(ours_in, theirs_in, ours_out, theirs_out, seed=0):
    """Backpropagate the same random weighting of both outputs."""
    w = np.random.default_rng(seed).uniform(-1.0, 1.0, size=tuple(theirs_out.shape)).astype(ours_out.dtype)
    (ours_out * Tensor(w)).sum().backward()
    (theirs_out * torch.from_numpy(w)).sum().backward()


def check_against_torch(ours_op, theirs_op, shapes, precision, seed=0):
    """ours_op on Tensors and theirs_op on torch tensors, from the same tie-free random leaves:
    the same value, and the same gradient of a random weighting of it for every leaf."""
    rng = np.random.default_rng(seed)
    arrays = [rng.normal(size=shape).astype(precision.numpy) for shape in shapes]
    ours_in = [Tensor(a, requires_grad=True) for a in arrays]
    theirs_in = [torch.tensor(a, requires_grad=True) for a in arrays]
    ours_out, theirs_out = ours_op(*ours_in), theirs_op(*theirs_in)
    assert_close("value", ours_out.data, theirs_out.detach().numpy(), precision)
    weighted_backward(ours_in, theirs_in, ours_out, theirs_out, seed)
    for i, (x, t) in enumerate(zip(ours_in, theirs_in)):
        assert_close(f"gradient of input {i}", x.grad, t.grad.numpy(), precision)


@pytest.mark.parametrize("precision", PRECISIONS, ids=str)
@pytest.mark.parametrize("a, b", [
    ((2, 3), (3, 4)),  # 2-D
    ((3,), (3, 4)),  # 1-D @ 2-D
    ((2, 3), (3,)),  # 2-D @ 1-D
    ((3,), (3,)),  # 1-D @ 1-D
    ((5, 2, 3), (3, 4)),  # batched @ 2-D
    ((2, 3), (5, 3, 4)),  # 2-D @ batched
    ((5, 2, 3), (5, 3, 4)),  # batched @ batched
    ((2, 1, 2, 3), (3, 3, 4)),  # batch axes broadcast both ways
    ((1, 2, 3), (4, 3, 2)),
    ((3,), (2, 3, 4)),  # 1-D @ batched
    ((2, 2, 3), (3,)),  # batched @ 1-D
], ids=str)
def test_matmul_shapes_match_torch(a, b, precision):
    check_against_torch(lambda x, y: x @ y, lambda x, y: x @ y, [a, b], precision)


MASK = np.array([True, False, True, True])


@pytest.mark.parametrize("precision", PRECISIONS, ids=str)
@pytest.mark.parametrize("index", [
    2, -1, slice(1, None), slice(None, None, 2), slice(-3, -1),
    [0, 0, 3], np.array([-1, 0, -1]), MASK, "Tensor mask", MASK[:, None] & np.array([True, False, True]),
    (1, 2), (-1, slice(None)), (slice(None), [2, 2, 0]), ([0, 3], [2, -1]), (np.array([[0], [3]]), np.array([0, 2])),
    (slice(1, 3), -2), (MASK, slice(0, 2)),
], ids=repr)
def test_indexing_forms_match_torch(index, precision):
    ours_index = Tensor(MASK) if isinstance(index, str) else index
    theirs_index = torch_index(MASK if isinstance(index, str) else index)
    check_against_torch(lambda x: x[ours_index], lambda x: x[theirs_index], [(4, 3)], precision)


@pytest.mark.parametrize("precision", PRECISIONS, ids=str)
@pytest.mark.parametrize("name", ["sum", "mean"])
@pytest.mark.parametrize("axis", [None, 0, 2, -1, -3, (0, 2), (-1, 0), (0, 1, 2), (-2,)], ids=repr)
@pytest.mark.parametrize("keepdims", [False, True])
def test_sum_and_mean_axes_match_torch(name, axis, keepdims, precision):
    dims = (0, 1, 2) if axis is None else axis
    check_against_torch(lambda x: getattr(x, name)(axis=axis, keepdims=keepdims),
                        lambda x: getattr(x, name)(dim=dims, keepdim=keepdims), [(2, 3, 4)], precision)


@pytest.mark.parametrize("precision", PRECISIONS, ids=str)
@pytest.mark.parametrize("axis", [None, 0, 1, -1, -3], ids=repr)
@pytest.mark.parametrize("keepdims", [False, True])
def test_max_axes_match_torch(axis, keepdims, precision):
    dims = (0, 1, 2) if axis is None else axis
    check_against_torch(lambda x: x.max(axis=axis, keepdims=keepdims),
                        lambda x: torch.amax(x, dim=dims, keepdim=keepdims), [(2, 3, 4)], precision)


# --- regression tests: known defects, each against torch or an exact reference ------------------------------


@pytest.mark.parametrize("shape, axes", [
    ((2, 3), (-1, 0)),
    ((4, 1), (-1, 0)),
    ((2, 3), (1, -2)),
    ((2, 3, 4), (-1, 0, 1)),
    ((2, 3, 4), (2, -3, -2)),
    ((1, 4, 1), (-2, -1, -3)),
])
@pytest.mark.parametrize("spelling", ["arguments", "tuple"])
def test_transpose_with_negative_axes_matches_torch_permute(shape, axes, spelling):
    data = np.arange(1.0, math.prod(shape) + 1).reshape(shape)
    x, t = Tensor(data, requires_grad=True), torch.tensor(data, requires_grad=True)
    out = x.transpose(*axes) if spelling == "arguments" else x.transpose(axes)
    expected = t.permute(axes)
    np.testing.assert_array_equal(out.data, expected.detach().numpy(), strict=True)
    weighted_backward(x, t, out, expected)
    np.testing.assert_allclose(x.grad, t.grad.numpy(), rtol=1e-15, strict=True)


@pytest.mark.parametrize("data, index, picked, grad", [
    ([10.0, 20.0, 30.0], Tensor([True, False, True]), [10.0, 30.0], [1.0, 0.0, 1.0]),
    ([10.0, 20.0, 30.0], np.array([True, False, True]), [10.0, 30.0], [1.0, 0.0, 1.0]),
    ([10.0, 20.0, 30.0], Tensor([False, False, True]), [30.0], [0.0, 0.0, 1.0]),
    ([[1.0, 2.0], [3.0, 4.0]], Tensor([[True, False], [False, True]]), [1.0, 4.0], [[1.0, 0.0], [0.0, 1.0]]),
    ([[1.0, 2.0], [3.0, 4.0]], Tensor([False, True]), [[3.0, 4.0]], [[0.0, 0.0], [1.0, 1.0]]),
], ids=["Tensor mask", "numpy mask", "one True", "2-D mask", "row mask"])
def test_boolean_masks_select_and_route_gradients(data, index, picked, grad):
    x = Tensor(data, requires_grad=True)
    out = x[index]
    assert out.tolist() == picked
    mask = torch.from_numpy(np.array(index.data if isinstance(index, Tensor) else index, dtype=bool))
    assert torch.tensor(data)[mask].tolist() == picked  # the table agrees with torch
    out.sum().backward()
    assert x.grad.tolist() == grad


@pytest.mark.parametrize("index", [Tensor([1.7]), Tensor([0.5, 1.0]), (Tensor([1.7]),)],
                         ids=["Tensor([1.7])", "Tensor([0.5, 1.0])", "tuple"])
def test_a_float_index_tensor_is_rejected(index):
    x = Tensor([10.0, 20.0, 30.0], requires_grad=True)
    with pytest.raises((IndexError, TypeError), match="(?i)index"):
        x[index]


# Sigmoid on both tails, against the exact value, computed in 60-digit decimal and rounded once.
SIGMOID_POINTS = {
    "float64": [-745.0, -744.0, -709.0, -700.0, -500.0, -100.0, -40.0, -36.0, -20.0, -10.0, -5.0, -1.0, -1e-3,
                0.0, 1e-3, 1.0, 5.0, 10.0, 20.0, 36.0, 40.0],
    "float32": [-100.0, -87.0, -50.0, -20.0, -17.0, -10.0, -5.0, -1.0, -1e-3, 0.0, 1e-3, 1.0, 5.0, 10.0, 17.0, 20.0],
}
ULPS = 4  # allowed error in units in the last place of the exact value


def exact_sigmoid(a: float) -> tuple[Decimal, Decimal]:
    """σ(a) and σ'(a), to 60 digits: e^a / (1 + e^a) for a < 0, 1 / (1 + e^-a) for a >= 0."""
    with localcontext() as context:
        context.prec = 60
        e = Decimal(a).exp() if a < 0 else (-Decimal(a)).exp()
        value = e / (1 + e) if a < 0 else 1 / (1 + e)
        return value, e / (1 + e) ** 2


def assert_sigmoid_accurate(points, got_values, got_grads, dtype):
    """Values within ULPS ulps everywhere. Gradients within ULPS ulps where a <= 0; where a > 0,
    σ' = σ(1 - σ) with σ rounded near 1 can be no closer than the rounding of σ, about eps absolute."""
    eps = float(np.finfo(dtype).eps)
    for a, value, grad in zip(points, got_values, got_grads):
        exact_value, exact_grad = exact_sigmoid(a)
        for what, got, exact in (("value", value, exact_value), ("gradient", grad, exact_grad)):
            reference = np.asarray(float(exact), dtype=dtype)
            error = abs(float(got) - float(reference))
            ulps = error / float(np.spacing(reference))
            allowed = error <= 2 * eps if what == "gradient" and a > 0 else ulps <= ULPS
            assert allowed, (f"sigmoid {what} at {a} in {np.dtype(dtype)}: got {float(got)!r}, "
                             f"exact {float(reference)!r} ({ulps:.3g} ulps off)")


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_tensor_sigmoid_is_accurate_on_both_tails(dtype):
    points = SIGMOID_POINTS[dtype]
    x = Tensor(np.array(points, dtype=dtype), requires_grad=True)
    out = x.sigmoid()
    assert out.dtype == np.dtype(dtype)
    out.sum().backward()
    assert_sigmoid_accurate(points, out.data, x.grad, dtype)


def test_value_sigmoid_is_accurate_on_both_tails():
    values, grads = [], []
    for a in SIGMOID_POINTS["float64"]:
        x = Value(a)
        y = x.sigmoid()
        y.backward()
        values.append(y.data)
        grads.append(x.grad)
    assert_sigmoid_accurate(SIGMOID_POINTS["float64"], values, grads, "float64")


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_the_sigmoid_accuracy_bar_is_met_by_torch(dtype):
    """The bar above is attainable: torch's sigmoid clears it, wherever σ is a normal number
    (torch's float32 kernel flushes a subnormal result, such as σ(-100) = 3.8e-44, to 0)."""
    tiny = float(np.finfo(dtype).tiny)
    points = [a for a in SIGMOID_POINTS[dtype] if exact_sigmoid(a)[0] >= tiny]
    t = torch.tensor(points, dtype=getattr(torch, dtype), requires_grad=True)
    out = torch.sigmoid(t)
    out.sum().backward()
    assert_sigmoid_accurate(points, out.detach().numpy(), t.grad.numpy(), dtype)


@pytest.mark.parametrize("a", [-40.0, -100.0, -700.0])
def test_log_of_a_tiny_sigmoid_is_the_input(a):
    # log σ(a) = a - log(1 + e^a) = a to double precision for a <= -40.
    assert Value(a).sigmoid().log().data == pytest.approx(a, rel=1e-15)
    assert Tensor([a]).sigmoid().log().data[0] == pytest.approx(a, rel=1e-15)


@pytest.mark.parametrize("engine", ["Value", "Tensor float64", "Tensor float32"])
@pytest.mark.parametrize("n", [0, 0.0, 1, 2, 3])
def test_pow_at_zero_has_torchs_gradient(engine, n):
    t = torch.tensor([0.0, 2.0, -3.0], dtype=torch.float64, requires_grad=True)
    (t ** n).sum().backward()
    expected = t.grad.numpy()  # 0 for n = 0 (x ** 0 is the constant 1), n x^(n-1) otherwise
    if engine == "Value":
        got = []
        for x0 in (0.0, 2.0, -3.0):
            x = Value(x0)
            y = x ** n
            assert y.data == x0 ** n
            y.backward()
            got.append(x.grad)
    else:
        dtype = np.float64 if engine.endswith("64") else np.float32
        x = Tensor(np.array([0.0, 2.0, -3.0], dtype=dtype), requires_grad=True)
        (x ** n).sum().backward()
        got = x.grad
        assert x.grad.dtype == dtype
    np.testing.assert_array_equal(np.asarray(got, dtype=np.float64), expected)
