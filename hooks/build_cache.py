"""The build cache's part of the build (``docs_gen.cache``): serving from it, kept page parts, compiled templates.

* ``mkdocs serve``: a rebuild does not wait for the slow generated parts whose inputs an edit
  changed (the executed training notebook, the browser runtime's files): it shows the ones made
  last and makes the new ones in the background. When one is ready the cache touches a signal
  file, which the server watches, so the site is rebuilt with it. ``mkdocs build`` always waits.
* markdown-exec's Python blocks go through ``docs_gen.kept.Blocks`` and mkdocstrings' renderings
  through ``docs_gen.kept.Renders``, which keep each one's HTML by what it is and what it read, so
  a rebuild makes again only the parts an edit concerns. This hook puts them in place for each
  build, tells them the page being converted and passes them Python's audit events.
* The search plugin's index gets each page's entries through ``docs_gen.search_cache.Entries``,
  which keeps them by the page's HTML, so a rebuild parses only the pages whose HTML changed.
* Jinja's compiled templates (the theme's and mkdocstrings') are kept in ``.cache/jinja``, so a
  rebuild, which loads the configuration and its templates afresh, does not compile them again.
* The list of the theme's files, which MkDocs makes at every build by walking the theme's folders
  (Material's are 14,000 files, mostly icons), is kept while the process lives, as long as the
  installed distributions and the files of the theme's folders in the repository are the same.
"""

from __future__ import annotations

import sys
from pathlib import Path

import jinja2

SERVING = False  # kept between builds: MkDocs keeps hook modules loaded
_recorder = None  # this build's docs_gen.kept.Recorder
_auditing = False  # an audit hook cannot be removed: one for the process, passing events to this build's _recorder
_theme_files: dict = {}  # (theme folders, what could change their files) -> the template loader's list of files


def _audit(event, args):
    if _recorder is not None:
        _recorder.audit(event, args)


def on_startup(command, dirty, **kwargs):
    global SERVING
    SERVING = command == "serve"


def on_pre_build(config, **kwargs):
    # This build's copies of docs_gen (hooks/reload_package.py runs first).
    from docs_gen import cache, kept, search_cache
    from markdown_exec import formatter

    global _recorder, _auditing
    cache.SERVING = SERVING
    search = config.plugins.get("material/search")
    if search is not None and search.config.enabled:
        search.search_index.add_entry_from_context = search_cache.Entries(search.search_index)
    _recorder = kept.Recorder()
    for fence in config.mdx_configs.get("pymdownx.superfences", {}).get("custom_fences", []):
        if fence["name"] == "python" and fence["format"] is formatter:
            fence["format"] = kept.Blocks(formatter, _recorder)
    if not _auditing:
        sys.addaudithook(_audit)
        _auditing = True
    _keep_theme_files(config.theme, kept)


def _keep_theme_files(theme, kept):
    # The theme's folders in the repository (overrides/, not the virtualenv's) are listed here: a few files.
    local = [sorted(str(p) for p in Path(d).rglob("*")) for d in theme.dirs
             if Path(d).is_relative_to(kept.REPO) and not Path(d).is_relative_to(sys.prefix)]
    key = repr([theme.dirs, kept.installed(), local])
    get_env = theme.get_env

    def get_env_with_kept_files():
        env = get_env()
        list_templates = env.loader.list_templates

        def kept_list():
            if key not in _theme_files:
                _theme_files.clear()
                _theme_files[key] = list_templates()
            return list(_theme_files[key])

        env.loader.list_templates = kept_list
        return env

    theme.get_env = get_env_with_kept_files


def on_page_markdown(markdown, page, **kwargs):
    _recorder.page = page.file.src_uri
    return markdown


def on_post_build(config, **kwargs):
    global _recorder
    from mkdocs.plugins import get_plugin_logger

    get_plugin_logger("build_cache").info(f"page parts: {_recorder.made} made, {_recorder.kept} kept")
    _recorder = None


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
    from docs_gen import kept

    # mkdocstrings renders while the pages' markdown is converted, which MkDocs does before on_env.
    if "mkdocstrings" in config.plugins:
        handler = config.plugins["mkdocstrings"].handlers.get_handler("python")
        handler.env.bytecode_cache = _compiled_templates()
        handler.render = renders = kept.Renders(handler, _recorder)
        handler.get_aliases = renders.aliases
    return files


def on_env(env, config, files, **kwargs):
    env.bytecode_cache = _compiled_templates()
    return env
