"""The worked example of the original page, reproduced row by row."""

import pytest

from autograd.examples import sigmoid_neuron_with_l2
from autograd.trace import markdown_table, trace

# The original page's point and trace table: (variable, expression, forward value, gradient ∂f/∂·).
# A reference written down independently of the engine, so it is checked at the original page's point,
# whatever point autograd/examples.py gives the site.
PAGE_POINT = {"w1": 0.2, "w2": 0.4, "x1": -0.4, "x2": 0.5}
PAGE_TABLE = [
    ("w₁", "input", 0.2000, 0.1004),
    ("w₂", "input", 0.4000, 0.5246),
    ("x₁", "input", -0.4000, 0.0498),
    ("x₂", "input", 0.5000, 0.0996),
    ("w₁²", "w₁ ** 2", 0.0400, 0.5000),
    ("w₂²", "w₂ ** 2", 0.1600, 0.5000),
    ("w₁x₁", "w₁ * x₁", -0.0800, 0.2491),
    ("w₂x₂", "w₂ * x₂", 0.2000, 0.2491),
    ("z", "w₁x₁ + w₂x₂", 0.1200, 0.2491),
    ("u", "w₁² + w₂²", 0.2000, 0.5000),
    ("R", "0.5 * u", 0.1000, 1.0000),
    ("G", "σ(z)", 0.5300, 1.0000),
    ("f", "G + R", 0.6300, 1.0000),
]


def test_trace_has_the_pages_thirteen_rows_in_order():
    rows = trace(sigmoid_neuron_with_l2(**PAGE_POINT))
    assert [(r.name, r.expression) for r in rows] == [(n, e) for n, e, _, _ in PAGE_TABLE]


@pytest.mark.parametrize("index", range(len(PAGE_TABLE)))
def test_trace_row_matches_the_page_to_four_decimals(index):
    row = trace(sigmoid_neuron_with_l2(**PAGE_POINT))[index]
    name, _, data, grad = PAGE_TABLE[index]
    assert row.name == name
    assert f"{row.data:.4f}" == f"{data:.4f}"
    assert f"{row.grad:.4f}" == f"{grad:.4f}"


def test_markdown_table_shows_the_headline_numbers():
    table = markdown_table(trace(sigmoid_neuron_with_l2(**PAGE_POINT)))
    assert "| f | `G + R` | 0.6300 | 1.0000 |" in table
    assert "| w₁ | input | 0.2000 | 0.1004 |" in table
    assert len(table.strip().splitlines()) == 2 + 13


def test_trace_can_show_constants_and_names_unlabelled_nodes():
    from autograd import Value

    a = Value(2.0, label="a")
    out = (a * 3).exp()
    out.backward()
    rows = trace(out, include_constants=True)
    assert [(r.name, r.expression) for r in rows] == [
        ("a", "input"), ("3", "const"), ("t1", "a * 3"), ("t2", "exp(t1)")
    ]
