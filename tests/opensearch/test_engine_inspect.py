"""show, open, stats and the web page on OpenSearch: the same answers as on the local index."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from starlette.testclient import TestClient

from cli import main
from index import Location, sync_into
from search import SearchEngine, open_searcher
from web import create_app

pytestmark = pytest.mark.slow

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
NAME = "inspect-test"


@pytest.fixture(scope="module")
def engines(
    opensearch_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[SearchEngine, SearchEngine, Location]]:
    local = Location(index_dir=str(tmp_path_factory.mktemp("local") / "index"))
    remote = Location(url=opensearch_url, index_name=NAME)
    for location in (local, remote):
        sync_into(location, EXAMPLES)
    with open_searcher(local) as whoosh, open_searcher(remote) as cluster:
        yield whoosh, cluster, remote


def test_describe_and_source_text_agree(
    engines: tuple[SearchEngine, SearchEngine, Location],
) -> None:
    whoosh, cluster, _ = engines
    story = whoosh.search("port strike", limit=1, stories=True).hits[0]
    for asked in (story.id, story.issue_id, story.path):
        assert cluster.describe(asked) == whoosh.describe(asked)
        assert cluster.source_text(asked) == whoosh.source_text(asked)


def test_stats_agree_where_both_engines_count_the_same(
    engines: tuple[SearchEngine, SearchEngine, Location],
) -> None:
    whoosh, cluster, _ = engines
    mine, theirs = whoosh.stats(), cluster.stats()
    same = ("folder", "issues", "stories", "files", "files_skipped", "first_date", "last_date")
    assert {key: theirs[key] for key in same} == {key: mine[key] for key in same}
    assert theirs["newsletters"] == mine["newsletters"]
    assert theirs["authors"] == mine["authors"]
    assert theirs["size_bytes"] > 0 and theirs["last_sync"]


def test_show_open_and_stats_through_the_cli(
    engines: tuple[SearchEngine, SearchEngine, Location], monkeypatch: pytest.MonkeyPatch
) -> None:
    whoosh, _, remote = engines
    assert remote.url is not None
    where = ["--engine", "opensearch", "--url", remote.url, "--index-name", NAME]
    issue_id = whoosh.search("reserve bank", limit=1).hits[0].id
    runner = CliRunner()
    shown = runner.invoke(main, ["show", issue_id, "--json", *where])
    assert shown.exit_code == 0, shown.output
    assert json.loads(shown.stdout) == whoosh.describe(issue_id)[0]
    raw = runner.invoke(main, ["show", "--raw", issue_id, *where])
    assert raw.stdout == whoosh.source_text(issue_id)
    stats = runner.invoke(main, ["stats", "--json", *where])
    assert json.loads(stats.stdout)["issues"] == whoosh.stats()["issues"]
    opened: list[str] = []
    monkeypatch.setattr("click.launch", lambda target: opened.append(target) or 0)
    result = runner.invoke(main, ["open", issue_id, *where])
    assert result.exit_code == 0 and opened == [whoosh.describe(issue_id)[0]["path"]]


def test_the_web_page_serves_an_opensearch_index(
    engines: tuple[SearchEngine, SearchEngine, Location],
) -> None:
    whoosh, _, remote = engines
    with TestClient(create_app(remote)) as client:
        home = client.get("/")
        assert home.status_code == 200 and "18 issues" in home.text
        results = client.get("/", params={"q": "port strike"})
        assert results.status_code == 200
        hit = whoosh.search("port strike", limit=1).hits[0]
        assert hit.headline.replace("'", "&#39;") in results.text
        page = client.get(f"/issue/{hit.id}")
        assert page.status_code == 200 and "source file is gone" not in page.text
