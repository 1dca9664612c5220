"""The relevance sweep: a grid of ranking settings, and leave-one-collection-out folds over it."""

# Each fold chooses the setting with the best mean score on all collections but one and reports
# that setting on the one left out, so the held-out figure is one no tuning has seen. A
# collection's score is the mean of MAP and nDCG@10, each divided by BM25's on that collection
# (when the baseline ran), so that an easy collection does not outvote a hard one.

from __future__ import annotations

import statistics
from collections.abc import Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from multiprocessing import get_context
from pathlib import Path

from bench.irdata import load_collection
from bench.metrics import Scores, evaluate, fmt, markdown_table
from bench.systems import Settings, rank_only

# Sweep: the all-words tier and proximity as shipped, off, and only for short queries; around the
# last, the headline weight and BM25's b; and the shipped settings with the story headline's.
SWEEP_HEADLINE = (0.25,)
SHORT_QUERY = 3
SWEEP_B: tuple[float, ...] = ()
SWEEP_STORY_HEADLINE = (0.5,)  # the story headline's weight before it was left to the body


def sweep_grid(shipped: Settings) -> list[Settings]:
    """The settings `--sweep` tries: the shipped ones first, then a small grid around them.

    A grid point equal to the shipped settings is tried once. The machine is small: each point
    costs every judged query of every collection once.
    """
    plain = shipped.replaced(all_words_bonus=0.0, proximity_boost=0.0)
    short = shipped.replaced(short_query_words=SHORT_QUERY)
    grid = [shipped, plain, short]
    grid += [short.replaced(headline_weight=weight) for weight in SWEEP_HEADLINE]
    grid += [short.replaced(b=b) for b in SWEEP_B]
    grid += [shipped.replaced(story_headline_weight=weight) for weight in SWEEP_STORY_HEADLINE]
    return list(dict.fromkeys(grid))


@dataclass(frozen=True)
class Indexed:
    """Where one collection's index is, and its file id -> document id map (picklable)."""

    name: str
    index_dir: Path
    doc_ids: Mapping[str, str]


def _sweep_task(task: tuple[Indexed, Path, Settings]) -> Scores:
    """One sweep cell, in a worker process: a collection's scores under one setting."""
    indexed, corpus, settings = task
    collection = load_collection(indexed.name, corpus)
    rankings = rank_only(indexed.index_dir, collection, indexed.doc_ids, settings)
    return evaluate(rankings, collection.judgements)


def run_sweep(
    indexes: Sequence[Indexed], corpus: Path, grid: Sequence[Settings], jobs: int
) -> dict[Settings, dict[str, Scores]]:
    """Scores of every setting of `grid` on every indexed collection, `jobs` processes at once."""
    tasks = [(indexed, corpus, settings) for settings in grid for indexed in indexes]
    if jobs > 1:
        with ProcessPoolExecutor(max_workers=jobs, mp_context=get_context("spawn")) as pool:
            scores = list(pool.map(_sweep_task, tasks))
    else:
        scores = [_sweep_task(task) for task in tasks]
    out: dict[Settings, dict[str, Scores]] = {}
    for (indexed, _, settings), value in zip(tasks, scores, strict=True):
        out.setdefault(settings, {})[indexed.name] = value
    return out


def relative(scores: Scores, baseline: Scores | None) -> float:
    """The mean of MAP and nDCG@10, each over the baseline's when there is one."""
    if baseline is None or not baseline.map or not baseline.ndcg10:
        return (scores.map + scores.ndcg10) / 2
    return (scores.map / baseline.map + scores.ndcg10 / baseline.ndcg10) / 2


def mean_relative(
    scores: Mapping[str, Scores], baselines: Mapping[str, Scores], names: Sequence[str]
) -> float:
    """The mean of `relative` over the named collections."""
    return statistics.fmean(relative(scores[name], baselines.get(name)) for name in names)


@dataclass(frozen=True)
class Fold:
    """One fold: the collection held out, the setting chosen on the others, and its scores."""

    held_out: str
    chosen: Settings
    train_score: float
    scores: Scores
    baseline: Scores | None


def cross_validate(
    sweep: Mapping[Settings, Mapping[str, Scores]], baselines: Mapping[str, Scores]
) -> list[Fold]:
    """Leave one collection out: choose on the others (first of equals), report on it."""
    names = list(next(iter(sweep.values()))) if sweep else []
    folds: list[Fold] = []
    for held in names:
        train = [name for name in names if name != held]
        if not train:
            continue
        best = max(sweep, key=lambda s: mean_relative(sweep[s], baselines, train))
        folds.append(
            Fold(
                held,
                best,
                mean_relative(sweep[best], baselines, train),
                sweep[best][held],
                baselines.get(held),
            )
        )
    return folds


def _ratio(value: float, base: float | None) -> str:
    return f"{value / base:.3f}x" if base else "-"


def folds_table(folds: Sequence[Fold]) -> str:
    """One row per fold: held-out collection, chosen setting, its held-out scores vs BM25."""
    header = ["held out", "chosen on the other three", "train score"]
    header += ["MAP", "BM25 MAP", "MAP ratio", "nDCG@10", "BM25 nDCG@10", "nDCG ratio"]
    rows = []
    for fold in folds:
        base = fold.baseline
        rows.append(
            [
                fold.held_out,
                fold.chosen.label(),
                f"{fold.train_score:.4f}",
                fmt(fold.scores.map),
                fmt(base.map) if base else "-",
                _ratio(fold.scores.map, base.map if base else None),
                fmt(fold.scores.ndcg10),
                fmt(base.ndcg10) if base else "-",
                _ratio(fold.scores.ndcg10, base.ndcg10 if base else None),
            ]
        )
    return markdown_table(header, rows)


def sweep_table(
    sweep: Mapping[Settings, Mapping[str, Scores]],
    baselines: Mapping[str, Scores],
    shipped: Settings,
) -> str:
    """MAP and nDCG@10 of each setting on each collection and the mean score, best first."""
    names = list(next(iter(sweep.values()))) if sweep else []
    header = ["setting"]
    for name in names:
        header += [f"{name} MAP", f"{name} nDCG@10"]
    header.append("mean score")
    rows: list[list[str]] = []
    ordered = sorted(sweep.items(), key=lambda item: -mean_relative(item[1], baselines, names))
    for settings, scores in ordered:
        cells = [settings.label() + (" (shipped)" if settings == shipped else "")]
        for name in names:
            cells += [fmt(scores[name].map), fmt(scores[name].ndcg10)]
        cells.append(f"{mean_relative(scores, baselines, names):.4f}")
        rows.append(cells)
    return markdown_table(header, rows)
