"""The speed benchmark with the OpenSearch engine beside ours (a tiny run on the session node)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.compare import main
from bench.compare_ours import OPENSEARCH_INDEX_VAR, OPENSEARCH_URL_VAR

pytestmark = pytest.mark.slow


def test_a_tiny_run_measures_the_opensearch_engine_too(
    opensearch_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # main() sets the variable for its build processes; monkeypatch unsets it afterwards.
    monkeypatch.delenv(OPENSEARCH_URL_VAR, raising=False)
    monkeypatch.delenv(OPENSEARCH_INDEX_VAR, raising=False)
    args = ["--issues", "30", "--queries", "12", "--repeat", "1", "--cli-runs", "1"]
    args += ["--jobs", "1", "--work", str(tmp_path / "work"), "--no-results"]
    lines: list[str] = []
    figures = main([*args, "--opensearch", opensearch_url], echo=lines.append)
    name = "ours on OpenSearch"
    build = figures.builds[name]
    assert build["issues"] == 30 and build["mb"] > 0
    warm = figures.warm[name]
    assert warm["failed"] == 0
    # The same queries find the same issues: both engines are the product's own paths.
    assert warm["with_hits"] == figures.warm["ours"]["with_hits"]
    assert name in figures.sync
    assert all(name in row for row in figures.cold.values())
    assert name in lines[0]
