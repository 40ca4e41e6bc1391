"""The README's Python examples run, so the README cannot go stale."""

import re
from pathlib import Path

README = Path(__file__).resolve().parents[2] / "README.md"


def python_blocks():
    return re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), flags=re.S)


def test_readme_has_a_short_python_example():
    blocks = python_blocks()
    assert blocks and all(len(block.strip().splitlines()) <= 12 for block in blocks)


def test_readme_python_examples_run(capsys):
    for block in python_blocks():
        exec(compile(block, str(README), "exec"), {})
    printed = capsys.readouterr().out
    assert "dy/dw =" in printed and "accuracy after 50 epochs:" in printed
