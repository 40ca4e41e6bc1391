"""Run, Edit, Reset and Stop on the site's code blocks, in headless Chromium with the real runtime.

The strongest check the site has: for every block with a Run control, on every page, the
browser's output is exactly the output the build wrote, block by block.
"""

from __future__ import annotations

import subprocess
import sys

import pytest
from playwright.sync_api import expect

import sitetools

RUN_TIMEOUT_MS = 120_000  # the first run downloads and starts Python; a loaded CI machine gets slack
OVERVIEW = ""  # the site's first page, with the README's example
EXAMPLE_LINE = 'w, x = Value(0.2, label="w"), Value(-0.4, label="x")'


def shown_output(block) -> str:
    """The text a reader sees as the block's output (the build's, or the last run's)."""
    return block.evaluate(
        """root => {
            const [a, b] = root.querySelectorAll(':scope > div.highlight');
            if (root.classList.contains('ag-block--doctest')) return (b.hidden ? a : b).querySelector('code').textContent;
            return (root.dataset.agSource === 'below' ? a : b).querySelector('code').textContent;
        }"""
    )


def run_block(block) -> None:
    block.get_by_role("button", name="Run").click()
    expect(block).to_have_attribute("data-ag-state", _finished(), timeout=RUN_TIMEOUT_MS)


def _finished():
    import re

    return re.compile(r"^(done|error|stopped|failed)$")


def open_editor(block):
    block.get_by_role("button", name="Edit").click()
    editor = block.locator(".cm-content")
    expect(editor).to_be_focused()
    return editor


def edit_code(page, block, code: str) -> None:
    """Replace the block's code in its editor (through CodeMirror's own state, so indentation is exact)."""
    open_editor(block)
    block.locator(".ag-block__editor").evaluate("(host, code) => { host.agEditor.code = code; }", code)
    assert block.locator(".ag-block__editor").evaluate("host => host.agEditor.code") == code


def cpython_output(code: str) -> str:
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=sitetools.REPO, check=True)
    return done.stdout.rstrip("\n")


@pytest.fixture(scope="module")
def context(browser):
    """One browser context for the module: the runtime's files are cached after the first page."""
    context = browser.new_context()
    yield context
    context.close()


def open_in(context, site_url, path):
    page = context.new_page()
    errors, requests = [], []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("request", lambda r: requests.append(r.url))
    page.route(lambda url: not sitetools.is_local_url(url, site_url), lambda route: route.abort())
    response = page.goto(site_url + path)
    assert response.ok
    return page, errors, requests


def pages_with_blocks(built_site) -> list[str]:
    marks = ('class="ag-block"', 'id="ag-doctests"')
    pages = [path for path in sitetools.site_pages(built_site) if path == "" or path.endswith("/")]
    return [path for path in pages if any(mark in (built_site / path / "index.html").read_text(encoding="utf-8")
                                          for mark in marks)]


def test_the_pages_that_show_package_code_have_runnable_blocks(built_site):
    pages = pages_with_blocks(built_site)
    assert {"", "how-it-works/", "api/"} <= set(pages)
    assert "training/" not in pages  # the notebook needs numpy and matplotlib: its cells stay static


def test_every_runnable_block_prints_what_the_build_printed(context, site_url, built_site):
    ran = 0
    for path in pages_with_blocks(built_site):
        page, errors, requests = open_in(context, site_url, path)
        blocks = page.locator(".ag-block--ready")
        count = blocks.count()
        assert count > 0, path
        built = [shown_output(blocks.nth(k)) for k in range(count)]
        for k in range(count):
            block = blocks.nth(k)
            run_block(block)
            assert block.get_attribute("data-ag-state") in {"done", "error"}, (path, k)
            assert shown_output(block).rstrip("\n") == built[k].rstrip("\n"), (path, k, built[k])
            ran += 1
        assert errors == [], (path, errors)
        assert all(sitetools.is_local_url(url, site_url) for url in requests), path
        page.close()
    assert ran >= 20


def test_a_page_downloads_nothing_of_the_runtime_until_run(open_page):
    visit = open_page(OVERVIEW)
    sitetools.settle(visit.page)
    assert not [url for url in visit.requests if "/runtime/" in url and not url.endswith(("blocks.js", "blocks.css",
                                                                                         "runtime.js", "assets.js"))]
    block = visit.page.locator(".ag-block--ready").first
    expect(block.get_by_role("button", name="Run")).to_be_visible()
    run_block(block)
    assert any(url.endswith(".wasm.gz") for url in visit.requests)
    visit.assert_only_local_requests()
    assert visit.console_errors == []


def test_without_javascript_the_build_output_shows_and_no_controls(open_page):
    visit = open_page(OVERVIEW, javascript_enabled=False)
    page = visit.page
    assert page.locator(".ag-block").count() > 0
    assert page.get_by_role("button", name="Run").count() == 0
    assert "dy/dw" in shown_output(page.locator(".ag-block").first)


def test_an_edited_block_prints_what_cpython_prints(context, site_url):
    page, errors, _ = open_in(context, site_url, OVERVIEW)
    block = page.locator(".ag-block--ready").first
    original = block.locator("code").first.text_content()
    assert EXAMPLE_LINE in original
    edited = original.replace("Value(0.2,", "Value(1.5,").replace("Value(-0.4,", "Value(0.25,")
    edit_code(page, block, edited)
    run_block(block)
    assert block.get_attribute("data-ag-state") == "done"
    assert shown_output(block) == cpython_output(edited)
    assert shown_output(block) != cpython_output(original)
    # Reset brings back the original code and the build's output.
    block.get_by_role("button", name="Reset").click()
    assert block.locator(".cm-editor").count() == 0
    assert shown_output(block).rstrip("\n") == cpython_output(original)
    assert errors == []
    page.close()


def test_an_exception_shows_the_readers_line_and_the_runtime_keeps_working(context, site_url):
    page, errors, _ = open_in(context, site_url, OVERVIEW)
    block = page.locator(".ag-block--ready").first
    edit_code(page, block, "from autograd import Value\n\nx = Value(-1.0)\ny = x.log()\nprint(y)")
    run_block(block)
    assert block.get_attribute("data-ag-state") == "error"
    text = shown_output(block)
    assert "line 4" in text and "y = x.log()" in text and "ValueError" in text
    assert "runner.py" not in text and "pyodide" not in text and "File " not in text
    assert "line 4" in block.locator(".ag-block__status").inner_text()
    edit_code(page, block, "for k in range(3):\n    print(k * k)\nprint('broken'")  # a syntax error
    run_block(block)
    assert "SyntaxError" in shown_output(block) and "line 3" in shown_output(block)
    # Typed as a reader types it.
    block.locator(".cm-content").click()
    page.keyboard.press("Control+A")
    page.keyboard.type("print(sum(range(10)))")
    run_block(block)
    assert shown_output(block) == "45"
    assert errors == []
    page.close()


def test_stop_ends_an_endless_loop_and_the_next_run_works(context, site_url):
    page, errors, _ = open_in(context, site_url, OVERVIEW)
    block = page.locator(".ag-block--ready").first
    original = block.locator("code").first.text_content()
    edit_code(page, block, "while True:\n    pass")
    block.get_by_role("button", name="Run").click()
    stop = block.get_by_role("button", name="Stop")
    expect(stop).to_be_visible(timeout=RUN_TIMEOUT_MS)
    stop.click()
    expect(block).to_have_attribute("data-ag-state", "stopped")
    assert "Stopped" in shown_output(block)
    block.get_by_role("button", name="Reset").click()
    run_block(block)
    assert block.get_attribute("data-ag-state") == "done"
    assert shown_output(block) == cpython_output(original)
    assert errors == []
    page.close()


def test_long_output_is_shortened_with_a_note(context, site_url):
    page, errors, _ = open_in(context, site_url, OVERVIEW)
    block = page.locator(".ag-block--ready").first
    edit_code(page, block, "for k in range(500):\n    print(k)")
    run_block(block)
    assert shown_output(block).split("\n")[-1] == "59"
    expect(block.locator(".ag-block__note")).to_have_text("Output shortened: showing 60 of 500 lines.")
    assert errors == []
    page.close()


def test_run_works_from_the_keyboard(context, site_url):
    page, errors, _ = open_in(context, site_url, OVERVIEW)
    run = page.locator(".ag-block--ready").first.get_by_role("button", name="Run")
    run.focus()
    page.keyboard.press("Enter")
    block = page.locator(".ag-block--ready").first
    expect(block).to_have_attribute("data-ag-state", "done", timeout=RUN_TIMEOUT_MS)
    # In the editor, Ctrl+Enter runs and Tab leaves (the editor does not trap the keyboard).
    expect(block).to_have_attribute("data-ag-runs", "1")
    open_editor(block)
    page.keyboard.press("End")
    page.keyboard.press("Control+Enter")
    expect(block).to_have_attribute("data-ag-runs", "2", timeout=RUN_TIMEOUT_MS)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('.cm-editor') === null")
    assert errors == []
    page.close()
