"""How the live demo shows a result: the same HTML at build time and in the reader's browser.

The docs build (``hooks/runtime_assets.py``, under CPython) renders the whole
widget with the default inputs, so the page shows real numbers before any
script runs. In the browser, the site's runtime has this file next to
the packaged ``autograd``, and ``demo.js`` calls :func:`compute` on every edit; the page
swaps in the fragments it returns. Every number on the demo is formatted here,
once, so the page and the tests read the same text.

This is presentation only: the maths is :func:`demo_model.demo_result`, beside this file.
"""

from __future__ import annotations

import json
from html import escape

from demo_model import (
    DEFAULT_EXPRESSION,
    DEFAULT_POINT,
    FUNCTIONS,
    LABELS,
    VARIABLES,
    ExpressionError,
    InputError,
    demo_result,
)

DIGITS = 4  # as in the docs' trace tables
NUDGE_STEPS = (0.1, 0.01, 0.001)
"""The steps h the stepper's "Nudge" offers: f(x + h) − f(x) beside h × ∂f/∂x (see :func:`nudge`)."""
EXPRESSION_FIELD = "f"  # the program's field; the others are named as the variables


def number(x: float) -> str:
    """A value as the demo shows it, e.g. ``number(-0.08) == '-0.0800'``."""
    return f"{x:.{DIGITS}f}"


def summary_html(result: dict) -> str:
    """The result and its four gradients, each in an element with a stable id (``ag-value``, ``ag-grad-w1``, ...).

    They are labelled with the result's name: ``f``, or the name the program's last line assigns.
    """
    f = result["name"]
    items = [(f, "ag-value", result["value"])] + [
        (f"∂{f}/∂{LABELS[name]}", f"ag-grad-{name}", result["gradients"][name]) for name in VARIABLES
    ]
    cells = "".join(
        f'<div class="ag-summary__item"><span class="ag-summary__name">{escape(label)}</span>'
        f'<output id="{element_id}">{number(x)}</output></div>'
        for label, element_id, x in items
    )
    return f'<div class="ag-summary">{cells}</div>'


def trace_html(result: dict) -> str:
    """The forward and backward pass: one row per node, in the order the engine made them.

    A node is shown by its name: an input's, a step's (``z = ...``), or ``t1``, ``t2``, ... for the rest.
    """
    rows = []
    # Each row carries its node's id in the graph, and the gradient cell is marked, for the stepper.
    for row, node in zip(result["trace"], result["steps"]["nodes"]):
        made = "input" if row["expression"] == "input" else f"<code>{escape(row['expression'])}</code>"
        rows.append(
            f'<tr data-node="{escape(node["slug"])}"><th scope="row">{escape(row["name"])}</th><td>{made}</td>'
            f'<td class="ag-num">{number(row["data"])}</td>'
            f'<td class="ag-num ag-stepper__grad">{number(row["grad"])}</td></tr>'
        )
    f = escape(result["name"])
    return (
        '<table class="ag-trace" id="ag-trace"><thead><tr><th>Node</th><th>Computed as</th>'
        f'<th class="ag-num">Forward pass: value</th><th class="ag-num">Backward pass: ∂{f}/∂node</th>'
        f'</tr></thead><tbody>{"".join(rows)}</tbody></table>'
        + steps_json(result)
    )


def steps_json(result: dict) -> str:
    """The backward pass node by node, for the stepper (``demo_stepper.js``), as JSON beside the table."""
    data = json.dumps({**result["steps"], "digits": DIGITS, "nudge_steps": NUDGE_STEPS}, ensure_ascii=False)
    data = data.replace("</", "<\\/")
    return f'<script type="application/json" class="ag-stepper__data">{data}</script>'


def fragments(result: dict) -> dict:
    """Everything the page shows for one result, as HTML (plus the graph as DOT)."""
    return {
        "summary": summary_html(result),
        "trace": trace_html(result),
        "rows": len(result["trace"]),
        "dot": result["dot"],
    }


def compute(typed: str) -> str:
    """The browser's entry point: JSON in (every field as typed, by name), JSON out.

    Out is ``{"ok": true, ...fragments}`` or, for input the demo cannot use,
    ``{"ok": false, "field": "w1" | ... | "f", "message": "..."}``: the page
    shows the message next to that field and keeps what it showed.

    >>> import json
    >>> out = json.loads(compute('{"w1": "1", "w2": "2", "x1": "3", "x2": "4", "f": "w1 * x1"}'))
    >>> out["ok"], out["rows"]
    (True, 3)
    >>> json.loads(compute('{"w1": "1", "w2": "2", "x1": "3", "x2": "4", "f": "open(w1)"}'))["field"]
    'f'
    """
    fields = json.loads(typed)
    try:
        result = demo_result(fields, fields.get(EXPRESSION_FIELD, ""))
    except InputError as error:
        return json.dumps({"ok": False, "field": error.field, "message": str(error)})
    except (ExpressionError, ArithmeticError, ValueError, TypeError, RecursionError) as error:
        return json.dumps({"ok": False, "field": EXPRESSION_FIELD, "message": str(error)})
    return json.dumps({"ok": True, **fragments(result)})


def nudge(typed: str) -> str:
    """The stepper's "Nudge": move one input by h, run the program again, and set the change of the
    result beside h × its gradient. JSON in (the fields as for :func:`compute`, plus ``variable`` and
    ``h``), JSON out; every number is the engine's, the difference taken here, in the browser's Python.

    >>> import json
    >>> out = json.loads(nudge('{"w1": "1", "w2": "2", "x1": "3", "x2": "4", "f": "w1 * x1", "variable": "w1", "h": 0.1}'))
    >>> out["ok"], out["grad"], round(out["change"], 10), round(out["predicted"], 10)
    (True, 3.0, 0.3, 0.3)
    """
    fields = json.loads(typed)
    variable, h = fields.get("variable"), fields.get("h")
    if variable not in VARIABLES or not isinstance(h, (int, float)):
        return json.dumps({"ok": False, "message": f"nudge expects one of {', '.join(VARIABLES)} and a number h"})
    text = fields.get(EXPRESSION_FIELD, "")
    try:
        here = demo_result(fields, text)
        moved = demo_result({**here["point"], variable: here["point"][variable] + h}, text)
    except (ExpressionError, ArithmeticError, ValueError, TypeError, RecursionError) as error:
        return json.dumps({"ok": False, "message": str(error)})
    grad = here["gradients"][variable]
    return json.dumps({
        "ok": True, "variable": variable, "name": LABELS[variable], "h": h, "of": here["name"],
        "f": here["value"], "f_moved": moved["value"], "change": moved["value"] - here["value"],
        "grad": grad, "predicted": h * grad,
    })


def _field(name: str, label: str, control: str, wide: bool = False) -> str:
    """A labelled form control and the line for its error message."""
    kind = "ag-field ag-field--wide" if wide else "ag-field"
    return (
        f'<div class="{kind}"><label for="ag-in-{name}">{label}</label>{control}'
        f'<p class="ag-field__msg" id="ag-msg-{name}" aria-live="polite"></p></div>'
    )


def _attributes(name: str) -> str:
    return (
        f'id="ag-in-{name}" data-field="{name}" autocomplete="off" spellcheck="false" '
        f'aria-describedby="ag-msg-{name}"'
    )


def number_field(name: str, value: float) -> str:
    """One input's text field, labelled as in the docs (w₁, ...)."""
    control = f'<input {_attributes(name)} type="text" inputmode="decimal" value="{escape(repr(value))}">'
    return _field(name, escape(LABELS[name]), control)


def program_field(text: str) -> str:
    """The multi-line box for the reader's program, as tall as ``text``."""
    control = (
        f'<textarea {_attributes(EXPRESSION_FIELD)} rows="{len(text.splitlines())}" '
        f'autocapitalize="off" autocorrect="off">{escape(text)}</textarea>'
    )
    label = "Your function: one expression, or named steps, one per line; the last line is the result"
    return _field(EXPRESSION_FIELD, label, control, wide=True)


def widget_html(render_svg) -> str:
    """The whole demo for the default inputs, computed now; ``render_svg(dot)`` draws the graph."""
    parts = fragments(demo_result(DEFAULT_POINT, DEFAULT_EXPRESSION))
    svg = render_svg(parts["dot"])
    inputs = "".join(number_field(name, DEFAULT_POINT[name]) for name in VARIABLES)
    ops = ", ".join(f"<code>{name}</code>" for name in FUNCTIONS)
    return f"""<div class="ag-demo" id="ag-demo" data-state="static">
<div class="ag-demo__inputs">{inputs}</div>
{program_field(DEFAULT_EXPRESSION)}
<p class="ag-demo__hint">Use w1, w2, x1, x2, numbers, <code>+ - * / **</code> and the ops {ops},
written as <code>tanh(w1)</code> or <code>w1.tanh()</code>. Name a step with <code>z = w1*x1</code>
(a new line or <code>;</code> ends it): later lines can use z, and the table and the graph call
that node z. A last line without a name is called f.</p>
<p class="ag-demo__status" id="ag-status" role="status">Computed by autograd when this site was built.</p>
<noscript><p class="ag-demo__status">Turn on JavaScript to recompute in your browser.</p></noscript>
<div class="ag-demo__results" id="ag-results">
<p class="ag-demo__stale" id="ag-stale-note" hidden>These results are for the last input that worked:
fix the marked field to update them.</p>
<div id="ag-summary">{parts["summary"]}</div>
<div class="ag-demo__trace" id="ag-trace-wrap">{parts["trace"]}</div>
<figure class="ag-demo__graph"><div id="ag-graph">{svg}</div>
<figcaption>The graph of the result: each value in a green box, its gradient ∂f/∂· in the blue ellipse
beside it, each op in an orange circle.</figcaption></figure>
</div>
</div>"""
