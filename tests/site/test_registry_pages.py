"""The pages the op registry and the higher-order derivatives feed: Operations and Derivatives of derivatives."""

from __future__ import annotations

import math
import re
from html import unescape

from autograd import OPS

from docs_gen import higher_order, tables


def test_the_operations_tables_list_every_registry_op_once():
    listed = re.findall(r"^\| `(\w+)`<br>", "".join(tables.operations_table(g) for g in ("elementwise", "tensor", "no_gradient")), re.M)
    assert sorted(listed) == sorted(OPS)


def test_the_built_operations_page_shows_every_op_and_the_matmul_vjp(built_site):
    html = (built_site / "operations" / "index.html").read_text(encoding="utf-8")
    for name in OPS:
        assert f"<code>{name}</code>" in html, name
    assert r"\bar A = G B^{\top}" in html and r"\bar B = A^{\top} G" in html


def test_second_derivative_agrees_three_ways_and_the_gradient_graph_is_bigger():
    d = higher_order.second_derivative()
    assert math.isclose(d.engine, d.closed_form, rel_tol=1e-14)
    assert math.isclose(d.engine, d.finite_difference, rel_tol=1e-8)
    assert d.gradient_nodes > 0 and d.forward_nodes > 0


def test_the_first_derivative_graph_carries_the_second_derivative_on_w1():
    g = higher_order.first_derivative_graph()
    w1 = next(n for n in _nodes(g) if n.label == "w₁")
    assert math.isclose(w1.grad, higher_order.second_derivative().engine, rel_tol=1e-14)


def test_the_built_page_shows_the_engine_value_and_the_figure(built_site):
    html = unescape((built_site / "higher-order" / "index.html").read_text(encoding="utf-8"))  # Graphviz writes - as &#45;
    assert f"{higher_order.second_derivative().engine:.10f}" in html
    assert 'id="d2-g-w1"' in html  # w₁'s gradient ellipse in the figure of g's graph


def _nodes(root):
    from autograd.backprop import topological_order

    return topological_order(root)
