"""The test node itself: a real OpenSearch 2.19 answering on loopback with common analysis."""

from __future__ import annotations

from tests.opensearch.node import request


def test_node_reports_version_and_health(opensearch_url: str) -> None:
    info = request(opensearch_url)
    assert info["version"]["distribution"] == "opensearch"
    assert info["version"]["number"] == "2.19.6"
    health = request(f"{opensearch_url}/_cluster/health")
    assert health["status"] in {"green", "yellow"}
    assert health["number_of_nodes"] == 1


def test_common_analysis_is_loaded(opensearch_url: str) -> None:
    # asciifolding and snowball come from the analysis-common module: without it this is a 400.
    answer = request(
        f"{opensearch_url}/_analyze",
        "POST",
        {
            "tokenizer": "standard",
            "filter": ["lowercase", "asciifolding", {"type": "snowball", "language": "English"}],
            "text": "Cafés running",
        },
    )
    assert [token["token"] for token in answer["tokens"]] == ["cafe", "run"]
