"""The site's generated content: the numbers on the built pages, the derivation checks, the figures.

Tests marked by ``built_site`` read the site that tests/conftest.py builds once
per session; the rest call the generators in docs_gen directly.
"""

from __future__ import annotations

import importlib.util
import math
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest

from autograd import OPS
from autograd.examples import EXAMPLE_POINT, sigmoid_neuron_with_l2
from autograd.trace import trace

from docs_gen import cache, derivations, finite_differences, notebook, overview, tables

REPO = Path(__file__).resolve().parents[2]

# The trace of the original project page: variable, forward value, gradient (4 decimals).
PAGE_TRACE = [
    ("w₁", "0.2000", "0.1004"), ("w₂", "0.4000", "0.5246"), ("x₁", "-0.4000", "0.0498"),
    ("x₂", "0.5000", "0.0996"), ("w₁²", "0.0400", "0.5000"), ("w₂²", "0.1600", "0.5000"),
    ("w₁x₁", "-0.0800", "0.2491"), ("w₂x₂", "0.2000", "0.2491"), ("z", "0.1200", "0.2491"),
    ("u", "0.2000", "0.5000"), ("R", "0.1000", "1.0000"), ("G", "0.5300", "1.0000"),
    ("f", "0.6300", "1.0000"),
]


class Tables(HTMLParser):
    """Every <table> of a page as a list of rows of cell texts (KaTeX markup included as text)."""

    def __init__(self):
        super().__init__()
        self.tables: list[list[list[str]]] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append([])
        elif tag == "tr" and self.tables:
            self.tables[-1].append([])
        elif tag in ("td", "th"):
            self._cell = []
        elif tag == "br" and self._cell is not None:
            self._cell.append(" ")

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None and self.tables:
            self.tables[-1][-1].append(" ".join("".join(self._cell).split()))
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def page(site: Path, name: str) -> str:
    return (site / name / "index.html").read_text(encoding="utf-8")


def page_tables(site: Path, name: str) -> list[list[list[str]]]:
    parser = Tables()
    parser.feed(page(site, name))
    return parser.tables


# --- the derivation checks ----------------------------------------------------------------


def test_closed_forms_agree_with_engine_and_finite_differences_at_several_points():
    points = [EXAMPLE_POINT, {"w1": -1.3, "w2": 0.7, "x1": 2.0, "x2": -0.25}, {"w1": 3.0, "w2": -2.0, "x1": 0.1, "x2": 1.5}]
    for point in points:
        for result in derivations.verify_all(point):
            assert result.max_difference <= derivations.TOLERANCE


def test_a_disagreement_beyond_the_tolerance_raises():
    good = derivations.Check("w1", 0.1, 0.1, 0.1 + 0.5e-9)
    assert derivations.verify(good) is good
    bad = derivations.Check("w1", 0.1, 0.1, 0.1 + 2e-9)
    with pytest.raises(derivations.DerivationMismatch, match="w1"):
        derivations.verify(bad)
    with pytest.raises(derivations.DerivationMismatch):
        derivations.verify(derivations.Check("x1", math.nan, 0.1, 0.1))


def test_a_wrong_closed_form_fails_the_build(monkeypatch):
    """A boxed result that is off (here: the penalty term forgotten) stops the page and the build hook."""
    from mkdocs.exceptions import PluginError

    right = derivations.CLOSED_FORMS["w1"]
    wrong = derivations.ClosedForm("w1", "w_1", r"\sigma(s)(1-\sigma(s))\,x_1", lambda w1, w2, x1, x2: right.evaluate(w1, w2, x1, x2) - w1)
    monkeypatch.setitem(derivations.CLOSED_FORMS, "w1", wrong)
    with pytest.raises(derivations.DerivationMismatch):
        derivations.check_table("w1")

    spec = importlib.util.spec_from_file_location("derivation_checks", REPO / "hooks" / "derivation_checks.py")
    hook = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(hook)
    with pytest.raises(PluginError, match="w1"):
        hook.on_pre_build(config={})


def test_node_finite_differences_match_every_trace_row():
    for row, numeric in tables.trace_rows():
        assert numeric == pytest.approx(row.grad, abs=1e-9), row.name


# --- the built pages -----------------------------------------------------------------------


def test_trace_page_shows_the_engines_values_at_the_example_point(built_site):
    (table,) = [t for t in page_tables(built_site, "trace") if t and t[0][0] == "Variable"]
    body = table[1:]
    engine = [(row.name, f"{row.data:.4f}", f"{row.grad:.4f}") for row in trace(sigmoid_neuron_with_l2())]
    assert [(r[0], r[2], r[3]) for r in body] == engine
    # At the original page's point (tests/engine/test_trace.py checks the engine there), the page's own numbers.
    if EXAMPLE_POINT == {"w1": 0.2, "w2": 0.4, "x1": -0.4, "x2": 0.5}:
        assert engine == PAGE_TRACE
    # The finite-difference column agrees to the digits shown.
    assert all(r[4] == r[3] for r in body)


def test_derivations_page_shows_four_passing_checks_with_the_engines_numbers(built_site):
    html = page(built_site, "derivations")
    checks = [t for t in page_tables(built_site, "derivations") if any("Closed form" in r[0] for r in t)]
    assert len(checks) == 4
    f = sigmoid_neuron_with_l2()
    engine = {row.name: row.grad for row in trace(f)}
    for table, (variable, label) in zip(checks, [("x1", "x₁"), ("x2", "x₂"), ("w1", "w₁"), ("w2", "w₂")]):
        values = {r[0].split(",")[0]: r[1] for r in table[1:]}
        assert values["Closed form above"] == f"{engine[label]:.12f}"
        assert values["Engine"] == f"{engine[label]:.12f}"
        assert float(values["Finite difference"]) == pytest.approx(engine[label], abs=1e-9)
        assert values["Largest difference (limit 1e-09)"].endswith("✓")
    assert html.count(r"\boxed{") == 4


def test_operations_page_lists_every_registered_op(built_site):
    tables = [t for t in page_tables(built_site, "operations") if t and t[0][0] == "Op"]  # one per group of ops
    names = [row[0].split()[0] for table in tables for row in table[1:]]
    assert names == list(OPS)


def test_graph_page_inlines_the_figure_with_its_node_ids(built_site):
    html = page(built_site, "graph")
    assert '<div class="autograd-graph">' in html
    for node_id in ("v-w1", "g-w1", "op-G", "v-f", "g-f"):
        assert f'id="{node_id.replace("-", "&#45;")}"' in html
    rows = {row.name: row for row in trace(sigmoid_neuron_with_l2())}
    drawn = lambda x: f">{x:.4f}</text>".replace("-", "&#45;")  # noqa: E731 - Graphviz writes a minus as &#45;
    assert drawn(rows["w₁"].grad) in html and drawn(rows["f"].data) in html


def test_overview_headline_matches_the_training_notebooks_results(built_site):
    overview = page(built_site, "")  # the site root
    results = {}
    for table in page_tables(built_site, "training"):
        if table and table[0] == ["Metric", "Value"]:
            results = dict(table[1:])
    assert set(results) == {"Final accuracy", "Final loss", "Iterations", "Learning rate", "Classes", "Samples",
                            "Input dimensions"}
    assert f"<strong>{results['Final accuracy']} accuracy</strong>" in overview
    assert f"<strong>{results['Final loss']}</strong>" in overview
    assert f"(learning rate {results['Learning rate']}, {results['Iterations']} epochs)" in overview
    assert (results["Iterations"], results["Classes"], results["Samples"], results["Input dimensions"]) == ("500", "4", "100", "2")
    assert float(results["Final accuracy"].rstrip("%")) >= 95


def test_training_page_is_executed_with_progress_figures_and_a_download(built_site):
    html = page(built_site, "training")
    assert re.search(r"epoch\s+500\s+loss", html), "the training progress is printed"
    assert html.count("<svg") - html.count('class="clipboard-copy-icon"') >= 3, "dataset, curves, regions"
    assert "cdnjs" not in html and "mathjax" not in html.lower()
    download = notebook.nbformat.read(built_site / "training" / "training.ipynb", as_version=4)
    assert len(notebook.outputs(download, "image/svg+xml")) == 4, "the download is the executed notebook"


def test_how_it_works_excerpts_are_the_current_source(built_site):
    import inspect

    from autograd.backprop import backpropagate, topological_order
    from autograd.value import Value

    html = page(built_site, "how-it-works")
    for obj in (Value.__init__, backpropagate, topological_order):
        first_line = inspect.getsource(obj).strip().splitlines()[0]
        name = first_line.split("(")[0].split()[-1]
        where = Path(inspect.getsourcefile(obj)).resolve().relative_to(REPO).as_posix()
        assert f"{where}, lines {inspect.getsourcelines(obj)[1]}" in html, name


def test_api_reference_covers_every_module(built_site):
    import pkgutil

    html = page(built_site, "api")
    for module in pkgutil.iter_modules([str(REPO / "autograd")]):
        if not module.name.startswith("_"):
            assert f'id="autograd.{module.name}"' in html, module.name
    assert "&gt;&gt;&gt;" in html and "<blockquote>" not in html, "doctests are code blocks, not quotes"


def test_katex_is_served_by_the_site(built_site):
    assert (built_site / "assets" / "katex" / "katex.min.js").is_file()
    css = (built_site / "assets" / "katex" / "katex.min.css").read_text(encoding="utf-8")
    for font in set(re.findall(r"url\((fonts/[^)]+)\)", css)):
        assert (built_site / "assets" / "katex" / font).is_file(), font


# --- determinism ---------------------------------------------------------------------------


def test_training_notebook_figures_are_byte_identical_across_runs():
    """The executed notebook the build keeps (run earlier, or now) and a fresh run have the same figures."""
    kept = notebook.outputs(notebook.nbformat.read(notebook.executed(), as_version=4), "image/svg+xml")
    fresh = notebook.outputs(notebook.execute(), "image/svg+xml")
    assert len(fresh) == 4  # data, training curves, decision regions, both engines' losses
    assert kept == fresh
    assert all("<dc:date>" not in svg for svg in fresh)


# --- one run of the notebook, kept by content --------------------------------------------


def test_the_overview_quotes_the_notebooks_results_instead_of_training_again(monkeypatch):
    shown = {"Final accuracy": "12%", "Final loss": "3.2100", "Iterations": "7", "Learning rate": "0.25",
             "Classes": "3", "Samples": "40", "Input dimensions": "2"}
    monkeypatch.setattr(notebook, "results", lambda: shown)
    text = overview.headline_results()
    assert "(learning rate 0.25, 7 epochs) on 40 points in 3 classes reaches **12% accuracy**" in text
    assert "final loss of **3.2100**" in text


def test_the_executed_notebook_is_kept_by_the_notebook_and_the_package(tmp_path, monkeypatch):
    """Its cache key changes with the notebook's text and with any file of the package, and only then."""
    copy = tmp_path / "training.ipynb"
    shutil.copyfile(notebook.TRAINING_NOTEBOOK, copy)
    package = tmp_path / "autograd"
    shutil.copytree(notebook.PACKAGE, package, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(notebook, "PACKAGE", package)

    def key():
        return cache.digest(notebook.cache_inputs(copy))

    first = key()
    assert key() == first
    ops = package / "ops.py"
    ops.write_text(ops.read_text(encoding="utf-8") + "\n# an edit\n", encoding="utf-8")
    assert key() != first
    second = key()
    copy.write_text(copy.read_text(encoding="utf-8").replace("Training a classifier", "Training a model"),
                    encoding="utf-8")
    assert key() != second


def test_a_failed_generator_leaves_no_cache_entry_and_old_entries_go(tmp_path):
    def fail(folder):
        (folder / "half.txt").write_text("half")
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        cache.folder("kind", ["x"], fail, root=tmp_path)
    assert list((tmp_path / "kind").iterdir()) == []
    for i in range(5):
        cache.folder("kind", [i], lambda folder: (folder / "out").write_text("ok"), root=tmp_path, keep=2)
    assert len(list((tmp_path / "kind").iterdir())) == 2


def test_under_serve_a_changed_input_shows_the_last_entry_until_the_new_one_is_made(tmp_path, monkeypatch):
    import threading

    monkeypatch.setattr(cache, "SERVING", True)
    monkeypatch.setattr(cache, "SIGNAL", tmp_path / "signal")
    release = threading.Event()

    def version(number, fail=False):
        def fill(folder):
            if number == 2:
                assert release.wait(30)
            if fail:
                raise RuntimeError("the notebook failed")
            (folder / "v").write_text(str(number))
        return fill

    def get(number, fail=False):
        return cache.folder("kind", [number], version(number, fail), root=tmp_path, stale_while_serving=True)

    first = get(1)  # nothing to show yet: made now
    assert (first / "v").read_text() == "1"
    assert get(2) == first  # at once, while version 2 is made in the background
    assert not (tmp_path / "signal").exists()
    release.set()
    cache._running(tmp_path / "kind" / cache.digest([2])).join()
    assert (tmp_path / "signal").exists(), "the server is told to rebuild"
    assert (get(2) / "v").read_text() == "2"
    # A background run that fails is run again by the next build, where its error stops the build.
    assert get(3, fail=True) == tmp_path / "kind" / cache.digest([2])
    failing = cache._running(tmp_path / "kind" / cache.digest([3]))
    if failing is not None:
        failing.join()
    with pytest.raises(RuntimeError, match="the notebook failed"):
        get(3, fail=True)


def test_docs_gen_doctests():
    """docs_gen is outside pytest's doctest paths (tests/, autograd/), so its examples run here."""
    import doctest
    import importlib
    import pkgutil

    import docs_gen

    failed = 0
    for module in pkgutil.iter_modules(docs_gen.__path__):
        failed += doctest.testmod(importlib.import_module(f"docs_gen.{module.name}")).failed
    assert failed == 0


# --- one worked example --------------------------------------------------------------------


def test_changing_the_example_point_changes_every_generated_page_part_consistently(monkeypatch):
    """autograd/examples.py is the one place the point is written: move it, and every generator follows."""
    from autograd import examples
    from docs_gen import graph_figure, worked_example

    new = {"w1": -0.7, "w2": 1.1, "x1": 0.3, "x2": -0.9}
    monkeypatch.setattr(examples, "EXAMPLE_POINT", new)
    f = sigmoid_neuron_with_l2()
    rows = {row.name: row for row in trace(f)}
    assert rows["w₁"].data == -0.7 and rows["x₂"].data == -0.9

    table = tables.trace_table()
    assert f"| w₁ | input | -0.7000 | {rows['w₁'].grad:.4f} |" in table
    assert f"| f | `G + R` | {rows['f'].data:.4f} | 1.0000 |" in table
    for variable, label in [("w1", "w₁"), ("w2", "w₂"), ("x1", "x₁"), ("x2", "x₂")]:
        checked = derivations.check_table(variable)  # raises if the closed form disagrees at the new point
        assert "$w_1 = -0.7$, $w_2 = 1.1$, $x_1 = 0.3$, $x_2 = -0.9$" in checked
        assert f"| Engine, `backward()` | {rows[label].grad:.12f} |" in checked
    dot = graph_figure.worked_example_dot()
    assert f"w₁\\n-0.7000" in dot and f"∂f/∂w₁\\n{rows['w₁'].grad:.4f}" in dot
    assert "$w_1 = -0.7$" in worked_example.statement()
    assert "w₁ = -0.7, w₂ = 1.1, x₁ = 0.3, x₂ = -0.9" in worked_example.trace_intro()
    # The graph page's stepper and its nudges.
    from docs_gen import stepper

    nodes = {node["name"]: node for node in stepper.steps_payload(sigmoid_neuron_with_l2())["nodes"]}
    assert (nodes["w₁"]["data"], nodes["w₁"]["grad"]) == (-0.7, rows["w₁"].grad)
    nudged = [n for n in stepper.nudges() if n["variable"] == "w1"]
    assert nudged and all(n["x"] == -0.7 and n["grad"] == rows["w₁"].grad for n in nudged)
    # And nothing still shows the old point.
    assert "0.2000" not in table.split("\n")[2]
    assert "w_1 = 0.2$" not in worked_example.statement()
