"""The runtime's build step (hooks/runtime_assets.py) and its Python runner (docs/runtime/runner.py), without a browser."""

from __future__ import annotations

import doctest
import importlib.util

import pytest

import sitetools

REPO = sitetools.REPO


def _load(name, path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


hook = _load("runtime_assets_hook", REPO / "hooks" / "runtime_assets.py")
runner = _load("runner", REPO / "docs" / "runtime" / "runner.py")


def test_runner_examples_hold():
    failed, attempted = doctest.testmod(runner)
    assert attempted > 0 and failed == 0


@pytest.mark.parametrize(
    "code, runs",
    [
        ("from autograd import Value\nprint(Value(1.0))", True),
        ("import math\nfrom autograd.trace import trace", True),
        ("from autograd.tensor import Tensor", False),  # numpy
        ("import numpy as np", False),
        ("from docs_gen.source import excerpt", False),  # the build's helpers are not in the browser
        ("import matplotlib.pyplot as plt", False),
        ("print(open('README.md').read())", False),  # the build's files are not either
        ("def broken(:", False),
    ],
)
def test_a_block_runs_in_the_browser_only_with_the_package_and_the_standard_library(code, runs):
    assert hook.runs_in_browser(code) is runs


def test_the_modules_that_need_numpy_are_found_through_their_imports():
    heavy = hook.numpy_modules()
    assert {"autograd.tensor", "autograd.tensor_nn"} <= heavy
    assert not {"autograd.value", "autograd.nn", "autograd.trace", "autograd.graph"} & heavy


def test_blocks_with_visible_source_are_wrapped_with_their_session():
    markdown = "\n".join([
        "Text.",
        '```python exec="1" source="above" result="text" session="s1"',
        "from autograd import Value",
        "x = Value(2.0)",
        "```",
        '```python exec="1"',  # source hidden: the reader sees only output, nothing to run
        "print(1)",
        "```",
        '```python exec="1" source="above" result="text"',
        "from autograd.tensor import Tensor",  # needs numpy
        "```",
        '```python exec="1" source="above" result="text" session="s1"',
        "print(x)",
        "```",
    ])
    marked = hook.mark_runnable_blocks(markdown)
    assert marked.count('<div class="ag-block"') == 2
    assert marked.count('data-ag-session="s1"') == 2
    assert "print(1)\n```" in marked and "Tensor\n```" in marked
    # The fences themselves are untouched: markdown-exec runs the same code as before.
    for line in markdown.splitlines():
        assert line in marked


def test_the_trimmed_standard_library_keeps_what_runner_and_reader_code_import(tmp_path):
    """Boots Pyodide under Node once (a few seconds)."""
    import io
    import zipfile

    stdlib = zipfile.ZipFile(io.BytesIO(hook.trimmed_stdlib(hook.site_python_archive(), tmp_path)))
    names = set(stdlib.namelist())
    for module in ("json/__init__.pyc", "traceback.pyc", "random.pyc", "dataclasses.pyc", "ast.pyc", "linecache.pyc"):
        assert module in names, module
    full = zipfile.ZipFile(hook.PYODIDE / "python_stdlib.zip")
    assert len(names) < len(full.namelist()) / 2
