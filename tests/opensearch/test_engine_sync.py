"""Syncing a folder into OpenSearch: changes, additions and removals followed; the lock; the CLI."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import main
from index.engines.opensearch_engine import LOCK_ID, connect, files_index, sync_opensearch
from index.errors import FolderMismatchError, IndexLockedError, IndexMissingError, QueryError
from search.opensearch_searcher import OpenSearchSearcher

pytestmark = pytest.mark.slow

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
STRIKE = "harbour-dispatch/2024-12-16-port-strike-ends.txt"
FLOODS = "harbour-dispatch/2024-11-27-storm-brannagh-floods-lower-town.txt"


def ids(url: str, name: str, query: str) -> set[str]:
    with OpenSearchSearcher(url, name) as searcher:
        return {hit.id for hit in searcher.search(query, limit=1000).hits}


def test_sync_follows_changed_added_and_removed_files(opensearch_url: str, tmp_path: Path) -> None:
    folder = tmp_path / "archive"
    shutil.copytree(EXAMPLES / "harbour-dispatch", folder / "harbour-dispatch")
    first = sync_opensearch(folder, opensearch_url, "sync-test")
    assert (first.added, first.updated, first.removed, first.issues) == (7, 0, 0, 7)
    assert ids(opensearch_url, "sync-test", "zanzibarite") == set()

    changed = folder / STRIKE
    changed.write_text(changed.read_text() + "\nA zanzibarite crane stood idle.\n")
    (folder / "harbour-dispatch" / "2025-03-01-new.txt").write_text(
        "Newsletter: Harbour Dispatch\nDate: 2025-03-01\n\nZanzibarite found at the quay\n\n"
        "The zanzibarite was found by divers.\n"
    )
    (folder / FLOODS).unlink()
    again = sync_opensearch(None, opensearch_url, "sync-test")  # the folder it remembers
    assert (again.added, again.updated, again.removed, again.unchanged) == (1, 1, 1, 5)
    assert again.issues == 7
    assert ids(opensearch_url, "sync-test", "zanzibarite") == {
        STRIKE,
        "harbour-dispatch/2025-03-01-new.txt",
    }
    assert FLOODS not in ids(opensearch_url, "sync-test", "storm")
    with OpenSearchSearcher(opensearch_url, "sync-test") as searcher:
        stories = searcher.search("zanzibarite", stories=True, limit=100)
    assert {hit.issue_id for hit in stories.hits} == {STRIKE, "harbour-dispatch/2025-03-01-new.txt"}

    quiet = sync_opensearch(folder, opensearch_url, "sync-test")
    assert (quiet.added, quiet.updated, quiet.removed, quiet.unchanged) == (0, 0, 0, 7)
    rebuilt = sync_opensearch(folder, opensearch_url, "sync-test", rebuild=True)
    assert (rebuilt.added, rebuilt.issues, rebuilt.rebuilt) == (7, 7, True)

    with pytest.raises(FolderMismatchError):
        sync_opensearch(EXAMPLES, opensearch_url, "sync-test")


def test_one_sync_at_a_time(opensearch_url: str, tmp_path: Path) -> None:
    shutil.copytree(EXAMPLES / "the-circuit", tmp_path / "circuit")
    sync_opensearch(tmp_path / "circuit", opensearch_url, "lock-test")
    client = connect(opensearch_url)
    held = {"type": "lock", "owner": "elsewhere", "beat": 9e18}  # a holder alive far ahead
    client.create(index=files_index("lock-test"), id=LOCK_ID, body=held, refresh=True)
    with pytest.raises(IndexLockedError):
        sync_opensearch(tmp_path / "circuit", opensearch_url, "lock-test", lock_timeout=0.5)
    # A holder that stopped beating (its machine died) is taken over.
    client.update(index=files_index("lock-test"), id=LOCK_ID, body={"doc": {"beat": 0}})
    report = sync_opensearch(tmp_path / "circuit", opensearch_url, "lock-test", lock_timeout=5)
    assert report.unchanged == 5
    assert not client.exists(index=files_index("lock-test"), id=LOCK_ID)


def test_missing_index_and_cluster_are_clear_errors(opensearch_url: str) -> None:
    with pytest.raises(IndexMissingError, match="no-such-index"):
        OpenSearchSearcher(opensearch_url, "no-such-index")
    with pytest.raises(IndexMissingError, match="give the FOLDER"):
        sync_opensearch(None, opensearch_url, "no-such-index")


def test_cli_index_and_search_with_engine_options(opensearch_url: str, tmp_path: Path) -> None:
    shutil.copytree(EXAMPLES / "green-ledger", tmp_path / "green")
    runner = CliRunner()
    engine = ["--engine", "opensearch", "--url", opensearch_url, "--index-name", "cli-test"]
    built = runner.invoke(main, ["index", str(tmp_path / "green"), *engine, "--json"])
    assert built.exit_code == 0, built.output
    assert json.loads(built.stdout)["added"] == 6
    found = runner.invoke(main, ["search", "headline:reserve", *engine, "--json", "--facets"])
    assert found.exit_code == 0, found.output
    answer = json.loads(found.stdout)
    assert answer["total"] == 2
    assert answer["facets"]["newsletter"] == [{"value": "Green Ledger", "count": 2}]
    # The same through environment variables.
    env = {
        "NEWSLETTER_SEARCH_ENGINE": "opensearch",
        "NEWSLETTER_SEARCH_URL": opensearch_url,
        "NEWSLETTER_SEARCH_INDEX_NAME": "cli-test",
    }
    by_env = runner.invoke(main, ["search", "headline:reserve", "--format", "paths"], env=env)
    assert by_env.exit_code == 0, by_env.output
    assert len(by_env.stdout.split()) == 2
    missing = runner.invoke(main, ["search", "x", *engine[:4], "--index-name", "absent"])
    assert missing.exit_code == 1
    assert "No OpenSearch index 'absent'" in missing.stderr


def test_similar_issues_on_opensearch_through_the_api_and_the_cli(
    opensearch_url: str, tmp_path: Path
) -> None:
    shutil.copytree(EXAMPLES, tmp_path / "examples")
    engine = ["--engine", "opensearch", "--url", opensearch_url, "--index-name", "similar-test"]
    runner = CliRunner()
    assert runner.invoke(main, ["index", str(tmp_path / "examples"), *engine]).exit_code == 0
    begins = "harbour-dispatch/2024-10-07-port-strike-begins.txt"
    with OpenSearchSearcher(opensearch_url, "similar-test") as searcher:
        results = searcher.similar(begins, limit=3)
        ids = [hit.id for hit in results.hits]
        assert begins not in ids and len(ids) == 3
        # The other issues of the port strike are the most like it.
        assert "harbour-dispatch/2024-12-16-port-strike-ends.txt" in ids
        assert all(hit.kind == "issue" for hit in results.hits)
        story = searcher.similar(f"{begins}::0", limit=2)
        assert story.stories and all(hit.kind == "story" for hit in story.hits)
        with pytest.raises(QueryError):
            searcher.similar(begins, limit=0)
    shown = runner.invoke(main, ["similar", begins, *engine, "--json", "-n", "3"])
    assert shown.exit_code == 0, shown.output
    assert [hit["id"] for hit in json.loads(shown.stdout)["hits"]] == ids
