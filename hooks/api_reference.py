"""List every public module of the package on the API reference page, so a new module cannot be forgotten.

The page holds the marker ``<!-- autograd-modules -->``; this hook replaces it
with one mkdocstrings ``::: autograd.<module>`` block per module, in the order
of ``ORDER`` and then alphabetically.
"""

from __future__ import annotations

import pkgutil
from pathlib import Path

MARKER = "<!-- autograd-modules -->"
PACKAGE = Path(__file__).resolve().parent.parent / "autograd"
# The reader's path: the engine first, then what is built on it, then the tools around it.
ORDER = ["value", "ops", "tensor", "nn", "optim", "datasets", "trace", "graph", "gradcheck", "examples"]


def modules() -> list[str]:
    names = [m.name for m in pkgutil.iter_modules([str(PACKAGE)]) if not m.name.startswith("_")]
    return sorted(names, key=lambda n: (ORDER.index(n) if n in ORDER else len(ORDER), n))


def on_page_markdown(markdown, page, **kwargs):
    if MARKER not in markdown:
        return markdown
    blocks = "\n".join(f"::: autograd.{name}\n" for name in modules())
    return markdown.replace(MARKER, blocks)
