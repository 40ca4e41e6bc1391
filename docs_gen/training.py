"""The training run the Overview quotes: the same data, model and settings as docs/training.ipynb."""

from __future__ import annotations

import functools
from dataclasses import dataclass

from autograd import History, LinearLayer, four_blobs, train

SAMPLES = 100
DATA_SEED = 0
MODEL_SEED = 0
LEARNING_RATE = 1.0
EPOCHS = 500


@dataclass(frozen=True)
class TrainingRun:
    x: list
    y: list
    model: LinearLayer
    history: History

    @property
    def results(self) -> dict[str, str]:
        """The results table of the Training page, as metric -> formatted value."""
        return {
            "Final accuracy": f"{self.history.accuracy[-1]:.0%}",
            "Final loss": f"{self.history.loss[-1]:.4f}",
            "Iterations": str(len(self.history.loss)),
            "Classes": str(len(set(self.y))),
            "Samples": str(len(self.x)),
            "Input dimensions": str(len(self.x[0])),
        }


@functools.cache
def run() -> TrainingRun:
    """Train ``LinearLayer(2, 4)`` on the four blobs (cached: one run per build)."""
    x, y = four_blobs(n=SAMPLES, seed=DATA_SEED)
    model = LinearLayer(2, 4, seed=MODEL_SEED)
    history = train(x, y, model, lr=LEARNING_RATE, epochs=EPOCHS)
    return TrainingRun(x, y, model, history)


def results_table() -> str:
    """The results of :func:`run` as a Markdown table."""
    lines = ["| Metric | Value |", "|---|--:|"]
    lines += [f"| {metric} | {value} |" for metric, value in run().results.items()]
    return "\n".join(lines) + "\n"
