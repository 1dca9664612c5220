"""Speed side by side: our index and Searcher against SQLite FTS5, tantivy and bare whoosh.

    python -m bench.compare                      # 10,000 issues from BBC text (about 25 min)
    python -m bench.compare --issues 1000        # a quicker run
    python -m bench.compare --folder ../shared/corpus/newsletters/this-week-in-rust
    python -m bench.compare --opensearch-node    # also the OpenSearch engine, on a node it starts

Builds the corpus (see bench/compare_corpus.py) or copies `--folder`, then measures, through the
project's own code paths (index.build_index, search.Searcher, the CLI as a process): full builds
with each `--jobs` (issues/s, peak RSS, index MB per source MB), a re-sync after one file
changed, a warm Searcher over the query mix (p50/p95/max for top 10, with and without snippets,
each query's time the median of `--repeat` runs), and whole CLI searches (median of `--cli-runs`)
beside a bare whoosh script on the same store. The same corpus and queries go through the
baselines in the same run. Every baseline figure is printed with its ratio to ours: how many
times better the baseline does (above 1: ours is slower or bigger). Figures go to stdout and into
a section of bench/RESULTS.md (`--results`; `--no-results` to leave it alone). Machines here are
shared: compare ratios from one run, not seconds across runs.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from bench.compare_corpus import BenchQuery, make_queries, raw_docs, write_corpus
from bench.compare_engines import ENGINES, REPO, baselines
from bench.compare_ours import (
    BARE_ON_OURS,
    OPENSEARCH_INDEX,
    OPENSEARCH_INDEX_VAR,
    OPENSEARCH_URL_VAR,
    Ours,
    OursOnOpenSearch,
    ours_text,
)
from bench.compare_report import Figures, render, update_results

RESULTS = REPO / "bench" / "RESULTS.md"


def _child_build(engine: str, folder: str, where: str, jobs: str) -> None:
    """In a child process: build one index, print seconds, issues and peak memory as JSON."""
    start = time.perf_counter()
    issues = ENGINES[engine]().build(Path(folder), Path(where), int(jobs))
    seconds = time.perf_counter() - start
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "issues": issues, "rss": own, "workers_rss": workers}))


def _build(engine: str, folder: Path, where: Path, jobs: int) -> dict[str, float]:
    shutil.rmtree(where, ignore_errors=True)
    command = [
        sys.executable,
        "-m",
        "bench.compare",
        "--child",
        engine,
        str(folder),
        str(where),
        str(jobs),
    ]
    done = subprocess.run(command, cwd=REPO, check=True, capture_output=True, text=True)
    figures: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    figures["mb"] = _megabytes(where)
    print(f"  built {engine} (jobs {jobs}): {figures['seconds']:.1f} s", file=sys.stderr)
    return figures


def _key(engine: Any) -> str:
    """The name `--engines` and the build child know an engine by."""
    return next(k for k, v in ENGINES.items() if isinstance(engine, v))


def _node_peak_mb(pid: int | None) -> float:
    """The peak resident memory of the OpenSearch node's JVM, when this run started it."""
    if pid is None:
        return 0.0
    try:
        status = Path(f"/proc/{pid}/status").read_text(encoding="utf-8")
    except OSError:
        return 0.0
    line = next((line for line in status.splitlines() if line.startswith("VmHWM:")), "")
    return float(line.split()[1]) / 1024 if line else 0.0


def _megabytes(folder: Path) -> float:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 1e6


def _percentiles(times: list[float]) -> dict[str, float]:
    ordered = sorted(times)
    return {
        "p50": statistics.median(ordered),
        "p95": ordered[max(0, round(0.95 * len(ordered)) - 1)],
        "max": ordered[-1],
    }


def _warm(engine: Any, where: Path, queries: list[BenchQuery], repeat: int) -> dict[str, Any]:
    """Per-query median latencies (ms) of a warm engine, with and without snippets, by kind."""
    run, close = engine.open(where)
    out: dict[str, Any] = {}
    try:
        for query in queries[:5]:
            run(query, True)  # warm up: caches, lazily loaded tables
        for snippets in (True, False):
            per_query: list[float] = []
            by_kind: dict[str, list[float]] = {}
            hits = failed = 0
            for query in queries:
                times = []
                for _ in range(repeat):
                    start = time.perf_counter()
                    try:
                        total = run(query, snippets)
                    except Exception as error:  # counted and shown: a benchmark finds bugs too
                        failed += 1
                        total = 0
                        print(f"  {engine.name} failed on {query}: {error!r}", file=sys.stderr)
                    times.append((time.perf_counter() - start) * 1000)
                per_query.append(statistics.median(times))
                by_kind.setdefault(query.kind, []).append(per_query[-1])
                hits += total > 0
            key = "snippets" if snippets else "bare"
            out[key] = _percentiles(per_query)
            out[key + "_kinds"] = {kind: _percentiles(t) for kind, t in by_kind.items()}
            out["with_hits"] = hits
            out["failed"] = failed
    finally:
        close()
    return out


def _wall(command: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, cwd=REPO, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def _touch(path: Path) -> None:
    with open(path, "a", encoding="utf-8") as handle:
        handle.write("\nOne more line, added by bench/compare.py.\n")


def _sync(engine: Any, folder: Path, where: Path, relpath: str, runs: int) -> float:
    times = []
    for _ in range(runs):
        _touch(folder / relpath)
        start = time.perf_counter()
        engine.sync_one(folder, where, relpath)
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def _cli_sync(where: Path, folder: Path, relpath: str, runs: int) -> float:
    times = []
    command = [sys.executable, "-m", "cli", "index", "--index-dir", str(where), "--quiet"]
    for _ in range(runs):
        _touch(folder / relpath)
        times.append(_wall(command, 1))
    return statistics.median(times)


def _imports(where: Path, query: BenchQuery) -> dict[str, Any]:
    """What a CLI search imports: module count, whether nltk is among them, the costliest."""
    command = [sys.executable, "-X", "importtime", *Ours().cold(where, query)[1:]]
    done = subprocess.run(command, cwd=REPO, check=True, capture_output=True, text=True)
    rows = []
    for line in done.stderr.splitlines():
        if line.startswith("import time:") and "|" in line and "cumulative" not in line:
            _, cumulative, name = line[len("import time:") :].split("|")
            rows.append((int(cumulative), name.rstrip()))
    top = sorted((r for r in rows if not r[1].startswith("  ")), reverse=True)[:6]
    return {
        "modules": len(rows),
        "nltk": any(name.strip().startswith("nltk") for _, name in rows),
        "top": [(name.strip(), us / 1000) for us, name in top],
    }


def _prepare(args: argparse.Namespace, work: Path) -> tuple[Path, str, str]:
    corpus = work / "corpus"
    if args.folder:
        label = f"{args.folder.resolve().name} (real archive)"
        if not (args.reuse and corpus.is_dir()):
            shutil.rmtree(corpus, ignore_errors=True)
            shutil.copytree(args.folder, corpus)
        described = f"the files of {args.folder}"
    else:
        label = f"{args.issues:,} generated issues"
        described = "(reused)"
        if not (args.reuse and corpus.is_dir()):
            shutil.rmtree(corpus, ignore_errors=True)
            described = write_corpus(corpus, args.issues, args.seed)
    # Old time stamps, as in a real archive: no file counts as just modified (see scan.is_racy).
    past = time.time() - 3600
    for path in corpus.rglob("*"):
        if path.is_file():
            os.utime(path, (past, past))
    return corpus, label, described


def measure(args: argparse.Namespace, work: Path) -> Figures:
    corpus, label, described = _prepare(args, work)
    if args.reuse:  # a section of its own: the full run's builds stay in the results file
        label += ", searched again without builds"
    docs = raw_docs(corpus)
    queries = make_queries(docs, args.queries, args.seed)
    figures = Figures(
        label=label,
        command=" ".join(["python -m bench.compare", *args.argv]),
        corpus=described,
        files=len(docs),
        source_mb=_megabytes(corpus),
        queries=len(queries),
        repeat=args.repeat,
        cli_runs=args.cli_runs,
    )
    figures.machine = (
        f"{os.cpu_count()} CPUs, load average at start {os.getloadavg()[0]:.1f}; Python "
        f"{platform.python_version()}, SQLite {sqlite3.sqlite_version}, {_versions()}"
    )
    others = baselines()
    if os.environ.get(OPENSEARCH_URL_VAR):
        others.append(OursOnOpenSearch())
    if args.engines:
        others = [e for e in others if _key(e) in args.engines]
    ours = Ours()
    where = {engine.name: work / engine.name.replace(" ", "-") for engine in others}
    where["ours"] = work / "ours"
    print(f"{label}: {len(docs)} files, {figures.source_mb:.1f} MB", file=sys.stderr)
    if not args.reuse:
        for jobs in args.jobs:
            figures.builds[f"ours, jobs {jobs}"] = _build("ours", corpus, where["ours"], jobs)
        for engine in others:
            figures.builds[engine.name] = _build(_key(engine), corpus, where[engine.name], 2)
            if isinstance(engine, OursOnOpenSearch):
                # Its index lives in the node: its size from the node, its memory the JVM's.
                figures.builds[engine.name]["mb"] = engine.size_mb()
                figures.builds[engine.name]["workers_rss"] = _node_peak_mb(args.node_pid)
    victim = docs[len(docs) // 2].path
    for engine in [ours, *others]:
        print(f"  searching with {engine.name}", file=sys.stderr)
        figures.warm[engine.name] = _warm(engine, where[engine.name], queries, args.repeat)
        figures.sync[engine.name] = _sync(engine, corpus, where[engine.name], victim, 3)
    figures.sync["ours, CLI process"] = _cli_sync(where["ours"], corpus, victim, 3)
    _cold(figures, ours, others, where, queries, args.cli_runs)
    figures.machine += f"; load average at end {os.getloadavg()[0]:.1f}"
    return figures


def _cold(
    figures: Figures,
    ours: Ours,
    others: list[Any],
    where: dict[str, Path],
    queries: list[BenchQuery],
    runs: int,
) -> None:
    from index.store import read_manifest

    store = where["ours"] / read_manifest(where["ours"]).store
    picks = [next(q for q in queries if q.kind == kind) for kind in ("free", "phrase", "word")]
    for query in picks:
        text = ours_text(query)
        row = {"ours": _wall(ours.cold(where["ours"], query), runs)}
        row["bare whoosh on our store"] = _wall(
            [sys.executable, "-c", BARE_ON_OURS, str(store), text], runs
        )
        for engine in others:
            row[engine.name] = _wall(engine.cold(where[engine.name], query), runs)
        figures.cold[text] = row
    figures.imports = _imports(where["ours"], picks[0])


def _versions() -> str:
    from importlib.metadata import PackageNotFoundError, version

    commit = subprocess.run(
        ["git", "describe", "--always", "--dirty"], cwd=REPO, capture_output=True, text=True
    ).stdout.strip()
    parts = [f"commit {commit or 'unknown'}"]
    for name in ("whoosh-reloaded", "tantivy"):
        try:
            parts.append(f"{name} {version(name)}")
        except PackageNotFoundError:
            parts.append(f"{name} absent")
    return ", ".join(parts)


@contextlib.contextmanager
def _opensearch_node() -> Iterator[tuple[str, int]]:
    """One OpenSearch node on loopback for the run (the test suite's launcher), then stopped."""
    from tests.opensearch.node import build_launcher, missing_tools, start_cluster, wait_health

    reason = missing_tools()
    if reason is not None:
        sys.exit(f"--opensearch-node: {reason}")
    with tempfile.TemporaryDirectory(prefix="bench-opensearch-") as home:
        (node,) = start_cluster(build_launcher(), Path(home), 1, heap="1g")
        try:
            wait_health(node.url, nodes=1)
            print(f"  OpenSearch node at {node.url}", file=sys.stderr)
            yield node.url, node.process.pid
        finally:
            node.stop()


def main(argv: list[str] | None = None, echo: Callable[[str], None] = print) -> Figures:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--child"]:
        _child_build(*argv[1:5])
        return Figures(label="child")
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--issues", type=int, default=10_000, help="generated issues (10,000)")
    parser.add_argument("--folder", type=Path, help="benchmark this archive folder instead")
    parser.add_argument("--queries", type=int, default=230, help="size of the query mix (230)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each warm query (3)")
    parser.add_argument("--cli-runs", type=int, default=5, help="runs of each CLI search (5)")
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2], help="build jobs (1 2)")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--work", type=Path, help="keep corpus and indexes here (default: temp)")
    parser.add_argument(
        "--reuse", action="store_true", help="reuse the corpus and indexes in --work: no builds"
    )
    parser.add_argument(
        "--opensearch", metavar="URL", help="also the OpenSearch engine, on the node at URL"
    )
    parser.add_argument(
        "--opensearch-node",
        action="store_true",
        help="also the OpenSearch engine, on a node started for the run (needs Java and Maven)",
    )
    parser.add_argument(
        "--engines",
        nargs="+",
        choices=[k for k in ENGINES if k != "ours"],
        help="only these beside ours (default: every one installed)",
    )
    parser.add_argument(
        "--opensearch-index",
        default=OPENSEARCH_INDEX,
        help=f"the OpenSearch index to build or --reuse ({OPENSEARCH_INDEX})",
    )
    parser.add_argument("--results", type=Path, default=RESULTS, help="the results file to update")
    parser.add_argument("--no-results", action="store_true", help="print only")
    args = parser.parse_args(argv)
    args.argv = argv
    if args.reuse and not args.work:
        parser.error("--reuse needs --work")
    with contextlib.ExitStack() as stack:
        args.node_pid = None
        if args.opensearch_node:
            args.opensearch, args.node_pid = stack.enter_context(_opensearch_node())
        if args.opensearch:
            os.environ[OPENSEARCH_URL_VAR] = args.opensearch
            os.environ[OPENSEARCH_INDEX_VAR] = args.opensearch_index
        if args.work:
            args.work.mkdir(parents=True, exist_ok=True)
            figures = measure(args, args.work.resolve())
        else:
            scratch = stack.enter_context(tempfile.TemporaryDirectory(prefix="bench-compare-"))
            figures = measure(args, Path(scratch))
    text = render(figures)
    echo(text)
    if not args.no_results:
        update_results(args.results, figures.label, text)
    return figures


if __name__ == "__main__":
    main()
