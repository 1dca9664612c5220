"""The engine boundary's write side: a Location, and sync_into refusing what an engine lacks."""

from __future__ import annotations

from pathlib import Path

import pytest

from index import EngineOptionError, Location, sync_into
from index.engines.location import DEFAULT_INDEX_NAME, DEFAULT_URL
from tests.index.sync_helpers import run_options, snapshot, write_archive


def test_a_location_names_its_engine() -> None:
    assert Location.of("whoosh", "/tmp/ix") == Location(index_dir="/tmp/ix")
    assert Location(index_dir="/tmp/ix").engine == "whoosh"
    remote = Location.of("opensearch", None)
    assert (remote.engine, remote.url, remote.index_name) == (
        "opensearch",
        DEFAULT_URL,
        DEFAULT_INDEX_NAME,
    )
    assert remote.describe() == f"OpenSearch index 'newsletters' at {DEFAULT_URL}"
    with pytest.raises(EngineOptionError, match="No engine 'solr': use whoosh or opensearch"):
        Location.of("solr", None)


def test_sync_into_a_local_index_is_sync_index(tmp_path: Path) -> None:
    write_archive(tmp_path / "a", range(3))
    report = sync_into(Location(index_dir=str(tmp_path / "ix")), tmp_path / "a", **run_options())
    assert (report.added, report.issues) == (3, 3)
    assert len(snapshot(tmp_path / "ix").records) == 3


@pytest.mark.parametrize(
    ("folders", "options", "message"),
    [
        (["a", "b"], {}, "An OpenSearch index follows one folder"),
        (["a"], {"keep_stale": True}, "does not offer keeping stale versions"),
        (["a"], {"date_from_mtime": True}, "does not offer dating undated issues"),
        (None, {"forget": ["a"]}, "does not offer forgetting folders"),
    ],
)
def test_opensearch_refuses_what_it_does_not_offer_before_connecting(
    folders: list[str] | None, options: dict[str, object], message: str
) -> None:
    # Port 9 (discard) on loopback: nothing is contacted, the refusal comes first.
    nowhere = Location(url="http://127.0.0.1:9", index_name="x")
    with pytest.raises(EngineOptionError, match=message) as caught:
        sync_into(nowhere, folders, **options)
    assert caught.value.exit_code == 2
