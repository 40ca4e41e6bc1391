"""The Live demo page (docs/demo.md): the widget with the results for the default inputs, computed at build time.

The widget's markup comes from the demo's own Python, ``docs/demo/demo_view.py``, which the
browser runs too (under Pyodide), so the page shows the engine's numbers before any script
runs and the live demo redraws exactly the same thing. The graph is drawn the site's one way
(:mod:`docs_gen.graph_figure`).
"""

from __future__ import annotations

import importlib.util
import sys

from .graph_figure import inline_svg, render_svg
from .source import REPO

FOLDER = REPO / "docs" / "demo"  # demo_view.py, demo_model.py, demo.js and demo.css
# The page is demo/ (demo.md) and its files are copied beside it into demo/, so they are named as they are.
STYLESHEET, SCRIPT = "demo.css", "demo.js"


def demo_view():
    """``docs/demo/demo_view.py``, imported afresh (with ``demo_model`` beside it) for each build."""
    for name in ("demo_view", "demo_model"):
        sys.modules.pop(name, None)
    sys.path.insert(0, str(FOLDER))
    try:
        spec = importlib.util.spec_from_file_location("demo_view", FOLDER / "demo_view.py")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module
    finally:
        sys.path.remove(str(FOLDER))


def widget() -> str:
    """The demo's stylesheet, its widget for the default inputs and its script, as HTML."""
    view = demo_view().widget_html(lambda dot: inline_svg(render_svg(dot)))
    return (
        f'<link rel="stylesheet" href="{STYLESHEET}">\n'
        f"{view}\n"
        f'<script type="module" src="{SCRIPT}"></script>\n'
    )
