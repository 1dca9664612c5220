"""The web routes through Starlette's TestClient: status codes, escaping, parameters, JSON shape."""

from __future__ import annotations

import datetime as dt
import html
import json
import os
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from starlette.testclient import TestClient

from cli import main
from index import build_index
from search import Searcher
from tests.web.conftest import HOSTILE, HOSTILE_ID
from web import create_app

OUR_SCRIPT = '<script src="/static/live.js" defer></script>'


def without_our_script(page: str) -> str:
    """The page less its one script tag (search as you type), lower-cased for tag searches."""
    assert page.count("<script") == 1 and OUR_SCRIPT in page
    return page.replace(OUR_SCRIPT, "").lower()


def hit_links(page: str) -> list[str]:
    """The issue links of the hits on a results page, in order."""
    return re.findall(r'<h2><a href="(/issue/[^"]+)">', page)


def marked_html(text: str, spans: list[tuple[int, int]]) -> str:
    """An independent rendering of a snippet: escape each run, <mark> the spans."""
    out, last = [], 0
    for start, end in spans:
        out += [html.escape(text[last:start]), "<mark>", html.escape(text[start:end]), "</mark>"]
        last = end
    return "".join([*out, html.escape(text[last:])])


def test_home_page_names_the_newsletters(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert '<span class="name">Harbour Dispatch</span> <span class="count">7</span>' in page.text
    assert "19 issues" in page.text
    assert "Query syntax" in page.text


def test_results_follow_the_library_order_and_mark_snippets(
    client: TestClient, web_index: Path
) -> None:
    page = client.get("/", params={"q": "flood insurance"})
    assert page.status_code == 200
    with Searcher(web_index) as searcher:
        expected = searcher.search("flood insurance", limit=10)
    assert hit_links(page.text) == [f"/issue/{hit.id}?q=flood%20insurance" for hit in expected.hits]
    assert f"of <strong>{expected.total}</strong>" in page.text
    first = expected.hits[0].snippets[0]
    spans = [(span.start, span.end) for span in first.spans]
    assert f'<p class="snippet">{marked_html(first.text, spans)}</p>' in page.text
    assert "<mark>flood</mark>" in page.text and "<mark>insurance</mark>" in page.text


def test_hostile_issue_text_is_escaped_on_results_page(client: TestClient) -> None:
    page = client.get("/", params={"q": "harbour strike report"})
    assert page.status_code == 200
    assert (
        "Harbour &lt;script&gt;document.title=&#34;pwned&#34;&lt;/script&gt; strike report"
        in page.text
    )
    # The page's one script is ours: any other <script tag would have come from an issue.
    markup = without_our_script(page.text)
    assert "<script" not in markup and "<img" not in markup and "<iframe" not in markup


def test_hostile_issue_page_escapes_then_marks(client: TestClient) -> None:
    page = client.get(f"/issue/{HOSTILE_ID}", params={"q": "strike"})
    assert page.status_code == 200
    text = without_our_script(page.text)
    for tag in ("<script", "<img", "<iframe", "<b>", "<em>"):
        assert tag not in text, tag
    assert (
        "The port <mark>strike</mark> &lt;script&gt;window.pwned = true&lt;/script&gt; reached"
        in page.text
    )
    assert "Tags &lt;em&gt;everywhere&lt;/em&gt;" in page.text
    assert "&lt;img src=x onerror=&#34;document.title=&#39;pwned-img&#39;&#34;&gt; &amp; an" in (
        page.text
    )
    assert "default-src 'none'" in page.headers["content-security-policy"]


def test_hostile_query_is_escaped_everywhere(client: TestClient) -> None:
    query = '<script>alert(1)</script> "x'
    page = client.get("/", params={"q": query})
    assert page.status_code == 200
    assert "<script" not in without_our_script(page.text)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text
    # JSON is data, never sniffed as a page.
    api = client.get("/api/search", params={"q": query})
    assert api.headers["content-type"] == "application/json"
    assert api.headers["x-content-type-options"] == "nosniff"
    assert api.json()["query"] == query


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"q": "flood", "page": "-1"}, "page must be from 1 to 1000000, not -1."),
        ({"q": "flood", "page": "two"}, "page must be a whole number, not &#39;two&#39;."),
        ({"q": "flood", "page": "9" * 5000}, "page must be a whole number"),
        ({"q": "flood", "sort": "best"}, "Unknown sort &#39;best&#39;: use one of relevance"),
        ({"q": "flood", "limit": "100000"}, "limit must be from 1 to 100, not 100000."),
        ({"q": "flood", "limit": "0"}, "limit must be from 1 to 100, not 0."),
        ({"q": "flood", "since": "2024-13-01"}, "since must be a date written YYYY-MM-DD"),
        ({"q": "flood", "until": "yesterday"}, "until must be a date written YYYY-MM-DD"),
        (
            {"q": "flood", "since": "2025-01-01", "until": "2024-01-01"},
            "The start date 2025-01-01 is after the end date 2024-01-01.",
        ),
        ({"q": "flood", "stories": "maybe"}, "stories must be 1 or 0"),
        ({"q": "flood", "match": "most"}, "match must be one of all, any"),
        ({"q": "x" * 1001}, "The query is 1001 characters long; at most 1000."),
        ({"q": "foo:bar"}, "foo"),
    ],
)
def test_bad_parameters_give_a_readable_400(
    client: TestClient, params: dict[str, str], message: str
) -> None:
    page = client.get("/", params=params)
    assert page.status_code == 400
    assert "That search cannot be run" in page.text
    assert message in page.text
    api = client.get("/api/search", params=params)
    assert api.status_code == 400
    assert html.unescape(message) in api.json()["error"]
    assert api.json()["status"] == 400


def test_empty_form_fields_redirect_to_the_short_url(client: TestClient) -> None:
    response = client.get(
        "/?q=flood&newsletter=&author=&since=&until=&page=2", follow_redirects=False
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/?q=flood&page=2"
    assert client.get("/?q=&author=", follow_redirects=False).headers["location"] == "/"


def test_api_without_query_is_a_400(client: TestClient) -> None:
    response = client.get("/api/search")
    assert response.status_code == 400
    assert response.json() == {"error": "Give a query: /api/search?q=words", "status": 400}


@pytest.mark.parametrize(
    ("params", "args"),
    [
        (
            {"q": "flood", "limit": "3", "page": "2", "sort": "newest"},
            ["flood", "--limit", "3", "--page", "2", "--sort", "newest"],
        ),
        (
            {"q": "strike", "stories": "1", "newsletter": "Circuit", "facets": "1"},
            ["strike", "--stories", "--newsletter", "Circuit", "--facets"],
        ),
        (
            {"q": "rate", "author": "Callum Rees", "since": "2024-11-01", "until": "2024-12-31"},
            ["rate", "--author", "Callum Rees", "--since", "2024-11-01", "--until", "2024-12-31"],
        ),
        ({"q": "flood storm"}, ["flood", "storm"]),
        ({"q": "flood storm", "match": "any"}, ["flood", "storm", "--match", "any"]),
    ],
)
def test_api_search_is_the_cli_json(
    client: TestClient, web_index: Path, params: dict[str, str], args: list[str]
) -> None:
    response = client.get("/api/search", params=params)
    assert response.status_code == 200
    cli = CliRunner().invoke(main, ["search", *args, "--json", "--index-dir", str(web_index)])
    assert cli.exit_code == 0, cli.stderr
    assert response.json() == json.loads(cli.stdout)
    assert response.json()["total"] > 0


def test_facet_links_narrow_the_search(client: TestClient, web_index: Path) -> None:
    page = client.get("/", params={"q": "strike"})
    link = '<a href="/?q=strike&amp;newsletter=Harbour+Dispatch">'
    assert link in page.text
    narrowed = client.get(html.unescape(link[9:-2]))
    with Searcher(web_index) as searcher:
        expected = searcher.search("strike", newsletter="Harbour Dispatch")
    assert expected.total == 7
    assert hit_links(narrowed.text) == [f"/issue/{hit.id}?q=strike" for hit in expected.hits]
    # The active value is marked and its link takes the filter off again.
    assert '<li class="active"><a href="/?q=strike" title="Remove this filter">' in narrowed.text
    assert "newsletter: Harbour Dispatch ×" in narrowed.text


def test_month_facet_filters_to_that_month(client: TestClient) -> None:
    page = client.get("/", params={"q": "strike"})
    assert '<a href="/?q=strike&amp;since=2024-11-01&amp;until=2024-11-30">' in page.text
    assert '<span class="label">November 2024</span>' in page.text
    narrowed = client.get("/?q=strike&since=2024-11-01&until=2024-11-30")
    assert all("/2024-11-" in link for link in hit_links(narrowed.text))
    assert hit_links(narrowed.text)


def test_paging(client: TestClient, web_index: Path) -> None:
    second = client.get("/", params={"q": "flood", "page": "2"})
    with Searcher(web_index) as searcher:
        expected = searcher.search("flood", page=2)
    assert expected.total == 17
    assert hit_links(second.text) == [f"/issue/{hit.id}?q=flood" for hit in expected.hits]
    assert '<ol class="hits" start="11">' in second.text
    assert '<a rel="prev" href="/?q=flood">' in second.text
    assert '<strong aria-current="page">2</strong>' in second.text
    beyond = client.get("/", params={"q": "flood", "page": "9"})
    assert beyond.status_code == 200
    assert "No hits on page 9; there are 17 in all." in beyond.text


def test_sort_and_story_switches(client: TestClient) -> None:
    page = client.get("/", params={"q": "sensor", "sort": "newest"})
    assert '<strong aria-current="true">Newest</strong>' in page.text
    assert '<a href="/?q=sensor">Relevance</a>' in page.text
    assert '<a href="/?q=sensor&amp;sort=newest&amp;stories=1">Stories</a>' in page.text
    stories = client.get("/", params={"q": "sensor", "stories": "1"})
    # A story hit opens its issue at that story.
    assert hit_links(stories.text)[0] == (
        "/issue/the-circuit/2024-10-15-port-strike-strands-chip-tools.txt?q=sensor#story-9"
    )


def test_did_you_mean_is_a_link(client: TestClient) -> None:
    page = client.get("/", params={"q": "flod", "sort": "newest"})
    assert 'Did you mean <a href="/?q=flood&amp;sort=newest">flood</a>?' in page.text
    assert "No issues match <q>flod</q>." in page.text


def test_issue_page_shows_fields_briefs_and_similar(client: TestClient, web_index: Path) -> None:
    issue_id = "the-circuit/2024-10-15-port-strike-strands-chip-tools.txt"
    page = client.get(f"/issue/{issue_id}", params={"q": "sensor"})
    assert page.status_code == 200
    assert '<li id="story-9" class="story brief">' in page.text
    assert "<h3>Flood <mark>sensor</mark> contract renewed</h3>" in page.text
    assert f'<a href="/raw/{issue_id}">Raw text of the file</a>' in page.text
    with Searcher(web_index) as searcher:
        similar = searcher.similar(issue_id, limit=5)
    links = re.findall(r'<li><a href="/issue/([^"]+)">', page.text)
    assert links == [hit.id for hit in similar.hits]


def test_issue_page_counts_its_marks_and_links_the_first(client: TestClient) -> None:
    issue_id = "the-circuit/2024-10-15-port-strike-strands-chip-tools.txt"
    page = client.get(f"/issue/{issue_id}", params={"q": "sensor"})
    marks = page.text.count("<mark>")
    assert marks == 4
    assert f'<a class="jump" href="#story-0">{marks} matches: first ›</a>' in page.text
    # Only a brief mentions the word: the link goes there.
    brief_only = client.get(f"/issue/{issue_id}", params={"q": "debate"})
    assert '<a class="jump" href="#story-9">1 match: first ›</a>' in brief_only.text
    none = client.get(f"/issue/{issue_id}", params={"q": "zebra"})
    assert '<span class="jump">no match in the text</span>' in none.text


def test_story_id_opens_its_issue_at_the_story(client: TestClient) -> None:
    issue_id = "the-circuit/2024-10-15-port-strike-strands-chip-tools.txt"
    response = client.get(f"/issue/{issue_id}::9", params={"q": "sensor"}, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == f"/issue/{issue_id}?q=sensor#story-9"
    assert client.get(f"/issue/{issue_id}::99").status_code == 404


def test_raw_text_by_id_only(client: TestClient, web_index: Path) -> None:
    response = client.get(f"/raw/{HOSTILE_ID}")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/plain; charset=utf-8"
    assert "sandbox" in response.headers["content-security-policy"]
    source = HOSTILE / Path(HOSTILE_ID).name
    assert response.text == source.read_text(encoding="utf-8")
    with Searcher(web_index) as searcher:
        indexed_path = searcher.document(HOSTILE_ID)["path"]
    # An indexed file's path is not an id; neither is anything outside the index.
    for url in (
        f"/raw/{indexed_path}",
        f"/raw/{indexed_path.lstrip('/')}",
        "/raw/../../etc/passwd",
        "/raw/%2E%2E/%2E%2E/etc/passwd",
        "/issue/%2Fetc%2Fpasswd",
    ):
        refused = client.get(url)
        assert refused.status_code == 404, url
        assert "root:" not in refused.text


def test_unknown_pages_and_missing_index(client: TestClient, tmp_path: Path) -> None:
    missing = client.get("/no/such/page")
    assert missing.status_code == 404
    assert "Not found" in missing.text
    with TestClient(create_app(tmp_path / "nothing")) as other:
        page = other.get("/", params={"q": "flood"})
        assert page.status_code == 503
        assert "The index cannot be used" in page.text
        assert str(tmp_path / "nothing") in page.text
        assert '<p class="hint">No index has been built here yet:' in page.text
        assert other.get("/api/search", params={"q": "x"}).json()["status"] == 503


def test_issue_whose_file_is_gone_shows_the_indexed_text(tmp_path: Path) -> None:
    folder = tmp_path / "archive" / "hostile-herald"
    shutil.copytree(HOSTILE, folder)
    build_index(tmp_path / "archive", tmp_path / "index")
    next(folder.iterdir()).unlink()
    with TestClient(create_app(tmp_path / "index")) as client:
        page = client.get(f"/issue/{HOSTILE_ID}")
        assert page.status_code == 200
        assert "The source file is gone or has changed" in page.text
        assert "Harbour &lt;script&gt;" in page.text
        assert "<h3>Tags &lt;em&gt;everywhere&lt;/em&gt;</h3>" in page.text
        assert client.get(f"/raw/{HOSTILE_ID}").status_code == 404


def test_ids_with_a_hash_round_trip(tmp_path: Path) -> None:
    # Issues of an mbox have ids such as `tidewater/2024-q1.mbox#1`; links must quote the `#`.
    email = Path(__file__).resolve().parents[1] / "fixtures" / "email"
    build_index(email, tmp_path / "index")
    with TestClient(create_app(tmp_path / "index")) as client:
        page = client.get("/", params={"q": "tides"})
        links = hit_links(page.text)
        assert "/issue/tidewater/2024-q1.mbox%231?q=tides" in links
        issue = client.get("/issue/tidewater/2024-q1.mbox%231", params={"q": "tides"})
        assert issue.status_code == 200
        assert "<h1>Spring <mark>tides</mark></h1>" in issue.text
        assert '<a href="/raw/tidewater/2024-q1.mbox%231">' in issue.text
        raw = client.get("/raw/tidewater/2024-q1.mbox%231")
        # The raw view is the file's bytes as UTF-8, anything else replaced (this mbox has a
        # Latin-1 part).
        source = (email / "tidewater" / "2024-q1.mbox").read_bytes()
        assert raw.text == source.decode("utf-8", errors="replace")
        assert "\ufffd" in raw.text
        assert client.get("/issue/tidewater/2024-q1.mbox%239").status_code == 404


def test_unexpected_errors_give_a_plain_500_page(
    web_index: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("secret internals /home/x")

    monkeypatch.setattr(Searcher, "search", broken)
    with TestClient(create_app(web_index), raise_server_exceptions=False) as client:
        page = client.get("/", params={"q": "flood"})
        assert page.status_code == 500
        assert "Something went wrong on the server (RuntimeError)." in page.text
        assert "secret internals" not in page.text
        api = client.get("/api/search", params={"q": "flood"})
        assert api.json() == {
            "error": "Something went wrong on the server (RuntimeError).",
            "status": 500,
        }


def test_a_file_date_is_marked_on_the_results_page(tmp_path: Path) -> None:
    folder = tmp_path / "archive"
    folder.mkdir()
    note = folder / "note.txt"
    note.write_text("A note with no date\nThe ferry runs again.\n", encoding="utf-8")
    stamp = dt.datetime(2023, 5, 6, 12, 0).timestamp()
    os.utime(note, (stamp, stamp))
    build_index(folder, tmp_path / "index", jobs=1, date_from_mtime=True)
    with TestClient(create_app(tmp_path / "index")) as client:
        page = client.get("/", params={"q": "ferry"}).text
    assert re.search(r"May 2023</time> <span class=\"meta\"[^>]*>\(file date\)</span>", page)
