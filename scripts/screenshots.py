"""Full-page screenshots of every page of the site, in Material's light and dark schemes.

    .venv/bin/python -m scripts.screenshots                 # build the site strictly, then shoot it
    .venv/bin/python -m scripts.screenshots --site site/    # shoot an already built site

Writes screenshots/<page>-light.png and screenshots/<page>-dark.png (the folder is gitignored)
and prints each page's console errors, so a look at the PNGs comes with the same facts the
browser tests check. Uses the tests' own build, server and Chromium launcher (sitetools), so run it
from the repository root as a module.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import sitetools

REPO = sitetools.REPO


def screenshot_name(page_path: str) -> str:
    """``""`` -> ``index``, ``ops/`` -> ``ops``, ``api/value/`` -> ``api-value``, ``404.html`` -> ``404``."""
    return page_path.removesuffix("/").removesuffix(".html").replace("/", "-") or "index"


def shoot(site: Path, out: Path, schemes: list[str], width: int) -> int:
    """Screenshot every page of ``site`` into ``out``; returns how many pages had console errors."""
    from playwright.sync_api import sync_playwright

    out.mkdir(parents=True, exist_ok=True)
    troubled = 0
    with sitetools.serve_site(site) as base_url, sync_playwright() as playwright:
        browser = sitetools.launch_chromium(playwright)
        for path in sitetools.site_pages(site):
            for scheme in schemes:
                visit = sitetools.open_visit(browser, base_url, path, color_scheme=scheme)
                try:
                    visit.page.set_viewport_size({"width": width, "height": 900})
                    sitetools.settle(visit.page)
                    sitetools.use_color_scheme(visit.page, scheme)
                    visit.page.wait_for_timeout(400)  # Material fades colours after a palette switch
                    target = out / f"{screenshot_name(path)}-{scheme}.png"
                    visit.page.screenshot(path=target, full_page=True)
                    problems = visit.console_errors + [f"request to {url}" for url in visit.foreign_requests()]
                    troubled += bool(problems)
                    print(target, *(f"\n    {problem}" for problem in problems))
                finally:
                    visit.close()
        browser.close()
    return troubled


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, help="an already built site (default: build one now)")
    parser.add_argument("--out", type=Path, default=REPO / "screenshots", help="where the PNGs go")
    parser.add_argument("--scheme", choices=["light", "dark"], action="append", help="default: both")
    parser.add_argument("--width", type=int, default=1280, help="viewport width in CSS pixels")
    args = parser.parse_args(argv)
    if sitetools.chromium_path() is None:
        parser.error(f"Chromium is not installed at {sitetools.CHROMIUM}")
    schemes = args.scheme or ["light", "dark"]
    if args.site:
        return 1 if shoot(args.site.resolve(), args.out, schemes, args.width) else 0
    with tempfile.TemporaryDirectory(prefix="autograd-site-") as temporary:
        build = sitetools.build_site(Path(temporary))
        print(f"mkdocs build --strict took {build.seconds:.1f} s")
        if build.returncode != 0:
            print(build.output[-5000:], file=sys.stderr)
            return 1
        # Warnings fail the tests; pictures of the site are still worth having meanwhile.
        for warning in build.warnings:
            print(warning, file=sys.stderr)
        return 1 if shoot(build.site, args.out, schemes, args.width) else 0


if __name__ == "__main__":
    sys.exit(main())
