"""Every page each persona reaches, tried on a phone: no page is wider than a 390 px
screen and nothing in it scrolls sideways (a table becomes a list per row there), and
axe-core (from the npm registry, node_modules/axe-core) finds nothing serious or
critical on them, at 390 and at 1,366 px.

The walk follows the links a persona sees, from its start page, one page per kind of URL
(numbers in the path do not make a new kind), as a new user clicking around would."""

import os
import re
from pathlib import Path
from urllib.parse import urlparse

import pytest
from django.conf import settings

from demo import data as demo

from .test_journey import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
PHONE, DESKTOP = 390, 1366
PERSONAS = ["lanhdao", "bantuyengiao", "quantri", "ubnd", "phuocson", "vanphong", "sonnmt"]
PAGES_EACH = 40
# Not pages to walk: files, the admin, the API's JSON, signing out.
SKIP = re.compile(r"/tai-ve|/xuat/|/quan-tri/|/api/v1/|/api/schema/|/minh-chung/\d+/$|/static/")
# Swagger UI's page draws with its own stylesheet (a third party's): its width is checked,
# not its colours.
NOT_AXED = re.compile(r"/api/tai-lieu/")

# The page's width, and each region that scrolls sideways inside it (on a phone, a table
# too wide for its list form): what it is, how wide, and how much room it has.
WIDTHS = """() => ({
  page: document.documentElement.scrollWidth,
  inside: Array.from(document.querySelectorAll('*'))
    .filter((e) => e.scrollWidth > e.clientWidth + 1
      && ['auto', 'scroll'].includes(getComputedStyle(e).overflowX))
    .map((e) => [`${e.tagName.toLowerCase()}.${e.className} ${e.scrollWidth}/${e.clientWidth} px`,
                 e.scrollWidth]),
})"""
SERIOUS = """async () => (await axe.run(document, {resultTypes: ['violations']})).violations
  .filter((v) => ['serious', 'critical'].includes(v.impact) || v.id === 'empty-table-header')
  .map((v) => `${v.id}: ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`)"""


@pytest.fixture(scope="module")
def axe_source() -> str:
    if not AXE.exists():
        reason = f"Không có axe-core ở {AXE} (make node_modules/.installed): bỏ qua."
        if os.environ.get("DONDOC_REQUIRE_BROWSER"):
            pytest.fail(reason)
        pytest.skip(reason)
    return AXE.read_text()


def _kind(path: str) -> str:
    return re.sub(r"\d+", "N", path)


def _axe(page, source: str) -> list[str]:
    page.add_script_tag(content=source)
    return page.evaluate(SERIOUS)


def _walk(page, base: str, source: str) -> tuple[list[str], dict[str, list[str]], list[str]]:
    """The pages reached, too wide ones with their width, and axe's findings by page."""
    queue, seen, visited = [page.url], set(), []
    wide, findings = [], {}
    while queue and len(visited) < PAGES_EACH:
        url = queue.pop(0)
        path = urlparse(url).path
        if _kind(path) in seen or SKIP.search(path):
            continue
        seen.add(_kind(path))
        response = page.goto(url)
        if response is None or "text/html" not in response.headers.get("content-type", ""):
            continue
        visited.append(path)
        widths = page.evaluate(WIDTHS)
        width = max([widths["page"], *(px for _, px in widths["inside"])])
        if width > PHONE:
            wide.append(f"{path}: {width} px")
        elif not NOT_AXED.search(path) and widths["inside"]:
            wide.append(f"{path}: {', '.join(what for what, _ in widths['inside'][:3])}")
        if not NOT_AXED.search(path) and (found := _axe(page, source)):
            findings[path] = found
        for href in page.eval_on_selector_all("a[href]", "links => links.map((a) => a.href)"):
            if href.startswith(base) and _kind(urlparse(href).path) not in seen:
                queue.append(href.split("#")[0])
    return visited, findings, wide


def test_every_page_fits_a_phone_and_passes_axe(browser, live_server, axe_source):
    demo.load_demo()
    problems = []
    for username in PERSONAS:
        context = browser.new_context(
            base_url=live_server.url,
            locale="vi-VN",
            viewport={"width": PHONE, "height": 844},
            bypass_csp=True,  # to inject axe-core; the policy itself: tests/test_security.py
        )
        page = context.new_page()
        page.set_default_timeout(10_000)
        log_in(page, username)
        visited, findings, wide = _walk(page, live_server.url, axe_source)
        assert len(visited) >= 5, (username, visited)
        problems += [f"{username} 390 px, too wide: {w}" for w in wide]
        problems += [f"{username} 390 px, {path}: {f}" for path, f in findings.items()]
        page.set_viewport_size({"width": DESKTOP, "height": 900})
        for path in visited[:12]:  # the start page and the menu's pages first
            if NOT_AXED.search(path):
                continue
            page.goto(path)
            problems += [f"{username} 1366 px, {path}: {f}" for f in _axe(page, axe_source)]
        context.close()

    assert problems == []
