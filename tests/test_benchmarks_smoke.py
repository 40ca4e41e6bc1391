"""The benchmark script runs end to end in its quick mode, so it cannot rot.

No timing is asserted: benchmarks measure, tests check behaviour.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_quick_benchmark_run_writes_a_complete_report(tmp_path):
    output = tmp_path / "report.json"
    run = subprocess.run(
        [sys.executable, "-m", "benchmarks.run", "--quick", "--output", str(output)],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert run.returncode == 0, run.stderr
    report = json.loads(output.read_text())
    assert report["quick"] is True
    assert {"cpu", "cores", "python", "numpy", "torch", "micrograd"} <= set(report["machine"])
    names = [b["name"] for b in report["benchmarks"]]
    assert names == ["1. The page's task", "2. Scalar engine vs micrograd", "3. A real-sized MLP", "4. Deep chain"]
    targets = [t for b in report["benchmarks"] for t in b["targets"]]
    assert len(targets) == 5
    for benchmark in report["benchmarks"]:
        for row in benchmark["rows"]:
            # Each row was measured, or says why it was skipped.
            assert (row["seconds"] is not None and row["seconds"] > 0) or row["note"].startswith("skipped")
    # The contestants that agree on the task agree on its numbers.
    for row in report["benchmarks"][0]["rows"]:
        difference = row["extra"].get("max relative loss difference vs scalar engine")
        assert difference is None or difference < 1e-9
    assert report["markdown"] in run.stdout
    assert "| Target | Measured ratio | Limit | Met |" in report["markdown"]


def test_a_missing_optional_contestant_is_skipped_with_a_note(tmp_path):
    output = tmp_path / "report.json"
    # Importing a module mapped to None raises ImportError: as if torch and micrograd were not installed.
    code = (
        "import sys\n"
        "for name in ('torch', 'micrograd', 'micrograd.nn'): sys.modules[name] = None\n"
        f"from benchmarks import run; run.main(['--quick', '--output', {str(output)!r}])\n"
    )
    run = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300,
                         env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert run.returncode == 0, run.stderr
    report = json.loads(output.read_text())
    rows = {row["contestant"]: row for b in report["benchmarks"] for row in b["rows"]}
    for contestant in ("PyTorch CPU, 1 thread", "micrograd 0.1.0"):
        assert rows[contestant]["seconds"] is None
        assert "skipped" in rows[contestant]["note"] and "requirements-bench.txt" in rows[contestant]["note"]
    targets = {t["goal"]: t for b in report["benchmarks"] for t in b["targets"]}
    assert targets["Tensor engine faster than PyTorch"]["met"] is None
    assert "| Tensor engine faster than PyTorch | — | 1.000 | skipped |" in report["markdown"]
