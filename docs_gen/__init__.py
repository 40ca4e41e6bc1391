"""Generators for the documentation site: tables, derivation checks, figures and code excerpts.

Every function here computes its output by running the ``autograd`` package of
this repository, and returns text (Markdown, HTML or SVG). The MkDocs build
calls them from markdown-exec blocks in ``docs/`` and from the hooks in
``hooks/``; ``scripts/regenerate.py`` calls the same functions to write the
same outputs into ``generated/`` without building the site.

This package is not part of ``autograd``: the engine never imports it.
"""
