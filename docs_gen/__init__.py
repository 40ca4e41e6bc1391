"""Generators for the documentation site: tables, derivation checks, figures and code excerpts.

Every function here computes its output by running the ``autograd`` package of
this repository, and returns text (Markdown, HTML or SVG). A page gets its
computed content one way: its Markdown calls the function named for it or its
part in a markdown-exec block (``docs/index.md`` calls :mod:`docs_gen.overview`,
``docs/performance.md`` calls :mod:`docs_gen.performance`, ...). The hooks in
``hooks/`` only run the build around them.

The slow parts (the executed training notebook, Graphviz drawings) are kept
between builds in ``.cache/`` by :mod:`docs_gen.cache`, keyed by their inputs.

This package is not part of ``autograd``: the engine never imports it.
"""
