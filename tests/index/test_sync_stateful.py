"""Random add / change / delete / sync / search steps on a small folder, checked against the oracle.

After each sync the index must answer every query exactly as the oracle does over the folder as
it then is (set of ids, total, pages, order); a search between syncs answers for the folder as
it was at the last sync.
"""

from __future__ import annotations

import datetime as dt
import random
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from index import build_index, sync_index
from search import Searcher
from tests.search.differential import compare
from tests.search.digests import NEWSLETTERS, digest, file_name
from tests.search.oracle import Oracle, Seq, oracle_of
from tests.search.querygen import SEQ, Generator

TODAY = dt.date(2024, 6, 15)
# What a sync must keep right: which documents match, and how many. (Paging and order are the
# differential test's: tests/search/test_oracle.py.)
ASPECTS = ("set", "total")


class SyncMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.root = Path(tempfile.mkdtemp(prefix="oracle-stateful-"))
        self.folder = self.root / "archive"
        self.index_dir = self.root / "index"
        self.files: list[Path] = []
        self.serial = 0
        self.synced: Oracle | None = None

    def _write(self, seed: int, path: Path | None = None) -> Path:
        rng = random.Random(seed)
        if path is None:
            newsletter = NEWSLETTERS[seed % len(NEWSLETTERS)]
            path = self.folder / newsletter / file_name(rng, self.serial, dated=seed % 5 != 0)
            self.serial += 1
            self.files.append(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(digest(rng, path.parent.name), encoding="utf-8")
        return path

    @initialize(seeds=st.lists(st.integers(0, 10**6), min_size=1, max_size=4))
    def build(self, seeds: list[int]) -> None:
        for seed in seeds:
            self._write(seed)
        build_index(self.folder, self.index_dir, jobs=1)
        self.synced = oracle_of(self.folder)

    @rule(seed=st.integers(0, 10**6))
    def add(self, seed: int) -> None:
        self._write(seed)

    @precondition(lambda self: self.files)
    @rule(pick=st.integers(0, 10**6), seed=st.integers(0, 10**6))
    def change(self, pick: int, seed: int) -> None:
        self._write(seed, self.files[pick % len(self.files)])

    @precondition(lambda self: len(self.files) > 1)
    @rule(pick=st.integers(0, 10**6))
    def delete(self, pick: int) -> None:
        self.files.pop(pick % len(self.files)).unlink()

    @rule()
    def sync(self) -> None:
        sync_index(self.folder, self.index_dir, jobs=1)
        self.synced = oracle_of(self.folder)

    @rule(
        seed=st.integers(0, 10**6),
        stories=st.booleans(),
        sort=st.sampled_from(["relevance", "newest"]),
    )
    def search(self, seed: int, stories: bool, sort: str) -> None:
        assert self.synced is not None
        gen = Generator(seed, TODAY)
        node, text, level = gen.boolean()
        tree = node if level == SEQ else Seq((node,))
        with Searcher(self.index_dir) as searcher:
            options = {"stories": stories, "sort": sort}
            problems = compare(searcher, self.synced, text, tree, options, TODAY, aspects=ASPECTS)
        assert not problems, f"{text!r} {options}: {problems}"

    @invariant()
    def totals_match_after_sync(self) -> None:
        if self.synced is None:
            return
        with Searcher(self.index_dir) as searcher:
            for stories in (False, True):
                # A query of exclusions only matches everything: the whole index, counted.
                text = "-zeppelin"
                problems = compare(
                    searcher,
                    self.synced,
                    text,
                    _tree(text),
                    {"stories": stories},
                    TODAY,
                    aspects=ASPECTS,
                )
                assert not problems, f"{text!r} stories={stories}: {problems}"

    def teardown(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)


def _tree(text: str) -> Seq:
    from tests.search.oracle import Leaf, Not

    assert text.startswith("-")
    return Seq((Not(Leaf("word", (text[1:],))),))


SyncMachine.TestCase.settings = settings(
    max_examples=8, stateful_step_count=8, deadline=None, database=None
)
test_sync_matches_the_oracle = pytest.mark.slow(SyncMachine.TestCase)
