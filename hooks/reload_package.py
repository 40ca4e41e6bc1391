"""Make every build see the current package: `mkdocs serve` picks up edits to autograd/ without a restart.

MkDocs runs this hook first. It puts the repository root on ``sys.path`` (for
``docs_gen``, the generator package the pages call; MkDocs restores
``sys.path`` after loading a hook, so this happens in ``on_config``) and,
before each build, forgets every loaded ``autograd`` and ``docs_gen`` module,
so the next import reads the files again. ``watch:`` in mkdocs.yml triggers
the rebuild, and under ``mkdocs serve`` the watched files are looked at every
:data:`POLL_SECONDS` (MkDocs' own interval, 0.5 s, has no setting and made an
edit wait a quarter of a second on average before the rebuild began).
"""

from __future__ import annotations

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
RELOADED = ("autograd", "docs_gen")
POLL_SECONDS = 0.1  # the watched files looked at ten times a second: 1.5 % of a core here (0.3 % at 0.5 s)


def on_config(config, **kwargs):
    if str(REPO) not in sys.path:
        sys.path.insert(0, str(REPO))
    return config


def on_pre_build(config, **kwargs):
    for name in list(sys.modules):
        if name.split(".")[0] in RELOADED:
            del sys.modules[name]


def on_serve(server, **kwargs):
    # The watchers made so far (docs/, mkdocs.yml) and those made later (watch: in mkdocs.yml) poll at
    # the observer's interval, which watchdog keeps in `_timeout`: if that name changes, this does nothing.
    for polling in (server.observer, *server.observer.emitters):
        polling._timeout = POLL_SECONDS
    return server
