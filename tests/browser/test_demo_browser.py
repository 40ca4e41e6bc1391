"""The live demo page in headless Chromium: the real engine under Pyodide, served by the site.

Every number the page shows is compared with what CPython's autograd computes
for the same inputs, at the four decimals the page displays.
"""

from __future__ import annotations

import doctest
import gzip
import importlib.util
import io
import json
import re
import sys
import zipfile
from urllib.parse import parse_qs, urlencode

import pytest
from playwright.sync_api import expect

import sitetools
from autograd.examples import sigmoid_neuron_with_l2
from autograd.trace import trace

REPO = sitetools.REPO
sys.path.insert(0, str(REPO / "docs" / "demo"))  # the demo's model is the site's code, not the package's
from demo_model import DEFAULT_EXPRESSION, DEFAULT_POINT, VARIABLES, demo_result  # noqa: E402

PAGE = "demo/"
BOOT_TIMEOUT_MS = 60_000  # Pyodide starts in a few seconds; a loaded CI machine gets slack


def shown(x: float) -> str:
    return f"{x:.4f}"


def expected_texts(point, expression=DEFAULT_EXPRESSION) -> dict[str, str]:
    """What the page must show, by element id, computed here by CPython's autograd."""
    result = demo_result(point, expression)
    texts = {"ag-value": shown(result["value"])}
    texts.update({f"ag-grad-{name}": shown(result["gradients"][name]) for name in VARIABLES})
    return texts


def displayed_texts(page) -> dict[str, str]:
    return {key: page.inner_text(f"#{key}") for key in ["ag-value", *(f"ag-grad-{n}" for n in VARIABLES)]}


def expect_results(page, point, expression=DEFAULT_EXPRESSION) -> None:
    for element_id, text in expected_texts(point, expression).items():
        expect(page.locator(f"#{element_id}")).to_have_text(text)


def set_fields(page, point, expression=DEFAULT_EXPRESSION) -> None:
    for name in VARIABLES:
        page.fill(f"#ag-in-{name}", str(point[name]))
    page.fill("#ag-in-f", expression)


def trace_rows(page) -> list[tuple[str, str, str, str]]:
    """The trace table as shown: (node, computed as, value, gradient) for each row."""
    return [
        tuple(cell.strip() for cell in row)
        for row in page.eval_on_selector_all(
            "#ag-trace tbody tr", "rows => rows.map(r => [...r.children].map(c => c.textContent))"
        )
    ]


def assert_default_trace_is_the_worked_example(page) -> None:
    """13 rows named as the docs' trace (w₁x₁, z, u, R, G, f, ...), with the numbers of CPython's worked example."""
    example = trace(sigmoid_neuron_with_l2(**DEFAULT_POINT))
    rows = trace_rows(page)
    assert rows == [(row.name, row.expression,
                     shown(row.data), shown(row.grad)) for row in example]
    assert len(rows) == 13
    assert "∂f/∂node" in page.inner_text("#ag-trace thead")


def wait_until_live(page) -> None:
    page.wait_for_selector("#ag-demo[data-state=live]", timeout=BOOT_TIMEOUT_MS)


@pytest.fixture(scope="module")
def live_demo(browser, site_url):
    """One demo page with the engine booted, shared by the tests that only edit its fields."""
    visit = sitetools.open_visit(browser, site_url, PAGE)
    wait_until_live(visit.page)
    yield visit
    visit.close()


def test_build_time_results_show_without_javascript(open_page):
    visit = open_page(PAGE, javascript_enabled=False)
    page = visit.page
    assert displayed_texts(page) == expected_texts(DEFAULT_POINT)
    assert page.locator("#ag-trace tbody tr").count() == len(demo_result()["trace"])
    assert page.locator("#ag-graph svg g.node").count() > 0
    assert "built" in page.inner_text("#ag-status")
    assert "Turn on JavaScript" in page.inner_text("#ag-demo")  # said by <noscript>, so only without scripts
    for name in VARIABLES:
        assert float(page.input_value(f"#ag-in-{name}")) == DEFAULT_POINT[name]
    assert page.input_value("#ag-in-f") == DEFAULT_EXPRESSION
    assert_default_trace_is_the_worked_example(page)


class EarlyVisit:
    """A demo page opened before it has loaded, optionally with some of its files held back or refused."""

    def __init__(self, browser, site_url, path=PAGE, refuse=()):
        self.context = browser.new_context()
        self.requests, self.uncaught = [], []
        self.context.on("request", lambda request: self.requests.append(request.url))
        self.context.route(lambda url: not sitetools.is_local_url(url, site_url), lambda route: route.abort())
        for pattern in refuse:
            self.context.route(pattern, lambda route: route.abort())
        self.page = self.context.new_page()
        self.page.on("pageerror", lambda error: self.uncaught.append(str(error)))
        self.page.goto(site_url + path, wait_until="commit")


def test_loading_state_then_live_engine_with_only_local_requests(browser, site_url):
    visit = EarlyVisit(browser, site_url)
    page = visit.page
    try:
        # Read the status in the same instant the loading state is seen: the engine may be up a moment later.
        loading_status = page.wait_for_function(
            """() => document.querySelector('#ag-demo')?.dataset.state === 'loading'
                     && document.querySelector('#ag-status').textContent""",
            timeout=BOOT_TIMEOUT_MS,
        ).json_value()
        # "Loading …: 1.7 of 4.9 MB" while the files arrive, "Starting …" once they are in: on a fast
        # link the first poll can already see the second.
        assert re.search(r"(Loading|Starting) Python and autograd", loading_status) and "built" in loading_status
        assert "JavaScript" not in loading_status
        wait_until_live(page)
        assert "Live" in page.inner_text("#ag-status")
        expect_results(page, DEFAULT_POINT)
        # The runtime's files, each fetched once, compressed; no memory snapshot.
        runtime_files = [url for url in visit.requests if "/runtime/assets/" in url and "manifest" not in url]
        assert len(runtime_files) == len(set(runtime_files))
        assert any(url.endswith(".wasm.gz") for url in runtime_files)
        assert not any("snapshot" in url for url in visit.requests)
        assert [url for url in visit.requests if not sitetools.is_local_url(url, site_url)] == []
        assert visit.uncaught == []
    finally:
        visit.context.close()


@pytest.mark.parametrize(
    "refused, state, says",
    [
        ("**/site-python.*.zip.gz", "failed", "could not start"),  # a file that fails: the error is shown
        ("**/*.wasm.gz", "failed", "could not start"),  # the engine itself: the start fails, it does not hang
    ],
)
def test_an_engine_that_does_not_start_leaves_the_build_results_and_says_so(browser, site_url, refused, state, says):
    visit = EarlyVisit(browser, site_url, refuse=[refused])
    page = visit.page
    try:
        page.wait_for_selector(f"#ag-demo[data-state={state}]", timeout=BOOT_TIMEOUT_MS)
        assert says in page.inner_text("#ag-status")
        assert displayed_texts(page) == expected_texts(DEFAULT_POINT)
        assert visit.uncaught == []
    finally:
        visit.context.close()


@pytest.mark.parametrize(
    "point",
    [
        {"w1": 0.7, "w2": -1.3, "x1": 2.0, "x2": -0.25},
        {"w1": 0, "w2": 0, "x1": 0, "x2": 0},
        {"w1": -3.5, "w2": 0, "x1": -0.001, "x2": 12},
        {"w1": 1e-5, "w2": -40, "x1": 0.3, "x2": -0.0},
    ],
)
def test_inputs_give_the_gradients_cpython_computes(live_demo, point):
    page = live_demo.page
    set_fields(page, point)
    expect_results(page, point)
    assert live_demo.console_errors == []


def test_the_engine_in_the_browser_redraws_the_default_exactly_as_the_build(open_page):
    static = open_page(PAGE, javascript_enabled=False).page
    built = {part: static.inner_html(f"#{part}") for part in ("ag-summary", "ag-trace-wrap")}
    visit = open_page(PAGE)
    wait_until_live(visit.page)
    # Live means the engine has rendered its own result: the same HTML as the build's, number for number.
    assert {part: visit.page.inner_html(f"#{part}") for part in built} == built
    assert_default_trace_is_the_worked_example(visit.page)
    assert visit.console_errors == []


def test_a_program_typed_line_by_line_names_its_steps(live_demo):
    page = live_demo.page
    point = {"w1": 0.5, "w2": -1.0, "x1": 2.0, "x2": 0.25}
    program = "z = w1*x1 + w2*x2\nh = tanh(z)\nloss = (h - x2)**2"
    set_fields(page, point, "w1")
    page.click("#ag-in-f")
    page.keyboard.press("Control+A")
    page.keyboard.type(program)  # each "\n" is a press of Enter, which starts a new line
    assert page.input_value("#ag-in-f") == program
    expect_results(page, point, program)
    expected = demo_result(point, program)["trace"]
    expect(page.locator("#ag-trace tbody tr")).to_have_count(len(expected))
    assert trace_rows(page) == [
        (row["name"], row["expression"], shown(row["data"]), shown(row["grad"])) for row in expected
    ]
    assert {"z", "h", "loss"} <= {name for name, *_ in trace_rows(page)}
    # The result is called by its line's name.
    assert page.inner_text("#ag-summary").split()[:2] == ["loss", shown(demo_result(point, program)["value"])]
    assert "∂loss/∂node" in page.inner_text("#ag-trace thead")
    expect(page.locator("#ag-graph svg g.node#v-h")).to_have_count(1)
    assert page.get_attribute("#ag-in-f", "rows") == "3"  # the box grows with the program
    assert parse_qs(page.evaluate("location.hash").lstrip("#"))["f"] == [program]
    assert live_demo.console_errors == []


def test_pasting_many_lines_at_once_computes_them_once(live_demo):
    """Chromium fires an input event per inserted line, each with the whole text: one redraw, not one per line."""
    page = live_demo.page
    set_fields(page, DEFAULT_POINT)
    expect_results(page, DEFAULT_POINT)
    page.evaluate(
        """() => {
            window.agRedraws = 0;
            new MutationObserver(() => window.agRedraws++).observe(
                document.querySelector('#ag-graph'), { childList: true });
        }"""
    )
    program = "\n".join(["s0 = w1", *(f"s{k} = s{k - 1}*x1 + w2" for k in range(1, 10))])
    page.fill("#ag-in-f", program)
    expect_results(page, DEFAULT_POINT, program)
    page.evaluate("() => new Promise((done) => requestAnimationFrame(() => setTimeout(done, 0)))")
    assert page.evaluate("window.agRedraws") == 1
    assert live_demo.console_errors == []


def test_typed_expression_redraws_trace_and_graph(live_demo):
    page = live_demo.page
    point = {"w1": 0.2, "w2": -0.6, "x1": 1.5, "x2": 0.5}
    expression = "(w1*x1).tanh() + w2**2"
    set_fields(page, point, expression)
    expect_results(page, point, expression)
    # w1, w2, x1, then w1*x1, its tanh, w2**2 and f: the constant 2 is not a row of its own.
    expect(page.locator("#ag-trace tbody tr")).to_have_count(7)
    expect(page.locator("#ag-graph svg g.node#op-t2")).to_have_count(1)  # the tanh node
    assert "tanh(t1)" in page.inner_text("#ag-trace")
    assert live_demo.console_errors == []


@pytest.mark.parametrize(
    "field, typed, message",
    [
        ("w1", "", "empty"),
        ("x2", "abc", "not a number"),
        ("w2", "1e400", "does not fit in a float"),
        ("f", "__import__('os')", "__import__ is not allowed"),
        ("f", "log(x1)", "log got a = -0.5"),
        ("f", "exp(w1 * 1000)", "exp got a = 1000"),
        ("f", "w1 +", "not a valid expression"),
        ("f", "z = w1*x1\nz = w2*x2\nf = z", "line 2: z is assigned twice"),
        ("f", "w1 = 3\nw1 * x1", "w1 is an input"),
        ("f", "a, b = w1, w2\na * b", "several names at once"),
        ("f", "y = q * 2\nq = w1\ny", "q is used before it is assigned (on line 2)"),
    ],
)
def test_bad_input_shows_a_message_and_keeps_the_last_good_result(live_demo, field, typed, message):
    page = live_demo.page
    good = {"w1": 1.0, "w2": 0.25, "x1": -0.5, "x2": 3}
    set_fields(page, good)
    expect_results(page, good)
    before = displayed_texts(page), page.inner_html("#ag-trace-wrap"), page.inner_html("#ag-graph")
    hash_before = page.evaluate("location.hash")

    page.fill(f"#ag-in-{field}", typed)
    expect(page.locator(f"#ag-msg-{field}")).to_contain_text(message)
    assert page.get_attribute(f"#ag-in-{field}", "aria-invalid") == "true"
    assert (displayed_texts(page), page.inner_html("#ag-trace-wrap"), page.inner_html("#ag-graph")) == before
    assert page.evaluate("location.hash") == hash_before
    # The results left on screen are marked as the last good input's: dimmed, with a note.
    expect(page.locator("#ag-stale-note")).to_be_visible()
    assert float(page.evaluate("getComputedStyle(document.querySelector('#ag-trace-wrap')).opacity")) < 1
    assert live_demo.console_errors == []

    # Fixing the field clears the message and the page follows the engine again.
    fixed = {**good, "w1": 2.0}
    set_fields(page, fixed)
    expect(page.locator(f"#ag-msg-{field}")).to_have_text("")
    expect_results(page, fixed)
    expect(page.locator("#ag-stale-note")).to_be_hidden()


def test_edits_are_kept_in_the_url_hash(live_demo):
    page = live_demo.page
    point = {"w1": -0.75, "w2": 0.5, "x1": 0, "x2": 1.25}
    set_fields(page, point, "relu(w1 + x2) * w2")
    expect_results(page, point, "relu(w1 + x2) * w2")  # the engine answers asynchronously, from its worker
    params = dict(part.split("=", 1) for part in page.evaluate("location.hash").lstrip("#").split("&"))
    assert params["w1"] == "-0.75" and params["x1"] == "0" and "relu" in params["f"]


def test_a_link_with_a_hash_restores_the_inputs(open_page):
    point = {"w1": -2.0, "w2": 0.0, "x1": 0.5, "x2": -1.0}
    expression = "s = sigmoid(w1*x1)\ns * exp(w2) - x2**2"  # newlines survive the hash
    visit = open_page(PAGE + "#" + urlencode({**point, "f": expression}))
    page = visit.page
    for name in VARIABLES:
        assert float(page.input_value(f"#ag-in-{name}")) == point[name]
    assert page.input_value("#ag-in-f") == expression
    wait_until_live(page)
    expect_results(page, point, expression)
    visit.assert_only_local_requests()
    assert visit.console_errors == []


def test_dark_scheme_shows_the_live_demo(open_page):
    visit = open_page(PAGE + "#" + urlencode({"w1": 0.5}), color_scheme="dark")
    page = visit.page
    sitetools.use_color_scheme(page, "dark")
    wait_until_live(page)
    expect_results(page, {**DEFAULT_POINT, "w1": 0.5})
    background = page.evaluate("getComputedStyle(document.querySelector('#ag-in-w1')).backgroundColor")
    text = page.evaluate("getComputedStyle(document.querySelector('#ag-in-w1')).color")
    assert background != text
    assert visit.console_errors == []


def test_a_link_with_a_bad_value_explains_it_and_keeps_the_build_results(open_page):
    visit = open_page(PAGE + "#" + urlencode({"w1": "abc", "x2": "-1"}))
    page = visit.page
    wait_until_live(page)
    expect(page.locator("#ag-msg-w1")).to_contain_text("'abc' is not a number")
    assert displayed_texts(page) == expected_texts(DEFAULT_POINT)
    page.fill("#ag-in-w1", "0.2")
    expect_results(page, {**DEFAULT_POINT, "x2": -1.0})
    assert visit.console_errors == []


def test_the_site_serves_this_repositorys_engine_and_pyodide(built_site):
    """The archive the runtime unpacks is the package as it is in the repository, plus the site's own Python."""
    assets = built_site / "runtime" / "assets"
    files = json.loads((assets / "manifest.json").read_text())["files"]
    with gzip.open(assets / files["site-python.zip"]["url"]) as packed:
        archive = zipfile.ZipFile(io.BytesIO(packed.read()))
    names = set(archive.namelist())
    assert archive.read("autograd/value.py") == (REPO / "autograd" / "value.py").read_bytes()
    assert archive.read("demo_model.py") == (REPO / "docs" / "demo" / "demo_model.py").read_bytes()
    assert {"autograd/__init__.py", "autograd/graph.py", "autograd/trace.py", "runner.py", "demo_view.py"} <= names
    assert "autograd/expression.py" not in names  # the demo's model is not part of the package
    for name in ("pyodide.mjs", "pyodide.asm.wasm", "python_stdlib.zip", "editor.js", "viz.js"):
        entry = files[name]
        assert entry["gzip"] and (assets / entry["url"]).stat().st_size == entry["bytes"] < entry["size"]
    # No second copy of the engine's source in the docs: the page's Python is presentation only.
    assert not any((REPO / "docs").rglob("value.py"))


def test_demo_view_examples_hold():
    """docs/demo/demo_view.py is not under pytest's doctest paths: run its examples here."""
    spec = importlib.util.spec_from_file_location("demo_view", REPO / "docs" / "demo" / "demo_view.py")
    view = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(view)
    failed, attempted = doctest.testmod(view)
    assert attempted > 0 and failed == 0
