"""A 3-node OpenSearch cluster on loopback survives `kill -9` of its cluster manager.

The archive (a copy of the repository's fixture archive) is indexed by the product itself:
`index.sync_into` with a Location in the cluster, into an index of 2 shards with 1 replica each
(and its record of files as many copies), so every shard has a copy on two nodes. The test kills
the elected cluster manager with SIGKILL (no goodbye to the cluster), then asks a surviving node
through `search.open_searcher`: every issue must still be found, and a sync of the changed folder
(one file changed, one added, one removed) must complete, its changes then searched.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from index import Location, sync_into
from search import SearchEngine, open_searcher
from tests.opensearch.node import Node, request, start_cluster, wait_health

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
INDEX = "issues"
# Three JVMs on a small shared machine: a modest heap each is plenty for a few dozen documents.
CLUSTER_HEAP = "384m"

pytestmark = pytest.mark.slow


def every_issue(searcher: SearchEngine, ids: set[str]) -> set[str]:
    """The ids of these issues that the searcher finds, each looked up by its id."""
    return {issue_id for issue_id in ids if searcher.document(issue_id)["id"] == issue_id}


def issue_ids(url: str) -> set[str]:
    """Every issue id the index holds, asked of the node at `url` directly."""
    body = {"size": 1000, "query": {"term": {"kind": "issue"}}, "_source": ["id"]}
    answer = request(f"{url}/{INDEX}/_search", "POST", body)
    assert answer["_shards"]["failed"] == 0, answer["_shards"]
    return {hit["_source"]["id"] for hit in answer["hits"]["hits"]}


def totals(searcher: SearchEngine) -> dict[str, int]:
    """Totals of a few queries over the whole archive (issues and stories)."""
    out = {}
    for query in ("issue", "news OR notes", "kiln", "beans slugs"):
        for stories in (False, True):
            found = searcher.search(query, limit=1, stories=stories, match="any")
            out[f"{query} stories={stories}"] = found.total
    return out


@pytest.fixture
def cluster(opensearch_classpath: str, tmp_path: Path) -> Iterator[list[Node]]:
    nodes = start_cluster(opensearch_classpath, tmp_path / "nodes", 3, heap=CLUSTER_HEAP)
    try:
        yield nodes
    finally:
        for node in nodes:
            node.stop()


def test_index_answers_and_syncs_after_kill_9_of_the_cluster_manager(
    cluster: list[Node], tmp_path: Path
) -> None:
    folder = tmp_path / "archive"
    shutil.copytree(FIXTURES, folder)
    first = cluster[0].url
    health = wait_health(first, statuses=("green",), nodes=3)
    assert health["number_of_nodes"] == 3

    report = sync_into(Location(url=first, index_name=INDEX), folder, shards=2, replicas=1)
    assert report.issues >= 10
    wait_health(first, statuses=("green",), nodes=3)
    ids = issue_ids(first)
    assert len(ids) == report.issues
    with open_searcher(Location(url=first, index_name=INDEX)) as searcher:
        before = totals(searcher)
    assert all(before.values()), before
    # Every shard, and the record of files, has two copies on different nodes.
    shards = request(f"{first}/_cat/shards/{INDEX},{INDEX}-files?format=json")
    copies = sorted((s["index"], s["shard"], s["prirep"], s["state"]) for s in shards)
    assert copies == [
        (INDEX, "0", "p", "STARTED"),
        (INDEX, "0", "r", "STARTED"),
        (INDEX, "1", "p", "STARTED"),
        (INDEX, "1", "r", "STARTED"),
        (f"{INDEX}-files", "0", "p", "STARTED"),
        (f"{INDEX}-files", "0", "r", "STARTED"),
    ]
    for index, shard in {(s["index"], s["shard"]) for s in shards}:
        assert len({s["node"] for s in shards if (s["index"], s["shard"]) == (index, shard)}) == 2

    manager_id = request(f"{first}/_cluster/state/cluster_manager_node")["cluster_manager_node"]
    manager_name = request(f"{first}/_nodes/{manager_id}/_none")["nodes"][manager_id]["name"]
    victim = next(node for node in cluster if node.name == manager_name)
    victim.kill()
    survivor = Location(url=next(n for n in cluster if n is not victim).url, index_name=INDEX)

    # A new manager is elected and the lost copies' partners are promoted: every issue answers.
    assert survivor.url is not None
    wait_health(survivor.url, nodes=2)
    with open_searcher(survivor) as searcher:
        assert every_issue(searcher, ids) == ids
        assert totals(searcher) == before

    # A sync after the loss: one file changed, one added, one removed.
    changed = folder / "text" / "single.txt"
    changed.write_text("Rewritten after the loss\n\nThe barge came in late.\n", encoding="utf-8")
    (folder / "text" / "after-the-loss.txt").write_text(
        "Written after the loss\n\nA skiff, a raft and a punt.\n", encoding="utf-8"
    )
    (folder / "text" / "underlined.txt").unlink()
    again = sync_into(survivor, None)
    assert (again.added, again.updated, again.removed) == (1, 1, 1)
    with open_searcher(survivor) as searcher:
        assert searcher.search('"rewritten after the loss"').hits[0].path == str(changed)
        assert searcher.search("punt").total == 1
        assert (
            searcher.search("beans slugs", match="any").total
            == before["beans slugs stories=False"] - 1
        )
    assert len(issue_ids(survivor.url)) == len(ids)
