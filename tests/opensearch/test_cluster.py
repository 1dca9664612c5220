"""A 3-node OpenSearch cluster on loopback survives `kill -9` of its cluster manager.

The archive is the repository's fixture archive, read by our own readers; each issue is one
document in an index of 2 shards with 1 replica each, so every shard has a copy on two nodes.
The test kills the elected cluster manager with SIGKILL (no goodbye to the cluster), then asks a
surviving node: the cluster must elect a new manager, promote replicas, return every issue, and
accept a further round of writes (the shape of a sync after the loss) that searches then see.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from index import parse_file
from tests.opensearch.node import Node, request, start_cluster, wait_health

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
INDEX = "issues"
# Three JVMs on a small shared machine: a modest heap each is plenty for a few dozen documents.
CLUSTER_HEAP = "384m"

pytestmark = pytest.mark.slow


def archive_documents() -> dict[str, dict[str, Any]]:
    """Every issue of the fixture archive as a document, keyed by issue id."""
    documents: dict[str, dict[str, Any]] = {}
    for path in sorted(p for p in FIXTURES.rglob("*") if p.is_file()):
        for issue in parse_file(path, FIXTURES):
            documents[issue.id] = {
                "path": issue.path,
                "newsletter": issue.newsletter,
                "headline": issue.headline,
                "body": issue.body,
            }
    return documents


def bulk_write(
    url: str, documents: dict[str, dict[str, Any]], deleted: tuple[str, ...] = ()
) -> None:
    """Index `documents` and delete the `deleted` ids in one refreshed bulk request."""
    lines: list[dict[str, Any]] = [
        {"delete": {"_index": INDEX, "_id": doc_id}} for doc_id in deleted
    ]
    for doc_id, source in documents.items():
        lines.append({"index": {"_index": INDEX, "_id": doc_id}})
        lines.append(source)
    answer = request(f"{url}/_bulk?refresh=true", "POST", lines)
    assert not answer["errors"], answer


def all_ids(url: str) -> set[str]:
    answer = request(
        f"{url}/{INDEX}/_search",
        "POST",
        {"size": 1000, "track_total_hits": True, "_source": False, "query": {"match_all": {}}},
    )
    assert answer["_shards"]["failed"] == 0, answer["_shards"]
    ids = {hit["_id"] for hit in answer["hits"]["hits"]}
    assert answer["hits"]["total"] == {"value": len(ids), "relation": "eq"}
    return ids


@pytest.fixture
def cluster(opensearch_classpath: str, tmp_path: Path) -> Iterator[list[Node]]:
    nodes = start_cluster(opensearch_classpath, tmp_path, 3, heap=CLUSTER_HEAP)
    try:
        yield nodes
    finally:
        for node in nodes:
            node.stop()


def test_index_answers_after_kill_9_of_the_cluster_manager(cluster: list[Node]) -> None:
    documents = archive_documents()
    assert len(documents) >= 10
    first = cluster[0].url
    health = wait_health(first, statuses=("green",), nodes=3)
    assert health["number_of_nodes"] == 3

    request(
        f"{first}/{INDEX}",
        "PUT",
        {
            "settings": {
                "number_of_shards": 2,
                "number_of_replicas": 1,
                # Re-replicate at once instead of waiting a minute for the lost node to return.
                "unassigned.node_left.delayed_timeout": "0s",
            }
        },
    )
    bulk_write(first, documents)
    wait_health(first, statuses=("green",), nodes=3)
    assert all_ids(first) == set(documents)
    # Every shard has two copies on different nodes.
    shards = request(f"{first}/_cat/shards/{INDEX}?format=json")
    assert sorted((s["shard"], s["prirep"], s["state"]) for s in shards) == [
        ("0", "p", "STARTED"),
        ("0", "r", "STARTED"),
        ("1", "p", "STARTED"),
        ("1", "r", "STARTED"),
    ]
    assert all(len({s["node"] for s in shards if s["shard"] == n}) == 2 for n in ("0", "1"))

    manager_id = request(f"{first}/_cluster/state/cluster_manager_node")["cluster_manager_node"]
    manager_name = request(f"{first}/_nodes/{manager_id}/_none")["nodes"][manager_id]["name"]
    victim = next(node for node in cluster if node.name == manager_name)
    victim.kill()
    survivor = next(node for node in cluster if node is not victim).url

    # A new manager is elected and the lost copies' partners are promoted: every issue answers.
    wait_health(survivor, nodes=2)
    assert all_ids(survivor) == set(documents)

    # Writes after the loss (what a sync does: update, add, delete) land and are searched.
    changed = dict(documents)
    removed = sorted(changed)[0]
    del changed[removed]
    updated = sorted(changed)[0]
    changed[updated] = {**changed[updated], "headline": "Rewritten after the loss"}
    changed["after-the-loss"] = {
        "path": "new.txt",
        "newsletter": "x",
        "headline": "New",
        "body": "",
    }
    bulk_write(survivor, {key: changed[key] for key in (updated, "after-the-loss")}, (removed,))
    assert all_ids(survivor) == set(changed)
    hits = request(
        f"{survivor}/{INDEX}/_search",
        "POST",
        {"query": {"match_phrase": {"headline": "rewritten after the loss"}}},
    )["hits"]["hits"]
    assert [hit["_id"] for hit in hits] == [updated]
    # With two nodes left, each shard gets its replica back.
    health = wait_health(survivor, statuses=("green",), nodes=2)
    assert health["unassigned_shards"] == 0
