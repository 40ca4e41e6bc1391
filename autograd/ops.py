"""The op registry: one definition of every primitive operation of both engines.

Each :class:`Op` holds, side by side,

* ``forward(xp, *inputs, *params)``: the value of the op. ``xp`` is the math
  namespace to use: :data:`SCALAR_MATH` for plain floats, or the Tensor engine's
  numpy namespace for arrays, so one rule serves both engines.
* ``vjp(xp, grad, out, *inputs, *params)``: the local gradient rule. Given the
  upstream gradient ``grad`` (∂f/∂out), the op's output ``out`` and its inputs,
  it returns ∂f/∂input for every input. It uses only arithmetic, methods that
  arrays and Tensors share, and ``xp``. So the same rule runs on plain numbers
  (an ordinary backward pass) and on graph nodes (``create_graph=True``), where
  the gradient it computes is itself a graph that can be differentiated again.
* ``params``: arguments that are not inputs and get no gradient, as JAX's
  primitives have (an axis, a shape, pow's exponent).
* ``saves``: the forward rule also returns arrays the gradient rule reuses
  (JAX's residuals: cross-entropy's probabilities), passed to ``vjp`` last; on
  graph nodes the rule gets None and recomputes them as a graph.
* the LaTeX of the forward rule and of each input's gradient, a description, the
  expression template and the symbol that traces and graph figures show, the
  domain that errors quote, and, for tensor ops, the shape rule.

The engines (:mod:`autograd.value`, :mod:`autograd.tensor`), the docs' operations
table and the tests all read this registry, so a rule is written exactly once.

>>> OPS["mul"].forward(SCALAR_MATH, 3.0, 4.0)
12.0
>>> OPS["mul"].vjp(SCALAR_MATH, 1.0, 12.0, 3.0, 4.0)
(4.0, 3.0)
>>> OPS["pow"].vjp(SCALAR_MATH, 1.0, 9.0, 3.0, 2.0)  # the exponent 2.0 is a parameter: no gradient
(6.0,)
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

BOTH = ("Value", "Tensor")
TENSOR = ("Tensor",)


class _ScalarMath:
    """The functions the rules need, for Python floats (numpy's names, where numpy has one)."""

    exp = staticmethod(math.exp)
    log = staticmethod(math.log)
    tanh = staticmethod(math.tanh)
    sqrt = staticmethod(math.sqrt)

    @staticmethod
    def where(condition: bool, a: float, b: float) -> float:
        return a if condition else b

    @staticmethod
    def maximum(a: float, b: float) -> float:
        return a if a > b else b

    @staticmethod
    def clip(a: float, low: float, high: float) -> float:
        return low if a < low else high if a > high else a

    # The derivatives of steps and kinks: constants, whose own derivative is 0 wherever it exists.
    @staticmethod
    def positive(a: float) -> float:
        return 1.0 if a > 0 else 0.0

    @staticmethod
    def sign(a: float) -> float:
        return 1.0 if a > 0 else -1.0 if a < 0 else 0.0

    @staticmethod
    def inside(a: float, low: float, high: float) -> float:
        return 1.0 if low <= a <= high else 0.0


SCALAR_MATH = _ScalarMath()


@dataclass(frozen=True)
class Op:
    """One primitive operation: its forward rule, gradient rule, maths and words."""

    name: str
    inputs: tuple[str, ...]  # the differentiable inputs' names, as used in the LaTeX and in errors
    forward: Callable
    vjp: Callable | None  # None: the op has no gradient (comparisons, argmax)
    forward_latex: str
    grad_latex: tuple[str, ...]  # one per input: ∂out/∂input (elementwise ops) or the input's VJP (tensor ops)
    description: str
    expression: str  # str.format template over the inputs' then the params' names, e.g. "{a} ** {n}"
    symbol: str  # the op's mark in graph figures, e.g. "*", "σ", "sum"
    params: tuple[str, ...] = ()  # non-differentiable arguments, after the inputs
    domain: str | None = None  # what the inputs must satisfy, quoted in errors
    engines: tuple[str, ...] = BOTH
    shape: str | None = None  # the shape rule of a tensor op
    not_differentiable: str | None = None  # what the gradient rule treats as a constant, for higher derivatives
    saves: bool = False  # forward returns (out, saved) and vjp takes saved last (None on graph nodes): residuals
    skips: bool = False  # vjp takes needs (a bool per input) last and returns None for an input that needs none
    # No element of an input's gradient is larger in size than the upstream gradient's largest (relu's g·step,
    # tanh's g·(1 - t²), cross-entropy's g·c·(p - onehot)/N): finite when that is, so the Tensor engine
    # does not check it again. A test holds every op marked so to it, on huge inputs and gradients.
    bounded_vjp: bool = False

    @property
    def arity(self) -> int:
        return len(self.inputs)

    def write(self, inputs, params=()) -> str:
        """The op written as an expression over its inputs' names and its parameters.

        >>> OPS["pow"].write(["w₁"], [2.0]), OPS["add"].write(["a", "b"])
        ('w₁ ** 2', 'a + b')
        """
        names = dict(zip(self.inputs, inputs))
        names.update((name, _param_text(value)) for name, value in zip(self.params, params))
        return self.expression.format(**names)

    def __repr__(self) -> str:
        return f"Op({self.name!r})"


def _param_text(value) -> str:
    text = format(value, "g") if isinstance(value, float) else " ".join(str(value).split())
    return text if len(text) <= 24 else text[:20] + " …"  # an index or the labels of a batch: shortened


def _sigmoid(xp, a):
    # e = exp(-|a|) lies in (0, 1], so nothing overflows, and neither form subtracts:
    # 1 / (1 + e) for a ≥ 0 and e / (1 + e) = 1 / (1 + e^-a) for a < 0 are both
    # accurate to the last bits on their own tail. (0.5 (1 + tanh(a/2)) is not: it
    # cancels for negative a and is exactly 0 below about -37.)
    e = xp.exp(-abs(a))
    return xp.where(a >= 0, 1.0, e) / (1.0 + e)


def _pow_vjp(xp, g, out, a, n):
    # n a^(n-1) at a = 0 would be 0 · 0^-1 for n = 0, where the derivative of the constant a^0 is 0.
    return (g * n * a ** (n - 1) if n != 0 else 0.0 * g,)


def _reshape_back(xp, g, out, a, *params):
    # reshape, squeeze and unsqueeze move no element: the gradient only takes the input's shape back.
    return (g.reshape(a.shape),)


def _count(shape: tuple, axis) -> int:
    """How many elements a reduction over ``axis`` combines into each result."""
    axes = range(len(shape)) if axis is None else axis if isinstance(axis, tuple) else (axis,)
    return math.prod(shape[a] for a in axes)


def _matmul_vjp(xp, g, out, a, b, needs):
    # needs: which inputs want a gradient (PyTorch's needs_input_grad): a batch of data does not,
    # and its product G Bᵀ would be the costliest step of a training loop's backward pass.
    if a.ndim == 2 and b.ndim == 2:  # matrices, the common case: G Bᵀ and Aᵀ G
        return (g @ b.T if needs[0] else None), (a.T @ g if needs[1] else None)
    # A 1-D operand acts as a row (a) or a column (b), as in numpy; put back the axes numpy dropped.
    a2 = a.reshape((1,) + a.shape) if a.ndim == 1 else a
    b2 = b.reshape(b.shape + (1,)) if b.ndim == 1 else b
    if b.ndim == 1:
        g = g.reshape(g.shape + (1,))
    if a.ndim == 1:
        g = g.reshape(g.shape[:-1] + (1,) + g.shape[-1:])
    grad_a = xp.sum_to_shape(g @ xp.swap_last(b2), a2.shape).reshape(a.shape) if needs[0] else None
    grad_b = xp.sum_to_shape(xp.swap_last(a2) @ g, b2.shape).reshape(b.shape) if needs[1] else None
    return grad_a, grad_b


def _linear_vjp(xp, g, out, x, w, b, needs):
    grad_x = g @ w.T if needs[0] else None
    if x.ndim != 2:  # every row of a batch (all axes of x but the last) uses the same W and b: one axis of rows
        x, g = x.reshape((-1, x.shape[-1])), g.reshape((-1, g.shape[-1]))
    return grad_x, (x.T @ g if needs[1] else None), (g.sum(axis=0) if needs[2] else None)


def _cross_entropy_forward(xp, z, labels, eps):
    # Returns the loss and, for the gradient rule, p = softmax(z) and the labels' p_y (with eps > 0).
    rows = xp.arange(len(labels))
    shifted = z - z.max(axis=1, keepdims=True)  # the largest exponent is e^0 = 1: no overflow
    exps = xp.exp(shifted)
    totals = exps.sum(axis=1, keepdims=True)
    p = exps / totals
    if eps == 0:  # log p_y through the stable log-softmax: finite for any finite logits
        p_y = None
        log_p = shifted[rows, labels] - xp.log(totals[:, 0])
    else:
        p_y = p[rows, labels]
        log_p = xp.log(p_y + eps)
    return -log_p.sum() / len(labels), (p, p_y)


def _cross_entropy_vjp(xp, g, out, z, labels, eps, saved):
    # d(-log(p_y + eps))/dz = c (p - onehot(y)), with c = p_y / (p_y + eps) (1 when eps = 0).
    if saved is None:  # on graph nodes (create_graph=True): the softmax as a graph, to differentiate again
        p = xp.softmax(z, 1)
        p_y = p[xp.arange(len(labels)), labels] if eps else None
    else:
        p, p_y = saved
    scale = xp.number(g) / len(labels)  # g is 0-d: the loss is a number
    if eps:  # one scale per row
        scale = (p_y / (p_y + eps)) * scale
        return (xp.subtract_at(p * scale.reshape((-1, 1)), labels, scale),)
    return (xp.subtract_at(p * scale, labels, scale),)


def _comparison(name: str, symbol: str, latex: str, numpy_name: str) -> Op:
    return Op(name, ("a", "b"),
              forward=lambda xp, a, b: getattr(xp, numpy_name)(a, b),
              vjp=None,
              forward_latex=latex, grad_latex=(), symbol=symbol,
              description="Elementwise comparison: a bool tensor, outside the graph (a step has no useful gradient).",
              expression="{a} " + symbol + " {b}", engines=TENSOR, shape="broadcast(a, b)")


_REGISTRY = [
    # --- elementwise, on both engines -----------------------------------------------------
    Op("add", ("a", "b"),
       forward=lambda xp, a, b: a + b,
       vjp=lambda xp, g, out, a, b: (g, g),
       bounded_vjp=True,
       forward_latex=r"a + b",
       grad_latex=(r"\frac{\partial}{\partial a} = 1", r"\frac{\partial}{\partial b} = 1"),
       description="Sum. The gradient passes through unchanged to both inputs.",
       expression="{a} + {b}", symbol="+"),
    Op("sub", ("a", "b"),
       forward=lambda xp, a, b: a - b,
       vjp=lambda xp, g, out, a, b: (g, -g),
       bounded_vjp=True,
       forward_latex=r"a - b",
       grad_latex=(r"\frac{\partial}{\partial a} = 1", r"\frac{\partial}{\partial b} = -1"),
       description="Difference. The subtrahend receives the negated gradient.",
       expression="{a} - {b}", symbol="-"),
    Op("mul", ("a", "b"),
       forward=lambda xp, a, b: a * b,
       vjp=lambda xp, g, out, a, b: (g * b, g * a),
       forward_latex=r"a \cdot b",
       grad_latex=(r"\frac{\partial}{\partial a} = b", r"\frac{\partial}{\partial b} = a"),
       description="Product. Each input's gradient is scaled by the other input.",
       expression="{a} * {b}", symbol="*"),
    Op("div", ("a", "b"),
       forward=lambda xp, a, b: a / b,
       vjp=lambda xp, g, out, a, b: (g / b, -g * out / b),
       forward_latex=r"\frac{a}{b}",
       grad_latex=(r"\frac{\partial}{\partial a} = \frac{1}{b}", r"\frac{\partial}{\partial b} = -\frac{a}{b^2}"),
       description="Quotient. The denominator must not be zero.",
       expression="{a} / {b}", symbol="/",
       domain="b ≠ 0"),
    Op("neg", ("a",),
       forward=lambda xp, a: -a,
       vjp=lambda xp, g, out, a: (-g,),
       bounded_vjp=True,
       forward_latex=r"-a",
       grad_latex=(r"\frac{\partial}{\partial a} = -1",),
       description="Negation.",
       expression="-{a}", symbol="-"),
    Op("pow", ("a",), params=("n",),
       forward=lambda xp, a, n: a ** n,
       vjp=_pow_vjp,
       forward_latex=r"a^{n}",
       grad_latex=(r"\frac{\partial}{\partial a} = n\,a^{n-1}",),
       description="Power with a constant number exponent n (a parameter: it gets no gradient).",
       expression="{a} ** {n}", symbol="**",
       domain="a > 0, or an integer n (n ≥ 0 when a = 0)"),
    Op("exp", ("a",),
       forward=lambda xp, a: xp.exp(a),
       vjp=lambda xp, g, out, a: (g * out,),
       forward_latex=r"e^{a}",
       grad_latex=(r"\frac{\partial}{\partial a} = e^{a}",),
       description="Exponential. Its gradient is its own output.",
       expression="exp({a})", symbol="exp",
       domain="a ≤ 709.78"),
    Op("log", ("a",),
       forward=lambda xp, a: xp.log(a),
       vjp=lambda xp, g, out, a: (g / a,),
       forward_latex=r"\ln a",
       grad_latex=(r"\frac{\partial}{\partial a} = \frac{1}{a}",),
       description="Natural logarithm, defined for a > 0.",
       expression="log({a})", symbol="log",
       domain="a > 0"),
    Op("relu", ("a",),
       # "+ 0.0" turns the -0.0 that a negative input would give into 0.0.
       forward=lambda xp, a: xp.maximum(a, 0.0) + 0.0,
       vjp=lambda xp, g, out, a: (g * xp.positive(a),),
       bounded_vjp=True,
       forward_latex=r"\max(0, a)",
       grad_latex=(r"\frac{\partial}{\partial a} = \begin{cases} 1 & a > 0 \\ 0 & a \le 0 \end{cases}",),
       description="Rectified linear unit. The gradient at 0 is taken as 0.",
       expression="relu({a})", symbol="relu",
       not_differentiable="the step [a > 0] is a constant to higher derivatives (its derivative is 0 where it exists)"),
    Op("tanh", ("a",),
       forward=lambda xp, a: xp.tanh(a),
       vjp=lambda xp, g, out, a: (g * (1.0 - out * out),),
       bounded_vjp=True,
       forward_latex=r"\tanh a",
       grad_latex=(r"\frac{\partial}{\partial a} = 1 - \tanh^2 a",),
       description="Hyperbolic tangent.",
       expression="tanh({a})", symbol="tanh"),
    Op("sigmoid", ("a",),
       forward=_sigmoid,
       vjp=lambda xp, g, out, a: (g * out * (1.0 - out),),
       bounded_vjp=True,
       forward_latex=r"\sigma(a) = \frac{1}{1 + e^{-a}}",
       grad_latex=(r"\frac{\partial}{\partial a} = \sigma(a)\,\bigl(1 - \sigma(a)\bigr)",),
       description="Logistic sigmoid, accurate on both tails and without overflow for any input.",
       expression="σ({a})", symbol="σ"),
    Op("abs", ("a",),
       forward=lambda xp, a: abs(a),
       vjp=lambda xp, g, out, a: (g * xp.sign(a),),
       bounded_vjp=True,
       forward_latex=r"\lvert a \rvert",
       grad_latex=(r"\frac{\partial}{\partial a} = \operatorname{sign}(a)",),
       description="Absolute value. The gradient at 0 is taken as 0, as in PyTorch.",
       expression="abs({a})", symbol="abs",
       not_differentiable="sign(a) is a constant to higher derivatives"),
    Op("sqrt", ("a",),
       forward=lambda xp, a: xp.sqrt(a),
       vjp=lambda xp, g, out, a: (g * 0.5 / out,),
       forward_latex=r"\sqrt{a}",
       grad_latex=(r"\frac{\partial}{\partial a} = \frac{1}{2\sqrt{a}}",),
       description="Square root. Its gradient is infinite at 0, which backward reports as an error.",
       expression="sqrt({a})", symbol="√",
       domain="a ≥ 0"),
    Op("clip", ("a",), params=("low", "high"),
       forward=lambda xp, a, low, high: xp.clip(a, low, high),
       vjp=lambda xp, g, out, a, low, high: (g * xp.inside(a, low, high),),
       bounded_vjp=True,
       forward_latex=r"\min(\max(a, \mathit{low}), \mathit{high})",
       grad_latex=(r"\frac{\partial}{\partial a} = \begin{cases} 1 & \mathit{low} \le a \le \mathit{high} "
                   r"\\ 0 & \text{otherwise} \end{cases}",),
       description="a limited to [low, high]. The gradient passes where a is inside, bounds included, as in PyTorch.",
       expression="clip({a}, {low}, {high})", symbol="clip",
       not_differentiable="the indicator of [low, high] is a constant to higher derivatives"),
    # --- tensor ops: reductions -------------------------------------------------------------
    Op("sum", ("a",), params=("axis", "keepdims"),
       forward=lambda xp, a, axis, keepdims: a.sum(axis=axis, keepdims=keepdims),
       vjp=lambda xp, g, out, a, axis, keepdims: (xp.unreduce(g, a.shape, axis, keepdims),),
       bounded_vjp=True,
       forward_latex=r"\textstyle\sum_{\text{axis}} A",
       grad_latex=(r"\bar A = \operatorname{broadcast}(G)",),
       description="Sum over axis (an int, a tuple of ints, or None for all).",
       expression="sum({a}, axis={axis})", symbol="Σ", engines=TENSOR,
       shape="the axes summed over are dropped (kept as size 1 with keepdims)"),
    Op("mean", ("a",), params=("axis", "keepdims"),
       forward=lambda xp, a, axis, keepdims: a.mean(axis=axis, keepdims=keepdims),
       vjp=lambda xp, g, out, a, axis, keepdims: (
           xp.unreduce(g, a.shape, axis, keepdims) * (1.0 / _count(a.shape, axis)),),
       bounded_vjp=True,
       forward_latex=r"\tfrac{1}{N}\textstyle\sum_{\text{axis}} A",
       grad_latex=(r"\bar A = \operatorname{broadcast}(G) / N",),
       description="Mean over axis (an int, a tuple of ints, or None for all).",
       expression="mean({a}, axis={axis})", symbol="mean", engines=TENSOR,
       shape="as sum", domain="at least one element"),
    Op("var", ("a",), params=("axis", "keepdims", "ddof"),
       forward=lambda xp, a, axis, keepdims, ddof: a.var(axis=axis, keepdims=keepdims, ddof=ddof),
       vjp=lambda xp, g, out, a, axis, keepdims, ddof: (
           xp.unreduce(g, a.shape, axis, keepdims) * (a - a.mean(axis=axis, keepdims=True))
           * (2.0 / (_count(a.shape, axis) - ddof)),),
       forward_latex=r"\tfrac{1}{N - \text{ddof}}\textstyle\sum_{\text{axis}} (A - \bar{A})^2",
       grad_latex=(r"\bar A = G \cdot \frac{2 (A - \operatorname{mean} A)}{N - \text{ddof}}",),
       description="Variance over axis; ddof = 0 as in numpy (PyTorch's default is 1).",
       expression="var({a}, axis={axis})", symbol="var", engines=TENSOR,
       shape="as sum", domain="more than ddof elements"),
    Op("max", ("a",), params=("axis", "keepdims"),
       forward=lambda xp, a, axis, keepdims: a.max(axis=axis, keepdims=keepdims),
       vjp=lambda xp, g, out, a, axis, keepdims: (
           xp.unreduce(g, a.shape, axis, keepdims) * xp.first_extreme(a, axis, "argmax"),),
       bounded_vjp=True,
       forward_latex=r"\max_{\text{axis}} A",
       grad_latex=(r"\bar A = \operatorname{broadcast}(G) \cdot [\text{first arg-max}]",),
       description="Largest element over axis (an int or None). The gradient goes to the first arg-max.",
       expression="max({a}, axis={axis})", symbol="max", engines=TENSOR, shape="as sum",
       domain="at least one element",
       not_differentiable="the choice of the arg-max is a constant to higher derivatives"),
    Op("min", ("a",), params=("axis", "keepdims"),
       forward=lambda xp, a, axis, keepdims: a.min(axis=axis, keepdims=keepdims),
       vjp=lambda xp, g, out, a, axis, keepdims: (
           xp.unreduce(g, a.shape, axis, keepdims) * xp.first_extreme(a, axis, "argmin"),),
       bounded_vjp=True,
       forward_latex=r"\min_{\text{axis}} A",
       grad_latex=(r"\bar A = \operatorname{broadcast}(G) \cdot [\text{first arg-min}]",),
       description="Smallest element over axis (an int or None). The gradient goes to the first arg-min.",
       expression="min({a}, axis={axis})", symbol="min", engines=TENSOR, shape="as sum",
       domain="at least one element",
       not_differentiable="the choice of the arg-min is a constant to higher derivatives"),
    # --- tensor ops: shapes and indexing ------------------------------------------------------
    Op("reshape", ("a",), params=("shape",),
       forward=lambda xp, a, shape: a.reshape(shape),
       vjp=_reshape_back,
       bounded_vjp=True,
       forward_latex=r"\operatorname{reshape}(A)",
       grad_latex=(r"\bar A = \operatorname{reshape}(G)",),
       description="The same elements in a new shape.", expression="reshape({a}, {shape})", symbol="reshape",
       engines=TENSOR, shape="shape, with one -1 inferred; the size must not change"),
    Op("squeeze", ("a",), params=("axis",),
       forward=lambda xp, a, axis: xp.squeeze(a, axis=axis),
       vjp=_reshape_back,
       bounded_vjp=True,
       forward_latex=r"\operatorname{squeeze}(A)",
       grad_latex=(r"\bar A = \operatorname{reshape}(G)",),
       description="Drop axes of size 1 (axis, or all of them when axis is None).",
       expression="squeeze({a}, {axis})", symbol="squeeze", engines=TENSOR, shape="the size-1 axes removed"),
    Op("unsqueeze", ("a",), params=("axis",),
       forward=lambda xp, a, axis: xp.expand_dims(a, axis),
       vjp=_reshape_back,
       bounded_vjp=True,
       forward_latex=r"\operatorname{unsqueeze}(A)",
       grad_latex=(r"\bar A = \operatorname{reshape}(G)",),
       description="Insert an axis of size 1 at axis.",
       expression="unsqueeze({a}, {axis})", symbol="unsqueeze", engines=TENSOR, shape="a size-1 axis inserted"),
    Op("transpose", ("a",), params=("axes",),
       forward=lambda xp, a, axes: a.transpose(axes),
       vjp=lambda xp, g, out, a, axes: (g.transpose(xp.inverse_permutation(axes)),),
       bounded_vjp=True,
       forward_latex=r"A^{\top}",
       grad_latex=(r"\bar A = \operatorname{transpose}^{-1}(G)",),
       description="Axes permuted; negative axes count from the end, as in numpy.",
       expression="transpose({a}, {axes})", symbol="ᵀ", engines=TENSOR, shape="the axes permuted"),
    Op("broadcast_to", ("a",), params=("shape",),
       forward=lambda xp, a, shape: xp.broadcast_to(a, shape),
       vjp=lambda xp, g, out, a, shape: (xp.sum_to_shape(g, a.shape),),
       forward_latex=r"\operatorname{broadcast}(A)",
       grad_latex=(r"\bar A = \textstyle\sum_{\text{broadcast axes}} G",),
       description="Repeat along new or size-1 axes; what numpy does to the operands of an elementwise op.",
       expression="broadcast_to({a}, {shape})", symbol="bcast", engines=TENSOR, shape="shape"),
    Op("getitem", ("a",), params=("index",),
       forward=lambda xp, a, index: a[index],
       vjp=lambda xp, g, out, a, index: (xp.scatter_add(g, index, a.shape),),
       forward_latex=r"A[\text{index}]",
       grad_latex=(r"\bar A = \operatorname{scatter\_add}(G)",),
       description="numpy indexing: ints, slices, int arrays and boolean masks.",
       expression="{a}[{index}]", symbol="[ ]", engines=TENSOR, shape="as numpy indexing"),
    Op("scatter_add", ("a",), params=("index", "shape"),
       forward=lambda xp, a, index, shape: xp.scatter_add(a, index, shape),
       vjp=lambda xp, g, out, a, index, shape: (g[index],),
       bounded_vjp=True,
       forward_latex=r"0_{\text{shape}}[\text{index}] \mathrel{+}= A",
       grad_latex=(r"\bar A = G[\text{index}]",),
       description="Add into zeros of a shape at an index: the gradient of indexing, so it can be differentiated.",
       expression="scatter_add({a}, {index})", symbol="scatter", engines=TENSOR, shape="shape"),
    Op("where", ("a", "b"), params=("condition",),
       forward=lambda xp, a, b, condition: xp.where(condition, a, b),
       vjp=lambda xp, g, out, a, b, condition: (xp.where(condition, g, 0.0 * g), xp.where(condition, 0.0 * g, g)),
       bounded_vjp=True,
       forward_latex=r"\begin{cases} a & \text{condition} \\ b & \text{otherwise} \end{cases}",
       grad_latex=(r"\bar a = G \cdot [\text{condition}]", r"\bar b = G \cdot [\lnot\,\text{condition}]"),
       description="Elementwise choice between a and b by a bool condition (a parameter).",
       expression="where({condition}, {a}, {b})", symbol="where", engines=TENSOR,
       shape="broadcast(condition, a, b)"),
    # --- tensor ops: linear algebra and the softmax family -------------------------------------
    Op("matmul", ("A", "B"),
       forward=lambda xp, a, b: a @ b,
       vjp=_matmul_vjp, skips=True,
       forward_latex=r"A B",
       grad_latex=(r"\bar A = G B^{\top}", r"\bar B = A^{\top} G"),
       description="Matrix product with numpy's rules: 1-D operands, batch axes broadcast.",
       expression="{A} @ {B}", symbol="@", engines=TENSOR,
       shape="(…, n, k) @ (…, k, m) → (…, n, m)", domain="A's last axis as long as B's second-last"),
    Op("linear", ("x", "W", "b"),
       forward=lambda xp, x, w, b: x @ w + b,
       vjp=_linear_vjp, skips=True,
       forward_latex=r"x W + b",
       grad_latex=(r"\bar x = G W^{\top}", r"\bar W = x^{\top} G", r"\bar b = \textstyle\sum_{\text{rows}} G"),
       description="A fully connected layer as one node: the product, then the bias (PyTorch's addmm), as Linear computes it.",
       expression="{x} @ {W} + {b}", symbol="linear", engines=TENSOR,
       shape="(…, nin) @ (nin, nout) + (nout,) → (…, nout)",
       domain="x's last axis as long as W's first, b as long as W's second"),
    Op("softmax", ("a",), params=("axis",),
       forward=lambda xp, a, axis: xp.softmax(a, axis),
       vjp=lambda xp, g, out, a, axis: (out * (g - (g * out).sum(axis=axis, keepdims=True)),),
       forward_latex=r"\frac{e^{a_i - \max a}}{\sum_j e^{a_j - \max a}}",
       grad_latex=(r"\bar a = p \odot (G - \textstyle\sum_j G_j p_j)",),
       description="Probabilities along axis that sum to 1; the maximum is subtracted first, so nothing overflows.",
       expression="softmax({a}, {axis})", symbol="softmax", engines=TENSOR, shape="unchanged"),
    Op("log_softmax", ("a",), params=("axis",),
       forward=lambda xp, a, axis: xp.log_softmax(a, axis),
       vjp=lambda xp, g, out, a, axis: (g - xp.exp(out) * g.sum(axis=axis, keepdims=True),),
       forward_latex=r"a_i - \max a - \ln \textstyle\sum_j e^{a_j - \max a}",
       grad_latex=(r"\bar a = G - \operatorname{softmax}(a) \textstyle\sum_j G_j",),
       description="log(softmax(a)) along axis, fused and stable.",
       expression="log_softmax({a}, {axis})", symbol="log softmax", engines=TENSOR, shape="unchanged"),
    Op("cross_entropy", ("z",), params=("labels", "eps"),
       forward=_cross_entropy_forward,
       vjp=_cross_entropy_vjp, saves=True,
       bounded_vjp=True,
       forward_latex=r"-\tfrac{1}{N}\textstyle\sum_i \ln\bigl(\operatorname{softmax}(z_i)_{y_i} + \varepsilon\bigr)",
       grad_latex=(r"\bar z = \tfrac{G}{N}\, c \odot \bigl(\operatorname{softmax}(z) - \operatorname{onehot}(y)\bigr),"
                   r"\ c = \tfrac{p_y}{p_y + \varepsilon}",),
       description="Mean negative log-likelihood of the labels under softmax(z), fused (labels and ε are parameters).",
       expression="cross_entropy({z}, {labels})", symbol="CE", engines=TENSOR,
       shape="(batch, classes) → ()", domain="0 ≤ eps < 1, labels in 0..classes-1"),
    # --- without a gradient ---------------------------------------------------------------------
    Op("argmax", ("a",), params=("axis",),
       forward=lambda xp, a, axis: xp.argmax(a, axis=axis),
       vjp=None,
       forward_latex=r"\arg\max_{\text{axis}} A", grad_latex=(),
       description="Index of the first largest element over axis: an int tensor, outside the graph.",
       expression="argmax({a}, {axis})", symbol="argmax", engines=TENSOR, shape="as max"),
    _comparison("eq", "==", r"a = b", "equal"),
    _comparison("ne", "!=", r"a \ne b", "not_equal"),
    _comparison("lt", "<", r"a < b", "less"),
    _comparison("le", "<=", r"a \le b", "less_equal"),
    _comparison("gt", ">", r"a > b", "greater"),
    _comparison("ge", ">=", r"a \ge b", "greater_equal"),
]

OPS: dict[str, Op] = {op.name: op for op in _REGISTRY}
"""Every primitive op, by name, in the order the docs list them."""
