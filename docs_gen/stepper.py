"""The backward stepper: the steps of :func:`autograd.trace.backward_steps` as JSON for the page's script.

The Computational graph page embeds :func:`steps_payload` of the worked example
next to its figure and a trace table; ``docs/javascripts/stepper.js`` replays
it, one node at a time, in the figure (whose node ids come from
:func:`autograd.graph.node_slugs`) and in the table. Every number it shows is
in the payload, computed here by the engine: the script only formats them.

>>> from autograd.examples import sigmoid_neuron_with_l2
>>> payload = steps_payload(sigmoid_neuron_with_l2(backward=False))
>>> [step["name"] for step in payload["steps"]][:3]
['f', 'R', 'u']
>>> [(c["name"], c["before"], c["after"]) for c in payload["steps"][0]["contributions"]]
[('G', 0.0, 1.0), ('R', 0.0, 1.0)]
"""

from __future__ import annotations

import json
from html import escape

from autograd import examples
from autograd.graph import node_slugs
from autograd.ops import OPS
from autograd.trace import backward_steps, creation_order, expression, name_nodes
from autograd.value import INPUT

from .graph_figure import worked_example_html

DIGITS = 4  # as in the trace tables
NUDGES = (0.1, 0.01, 0.001)
"""The steps h the graph page offers for "nudge by h", each computed by the engine at build time."""


def _rule_latex(op_name: str, k: int) -> str:
    """The registry's LaTeX of ∂out/∂(input k) of an op."""
    rules = OPS[op_name].grad_latex
    if isinstance(rules, str):  # one string, one part per input, separated by ",\quad"
        rules = rules.split(r",\quad")
    return rules[k].strip()


def steps_payload(root) -> dict:
    """Everything the stepper shows for the graph under ``root``, as plain JSON-able data.

    ``nodes`` lists the non-constant nodes in trace order (``slug``: the id in
    the figure, ``name``, ``expression``, ``data``, ``grad``: the final
    gradient). ``steps`` lists the backward pass one node at a time: the
    node's ``slug``, ``name``, ``expression`` and ``op``, the ``upstream``
    gradient ∂root/∂node, and one entry per non-constant input with the op's
    rule (``param``: the input's name in the rule, ``rule``: its LaTeX), the
    ``local`` gradient, the ``contribution`` and the input's gradient
    ``before`` and ``after`` it is added.
    """
    nodes = creation_order(root)
    names = name_nodes(nodes)
    slugs = node_slugs(root)
    steps = backward_steps(root)
    final = {id(root): 1.0}
    for step in steps:
        for c in step.contributions:
            final[id(c.input)] = c.after
    return {
        "of": names[id(root)],
        "digits": DIGITS,
        "nodes": [
            {
                "slug": slugs[id(n)],
                "name": names[id(n)],
                "expression": expression(n, names),
                "input": n.op == INPUT,
                "data": n.data,
                "grad": final.get(id(n), 0.0),
            }
            for n in nodes
            if not n.is_constant
        ],
        "steps": [
            {
                "slug": slugs[id(step.node)],
                "name": names[id(step.node)],
                "expression": expression(step.node, names),
                "op": step.node.op,
                "upstream": step.upstream,
                "contributions": [
                    {
                        "slug": slugs[id(c.input)],
                        "name": names[id(c.input)],
                        "index": k,
                        "param": OPS[step.node.op].inputs[k],
                        "rule": _rule_latex(step.node.op, k),
                        "local": c.local,
                        "contribution": c.contribution,
                        "before": c.before,
                        "after": c.after,
                    }
                    for k, c in enumerate(step.contributions)
                    if not c.input.is_constant
                ],
            }
            for step in steps
        ],
    }


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


GRAPH_CAPTION = """<p class="figure-caption">The computational graph of f. Each <span class="key key-data">green box</span> is a
node with its forward value, each <span class="key key-grad">blue ellipse</span> is the gradient ∂f/∂node that
the backward pass left on it, and each <span class="key key-op">orange circle</span> is the operation that made the
node to its right. The grey dashed boxes are the constants 2 and 0.5, which the engine lifts from plain numbers.</p>"""
"""The caption of the Computational graph page's figure."""


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
<div class="ag-stepper__panel" hidden>
<div class="ag-stepper__controls" role="group" aria-label="Backward pass, one node at a time">
<button type="button" class="md-button" data-action="reset" aria-keyshortcuts="Home">Reset</button>
<button type="button" class="md-button" data-action="back" aria-keyshortcuts="ArrowLeft">Step back</button>
<button type="button" class="md-button md-button--primary" data-action="step" aria-keyshortcuts="ArrowRight">Step</button>
<button type="button" class="md-button" data-action="play" aria-pressed="false" aria-keyshortcuts="P">Play</button>
<span class="ag-stepper__count" aria-hidden="true"></span>
<label class="ag-stepper__predict"><input type="checkbox" data-action="predict"> Predict, then reveal</label>
</div>
<p class="ag-stepper__keys">Keys, with the focus in the stepper: → Step, ← Step back, Home Reset, P Play.</p>
<div class="ag-stepper__narration" aria-live="polite"></div>
<form class="ag-stepper__quiz" hidden></form>
<div class="ag-stepper__nudge" hidden></div>
</div>
<div class="ag-stepper__table">{trace_rows_html(payload)}</div>
</div>
"""


def graph_page_stepper(base: str = "../") -> str:
    """The Computational graph page's figure of the worked example, with the stepper and the nudge data.

    ``base`` is the way from the page to the site root (``../`` from ``graph/``).
    """
    # The figure shows the final gradients, for readers without JavaScript; the script hides them.
    figure = stepper_html(
        examples.sigmoid_neuron_with_l2(), worked_example_html(), {"nudges": nudges()}, caption=GRAPH_CAPTION
    )
    return assets_html(base) + figure
