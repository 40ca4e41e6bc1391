"""Code excerpts pulled from the package source at build time, so a page never shows stale code."""

from __future__ import annotations

import ast
import inspect
import textwrap
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def _fence(code: str, path: Path, first: int, last: int, note: str = "") -> str:
    where = path.resolve().relative_to(REPO).as_posix()
    return f'```python title="{where}, lines {first}–{last}{note}"\n{code.rstrip()}\n```\n'


def excerpt(obj, docstring: bool = False) -> str:
    """A fenced code block with the source of a function, method or class.

    Its title names the file and lines it came from. Unless ``docstring=True``,
    the docstring is left out, to keep the excerpt short (the API reference
    shows docstrings in full).
    """
    lines, first = inspect.getsourcelines(obj)
    path = Path(inspect.getsourcefile(obj))
    last = first + len(lines) - 1
    note = ""
    if not docstring:
        definition = ast.parse(textwrap.dedent("".join(lines))).body[0]
        body = definition.body
        if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) \
                and isinstance(body[0].value.value, str):
            start, end = body[0].lineno - 1, body[0].end_lineno  # 0-based, end exclusive
            lines = lines[:start] + lines[end:]
            note = ", docstring left out"
    return _fence(textwrap.dedent("".join(lines)), path, first, last, note)


def registry_entry(op_name: str) -> str:
    """A fenced code block with the ``Op(...)`` entry of ``op_name`` in autograd/ops.py."""
    from autograd import ops

    path = Path(inspect.getsourcefile(ops))
    text = path.read_text(encoding="utf-8")
    for node in ast.walk(ast.parse(text)):
        if (isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Op" and node.args
                and isinstance(node.args[0], ast.Constant) and node.args[0].value == op_name):
            segment = ast.get_source_segment(text, node, padded=True)
            return _fence(textwrap.dedent(segment), path, node.lineno, node.end_lineno)
    raise LookupError(f"no Op({op_name!r}, ...) entry in {path}")
