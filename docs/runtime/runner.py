"""Run a reader's code block in the browser's Python, as the docs build ran it.

The runtime's worker (``runtime/worker.js``) calls :func:`run` for every press
of "Run". Two kinds of block exist on the site:

* ``"script"``: a markdown-exec block. Its stdout is the output, as at build
  time. Blocks that the build ran in one session first replay the blocks
  before them in the same fresh namespace (``setup``).
* ``"doctest"``: an example in the API reference (``>>>`` lines). Each
  ``>>>`` statement is run as the interactive interpreter runs it, in a copy
  of its module's globals (as doctest does), and the transcript is the output.

An exception shows a short traceback: only the frames of the reader's own code,
each with its line, then the exception itself; never the runtime's frames.

>>> run("print(1 + 1)")["output"]
'2'
>>> out = run("x = 1\\ny = x / 0")
>>> print(out["output"])
Traceback (most recent call last):
  line 2, in <module>
    y = x / 0
ZeroDivisionError: division by zero
>>> out["error"], out["line"]
(True, 2)
>>> run(">>> 1 + 1\\n2\\n>>> int('x')", kind="doctest")["output"].splitlines()
['>>> 1 + 1', '2', ">>> int('x')", 'Traceback (most recent call last):', '...', "ValueError: invalid literal for int() with base 10: 'x'"]
"""

from __future__ import annotations

import contextlib
import importlib
import io
import linecache
import sys
import traceback

BLOCK = "<your code>"
"""The file name the reader's code is compiled under, so its frames can be told from the runtime's."""

MAX_LINES = 60
MAX_CHARS = 6000
"""Output longer than this (about a screen) is cut, with a note saying how much was left out."""


def _remember(code: str, filename: str) -> None:
    # Let traceback show the reader's lines, as it does for a file.
    linecache.cache[filename] = (len(code), None, code.splitlines(keepends=True), filename)


def short_traceback(error: BaseException, filename: str = BLOCK) -> tuple[str, int | None]:
    """The traceback of ``error`` through the reader's frames only, and the last of their line numbers."""
    frames = [frame for frame in traceback.extract_tb(error.__traceback__) if frame.filename == filename]
    lines = ["Traceback (most recent call last):\n"]
    for frame in frames:
        lines.append(f"  line {frame.lineno}, in {frame.name}\n")
        if frame.line:
            lines.append(f"    {frame.line.strip()}\n")
    if isinstance(error, SyntaxError) and error.filename == filename:
        lines.append(f"  line {error.lineno}\n")
        if error.text:
            lines.append(f"    {error.text.strip()}\n")
        frames_line = error.lineno
    else:
        frames_line = frames[-1].lineno if frames else None
    lines.extend(traceback.format_exception_only(type(error), error))
    return "".join(lines).rstrip("\n"), frames_line


def shorten(text: str, max_lines: int = MAX_LINES, max_chars: int = MAX_CHARS) -> tuple[str, str | None]:
    """``text`` cut to at most ``max_lines`` lines and ``max_chars`` characters, and a note if it was cut.

    >>> shorten("a\\nb\\nc", max_lines=2)
    ('a\\nb', 'Output shortened: showing 2 of 3 lines.')
    """
    lines = text.split("\n")
    if len(lines) <= max_lines and len(text) <= max_chars:
        return text, None
    kept = "\n".join(lines[:max_lines])[:max_chars]
    shown = kept.count("\n") + 1
    return kept, f"Output shortened: showing {shown} of {len(lines)} lines."


def _module_globals(path: str | None) -> dict:
    """A fresh namespace: ``__main__``'s, or a copy of the globals of the module that defines ``path``.

    ``path`` is an object's dotted path, as the API reference names it (``autograd.value.Value.backward``);
    its module is the longest prefix that imports, as doctest runs a docstring in its module's globals.
    """
    if not path:
        return {"__name__": "__main__"}
    parts = path.split(".")
    for end in range(len(parts), 0, -1):
        try:
            return dict(vars(importlib.import_module(".".join(parts[:end]))))
        except ImportError:
            continue
    raise ImportError(f"no module for {path}")


def _run_script(code: str, namespace: dict, out: io.StringIO, filename: str) -> tuple[bool, int | None]:
    _remember(code, filename)
    try:
        compiled = compile(code, filename, "exec")
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
            exec(compiled, namespace)
    except (Exception, KeyboardInterrupt, SystemExit) as error:  # the reader's error: shown, not raised
        text, line = short_traceback(error, filename)
        out.write(text)
        return True, line
    return False, None


def doctest_examples(text: str) -> list[str]:
    """The statements of a ``>>>`` transcript, continuation lines (``...``) joined to theirs.

    >>> doctest_examples(">>> for i in range(2):\\n...     i\\n0\\n1\\n>>> 3")
    ['for i in range(2):\\n    i\\n', '3\\n']
    """
    examples: list[str] = []
    in_source = False  # the line before was a statement's, so "..." continues it (not an elided output)
    for line in text.split("\n"):
        stripped = line.strip()
        if stripped == ">>>" or stripped.startswith(">>> "):
            examples.append(stripped[4:] + "\n")
            in_source = True
        elif in_source and (stripped == "..." or stripped.startswith("... ")):
            examples[-1] += stripped[4:] + "\n"
        else:
            in_source = False
    return examples


def _run_doctest(text: str, namespace: dict, out: io.StringIO, filename: str) -> tuple[bool, int | None]:
    failed, first_line = False, None
    for number, source in enumerate(doctest_examples(text), start=1):
        shown = source.rstrip("\n").split("\n")
        out.write(">>> " + shown[0] + "\n" + "".join(f"... {line}\n" for line in shown[1:]))
        _remember(source, filename)
        printed = io.StringIO()
        try:
            compiled = compile(source, filename, "single")
            with contextlib.redirect_stdout(printed), contextlib.redirect_stderr(printed):
                exec(compiled, namespace)
            out.write(printed.getvalue())
        except (Exception, KeyboardInterrupt, SystemExit) as error:
            out.write(printed.getvalue())
            out.write("Traceback (most recent call last):\n...\n")
            out.write("".join(traceback.format_exception_only(type(error), error)))
            failed, first_line = True, first_line or number
    return failed, first_line


def run(code: str, kind: str = "script", setup: list[str] | tuple = (), module: str | None = None) -> dict:
    """Run one block; returns ``{"output", "note", "error", "line", "setup_failed"}`` (JSON-able).

    ``setup`` is the code of the blocks before this one in its session, run
    first in the same namespace with their output discarded; if one of them
    fails, ``setup_failed`` is its position and nothing more runs.
    """
    namespace = _module_globals(module)
    runner = _run_doctest if kind == "doctest" else _run_script
    for position, earlier in enumerate(setup):
        failed, _ = runner(earlier, namespace, io.StringIO(), f"<block {position + 1}>")
        if failed:
            return {"output": "", "note": None, "error": True, "line": None, "setup_failed": position}
    out = io.StringIO()  # stdout and stderr, in the order they were written
    failed, line = runner(code, namespace, out, BLOCK)
    text, note = shorten(out.getvalue().rstrip("\n"))
    return {"output": text, "note": note, "error": failed, "line": line, "setup_failed": None}


if __name__ == "__main__":  # pragma: no cover
    sys.stdout.write(run(sys.stdin.read())["output"] + "\n")
