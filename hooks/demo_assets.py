"""MkDocs hook for the live demo page (docs/demo.md): its build-time results and its engine.

* On the demo page, the marker ``<div id="autograd-demo"></div>`` becomes the
  whole widget, rendered now by ``docs/demo/demo_view.py`` with the default
  inputs, so the page shows the engine's numbers before any script runs.
* After the build, the files the page loads in the browser are put beside
  ``demo/demo.js`` in the built site: ``autograd.zip`` (the pure-Python
  package, zipped from this repository's ``autograd/``), Pyodide from
  ``node_modules/pyodide`` and the Graphviz WASM build from
  ``node_modules/@viz-js/viz``. Nothing is written into ``docs/``.
* Pyodide also gets a memory snapshot of an interpreter that has finished
  starting, made here by booting the same Pyodide under Node. The page loads
  it instead of starting Python from scratch, which is most of the wait
  (seconds, on a slow machine); it falls back to a plain start if that fails.
  The page preloads these big files so their download starts while it parses.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import zipfile
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.utils import get_relative_url

REPO = Path(__file__).resolve().parent.parent
PAGE = "demo.md"
MARKER = '<div id="autograd-demo"></div>'
ASSETS = "demo"  # docs/demo/ holds demo.js, demo.css and demo_view.py; the built files go beside them
PACKAGE = REPO / "autograd"
PYODIDE = REPO / "node_modules" / "pyodide"
# What loadPyodide fetches to start Python with its standard library; no packages are loaded.
PYODIDE_FILES = ("pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", "python_stdlib.zip", "pyodide-lock.json")
VIZ = REPO / "node_modules" / "@viz-js" / "viz" / "dist" / "viz.js"  # ES module, WASM inlined
ZIP_DATE = (1980, 1, 1, 0, 0, 0)  # fixed, so the same source gives the same archive
SNAPSHOT = "snapshot.bin"
EARLY_FILES = (
    "pyodide/pyodide.mjs", "pyodide/pyodide.asm.mjs", "pyodide/pyodide.asm.wasm",
    f"pyodide/{SNAPSHOT}", "pyodide/python_stdlib.zip",
)
# Boot Pyodide in Node and save its memory once Python is up (Pyodide's own, if private, API).
MAKE_SNAPSHOT = """
import { loadPyodide } from "pyodide";
import { writeFileSync } from "node:fs";
const pyodide = await loadPyodide({ _makeSnapshot: true });
writeFileSync(process.env.SNAPSHOT_PATH, pyodide.makeMemorySnapshot());
"""
_snapshots: dict[str, bytes] = {}  # by Pyodide version: `mkdocs serve` rebuilds make it once


def _demo_view(config):
    path = Path(config["docs_dir"]) / ASSETS / "demo_view.py"
    spec = importlib.util.spec_from_file_location("demo_view", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _graph_svg(dot: str) -> str:
    # The site's one way to draw a graph, so the build-time figure matches the other pages'.
    from docs_gen.graph_figure import inline_svg, render_svg

    return inline_svg(render_svg(dot))


def on_page_content(html, page, config, files):
    if page.file.src_uri != PAGE:
        return html
    if MARKER not in html:
        raise PluginError(f"demo: {PAGE} must contain the marker {MARKER}")
    view = _demo_view(config)

    def here(name):
        return get_relative_url(f"{ASSETS}/{name}", page.url)

    # Start the engine's big downloads while the page is still being parsed, not after it.
    preloads = "".join(
        f'<link rel="modulepreload" href="{here(name)}">\n' if name.endswith(".mjs")
        else f'<link rel="preload" href="{here(name)}" as="fetch" crossorigin>\n'
        for name in EARLY_FILES
    )
    widget = (
        f'<link rel="stylesheet" href="{here("demo.css")}">\n{preloads}'
        f"{view.widget_html(_graph_svg)}\n"
        f'<script type="module" src="{here("demo.js")}"></script>'
    )
    return html.replace(MARKER, widget)


def _zip_package(target: Path) -> None:
    sources = sorted(p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts)
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sources:
            info = zipfile.ZipInfo(path.relative_to(REPO).as_posix(), ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, path.read_bytes())


def _pyodide_snapshot(target: Path) -> None:
    version = (PYODIDE / "package.json").read_text(encoding="utf-8")
    if version not in _snapshots:
        result = subprocess.run(
            ["node", "--input-type=module", "-e", MAKE_SNAPSHOT],
            cwd=REPO, env={**os.environ, "SNAPSHOT_PATH": str(target)},
            capture_output=True, text=True, check=False,
        )
        if result.returncode != 0:
            raise PluginError(f"demo: making the Pyodide snapshot failed: {result.stderr.strip()[-2000:]}")
        _snapshots[version] = target.read_bytes()
    else:
        target.write_bytes(_snapshots[version])


def on_post_build(config):
    target = Path(config["site_dir"]) / ASSETS
    missing = [name for name in PYODIDE_FILES if not (PYODIDE / name).is_file()]
    if missing or not VIZ.is_file():
        raise PluginError(
            f"demo: node_modules lacks {', '.join(missing) or VIZ.name}; run `npm ci` (bash dev.sh does)"
        )
    (target / "pyodide").mkdir(parents=True, exist_ok=True)
    for name in PYODIDE_FILES:
        shutil.copyfile(PYODIDE / name, target / "pyodide" / name)
    (target / "viz").mkdir(exist_ok=True)
    shutil.copyfile(VIZ, target / "viz" / "viz.js")
    _zip_package(target / "autograd.zip")
    _pyodide_snapshot(target / "pyodide" / SNAPSHOT)
