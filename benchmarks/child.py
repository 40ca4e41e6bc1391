"""Time one contestant on the page's task in a fresh process of its own.

    PYTHONPATH=<engine tree>:<repo> python benchmarks/child.py scalar|original|tensor|floor EPOCHS REPEATS

Run by ``benchmarks.scalar_page_task`` and ``benchmarks.before_after``. A fresh
process holds only what the contestant imports, as a user's training script
does: the cycle collector's full passes walk every object the process holds,
so a process that has also imported PyTorch (as ``benchmarks.run`` does for
other benchmarks) makes every graph-building engine look slower than it is.
The ``autograd`` package comes from the first entry of PYTHONPATH (a copy of
the package at an older commit, or the working tree), the benchmark code from
the repository; the scalar tasks import no numpy. Prints one JSON object:
where ``autograd`` came from, the least CPU time of the repeats with the cycle
collector on and off, and the losses. With REPEATS = 0 it trains once, untimed,
and prints only where ``autograd`` came from and the losses: what
``benchmarks.instructions`` counts the instructions of.
"""

import gc
import json
import sys
import time


def training(task: str):
    if task == "tensor":
        from benchmarks.page_task import tensor_engine
        return tensor_engine
    if task == "floor":
        from benchmarks.page_task import floor
        return floor
    from benchmarks.scalar_page_task import original, scalar_engine
    return {"scalar": scalar_engine, "original": original}[task]


def cpu_seconds(run, collector: bool) -> float:
    gc.collect()
    if not collector:
        gc.disable()
    try:
        start = time.process_time()
        run()
        return time.process_time() - start
    finally:
        gc.enable()


def main(task: str, epochs: int, repeats: int) -> dict:
    import autograd

    train = training(task)
    x, y = autograd.four_blobs()
    if repeats == 0:
        return {"autograd": autograd.__file__, "losses": train(x, y, epochs)}
    on, off = [], []
    for _ in range(repeats):
        on.append(cpu_seconds(lambda: train(x, y, epochs), collector=True))
        off.append(cpu_seconds(lambda: train(x, y, epochs), collector=False))
    return {"autograd": autograd.__file__, "seconds": min(on), "seconds, cycle collector off": min(off),
            "losses": train(x, y, epochs)}


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]))))
