"""Keep notebook pages self-contained.

mkdocs-jupyter's template adds a MathJax ``<script src>`` and a Mermaid
loader, both from a CDN. The site typesets math with its own KaTeX and has no
Mermaid diagrams in notebooks, so both are removed from notebook pages.
"""

from __future__ import annotations

import re

CDN_SCRIPTS = [
    # <!-- Load mathjax --> <script src="https://cdnjs..."> </script> and its x-mathjax-config block
    re.compile(r"<!-- Load mathjax -->\s*<script[^>]*src=\"https?://[^\"]*\"[^>]*>\s*</script>", re.S),
    re.compile(r"<!-- MathJax configuration -->\s*<script type=\"text/x-mathjax-config\">.*?</script>", re.S),
    re.compile(r"<script type=\"module\">(?:(?!</script>).)*?cdnjs\.cloudflare\.com(?:(?!</script>).)*</script>", re.S),
]


def on_page_content(html, page, **kwargs):
    if not page.file.src_uri.endswith(".ipynb"):
        return html
    for pattern in CDN_SCRIPTS:
        html = pattern.sub("", html)
    return html
