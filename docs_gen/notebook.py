"""Run the training notebook outside MkDocs, for scripts/regenerate.py and the tests.

The site build runs the same notebook through mkdocs-jupyter; this runs it
with nbclient (which mkdocs-jupyter uses underneath), from the notebook's own
folder, so both see the same code, data and settings.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbclient import NotebookClient

from .source import REPO

TRAINING_NOTEBOOK = REPO / "docs" / "training.ipynb"


def execute(path: Path = TRAINING_NOTEBOOK, timeout: int = 600) -> nbformat.NotebookNode:
    """The notebook at ``path``, executed top to bottom; any error in a cell raises."""
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
