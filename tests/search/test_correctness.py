"""The search path's answers on an index of several segments: dates, totals, pages, sorts, ids.

Each test pins one defect found by trying the CLI on real archives (issue 15): date queries that
crashed, totals that disagreed with the hits pages could reach, date sorts led by weak matches,
story ids refused by `show` and `similar`, silent did-you-mean with stories, unbounded prefix
expansion, pages past the end, builds in progress reported as empty.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from whoosh import index as whoosh_index

from cli import main
from index import build_index, sync_index
from index.errors import IndexWriteError, QueryError
from index.parallel import _worker_error
from index.schema import build_schema
from index.store import read_manifest, write_lock, write_manifest
from search import Searcher, search
from search.expand import MAX_EXPANSIONS
from search.matching import order
from tests.search.conftest import write_archive

UNDATED = """\
Undated notes on the harbour strike
A strike note with no date anywhere in it.
To receive our weekly newsletter, upgrade to a paid Harbour Dispatch subscription.
The strike closed the harbour and the harbour stayed closed.
"""
# A digest whose briefs are stories of their own (for --stories and story ids).
DIGEST = """\
Weekly digest: boats and bridges
The week in short items.
To receive our weekly newsletter, upgrade to a paid Harbour Dispatch subscription.
A short lead about the week on the water.
ALSO KNOW
Bridge repairs begin - The old swing bridge closes for six weeks of repairs.
Ferry strike averted - Ferry crews accepted the new pay offer on Thursday.
Lighthouse for sale - The council will sell the lighthouse to a charity.
"""


@pytest.fixture(scope="module")
def segmented(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """An index built, then synced twice (new, changed and undated files): several segments."""
    root = tmp_path_factory.mktemp("segmented")
    folder = write_archive(root)
    index_dir = root / "index"
    build_index(folder, index_dir, jobs=1)
    (folder / "harbour-dispatch" / "notes.txt").write_text(UNDATED, encoding="utf-8")
    sync_index(folder, index_dir, jobs=1)
    (folder / "harbour-dispatch" / "2024-12-20-digest.txt").write_text(DIGEST, encoding="utf-8")
    changed = folder / "harbour-dispatch" / "2024-10-01-strike.txt"
    changed.write_text(changed.read_text(encoding="utf-8") + "\nA strike postscript.\n")
    sync_index(folder, index_dir, jobs=1)
    return folder, index_dir


def _cli(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def _all_pages(index_dir: Path, query: str, **options: object) -> tuple[int, list[str]]:
    first = search(index_dir, query, limit=2, **options)  # type: ignore[arg-type]
    ids = [hit.id for hit in first.hits]
    for page in range(2, first.pages + 1):
        more = search(index_dir, query, limit=2, page=page, **options)  # type: ignore[arg-type]
        assert more.total == first.total
        ids += [hit.id for hit in more.hits]
    return first.total, ids


def test_the_index_has_several_segments(segmented: tuple[Path, Path]) -> None:
    _, index_dir = segmented
    store = index_dir / read_manifest(index_dir).store
    assert len(list(store.glob("*.seg"))) >= 2


@pytest.mark.parametrize(
    "query",
    ["strike date:2024-10", "date:2024-10", "date:2024-10 OR harbour", "date:>2024-11-30 -heat"],
)
@pytest.mark.parametrize(
    "options",
    [[], ["--sort", "newest"], ["--stories"], ["--facets"], ["--format", "paths"]],
)
def test_date_queries_run_in_every_mode(
    segmented: tuple[Path, Path], query: str, options: list[str]
) -> None:
    _, index_dir = segmented
    code, _, err = _cli("search", "--index-dir", str(index_dir), query, *options)
    assert code == 0, err
    assert "Traceback" not in err


def test_date_query_finds_exactly_the_dated_issues(segmented: tuple[Path, Path]) -> None:
    _, index_dir = segmented
    total, ids = _all_pages(index_dir, "date:2024-10")
    assert sorted(ids) == [
        "harbour-dispatch/2024-10-01-strike.txt",
        "harbour-dispatch/2024-10-15-floods.txt",
    ]
    assert total == 2
    total, ids = _all_pages(index_dir, "strike date:2024-10")
    assert ids == [
        "harbour-dispatch/2024-10-01-strike.txt",
        "harbour-dispatch/2024-10-15-floods.txt",
    ]


@pytest.mark.parametrize(
    "query", ["strike", "harbour OR heat", "the", "-strike", "strike*", "strik~1"]
)
@pytest.mark.parametrize("stories", [False, True])
@pytest.mark.parametrize("sort", ["relevance", "newest", "oldest"])
def test_total_is_what_the_pages_reach(
    segmented: tuple[Path, Path], query: str, stories: bool, sort: str
) -> None:
    _, index_dir = segmented
    total, ids = _all_pages(index_dir, query, stories=stories, sort=sort)
    assert total == len(ids) == len(set(ids))
    everything = search(index_dir, query, limit=1000, stories=stories, sort=sort)
    assert [hit.id for hit in everything.hits] == ids
    with_facets = search(index_dir, query, limit=1, stories=stories, facets=True)
    assert with_facets.total == total
    assert sum(c.count for c in with_facets.facets["newsletter"]) == total


def test_date_sort_keeps_relevance_within_a_day_and_undated_last(
    segmented: tuple[Path, Path],
) -> None:
    _, index_dir = segmented
    newest = search(index_dir, "strike", sort="newest", limit=100).hits
    dates = [hit.date for hit in newest]
    dated = [d for d in dates if d is not None]
    assert dated == sorted(dated, reverse=True)
    assert dates[-1] is None and newest[-1].id == "harbour-dispatch/notes.txt"
    oldest = search(index_dir, "strike", sort="oldest", limit=100).hits
    assert oldest[-1].date is None
    assert [h.date for h in oldest[:-1]] == sorted(d for d in dates if d is not None)
    # Stories of one issue share its date: among them, the better match comes first.
    stories = search(index_dir, "ferry strike", sort="newest", stories=True, limit=100).hits
    same_day = [hit for hit in stories if hit.issue_id.endswith("2024-12-20-digest.txt")]
    assert same_day[0].headline == "Ferry strike averted"
    assert [h.score for h in same_day] == sorted((h.score for h in same_day), reverse=True)


def test_story_ids_work_in_show_and_similar(segmented: tuple[Path, Path]) -> None:
    _, index_dir = segmented
    code, out, err = _cli("search", "--index-dir", str(index_dir), "ferry", "--stories", "--json")
    assert code == 0, err
    first = json.loads(out)["hits"][0]
    assert first["id"] == "harbour-dispatch/2024-12-20-digest.txt::2"
    code, out, err = _cli("show", "--index-dir", str(index_dir), first["id"], "--json")
    assert code == 0, err
    shown = json.loads(out)
    assert (shown["headline"], shown["section"]) == ("Ferry strike averted", "ALSO KNOW")
    assert shown["body"] == "Ferry crews accepted the new pay offer on Thursday."
    code, out, err = _cli("similar", "--index-dir", str(index_dir), first["id"], "--json")
    assert code == 0, err
    similar = json.loads(out)
    assert similar["stories"] is True
    assert first["id"] not in [hit["id"] for hit in similar["hits"]]
    assert all(hit["kind"] == "story" for hit in similar["hits"])


def test_did_you_mean_works_with_stories(segmented: tuple[Path, Path]) -> None:
    _, index_dir = segmented
    assert search(index_dir, "lighthuose", stories=True).suggestion == "lighthouse"
    assert search(index_dir, "lighthuose").suggestion == "lighthouse"


def test_prefix_expansion_is_capped_with_a_note(
    segmented: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    _, index_dir = segmented
    unbounded = search(index_dir, "s*", limit=1000)
    monkeypatch.setattr("search.expand.MAX_EXPANSIONS", 2)
    capped = search(index_dir, "s*", limit=1000)
    assert any(
        "s* names" in note and "searched the 2 most frequent" in note for note in capped.notes
    )
    assert 0 < capped.total <= unbounded.total
    assert not any("names" in note for note in unbounded.notes)
    assert MAX_EXPANSIONS >= 16


def test_a_page_past_the_end_names_the_last_page(segmented: tuple[Path, Path]) -> None:
    _, index_dir = segmented
    results = search(index_dir, "strike", limit=2, page=999)
    assert results.hits == ()
    assert f"page 999 is past the last page ({results.pages})" in results.notes
    code, out, err = _cli(
        "search", "--index-dir", str(index_dir), "strike", "-n", "2", "--page", "999"
    )
    assert (code, out) == (0, "")
    assert f"past the last page ({results.pages})" in err and "No issues match" not in err


def test_limits_and_timeouts_are_checked(segmented: tuple[Path, Path]) -> None:
    _, index_dir = segmented
    with Searcher(index_dir) as searcher:
        with pytest.raises(QueryError, match="limit must be"):
            searcher.search("strike", limit=100_000)
        with pytest.raises(QueryError, match="timeout"):
            searcher.search("strike", timeout=0)
        assert searcher.search("strike", timeout=None).total > 0


def test_a_running_first_build_is_said_to_be_running(
    segmented: tuple[Path, Path], tmp_path: Path
) -> None:
    _, built = segmented
    index_dir = tmp_path / "index"
    shutil.copytree(built, index_dir)
    # What a first build looks like between its checkpoints: published, never completed.
    manifest = read_manifest(index_dir)
    write_manifest(index_dir, dataclasses.replace(manifest, last_sync=None))
    with write_lock(index_dir):
        results = search(index_dir, "strike")
        assert results.notes[0].startswith("the first build of this index is still running")
        code, out, _ = _cli("stats", "--index-dir", str(index_dir))
        assert code == 0 and "a sync is running now" in out
    results = search(index_dir, "strike")
    assert results.notes[0].startswith("the first build of this index was interrupted")


def test_a_worker_bug_is_an_index_write_error() -> None:
    error = _worker_error(None, "boom", "Traceback ...\nValueError: boom\n")
    assert isinstance(error, IndexWriteError)
    assert "ValueError: boom" in str(error) and "last committed index is kept" in str(error)
    assert error.detail.startswith("Traceback")
    assert error.exit_code == 1


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("a " * 1001, "more than 1000 words"),
        ("x" * 150, "A word of 150 characters"),
        ("y" * 90 + " z" * 10000, "at most 20,000 are read"),
    ],
)
def test_oversized_queries_are_refused_with_a_message(
    segmented: tuple[Path, Path], query: str, message: str
) -> None:
    _, index_dir = segmented
    with pytest.raises(QueryError, match=message):
        search(index_dir, query)
    code, out, err = _cli("search", "--index-dir", str(index_dir), query)
    assert (code, out) == (2, "")
    assert message in err and "Traceback" not in err


def test_the_timeout_option_reaches_the_search(segmented: tuple[Path, Path]) -> None:
    _, index_dir = segmented
    # A deadline already past at the first check (each segment, each term): the search answers
    # at once, and says so.
    code, _, err = _cli(
        "search", "--index-dir", str(index_dir), "strike OR harbour", "--timeout", "0.000001"
    )
    assert code == 1  # stopped before the first hit: nothing matched, as far as it looked
    assert "stopped after 1e-06 s" in err
    code, _, err = _cli("search", "--index-dir", str(index_dir), "strike", "--timeout", "0")
    assert code == 2 and "--timeout" in err


def test_date_sort_reads_dates_per_segment(tmp_path: Path) -> None:
    # A segment of undated documents has no date column; whoosh's multi-segment column reader
    # then read the next segment's dates at wrong offsets (an IndexError on BBC News).
    ix = whoosh_index.create_in(str(tmp_path), build_schema())
    with ix.writer() as writer:
        for n in range(3):
            writer.add_document(id=f"undated-{n}", kind="issue", body="budget")
    writer = ix.writer()
    for n, day in enumerate((3, 9)):
        when = dt.datetime(2024, 5, day)
        writer.add_document(id=f"dated-{n}", kind="issue", body="budget", date=when)
    writer.commit(merge=False)
    with ix.searcher() as searcher:
        assert len(searcher.reader().leaf_readers()) == 2
        scores = {docnum: 1.0 for docnum in range(5)}
        ids = [searcher.stored_fields(d)["id"] for d, _ in order(searcher, scores, "newest")]
        assert ids == ["dated-1", "dated-0", "undated-0", "undated-1", "undated-2"]
        ids = [searcher.stored_fields(d)["id"] for d, _ in order(searcher, scores, "oldest")]
        assert ids == ["dated-0", "dated-1", "undated-0", "undated-1", "undated-2"]


def test_a_date_filter_says_how_many_undated_issues_it_left_out(
    segmented: tuple[Path, Path],
) -> None:
    _, index_dir = segmented
    # notes.txt speaks of the harbour strike but has no date: --since cannot place it.
    dated = search(index_dir, "strike harbour", since=dt.date(2024, 1, 1))
    assert "harbour-dispatch/notes.txt" not in [hit.id for hit in dated.hits]
    note = "1 undated issue matching the query was left out by the date filter"
    assert note in dated.notes
    assert note not in search(index_dir, "strike harbour").notes  # no date filter, nothing out
    assert not any(
        "undated" in n for n in search(index_dir, "ferry", since=dt.date(2024, 1, 1)).notes
    )
    code, _, err = _cli(
        "search", "--index-dir", str(index_dir), "strike", "harbour", "--since", "2024-01-01"
    )
    assert code == 0 and f"Note: {note}" in err
