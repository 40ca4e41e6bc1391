"""The Why reverse mode page: derivatives on edges, the sum over paths, and what each mode costs.

Every edge of a graph carries a local derivative ∂node/∂input (the ``local`` of
:func:`autograd.trace.backward_steps`). A derivative of the output is the sum,
over every path from the input to the output, of the product of the edges'
local derivatives. Reverse mode sums those products from the output down, once
for all inputs; forward mode sums them from one input up, once per input. Both
are run here on the engine's own local derivatives, and their work is counted
as the number of edge multiplications each one does.

>>> counts = cost_rows([1, 4])
>>> [(r["n"], r["reverse_one_output"], r["forward_one_output"]) for r in counts]
[(1, 7, 7), (4, 16, 64)]
"""

from __future__ import annotations

from autograd import Value, examples
from autograd.trace import backward_steps, creation_order, name_nodes

SIZES = (1, 2, 4, 8, 16, 32)


def _locals(root) -> dict[tuple[int, int], float]:
    """The local derivative on every edge (node, input) under ``root``, by the engine's rules."""
    edges = {}
    for step in backward_steps(root):
        for k, c in enumerate(step.contributions):
            if not c.input.is_constant:
                key = (id(step.node), id(c.input))
                edges[key] = edges.get(key, 0.0) + c.local  # an input used twice: both edges add
    return edges


def paths(root, leaf) -> list[tuple[list, float]]:
    """Every path from ``root`` down to ``leaf`` as (nodes from root to leaf, product of local derivatives)."""
    local = _locals(root)
    found = []

    def walk(node, trail, product):
        if node is leaf:
            found.append((trail, product))
            return
        for x in dict.fromkeys(node.inputs):  # an input used twice is one edge with the summed local
            if not x.is_constant:
                walk(x, trail + [x], product * local[(id(node), id(x))])

    walk(root, [root], 1.0)
    return found


def paths_table() -> str:
    """Each path from f to each weight of the worked example, its edge factors, and their sum beside the engine's."""
    f = examples.sigmoid_neuron_with_l2()
    names = name_nodes(creation_order(f))
    local = _locals(f)
    leaves = {n.label: n for n in creation_order(f) if not n.inputs and not n.is_constant}
    lines = ["| Input | Path from f | Local derivatives on its edges | Product |", "|---|---|---|--:|"]
    checks = []
    for label in ("w₁", "w₂", "x₁"):
        leaf = leaves[label]
        total = 0.0
        for trail, product in paths(f, leaf):
            factors = " × ".join(f"{local[(id(a), id(b))]:.4f}" for a, b in zip(trail, trail[1:]))
            route = " → ".join(names[id(n)] for n in trail)
            lines.append(f"| {label} | {route} | {factors} | {product:.4f} |")
            total += product
        lines.append(f"| **{label}** | **sum over its paths** | | **{total:.4f}** |")
        checks.append((label, total, leaf.grad))
    worst = max(abs(a - b) for _, a, b in checks)
    summary = ", ".join(f"∂f/∂{label} = {grad:.4f}" for label, _, grad in checks)
    return "\n".join(lines) + (
        f"\n\nThe engine's `backward()` gives {summary}; the sums over paths differ from it by at most "
        f"{worst:.1e}.\n"
    )


TRUNK = 3
"""How many shared tanh layers sit between the inputs and the outputs of the cost graphs."""


def _trunk(v: Value) -> Value:
    for _ in range(TRUNK):
        v = (v * 0.9).tanh()
    return v


def _one_output(n: int):
    """f = trunk(Σᵢ cᵢ xᵢ): n inputs, one output."""
    xs = [Value(0.1 * (i + 1), label=f"x{i + 1}") for i in range(n)]
    s = xs[0] * 0.5
    for i, x in enumerate(xs[1:], start=1):
        s = s + x * (0.5 + 0.1 * i)
    return _trunk(s), xs


def _many_outputs(n: int):
    """yᵢ = tanh(cᵢ trunk(x)) for i = 1..n: one input, n outputs that share the trunk."""
    x = Value(0.3, label="x")
    h = _trunk(x)
    return [(h * (0.5 + 0.1 * i)).tanh() for i in range(n)], x


def reverse(root) -> tuple[dict[int, float], int]:
    """∂root/∂node for every node, by one backward pass, and its number of edge multiplications."""
    grads = {id(root): 1.0}
    count = 0
    for step in backward_steps(root):
        for c in step.contributions:
            if not c.input.is_constant:
                grads[id(c.input)] = c.after
                count += 1
    return grads, count


def forward(roots, leaf) -> tuple[dict[int, float], int]:
    """d node/d leaf for every node under ``roots``, by one forward (tangent) pass from ``leaf``.

    The tangent of a node is the sum over its inputs of the edge's local
    derivative times the input's tangent: the same local derivatives as the
    reverse pass, combined from the other end.
    """
    local = {}
    for root in roots:
        local.update(_locals(root))
    order = []
    seen = set()
    for root in roots:
        for node in creation_order(root):
            if id(node) not in seen:
                seen.add(id(node))
                order.append(node)
    order.sort(key=lambda node: node._seq)
    tangent = {id(leaf): 1.0}
    count = 0
    for node in order:
        if not node.inputs:
            continue
        total = 0.0
        for x in dict.fromkeys(node.inputs):
            if not x.is_constant:
                total += local[(id(node), id(x))] * tangent.get(id(x), 0.0)
                count += 1
        tangent[id(node)] = total
    return tangent, count


def cost_rows(sizes=SIZES) -> list[dict]:
    """Edge multiplications of each mode, for one output of n inputs and for n outputs of one input.

    Each gradient is also checked: both modes must agree to 1e-12.
    """
    rows = []
    for n in sizes:
        f, xs = _one_output(n)
        rev, rev_count = reverse(f)
        fwd_total = 0
        for x in xs:
            tangents, count = forward([f], x)
            fwd_total += count
            assert abs(tangents[id(f)] - rev[id(x)]) <= 1e-12, (n, x.label)
        ys, x = _many_outputs(n)
        tangents, fwd_many = forward(ys, x)
        rev_many = 0
        for y in ys:
            grads, count = reverse(y)
            rev_many += count
            assert abs(grads[id(x)] - tangents[id(y)]) <= 1e-12, n
        rows.append({
            "n": n,
            "reverse_one_output": rev_count,
            "forward_one_output": fwd_total,
            "reverse_many_outputs": rev_many,
            "forward_many_outputs": fwd_many,
        })
    return rows


def cost_table() -> str:
    """The counts of :func:`cost_rows` as a Markdown table, with the graphs it counts on."""
    lines = [
        f"The trunk here is {TRUNK} layers of tanh(0.9 ·). Edge multiplications per way of computing every "
        "derivative:",
        "",
        "| n | One output, n inputs: reverse | forward | n outputs, one input: reverse | forward |",
        "|--:|--:|--:|--:|--:|",
    ]
    for r in cost_rows():
        lines.append(
            f"| {r['n']} | **{r['reverse_one_output']}** | {r['forward_one_output']} "
            f"| {r['reverse_many_outputs']} | **{r['forward_many_outputs']}** |"
        )
    return "\n".join(lines) + "\n"
