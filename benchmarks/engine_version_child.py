"""Run by ``benchmarks.before_after`` in a child process: time one version of the engine on the page's task.

    PYTHONPATH=<engine tree>:<repo> python benchmarks/engine_version_child.py scalar|tensor EPOCHS REPEATS

The ``autograd`` package comes from the first entry of PYTHONPATH (a copy of
the package at an older commit, or the working tree), the benchmark code from
the repository. Prints one JSON object: where ``autograd`` was imported from,
the best CPU time and the losses.
"""

import json
import sys

import autograd
from benchmarks.common import best_time
from benchmarks.page_task import scalar_engine, tensor_engine


def main(task: str, epochs: int, repeats: int) -> dict:
    x, y = autograd.four_blobs()
    training = {"scalar": scalar_engine, "tensor": tensor_engine}[task]
    seconds = best_time(lambda: training(x, y, epochs), repeats)
    return {"autograd": autograd.__file__, "seconds": seconds, "losses": training(x, y, epochs)}


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]))))
