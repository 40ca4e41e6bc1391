"""Write every generated figure and table into a folder, without building the site.

``scripts/regenerate.py`` calls :func:`write_all`; the pages call the same
generators during the build. A file is rewritten only when its bytes change.
"""

from __future__ import annotations

from pathlib import Path

from . import derivations, graph_figure, notebook, tables, training


def write_if_changed(path: Path, content: str) -> bool:
    """Write ``content`` to ``path`` unless it already holds exactly that; True if written."""
    data = content.encode("utf-8")
    if path.exists() and path.read_bytes() == data:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return True


def generate() -> dict[str, str]:
    """File name -> content of every generated output."""
    files = {
        "graph.dot": graph_figure.worked_example_dot(),
        "graph.svg": graph_figure.worked_example_svg(),
        "operations.md": tables.operations_table(),
        "trace.md": tables.trace_table(),
        "derivations.md": "\n".join(
            derivations.boxed(v) + "\n" + derivations.check_table(v) for v in derivations.CLOSED_FORMS
        ),
        "training-results.md": training.results_table(),
    }
    executed = notebook.execute()
    for i, svg in enumerate(notebook.outputs(executed, "image/svg+xml"), start=1):
        files[f"training-figure-{i}.svg"] = svg
    for i, table in enumerate(notebook.outputs(executed, "text/markdown"), start=1):
        files[f"training-table-{i}.md"] = table + "\n"
    return files


def write_all(folder: Path) -> list[tuple[Path, bool]]:
    """Write every output into ``folder``; returns each path and whether it changed."""
    return [(folder / name, write_if_changed(folder / name, content)) for name, content in generate().items()]
