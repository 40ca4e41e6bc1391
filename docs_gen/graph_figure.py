"""The computational-graph figure: DOT from :func:`autograd.graph.to_dot`, SVG from WASM Graphviz.

Graphviz runs as ``node docs_gen/render_dot.mjs`` (the npm package ``@viz-js/viz``), so no
system Graphviz is needed. Each drawing is kept in the build cache (:mod:`docs_gen.cache`) by
its DOT text and the renderer, so a rebuild does not start Node for a graph it drew before.
"""

from __future__ import annotations

import functools
import re
import shutil
import subprocess
from pathlib import Path

from autograd.examples import sigmoid_neuron_with_l2
from autograd.graph import to_dot

from . import cache
from .source import REPO

RENDERER = Path(__file__).resolve().with_name("render_dot.mjs")
VIZ_PACKAGE = REPO / "node_modules" / "@viz-js" / "viz" / "package.json"


class RenderError(RuntimeError):
    """Graphviz could not render the DOT text, or node is missing."""


def draw_svg(dot: str) -> str:
    """The SVG document Graphviz makes of ``dot``, drawn now."""
    node = shutil.which("node")
    if node is None:
        raise RenderError("rendering a graph needs Node.js (`node` on PATH) and `npm ci` run in the repository")
    result = subprocess.run([node, str(RENDERER)], input=dot, capture_output=True, text=True, cwd=REPO, check=False)
    if result.returncode != 0:
        raise RenderError(f"{RENDERER.name} failed ({result.returncode}): {result.stderr.strip()}")
    return result.stdout


@functools.lru_cache(maxsize=8)
def render_svg(dot: str) -> str:
    """The SVG document Graphviz makes of ``dot``: :func:`draw_svg`, kept in the build cache."""

    def draw(folder: Path) -> None:
        (folder / "graph.svg").write_text(draw_svg(dot), encoding="utf-8")

    inputs = [dot, RENDERER, VIZ_PACKAGE if VIZ_PACKAGE.is_file() else "no @viz-js/viz"]
    return (cache.folder("graph", inputs, draw, keep=50) / "graph.svg").read_text(encoding="utf-8")


def inline_svg(svg: str) -> str:
    """``svg`` ready to put inside HTML: no XML declaration, doctype or comments."""
    svg = svg[svg.index("<svg"):]
    return re.sub(r"<!--.*?-->\n?", "", svg, flags=re.S)


def worked_example_dot() -> str:
    """DOT of f = σ(w₁x₁ + w₂x₂) + 0.5(w₁² + w₂²) at the example point, after ``backward()``."""
    return to_dot(sigmoid_neuron_with_l2())


def worked_example_svg() -> str:
    """The worked example's graph as a standalone SVG document."""
    return render_svg(worked_example_dot())


def worked_example_html() -> str:
    """The worked example's graph as an inline ``<svg>``, node ids kept, wrapped for the page's CSS."""
    return f'<div class="autograd-graph">\n{inline_svg(worked_example_svg())}</div>\n'
