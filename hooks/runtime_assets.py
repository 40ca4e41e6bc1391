"""MkDocs hook for the site's in-browser Python runtime (``docs/runtime/``) and its first user, the live demo.

Pages:

* Every Python block that markdown-exec runs with its source shown, and that
  needs only the package and the standard library, is wrapped in
  ``<div class="ag-block" data-ag-session="...">`` so that ``runtime/blocks.js``
  can give it Run, Edit and Reset. The examples of the API reference get the
  same controls: the page says which modules' examples run in the browser.
* The pages whose point is the engine (:data:`EARLY_START`, the live demo) are
  marked so that their ``<head>`` starts the runtime's worker before anything
  else loads (``overrides/main.html``).
* ``runtime/sw.js``, the site's service worker for offline reading, is served as
  ``sw.js`` at the site's root, so that its scope is the whole site.

Assets: :func:`build_runtime_assets` writes everything the runtime downloads
into ``site/runtime/assets/``, each file gzip-compressed and named by its
content's hash, listed in ``manifest.json``. It is a pure function of its
inputs (Pyodide and CodeMirror from ``node_modules``, Graphviz, this
repository's ``autograd/`` and the site's Python: :func:`runtime_inputs`), so
the build keeps its output in the build cache (``docs_gen.cache``) and makes it
again only when one of them changed.
No memory snapshot is shipped: a reader's first start is cold, from a standard
library trimmed to the modules the site's code and common reader code import
(found by booting the same Pyodide under Node, which also compiles it and the
site's own Python to ``.pyc``), and the browser then makes its own snapshot for
later starts (``runtime/worker.js``). ``benchmarks/runtime_timing.py``
measures why: a build-time snapshot would add more to the first download than the
cold boot costs.
"""

from __future__ import annotations

import ast
import functools
import gzip
import hashlib
import io
import json
import os
import re
import subprocess
import zipfile
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.utils import get_relative_url

REPO = Path(__file__).resolve().parent.parent
DOCS = REPO / "docs"
PACKAGE = REPO / "autograd"
NODE_MODULES = REPO / "node_modules"
PYODIDE = NODE_MODULES / "pyodide"
VIZ = NODE_MODULES / "@viz-js" / "viz" / "dist" / "viz.js"  # ES module, WASM inlined
EDITOR_ENTRY = DOCS / "runtime" / "editor" / "entry.js"
# The site's own Python that the browser runs beside the package: file in docs/ -> name in the archive.
SITE_PYTHON = {
    DOCS / "runtime" / "runner.py": "runner.py",
    DOCS / "demo" / "demo_model.py": "demo_model.py",
    DOCS / "demo" / "demo_view.py": "demo_view.py",
}
ASSETS = "runtime/assets"
API_PAGE = "api.md"
ZIP_DATE = (1980, 1, 1, 0, 0, 0)  # fixed, so the same source gives the same archive
# Modules a reader's code commonly imports; with what the site's code imports, they make the trimmed stdlib.
READER_MODULES = (
    "math random statistics itertools functools collections json re fractions time datetime textwrap "
    "string dataclasses typing enum operator copy pprint traceback ast io contextlib numbers heapq bisect"
).split()
BROWSER_UNAVAILABLE = {"numpy", "matplotlib", "torch", "docs_gen"}  # what the runtime does not have

# Boot Pyodide under Node with its full standard library, run what the browser will run, and write
# the standard-library modules that got imported, compiled by that same Python, as a zip of .pyc files.
FIND_STDLIB = """
import { loadPyodide } from "pyodide";
import { readFileSync, writeFileSync } from "node:fs";
// Compiled without the column tables of each instruction (python -X no_debug_ranges): a quarter of the
// compressed standard library. They only place the ^^^ markers under a line of a traceback, and the
// runtime's tracebacks show the reader's own code, which the browser compiles with them.
const pyodide = await loadPyodide({ env: { PYTHONNODEBUGRANGES: "1" } });
pyodide.unpackArchive(new Uint8Array(readFileSync(process.env.SITE_PYTHON)), "zip", { extractDir: "/home/pyodide/site" });
pyodide.runPython(process.env.EXERCISE);
writeFileSync(process.env.STDLIB_OUT, pyodide.FS.readFile("/tmp/stdlib.zip"));
writeFileSync(process.env.SITE_PYC_OUT, pyodide.FS.readFile("/tmp/site-pyc.zip"));
"""
EXERCISE = """
import sys
sys.path.insert(0, "/home/pyodide/site")
import json, autograd, runner, demo_view
for name in {modules!r}:
    __import__(name)
runner.run("from autograd import Value\\nx = Value(2.0)\\n(x * x).backward()\\nprint(x.grad)\\n1 / 0")
runner.run(">>> 1 + 1\\n2\\n>>> int('x')", kind="doctest", module="autograd.value.Value")
demo_view.compute(json.dumps({{"w1": "1", "w2": "2", "x1": "3", "x2": "4", "f": "log(w1) + z"}}))
stdlib = next(p for p in sys.path if p.endswith(".zip"))
used = sorted({{m.__file__[len(stdlib) + 1:] for m in list(sys.modules.values())
                if (getattr(m, "__file__", None) or "").startswith(stdlib + "/")}})
# Compiled ahead (unchecked-hash .pyc, as CPython writes them): importing then skips compiling
# the source, which is most of a cold start's work. Docstrings are left out (as python -OO does: the
# standard library's are a third of its size). Entries are stored, not deflated: the whole file is
# gzipped for the journey, which compresses better across modules, and import needs no inflating.
import zipfile, importlib._bootstrap_external as bootstrap
source = zipfile.ZipFile(stdlib)
with zipfile.ZipFile("/tmp/stdlib.zip", "w", zipfile.ZIP_STORED) as out:
    for name in used:
        code = compile(source.read(name), f"{{stdlib}}/{{name}}", "exec", dont_inherit=True, optimize=2)
        info = zipfile.ZipInfo(name + "c", (1980, 1, 1, 0, 0, 0))
        out.writestr(info, bootstrap._code_to_hash_pyc(code, bytes(8), checked=False))
# The site's own Python compiled the same way, into __pycache__ beside each source (sources and their
# docstrings stay: tracebacks and help() read them): importing autograd then compiles nothing either.
import importlib.util, pathlib
home = pathlib.Path("/home/pyodide/site")
with zipfile.ZipFile("/tmp/site-pyc.zip", "w", zipfile.ZIP_STORED) as out:
    for path in sorted(home.rglob("*.py")):
        code = compile(path.read_bytes(), str(path), "exec", dont_inherit=True)
        cached = pathlib.Path(importlib.util.cache_from_source(str(path))).relative_to(home).as_posix()
        out.writestr(zipfile.ZipInfo(cached, (1980, 1, 1, 0, 0, 0)), bootstrap._code_to_hash_pyc(code, bytes(8), checked=False))
"""


# ---------------------------------------------------------------- the runtime's files


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:12]


def _zip(files: dict[str, bytes]) -> bytes:
    # Entries are stored, not deflated: the whole file is gzipped for the journey, which compresses
    # better across files (a source and its .pyc share their names and strings).
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for name in sorted(files):
            archive.writestr(zipfile.ZipInfo(name, ZIP_DATE), files[name])
    return buffer.getvalue()


def site_python_archive(compiled: dict[str, bytes] | None = None) -> bytes:
    """The package (pure-Python modules, as in the repository) and the site's browser-side Python, zipped,
    with ``compiled`` (their ``__pycache__`` files, from :func:`compiled_python`) if given."""
    files = {
        path.relative_to(REPO).as_posix(): path.read_bytes()
        for path in sorted(PACKAGE.rglob("*.py")) if "__pycache__" not in path.parts
    }
    files.update({name: path.read_bytes() for path, name in SITE_PYTHON.items()})
    files.update(compiled or {})
    return _zip(files)


def _node(script: str, env: dict[str, str]) -> str:
    result = subprocess.run(
        ["node", "--input-type=module", "-e", script], cwd=REPO,
        env={**os.environ, **env}, capture_output=True, text=True, check=False,
    )
    if result.returncode != 0:
        # Node prints the minified line an error came from; the message is on the last "Error" line.
        lines = [line[:500] for line in result.stderr.splitlines() if "Error" in line] or [result.stderr[-500:]]
        raise PluginError(f"runtime: Node failed: {lines[-1]}")
    return result.stdout


def compiled_python(site_python: bytes, tmp: Path) -> tuple[bytes, dict[str, bytes]]:
    """Pyodide's python_stdlib.zip cut down to the modules that booting and running the site's code import,
    compiled (``.pyc``) by the same Pyodide, and the site's own modules compiled by it: ``{archive path of
    the .pyc: bytes}``. A cold start in the browser then compiles no Python at all."""
    archive, out, pyc = tmp / "site-python.zip", tmp / "stdlib.zip", tmp / "site-pyc.zip"
    archive.write_bytes(site_python)
    _node(FIND_STDLIB, {
        "SITE_PYTHON": str(archive), "STDLIB_OUT": str(out), "SITE_PYC_OUT": str(pyc),
        "EXERCISE": EXERCISE.format(modules=READER_MODULES),
    })
    try:
        with zipfile.ZipFile(pyc) as compiled:
            return out.read_bytes(), {name: compiled.read(name) for name in compiled.namelist()}
    finally:
        for path in (archive, out, pyc):
            path.unlink(missing_ok=True)


def trimmed_stdlib(site_python: bytes, tmp: Path) -> bytes:
    """The trimmed, compiled standard library of :func:`compiled_python`."""
    return compiled_python(site_python, tmp)[0]


def editor_bundle() -> bytes:
    """CodeMirror 6 (from node_modules) and docs/runtime/editor/entry.js as one minified ES module."""
    esbuild = NODE_MODULES / ".bin" / "esbuild"
    result = subprocess.run(
        [str(esbuild), str(EDITOR_ENTRY), "--bundle", "--format=esm", "--minify", "--legal-comments=none",
         "--log-level=warning"],
        cwd=REPO, capture_output=True, check=False,
    )
    if result.returncode != 0:
        raise PluginError(f"runtime: bundling the editor failed: {result.stderr.decode()[-2000:]}")
    return result.stdout


def build_runtime_assets(target: Path) -> dict:
    """Write the runtime's files into ``target`` (compressed, content-named) and return the manifest.

    The manifest (also written as ``target/manifest.json``) maps each file's name to
    ``{"url", "bytes" (compressed), "size", "gzip"}`` and carries Pyodide's lock file
    without its package list (the runtime installs no packages).
    """
    missing = [p for p in (PYODIDE / "pyodide.mjs", VIZ, NODE_MODULES / ".bin" / "esbuild") if not p.exists()]
    if missing:
        raise PluginError(f"runtime: {', '.join(map(str, missing))} missing; run `npm ci` (bash dev.sh does)")
    target.mkdir(parents=True, exist_ok=True)
    site_python = site_python_archive()
    stdlib, site_pyc = compiled_python(site_python, target)
    contents = {
        "pyodide.mjs": (PYODIDE / "pyodide.mjs").read_bytes(),
        "pyodide.asm.mjs": (PYODIDE / "pyodide.asm.mjs").read_bytes(),
        "pyodide.asm.wasm": (PYODIDE / "pyodide.asm.wasm").read_bytes(),
        "python_stdlib.zip": stdlib,
        "site-python.zip": site_python_archive(site_pyc),
        "viz.js": VIZ.read_bytes(),
        "editor.js": editor_bundle(),
    }
    files = {}
    for name, data in contents.items():
        stem, dot, suffix = name.partition(".")
        squeezed = gzip.compress(data, compresslevel=9, mtime=0)
        url = f"{stem}.{_digest(data)}.{suffix}.gz"
        (target / url).write_bytes(squeezed)
        files[name] = {"url": url, "bytes": len(squeezed), "size": len(data), "gzip": True}
    lock = json.loads((PYODIDE / "pyodide-lock.json").read_text(encoding="utf-8"))
    manifest = {"files": files, "lock": {"info": lock["info"], "packages": {}}}
    (target / "manifest.json").write_text(json.dumps(manifest, indent=1), encoding="utf-8")
    return manifest


def runtime_inputs() -> list:
    """What :func:`build_runtime_assets` is a function of: the key of its entry in the build cache."""
    node = subprocess.run(["node", "--version"], capture_output=True, text=True, check=False).stdout.strip()
    return [Path(__file__), REPO / "package-lock.json", PACKAGE, *SITE_PYTHON, EDITOR_ENTRY.parent, f"node {node}"]


def on_pre_build(config, **kwargs):
    # Made once per set of inputs (docs_gen.cache), in the background while the pages are built.
    from docs_gen import cache

    cache.start("runtime", runtime_inputs(), build_runtime_assets)


def on_post_build(config, **kwargs):
    from docs_gen import cache

    made = cache.folder("runtime", runtime_inputs(), build_runtime_assets, stale_while_serving=True)
    cache.copy_into(made, Path(config["site_dir"]) / ASSETS)


SERVICE_WORKER = "runtime/sw.js"  # served as sw.js at the site's root: a service worker's scope is its folder


def on_files(files, config, **kwargs):
    from mkdocs.structure.files import File

    # The editor's source is bundled into runtime/assets/; the unbundled file is not served.
    for file in list(files):
        if file.src_uri.startswith("runtime/editor/"):
            files.remove(file)
        elif file.src_uri == SERVICE_WORKER:
            files.remove(file)
            files.append(File(SERVICE_WORKER, config["docs_dir"], config["site_dir"], config["use_directory_urls"],
                              dest_uri="sw.js"))
    return files


# ---------------------------------------------------------------- runnable blocks

FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<ticks>`{3,})python\b(?P<options>[^\n]*)\n(?P<code>.*?)^(?P=indent)(?P=ticks)[ \t]*$",
                   re.M | re.S)
OPTION = re.compile(r'(\w+)="([^"]*)"')


def runs_in_browser(code: str) -> bool:
    """True when ``code`` imports only the package's pure-Python modules and the standard library."""
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return False
    for node in ast.walk(tree):
        names = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            names = [node.module or ""]
        if any(name.split(".")[0] in BROWSER_UNAVAILABLE or not _pure(name) for name in names):
            return False
    return "open(" not in code and "Path(" not in code  # the build's files are not in the browser


def _pure(module: str) -> bool:
    """False for the package's modules that need numpy (the browser runtime has none)."""
    if module.split(".")[0] != "autograd":
        return True
    return module not in numpy_modules()


def numpy_modules() -> set[str]:
    """The package's modules that import numpy, directly or through another such module."""
    # Asked for every import of every block: worked out once per version of the package's files.
    return set(_numpy_modules(tuple((p.name, p.stat().st_mtime_ns) for p in sorted(PACKAGE.glob("*.py")))))


@functools.lru_cache(maxsize=4)
def _numpy_modules(files: tuple) -> frozenset[str]:
    imports = {}
    for path in PACKAGE.glob("*.py"):
        name = "autograd" if path.stem == "__init__" else f"autograd.{path.stem}"
        tree = ast.parse(path.read_text(encoding="utf-8"))
        found = set()
        for node in tree.body:  # top-level imports only: autograd/__init__ imports Tensor lazily
            if isinstance(node, ast.Import):
                found |= {alias.name for alias in node.names}
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                found.add(f"autograd.{base}" if node.level else base)
        imports[name] = found
    heavy = {name for name, found in imports.items() if any(m.split(".")[0] == "numpy" for m in found)}
    grew = True
    while grew:
        more = {name for name, found in imports.items() if found & heavy} - heavy
        heavy |= more
        grew = bool(more)
    return frozenset(heavy)


def mark_runnable_blocks(markdown: str) -> str:
    """Wrap each markdown-exec Python block that shows its source and can run in the browser."""

    def wrap(match: re.Match) -> str:
        options = dict(OPTION.findall(match["options"]))
        if options.get("exec") not in {"1", "true", "on"} or options.get("source") not in {"above", "below"}:
            return match[0]
        if options.get("html") or not runs_in_browser(match["code"]) or "markdown-exec: hide" in match["code"]:
            return match[0]
        session = options.get("session", "")
        indent = match["indent"]
        return (f'{indent}<div class="ag-block" data-ag-source="{options["source"]}" '
                f'data-ag-session="{session}" markdown="1">\n\n{match[0]}\n\n{indent}</div>')

    return FENCE.sub(wrap, markdown)


# Pages whose point is the engine: their <head> starts the runtime's worker at once (overrides/main.html).
EARLY_START = {"demo.md"}


def on_page_markdown(markdown, page, **kwargs):
    if page.file.src_uri in EARLY_START:
        page.meta["runtime_starts_early"] = True
    if page.file.src_uri.endswith(".md"):
        return mark_runnable_blocks(markdown)
    return markdown


def _unavailable_names() -> list[str]:
    """Names whose use marks an example as needing numpy: the modules, and what the package imports lazily."""
    import autograd

    lazy = sorted(getattr(autograd, "_NUMPY_NAMES", {}))
    return sorted(BROWSER_UNAVAILABLE | numpy_modules() | {"np"}) + lazy


def _browser_doctest_modules() -> list[str]:
    heavy = numpy_modules() | {"autograd"}  # the package's own docstring shows Tensor
    names = ["autograd." + p.stem for p in sorted(PACKAGE.glob("*.py")) if p.stem != "__init__"]
    return [name for name in names if name not in heavy]


def on_page_content(html, page, config, files):
    def here(name):
        return get_relative_url(name, page.url)

    parts = []
    if page.file.src_uri == API_PAGE:
        modules = " ".join(_browser_doctest_modules())
        parts.append(f'<div hidden id="ag-doctests" data-ag-modules="{modules}" '
                     f'data-ag-unavailable="{" ".join(_unavailable_names())}"></div>')
    if 'class="ag-block"' in html or parts:
        parts.append(f'<link rel="stylesheet" href="{here("runtime/blocks.css")}">')
        parts.append(f'<script type="module" src="{here("runtime/blocks.js")}"></script>')
    return html + "\n" + "\n".join(parts) if parts else html
