"""autograd.graph.to_dot: structure, stable ids, and the SVG the docs render from it."""

from __future__ import annotations

import re
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from autograd import Value
from autograd.examples import sigmoid_neuron_with_l2
from autograd.graph import node_slugs, slug, to_dot

REPO = Path(__file__).resolve().parents[2]

NODE = re.compile(r'^  "(?P<name>[^"]+)" \[id="(?P<id>[^"]+)", label="(?P<label>[^"]*)"')
EDGE = re.compile(r'^  "(?P<src>[^"]+)" -> "(?P<dst>[^"]+)" \[id="(?P<id>[^"]+)"')
WORKED_EXAMPLE_VALUES = ["w1", "w2", "x1", "x2", "w1_sq", "w2_sq", "w1x1", "w2x2", "z", "u", "R", "G", "f"]


def parse(dot: str):
    nodes = {m["id"]: m["label"] for m in map(NODE.match, dot.splitlines()) if m}
    edges = [(m["src"], m["dst"], m["id"]) for m in map(EDGE.match, dot.splitlines()) if m]
    return nodes, edges


def test_worked_example_ids_are_meaningful_and_complete():
    nodes, edges = parse(to_dot(sigmoid_neuron_with_l2()))
    for name in WORKED_EXAMPLE_VALUES:
        assert f"v-{name}" in nodes and f"g-{name}" in nodes
    ops = {i for i in nodes if i.startswith("op-")}
    # Every computed value has the op that made it; the four inputs have none.
    assert ops == {f"op-{n}" for n in WORKED_EXAMPLE_VALUES[4:]}
    # The one constant is the 0.5; a square's exponent is a parameter of its op, shown in the op's mark.
    assert "v-c0_5" in nodes and not any(i.startswith("v-c2") for i in nodes)
    assert nodes["op-w1_sq"] == "** 2"
    assert nodes["g-w1"] == "∂f/∂w₁\\n0.1004"
    assert nodes["v-f"] == "f\\n0.6300"
    assert nodes["op-G"] == "σ"


def test_every_edge_joins_declared_nodes_and_edge_ids_are_unique():
    a = Value(3.0, label="a")
    b = a * a + a  # a feeds the same op twice
    b.backward()
    nodes, edges = parse(to_dot(b))
    assert all(src in nodes and dst in nodes for src, dst, _ in edges)
    ids = [edge_id for *_, edge_id in edges]
    assert len(ids) == len(set(ids))
    assert {"e-op-t1-in0", "e-op-t1-in1", "e-op-t1-out", "e-g-a"} <= set(ids)


def test_ids_are_stable_across_runs_and_prefix_applies_everywhere():
    first = to_dot(sigmoid_neuron_with_l2())
    second = to_dot(sigmoid_neuron_with_l2())
    assert first == second  # new Value objects, same ids and text
    nodes, edges = parse(to_dot(sigmoid_neuron_with_l2(), id_prefix="fig1-"))
    assert all(i.startswith("fig1-") for i in nodes)
    assert all(e[2].startswith("fig1-") and e[0].startswith("fig1-") for e in edges)


def test_constants_can_be_left_out():
    nodes, edges = parse(to_dot(sigmoid_neuron_with_l2(), include_constants=False))
    assert not any(i.startswith("v-c") for i in nodes)
    assert all(not src.startswith("v-c") for src, _, _ in edges)


def test_slugs_are_ascii_and_unique_for_repeated_labels():
    x, y = Value(1.0, label="x"), Value(2.0, label="x")
    s = x * y
    slugs = node_slugs(s)
    assert [slugs[id(x)], slugs[id(y)]] == ["x", "x_2"]
    assert slug("w₁²") == "w1_sq" and slug("σ") == "sigma" and slug("a b") == "a_b"
    assert all(v.isascii() for v in slugs.values())


@pytest.fixture(scope="module")
def worked_example_svg(needs_node):
    from docs_gen.graph_figure import worked_example_svg

    return worked_example_svg()


def test_rendered_svg_keeps_the_node_ids(worked_example_svg):
    root = ET.fromstring(worked_example_svg)
    ns = {"svg": "http://www.w3.org/2000/svg"}
    group_ids = {g.get("id") for g in root.iterfind(".//svg:g", ns) if g.get("class") == "node"}
    nodes, _ = parse(to_dot(sigmoid_neuron_with_l2()))
    assert group_ids == set(nodes)
    # The number is the last <text> of a node's group, as the to_dot docstring promises.
    g_w1 = next(g for g in root.iterfind(".//svg:g", ns) if g.get("id") == "g-w1")
    assert g_w1.findall("svg:text", ns)[-1].text == "0.1004"


def test_rendering_is_deterministic(worked_example_svg):
    from docs_gen.graph_figure import draw_svg

    assert draw_svg(to_dot(sigmoid_neuron_with_l2())) == worked_example_svg  # drawn again, not read from the cache


def graph_lines_run(build, budget: int) -> int:
    """The number of lines of autograd/graph.py that ``build()`` executes; fails past ``budget``."""
    import autograd.graph

    count = 0

    class OverBudget(Exception):
        pass

    def count_lines(frame, event, arg):
        nonlocal count
        if event == "line":
            count += 1
            if count > budget:
                raise OverBudget
        return count_lines

    def in_graph_module(frame, event, arg):
        return count_lines if frame.f_code.co_filename == autograd.graph.__file__ else None

    previous = sys.gettrace()
    sys.settrace(in_graph_module)
    try:
        build()
    except OverBudget:
        pytest.fail(f"to_dot ran more than {budget} lines of graph.py")
    finally:
        sys.settrace(previous)
    return count


def test_to_dot_does_work_linear_in_nodes_that_share_a_name():
    """A chain of x + 1.0 makes thousands of constants all named 1 (slugs c1, c1_2, c1_3, ...).

    Counted, not timed: a linear to_dot runs about a hundred lines of graph.py per
    node; one that searched for each free suffix from _2 again ran millions here.
    """
    n = 5000
    x = Value(1.0, label="x")
    for _ in range(n):
        x = x + 1.0
    x.backward()
    graph_lines_run(lambda: to_dot(x), budget=250 * n)
    slugs = node_slugs(x)
    assert len(set(slugs.values())) == 2 * n + 1
    assert {"c1", "c1_2", f"c1_{n}", "t1", f"t{n}", "x"} <= set(slugs.values())


def test_repeated_names_get_the_smallest_free_suffix_in_creation_order():
    # Labels that look like generated suffixes (x_2, x_4) are skipped, never duplicated.
    x1, x2, x3, x4, x5, x6 = (Value(float(k), label=name) for k, name in enumerate(["x", "x_2", "x", "x_4", "x", "x"]))
    slugs = node_slugs(x1 * x2 * x3 * x4 * x5 * x6)
    assert [slugs[id(v)] for v in (x1, x2, x3, x4, x5, x6)] == ["x", "x_2", "x_3", "x_4", "x_5", "x_6"]
    assert len(set(slugs.values())) == len(slugs)
