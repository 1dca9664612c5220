"""Differential test: the searcher against the brute-force oracle, on one and on several segments.

An archive of generated digests (dated and undated, with briefs, so with stories) is indexed by
worker processes and then synced after files are added, changed and deleted (several segments),
and indexed again from scratch by one process (one segment). Each generated query must give the
oracle's set of ids, its count as the total, the same ids again when read page by page, and the
documented order. Failures are reported per query group and per aspect, so that a known defect
is marked on exactly the checks it breaks.
"""

from __future__ import annotations

import datetime as dt
import random
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

import index.session
from index import build_index, sync_index
from index.analysis import tokenize
from search import Searcher
from tests.search.differential import ASPECTS, compare
from tests.search.digests import rewrite, write_digests
from tests.search.oracle import Oracle, oracle_of
from tests.search.querygen import Case, generate

pytestmark = pytest.mark.slow

TODAY = dt.date(2024, 6, 15)
FILES = 520  # at least index.session.PARALLEL_MIN_FILES: the first build uses workers


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Path, Path]]:
    """(folder, index of several segments, index of one segment), the folder as last synced."""
    root = tmp_path_factory.mktemp("oracle")
    folder = root / "archive"
    paths = write_digests(folder, FILES, seed=15)
    several = root / "several"
    build_index(folder, several, jobs=2)
    # An incremental sync: new issues, changed issues, deleted issues.
    write_digests(folder, 30, seed=16, start=FILES)
    rng = random.Random(17)
    for n, path in enumerate(rng.sample(paths, 25)):
        rewrite(path, seed=1000 + n)
    for path in rng.sample(paths, 5):
        if path.exists():
            path.unlink()
    report = sync_index(folder, several, jobs=2)
    assert (report.added, report.updated, report.removed) == (30, 25, 5)
    one = root / "one"
    build_index(folder, one, jobs=1, checkpoint_seconds=3600)
    yield folder, several, one
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="module")
def oracle(archive: tuple[Path, Path, Path]) -> Oracle:
    return oracle_of(archive[0])


def segments(index_dir: Path) -> int:
    with Searcher(index_dir) as searcher:
        reader = searcher.engine.reader()
        return len(getattr(reader, "readers", [reader]))


def cases(oracle: Oracle) -> list[Case]:
    # Word runs of real issues, so that phrases (and sloppy ones) find something.
    runs = []
    for issue in oracle.issues[::20]:
        for text in (issue.body, issue.headline, *(brief.text for brief in issue.briefs)):
            words = [w for w, _, _ in tokenize(text)]
            if len(words) > 4:
                runs.append(words)
    return generate(15, TODAY, runs)


Outcome = dict[tuple[str, str], list[str]]  # (group, aspect) -> failing queries


def run_all(index_dir: Path, oracle: Oracle, every: int = 1) -> Outcome:
    """Compare every `every`-th generated query (each group keeps some)."""
    outcome: Outcome = {}
    with Searcher(index_dir) as searcher:
        for case in cases(oracle)[::every]:
            problems = compare(searcher, oracle, case.text, case.tree, case.options, TODAY)
            for aspect in ASPECTS:
                failures = outcome.setdefault((case.group, aspect), [])
                if aspect in problems:
                    failures.append(f"{case}: {problems[aspect]}")
    return outcome


@pytest.fixture(scope="module")
def outcomes(archive: tuple[Path, Path, Path], oracle: Oracle) -> dict[str, Outcome]:
    _, several, one = archive
    # Every query on several segments; a third of them on one (the product's cost is in hits).
    return {"several": run_all(several, oracle), "one": run_all(one, oracle, every=3)}


def test_the_indexes_have_the_shapes_under_test(archive: tuple[Path, Path, Path]) -> None:
    _, several, one = archive
    assert segments(one) == 1
    assert segments(several) > 2


def test_at_least_300_queries_in_every_group(oracle: Oracle) -> None:
    generated = cases(oracle)
    assert len(generated) >= 300
    # The oracle must find something for most queries, or the comparison proves little.
    found = sum(1 for case in generated[:60] if oracle.search(case.tree, **_filters(case)))
    assert found > 30


def _filters(case: Case) -> dict[str, object]:
    return {k: v for k, v in case.options.items() if k != "sort"}


GROUPS = (
    "words",
    "boolean",
    "phrase",
    "field",
    "prefix",
    "fuzzy",
    "date",
    "date-only",
    "date-or",
    "options",
    "sort-newest",
    "sort-oldest",
    "stories",
    "stories-field",
    "stories-sorted",
)

# (index shape, query group, aspect) -> the reason it is expected to fail, while a known defect
# is open (strict: a fix turns the entry into a failure, to be removed). None are open.
KNOWN: dict[tuple[str, str, str], str] = {}


def _params() -> Iterator[object]:
    for shape in ("several", "one"):
        for group in GROUPS:
            for aspect in ASPECTS:
                reason = KNOWN.get((shape, group, aspect))
                marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
                yield pytest.param(
                    shape, group, aspect, marks=marks, id=f"{shape}-{group}-{aspect}"
                )


@pytest.mark.parametrize(("shape", "group", "aspect"), list(_params()))
def test_search_equals_the_oracle(
    outcomes: dict[str, Outcome], shape: str, group: str, aspect: str
) -> None:
    failures = outcomes[shape].get((group, aspect))
    assert failures is not None, f"no queries generated for {group}"
    assert not failures, f"{len(failures)} queries differ; first ones:\n" + "\n".join(failures[:5])


# --- a real archive: This Week in Rust's last 80 issues -----------------------------------------

TWIR_ISSUES = 80
TWIR_QUERIES = 60


@pytest.fixture(scope="module")
def twir(
    shared_corpus: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Path, Path]]:
    """(folder, index): 70 issues built by workers, then a sync adding 10 and changing 3."""
    source = shared_corpus / "newsletters" / "this-week-in-rust"
    names = sorted(p.name for p in source.glob("*.md") if re.match(r"\d{4}-\d\d-\d\d-", p.name))
    names = names[-TWIR_ISSUES:]
    root = tmp_path_factory.mktemp("twir")
    folder, index_dir = root / "twir", root / "index"
    folder.mkdir()
    for name in names[:-10]:
        shutil.copy(source / name, folder / name)
    with pytest.MonkeyPatch.context() as patch:
        # 70 files are below the worker threshold: lower it, so that workers write segments.
        patch.setattr(index.session, "PARALLEL_MIN_FILES", 10)
        build_index(folder, index_dir, jobs=2)
        for name in names[-10:]:
            shutil.copy(source / name, folder / name)
        for name in names[:3]:
            with (folder / name).open("a", encoding="utf-8") as changed:
                changed.write("\n\nA late note on async closures and the tokio runtime.\n")
        report = sync_index(folder, index_dir, jobs=2)
    assert (report.added, report.updated) == (10, 3)
    yield folder, index_dir
    shutil.rmtree(root, ignore_errors=True)


def test_this_week_in_rust_equals_the_oracle(twir: tuple[Path, Path]) -> None:
    folder, index_dir = twir
    truth = oracle_of(folder)
    assert sum(1 for doc in truth.docs.values() if doc.kind == "story") > 10 * TWIR_ISSUES
    # Query words from the archive itself, of middling frequency (not in every issue).
    counts: dict[str, int] = {}
    for issue in truth.issues:
        for word in {w for w, _, _ in tokenize(issue.body + " " + issue.headline)}:
            counts[word] = counts.get(word, 0) + 1
    vocabulary = sorted(w for w, n in counts.items() if 2 <= n <= 15 and w.isalpha())
    runs = [[w for w, _, _ in tokenize(issue.body)][:200] for issue in truth.issues[::8]]
    sample = random.Random(80).sample(generate(80, TODAY, runs, vocabulary), TWIR_QUERIES)
    failures = []
    with Searcher(index_dir) as searcher:
        for case in sample:
            problems = compare(searcher, truth, case.text, case.tree, case.options, TODAY)
            failures += [
                f"{case.group} {case}: {aspect}: {what}" for aspect, what in problems.items()
            ]
    assert not failures, f"{len(failures)} differences:\n" + "\n".join(failures[:10])
