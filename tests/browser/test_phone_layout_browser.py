"""Pages on a phone (390 px wide) in headless Chromium: the columns and figures the reader needs stay readable."""

from __future__ import annotations

import pytest

WIDTH = 390


@pytest.fixture
def phone(browser, site_url):
    contexts = []

    def open_at(path: str, scheme: str = "light"):
        context = browser.new_context(viewport={"width": WIDTH, "height": 844}, color_scheme=scheme)
        contexts.append(context)
        page = context.new_page()
        page.goto(site_url + path)
        page.wait_for_load_state("load")
        return page

    yield open_at
    for context in contexts:
        context.close()


def no_sideways_page_scroll(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH, page.url


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_trace_table_shows_its_gradient_columns_without_scrolling(phone, scheme):
    page = phone("trace/", scheme)
    box = page.eval_on_selector(
        "article table", "t => { const w = t.closest('.md-typeset__scrollwrap') || t.parentElement;"
        " return [w.scrollWidth, w.clientWidth, t.rows[0].cells.length]; }"
    )
    assert box[2] == 5
    assert box[0] <= box[1], f"the trace table is {box[0]} px wide in a {box[1]} px column"
    no_sideways_page_scroll(page)


def test_notebook_uses_the_width_no_prompts_and_unbroken_progress_lines(phone):
    page = phone("training/")
    visible_prompts = page.eval_on_selector_all(
        ".jp-InputPrompt, .jp-OutputPrompt", "els => els.filter(e => getComputedStyle(e).display !== 'none').length"
    )
    assert visible_prompts == 0
    widths = page.eval_on_selector_all(".jp-RenderedSVG > *", "els => els.map(e => e.getBoundingClientRect().width)")
    assert len(widths) == 4 and min(widths) >= 300, widths
    # The progress lines ("epoch  50   loss 0.1335   accuracy 97%") are not broken mid-word.
    progress = page.eval_on_selector_all(
        ".jp-RenderedText pre",
        """pres => pres.filter(p => p.textContent.includes('accuracy')).map(p => {
            const lines = p.textContent.trimEnd().split('\\n').length;
            const height = parseFloat(getComputedStyle(p).lineHeight);
            return [lines, Math.round(p.getBoundingClientRect().height / height)];
        })""",
    )
    assert progress and all(shown <= lines + 1 for lines, shown in progress), progress
    no_sideways_page_scroll(page)


def test_demo_trace_shows_the_backward_pass_column(phone):
    page = phone("demo/")
    fits = page.eval_on_selector(
        ".ag-demo__trace", "w => [w.scrollWidth, w.clientWidth, w.querySelector('thead th:last-child').textContent]"
    )
    assert "Backward" in fits[2]
    assert fits[0] <= fits[1], f"the demo's trace is {fits[0]} px wide in a {fits[1]} px box"
    no_sideways_page_scroll(page)
