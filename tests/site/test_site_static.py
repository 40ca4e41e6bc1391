"""The built site, read as files: its links resolve and it needs no other host.

These tests read the output of one ``mkdocs build --strict`` (the ``built_site`` fixture, which
itself fails on any build warning) without a browser.
"""

from __future__ import annotations

import os
import re
from collections import defaultdict
from functools import cache
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

import sitetools

# Attributes whose URL the browser fetches by itself, per element ("*" = any element).
FETCHED = {
    "img": {"src", "srcset"},
    "source": {"src", "srcset"},
    "script": {"src"},
    "iframe": {"src"},
    "embed": {"src"},
    "audio": {"src"},
    "video": {"src", "poster"},
    "track": {"src"},
    "input": {"src"},
    "object": {"data"},
    "image": {"href", "xlink:href"},  # SVG
    "use": {"href", "xlink:href"},  # SVG
    "feimage": {"href", "xlink:href"},  # SVG
}
# <link> fetches unless it only names a page (these rel values download nothing).
NAVIGATION_RELS = {"canonical", "alternate", "author", "help", "license", "next", "prev", "search", "me"}
ASSET_SUFFIXES = {".js", ".mjs", ".css", ".woff", ".woff2", ".ttf", ".otf", ".png", ".jpg", ".jpeg", ".gif",
                  ".svg", ".webp", ".wasm", ".json", ".zip", ".whl", ".map"}
NOT_ON_A_HOST = ("mailto:", "tel:", "javascript:", "data:", "blob:", "about:")
CSS_URL = re.compile(r"""url\(\s*(['"]?)(.*?)\1\s*\)|@import\s+(['"])(.*?)\3""", re.S)
# In scripts only literal markup and CSS are recognisable references (see the test below).
SCRIPT_FOREIGN_REFERENCE = re.compile(
    r"""(?:\b(?:src|href|srcset)\s*=\s*\\?["'`]"""
    r"""|url\(\s*\\?["']?"""
    r"""|@import\s+(?:url\()?\s*\\?["']?"""
    r"""|\bimport\s*\(?\s*["'`]|\bfrom\s*["'`]|\bimportScripts\s*\(\s*["'`])"""
    r"""(?:https?:)?//[\w.-]+"""
)


def is_foreign(url: str) -> bool:
    """True if ``url`` names another host (``https://x``, ``//x``)."""
    return bool(urlsplit(url.strip()).netloc)


class References(HTMLParser):
    """Collects the ids, the URLs an HTML (or SVG) document fetches and the URLs it links to."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.fetched: list[str] = []
        self.navigated: list[str] = []
        self.css: list[str] = []  # inline <style> and style="" text
        self.scripts: list[str] = []  # inline <script> text
        self._text_sink: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        attrs = {name: value or "" for name, value in attrs}
        if "id" in attrs:
            self.ids.add(attrs["id"])
        if tag == "a" and "name" in attrs:
            self.ids.add(attrs["name"])
        if "style" in attrs:
            self.css.append(attrs["style"])
        for name, value in attrs.items():
            if name in FETCHED.get(tag, ()):
                self.fetched.extend(split_srcset(value) if name == "srcset" else [value])
            elif tag == "link" and name == "href":
                rels = set(attrs.get("rel", "").lower().split())
                (self.navigated if rels and rels <= NAVIGATION_RELS else self.fetched).append(value)
            elif name in ("href", "xlink:href"):  # <a>, <area>, SVG <a xlink:href>
                self.navigated.append(value)
        self._text_sink = {"style": self.css, "script": self.scripts}.get(tag)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        self._text_sink = None

    def handle_endtag(self, tag):
        self._text_sink = None

    def handle_data(self, data):
        if self._text_sink is not None:
            self._text_sink.append(data)


def split_srcset(srcset: str) -> list[str]:
    return [candidate.split()[0] for candidate in srcset.split(",") if candidate.strip()]


def css_urls(css: str) -> list[str]:
    return [match.group(2) or match.group(4) for match in CSS_URL.finditer(css)]


@cache
def parse(path: Path) -> References:
    references = References()
    references.feed(path.read_text(encoding="utf-8", errors="replace"))
    return references


def files(site: Path, *suffixes: str) -> list[Path]:
    return sorted(path for path in site.rglob("*") if path.suffix in suffixes and path.is_file())


@cache
def mount_path(site: Path) -> str:
    return sitetools.mount_path(site)


def resolve(site: Path, document: Path, url: str) -> tuple[Path, str] | None:
    """The file and fragment a local ``url`` in ``document`` points to; None for other hosts.

    A path from the server's root (``/docs/autograd/x/``) must start with the sub-path the site
    was built for; one that does not resolves outside the site, so it counts as broken.
    """
    if url.startswith(NOT_ON_A_HOST) or is_foreign(url):
        return None
    parts = urlsplit(url)
    if not parts.path:
        return document, unquote(parts.fragment)
    if parts.path.startswith("/"):
        mount = mount_path(site)
        if not parts.path.startswith(mount):
            return site.parent / "outside-the-site" / parts.path.lstrip("/"), unquote(parts.fragment)
        target = (site / unquote(parts.path[len(mount):])).resolve()
    else:
        target = (document.parent / unquote(parts.path)).resolve()
    if target.is_dir():
        target = target / "index.html"
    return target, unquote(parts.fragment)


def test_site_has_pages(built_site):
    pages = sitetools.site_pages(built_site)
    assert "" in pages, "the built site has no home page"
    assert len(pages) >= 2


def test_site_is_built_for_the_test_address_with_a_sub_path(built_site):
    """The build takes its address from SITE_URL (tests/conftest.py sets a two-level sub-path)."""
    if os.environ.get("AUTOGRAD_SITE"):
        pytest.skip("a prebuilt site (AUTOGRAD_SITE) may have been built for another address")
    assert sitetools.site_address(built_site) == sitetools.TEST_SITE_URL
    assert mount_path(built_site) == "/docs/autograd/"


def test_sitemap_lists_every_page_at_the_sites_address(built_site):
    """sitemap.xml (and its gzipped copy) names each rendered page once, by its full address, and nothing else."""
    import gzip

    address = sitetools.site_address(built_site)
    urls = sitetools.sitemap_urls(built_site)
    assert urls and all(url.startswith(address) for url in urls), urls
    assert len(urls) == len(set(urls))
    pages = [url.removeprefix(address) for url in urls]
    assert sorted(pages) == sorted(p for p in sitetools.site_pages(built_site) if p != "404.html")
    gzipped = gzip.decompress((built_site / "sitemap.xml.gz").read_bytes()).decode("utf-8")
    assert gzipped == (built_site / "sitemap.xml").read_text(encoding="utf-8")


def test_404_page_refers_to_the_site_from_the_server_root(built_site):
    """The 404 page is served for a missing file at any depth, so every local URL in it names the
    site's sub-path from the server's root; a relative one would break one folder down."""
    references = parse(built_site / "404.html")
    local = [url for url in references.fetched + references.navigated
             if not url.startswith(NOT_ON_A_HOST) and not is_foreign(url) and urlsplit(url).path]
    stylesheets = [url for url in references.fetched if url.endswith(".css")]
    scripts = [url for url in references.fetched if url.endswith(".js")]
    assert stylesheets and scripts
    relative = [url for url in local if not url.startswith(mount_path(built_site))]
    assert not relative, f"404.html has URLs that are not from the root of the sub-path: {relative}"


def test_katex_is_loaded_only_by_pages_with_maths(built_site):
    """KaTeX's stylesheet and scripts are on every page with maths for it to typeset, and on no other."""
    loads, maths = {}, {}
    for path in sitetools.site_pages(built_site):
        html = built_site / (path + "index.html" if path == "" or path.endswith("/") else path)
        fetched = [Path(urlsplit(url).path).name for url in parse(html).fetched]
        loads[path] = {"katex.min.css", "katex.min.js", "katex-init.js"} & set(fetched)
        maths[path] = 'class="arithmatex"' in html.read_text(encoding="utf-8")
    wrong = {path: sorted(loads[path]) for path in loads
             if loads[path] != ({"katex.min.css", "katex.min.js", "katex-init.js"} if maths[path] else set())}
    assert not wrong, f"pages whose KaTeX files do not match their maths: {wrong}"
    assert any(maths.values()) and not all(maths.values())


def test_internal_links_and_anchors_resolve(built_site):
    """Every local href/src in every HTML file names an existing file, and its #id exists there.

    Links out of the built site (``../../elsewhere``) count as broken: the site is all there is.
    """
    broken = defaultdict(list)
    for html in files(built_site, ".html"):
        references = parse(html)
        for url in references.fetched + references.navigated:
            resolved = resolve(built_site, html, url)
            if resolved is None:
                continue
            target, fragment = resolved
            if not target.is_relative_to(built_site.resolve()) or not target.is_file():
                broken[html.relative_to(built_site).as_posix()].append(f"{url} (no such file)")
            elif fragment and target.suffix == ".html" and fragment not in parse(target).ids:
                broken[html.relative_to(built_site).as_posix()].append(f"{url} (no id {fragment!r})")
    assert not broken, f"broken links: {dict(broken)}"


def test_stylesheet_urls_resolve(built_site):
    """Every url() and @import in the site's CSS names a file that was copied with it (fonts, icons)."""
    missing = defaultdict(list)
    for css in files(built_site, ".css"):
        for url in css_urls(css.read_text(encoding="utf-8", errors="replace")):
            resolved = resolve(built_site, css, url)
            if resolved and not url.startswith("#") and not resolved[0].is_file():
                missing[css.relative_to(built_site).as_posix()].append(url)
    assert not missing, f"stylesheets refer to missing files: {dict(missing)}"


def foreign_assets(site: Path) -> dict[str, list[str]]:
    """References to other hosts that a browser would fetch, per file of the built site."""
    found = defaultdict(list)
    for path in files(site, ".html", ".htm", ".svg"):
        references = parse(path)
        css = " ".join(references.css)
        urls = references.fetched + css_urls(css)
        found[path] += [url for url in urls if is_foreign(url)]
        found[path] += [match.group(0) for match in SCRIPT_FOREIGN_REFERENCE.finditer(" ".join(references.scripts))]
    for path in files(site, ".css"):
        found[path] += [url for url in css_urls(path.read_text(encoding="utf-8", errors="replace")) if is_foreign(url)]
    for path in files(site, ".js", ".mjs"):
        found[path] += [match.group(0) for match in SCRIPT_FOREIGN_REFERENCE.finditer(path.read_text(errors="replace"))]
    return {path.relative_to(site).as_posix(): urls for path, urls in found.items() if urls}


def test_no_asset_on_another_host(built_site):
    """No HTML, SVG, CSS or JS file refers to an asset on another host.

    HTML and SVG are parsed: every fetching attribute (``src``, ``srcset``, ``<link href>`` of a
    stylesheet, icon, preload or manifest, ``<object data>``, SVG ``<image>``/``<use>`` hrefs)
    plus ``url()`` and ``@import`` in ``<style>`` and ``style=""``. CSS files are scanned for
    ``url()`` and ``@import``. JS files (and inline scripts) can build URLs in ways no scan can
    follow, so they are scanned for the forms that are plainly references: ``src=``/``href=``
    markup, CSS ``url()``/``@import``, and ``import``/``importScripts`` of a module from a host.
    Plain strings such as XML namespaces (``http://www.w3.org/2000/svg``), a DTD in a DOCTYPE,
    or a ``sourceMappingURL`` comment are not fetched by the page and are not reported; what a
    page actually requests is checked in the browser by ``test_site_browser.py``.
    """
    found = foreign_assets(built_site)
    assert not found, f"assets on other hosts: {found}"


def test_links_to_other_hosts_only_navigate(built_site):
    """Links to other hosts (``<a href>``, ``<link rel=canonical>``) are plain https pages.

    A link is not a request: the page fetches nothing until the reader follows it, so such
    links (a credit to Graphviz, Material's footer) are allowed and listed in this test's output
    (``pytest -rP``). What is not allowed is an asset in disguise: a link to a script, style,
    font, image or data file on another host, or an ``http:`` link from a page read offline.
    """
    links = defaultdict(set)
    for html in files(built_site, ".html"):
        for url in parse(html).navigated:
            if is_foreign(url):
                links[url].add(html.relative_to(built_site).as_posix())
    print("links to other hosts:" + "".join(f"\n  {url}  ({len(pages)} pages)" for url, pages in sorted(links.items())))
    assets = {url: sorted(pages) for url, pages in links.items()
              if urlsplit(url).scheme != "https" or Path(urlsplit(url).path).suffix.lower() in ASSET_SUFFIXES}
    assert not assets, f"links to assets on other hosts, or not over https: {assets}"


@pytest.mark.parametrize(
    "markup, fetched, navigated",
    [
        ('<img src="https://cdn.example/x.png"><a href="https://example.org">x</a>',
         ["https://cdn.example/x.png"], ["https://example.org"]),
        ('<link rel="stylesheet" href="//cdn.example/k.css"><link rel="canonical" href="https://me.example/">',
         ["//cdn.example/k.css"], ["https://me.example/"]),
        ('<img srcset="a.png 1x, https://cdn.example/b.png 2x"><object data="g.svg"></object>',
         ["a.png", "https://cdn.example/b.png", "g.svg"], []),
    ],
)
def test_reference_parser_sorts_fetched_from_navigated(markup, fetched, navigated):
    references = References()
    references.feed(markup)
    assert (references.fetched, references.navigated) == (fetched, navigated)


@pytest.mark.parametrize(
    "script, foreign",
    [
        ('el.innerHTML = `<img src="https://cdn.example/a.png">`', True),
        ('import katex from "https://cdn.example/katex.mjs"', True),
        ('s.textContent = "@import url(//fonts.example/css)"', True),
        ('document.createElementNS("http://www.w3.org/2000/svg", "g")', False),
        ("//# sourceMappingURL=pyodide.mjs.map", False),
        ('import("./pyodide.mjs")', False),
    ],
)
def test_script_scan_recognises_references(script, foreign):
    assert bool(SCRIPT_FOREIGN_REFERENCE.search(script)) is foreign
