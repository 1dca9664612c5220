"""Relevance benchmark: our ranking against plain BM25 on CRAN, CISI, MED and ADI."""

# Run from the repository root:
#
#     python -m bench.relevance                 # markdown table, all four collections
#     python -m bench.relevance --json          # the same numbers as JSON
#     python -m bench.relevance --sweep         # also a grid of settings, cross-validated
#     python -m bench.relevance --headline-weight 1 --short-query-words 3
#
# Collections and their quirks: bench/irdata.py. The two systems: bench/systems.py. Metrics over
# the judged queries of each collection, on the top 100 hits: MAP (binary relevance), nDCG@10
# (graded gain 5 - code for CRAN, 1 for every judgement elsewhere; linear gain, log2 discount),
# P@10 and Recall@100. The sweep and its leave-one-collection-out folds: bench/crossval.py.

from __future__ import annotations

import argparse
import contextlib
import json
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

from bench.crossval import Indexed, cross_validate, folds_table, run_sweep, sweep_grid, sweep_table
from bench.irdata import COLLECTIONS, load_collection
from bench.metrics import Scores, evaluate, fmt, markdown_table
from bench.systems import OurIndex, Run, Settings, rank_only, run_baseline

DEFAULT_CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "ir"
BASELINE = "bm25s baseline"


def report_table(results: Mapping[str, Mapping[str, tuple[Scores, Run]]]) -> str:
    """One row per collection and system: the four metrics, MAP and nDCG@10 over BM25's, timings."""
    header = ["collection", "system", "MAP", "nDCG@10", "P@10", "R@100"]
    header += ["MAP / BM25", "nDCG / BM25", "index s", "query ms"]
    rows: list[list[str]] = []
    for name, systems in results.items():
        base = systems.get(BASELINE)
        for system, (scores, run) in systems.items():
            ratios = ["-", "-"]
            if base is not None and base[0].map and base[0].ndcg10:
                ratios = [
                    f"{scores.map / base[0].map:.3f}",
                    f"{scores.ndcg10 / base[0].ndcg10:.3f}",
                ]
            rows.append(
                [
                    f"{name} ({scores.queries} q)",
                    system,
                    fmt(scores.map),
                    fmt(scores.ndcg10),
                    fmt(scores.p10),
                    fmt(scores.r100),
                    *ratios,
                    f"{run.index_seconds:.2f}",
                    f"{run.query_ms:.1f}",
                ]
            )
    return markdown_table(header, rows)


def _arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="the `ir` folder")
    parser.add_argument(
        "--collection", choices=COLLECTIONS, action="append", help="only this one (repeatable)"
    )
    parser.add_argument("--json", action="store_true", help="print JSON instead of tables")
    parser.add_argument(
        "--workdir", type=Path, help="keep documents and indexes here and reuse them next time"
    )
    parser.add_argument("--sweep", action="store_true", help="also a grid, cross-validated")
    parser.add_argument("--jobs", type=int, default=2, help="processes for --sweep (default 2)")
    parser.add_argument("--headline-weight", type=float, help="weight of the headline field")
    parser.add_argument(
        "--story-headline-weight", type=float, help="weight of the headline field on stories"
    )
    parser.add_argument("--proximity-boost", type=float, help="boost of the proximity clause")
    parser.add_argument("--proximity-slop", type=int, help="words allowed between, proximity")
    parser.add_argument("--all-words-bonus", type=float, help="score of the all-words tier")
    parser.add_argument(
        "--short-query-words",
        type=int,
        help="apply the all-words tier and proximity only to queries of at most N content words",
    )
    parser.add_argument("--k1", type=float, help="BM25 k1 of our ranking")
    parser.add_argument("--b", type=float, help="BM25 b of our ranking")
    parser.add_argument(
        "--title-in-body",
        action="store_true",
        help="start each text with its title too (as if the body field held the headline)",
    )
    parser.add_argument("--no-baseline", action="store_true", help="skip the bm25s baseline")
    parser.add_argument(
        "--baseline-unique-words",
        action="store_true",
        help="also run the baseline counting each query word once, as the query language does",
    )
    parser.add_argument(
        "--check-parse", action="store_true", help="parse every file again and compare"
    )
    return parser.parse_args(argv)


def _ensure_importable() -> None:
    """Let `python bench/relevance.py` find the project's packages, as `-m bench.relevance` does."""
    root = str(Path(__file__).resolve().parents[1])
    if root not in sys.path:
        sys.path.insert(0, root)


def _scores_json(scores: Scores, run: Run | None = None) -> dict[str, Any]:
    data: dict[str, Any] = asdict(scores)
    if run is not None:
        data["index_seconds"] = round(run.index_seconds, 3)
        data["query_ms"] = round(run.query_ms, 2)
    return data


def _settings(args: argparse.Namespace) -> Settings:
    return Settings.shipped().replaced(
        headline_weight=args.headline_weight,
        story_headline_weight=args.story_headline_weight,
        proximity_boost=args.proximity_boost,
        proximity_slop=args.proximity_slop,
        all_words_bonus=args.all_words_bonus,
        short_query_words=args.short_query_words,
        k1=args.k1,
        b=args.b,
    )


def _measure(
    ours: OurIndex, settings: Settings, label: str, args: argparse.Namespace
) -> tuple[dict[str, tuple[Scores, Run]], list[str]]:
    """Our run and the baselines on one indexed collection, with notes on what was odd."""
    collection, notes = ours.collection, []
    empty = len(collection.documents) - len(ours.doc_ids)
    if empty:
        notes.append(f"{collection.name}: {empty} empty documents have no file")
    notes += [f"{collection.name}: skipped {item}" for item in ours.skipped]
    if args.check_parse:
        problems = ours.check_parse()
        notes.append(
            f"{collection.name}: {len(ours.doc_ids) - len(problems)}/{len(ours.doc_ids)} files "
            "parse as headline = title, body = text"
        )
        notes += [f"{collection.name}: parsed differently: {p}" for p in problems[:5]]
    run = ours.run(settings)
    systems = {label: (evaluate(run.rankings, collection.judgements), run)}
    if not args.no_baseline:
        base = run_baseline(collection)
        systems[BASELINE] = (evaluate(base.rankings, collection.judgements), base)
    if args.baseline_unique_words:
        base = run_baseline(collection, unique_words=True)
        systems["bm25s, each query word once"] = (
            evaluate(base.rankings, collection.judgements),
            base,
        )
    if args.sweep:
        fast = rank_only(ours.index_dir, collection, ours.doc_ids, settings)
        differ = [qid for qid, ranked in run.rankings.items() if fast[qid] != ranked]
        if differ:
            notes.append(
                f"{collection.name}: the sweep's engine-only search ranks {len(differ)} of "
                f"{len(run.rankings)} queries unlike Searcher.search (first: {differ[0]})"
            )
    return systems, notes


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark; 2 when the collections are missing."""
    args = _arguments(argv)
    _ensure_importable()
    corpus: Path = args.corpus
    names: list[str] = args.collection or list(COLLECTIONS)
    missing = [name for name in names if not (corpus / name).is_dir()]
    if missing:
        print(
            f"No {', '.join(missing)} collection under {corpus} (give --corpus DIR).",
            file=sys.stderr,
        )
        return 2
    shipped, settings = Settings.shipped(), _settings(args)
    label = "ours (shipped)" if settings == shipped else f"ours ({settings.label()})"
    if args.title_in_body:
        label += ", title in body"
    started = time.perf_counter()
    results: dict[str, dict[str, tuple[Scores, Run]]] = {}
    notes: list[str] = []
    samples: dict[str, dict[str, str]] = {}
    sweep: dict[Settings, dict[str, Scores]] = {}
    with contextlib.ExitStack() as stack:
        tmp = args.workdir or stack.enter_context(tempfile.TemporaryDirectory(prefix="relevance-"))
        indexes: list[Indexed] = []
        for name in names:
            collection = load_collection(name, corpus)
            ours = OurIndex(collection, Path(tmp), title_in_body=args.title_in_body)
            indexes.append(Indexed(name, ours.index_dir, ours.doc_ids))
            samples[name] = ours.sample_parse()
            results[name], found = _measure(ours, settings, label, args)
            notes += found
        if args.sweep:
            sweep = run_sweep(indexes, corpus, sweep_grid(shipped), max(1, args.jobs))
    baselines = {name: s[BASELINE][0] for name, s in results.items() if BASELINE in s}
    folds = cross_validate(sweep, baselines) if sweep else []
    elapsed = time.perf_counter() - started
    if args.json:
        data: dict[str, Any] = {
            "settings": asdict(settings),
            "shipped": asdict(shipped),
            "results": {
                name: {system: _scores_json(scores, run) for system, (scores, run) in s.items()}
                for name, s in results.items()
            },
            "sample_parse": samples,
            "notes": notes,
            "seconds": round(elapsed, 1),
        }
        if sweep:
            data["sweep"] = [
                {"settings": asdict(point), **{n: _scores_json(s) for n, s in scores.items()}}
                for point, scores in sweep.items()
            ]
            data["folds"] = [
                {
                    "held_out": fold.held_out,
                    "chosen": asdict(fold.chosen),
                    "train_score": round(fold.train_score, 4),
                    "scores": _scores_json(fold.scores),
                }
                for fold in folds
            ]
        print(json.dumps(data, indent=2))
        return 0
    for name, sample in samples.items():
        print(f"Sample parse ({name}): " + ", ".join(f"{k}={v!r}" for k, v in sample.items()))
    for note in notes:
        print(f"Note: {note}")
    print(f"\nShipped settings: {shipped.label()}\n")
    print(report_table(results))
    if sweep:
        print("\nSweep (engine-only search; score = mean of MAP and nDCG@10 over BM25's):\n")
        print(sweep_table(sweep, baselines, shipped))
        print("\nLeave-one-collection-out folds (chosen on three, measured on the fourth):\n")
        print(folds_table(folds))
    print(f"\n{elapsed:.1f} s in all.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
