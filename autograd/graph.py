"""Draw a computation graph as Graphviz DOT text.

Any Graphviz renders the result (``dot -Tsvg``, or the WASM build the docs
use), in the style of the docs' figure: each value's data in a green box, its
gradient in a blue ellipse beside it, and each op in an orange circle.

Node ids are stable and meaningful, so a page can find a node in the rendered
SVG (Graphviz copies a node's ``id`` into the ``id`` of its ``<g>`` element)
and update its text:

* every node of the graph gets a *slug*: its trace name (its label, ``t1``,
  ``t2``, ... for unlabelled nodes in creation order, the number for a
  constant, see :func:`autograd.trace.node_names`) written in ASCII: subscript
  digits become digits, ``²`` and ``³`` become ``_sq`` and ``_cube``, ``σ``
  becomes ``sigma``, any other character outside ``[A-Za-z0-9_]`` becomes
  ``_``, and a constant ``0.5`` becomes ``c0_5``. A slug already taken gets
  ``_2``, ``_3``, ... in creation order;
* ``v-<slug>`` is the green box of the node's data, ``g-<slug>`` the blue
  ellipse of its gradient and ``op-<slug>`` the orange circle of the op that
  made it; the edges of an op are ``e-op-<slug>-in<k>`` from its k-th input
  (counting from 0) and ``e-op-<slug>-out`` to its output, and the dotted link
  from a box to its gradient is ``e-g-<slug>``;
* ``id_prefix`` is put in front of every id, to keep two figures on one page
  apart.

In a box or an ellipse the number is the last line of the label, so it is the
last ``<text>`` element of the node's ``<g>``.

>>> from autograd.examples import sigmoid_neuron_with_l2
>>> dot = to_dot(sigmoid_neuron_with_l2())
>>> dot.splitlines()[0]
'digraph autograd {'
>>> '"v-w1" [' in dot and '"g-w1x1" [' in dot and '"op-G" [' in dot
True
"""

from __future__ import annotations

from .ops import OPS
from .trace import creation_order, describe, name_nodes
from .value import Value

DATA_STYLE = 'shape=box, style="rounded,filled", fillcolor="#b7e4c7", color="#2d6a4f", fontcolor="#081c15"'
GRAD_STYLE = 'shape=ellipse, style=filled, fillcolor="#bde0fe", color="#1d4e89", fontcolor="#03045e"'
OP_STYLE = 'shape=circle, style=filled, fillcolor="#ffc482", color="#b35c00", fontcolor="#3d1f00", width=0.45, fixedsize=true'
CONST_STYLE = 'shape=box, style="rounded,filled,dashed", fillcolor="#e5e5e5", color="#6c757d", fontcolor="#212529"'
EDGE_COLOR = "#8c8c8c"  # a mid grey, visible on light and dark backgrounds

_ASCII = str.maketrans({
    **{chr(0x2080 + d): str(d) for d in range(10)},  # subscript digits
    "²": "_sq", "³": "_cube", "σ": "sigma",
})


def slug(name: str) -> str:
    """An ASCII identifier for a trace name (see the module docstring).

    >>> slug("w₁²"), slug("w₁x₁"), slug("0.5"), slug("-2")
    ('w1_sq', 'w1x1', 'c0_5', 'cm2')
    """
    try:
        float(name)
    except ValueError:
        text = name.translate(_ASCII)
    else:
        text = "c" + name.replace("-", "m").replace(".", "_")
    return "".join(ch if ch.isascii() and (ch.isalnum() or ch == "_") else "_" for ch in text)


def node_slugs(root: Value) -> dict[int, str]:
    """The unique slug of every node under ``root``, keyed by ``id(node)``.

    >>> from autograd.examples import sigmoid_neuron_with_l2
    >>> sorted(node_slugs(sigmoid_neuron_with_l2()).values())[:4]
    ['G', 'R', 'c0_5', 'f']
    """
    nodes = creation_order(root)
    return slug_nodes(nodes, name_nodes(nodes))


def slug_nodes(nodes: list[Value], names: dict[int, str]) -> dict[int, str]:
    """A unique slug for each of ``nodes`` (in creation order) from its display name.

    A slug already taken gets the smallest free suffix ``_2``, ``_3``, ...
    The search for it resumes from the last suffix given to the same base:
    every smaller one was taken then and still is, so the result is the same
    as searching from ``_2`` each time, but a graph whose nodes share a name
    (a thousand constants ``1``) costs linear time instead of quadratic.

    >>> from autograd import Value
    >>> x = Value(1.0, label="x") + 1 + 1 + 1
    >>> sorted(node_slugs(x).values())
    ['c1', 'c1_2', 'c1_3', 't1', 't2', 't3', 'x']
    """
    slugs: dict[int, str] = {}
    taken: set[str] = set()
    last_suffix: dict[str, int] = {}  # base -> the suffix it was last given
    for node in nodes:
        base = slug(names[id(node)])
        candidate = base
        if candidate in taken:
            n = last_suffix.get(base, 1)
            while candidate in taken:
                n += 1
                candidate = f"{base}_{n}"
            last_suffix[base] = n
        taken.add(candidate)
        slugs[id(node)] = candidate
    return slugs


def op_label(node) -> str:
    """The mark of the op that made ``node``: the registry's symbol, then any parameters.

    >>> from autograd import Value
    >>> x = Value(3.0)
    >>> op_label(x * x), op_label(x.sigmoid()), op_label(x ** 2)
    ('*', 'σ', '** 2')
    """
    symbol = OPS[node.op].symbol
    shown = [format(p, "g") if isinstance(p, float) else str(p) for p in node.params if _short(p)]
    return f"{symbol} {', '.join(shown)}" if shown else symbol


def _short(param) -> bool:
    """Whether a parameter fits in an op's mark: a number, an axis or a shape, not an index array."""
    return param is not None and len(str(param)) <= 12


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def to_dot(
    root: Value,
    *,
    digits: int = 4,
    grad_of: str | None = None,
    include_constants: bool = True,
    rankdir: str = "LR",
    id_prefix: str = "",
) -> str:
    """The graph under ``root`` as Graphviz DOT, with stable node ids.

    ``digits`` sets how many decimals the data and gradients show. Gradient
    ellipses read ``∂f/∂name`` where ``f`` is ``grad_of``, by default the
    root's label (or ``f`` without one). Constants lifted from plain numbers
    (the ``0.5`` of ``0.5 * u``) are drawn as grey boxes unless
    ``include_constants=False``; they get no gradient ellipse. Call
    ``root.backward()`` first so the gradients are filled in.

    >>> from autograd import Value
    >>> a = Value(3.0, label="a"); b = a * a + 1; b.label = "b"; b.backward()
    >>> dot = to_dot(b, digits=2)
    >>> [line.split("id=")[1].split(",")[0] for line in dot.splitlines() if "id=" in line][:9]
    ['"v-a"', '"g-a"', '"v-t1"', '"g-t1"', '"op-t1"', '"v-c1"', '"v-b"', '"g-b"', '"op-b"']
    >>> [line for line in dot.splitlines() if line.startswith('  "g-a"')][0].split(", shape")[0]
    '  "g-a" [id="g-a", label="∂b/∂a\\\\n6.00"'
    """
    nodes = creation_order(root)
    names = name_nodes(nodes)
    slugs = slug_nodes(nodes, names)
    top = grad_of or root.label or "f"
    lines = [
        "digraph autograd {",
        f'  graph [rankdir={rankdir}, bgcolor="transparent", nodesep=0.25, ranksep=0.3, '
        'fontname="Helvetica,Arial,sans-serif"];',
        '  node [fontname="Helvetica,Arial,sans-serif", fontsize=11, penwidth=1.2];',
        f'  edge [color="{EDGE_COLOR}", arrowsize=0.7, penwidth=1.2];',
    ]
    edges = []

    def edge(src: str, dst: str, edge_id: str, extra: str = "") -> None:
        attrs = f"id={_quote(id_prefix + edge_id)}" + (f", {extra}" if extra else "")
        edges.append(f"  {_quote(id_prefix + src)} -> {_quote(id_prefix + dst)} [{attrs}];")

    def node(node_id: str, label: str, style: str) -> None:
        full = id_prefix + node_id
        lines.append(f"  {_quote(full)} [id={_quote(full)}, label={_quote(label)}, {style}];")

    for n in nodes:
        s, name = slugs[id(n)], names[id(n)]
        if n.is_constant:
            if include_constants:
                node(f"v-{s}", name, CONST_STYLE)
        else:
            node(f"v-{s}", f"{name}\n{describe(n.data, digits)}", DATA_STYLE)
            node(f"g-{s}", f"∂{top}/∂{name}\n{describe(n.grad, digits)}", GRAD_STYLE)
            # Same rank: the gradient sits right beside the value it belongs to.
            lines.append(f"  {{ rank=same; {_quote(id_prefix + f'v-{s}')}; {_quote(id_prefix + f'g-{s}')}; }}")
            edge(f"v-{s}", f"g-{s}", f"e-g-{s}", "style=dotted, arrowhead=none")
        if n.inputs:
            node(f"op-{s}", op_label(n), OP_STYLE)
            for k, x in enumerate(n.inputs):
                if include_constants or not x.is_constant:
                    edge(f"v-{slugs[id(x)]}", f"op-{s}", f"e-op-{s}-in{k}")
            edge(f"op-{s}", f"v-{s}", f"e-op-{s}-out")
    return "\n".join(lines + edges + ["}"]) + "\n"
