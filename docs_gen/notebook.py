"""Run the training notebook outside MkDocs, for scripts/regenerate.py and the tests.

The site build runs the same notebook through mkdocs-jupyter; this runs it
with nbclient (which mkdocs-jupyter uses underneath), from the notebook's own
folder, so both see the same code, data and settings.
"""

from __future__ import annotations

import atexit
import json
import os
import shutil
import tempfile
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from .source import REPO

TRAINING_NOTEBOOK = REPO / "docs" / "training.ipynb"


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
    """The notebook at ``path``, executed top to bottom; any error in a cell raises."""
    use_build_kernel_profile()
    notebook = nbformat.read(path, as_version=4)
    NotebookClient(notebook, timeout=timeout, resources={"metadata": {"path": str(path.parent)}}).execute()
    return notebook


def outputs(notebook: nbformat.NotebookNode, mime: str) -> list[str]:
    """Every output of type ``mime`` (e.g. ``image/svg+xml``, ``text/markdown``), in cell order."""
    found = []
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if mime in data:
                found.append(data[mime])
    return found
