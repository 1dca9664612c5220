"""Session fixtures: one real OpenSearch node on loopback, started once and stopped at the end."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.opensearch.node import build_launcher, missing_tools, start_cluster, wait_health


@pytest.fixture(scope="session")
def opensearch_classpath() -> str:
    """The launcher's classpath, built with Maven if needed; skips only without java or mvn."""
    reason = missing_tools()
    if reason is not None:
        pytest.skip(reason)
    return build_launcher()


@pytest.fixture(scope="session")
def opensearch_url(
    opensearch_classpath: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """The base URL of a single running node, healthy (green or yellow)."""
    started = time.monotonic()
    base: Path = tmp_path_factory.mktemp("opensearch")
    (node,) = start_cluster(opensearch_classpath, base, 1)
    try:
        wait_health(node.url, nodes=1)
        print(f"OpenSearch node ready at {node.url} in {time.monotonic() - started:.1f}s")
        yield node.url
    finally:
        node.stop()
