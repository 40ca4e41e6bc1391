"""The training notebook, executed once for the whole site: the Training page shows it, the Overview quotes it.

:func:`executed` runs ``docs/training.ipynb`` top to bottom with nbclient (from the notebook's
own folder) and keeps the executed copy in the build cache (:mod:`docs_gen.cache`), keyed by
the notebook, the package's source and the versions of what renders its output. The build
hands that copy to mkdocs-jupyter (``hooks/training_notebook.py``), so the page and the
download are the executed notebook, and :func:`results` reads the numbers the Overview quotes
from its results table. An edit elsewhere does not run it again; the build starts it early
(:func:`start`), so it runs while the browser runtime's files are made.
"""

from __future__ import annotations

import atexit
import json
import os
import platform
import re
import shutil
import tempfile
from importlib.metadata import version
from pathlib import Path

import nbformat

from . import cache
from .source import REPO

TRAINING_NOTEBOOK = REPO / "docs" / "training.ipynb"
PACKAGE = REPO / "autograd"
# What the executed notebook depends on besides its own text and the package.
RENDERERS = ("ipykernel", "matplotlib", "numpy", "nbclient", "nbformat")
RESULTS_HEADER = "| Metric | Value |"
ROW = re.compile(r"^\|\s*(.+?)\s*\|\s*(.+?)\s*\|$")

# ipykernel logs a warning that its sockets are unencrypted TCP. They listen on
# 127.0.0.1 only, for the length of one build, so that notice is not a problem
# of the build, and the build log must stay free of warnings.
KERNEL_CONFIG = {"IPKernelApp": {"log_level": "ERROR"}}


def use_build_kernel_profile() -> None:
    """Give notebook kernels started from this process a fresh IPython profile.

    The kernel is a subprocess that reads its profile from ``IPYTHONDIR``.
    Pointing that at a new temporary directory keeps a developer's own profile
    (startup scripts, extensions) out of the build, and its config quiets the
    kernel's start-up notice (see ``KERNEL_CONFIG``). Calling it again reuses
    the same directory.
    """
    if os.environ.get("AUTOGRAD_BUILD_IPYTHONDIR") == os.environ.get("IPYTHONDIR", ""):
        return
    ipython_dir = tempfile.mkdtemp(prefix="autograd-ipython-")
    atexit.register(shutil.rmtree, ipython_dir, ignore_errors=True)
    profile = Path(ipython_dir, "profile_default")
    profile.mkdir()
    (profile / "ipython_kernel_config.json").write_text(json.dumps(KERNEL_CONFIG))
    os.environ["IPYTHONDIR"] = os.environ["AUTOGRAD_BUILD_IPYTHONDIR"] = ipython_dir


def execute(path: Path = TRAINING_NOTEBOOK, timeout: int = 600) -> nbformat.NotebookNode:
    """The notebook at ``path``, executed top to bottom now; any error in a cell raises."""
    from nbclient import NotebookClient

    use_build_kernel_profile()
    notebook = nbformat.read(path, as_version=4)
    # The kernel imports this repository's package, the one the cache key is made of, whatever is installed.
    search_path = os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))
    client = NotebookClient(notebook, timeout=timeout, resources={"metadata": {"path": str(path.parent)}})
    client.execute(env={**os.environ, "PYTHONPATH": search_path})
    return notebook


def cache_inputs(path: Path = TRAINING_NOTEBOOK) -> list:
    """What the executed notebook is a function of: its text, the package, this module, the renderers."""
    versions = [f"{name}=={version(name)}" for name in RENDERERS]
    return [path, PACKAGE, Path(__file__), platform.python_version(), *versions]


def _run_into(path: Path):
    def run(folder: Path) -> None:
        nbformat.write(execute(path), folder / path.name)

    return run


def start(path: Path = TRAINING_NOTEBOOK) -> None:
    """Begin running the notebook in the background, if the cache does not have this version yet."""
    cache.start("notebook", cache_inputs(path), _run_into(path))


def executed(path: Path = TRAINING_NOTEBOOK) -> Path:
    """The executed copy of the notebook at ``path`` (same file name), run now unless the cache has it.

    Under ``mkdocs serve``, a notebook whose inputs just changed shows its last run until the
    new one is ready (see :mod:`docs_gen.cache`).
    """
    entry = cache.folder("notebook", cache_inputs(path), _run_into(path), stale_while_serving=True)
    return entry / path.name


def outputs(notebook: nbformat.NotebookNode, mime: str) -> list[str]:
    """Every output of type ``mime`` (e.g. ``image/svg+xml``, ``text/markdown``), in cell order."""
    found = []
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if mime in data:
                found.append(data[mime])
    return found


def results_table(markdown: str) -> dict[str, str]:
    """Metric -> value from the notebook's results table (Markdown).

    >>> results_table("| Metric | Value |\\n|---|--:|\\n| Final loss | 0.1234 |\\n| Samples | 100 |")
    {'Final loss': '0.1234', 'Samples': '100'}
    """
    rows = [ROW.match(line.strip()) for line in markdown.strip().splitlines()[2:]]
    return {row[1]: row[2] for row in rows if row}


def results(path: Path = TRAINING_NOTEBOOK) -> dict[str, str]:
    """The results table of the executed notebook, as metric -> value shown."""
    tables = [t for t in outputs(nbformat.read(executed(path), as_version=4), "text/markdown")
              if t.strip().startswith(RESULTS_HEADER)]
    if len(tables) != 1:
        raise LookupError(f"{path.name}: expected one output table starting {RESULTS_HEADER!r}, found {len(tables)}")
    return results_table(tables[0])
