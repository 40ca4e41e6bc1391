"""Run every benchmark side by side, print one markdown report and save it as JSON.

    .venv/bin/python -m benchmarks.run            # the full run: minutes on an idle machine, far more on a busy one
    .venv/bin/python -m benchmarks.run --quick    # a seconds-long smoke run (numbers mean nothing)
    .venv/bin/python -m benchmarks.run --only page_task --update   # measure one again, keep the others

The report goes to ``benchmarks/results/latest.json`` (``--output`` to change
it): the machine's details, every measurement, the issue's targets with their
ratios, and the markdown tables that the docs' Performance page shows.
PyTorch and micrograd are optional (``pip install -r requirements-bench.txt``);
a missing one is skipped with a note.
"""

from __future__ import annotations

import os

# One BLAS thread, set before numpy loads: PyTorch runs on one thread too, so
# the two compete at an equal thread count.
for _variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_variable] = "1"

import argparse  # noqa: E402
import datetime  # noqa: E402
import hashlib  # noqa: E402
import importlib.metadata  # noqa: E402
import json  # noqa: E402
import platform  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402

from . import before_after, deep_chain, instructions, page_task, real_mlp, scalar_page_task, scalar_vs_micrograd  # noqa: E402
from .before_after import engine_at  # noqa: E402
from .common import CLOCK, ENGINE, ROOT  # noqa: E402

BENCHMARKS = (page_task, scalar_page_task, scalar_vs_micrograd, real_mlp, deep_chain, before_after, instructions)
DEFAULT_OUTPUT = Path(__file__).parent / "results" / "latest.json"
COMMAND = ".venv/bin/python -m benchmarks.run"
ENGINE_COMMIT = "BENCHMARKS_ENGINE_COMMIT"  # set for the process that --engine starts


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def version(package: str) -> str | None:
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return None


def machine() -> dict:
    return {
        "cpu": cpu_model(),
        "cores": os.cpu_count(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "numpy": version("numpy"),
        "torch": version("torch"),
        "micrograd": version("micrograd"),
        "blas threads": 1,
        "timing": CLOCK,
        "load average at start (1, 5, 15 min)": [round(x, 2) for x in os.getloadavg()],
    }


def seconds(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value * 1000:.1f} ms" if value < 1 else f"{value:.2f} s"


def number(value) -> str:
    if isinstance(value, float):
        return f"{value:.3g}"
    if isinstance(value, list):
        return " → ".join(number(v) for v in value)
    return str(value)


def markdown(benchmarks: list[dict]) -> str:
    """Two tables: every measurement, then every target with its measured ratio (from the report's JSON)."""
    lines = ["| Benchmark | Contestant | CPU time | Details |", "|---|---|--:|---|"]
    for benchmark in benchmarks:
        for row in benchmark["rows"]:
            details = [f"{key}: {number(value)}" for key, value in row["extra"].items()]
            details += [row["note"]] if row["note"] else []
            lines.append(f"| {benchmark['name']} | {row['contestant']} | {seconds(row['seconds'])} | {'; '.join(details)} |")
    lines += ["", "| Target | Measured ratio | Limit | Met |", "|---|--:|--:|:-:|"]
    for benchmark in benchmarks:
        for target in benchmark["targets"]:
            measured = "—" if target["measured"] is None else f"{target['measured']:.3f}"
            met = {True: "yes", False: "**no**", None: "skipped"}[target["met"]]
            lines.append(f"| {target['goal']} | {measured} | {target['limit']:.3f} | {met} |")
    return "\n".join(lines) + "\n"


def now() -> str:
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")


def engine() -> str:
    """The engine measured: the commit, whether autograd/ differs from it, and a digest of autograd/*.py."""
    digest = hashlib.sha256()
    for path in sorted((ENGINE / "autograd").glob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    if ENGINE != ROOT:
        return f"{os.environ.get(ENGINE_COMMIT, 'a copy')} (autograd/*.py sha256 {digest.hexdigest()[:12]})"
    try:
        commit = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
                                capture_output=True, text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain", "--", "autograd"],
                               capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        commit, dirty = "unknown commit", ""
    changes = " with uncommitted changes to autograd/" if dirty else ""
    return f"{commit}{changes} (autograd/*.py sha256 {digest.hexdigest()[:12]})"


def measure_commit(commit: str, argv: list[str], output: Path) -> dict:
    """Run this script again in a child process whose ``autograd`` is the package as of ``commit``."""
    import tempfile

    rest, skip = [], False
    for argument in argv:  # the same arguments, less --engine and --output (given again, as an absolute path)
        if skip:
            skip = False
        elif argument in ("--engine", "--output"):
            skip = True
        elif not argument.startswith(("--engine=", "--output=")):
            rest.append(argument)
    # Named by the last commit that changed autograd/, so runs at later commits name the same engine alike.
    label = subprocess.run(["git", "-C", str(ROOT), "log", "-1", "--format=%h", commit, "--", "autograd"],
                           capture_output=True, text=True, check=True).stdout.strip()
    with tempfile.TemporaryDirectory() as temporary:
        tree = engine_at(label, Path(temporary))
        environment = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tree), str(ROOT)]),
                       ENGINE_COMMIT: f"commit {label} (copied out of git)"}
        subprocess.run([sys.executable, "-m", "benchmarks.run", *rest, "--output", str(output.resolve())],
                       cwd=tree, env=environment, check=True)
    return json.loads(output.read_text())


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes: checks that everything runs")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help="where to write the JSON report")
    parser.add_argument("--only", nargs="+", metavar="MODULE", choices=[b.__name__.rsplit(".", 1)[-1] for b in BENCHMARKS],
                        help="run only these benchmarks (module names), e.g. --only page_task before_after")
    parser.add_argument("--update", action="store_true",
                        help="keep the other benchmarks of the report in --output (each says when it was measured) "
                             "and replace only those run now")
    parser.add_argument("--engine", metavar="COMMIT",
                        help="measure the autograd package as of this commit (copied out of git), not the working "
                             "tree's, which may be half-way through an edit")
    args = parser.parse_args(argv)
    if args.engine:
        return measure_commit(args.engine, argv if argv is not None else sys.argv[1:], args.output)
    benchmarks = [b for b in BENCHMARKS if args.only is None or b.__name__.rsplit(".", 1)[-1] in args.only]

    report = {
        "date": now(),
        "command": COMMAND + (" --quick" if args.quick else "") + (" --only " + " ".join(args.only) if args.only else ""),
        "quick": args.quick,
        "machine": {**machine(), "engine": engine()},
    }
    results = {}
    for benchmark in benchmarks:
        module = benchmark.__name__.rsplit(".", 1)[-1]
        print(f"running {module} ...", file=sys.stderr, flush=True)
        started, load, measured = now(), [round(x, 2) for x in os.getloadavg()], engine()
        result = benchmark.run(quick=args.quick).to_json()
        result["measured"] = {"module": module, "started": started, "engine": measured,
                              "load average at start (1, 5, 15 min)": load}
        if engine() != measured:
            result["measured"]["engine at end"] = engine()  # autograd/ changed while it ran
        results[module] = result
        partial = args.output.with_name(args.output.stem + ".partial.tmp")  # what a long run has measured so far
        partial.parent.mkdir(parents=True, exist_ok=True)
        partial.write_text(json.dumps({**report, "benchmarks": list(results.values())}, indent=2, ensure_ascii=False))
    report["machine"]["load average at end (1, 5, 15 min)"] = [round(x, 2) for x in os.getloadavg()]
    if args.update and args.output.exists():
        earlier = json.loads(args.output.read_text())
        if earlier["quick"] != args.quick:
            raise SystemExit("--update: the report in --output was made in the other mode (--quick or not)")
        kept = {b["measured"]["module"]: b for b in earlier["benchmarks"] if "measured" in b}
        results = {**kept, **results}
        everything = {b.__name__.rsplit(".", 1)[-1] for b in BENCHMARKS} <= results.keys()
        report["command"] = COMMAND + (" --quick" if args.quick else "") if everything else report["command"]
        report["date"] = f"{min(b['measured']['started'] for b in results.values())} to {now()}"
        engines = sorted({b["measured"]["engine"] for b in results.values()})
        report["machine"]["engine"] = "; ".join(engines) if len(engines) > 1 else engines[0]
    order = [b.__name__.rsplit(".", 1)[-1] for b in BENCHMARKS]
    report["benchmarks"] = [results[module] for module in order if module in results]
    report["markdown"] = markdown(report["benchmarks"])

    print(report["markdown"])
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    args.output.with_name(args.output.stem + ".partial.tmp").unlink(missing_ok=True)
    print(f"written to {args.output}", file=sys.stderr)
    return report


if __name__ == "__main__":
    main()
