"""The backward stepper on the Computational graph page, in headless Chromium.

Every number the stepper shows is compared with what CPython's autograd computes
(autograd.trace.backward_steps and the trace), at the four decimals it displays.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
from playwright.sync_api import expect

from autograd.examples import sigmoid_neuron_with_l2
from autograd.graph import node_slugs
from autograd.trace import backward_steps, node_names, trace

REPO = Path(__file__).resolve().parents[2]

from docs_gen.stepper import nudges  # noqa: E402

PAGE = "graph/"
STEPPER = "#ag-stepper"
NUMBER = r"\(?(-?\d+\.\d{4})\)?"
PRODUCT = re.compile(rf"^{NUMBER} × {NUMBER} = {NUMBER}$")
SUM = re.compile(rf"^{NUMBER} \+ {NUMBER} = {NUMBER}$")

# What the page shows, read in one go: the table's gradients, the figure's gradient texts,
# the highlighted ids, the narration and the position.
STATE = """root => ({
    position: root.dataset.position,
    table: [...root.querySelectorAll('tr[data-node]')].map(r => [r.dataset.node, r.querySelector('.ag-stepper__grad').textContent]),
    figure: [...root.querySelectorAll('svg g[id^="g-"]')].map(g => [g.id, [...g.querySelectorAll('text')].pop().textContent]),
    highlighted: [...root.querySelectorAll('.ag-hl-current, .ag-hl-target, .ag-hl-edge, .ag-unreached')].map(e => (e.id || e.dataset.node) + ':' + e.getAttribute('class')),
    narration: root.querySelector('.ag-stepper__narration').innerHTML,
    products: [...root.querySelectorAll('.ag-stepper__narration .ag-product')].map(e => e.textContent.replace(/\\s+/g, ' ').trim()),
    sums: [...root.querySelectorAll('.ag-stepper__narration .ag-sum')].map(e => e.textContent.replace(/\\s+/g, ' ').trim()),
})"""


def shown(x: float) -> str:
    return f"{x:.4f}"


def state(page, root=STEPPER):
    return page.eval_on_selector(root, STATE)


def press(page, action: str):
    page.click(f"{STEPPER} [data-action={action}]")


@pytest.fixture
def graph_page(open_page):
    visit = open_page(PAGE)
    page = visit.page
    expect(page.locator(f"{STEPPER} .ag-stepper__panel")).to_be_visible()
    yield page
    assert visit.console_errors == []
    visit.assert_only_local_requests()


def engine_steps():
    f = sigmoid_neuron_with_l2(backward=False)
    return f, backward_steps(f), node_names(f), node_slugs(f)


def test_stepping_through_shows_every_gradient_of_the_trace_with_right_arithmetic(graph_page):
    page = graph_page
    f, steps, names, slugs = engine_steps()
    done = sigmoid_neuron_with_l2()
    done_slugs = node_slugs(done)
    final = {done_slugs[id(row.node)]: shown(row.grad) for row in trace(done)}
    assert len(final) == 13

    shown_first = state(page)
    assert shown_first["position"] == str(len(steps)), "the page first shows the finished pass, as built"
    assert dict(shown_first["table"]) == final
    assert not [h for h in shown_first["highlighted"] if "ag-hl" in h]
    press(page, "reset")
    start = state(page)
    assert start["position"] == "0"
    assert {grad for _, grad in start["table"]} == {"—"}, "no gradient before the backward pass"
    assert {text for _, text in start["figure"]} == {"?"}

    seen: dict[str, set[str]] = {}
    sums_shown = []
    for k, step in enumerate(steps, start=1):
        press(page, "step")
        now = state(page)
        assert now["position"] == str(k)
        for slug, grad in now["table"]:
            seen.setdefault(slug, set()).add(grad)
        # The table and the figure agree on every node.
        assert dict(now["table"]) == {g.removeprefix("g-"): t.replace("?", "—") for g, t in now["figure"]}
        # The narration: upstream × local = contribution for each non-constant input, as the engine computed.
        shown_inputs = [c for c in step.contributions if not c.input.is_constant]
        assert len(now["products"]) == len(shown_inputs), names[id(step.node)]
        for text, c in zip(now["products"], shown_inputs):
            a, b, product = map(float, PRODUCT.match(text).groups())
            assert (shown(a), shown(b), shown(product)) == (shown(step.upstream), shown(c.local), shown(c.contribution))
            assert abs(a * b - product) <= 1e-4 * (1 + abs(a) + abs(b)), text
        # Where a gradient arrives along a second path, the sum is spelt out.
        expected_sums = [c for c in shown_inputs if c.before != 0]
        assert len(now["sums"]) == len(expected_sums)
        sums_shown += now["sums"]
        for text, c in zip(now["sums"], expected_sums):
            before, added, after = map(float, SUM.match(text).groups())
            assert (shown(before), shown(added), shown(after)) == (shown(c.before), shown(c.contribution), shown(c.after))
            assert abs(before + added - after) <= 2e-4, text
        # The node being processed is outlined in the figure and the table.
        current = [h for h in now["highlighted"] if "ag-hl-current" in h]
        assert f"v-{slugs[id(step.node)]}:node ag-hl-current" in current
        assert any(h.startswith(f"{slugs[id(step.node)]}:") for h in current), "its table row"

    end = state(page)
    assert dict(end["table"]) == final, "after the last step, the page's 13-row trace"
    assert all(final[slug] in grads for slug, grads in seen.items())
    assert "Done" in end["narration"]
    # w₁ and w₂ each get gradient along two paths (data term and penalty): both sums were spelt out.
    assert [SUM.match(text).group(3) for text in sums_shown] == [final["w2"], final["w1"]]


def test_step_back_restores_each_previous_state_exactly(graph_page):
    page = graph_page
    press(page, "reset")
    states = [state(page)]
    for _ in range(len(engine_steps()[1])):
        press(page, "step")
        states.append(state(page))
    for k in range(len(states) - 2, -1, -1):
        press(page, "back")
        assert state(page) == states[k], f"back to position {k}"
    for _ in range(4):
        press(page, "step")
    press(page, "reset")
    assert state(page) == states[0]


def test_step_from_the_finished_pass_starts_the_replay(graph_page):
    page = graph_page
    press(page, "step")
    now = state(page)
    assert now["position"] == "1"
    assert [grad for slug, grad in now["table"] if grad != "—"] == ["1.0000"] * 3, "f, and what f sends to G and R"


def test_keyboard_shortcuts_step_back_and_reset(graph_page):
    page = graph_page
    page.focus(f"{STEPPER} [data-action=step]")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    assert state(page)["position"] == "2"
    page.keyboard.press("ArrowLeft")
    assert state(page)["position"] == "1"
    page.keyboard.press("Home")
    assert state(page)["position"] == "0"
    assert page.url.endswith(PAGE), "the stepper's keys do not trigger the site's page navigation"
    for name in ("Step back", "Step", "Reset", "Play"):
        assert page.get_by_role("button", name=name, exact=True).count() == 1


def test_play_advances_at_a_readable_pace_and_pauses(graph_page):
    page = graph_page
    press(page, "play")
    expect(page.locator(f"{STEPPER} [data-action=play]")).to_have_attribute("aria-pressed", "true")
    page.wait_for_function(f"document.querySelector('{STEPPER}').dataset.position >= '2'", timeout=10_000)
    press(page, "play")  # pause
    paused = state(page)["position"]
    page.wait_for_timeout(1800)
    assert state(page)["position"] == paused
    assert page.get_attribute(f"{STEPPER} [data-action=play]", "aria-pressed") == "false"


def test_narration_is_a_polite_live_region(graph_page):
    assert graph_page.get_attribute(f"{STEPPER} .ag-stepper__narration", "aria-live") == "polite"


def test_predict_mode_accepts_a_right_answer_and_rejects_a_wrong_one(graph_page):
    page = graph_page
    f, steps, names, slugs = engine_steps()
    page.check(f"{STEPPER} input[data-action=predict]")
    press(page, "step")  # f = G + R: nothing revealed yet
    first = state(page)
    assert first["products"] == [], "nothing is revealed before the reader answers"
    assert page.get_attribute(f"{STEPPER} [data-action=step]", "aria-disabled") == "true"
    assert dict(first["table"])["G"] == "—"
    right = steps[0].contributions[0].contribution
    page.fill(f"{STEPPER} .ag-stepper__quiz input", shown(right))
    page.click(f"{STEPPER} [data-action=check]")
    after_right = state(page)
    assert "right" in after_right["narration"]
    assert len(after_right["products"]) == 1 and dict(after_right["table"])["G"] == shown(right)
    page.click(f"{STEPPER} [data-action=skip]")  # R: skipped, then shown
    assert "Skipped" in state(page)["narration"]

    press(page, "step")  # R = 0.5 * u: the local gradient is 0.5; answering the upstream alone is wrong
    page.fill(f"{STEPPER} .ag-stepper__quiz input", "1")
    page.click(f"{STEPPER} [data-action=check]")
    text = page.inner_text(f"{STEPPER} .ag-stepper__narration")
    assert "wrong" in text and "upstream" in text and "multiply it by the local gradient" in text
    assert "right." not in text

    press(page, "step")  # u = w₁² + w₂²: a wrong local factor is named as such
    page.fill(f"{STEPPER} .ag-stepper__quiz input", "0.25")
    page.click(f"{STEPPER} [data-action=check]")
    assert "the local factor was off" in page.inner_text(f"{STEPPER} .ag-stepper__narration")


def test_nudge_shows_the_engines_finite_difference_beside_h_times_the_gradient(graph_page):
    page = graph_page
    expected = {(n["variable"], n["h"]): n for n in nudges()}
    box = f"{STEPPER} .ag-stepper__nudge"
    for (variable, h), n in [(("w1", 0.01), expected[("w1", 0.01)]), (("x2", 0.1), expected[("x2", 0.1)])]:
        page.select_option(f"{box} select >> nth=0", variable)
        page.select_option(f"{box} select >> nth=1", str(h))
        text = page.inner_text(f"{box} .ag-stepper__nudge-out")
        assert f"= {n['change']:.6f}" in text and f"= {n['predicted']:.6f}" in text
    # f is smooth, so the gap between the change and h × gradient shrinks like h²: a tenth of h, a hundredth of the gap.
    for variable in ("w1", "w2", "x1", "x2"):
        gap = {h: abs(expected[(variable, h)]["change"] - expected[(variable, h)]["predicted"]) for h in (0.1, 0.01)}
        assert gap[0.01] < gap[0.1] / 50, (variable, gap)


def test_without_javascript_the_figure_and_table_show_the_final_gradients(open_page):
    visit = open_page(PAGE, javascript_enabled=False)
    page = visit.page
    rows = page.eval_on_selector_all(
        f"{STEPPER} tr[data-node]", "rows => rows.map(r => r.querySelector('.ag-stepper__grad').textContent)"
    )
    assert rows == [shown(row.grad) for row in trace(sigmoid_neuron_with_l2())]
    assert page.locator(f"{STEPPER} .ag-stepper__panel").is_hidden()


@pytest.mark.parametrize("width", [390])
def test_on_a_phone_the_graph_keeps_readable_labels_and_scrolls(browser, site_url, width):
    context = browser.new_context(viewport={"width": width, "height": 800})
    try:
        page = context.new_page()
        page.goto(site_url + PAGE)
        sizes = page.eval_on_selector(
            f"{STEPPER} svg",
            "svg => [...svg.querySelectorAll('text')].map(t => t.getBoundingClientRect().height)",
        )
        assert min(sizes) >= 8, f"labels {min(sizes):.1f} px high"
        scroller = page.eval_on_selector(
            f"{STEPPER} .ag-stepper__figure", "el => [el.scrollWidth, el.clientWidth, document.documentElement.scrollWidth]"
        )
        assert scroller[0] > scroller[1], "the figure scrolls sideways"
        assert scroller[2] <= width, "the page itself does not"
        assert page.locator(f"{STEPPER} .ag-stepper__scroll-hint").is_visible()
    finally:
        context.close()


# --- the same stepper on the live demo, for a program the reader types ---------------------------

DEMO = "demo/"
DEMO_STEPPER = "#ag-results"
DEMO_POINT = {"w1": "0.5", "w2": "-1.5", "x1": "2", "x2": "0.25"}
DEMO_PROGRAM = "z = w1*x1 + w2*x2\nh = tanh(z)\nloss = (h - x2)**2 + 0.1*w1*w1"


def demo_steps(point, program):
    sys.path.insert(0, str(REPO / "docs" / "demo"))
    from demo_model import demo_result

    return demo_result(point, program)


def open_demo_with_program(open_page):
    """The demo's visit, once live, with DEMO_POINT and DEMO_PROGRAM typed into its fields."""
    visit = open_page(DEMO)
    page = visit.page
    page.wait_for_selector("#ag-demo[data-state=live]", timeout=60_000)
    for name, value in DEMO_POINT.items():
        page.fill(f"#ag-in-{name}", value)
    page.fill("#ag-in-f", DEMO_PROGRAM)
    return visit


def test_a_typed_program_is_stepped_on_the_demo_with_the_engines_numbers(open_page):
    visit = open_demo_with_program(open_page)
    page = visit.page
    result = demo_steps(DEMO_POINT, DEMO_PROGRAM)
    expect(page.locator("#ag-value")).to_have_text(shown(result["value"]))
    expect(page.locator(f"{DEMO_STEPPER} [data-action=reset]")).to_be_visible()
    final = {row["name"]: shown(row["grad"]) for row in result["trace"]}
    shown_at_end = page.eval_on_selector_all(
        "#ag-trace tbody tr", "rows => rows.map(r => [r.children[0].textContent, r.lastElementChild.textContent])"
    )
    assert dict(shown_at_end) == final, "loaded at the end of the pass: every gradient shown"

    press_demo = lambda action: page.click(f"{DEMO_STEPPER} [data-action={action}]")  # noqa: E731
    press_demo("reset")
    assert set(page.eval_on_selector_all("#ag-trace tbody tr", "rows => rows.map(r => r.lastElementChild.textContent)")) == {"—"}
    steps = result["steps"]["steps"]
    sums = 0
    for k, step in enumerate(steps, start=1):
        press_demo("step")
        now = state(page, DEMO_STEPPER)
        assert now["position"] == str(k)
        assert len(now["products"]) == len(step["contributions"])
        for text, c in zip(now["products"], step["contributions"]):
            a, b, product = map(float, PRODUCT.match(text).groups())
            assert (shown(a), shown(b), shown(product)) == (shown(step["upstream"]), shown(c["local"]), shown(c["contribution"]))
        sums += len(now["sums"])
    assert sums >= 2, "w1 is reached along two paths (and squared), so sums were shown"
    ended = page.eval_on_selector_all(
        "#ag-trace tbody tr", "rows => rows.map(r => [r.children[0].textContent, r.lastElementChild.textContent])"
    )
    assert dict(ended) == final
    assert visit.console_errors == []


def test_numbers_are_formatted_exactly_as_python_formats_them(graph_page):
    """Ties (0.03125 to 4 decimals) round to even and -0.0 keeps its sign, as in f"{x:.4f}"."""
    values = [0.03125, -0.03125, 0.09375, 0.00005, 2.5e-5, -0.0, 0.99995, 12.34565, -0.46875, 123456.78125, 1e-20, -7.0]
    base = graph_page.url.split("graph/")[0]
    formatted = graph_page.evaluate(
        "async ([url, xs]) => { const { fmt } = await import(url); return xs.map(x => fmt(x, 4)); }",
        [base + "javascripts/stepper.js", values],
    )
    assert formatted == [f"{x:.4f}" for x in values]


def test_the_demo_nudges_an_input_through_the_engine_in_the_browser(open_page):
    import importlib.util
    import json

    # Under a name of its own: a module called demo_view in sys.modules would hide the demo's
    # doctests from test_demo_browser's run of them.
    sys.path.insert(0, str(REPO / "docs" / "demo"))
    spec = importlib.util.spec_from_file_location("stepper_test_demo_view", REPO / "docs" / "demo" / "demo_view.py")
    view = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(view)
    nudge = view.nudge

    visit = open_demo_with_program(open_page)
    page = visit.page
    expect(page.locator("#ag-value")).to_have_text(shown(demo_steps(DEMO_POINT, DEMO_PROGRAM)["value"]))
    box = f"{DEMO_STEPPER} .ag-stepper__nudge"
    # Nothing is run for the nudge until the reader asks: an edit costs one computation, not three.
    assert page.inner_text(f"{box} .ag-stepper__nudge-out") == ""
    page.select_option(f"{box} select >> nth=0", "w1")
    page.select_option(f"{box} select >> nth=1", "0.01")
    expected = json.loads(nudge(json.dumps({**DEMO_POINT, "f": DEMO_PROGRAM, "variable": "w1", "h": 0.01})))
    assert expected["ok"]
    out = page.locator(f"{box} .ag-stepper__nudge-out")
    expect(out).to_contain_text(f"= {expected['change']:.6f}")
    assert f"= {expected['predicted']:.6f}" in out.inner_text()
    assert "loss(w₁ + h) − loss(w₁)" in out.inner_text()
    # A new result recomputes the nudge the reader asked for.
    page.fill("#ag-in-w1", "0.25")
    again = json.loads(nudge(json.dumps({**DEMO_POINT, "w1": "0.25", "f": DEMO_PROGRAM, "variable": "w1", "h": 0.01})))
    expect(out).to_contain_text(f"= {again['change']:.6f}")
    assert visit.console_errors == []
