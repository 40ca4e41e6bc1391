"""The training notebook's part of the build: run it once, show that run, keep it offline.

* Before each build, notebook kernels get the build's own fresh IPython profile
  (``docs_gen.notebook.use_build_kernel_profile``: no developer profile, no start-up notice),
  and any notebook the cache does not have yet starts running in the background.
* Each notebook page is handed to mkdocs-jupyter as its executed copy from the build cache
  (``docs_gen.notebook.executed``: run only when the notebook or the package changed), so
  mkdocs-jupyter renders it without running it, and the download is the executed notebook.
* mkdocs-jupyter's template adds a MathJax ``<script src>`` (a CDN, or an empty ``src`` when
  ``custom_mathjax_url`` is unset) and, in some versions, a Mermaid loader from a CDN. The site
  typesets maths with its own KaTeX and has no Mermaid diagrams, so both are removed.
"""

from __future__ import annotations

import re
from pathlib import Path

CDN_SCRIPTS = [
    # The MathJax loader and its configuration, from "<!-- Load mathjax -->" to the end marker.
    re.compile(r"<!-- Load mathjax -->.*?<!-- End of mathjax configuration -->", re.S),
    # A module script that imports from another host (the Mermaid loader).
    re.compile(r"<script type=\"module\">(?:(?!</script>).)*?https?://(?:(?!</script>).)*</script>", re.S),
]


def on_pre_build(config, **kwargs):
    from docs_gen import notebook

    notebook.use_build_kernel_profile()
    for path in sorted(Path(config["docs_dir"]).glob("*.ipynb")):
        notebook.start(path)  # in the background, while the rest of the build goes on


def on_files(files, config, **kwargs):
    from docs_gen.notebook import executed

    for file in files:
        if file.src_uri.endswith(".ipynb") and file.is_documentation_page():
            file.abs_src_path = str(executed(Path(file.abs_src_path)))
    return files


def on_page_content(html, page, **kwargs):
    if not page.file.src_uri.endswith(".ipynb"):
        return html
    for pattern in CDN_SCRIPTS:
        html = pattern.sub("", html)
    return html
