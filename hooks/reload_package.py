"""Make every build see the current package: `mkdocs serve` picks up edits to autograd/ without a restart.

MkDocs runs this hook first. It puts the repository root on ``sys.path`` (for
``docs_gen``, the generator package the pages call; MkDocs restores
``sys.path`` after loading a hook, so this happens in ``on_config``) and,
before each build, forgets every loaded ``autograd`` and ``docs_gen`` module,
so the next import reads the files again. ``watch:`` in mkdocs.yml triggers
the rebuild.
"""

from __future__ import annotations

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
RELOADED = ("autograd", "docs_gen")


def on_config(config, **kwargs):
    if str(REPO) not in sys.path:
        sys.path.insert(0, str(REPO))
    return config


def on_pre_build(config, **kwargs):
    for name in list(sys.modules):
        if name.split(".")[0] in RELOADED:
            del sys.modules[name]
