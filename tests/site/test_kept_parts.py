"""What a rebuild keeps from the build cache (markdown-exec blocks, mkdocstrings renderings, search entries) makes the same site.

The builds run in a copy of this checkout (its files as they are now, with its build cache), so
the test can edit the copy and leave the real one alone. The copy gets one more page, built last,
with blocks that exercise what a kept block must get right: a session, a block that prints a
heading (so it runs at every build) with its own module name (markdown-exec numbers the blocks of
a build, so the kept blocks before it must count), and a block that reads a data file.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import sitetools

REPO = sitetools.REPO
PROBE = '''# Cache probe

```python exec="1" session="probe"
answer = 41
```

```python exec="1" session="probe"
print(f"the session answer is {answer + 1}")
```

```python exec="1"
print(f"## A heading printed by the block `{__name__}`")
```

```python exec="1" source="above" result="text"
from pathlib import Path

print(Path("docs/probe-data.txt").read_text(encoding="utf-8"))
```
'''
COUNTS = re.compile(r"page parts: (\d+) made, (\d+) kept")
KINDS = ("markdown-exec", "mkdocstrings", "search")  # what docs_gen.kept and docs_gen.search_cache keep
DESCRIPTION = re.compile(r'description="([^"]*)"')


def _files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def assert_same_site(one: Path, other: Path) -> None:
    first, second = _files(one), _files(other)
    assert sorted(first) == sorted(second)
    assert [name for name in first if first[name] != second[name]] == []


@pytest.fixture(scope="module")
def checkout(tmp_path_factory, needs_node) -> Path:
    copy = tmp_path_factory.mktemp("checkout") / "autograd"
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=REPO,
                            capture_output=True, text=True, check=True).stdout.split("\0")
    for name in filter(None, listed):
        if (REPO / name).is_file():
            (copy / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / name, copy / name)
    (copy / "node_modules").symlink_to(REPO / "node_modules")
    if (REPO / ".cache" / "site").is_dir():  # the notebook's run and the runtime's files, so they are not made again
        from docs_gen import cache

        cache.copy_into(REPO / ".cache" / "site", copy / ".cache" / "site")
    for kind in KINDS:
        shutil.rmtree(copy / ".cache" / "site" / kind, ignore_errors=True)
    (copy / "docs" / "zz-cache-probe.md").write_text(PROBE, encoding="utf-8")
    (copy / "docs" / "probe-data.txt").write_text("first version of the data\n", encoding="utf-8")
    return copy


def build(checkout: Path, site: Path, cold: bool = False) -> tuple[int, int]:
    """Build the copy strictly into ``site`` (``cold``: with no kept page parts); (page parts made, kept)."""
    if cold:
        for kind in KINDS:
            shutil.rmtree(checkout / ".cache" / "site" / kind, ignore_errors=True)
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--clean", "--site-dir", str(site)],
        cwd=checkout, env={**os.environ, **sitetools.BUILD_ENV, "SITE_URL": sitetools.TEST_SITE_URL},
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    assert result.returncode == 0, result.stdout[-5000:]
    assert sitetools.build_warnings(result.stdout) == []
    (counts,) = COUNTS.findall(result.stdout)
    return int(counts[0]), int(counts[1])


def page(site: Path, name: str) -> str:
    return (site / name / "index.html").read_text(encoding="utf-8")


def test_kept_parts_make_the_site_a_build_without_them_makes(checkout, tmp_path):
    made, kept = build(checkout, tmp_path / "cold", cold=True)
    assert kept == 0 and made > 50
    probe = page(tmp_path / "cold", "zz-cache-probe")
    assert "the session answer is 42" in probe
    assert "first version of the data" in probe
    assert "<code>_code_block_n" in probe

    again, kept = build(checkout, tmp_path / "warm")
    # What is made again: the session's two blocks, and the blocks whose output has a heading.
    assert kept > 50 and again < 6
    assert_same_site(tmp_path / "cold", tmp_path / "warm")


def test_a_rendering_made_after_kept_ones_is_the_same(checkout, tmp_path):
    build(checkout, tmp_path / "cold", cold=True)
    # autograd.optim.SGD is also named autograd.nn.SGD, an alias Griffe makes when autograd.nn (before it
    # on the API page) is rendered: rendering autograd.optim again after a kept autograd.nn must see it.
    renderings = checkout / ".cache" / "site" / "mkdocstrings"
    (optim,) = [p.parent for p in renderings.glob("*/part.html") if 'id="autograd.optim"' in p.read_text("utf-8")]
    shutil.rmtree(optim)
    made, kept = build(checkout, tmp_path / "mixed")
    assert kept > 50 and made < 7
    assert_same_site(tmp_path / "cold", tmp_path / "mixed")


def test_a_block_runs_again_when_a_file_it_read_changed(checkout, tmp_path):
    made_before, _ = build(checkout, tmp_path / "before")
    (checkout / "docs" / "probe-data.txt").write_text("second version of the data\n", encoding="utf-8")
    made, _ = build(checkout, tmp_path / "after")
    assert made == made_before + 1
    probe = page(tmp_path / "after", "zz-cache-probe")
    assert "second version of the data" in probe and "first version" not in probe


def test_a_package_change_runs_every_block_again(checkout, tmp_path):
    ops = checkout / "autograd" / "ops.py"
    text = ops.read_text(encoding="utf-8")
    match = DESCRIPTION.search(text)
    edited = f"{match[1]} (edited by the cache test)"
    ops.write_text(text[:match.start(1)] + edited + text[match.end(1):], encoding="utf-8")

    made, kept = build(checkout, tmp_path / "edited")
    assert kept == 0 and made > 50
    assert edited in page(tmp_path / "edited", "operations")
    build(checkout, tmp_path / "cold", cold=True)
    assert_same_site(tmp_path / "edited", tmp_path / "cold")


# As `mkdocs serve` does: one process, the configuration loaded again for each build, hook modules kept.
IN_ONE_PROCESS = """
import sys
from mkdocs.commands.build import build
from mkdocs.config import load_config

for number, site in enumerate(sys.argv[1:]):
    config = load_config(config_file="mkdocs.yml", site_dir=site, strict=True)
    if number == 0:
        config.plugins.on_startup(command="serve", dirty=False)
    build(config)
"""


def test_rebuilds_in_one_process_make_the_same_site(checkout, tmp_path):
    # markdown-exec numbers blocks across the builds of a process, so the probe's heading would differ
    # with or without the cache: the probe page goes (this test comes last).
    (checkout / "docs" / "zz-cache-probe.md").unlink()
    build(checkout, tmp_path / "cold", cold=True)
    sites = [str(tmp_path / f"rebuild-{n}") for n in range(3)]
    result = subprocess.run(
        [sys.executable, "-c", IN_ONE_PROCESS, *sites], cwd=checkout,
        env={**os.environ, **sitetools.BUILD_ENV, "SITE_URL": sitetools.TEST_SITE_URL},
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    assert result.returncode == 0, result.stdout[-5000:]
    for site in sites:
        assert_same_site(tmp_path / "cold", Path(site))
