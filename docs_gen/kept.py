"""Page parts kept in the build cache (:mod:`docs_gen.cache`) between builds: markdown-exec's blocks, mkdocstrings' renderings.

Every build runs every ``python exec="1"`` block of every page and turns its output into HTML (a
new Markdown converter per block, Pygments for a shown source), and mkdocstrings renders every
module of the API reference from its templates: most of the time of a rebuild after a one-word
edit. :class:`Blocks` wraps markdown-exec's formatter and :class:`Renders` the mkdocstrings
handler's ``render`` (``hooks/build_cache.py`` puts them in place for each build). Each keeps its
HTML under a digest of

* the part: its page, and the block's source and options or the rendered object and its options;
* what every part may depend on (:func:`context_inputs`): the package, ``docs_gen/``, ``hooks/``,
  ``overrides/``, ``mkdocs.yml``, the Python version and the installed distributions;
* the files and folders of the repository the part read while it was made, recorded then
  (Python's audit events, :class:`Recorder`) and checked again before the kept HTML is used.

So a part is made again when anything it read changed, and kept otherwise. Its HTML is not kept,
and it is made at every build as before, when making it did something a kept copy would not do
again or cannot show: it wrote a file, started a process, logged a warning or an error, or read
the notebook's last run while its new run is made (``cache.stale_served``). Neither is a block's
whose HTML has a heading (markdown-exec adds it to the page's table of contents) or an id
prefixed by its conversion number. Blocks of a ``session`` share one namespace in page order, so
they always run. Files outside the repository (the standard library, the system) are taken as part
of the machine, and a part must not depend on the clock or on environment variables.

A kept part does to the build what making it would have done besides its HTML: a block advances
markdown-exec's two counters (the block number, which names the block's module, and the
conversion number, which prefixes ids), so the blocks run after it get the same names and ids as
in a build without the cache; a rendering hands mkdocstrings the headings it registers (for the
table of contents, the cross-references and ``objects.inv``). So the built site is the same byte
for byte (``tests/site/test_kept_parts.py``).
"""

from __future__ import annotations

import copy
import json
import logging
import os
import re
import sys
import sysconfig
import threading
from pathlib import Path
from typing import Callable
from xml.etree.ElementTree import Element, ParseError, fromstring, tostring

from markupsafe import Markup

from . import cache
from .source import REPO

KEEP = 500  # entries of each kind: the site's parts, a few versions of each
# Read by every part, and keyed as a whole: not recorded file by file.
KEYED = (REPO / "autograd", REPO / "docs_gen", REPO / "hooks", REPO / "overrides")
# Not recorded: the virtualenv (its distributions are keyed by name and version), git's files, and
# Jinja's compiled templates (made from templates of installed distributions).
UNRECORDED = (REPO / ".venv", REPO / ".git", REPO / ".cache" / "jinja")
# Folders whose listing is not recorded: the build cache's bookkeeping (what a part reads from an
# entry is recorded file by file).
UNLISTED = REPO / ".cache"
WRITES = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC
# Audit events of things a kept copy of the HTML would not do again.
ACTIONS = ("subprocess.Popen", "os.system", "os.exec", "os.posix_spawn", "os.spawn", "os.fork", "os.remove",
           "os.rename", "os.mkdir", "os.rmdir", "os.truncate", "os.symlink", "os.link", "shutil.rmtree",
           "shutil.move", "shutil.copyfile")
HEADING = re.compile(r"<h[1-6][\s>]")


def installed() -> list[str]:
    """The names of what is installed beside the interpreter (a distribution's folder names its version)."""
    folders = sorted({sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]})
    return [f"{folder}: {' '.join(sorted(os.listdir(folder)))}" for folder in folders if os.path.isdir(folder)]


def context_inputs() -> list:
    """What any part may depend on besides its own inputs and the files it reads."""
    return [*KEYED, REPO / "mkdocs.yml", sys.version, *installed()]


def _recorded(path) -> str | None:
    """``path`` relative to the repository, if reading it is recorded."""
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


class _Making:
    """What making one part did: the repository's files and folders it read, and whether its HTML can be kept."""

    def __init__(self) -> None:
        self.files: set[str] = set()
        self.folders: set[str] = set()
        self.keepable = True


class _Warnings(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.seen = False

    def emit(self, record: logging.LogRecord) -> None:
        self.seen = True


class Recorder:
    """Makes and keeps the parts of one build, recording what making each one read."""

    def __init__(self) -> None:
        self.context = cache.digest(context_inputs())
        self.page = ""  # the page being converted (src_uri), set by hooks/build_cache.py
        self.making: list[_Making] = []  # the parts being made now, innermost last (a block can hold a block)
        self.thread = threading.get_ident()
        self.kept = self.made = 0

    def audit(self, event: str, args: tuple) -> None:
        """Record what the part being made reads (``sys.addaudithook`` calls this for every audit event)."""
        if not self.making or threading.get_ident() != self.thread:
            return
        if event == "open":
            path, mode, flags = args
            if (any(c in mode for c in "wax+") if mode else bool(flags & WRITES)):
                self._unkeepable()
            elif (relative := _recorded(path)) is not None:
                for making in self.making:
                    making.files.add(relative)
        elif event in ("os.listdir", "os.scandir"):
            relative = _recorded(args[0] if args[0] is not None else ".")
            if relative is not None and not (REPO / relative).is_relative_to(UNLISTED):
                for making in self.making:
                    making.folders.add(relative)
        elif event in ACTIONS:
            self._unkeepable()

    def _unkeepable(self) -> None:
        for making in self.making:
            making.keepable = False

    def part(self, kind: str, inputs: list, make: Callable[[], str], keepable: Callable[[str], bool],
             extra: Callable[[], dict]) -> tuple[str, dict | None]:
        """The HTML ``make()`` returns for ``inputs`` on this page, and the record kept with it (None if made now).

        ``keepable(html)`` says whether that HTML can be kept; ``extra()``, called after ``make``,
        what else to keep with it.
        """
        made: list[str] = []

        def run(folder: Path) -> None:
            made.append(self._make(make, keepable, extra, folder))

        entry = cache.folder(kind, [self.context, self.page, *inputs], run, keep=KEEP, valid=self._still_valid)
        if made:
            self.made += 1
            return made[0], None
        self.kept += 1
        record = json.loads((entry / "part.json").read_text(encoding="utf-8"))
        for outer in self.making:  # an enclosing part read what this one read
            outer.files |= set(record["reads"]["files"])
            outer.folders |= set(record["reads"]["folders"])
        return (entry / "part.html").read_text(encoding="utf-8"), record

    def _make(self, make, keepable, extra, folder: Path) -> str:
        making, warnings, stale = _Making(), _Warnings(), cache.stale_served
        loggers = [logging.getLogger(), logging.getLogger("mkdocs")]
        for logger in loggers:
            logger.addHandler(warnings)
        self.making.append(making)
        try:
            html = make()
        finally:
            self.making.pop()
            for logger in loggers:
                logger.removeHandler(warnings)
        kept = making.keepable and not warnings.seen and cache.stale_served == stale and keepable(html)
        for outer in self.making:
            outer.files |= making.files
            outer.folders |= making.folders
            outer.keepable &= kept
        reads = {"files": {p: _state(p, False) for p in sorted(making.files)},
                 "folders": {p: _state(p, True) for p in sorted(making.folders)}}
        (folder / "part.html").write_text(html, encoding="utf-8")
        record = {"keepable": kept, "reads": reads, **extra()}
        (folder / "part.json").write_text(json.dumps(record, indent=1), encoding="utf-8")
        return html

    @staticmethod
    def _still_valid(entry: Path) -> bool:
        record = json.loads((entry / "part.json").read_text(encoding="utf-8"))
        if not record["keepable"]:
            return False
        reads = record["reads"]
        return (all(_state(p, False) == state for p, state in reads["files"].items())
                and all(_state(p, True) == state for p, state in reads["folders"].items()))


class Blocks:
    """markdown-exec's formatter, with each Python block's HTML kept in the build cache (see the module's docstring)."""

    def __init__(self, formatter: Callable[..., str], recorder: Recorder) -> None:
        self.formatter = formatter
        self.recorder = recorder

    def __call__(self, source: str, language: str, css_class: str, options: dict, md, **kwargs) -> str:
        from markdown_exec import MarkdownConverter
        from markdown_exec._internal.formatters.python import _code_block_id

        if options.get("session"):  # its namespace is made by the session's earlier blocks: they all run
            return self.formatter(source, language, css_class, options, md, **kwargs)
        first = MarkdownConverter.counter + 1

        def keepable(html: str) -> bool:
            prefixes = (f"exec-{n}--" for n in range(first, MarkdownConverter.counter + 1))
            return not HEADING.search(html) and not any(prefix in html for prefix in prefixes)

        inputs = [language, source, css_class, repr(sorted(options.items())), repr(sorted(kwargs.items()))]
        html, record = self.recorder.part(
            "markdown-exec", inputs, lambda: self.formatter(source, language, css_class, options, md, **kwargs),
            keepable, lambda: {"conversions": MarkdownConverter.counter - first + 1},
        )
        if record is not None:  # what running the block would have done besides its HTML
            _code_block_id(options.get("id"), options.get("session"), options.get("extra", {}).get("title"))
            MarkdownConverter.counter += record["conversions"]
        return Markup(html)


class Renders:
    """The mkdocstrings handler's ``render``, with each object's HTML kept in the build cache (see the module's docstring).

    Rendering registers the object's headings with the handler (``do_heading``), which mkdocstrings
    then puts in the table of contents and registers, with the names the handler's ``get_aliases``
    gives for them, for cross-references and ``objects.inv``. Those names depend on what the
    renderings before have done to the collected objects (Griffe makes an inherited member's alias
    when a template first asks for it). So a kept rendering hands the handler the same headings and
    their names as recorded when it was made, and before an object is rendered again, the kept
    renderings of this build before it are rendered (their HTML unused), so the objects are in the
    state a build without the cache has there.
    """

    def __init__(self, handler, recorder: Recorder) -> None:
        self.handler = handler
        self.render, self.get_aliases = handler.render, handler.get_aliases
        self.recorder = recorder
        self.unrendered: list[tuple] = []  # the kept renderings of this build since the last one made
        self.names: dict[str, list[str]] = {}  # a kept heading's id -> its names

    def aliases(self, identifier: str) -> tuple[str, ...]:
        """The handler's ``get_aliases``, answering for the headings of kept renderings from their record."""
        if identifier in self.names:
            return tuple(self.names[identifier])
        return self.get_aliases(identifier)

    def __call__(self, data, options, locale: str | None = None) -> str:
        headings = self.handler._headings
        first = len(headings)

        def make() -> str:
            for unrendered in self.unrendered:
                self.render(*unrendered)
                del headings[first:]
            self.unrendered.clear()
            return self.render(data, options, locale=locale)

        def record() -> dict:
            made = headings[first:]
            names = {h.get("id"): list(self.get_aliases(h.get("id"))) for h in made if "data-skip-inventory" not in h.attrib}
            return {"headings": [_xml(h) for h in made], "names": names}

        html, kept = self.recorder.part(
            "mkdocstrings", [data.path, locale, repr(options)], make,
            lambda html: all(_heading(_xml(h)) is not None for h in headings[first:]), record,
        )
        if kept is not None:
            self.unrendered.append((data, options, locale))
            headings.extend(_heading(xml) for xml in kept["headings"])
            self.names.update(kept["names"])
        return html


def _xml(heading: Element) -> list:
    """A heading element as text: its XML without its tail, and its tail."""
    alone = copy.copy(heading)
    alone.tail = None
    return [tostring(alone, encoding="unicode"), heading.tail]


def _heading(xml: list) -> Element | None:
    """The heading element :func:`_xml` wrote, or None if its XML does not read back as the same element."""
    try:
        heading = fromstring(xml[0])
    except ParseError:
        return None
    if tostring(heading, encoding="unicode") != xml[0]:
        return None
    heading.tail = xml[1]
    return heading
