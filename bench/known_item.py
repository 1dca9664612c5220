"""Known-item benchmark: find the issue a reader remembers from a few words of a linked title."""

# Run from the repository root:
#
#     python -m bench.known_item                      # This Week in Rust and Haskell Weekly
#     python -m bench.known_item --archive twir --count 50 --workdir /tmp/ki
#
# The generator reads the raw files, not our parser: for `--count` issues (a fixed `--seed`),
# one linked item (a Markdown `* [title](url)` line; an HTML `<li>`'s first `<a href>`) whose
# title, lower-cased, occurs in no other issue's text, and whose title has at least two content
# words (not stop words, not numbers). The query is up to four of those words, in title order, as
# a reader remembers them; the target is the issue file. Systems, in the same run:
#
#     the product          its default ranking (search/carry.py), as `Searcher.search` gives it
#     issue only           the issue ranking before search/carry.py (the issue's own fields)
#     best story only      the product's `--stories` ranking, each issue at its first story's rank
#     bm25 raw             bm25s (k1 1.2, b 0.75, Snowball stems, English stop words), raw files
#     the others           issues carried by their best story, the variants of bench/carried.py
#
# Metrics over the top 100 issues: MRR (0 when the target is not there), success@1, success@10.

from __future__ import annotations

import argparse
import contextlib
import html
import random
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.metrics import LIMIT, fmt, markdown_table, reciprocal_rank

DEFAULT_CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "newsletters"
# name -> (folder under the corpus, format)
ARCHIVES: dict[str, tuple[str, str]] = {
    "twir": ("this-week-in-rust", "markdown"),
    "haskell": ("haskell-weekly-html/issues", "html"),
}
COUNT = 150
SEED = 20261130
MAX_WORDS = 4
# Stories enough to find the first ten issues of the --stories ranking (checks only).
STORY_HITS = 100

_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_BULLET_LINK = re.compile(r"^\s*[*+-]\s.*?\[([^\[\]]+)\]\((?:https?://[^)\s]+)\)", re.MULTILINE)
_WORD = re.compile(r"\w+(?:['’]\w+)*")


@dataclass(frozen=True)
class KnownItem:
    """One generated query: the issue file it must find, the title it came from, the query."""

    issue: str
    title: str
    query: str


def read_issues(folder: Path) -> dict[str, str]:
    """Issue id (the path relative to `folder`, as the index names it) -> the file's text."""
    return {
        path.relative_to(folder).as_posix(): path.read_text(encoding="utf-8", errors="replace")
        for path in sorted(folder.rglob("*"))
        if path.is_file() and not path.name.startswith(".")
    }


def markdown_items(text: str) -> list[str]:
    """Titles of the first link on each Markdown list line, editor comments left out."""
    return [" ".join(title.split()) for title in _BULLET_LINK.findall(_COMMENT.sub("", text))]


def html_items(text: str) -> list[str]:
    """Titles of the first web link in each HTML list item."""
    from bs4 import BeautifulSoup

    titles = []
    for item in BeautifulSoup(text, "html.parser").find_all("li"):
        link = item.find("a", href=re.compile(r"^https?://"))
        if link is not None:
            titles.append(" ".join(link.get_text(" ").split()))
    return titles


def plain_text(text: str, form: str) -> str:
    """The words of a raw file lower-cased, whitespace squashed (to test a title's uniqueness)."""
    if form == "html":
        from bs4 import BeautifulSoup

        text = BeautifulSoup(text, "html.parser").get_text(" ")
    return " ".join(html.unescape(text).lower().split())


def content_words(title: str) -> list[str]:
    """A title's words a reader would remember: lower-cased, no stop words or numbers, once each."""
    from index.stopwords import STOP_WORDS

    words = [w.lower() for w in _WORD.findall(title)]
    kept = (w for w in words if w not in STOP_WORDS and not w.isdigit() and len(w) > 1)
    return list(dict.fromkeys(kept))


def generate(issues: dict[str, str], form: str, count: int, seed: int) -> list[KnownItem]:
    """Up to `count` known items, one per issue, reproducibly from `seed` (see the module top)."""
    rng = random.Random(seed)
    texts = {issue: plain_text(text, form) for issue, text in issues.items()}
    order = sorted(issues)
    rng.shuffle(order)
    items: list[KnownItem] = []
    for issue in order:
        titles = markdown_items(issues[issue]) if form == "markdown" else html_items(issues[issue])
        rng.shuffle(titles)
        for title in titles:
            words = content_words(title)
            wanted = " ".join(title.lower().split())
            if len(words) < 2 or any(wanted in texts[o] for o in texts if o != issue):
                continue
            picked = sorted(rng.sample(range(len(words)), min(MAX_WORDS, len(words))))
            items.append(KnownItem(issue, title, " ".join(words[i] for i in picked)))
            break
        if len(items) == count:
            break
    return items


@dataclass(frozen=True)
class Outcome:
    """One system's figures over the known items of one archive."""

    mrr: float
    success1: float
    success10: float
    query_ms: float


def outcome(rankings: Sequence[Sequence[str]], items: Sequence[KnownItem], ms: float) -> Outcome:
    """MRR over the top LIMIT issues, and the share of targets first and in the top 10."""
    ranks = [
        reciprocal_rank(list(r)[:LIMIT], item.issue)
        for r, item in zip(rankings, items, strict=True)
    ]
    return Outcome(
        statistics.fmean(ranks),
        statistics.fmean(1.0 if r == 1.0 else 0.0 for r in ranks),
        statistics.fmean(1.0 if r >= 0.1 else 0.0 for r in ranks),
        ms,
    )


def _first_issues(issue_ids: Sequence[str]) -> list[str]:
    return list(dict.fromkeys(issue_ids))


def run_archive(
    issues: dict[str, str], items: Sequence[KnownItem], index_dir: Path, verify: int
) -> tuple[dict[str, Outcome], list[str]]:
    """Every system's figures on the known items of one indexed archive, and notes.

    The product's rankings come from the engine-level scores of bench/carried.py (ISSUES ranks
    as `Searcher.search`, STORIES as `--stories` counted per issue); for the
    first `verify` queries both are checked against `Searcher.search` itself (top 10).
    """
    from bench.carried import VARIANTS, issue_parts, rank
    from bench.systems import BM25Index
    from search import Searcher

    names = list(issues)
    bm25 = BM25Index(list(issues.values()))
    runs: dict[str, list[list[str]]] = {"bm25 raw": []}
    runs.update({name: [] for name in VARIANTS})
    times: dict[str, float] = dict.fromkeys(runs, 0.0)
    notes: list[str] = []
    with Searcher(index_dir) as searcher:
        for n, item in enumerate(items):
            started = time.perf_counter()
            runs["bm25 raw"].append([names[i] for i in bm25.rank(item.query, LIMIT)])
            times["bm25 raw"] += time.perf_counter() - started
            started = time.perf_counter()
            parts = issue_parts(searcher.engine, item.query)
            spent = time.perf_counter() - started
            for name, key in VARIANTS.items():
                runs[name].append(rank(parts, key)[:LIMIT])
                times[name] += spent
            if n < verify:
                notes += _verify(searcher, item.query, runs)
    results = {
        name: outcome(ranked, items, 1000 * times[name] / max(1, len(items)))
        for name, ranked in runs.items()
    }
    return results, notes


def _verify(searcher: Any, query: str, runs: dict[str, list[list[str]]]) -> list[str]:
    """Differences between the engine-level product rankings and `Searcher.search`'s top 10."""
    from bench.carried import ISSUES, STORIES

    options: dict[str, Any] = {"timeout": None, "match": "any"}  # as bench.carried ranks
    issues = [hit.id for hit in searcher.search(query, limit=10, **options).hits]
    found = searcher.search(query, limit=STORY_HITS, stories=True, **options)
    stories = _first_issues([hit.issue_id for hit in found.hits])[:10]
    notes = []
    if runs[ISSUES][-1][:10] != issues:
        notes.append(f"issue ranking differs from Searcher.search for {query!r}")
    if runs[STORIES][-1][:10] != stories:
        notes.append(f"story ranking differs from Searcher.search(stories=True) for {query!r}")
    return notes


def report(results: dict[str, dict[str, Outcome]]) -> str:
    """One row per archive and system, MRR also as a ratio to BM25 over the raw files."""
    header = ["archive", "system", "MRR", "MRR / BM25", "success@1", "success@10", "query ms"]
    rows = []
    for archive, systems in results.items():
        base = systems["bm25 raw"].mrr
        for system, o in systems.items():
            ratio = f"{o.mrr / base:.2f}x" if base else "-"
            rows.append(
                [
                    archive,
                    system,
                    fmt(o.mrr),
                    ratio,
                    fmt(o.success1),
                    fmt(o.success10),
                    f"{o.query_ms:.0f}",
                ]
            )
    return markdown_table(header, rows)


def _arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument(
        "--corpus", type=Path, default=DEFAULT_CORPUS, help="the newsletters folder"
    )
    parser.add_argument("--archive", choices=ARCHIVES, action="append", help="only this one")
    parser.add_argument(
        "--count", type=int, default=COUNT, help=f"issues to query (default {COUNT})"
    )
    parser.add_argument("--seed", type=int, default=SEED, help="the generator's seed")
    parser.add_argument("--workdir", type=Path, help="keep the indexes here and reuse them")
    parser.add_argument("--show", type=int, default=0, help="print the first N generated queries")
    parser.add_argument(
        "--verify", type=int, default=10, help="check the first N against Searcher.search"
    )
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark; 2 when an archive is missing."""
    args = _arguments(argv)
    root = str(Path(__file__).resolve().parents[1])
    if root not in sys.path:
        sys.path.insert(0, root)
    from index import build_index

    names: list[str] = args.archive or list(ARCHIVES)
    missing = [n for n in names if not (args.corpus / ARCHIVES[n][0]).is_dir()]
    if missing:
        print(
            f"No {', '.join(missing)} archive under {args.corpus} (give --corpus DIR).",
            file=sys.stderr,
        )
        return 2
    started = time.perf_counter()
    results: dict[str, dict[str, Outcome]] = {}
    with contextlib.ExitStack() as stack:
        work = args.workdir or Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="ki-")))
        for name in names:
            folder, form = ARCHIVES[name]
            issues = read_issues(args.corpus / folder)
            items = generate(issues, form, args.count, args.seed)
            build_index(args.corpus / folder, work / f"{name}-index")
            label = f"{name} ({len(items)} q)"
            for item in items[: args.show]:
                print(f"{name}: {item.query!r} -> {item.issue} ({item.title!r})")
            results[label], notes = run_archive(issues, items, work / f"{name}-index", args.verify)
            for note in notes[:5]:
                print(f"Note: {name}: {note}")
    print(report(results))
    print(f"\n{time.perf_counter() - started:.1f} s in all.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
