"""The Overview page (docs/index.md): its headline results.

The worked example's numbers come from the engine; the training numbers from the executed
training notebook (:func:`docs_gen.notebook.results`), the one run the Training page shows.
"""

from __future__ import annotations

import math

from autograd.examples import sigmoid_neuron_with_l2
from autograd.trace import trace

from . import notebook, worked_example
from .derivations import TOLERANCE

SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def power_of_ten(x: float) -> str:
    """``1e-09`` -> ``10⁻⁹``.

    >>> power_of_ten(1e-9)
    '10⁻⁹'
    """
    return "10" + str(round(math.log10(x))).translate(SUPERSCRIPT)


def headline_results() -> str:
    """Two bullets: the worked example's value and gradient, and what the training run reached.

    Links stay out of this text: MkDocs does not rewrite links in generated Markdown, so the page
    keeps them in its own prose.
    """
    nodes = {row.name: row for row in trace(sigmoid_neuron_with_l2())}
    results = notebook.results()
    return (
        f"- **Worked example.** For {worked_example.formula()} at {worked_example.point_text()} the engine "
        f"gives f = **{nodes['f'].data:.4f}** and ∂f/∂w₁ = **{nodes['w₁'].grad:.4f}**, and its gradients agree "
        f"with the hand-derived closed forms and with finite differences to within {power_of_ten(TOLERANCE)}.\n"
        f"- **Training.** A single `LinearLayer(2, 4)` trained with softmax cross-entropy and plain gradient "
        f"descent (learning rate {results['Learning rate']}, {results['Iterations']} epochs) on "
        f"{results['Samples']} points in {results['Classes']} classes reaches "
        f"**{results['Final accuracy']} accuracy** with a final loss of **{results['Final loss']}**.\n"
    )
