"""The search index's entries of each page, kept in the build cache (:mod:`docs_gen.cache`) between builds.

Material's search plugin reads every page's HTML with an HTML parser at every build, to cut it into
the sections of ``search/search_index.json``: after markdown-exec's blocks and mkdocstrings
(``docs_gen.kept``), most of what a rebuild after a one-word edit spends on the pages it did not
change. The entries of a page are a function of the page's HTML, address, title, metadata and
table of contents, of the plugin's settings and of the installed distributions
(:func:`docs_gen.kept.installed`), so :class:`Entries` keeps them under a digest of those and adds
the kept ones to the index instead.
``hooks/build_cache.py`` puts it in place for each build.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Callable

from . import cache
from .kept import installed

KIND = "search"
KEEP = 100  # entries: the site's pages, a few versions of each


class Entries:
    """A search index's ``add_entry_from_context``, with each page's entries kept in the build cache."""

    def __init__(self, index) -> None:
        self.index = index
        self.add: Callable = index.add_entry_from_context
        self.context = cache.digest([repr(sorted(index.config.items())), sys.version, *installed()])

    def __call__(self, page) -> None:
        inputs = [self.context, page.url, page.title, repr(sorted(page.meta.items())), str(page.toc), page.content]
        made = []

        def make(folder: Path) -> None:
            first = len(self.index.entries)
            self.add(page)
            made.extend(self.index.entries[first:])
            (folder / "entries.json").write_text(json.dumps(made), encoding="utf-8")

        entry = cache.folder(KIND, inputs, make, keep=KEEP)
        if not made:
            self.index.entries.extend(json.loads((entry / "entries.json").read_text(encoding="utf-8")))
