"""Generated files kept between builds, keyed by the content they are made from.

The slow parts of the build (the executed training notebook, graphs drawn by Graphviz under
Node) are functions of a few files and settings. Each result is stored in
``.cache/site/<kind>/<key>/``, where the key is a digest of those inputs, so a build whose inputs
did not change reuses it and ``mkdocs serve`` redoes only what an edit changed. The inputs are
named by whoever calls :func:`folder`: files and folders by their content, settings as text.
Only the few most recently used entries of each kind are kept. Delete ``.cache/`` to start afresh.

:func:`start` makes an entry in a background thread, so two slow parts can be made at once
while the build goes on; :func:`folder` waits for it. Under ``mkdocs serve`` (:data:`SERVING`,
set by ``hooks/build_cache.py``) a kind that allows it (``stale_while_serving``) is not waited
for: the build uses the entry made last, the new one is made in the background, and when it is
ready :data:`SIGNAL` is touched, which the server watches, so the site is rebuilt with it.
:data:`stale_served` counts those stale answers, so a caller can tell that what it computed from one
must not be kept (``docs_gen.kept`` does not keep such a page part).

>>> import tempfile
>>> with tempfile.TemporaryDirectory() as root:
...     made = []
...     def make(target):
...         made.append(1)
...         (target / "out.txt").write_text("hello")
...     first = folder("demo", ["input", 1], make, root=Path(root))
...     again = folder("demo", ["input", 1], make, root=Path(root))
...     other = folder("demo", ["input", 2], make, root=Path(root))
...     (first / "out.txt").read_text(), first == again, first != other, len(made)
('hello', True, True, 2)
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import threading
import time
from pathlib import Path
from typing import Callable, Iterable

REPO = Path(__file__).resolve().parent.parent
CACHE = REPO / ".cache" / "site"
KEEP = 3  # entries of each kind by default: a few, so switching branches back and forth stays fast
SIGNAL = CACHE / "made-in-background"  # touched when a background entry is ready (or failed)
SERVING = False  # True while `mkdocs serve` runs the build (hooks/build_cache.py sets it for each build)
stale_served = 0  # how many times folder() answered with an older entry while the new one is made
log = logging.getLogger(f"mkdocs.hooks.{__name__}")


def digest(inputs: Iterable[object]) -> str:
    """A digest of ``inputs``: files and folders (every file, by relative name and bytes), bytes, or text."""
    hasher = hashlib.sha256()
    for item in inputs:
        if isinstance(item, Path):
            paths = [item] if item.is_file() else sorted(
                p for p in item.rglob("*") if p.is_file() and "__pycache__" not in p.parts
            )
            hasher.update(f"path:{item.name}:{len(paths)}\0".encode())
            for path in paths:
                hasher.update(f"{path.relative_to(item) if path != item else path.name}\0".encode())
                hasher.update(path.read_bytes())
                hasher.update(b"\0")
        elif isinstance(item, bytes):
            hasher.update(b"bytes:" + item + b"\0")
        else:
            hasher.update(f"text:{item}\0".encode())
    return hasher.hexdigest()[:24]


def folder(kind: str, inputs: Iterable[object], make: Callable[[Path], None], root: Path = CACHE,
           keep: int = KEEP, stale_while_serving: bool = False, valid: Callable[[Path], bool] | None = None) -> Path:
    """The cached folder made by ``make(folder)`` from ``inputs``, made now if no build made it before.

    ``make`` fills an empty folder; it becomes the cache entry only if it returns, so a failed or
    interrupted run leaves nothing behind, and two builds at once do not see each other's halves.
    The ``keep`` most recently used entries of ``kind`` are kept. If :func:`start` is making the
    entry, this waits for it; with ``stale_while_serving`` under ``mkdocs serve``, it returns the
    entry of ``kind`` used last instead and lets the new one be made in the background.
    ``valid(entry)``, if given, checks what ``inputs`` cannot name in advance (what ``make`` turned
    out to read): an entry it rejects is made again.
    """
    global stale_served
    entry = root / kind / digest(inputs)
    if valid is not None and entry.is_dir() and not valid(entry):
        shutil.rmtree(entry, ignore_errors=True)
    if not entry.is_dir() and stale_while_serving and SERVING:
        failed = entry.with_name(entry.name + ".failed")
        previous = _latest(entry.parent)
        if previous is not None and not failed.exists():
            start(kind, inputs, make, root=root, keep=keep)
            stale_served += 1
            return _use(previous, keep)
        failed.unlink(missing_ok=True)  # a background run failed: run it here, where its error stops the build
    running = _running(entry)
    if running is not None:
        running.join()
    if not entry.is_dir():
        _make(entry, make)
    return _use(entry, keep)


def text(kind: str, inputs: Iterable[object], make: Callable[[], str], root: Path = CACHE, keep: int = KEEP) -> str:
    """The text ``make()`` returns for ``inputs``, kept like a :func:`folder` (for a page part that is slow to compute).

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as root:
    ...     calls = []
    ...     answer = lambda: calls.append(1) or "42"
    ...     text("x", ["q"], answer, root=Path(root)), text("x", ["q"], answer, root=Path(root)), len(calls)
    ('42', '42', 1)
    """
    entry = folder(kind, inputs, lambda into: (into / "text").write_text(make(), encoding="utf-8"), root=root, keep=keep)
    return (entry / "text").read_text(encoding="utf-8")


def start(kind: str, inputs: Iterable[object], make: Callable[[Path], None], root: Path = CACHE,
          keep: int = KEEP) -> Path:
    """Begin making the entry of ``inputs`` in a background thread, unless it exists or is being made.

    Returns the entry's path; :func:`folder` with the same arguments waits for it.
    """
    entry = root / kind / digest(inputs)
    if entry.is_dir() or _running(entry) is not None:
        return entry
    if SERVING:
        log.info(f"{kind}: its inputs changed; the site shows the last one until the new one is made "
                 "in the background, then it is rebuilt")

    def run() -> None:
        if SERVING:  # the edit being served comes first: this thread and what it starts yield the CPU
            try:
                os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 10)
            except (AttributeError, OSError):
                pass
        try:
            _make(entry, make)
        except BaseException as error:  # reported by the build that runs it again in the foreground
            entry.with_name(entry.name + ".failed").write_text(f"{type(error).__name__}: {error}\n")
            log.info(f"{kind}: making it in the background failed ({type(error).__name__}); the next build retries")
        finally:
            if SERVING:
                SIGNAL.parent.mkdir(parents=True, exist_ok=True)
                SIGNAL.write_text(f"{kind} {entry.name} {time.time()}\n")

    threading.Thread(target=run, name=_thread_name(entry), daemon=True).start()
    return entry


def _thread_name(entry: Path) -> str:
    return f"docs_gen.cache {entry}"


def _running(entry: Path) -> threading.Thread | None:
    # Found by name, not in a module variable: the build reloads this module, threads outlive it.
    name = _thread_name(entry)
    return next((t for t in threading.enumerate() if t.name == name and t.is_alive()), None)


def _make(entry: Path, make: Callable[[Path], None]) -> None:
    scratch = entry.with_name(f"{entry.name}.{os.getpid()}.{threading.get_ident()}.partial")
    shutil.rmtree(scratch, ignore_errors=True)
    scratch.mkdir(parents=True)
    try:
        make(scratch)
        scratch.rename(entry)
    except OSError:
        if not entry.is_dir():  # not a build that finished first
            raise
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _use(entry: Path, keep: int) -> Path:
    now = time.time()
    os.utime(entry, (now, now))
    _prune(entry.parent, keep)
    return entry


def _unsorted_entries(kind_folder: Path) -> list[os.DirEntry]:
    """The finished entries of a kind, in no order (listed without reading each one's times)."""
    if not kind_folder.is_dir():
        return []
    with os.scandir(kind_folder) as listing:
        return [e for e in listing if e.is_dir() and not e.name.endswith(".partial")]


def _entries(kind_folder: Path) -> list[Path]:
    """The finished entries of a kind, most recently used first."""
    entries = sorted(_unsorted_entries(kind_folder), key=lambda e: e.stat().st_mtime, reverse=True)
    return [Path(e.path) for e in entries]


def _latest(kind_folder: Path) -> Path | None:
    entries = _entries(kind_folder)
    return entries[0] if entries else None


def _prune(kind_folder: Path, keep: int) -> None:
    # Called at every use: the entries' times are read only when there are more than `keep`.
    if len(_unsorted_entries(kind_folder)) > keep:
        for old in _entries(kind_folder)[keep:]:
            shutil.rmtree(old, ignore_errors=True)


def copy_into(entry: Path, target: Path) -> None:
    """Put the files of the cache entry ``entry`` into the folder ``target`` (hard links where the disk allows)."""

    def link_or_copy(source: str, destination: str) -> None:
        try:
            os.link(source, destination)
        except OSError:
            shutil.copy2(source, destination)

    shutil.copytree(entry, target, copy_function=link_or_copy, dirs_exist_ok=True)
