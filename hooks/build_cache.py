"""The build cache's part of the build (``docs_gen.cache``): serving from it, and compiled templates.

* ``mkdocs serve``: a rebuild does not wait for the slow generated parts whose inputs an edit
  changed (the executed training notebook, the browser runtime's files): it shows the ones made
  last and makes the new ones in the background. When one is ready the cache touches a signal
  file, which the server watches, so the site is rebuilt with it. ``mkdocs build`` always waits.
* Jinja's compiled templates (the theme's and mkdocstrings') are kept in ``.cache/jinja``, so a
  rebuild, which loads the configuration and its templates afresh, does not compile them again.
"""

from __future__ import annotations

import jinja2

SERVING = False  # kept between builds: MkDocs keeps hook modules loaded


def on_startup(command, dirty, **kwargs):
    global SERVING
    SERVING = command == "serve"


def on_pre_build(config, **kwargs):
    from docs_gen import cache  # this build's copy (hooks/reload_package.py runs first)

    cache.SERVING = SERVING


def on_serve(server, config, builder, **kwargs):
    from docs_gen import cache

    cache.SIGNAL.parent.mkdir(parents=True, exist_ok=True)
    cache.SIGNAL.touch()
    server.watch(str(cache.SIGNAL))
    return server


def _compiled_templates():
    from docs_gen import cache

    folder = cache.CACHE.parent / "jinja"
    folder.mkdir(parents=True, exist_ok=True)
    return jinja2.FileSystemBytecodeCache(str(folder))


def on_files(files, config, **kwargs):
    # mkdocstrings renders while the pages' markdown is converted, which MkDocs does before on_env.
    if "mkdocstrings" in config.plugins:
        config.plugins["mkdocstrings"].handlers.get_handler("python").env.bytecode_cache = _compiled_templates()
    return files


def on_env(env, config, files, **kwargs):
    env.bytecode_cache = _compiled_templates()
    return env
