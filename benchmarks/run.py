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
import importlib.metadata  # noqa: E402
import json  # noqa: E402
import platform  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402

from . import before_after, deep_chain, instructions, page_task, real_mlp, scalar_page_task, scalar_vs_micrograd  # noqa: E402
from .common import CLOCK  # noqa: E402

BENCHMARKS = (page_task, scalar_page_task, scalar_vs_micrograd, real_mlp, deep_chain, before_after, instructions)
DEFAULT_OUTPUT = Path(__file__).parent / "results" / "latest.json"
COMMAND = ".venv/bin/python -m benchmarks.run"


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


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes: checks that everything runs")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help="where to write the JSON report")
    parser.add_argument("--only", nargs="+", metavar="MODULE", choices=[b.__name__.rsplit(".", 1)[-1] for b in BENCHMARKS],
                        help="run only these benchmarks (module names), e.g. --only page_task before_after")
    parser.add_argument("--update", action="store_true",
                        help="keep the other benchmarks of the report in --output (each says when it was measured) "
                             "and replace only those run now")
    args = parser.parse_args(argv)
    benchmarks = [b for b in BENCHMARKS if args.only is None or b.__name__.rsplit(".", 1)[-1] in args.only]

    report = {
        "date": now(),
        "command": COMMAND + (" --quick" if args.quick else "") + (" --only " + " ".join(args.only) if args.only else ""),
        "quick": args.quick,
        "machine": machine(),
    }
    results = {}
    for benchmark in benchmarks:
        module = benchmark.__name__.rsplit(".", 1)[-1]
        print(f"running {module} ...", file=sys.stderr, flush=True)
        started, load = now(), [round(x, 2) for x in os.getloadavg()]
        result = benchmark.run(quick=args.quick).to_json()
        result["measured"] = {"module": module, "started": started, "load average at start (1, 5, 15 min)": load}
        results[module] = result
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
    order = [b.__name__.rsplit(".", 1)[-1] for b in BENCHMARKS]
    report["benchmarks"] = [results[module] for module in order if module in results]
    report["markdown"] = markdown(report["benchmarks"])

    print(report["markdown"])
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    print(f"written to {args.output}", file=sys.stderr)
    return report


if __name__ == "__main__":
    main()
