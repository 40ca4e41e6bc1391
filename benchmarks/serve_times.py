"""How fast the edit loop is: `mkdocs serve` start-up, and the time from saving a file to the page showing it.

    .venv/bin/python -m benchmarks.serve_times              # warm: the build cache (.cache/) as it is
    .venv/bin/python -m benchmarks.serve_times --cold       # also a clean `mkdocs build --strict` with no cache
    .venv/bin/python -m benchmarks.serve_times --repo DIR   # measure another checkout (its .venv is used)

Figures, each measured on this machine as it is (other work on it slows them down):

* serve up: from starting ``mkdocs serve`` to the home page answering (target at most 20 s, warm);
* markdown edit: from appending a word to ``docs/operations.md`` to the page showing it (target 3 s);
* package edit: from appending a word to the first op's ``description`` in ``autograd/ops.py`` to the
  Operations page showing it (target 15 s);
* clean build (``--cold``): ``mkdocs build --strict --clean`` into an empty folder, with and without the
  build cache (target 30 s).

The script edits those two files in place and restores them byte for byte, even when it fails;
do not edit them while it runs. It prints one line per figure: the wall time and the CPU time
(of the build and its processes; for the serve figures, of the server process itself), which
other work on the machine does not inflate (on a busy machine the wall time is mostly waiting
for a CPU).
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TARGETS = {"serve up": 20.0, "markdown edit": 3.0, "package edit": 15.0, "clean build": 30.0}
DESCRIPTION = re.compile(r'description="([^"]*)"')
TIMEOUT = 300.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=TIMEOUT) as response:
            return response.read().decode("utf-8", errors="replace")
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return None


def wait_for(url: str, text: str | None, started: float) -> float:
    """Seconds from ``started`` until ``url`` answers (and contains ``text``, if given)."""
    while time.perf_counter() - started < TIMEOUT:
        body = fetch(url)
        if body is not None and (text is None or text in body):
            return time.perf_counter() - started
        time.sleep(0.1)
    raise TimeoutError(f"{url} did not show {text!r} within {TIMEOUT:.0f} s")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of process ``pid`` (all its threads) so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def report(name: str, seconds: float, cpu: float | None = None) -> None:
    target = TARGETS[name]
    used = f", {cpu:5.1f} s CPU" if cpu is not None else ""
    print(f"{name:<16} {seconds:6.1f} s{used}   (target {target:g} s: {'met' if seconds <= target else 'NOT met'})",
          flush=True)


def edit_and_time(path: Path, change, url: str) -> float:
    """Apply ``change`` (text -> (new text, marker)) to ``path``; seconds until ``url`` shows the marker."""
    original = path.read_bytes()
    try:
        text, marker = change(original.decode("utf-8"))
        started = time.perf_counter()
        path.write_text(text, encoding="utf-8")
        return wait_for(url, marker, started)
    finally:
        path.write_bytes(original)


def serve_figures(repo: Path, env: dict[str, str]) -> None:
    port = free_port()
    address = f"http://127.0.0.1:{port}/autograd/"
    server = subprocess.Popen(
        [str(repo / ".venv" / "bin" / "mkdocs"), "serve", "--dev-addr", f"127.0.0.1:{port}"],
        cwd=repo, env={**env, "SITE_URL": address}, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        started = time.perf_counter()
        report("serve up", wait_for(address, None, started), cpu_seconds(server.pid))
        operations = address + "operations/"
        word = f"edit{int(time.time())}"

        def timed(name, path, change):
            before = cpu_seconds(server.pid)
            seconds = edit_and_time(path, change, operations)
            report(name, seconds, cpu_seconds(server.pid) - before)
            time.sleep(3)  # the restore's own rebuild
            wait_for(operations, None, time.perf_counter())

        timed("markdown edit", repo / "docs" / "operations.md", lambda text: (text.rstrip("\n") + f" {word}\n", word))

        def describe(text):
            match = DESCRIPTION.search(text)
            marker = f"{match[1]} (edited {word})"
            return text[:match.start(1)] + marker + text[match.end(1):], marker

        timed("package edit", repo / "autograd" / "ops.py", describe)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def clean_build(repo: Path, env: dict[str, str], cold: bool) -> tuple[float, float]:
    """Wall and CPU seconds (the build and every process it started) of one clean strict build."""
    with tempfile.TemporaryDirectory(prefix="autograd-build-") as folder:
        if cold:
            shutil.rmtree(repo / ".cache", ignore_errors=True)
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        result = subprocess.run(
            [str(repo / ".venv" / "bin" / "mkdocs"), "build", "--strict", "--clean", "--site-dir", folder],
            cwd=repo, env=env, capture_output=True, text=True,
        )
        seconds = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if result.returncode != 0:
            sys.exit(f"mkdocs build failed:\n{result.stderr[-3000:]}")
        return seconds, after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repo", type=Path, default=REPO, help="the checkout to measure (default: this one)")
    parser.add_argument("--cold", action="store_true", help="also time clean builds, first with no build cache")
    args = parser.parse_args(argv)
    repo = args.repo.resolve()
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    print(f"load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores", flush=True)
    if args.cold:
        report("clean build", *clean_build(repo, env, cold=True))
        print("  (with no build cache; the CPU time is the build's and its processes')")
    report("clean build", *clean_build(repo, env, cold=False))
    print("  (with the build cache)")
    serve_figures(repo, env)
    print(f"load average after: {os.getloadavg()[0]:.1f}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
