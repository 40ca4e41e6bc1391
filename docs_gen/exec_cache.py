"""markdown-exec's Python blocks, kept in the build cache (:mod:`docs_gen.cache`) between builds.

Every build runs every ``python exec="1"`` block of every page and turns its output into HTML
(a new Markdown converter per block, Pygments for a shown source): most of the time of a rebuild
after a one-word edit. :class:`Blocks` wraps markdown-exec's formatter (``hooks/build_cache.py``
puts it in place for each build) and keeps the HTML of each block under a digest of

* the block: its page, its source, its options;
* what every block may depend on (:func:`context_inputs`): the package, ``docs_gen/``,
  ``hooks/``, ``mkdocs.yml``, the Python version and the installed distributions;
* the files and folders of the repository the block read while it ran, recorded as it runs
  (Python's audit events) and checked again before the kept HTML is used.

So a block is run again when anything it read changed, and kept otherwise. A block's output is
not kept, and the block runs at every build as before, when it did something a kept copy would
not do again or cannot show: it wrote a file, started a process, logged a warning or an error,
read the notebook's last run while its new run is made (``cache.stale_served``), or made HTML
with a heading (markdown-exec adds it to the page's table of contents) or an id prefixed by its
block counter. Blocks of a ``session`` share one namespace in page order, so they always run.
Files outside the repository (the standard library, the system) are taken as part of the machine,
and a block's output must not depend on the clock or environment variables.

A kept block still advances markdown-exec's two counters (the block number, which names the
block's module, and the conversion number, which prefixes ids) as running it would, so the blocks
run after it get the same names and ids as in a build without the cache: the built site is the
same byte for byte (``tests/site/test_exec_cache.py``).
"""

from __future__ import annotations

import json
import logging
import os
import re
import sys
import sysconfig
import threading
from pathlib import Path
from typing import Callable

from markupsafe import Markup

from . import cache
from .source import REPO

KIND = "markdown-exec"
KEEP = 500  # entries: the site's blocks, a few versions of each
# Read by every block, and keyed as a whole: not recorded file by file.
KEYED = (REPO / "autograd", REPO / "docs_gen", REPO / "hooks")
# Not recorded: the virtualenv (its distributions are keyed by name and version), git's files, the
# cache's bookkeeping (what a block reads from a cache entry is recorded file by file).
UNRECORDED = (REPO / ".venv", REPO / ".git")
CACHE_ROOT = REPO / ".cache"
WRITES = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC
# Audit events of things a kept copy of the output would not do again.
ACTIONS = ("subprocess.Popen", "os.system", "os.exec", "os.posix_spawn", "os.spawn", "os.fork", "os.remove",
           "os.rename", "os.mkdir", "os.rmdir", "os.truncate", "os.symlink", "os.link", "shutil.rmtree",
           "shutil.move", "shutil.copyfile")
HEADING = re.compile(r"<h[1-6][\s>]")


def installed() -> list[str]:
    """The names of what is installed beside the interpreter (a distribution's folder names its version)."""
    folders = sorted({sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]})
    return [f"{folder}: {' '.join(sorted(os.listdir(folder)))}" for folder in folders if os.path.isdir(folder)]


def context_inputs() -> list:
    """What any block's output may depend on besides its own text and the files it reads."""
    return [*KEYED, REPO / "mkdocs.yml", sys.version, *installed()]


class _Run:
    """What one block did while it ran: the repository's files and folders it read, and whether its output can be kept."""

    def __init__(self) -> None:
        self.files: set[str] = set()
        self.folders: set[str] = set()
        self.keepable = True


def _recorded(path) -> str | None:
    """``path`` relative to the repository, if a block's read of it is recorded."""
    if isinstance(path, int):
        return None
    try:
        resolved = Path(os.fsdecode(path)).resolve()
    except (OSError, ValueError):
        return None
    if resolved == REPO or REPO not in resolved.parents or "__pycache__" in resolved.parts:
        return None
    if any(resolved == top or top in resolved.parents for top in (*KEYED, *UNRECORDED)):
        return None
    return resolved.relative_to(REPO).as_posix()


def _state(relative: str, folder: bool) -> str:
    path = REPO / relative
    if folder:
        return " ".join(sorted(os.listdir(path))) if path.is_dir() else "missing"
    return cache.digest([path]) if path.is_file() else "missing"


class _Warnings(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.seen = False

    def emit(self, record: logging.LogRecord) -> None:
        self.seen = True


class Blocks:
    """markdown-exec's formatter, with each block's HTML kept in the build cache (see the module's docstring)."""

    def __init__(self, formatter: Callable[..., str]) -> None:
        self.formatter = formatter
        self.context = cache.digest(context_inputs())
        self.page = ""  # the page being converted (src_uri), set by hooks/build_cache.py
        self.runs: list[_Run] = []  # the blocks running now, innermost last (a block's output can hold blocks)
        self.thread = threading.get_ident()
        self.kept = self.ran = 0

    def audit(self, event: str, args: tuple) -> None:
        """Record what a running block reads (``sys.addaudithook`` calls this for every audit event)."""
        if not self.runs or threading.get_ident() != self.thread:
            return
        if event == "open":
            path, mode, flags = args
            writes = any(c in mode for c in "wax+") if mode else bool(flags & WRITES)
            relative = _recorded(path)
            if writes:
                self._unkeepable()
            elif relative is not None:
                for run in self.runs:
                    run.files.add(relative)
        elif event in ("os.listdir", "os.scandir"):
            relative = _recorded(args[0] if args[0] is not None else ".")
            if relative is not None and not (REPO / relative).is_relative_to(CACHE_ROOT):
                for run in self.runs:
                    run.folders.add(relative)
        elif event in ACTIONS:
            self._unkeepable()

    def _unkeepable(self) -> None:
        for run in self.runs:
            run.keepable = False

    def __call__(self, source: str, language: str, css_class: str, options: dict, md, **kwargs) -> str:
        if options.get("session"):  # its namespace is made by the session's earlier blocks: they all run
            return self.formatter(source, language, css_class, options, md, **kwargs)
        inputs = [self.context, self.page, language, source, css_class, repr(sorted(options.items())),
                  repr(sorted(kwargs.items()))]
        made: list[str] = []

        def run(folder: Path) -> None:
            made.append(self._run(source, language, css_class, options, md, kwargs, folder))

        entry = cache.folder(KIND, inputs, run, keep=KEEP, valid=self._still_valid)
        if made:
            self.ran += 1
            return made[0]
        self.kept += 1
        return self._replay(entry, options)

    def _run(self, source, language, css_class, options, md, kwargs, folder: Path) -> str:
        from markdown_exec import MarkdownConverter

        run, warnings, conversions, stale = _Run(), _Warnings(), MarkdownConverter.counter, cache.stale_served
        loggers = [logging.getLogger(), logging.getLogger("mkdocs")]
        for logger in loggers:
            logger.addHandler(warnings)
        self.runs.append(run)
        try:
            html = self.formatter(source, language, css_class, options, md, **kwargs)
        finally:
            self.runs.pop()
            for logger in loggers:
                logger.removeHandler(warnings)
        conversions = MarkdownConverter.counter - conversions
        keepable = (run.keepable and not warnings.seen and cache.stale_served == stale
                    and not HEADING.search(html)
                    and not any(f"exec-{n}--" in html for n in range(MarkdownConverter.counter - conversions + 1,
                                                                      MarkdownConverter.counter + 1)))
        for outer in self.runs:  # an enclosing block read what this one read
            outer.files |= run.files
            outer.folders |= run.folders
            outer.keepable &= keepable
        (folder / "output.html").write_text(html, encoding="utf-8")
        reads = {"files": {p: _state(p, False) for p in sorted(run.files)},
                 "folders": {p: _state(p, True) for p in sorted(run.folders)}}
        record = {"keepable": keepable, "conversions": conversions, "reads": reads}
        (folder / "block.json").write_text(json.dumps(record, indent=1), encoding="utf-8")
        return html

    @staticmethod
    def _still_valid(entry: Path) -> bool:
        record = json.loads((entry / "block.json").read_text(encoding="utf-8"))
        if not record["keepable"]:
            return False
        reads = record["reads"]
        return (all(_state(p, False) == state for p, state in reads["files"].items())
                and all(_state(p, True) == state for p, state in reads["folders"].items()))

    def _replay(self, entry: Path, options: dict) -> str:
        """The kept HTML, with markdown-exec's counters moved on as running the block would have."""
        from markdown_exec import MarkdownConverter
        from markdown_exec._internal.formatters.python import _code_block_id

        record = json.loads((entry / "block.json").read_text(encoding="utf-8"))
        for outer in self.runs:
            outer.files |= set(record["reads"]["files"])
            outer.folders |= set(record["reads"]["folders"])
        _code_block_id(options.get("id"), options.get("session"), options.get("extra", {}).get("title"))
        MarkdownConverter.counter += record["conversions"]
        return Markup((entry / "output.html").read_text(encoding="utf-8"))
