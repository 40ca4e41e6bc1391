"""The computational-graph figure: DOT from :func:`autograd.graph.to_dot`, SVG from WASM Graphviz.

Graphviz runs as ``node scripts/render_dot.mjs`` (the npm package
``@viz-js/viz``), so no system Graphviz is needed.
"""

from __future__ import annotations

import functools
import re
import shutil
import subprocess

from autograd.examples import sigmoid_neuron_with_l2
from autograd.graph import to_dot

from .source import REPO

RENDERER = REPO / "scripts" / "render_dot.mjs"


class RenderError(RuntimeError):
    """Graphviz could not render the DOT text, or node is missing."""


@functools.lru_cache(maxsize=8)
def render_svg(dot: str) -> str:
    """The SVG document Graphviz makes of ``dot``."""
    node = shutil.which("node")
    if node is None:
        raise RenderError("rendering a graph needs Node.js (`node` on PATH) and `npm ci` run in the repository")
    result = subprocess.run(
        [node, str(RENDERER)], input=dot, capture_output=True, text=True, cwd=REPO, check=False
    )
    if result.returncode != 0:
        raise RenderError(f"{RENDERER.name} failed ({result.returncode}): {result.stderr.strip()}")
    return result.stdout


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
