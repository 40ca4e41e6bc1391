"""KaTeX, served by the site itself and loaded only by the pages that have maths.

* After each build, KaTeX is copied from node_modules (installed by `npm ci`) into
  ``site/assets/katex/``; nothing is written into docs/, so `mkdocs serve` does not see a
  change and rebuild.
* A page whose HTML has maths for KaTeX (pymdownx.arithmatex's ``class="arithmatex"``) gets
  ``katex: true`` in its metadata; ``overrides/main.html`` then adds KaTeX's stylesheet, script
  and ``javascripts/katex-init.js`` to that page, and to no other.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from mkdocs.exceptions import PluginError

REPO = Path(__file__).resolve().parent.parent
KATEX_DIST = REPO / "node_modules" / "katex" / "dist"
FILES = ["katex.min.js", "katex.min.css"]
DEST = Path("assets") / "katex"


def on_config(config, **kwargs):
    missing = [name for name in FILES + ["fonts"] if not (KATEX_DIST / name).exists()]
    if missing:
        raise PluginError(f"KaTeX not found in {KATEX_DIST} (missing {', '.join(missing)}): run `npm ci` first")
    return config


def on_post_build(config, **kwargs):
    dest = Path(config["site_dir"]) / DEST
    (dest / "fonts").mkdir(parents=True, exist_ok=True)
    for name in FILES:
        shutil.copy2(KATEX_DIST / name, dest / name)
    for font in (KATEX_DIST / "fonts").iterdir():
        shutil.copy2(font, dest / "fonts" / font.name)


def on_page_content(html, page, **kwargs):
    page.meta["katex"] = 'class="arithmatex"' in html
    return html
