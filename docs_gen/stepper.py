"""The backward stepper: the steps of :func:`autograd.trace.backward_steps` as JSON for the page's script.

The Computational graph page embeds :func:`steps_payload` of the worked example
next to its figure and a trace table; ``docs/javascripts/stepper.js`` replays
it, one node at a time, in the figure (whose node ids come from
:func:`autograd.graph.node_slugs`) and in the table. Every number it shows is
in the payload, computed here by the engine: the script only formats them.

>>> from autograd.examples import sigmoid_neuron_with_l2
>>> payload = steps_payload(sigmoid_neuron_with_l2(backward=False))
>>> [step["name"] for step in payload["steps"]][:3]
['f', 'G', 'R']
>>> [(c["name"], c["before"], c["after"]) for c in payload["steps"][0]["contributions"]]
[('G', 0.0, 1.0), ('R', 0.0, 1.0)]
"""

from __future__ import annotations

import json
from html import escape

from autograd import examples
from autograd.trace import backward_steps_data, creation_order

from .graph_figure import worked_example_html

DIGITS = 4  # as in the trace tables
NUDGES = (0.1, 0.01, 0.001)
"""The steps h the graph page offers for "nudge by h", each computed by the engine at build time."""


def steps_payload(root) -> dict:
    """:func:`autograd.trace.backward_steps_data` of ``root`` with the digits the stepper shows."""
    return {**backward_steps_data(root), "digits": DIGITS}


def nudges(point: dict[str, float] | None = None, hs=NUDGES) -> list[dict]:
    """For each input of the worked example and each h: f(x + h) − f(x) beside h × ∂f/∂x, by the engine.

    >>> first = nudges({"w1": 0.2, "w2": 0.4, "x1": -0.4, "x2": 0.5})[0]
    >>> first["name"], first["h"], round(first["change"], 4), round(first["predicted"], 4)
    ('w₁', 0.1, 0.015, 0.01)
    """
    point = dict(examples.EXAMPLE_POINT if point is None else point)
    f = examples.sigmoid_neuron_with_l2(**point)
    grads = {n.label: n.grad for n in creation_order(f) if not n.inputs}
    out = []
    for name, label in examples.INPUT_LABELS.items():
        for h in hs:
            moved = examples.sigmoid_neuron_with_l2(**{**point, name: point[name] + h}, backward=False)
            out.append({
                "variable": name,
                "name": label,
                "h": h,
                "x": point[name],
                "f": f.data,
                "f_moved": moved.data,
                "change": moved.data - f.data,
                "grad": grads[label],
                "predicted": h * grads[label],
            })
    return out


def _number(x: float) -> str:
    return f"{x:.{DIGITS}f}"


def trace_rows_html(payload: dict, grads: bool = True) -> str:
    """The stepper's trace table: one row per node (``data-node`` = its slug), gradients hidden until reached."""
    rows = []
    for node in payload["nodes"]:
        made = "input" if node["input"] else f"<code>{escape(node['expression'])}</code>"
        rows.append(
            f'<tr data-node="{escape(node["slug"])}"><th scope="row">{escape(node["name"])}</th><td>{made}</td>'
            f'<td class="ag-num">{_number(node["data"])}</td>'
            f'<td class="ag-num ag-stepper__grad">{_number(node["grad"]) if grads else "—"}</td></tr>'
        )
    of = escape(payload["of"])
    return (
        '<table class="ag-stepper__trace"><thead><tr><th scope="col">Node</th><th scope="col">Computed as</th>'
        f'<th scope="col" class="ag-num">Value</th><th scope="col" class="ag-num">∂{of}/∂node</th></tr></thead>'
        f'<tbody>{"".join(rows)}</tbody></table>'
    )


def assets_html(base: str) -> str:
    """The stepper's stylesheet and script, linked relative to the page (``base`` leads to the site root)."""
    return (
        f'<link rel="stylesheet" href="{base}stylesheets/stepper.css">\n'
        f'<script type="module" src="{base}javascripts/stepper.js"></script>\n'
    )


def graph_caption(root) -> str:
    """The caption of the Computational graph page's figure, naming the graph's constants."""
    constants = [format(n.data, "g") for n in creation_order(root) if n.is_constant]
    if constants:
        listed = " and ".join(constants) if len(constants) <= 2 else ", ".join(constants)
        boxes = "box is the constant" if len(constants) == 1 else "boxes are the constants"
        lifted = "a plain number" if len(constants) == 1 else "plain numbers"
        const = f" The grey dashed {boxes} {listed}, which the engine lifts from {lifted}."
    else:
        const = ""
    return (
        '<p class="figure-caption">The computational graph of f. Each <span class="key key-data">green box</span> is '
        'a node with its forward value, each <span class="key key-grad">blue ellipse</span> is the gradient ∂f/∂node '
        'that the backward pass left on it, and each <span class="key key-op">orange circle</span> is the operation '
        f"that made the node to its right (with its parameters, as the 2 of ** 2).{const}</p>"
    )


def stepper_html(root, figure: str, extra: dict | None = None, id_prefix: str = "ag-stepper", caption: str = "") -> str:
    """The stepper's markup around ``figure`` (HTML with the inline SVG of ``root``'s graph), with its payload.

    Without JavaScript the figure and the table show the final gradients, as
    before; the script hides the ones not reached yet.
    """
    payload = {**steps_payload(root), **(extra or {})}
    data = json.dumps(payload, ensure_ascii=False).replace("</", "<\\/")
    return f"""<div class="ag-stepper" id="{id_prefix}" data-stepper>
<script type="application/json" class="ag-stepper__data">{data}</script>
<div class="ag-stepper__figure" tabindex="0" role="region" aria-label="The computational graph">
{figure}</div>
<p class="ag-stepper__scroll-hint">The graph is wider than the screen: scroll it sideways.</p>
{caption}
<div class="ag-stepper__panel" hidden></div>
<div class="ag-stepper__table">{trace_rows_html(payload)}</div>
</div>
"""


def graph_page_stepper(base: str = "../") -> str:
    """The Computational graph page's figure of the worked example, with the stepper and the nudge data.

    ``base`` is the way from the page to the site root (``../`` from ``graph/``).
    """
    # The figure shows the final gradients, for readers without JavaScript; the script hides them.
    f = examples.sigmoid_neuron_with_l2()
    figure = stepper_html(f, worked_example_html(), {"nudges": nudges()}, caption=graph_caption(f))
    return assets_html(base) + figure
