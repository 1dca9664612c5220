"""The page in a real browser: Debian's Chromium driven by Playwright, over a live local server.

Screenshots go to each test's temporary folder (pytest prints where with -v --basetemp=DIR).
"""

from __future__ import annotations

import re
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from search import Searcher
from tests.web.conftest import HOSTILE_ID
from web import create_app

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def base_url(web_index: Path) -> Iterator[str]:
    """A uvicorn server on a free loopback port (the socket is bound before it starts)."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(create_app(web_index), log_level="warning", access_log=False)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=30)
    sock.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    if not CHROMIUM.exists():
        pytest.skip(
            f"no browser: {CHROMIUM} is missing (Debian's chromium package; .ci/run installs it)"
        )
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport=DESKTOP)
    opened = context.new_page()
    opened.set_default_timeout(15_000)
    yield opened
    context.close()


def fits_width(page: Any) -> bool:
    """No sideways scrolling: the page is no wider than the window."""
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


def test_search_narrow_page_and_open_an_issue(
    page: Any, base_url: str, web_index: Path, tmp_path: Path
) -> None:
    page.goto(base_url + "/")
    page.get_by_label("Query").fill("flood")
    page.get_by_label("Query").press("Enter")
    page.wait_for_url(re.compile(r"/\?q=flood$"))
    assert page.locator("p.total").inner_text() == "1–10 of 17 issues"
    marks = page.locator(".hit .snippet mark").all_inner_texts()
    assert marks and {mark.lower() for mark in marks} <= {"flood", "floods", "flooded", "flooding"}
    page.screenshot(path=tmp_path / "results.png", full_page=True)

    # A facet narrows the search to its value, and says how many there are.
    facet = page.locator(".facet li a", has_text="Harbour Dispatch")
    count = int(facet.locator(".count").inner_text())
    facet.click()
    page.wait_for_url(re.compile(r"newsletter=Harbour\+Dispatch"))
    assert page.locator("p.total").inner_text() == f"1–{count} of {count} issues"
    assert set(page.locator(".hit .meta .newsletter").all_inner_texts()) == {"Harbour Dispatch"}
    page.screenshot(path=tmp_path / "facet.png", full_page=True)
    page.get_by_title("Remove this filter").first.click()
    page.wait_for_url(re.compile(r"/\?q=flood$"))

    # The next page continues the library's ranking.
    page.get_by_role("link", name="Next ›").click()
    page.wait_for_url(re.compile(r"page=2"))
    with Searcher(web_index) as searcher:
        second = searcher.search("flood", page=2)
    assert page.locator(".hit h2").all_inner_texts() == [hit.headline for hit in second.hits]
    assert page.locator("p.total").inner_text() == "11–17 of 17 issues"

    # A hit opens its issue, the query's words marked, with similar issues beside it.
    headline = second.hits[0].headline
    page.get_by_role("link", name=headline).click()
    page.wait_for_url(re.compile(r"/issue/"))
    assert page.locator("h1").inner_text() == headline
    assert page.locator("article mark").count() > 0
    assert page.locator(".similar li").count() > 0
    page.screenshot(path=tmp_path / "issue.png", full_page=True)

    # The raw text link shows the source file as text.
    page.get_by_role("link", name="Raw text of the file").click()
    source = Path(second.hits[0].path).read_text(encoding="utf-8")
    assert page.locator("body").inner_text().strip() == source.strip()


def test_hostile_issue_shows_its_markup_as_text(page: Any, base_url: str, tmp_path: Path) -> None:
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(base_url + "/?q=harbour+strike+report")
    link = page.locator(".hit h2 a").first
    assert link.inner_text() == 'Harbour <script>document.title="pwned"</script> strike report'
    page.screenshot(path=tmp_path / "hostile-results.png", full_page=True)
    link.click()
    page.wait_for_url(re.compile(re.escape(HOSTILE_ID)))
    body = page.locator("article").inner_text()
    assert "The port strike <script>window.pwned = true</script> reached the harbour" in body
    assert '<iframe src="javascript:alert(1)"></iframe>' in body
    assert "Tags <em>everywhere</em>" in body
    page.screenshot(path=tmp_path / "hostile-issue.png", full_page=True)
    # Shown, not run: no script or markup element from the issue exists, nothing it did happened.
    foreign = "script:not([src='/static/live.js']), iframe, img, em, b"
    assert page.evaluate(f"document.querySelectorAll({foreign!r}).length") == 0
    assert page.evaluate("window.pwned === undefined")
    assert page.title().startswith('Harbour <script>document.title="pwned"</script>')
    assert dialogs == []


def test_phone_sized_screen_and_no_javascript(browser: Any, base_url: str, tmp_path: Path) -> None:
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    try:
        phone = context.new_page()
        phone.goto(base_url + "/")
        assert fits_width(phone)
        phone.get_by_label("Query").fill("heat pump")
        phone.get_by_label("Query").press("Enter")
        phone.wait_for_url(re.compile(r"q=heat\+pump"))
        assert phone.locator(".hit").count() == 10
        assert fits_width(phone)
        phone.screenshot(path=tmp_path / "phone-results.png")
        # Filters are a plain form: fill one in and search again.
        phone.locator("summary", has_text="Filters").click()
        phone.get_by_label("Author").fill("Sunniva Dahl")
        phone.get_by_label("Author").press("Enter")
        phone.wait_for_url(re.compile(r"author=Sunniva\+Dahl"))
        assert phone.locator(".chip").inner_text() == "author: Sunniva Dahl ×"
        assert phone.locator(".hit").count() > 0
        phone.locator(".hit h2 a").first.click()
        phone.wait_for_url(re.compile(r"/issue/"))
        assert fits_width(phone)
        phone.screenshot(path=tmp_path / "phone-issue.png")
    finally:
        context.close()


def test_story_hit_opens_at_its_story(page: Any, base_url: str, tmp_path: Path) -> None:
    page.goto(base_url + "/?q=sensor")
    page.get_by_role("link", name="Stories").click()
    page.wait_for_url(re.compile(r"stories=1"))
    first = page.locator(".hit h2 a").first
    assert first.inner_text() == "Flood sensor contract renewed"
    first.click()
    page.wait_for_url(re.compile(r"#story-9$"))
    target = page.locator(".story:target")
    assert target.locator("h3").inner_text() == "Flood sensor contract renewed"
    assert target.locator("h3 mark").inner_text() == "sensor"
    page.screenshot(path=tmp_path / "story.png")


def test_results_follow_typing(page: Any, base_url: str, tmp_path: Path) -> None:
    page.goto(base_url + "/?q=flood&sort=newest")
    box = page.get_by_label("Query")
    box.fill("")
    box.press_sequentially("heat pum", delay=40)
    # No Enter: the results and the address follow what was typed (the sort is kept).
    page.wait_for_url(re.compile(r"/\?q=heat\+pum&sort=newest$"))
    page.wait_for_function("document.title.startsWith('heat pum:')")
    assert page.locator(".hit").count() > 0
    assert "heat" in [mark.lower() for mark in page.locator(".hit mark").all_inner_texts()]
    assert box.evaluate("element => element === document.activeElement")
    box.press_sequentially("p", delay=40)
    page.wait_for_url(re.compile(r"q=heat\+pump&"))
    page.screenshot(path=tmp_path / "typed.png")


def test_did_you_mean_and_error_pages(page: Any, base_url: str, tmp_path: Path) -> None:
    page.goto(base_url + "/?q=flod")
    page.get_by_role("link", name="flood").click()
    page.wait_for_url(re.compile(r"q=flood$"))
    assert page.locator(".hit").count() == 10
    response = page.goto(base_url + "/?q=flood&page=-1")
    assert response is not None and response.status == 400
    assert page.locator("pre.message").inner_text() == "page must be from 1 to 1000000, not -1."
    page.screenshot(path=tmp_path / "error.png")
