"""The live demo's model: a reader's function of w1, w2, x1 and x2, evaluated by the engine.

Site code, not part of the package: the docs build imports it from ``docs/demo/``
and the browser runtime unpacks it beside ``demo_view.py``.

The reader writes one expression, or a short program: steps ``name = expression``
separated by newlines or ``;``, ending with the result, either an expression or
one more assignment. Each step's name labels its node, so traces and graphs show
it, and later steps may use it::

    z = w1*x1 + w2*x2
    f = sigmoid(z) + 0.5*(w1**2 + w2**2)

The text is parsed with :mod:`ast` and walked node by node; nothing is ever
passed to ``eval``. Only numbers, the four variables, names assigned on an
earlier line, the operators ``+ - * / **`` (and unary ``-``, ``+``) and the
engine's one-input ops are accepted, either as functions, ``tanh(w1)``, or as
methods, ``w1.tanh()``. The ops are read from the registry in
:mod:`autograd.ops`, so a new op there is usable here at once. Anything else
raises :class:`ExpressionError` naming what was not allowed.

Numbers are floats throughout, so ``10 ** 10 ** 10`` overflows at once
instead of building a huge integer.

This module is pure Python (no numpy): the demo page runs it in the browser
under Pyodide, and the docs build runs the same :func:`demo_result` to put the
default results into the page.

>>> f = evaluate("(w1 * x1).tanh() + w2 ** 2", {"w1": 0.2, "w2": 0.4, "x1": -0.4, "x2": 0.5})
>>> f.backward()
>>> round(f.data, 4), round(f.grad, 1)
(0.0802, 1.0)
>>> g = evaluate("z = w1 * x1; y = z.tanh()", {"w1": 0.2, "w2": 0.4, "x1": -0.4, "x2": 0.5})
>>> g.label, [x.label for x in g.inputs]
('y', ['z'])
>>> evaluate("__import__('os')", {"w1": 0, "w2": 0, "x1": 0, "x2": 0})
Traceback (most recent call last):
...
demo_model.ExpressionError: __import__ is not allowed: use w1, w2, x1, x2, numbers, + - * / ** and the ops exp, log, relu, tanh, sigmoid, abs, sqrt
"""

from __future__ import annotations

import ast
import math
import operator
import re
from typing import Mapping, NamedTuple

from autograd.examples import EXAMPLE_POINT, INPUT_LABELS, program
from autograd.graph import to_dot
from autograd.ops import OPS
from autograd.trace import backward_steps_data, trace
from autograd.value import Value, topological_order

VARIABLES = ("w1", "w2", "x1", "x2")
"""The names an expression may use, in the order the demo shows them."""

LABELS = dict(INPUT_LABELS)
"""How each variable is labelled in traces and graphs (as in the docs' worked example)."""

_SUBSCRIPTS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")
_POWERS = {"_sq": "²", "_cube": "³"}
_INDEXED = re.compile(r"(?P<base>(?:[A-Za-z][0-9]+)+)(?P<power>_sq|_cube)?")


def display_name(name: str) -> str:
    """How a step's name is shown: in the docs' style when it is written as the docs' names are.

    A name made of letters with an index each (``w1``, ``w1x1``), optionally
    ending in ``_sq`` or ``_cube``, shows its indices as subscripts and the
    power as a superscript: the reverse of :func:`autograd.graph.slug`, so the
    worked example's steps read as the docs name them. Any other name is shown
    as written.

    >>> display_name("w1x1"), display_name("w2_sq"), display_name("loss"), display_name("step30")
    ('w₁x₁', 'w₂²', 'loss', 'step30')
    """
    match = _INDEXED.fullmatch(name)
    if not match:
        return name
    return match["base"].translate(_SUBSCRIPTS) + _POWERS.get(match["power"] or "", "")

FUNCTIONS = tuple(name for name, op in OPS.items() if op.arity == 1 and not op.params and hasattr(Value, name))
"""The engine's one-input ops that a Value has as methods: usable as f(a) or a.f()."""

DEFAULT_EXPRESSION = program()
"""The worked example of the docs (:func:`autograd.examples.program`), one named step per node, named as there."""

DEFAULT_POINT = dict(EXAMPLE_POINT)
"""The inputs the demo starts from: the point of the docs' worked example."""

RESULT = "f"
"""The name of the result when the last line is an expression rather than an assignment."""

MAX_LENGTH = 1000  # room for a couple of dozen named steps
MAX_OPERATIONS = 60
"""At most this many operations (+, tanh(), ...: a node of the graph each) in a program.

Names make the graph's size independent of the text's length, and drawing the graph
is the slow part of an edit in the browser: its layout time grows steeply with the
number of nodes, to seconds for a hundred nodes that share inputs. The count is of
the operations in the graph that is drawn, so a step that only renames another
(``b = a``, which copies ``a`` as ``a + 0`` so that both names show) counts too.
Each operation is drawn as at most four nodes: its op, its value, its gradient and
one constant, so the graph has at most 4 × 60 nodes besides the four inputs.
"""

QUOTE_LENGTH = 40
"""Messages quote at most this many characters of what the reader typed, then its length."""

_BINARY = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.Pow: operator.pow,
}
_UNARY = {ast.USub: operator.neg, ast.UAdd: lambda a: a}  # a Value has no unary plus
_OPERATOR_SYMBOLS = {
    ast.FloorDiv: "//", ast.Mod: "%", ast.MatMult: "@", ast.LShift: "<<", ast.RShift: ">>",
    ast.BitOr: "|", ast.BitXor: "^", ast.BitAnd: "&", ast.Invert: "~", ast.Not: "not",
}
_CONSTRUCT_NAMES = {
    ast.Lambda: "a lambda", ast.ListComp: "a list comprehension",
    ast.SetComp: "a set comprehension", ast.DictComp: "a dict comprehension",
    ast.GeneratorExp: "a generator expression", ast.Subscript: "indexing",
    ast.Compare: "a comparison", ast.BoolOp: "and/or", ast.IfExp: "if/else",
    ast.NamedExpr: "an assignment (:=)", ast.JoinedStr: "an f-string",
    ast.List: "a list", ast.Tuple: "a tuple", ast.Dict: "a dict", ast.Set: "a set",
    ast.Starred: "unpacking (*)", ast.Slice: "a slice",
}
_STATEMENT_NAMES = {
    ast.AugAssign: "augmented assignment (+=, *= and the like)",
    ast.AnnAssign: "an annotated assignment (name: type = ...)",
    ast.Import: "import", ast.ImportFrom: "import",
    ast.FunctionDef: "def", ast.AsyncFunctionDef: "def", ast.ClassDef: "class",
    ast.Return: "return", ast.Delete: "del", ast.For: "a for loop", ast.AsyncFor: "a for loop",
    ast.While: "a while loop", ast.If: "an if statement", ast.With: "with", ast.AsyncWith: "with",
    ast.Raise: "raise", ast.Try: "try", ast.Assert: "assert", ast.Global: "global",
    ast.Nonlocal: "nonlocal", ast.Pass: "pass", ast.Break: "break", ast.Continue: "continue",
}
_TARGET_NAMES = {
    ast.Tuple: "several names at once (a, b = ...)", ast.List: "several names at once ([a, b] = ...)",
    ast.Attribute: "an attribute (a.b = ...)", ast.Subscript: "an item (a[0] = ...)",
    ast.Starred: "unpacking (*a = ...)",
}
_AUTOMATIC_NAME = re.compile(r"t[0-9]+")  # what autograd.trace calls unnamed nodes


class ExpressionError(ValueError):
    """The expression is not one the demo accepts; the message says what to change."""


class InputError(ValueError):
    """One input is not a finite number; ``field`` names it (``"w1"``, ...)."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


class Step(NamedTuple):
    """One line of a program: ``name = expression``, or the final expression (``name`` None)."""

    name: str | None
    expression: ast.expr


def _quote(text: str) -> str:
    """``text`` in quotes for a message: whole if short, else its start, "…" and its length.

    >>> _quote("abc"), _quote("9" * 1000)
    ("'abc'", "'9999999999999999999999999999999999999999'… (1000 characters)")
    """
    if len(text) <= QUOTE_LENGTH:
        return repr(text)
    return f"{text[:QUOTE_LENGTH]!r}… ({len(text)} characters)"


def _clip(name: str) -> str:
    """A name for a message, cut as :func:`_quote` cuts text, without the quotes."""
    return name if len(name) <= QUOTE_LENGTH else f"{name[:QUOTE_LENGTH]}… ({len(name)} characters)"


def _what_is_allowed() -> str:
    return (
        f"use {', '.join(VARIABLES)}, numbers, + - * / ** "
        f"and the ops {', '.join(FUNCTIONS)}"
    )


def _not_allowed(what: str) -> ExpressionError:
    return ExpressionError(f"{what} is not allowed: {_what_is_allowed()}")


def parse(text: str) -> list[Step]:
    """Parse ``text`` into its steps, refusing anything but the demo's subset.

    >>> [(step.name, type(step.expression).__name__) for step in parse("z = w1 * 2; z + 1")]
    [('z', 'BinOp'), (None, 'BinOp')]
    """
    if not isinstance(text, str):
        raise TypeError(f"the expression must be a str, got {type(text).__name__}")
    text = text.strip()
    if len(text) > MAX_LENGTH:
        raise ExpressionError(
            f"the expression has {len(text)} characters; at most {MAX_LENGTH} are accepted"
        )
    multiline = "\n" in text
    try:
        tree = ast.parse(text.replace("−", "-"), mode="exec")
    except SyntaxError as error:
        where = (f" on line {error.lineno}" if multiline and error.lineno else "") + (
            f" at column {error.offset}" if error.offset else ""
        )
        raise ExpressionError(f"not a valid expression{where}: {error.msg}") from None
    except (ValueError, RecursionError, MemoryError) as error:  # e.g. a 5000-digit literal
        raise ExpressionError(f"not a valid expression: {error}") from None
    if not tree.body:  # blank, or comments only
        raise ExpressionError(f"the expression is empty: {_what_is_allowed()}")
    operations = sum(isinstance(node, (ast.BinOp, ast.UnaryOp, ast.Call)) for node in ast.walk(tree))
    if operations > MAX_OPERATIONS:
        raise _too_many_operations(operations)
    assigned = _assignments(tree.body)
    steps: list[Step] = []
    for index, statement in enumerate(tree.body):
        try:
            steps.append(_step(statement, index == len(tree.body) - 1, steps, assigned))
        except RecursionError:
            raise ExpressionError("the expression is nested too deeply") from None
        except ExpressionError as error:
            raise ExpressionError(f"line {statement.lineno}: {error}" if multiline else str(error)) from None
    if steps[-1].name is None and RESULT in assigned:
        raise ExpressionError(
            f"{RESULT} names the result of the last line: assign {RESULT} on the last line "
            f"({RESULT} = ...), or give line {assigned[RESULT]} another name"
        )
    return steps


def _too_many_operations(operations: int) -> ExpressionError:
    return ExpressionError(
        f"the expression has {operations} operations; at most {MAX_OPERATIONS} are accepted "
        "(each is a node of the graph, and a bigger graph takes long to draw; "
        "a step that renames another, as in b = a, copies it and counts as one)"
    )


def _assignments(statements: list[ast.stmt]) -> dict[str, int]:
    """Each name the program assigns, with the line that first does (for messages about order)."""
    lines: dict[str, int] = {}
    for statement in statements:
        if isinstance(statement, ast.Assign) and len(statement.targets) == 1:
            target = statement.targets[0]
            if isinstance(target, ast.Name):
                lines.setdefault(target.id, statement.lineno)
    return lines


def _step(statement: ast.stmt, last: bool, earlier: list[Step], assigned: dict[str, int]) -> Step:
    """Check one statement, given the steps before it, and return it as a Step."""
    defined = {step.name for step in earlier}
    if isinstance(statement, ast.Expr):
        if not last:
            raise ExpressionError(
                "only the last line may be a bare expression: give this one a name, as in z = w1*x1"
            )
        _check(statement.value, defined, assigned)
        return Step(None, statement.value)
    if not isinstance(statement, ast.Assign):
        what = _STATEMENT_NAMES.get(type(statement), type(statement).__name__)
        raise ExpressionError(f"{what} is not allowed: write name = expression, or an expression")
    if len(statement.targets) > 1:
        raise ExpressionError("a = b = ... is not allowed: assign one name per step")
    target = statement.targets[0]
    if not isinstance(target, ast.Name):
        what = _TARGET_NAMES.get(type(target), "that")
        raise ExpressionError(f"assigning to {what} is not allowed: assign one plain name, as in z = w1*x1")
    _check_new_name(target.id, defined, assigned)
    _check(statement.value, defined, assigned)
    return Step(target.id, statement.value)


def _check_new_name(name: str, defined: set[str], assigned: dict[str, int]) -> None:
    if name in VARIABLES:
        raise ExpressionError(f"{name} is an input: it cannot be assigned; give this step another name")
    if name in FUNCTIONS:
        raise ExpressionError(f"{name} is an op: give this step another name")
    if name.startswith("_"):
        raise ExpressionError(f"the name {_clip(name)} starts with _: such names are reserved; drop the _")
    if _AUTOMATIC_NAME.fullmatch(name):
        raise ExpressionError(
            f"{_clip(name)} is how the trace names unnamed steps (t1, t2, ...): give this step another name"
        )
    if name in defined:
        raise ExpressionError(
            f"{_clip(name)} is assigned twice (first on line {assigned[name]}): give each step its own name"
        )


def _check(node: ast.AST, defined: set[str], assigned: dict[str, int]) -> None:
    """Raise ExpressionError on the first construct outside the allowed subset."""
    if isinstance(node, ast.Constant):
        value = node.value
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise _not_allowed(f"the constant {_quote(value) if isinstance(value, str) else _clip(repr(value))}")
    elif isinstance(node, ast.Name):
        if node.id in VARIABLES or node.id in defined:
            return
        if node.id in FUNCTIONS:
            raise ExpressionError(f"{node.id} is an op: call it, as in {node.id}(w1) or w1.{node.id}()")
        if node.id in assigned:
            raise ExpressionError(
                f"{_clip(node.id)} is used before it is assigned (on line {assigned[node.id]}): "
                "assign a name on a line above the ones that use it"
            )
        raise _not_allowed(f"the name {_quote(node.id)}")
    elif isinstance(node, ast.BinOp):
        if type(node.op) not in _BINARY:
            raise _not_allowed(f"the operator {_OPERATOR_SYMBOLS.get(type(node.op), '?')}")
        _check(node.left, defined, assigned)
        _check(node.right, defined, assigned)
    elif isinstance(node, ast.UnaryOp):
        if type(node.op) not in _UNARY:
            raise _not_allowed(f"the operator {_OPERATOR_SYMBOLS.get(type(node.op), '?')}")
        _check(node.operand, defined, assigned)
    elif isinstance(node, ast.Call):
        _check_call(node, defined, assigned)
    elif isinstance(node, ast.Attribute):
        raise _not_allowed(f"the attribute .{_clip(node.attr)}")
    else:
        raise _not_allowed(_CONSTRUCT_NAMES.get(type(node), type(node).__name__))


def _check_call(node: ast.Call, defined: set[str], assigned: dict[str, int]) -> None:
    func = node.func
    if isinstance(func, ast.Name):  # exp(a)
        if func.id not in FUNCTIONS:
            name = _clip(func.id)
            raise _not_allowed(name if func.id.startswith("__") else f"the function {name}()")
        if node.keywords or len(node.args) != 1:
            raise ExpressionError(f"{func.id}() takes exactly one argument, as in {func.id}(w1)")
        _check(node.args[0], defined, assigned)
    elif isinstance(func, ast.Attribute):  # a.exp()
        if func.attr not in FUNCTIONS:
            raise _not_allowed(f"the method .{_clip(func.attr)}()")
        if node.keywords or node.args:
            raise ExpressionError(f".{func.attr}() takes no arguments, as in w1.{func.attr}()")
        _check(func.value, defined, assigned)
    else:
        raise _not_allowed("calling the result of an expression")


def _evaluate(node: ast.expr, names: Mapping[str, Value | float]):
    """The value of a checked tree: a Value where a variable is involved, else a float."""
    if isinstance(node, ast.Constant):
        return _finite_number(node.value)
    if isinstance(node, ast.Name):
        return names[node.id]
    if isinstance(node, ast.BinOp):
        left, right = _evaluate(node.left, names), _evaluate(node.right, names)
        return _apply(_BINARY[type(node.op)], left, right)
    if isinstance(node, ast.UnaryOp):
        return _apply(_UNARY[type(node.op)], _evaluate(node.operand, names))
    if isinstance(node.func, ast.Name):
        name, argument = node.func.id, node.args[0]
    else:
        name, argument = node.func.attr, node.func.value
    return _apply(getattr(Value, name), _evaluate(argument, names))


def _finite_number(value) -> float:
    try:
        number = float(value)
    except OverflowError:
        number = math.inf
    if not math.isfinite(number):
        raise ExpressionError("a number in the expression does not fit in a float (it overflows to inf)")
    return number


def _apply(function, *arguments):
    """Apply an op; numbers alone are folded through the engine too, with its checks and errors."""
    if any(isinstance(a, Value) for a in arguments):
        return function(*arguments)
    first, *rest = arguments
    # A throwaway leaf, so that 1/0 or 10**400 fail with the engine's own message.
    return function(Value(first), *rest).data


def _named(value, name: str):
    """``value`` labelled ``name``; a node that already has a name (an input, a step) is copied first."""
    if not isinstance(value, Value):
        return value  # a plain number: it stays a constant, shown by its value
    if value.label is not None:
        value = value + 0.0  # a copy, so that the new name leaves the old one alone
    value.label = name
    return value


def evaluate(text: str, point: Mapping[str, float]) -> Value:
    """Build the graph of ``text`` at ``point`` (a value for each of w1, w2, x1, x2).

    The leaves are labelled w₁, w₂, x₁, x₂, each step by its name, and the
    result by the name its line assigns, or ``f`` for a final expression.
    Errors in the arithmetic (log of a negative number, overflow) are the
    engine's own.

    >>> evaluate("exp(w1) - x2", {"w1": 0.0, "w2": 0.0, "x1": 0.0, "x2": 0.5}).data
    0.5
    """
    root, _ = _build(text, read_point(point))
    return root


def _build(text: str, point: Mapping[str, float]) -> tuple[Value, dict[str, Value]]:
    steps = parse(text)
    leaves = {name: Value(point[name], label=LABELS[name]) for name in VARIABLES}
    names: dict[str, Value | float] = dict(leaves)
    try:
        for step in steps:
            value = _evaluate(step.expression, names)
            if step.name is not None:
                names[step.name] = value = _named(value, display_name(step.name))
    except RecursionError:
        raise ExpressionError("the expression is nested too deeply") from None
    if not isinstance(value, Value):
        raise ExpressionError(
            f"the expression uses none of {', '.join(VARIABLES)}, so there is nothing to differentiate"
        )
    root = _named(value, RESULT) if steps[-1].name is None else value
    # parse() bounded the operations written; count the ones drawn, copies made by renaming included.
    operations = sum(1 for node in topological_order(root) if node.inputs)
    if operations > MAX_OPERATIONS:
        raise _too_many_operations(operations)
    return root, leaves


def read_point(raw: Mapping[str, object]) -> dict[str, float]:
    """Each of w1, w2, x1, x2 as a finite float; text as typed in a form field is accepted.

    >>> read_point({"w1": "0.2", "w2": 0.4, "x1": "−0.4", "x2": " 5e-1 "})
    {'w1': 0.2, 'w2': 0.4, 'x1': -0.4, 'x2': 0.5}
    """
    return {name: _read_number(name, raw.get(name)) for name in VARIABLES}


def _read_number(name: str, raw) -> float:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        raise InputError(name, f"{name} is empty: enter a number, such as 0.5")
    if isinstance(raw, str):
        text = raw.strip().replace("−", "-")
        try:
            number = float(text)
        except ValueError:
            raise InputError(name, f"{name}: {_quote(raw.strip())} is not a number") from None
    elif isinstance(raw, (int, float)) and not isinstance(raw, bool):
        number = float(raw)
    else:
        raise InputError(name, f"{name} must be a number, got {type(raw).__name__}")
    if math.isnan(number):
        raise InputError(name, f"{name}: NaN is not a number the engine accepts")
    if math.isinf(number):
        raise InputError(
            name, f"{name}: {_clip(str(raw).strip())} does not fit in a float (the largest is about 1.8e308)"
        )
    return number


def demo_result(point: Mapping[str, object] | None = None, text: str = DEFAULT_EXPRESSION) -> dict:
    """Run the demo: build ``text`` at ``point``, backpropagate, and return plain JSON-able data.

    The keys are ``expression``, ``point`` (the four inputs as floats),
    ``name`` (the result's name: ``f``, or what the last line assigns),
    ``value`` (f), ``gradients`` (∂f/∂ each input; 0.0 for an unused one),
    ``trace`` (a list of rows with ``name``, ``expression``, ``data`` and
    ``grad``, in the order of :func:`autograd.trace.trace`) and ``dot`` (the
    graph as Graphviz DOT, from :func:`autograd.graph.to_dot`).

    Raises :class:`InputError` for a bad input, :class:`ExpressionError` for an
    expression outside the allowed subset, and the engine's own errors
    (ValueError, ArithmeticError, TypeError) for maths that fails.

    >>> result = demo_result()
    >>> round(result["value"], 4), len(result["trace"])
    (0.63, 13)
    >>> [row["name"] for row in result["trace"] if row["expression"] != "input"]
    ['w₁²', 'w₂²', 'w₁x₁', 'w₂x₂', 'z', 'u', 'R', 'G', 'f']
    >>> {name: round(g, 4) for name, g in result["gradients"].items()}
    {'w1': 0.1004, 'w2': 0.5246, 'x1': 0.0498, 'x2': 0.0996}
    """
    root, leaves = _build(text, read_point(DEFAULT_POINT if point is None else point))
    root.backward()
    return {
        "expression": text,
        "point": {name: leaves[name].data for name in VARIABLES},
        "name": root.label,
        "value": root.data,
        "gradients": {name: leaves[name].grad for name in VARIABLES},
        "trace": [
            {"name": row.name, "expression": row.expression, "data": row.data, "grad": row.grad}
            for row in trace(root)
        ],
        "dot": to_dot(root),
        "steps": backward_steps_data(root),  # the backward pass node by node, for the stepper
    }
