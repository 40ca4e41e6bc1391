"""Keep notebook pages self-contained.

mkdocs-jupyter's template adds a MathJax ``<script src>`` (a CDN, or an empty
``src`` when ``custom_mathjax_url`` is unset) and, in some versions, a Mermaid
loader from a CDN. The site typesets math with its own KaTeX and has no
Mermaid diagrams in notebooks, so both are removed from notebook pages.
"""

from __future__ import annotations

import re

CDN_SCRIPTS = [
    # The MathJax loader and its configuration, from "<!-- Load mathjax -->" to the end marker.
    re.compile(r"<!-- Load mathjax -->.*?<!-- End of mathjax configuration -->", re.S),
    # A module script that imports from another host (the Mermaid loader).
    re.compile(r"<script type=\"module\">(?:(?!</script>).)*?https?://(?:(?!</script>).)*</script>", re.S),
]


def on_page_content(html, page, **kwargs):
    if not page.file.src_uri.endswith(".ipynb"):
        return html
    for pattern in CDN_SCRIPTS:
        html = pattern.sub("", html)
    return html
