"""Every page of the built site, opened in headless Chromium from a local server.

Pages are discovered in the built site (every HTML file MkDocs rendered), not listed here.
Each page is loaded once, its observations are kept, and each test below checks one property
on all pages, naming every page that fails it.
"""

from __future__ import annotations

import re

import pytest

import sitetools

pytestmark = pytest.mark.browser

# Observations gathered in the page after it settled; see each test for what they mean.
OBSERVE = r"""() => {
    const shown = el => el.checkVisibility();
    const rawMath = /\\\(|\\\[|\$\$|\$[^$\n]*\\[A-Za-z]+[^$\n]*\$/;
    const notProse = 'pre, code, script, style, textarea, noscript, .katex, .katex-display';
    const raw = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node; (node = walker.nextNode());) {
        const el = node.parentElement;
        const match = node.textContent.match(rawMath);
        if (match && el && !el.closest(notProse) && shown(el)) {
            raw.push(node.textContent.slice(Math.max(0, match.index - 30), match.index + 50).trim());
        }
    }
    const objects = [...document.querySelectorAll('object')].filter(object => {
        try {
            const root = object.contentDocument && object.contentDocument.documentElement;
            const svg = /\.svg([?#]|$)/.test(object.data) || object.type === 'image/svg+xml';
            return !root || (svg && root.nodeName.toLowerCase() !== 'svg');
        } catch (error) { return true; }
    }).map(object => object.data);
    const figures = [...document.querySelectorAll('article svg')]
        .filter(svg => !svg.parentElement.closest('svg'))
        .filter(svg => svg.childElementCount === 0 || (shown(svg) && (() => {
            const box = svg.getBoundingClientRect();
            return box.width < 1 || box.height < 1;
        })()))
        .map(svg => svg.id || svg.getAttribute('class') || svg.outerHTML.slice(0, 80));
    return {
        arithmatex: document.querySelectorAll('.arithmatex').length,
        untypeset: [...document.querySelectorAll('.arithmatex')].filter(el => !el.querySelector('.katex'))
            .map(el => el.textContent.slice(0, 60)),
        katex: document.querySelectorAll('.katex').length,
        katexErrors: [...document.querySelectorAll('.katex-error')].map(el => el.textContent.slice(0, 60)),
        rawMath: raw,
        brokenImages: [...document.images].filter(img => !(img.complete && img.naturalWidth > 0))
            .map(img => img.currentSrc || img.src),
        brokenObjects: objects,
        emptySvgs: figures,
    };
}"""
# Markup that the build leaves for KaTeX (arithmatex) or that KaTeX produced at build time.
MATH_MARKUP = re.compile(r'class="[^"]*\b(arithmatex|katex)\b')


@pytest.fixture(scope="module")
def reports(browser, site_url, built_site):
    """Per page path: console errors, foreign requests and what OBSERVE saw, after the page settled."""
    reports = {}
    for path in sitetools.site_pages(built_site):
        visit = sitetools.open_visit(browser, site_url, path)
        try:
            sitetools.settle(visit.page)
            html = (built_site / (path + "index.html" if path == "" or path.endswith("/") else path)).read_text("utf-8")
            reports[path or "/"] = {
                **visit.page.evaluate(OBSERVE),
                "mathInSource": bool(MATH_MARKUP.search(html)),
                "consoleErrors": list(visit.console_errors),
                "foreignRequests": visit.foreign_requests(),
                "requests": len(visit.requests),
            }
        finally:
            visit.close()
    return reports


def assert_no_page_fails(reports, check, what):
    failing = {page: problem for page, report in reports.items() if (problem := check(report))}
    assert not failing, f"{what}: " + "".join(f"\n  {page}: {problem}" for page, problem in failing.items())


def test_every_page_was_visited(reports, built_site):
    assert len(reports) == len(sitetools.site_pages(built_site)) >= 2
    assert all(report["requests"] > 0 for report in reports.values())


def test_no_console_errors(reports):
    """No console message of type error and no uncaught exception, on any page."""
    assert_no_page_fails(reports, lambda report: report["consoleErrors"], "console errors")


def test_no_request_to_another_host(reports):
    """Every request a page made (scripts, styles, fonts, images, workers, wasm) went to the local server."""
    assert_no_page_fails(reports, lambda report: report["foreignRequests"], "requests to other hosts")


def test_math_is_typeset(reports):
    """Pages whose HTML carries math show KaTeX output, no KaTeX error and no raw TeX delimiters.

    Raw delimiters (``\\(``, ``\\[``, ``$$``, ``$...\\cmd...$``) are looked for in visible prose,
    not in code blocks, where a reader may legitimately see them.
    """

    def problem(report):
        if report["mathInSource"] and report["katex"] == 0:
            return "math in the HTML but no KaTeX output"
        return report["untypeset"] or report["katexErrors"] or report["rawMath"]

    assert_no_page_fails(reports, problem, "math not typeset")
    assert any(report["katex"] for report in reports.values()), "no page of the site shows any math"


def test_every_image_and_svg_loads(reports):
    """Every <img> decoded (naturalWidth > 0), every <object> SVG loaded, every inline SVG in the
    article has content and, where shown, a size."""
    assert_no_page_fails(
        reports,
        lambda report: report["brokenImages"] + report["brokenObjects"] + report["emptySvgs"],
        "images or SVGs not loaded",
    )


def test_dark_scheme_is_available(open_page):
    """The reader's dark preference (or the palette toggle) switches Material to its slate scheme."""
    visit = open_page("", color_scheme="dark")
    sitetools.use_color_scheme(visit.page, "dark")
    assert visit.console_errors == []


# What a page looks like once Material's stylesheets and scripts did their work.
STYLED = r"""() => {
    const sheets = [...document.styleSheets].map(sheet => {
        try { return {href: sheet.href, rules: sheet.cssRules.length}; }
        catch (error) { return {href: sheet.href, rules: 0}; }
    });
    const header = document.querySelector('.md-header');
    return {
        sheets,
        headerBackground: header ? getComputedStyle(header).backgroundColor : null,
        materialScript: typeof window.document$ !== 'undefined',
        links: [...document.querySelectorAll('a[href]')].map(a => a.href),
    };
}"""


def test_a_missing_page_answers_with_the_styled_404_page_and_links_into_the_site(open_page, site_url):
    """A reader who mistypes an address deep under the sub-path gets the site's 404 page, with its
    stylesheets and scripts loaded and every link leading back into the site (or to another host)."""
    import urllib.request

    visit = open_page("no/such/page/", status=404)
    sitetools.settle(visit.page)
    assert visit.page.inner_text("article h1") == "404 - Not found"
    looks = visit.page.evaluate(STYLED)
    assert looks["sheets"] and all(sheet["rules"] > 0 for sheet in looks["sheets"]), looks["sheets"]
    assert looks["headerBackground"] not in (None, "rgba(0, 0, 0, 0)"), "the header is not styled"
    assert looks["materialScript"], "Material's script did not run"
    # Chromium reports the page's own status; nothing else may fail.
    page_status = f"Failed to load resource: the server responded with a status of 404 (Not Found) ({visit.page.url})"
    assert visit.console_errors == [page_status]
    visit.assert_only_local_requests()
    local = sorted({link.split("#")[0] for link in looks["links"] if sitetools.is_local_url(link, site_url)})
    assert site_url in local
    outside = [link for link in local if not link.startswith(site_url)]
    assert not outside, f"links that leave the site's sub-path: {outside}"
    for link in local:
        with urllib.request.urlopen(link) as response:
            assert response.status == 200, link
