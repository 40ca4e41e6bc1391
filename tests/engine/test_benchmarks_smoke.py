"""The benchmark script runs end to end in its quick mode, so it cannot rot.

No timing is asserted: benchmarks measure, tests check behaviour.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


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
    assert {"cpu", "cores", "python", "numpy", "torch", "micrograd", "timing"} <= set(report["machine"])
    names = [b["name"] for b in report["benchmarks"]]
    assert names == [
        "1. The page's task, Tensor engine", "2. The page's task, scalar engine vs the original design",
        "3. Scalar engine vs micrograd", "4. A real-sized MLP", "5. Deep chain",
        "6. Before and after the registry refactor", "7. Instructions per epoch (callgrind)",
    ]
    targets = [t for b in report["benchmarks"] for t in b["targets"]]
    assert len(targets) == 12
    for benchmark in report["benchmarks"]:
        for row in benchmark["rows"]:
            # Each row was measured, or says why it was skipped.
            assert (row["seconds"] is not None and row["seconds"] > 0) or row["note"].startswith("skipped")
    # The contestants that agree on the page's task (float64) agree on its numbers.
    rows = [row for b in report["benchmarks"] if "page's task" in b["name"] or "refactor" in b["name"] for row in b["rows"]]
    differences = [value for row in rows for key, value in row["extra"].items() if "loss difference" in key]
    assert len(differences) == 8 and all(difference < 1e-9 for difference in differences)
    assert report["markdown"] in run.stdout
    assert "| Target | Measured ratio | Limit | Met |" in report["markdown"]


def test_a_missing_optional_contestant_is_skipped_with_a_note(tmp_path):
    output = tmp_path / "report.json"
    # Importing a module mapped to None raises ImportError: as if torch and micrograd were not installed.
    code = (
        "import sys\n"
        "for name in ('torch', 'micrograd', 'micrograd.nn'): sys.modules[name] = None\n"
        "from benchmarks import run\n"
        f"run.main(['--quick', '--output', {str(output)!r}, '--only', 'page_task', 'scalar_vs_micrograd', 'real_mlp'])\n"
    )
    run = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300,
                         env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert run.returncode == 0, run.stderr
    report = json.loads(output.read_text())
    rows = {row["contestant"]: row for b in report["benchmarks"] for row in b["rows"]}
    for contestant in ("PyTorch CPU, 1 thread", "PyTorch CPU, 1 thread, loss + grad only", "micrograd 0.1.0"):
        assert rows[contestant]["seconds"] is None
        assert "skipped" in rows[contestant]["note"] and "requirements-bench.txt" in rows[contestant]["note"]
    targets = {t["goal"]: t for b in report["benchmarks"] for t in b["targets"]}
    goal = "Tensor engine faster than PyTorch (loss + grad only)"
    assert targets[goal]["met"] is None
    assert f"| {goal} | — | 1.000 | skipped |" in report["markdown"]
