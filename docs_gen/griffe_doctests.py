"""A Griffe extension for the API reference: docstrings written for doctest and Sphinx, read as Markdown.

The package's docstrings hold doctests (``>>>`` lines and their output) in
running text, where Markdown would read ``>>>`` as a nested quote and ``[...]``
output as a link. This wraps every doctest block, from its first ``>>>`` line
to the next blank line, in a ```` ```pycon ```` fence. Sphinx roles such as
``:func:`trace``` become plain inline code.

>>> fence_doctests("Text.\\n\\n>>> 1 + 1\\n2\\n\\nMore.").splitlines()
['Text.', '', '```pycon', '>>> 1 + 1', '2', '```', '', 'More.']
"""

from __future__ import annotations

import re

import griffe

SPHINX_ROLE = re.compile(r":(?:mod|func|class|meth|data|attr|exc|obj):`~?([^`]+)`")


def plain_roles(text: str) -> str:
    """``:func:`name``` -> ```name```.

    >>> plain_roles("see :meth:`Value.backward` and :mod:`autograd.ops`")
    'see `Value.backward` and `autograd.ops`'
    """
    return SPHINX_ROLE.sub(r"`\1`", text)


def fence_doctests(text: str) -> str:
    out: list[str] = []
    in_doctest = in_fence = False
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("```") and not in_doctest:
            in_fence = not in_fence
        elif not in_fence and not in_doctest and stripped.startswith(">>>"):
            indent = line[: len(line) - len(line.lstrip())]
            out.append(f"{indent}```pycon")
            in_doctest = True
        elif in_doctest and not stripped:
            out.append(f"{indent}```")
            in_doctest = False
        out.append(line)
    if in_doctest:
        out.append(f"{indent}```")
    return "\n".join(out)


class DoctestFences(griffe.Extension):
    """Fence the doctests of every docstring Griffe loads."""

    def on_object(self, *, obj, **kwargs) -> None:
        if obj.docstring is not None:
            obj.docstring.value = fence_doctests(plain_roles(obj.docstring.value))
