"""Fail the build when a closed-form gradient of the Derivations page disagrees with the engine.

The page shows each check; this hook makes a disagreement fatal even in a
non-strict build or under ``mkdocs serve``.
"""

from __future__ import annotations

from mkdocs.exceptions import PluginError


def on_pre_build(config, **kwargs):
    from docs_gen.derivations import DerivationMismatch, verify_all  # imported fresh for each build

    try:
        verify_all()
    except DerivationMismatch as error:
        raise PluginError(f"Derivations page: {error}") from None
