"""Measure index builds and re-syncs on a real corpus, and print the figures.

    python bench/sync.py ../shared/corpus/email/20news-bydate --jobs 1 2
    python bench/sync.py ../shared/corpus/news/bbc --jobs 1 2 --limit 1000 --repeat 3

The corpus is copied to a temporary folder first (a re-sync needs files it may change). For each
`--jobs` value a full build is timed; then, on the last index built, re-syncs after no change,
after one file changed, one added and one removed, and the same no-change re-sync through the CLI
in a fresh process (what a user waits for, interpreter start and imports included). Wall time and
CPU time (this process and its workers) are printed; on a busy machine only the CPU figures and
repeated runs mean much, so the load average is printed too.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from statistics import median
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from index.scan import walk
from index.writer import sync_index


def _cpu() -> tuple[float, float]:
    """CPU seconds so far: (this process, its finished worker processes)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    workers = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime, workers.ru_utime + workers.ru_stime


@dataclass
class _Run:
    wall: float
    own: float
    workers: float
    load: float
    report: Any


def _timed(action: Callable[[], Any]) -> _Run:
    load = os.getloadavg()[0]
    wall, (own, workers) = time.perf_counter(), _cpu()
    result = action()
    own_after, workers_after = _cpu()
    return _Run(time.perf_counter() - wall, own_after - own, workers_after - workers, load, result)


def _copy(corpus: Path, folder: Path, limit: int | None) -> int:
    count = 0
    for relpath, path in walk(corpus):
        if limit is not None and count >= limit:
            break
        target = folder / relpath
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, target)
        count += 1
    # Old time stamps, as in a real archive: no file counts as just modified (see scan.is_racy).
    past = time.time() - 3600
    for _, path in walk(folder):
        os.utime(path, (past, past))
    return count


def _line(label: str, runs: list[_Run]) -> None:
    report = runs[-1].report
    done = f"+{report.added} ~{report.updated} -{report.removed} ={report.unchanged}"
    cpu = f"cpu {median(r.own for r in runs):7.2f} s"
    if any(r.workers for r in runs):
        cpu += f" + workers {median(r.workers for r in runs):7.2f} s"
    print(
        f"  {label:<24} wall {median(r.wall for r in runs):8.3f} s  {cpu}  "
        f"load {runs[0].load:4.1f}  ({done}, {len(report.skipped)} skipped, {report.issues} issues)"
    )


def _resyncs(folder: Path, index_dir: Path, repeat: int, jobs: int) -> None:
    files = sorted(path for _, path in walk(folder))
    victim, gone = files[len(files) // 2], files[len(files) // 3]
    steps: list[tuple[str, Callable[[], None]]] = [
        ("no change", lambda: None),
        ("one file changed", lambda: _append(victim)),
        ("one file added", lambda: _add(victim)),
        ("one file removed", lambda: _remove(gone)),
    ]
    for label, change in steps:
        runs = []
        for _ in range(repeat if label == "no change" else 1):
            change()
            runs.append(_timed(lambda: sync_index(None, index_dir, jobs=jobs)))
        _line(label, runs)
    command = [sys.executable, "-m", "cli", "index", "--index-dir", str(index_dir), "--quiet"]
    walls = []
    for _ in range(repeat):
        wall = time.perf_counter()
        subprocess.run(command, check=True, cwd=Path(__file__).resolve().parents[1])
        walls.append(time.perf_counter() - wall)
    print(f"  {'no change, CLI process':<24} wall {median(walls):8.3f} s")


def _append(path: Path) -> None:
    with open(path, "a", encoding="utf-8") as handle:
        handle.write("\nOne more line, added by bench/sync.py.\n")


def _add(model: Path) -> None:
    shutil.copy(model, model.with_name(model.name + "-copy.txt"))


def _remove(path: Path) -> None:
    path.unlink()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--limit", type=int, help="only the first N files of the corpus")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each no-change re-sync")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-sync-") as scratch:
        folder = Path(scratch) / "corpus"
        count = _copy(args.corpus.resolve(), folder, args.limit)
        print(f"{args.corpus} -> {count} files; {os.cpu_count()} CPUs; load {os.getloadavg()}")
        index_dir = Path(scratch) / "index"
        for jobs in args.jobs:
            shutil.rmtree(index_dir, ignore_errors=True)
            run = _timed(lambda jobs=jobs: sync_index(folder, index_dir, jobs=jobs))
            _line(f"full build, jobs={jobs}", [run])
        print(f"re-syncs of that index (jobs={args.jobs[-1]}):")
        _resyncs(folder, index_dir, args.repeat, args.jobs[-1])


if __name__ == "__main__":
    main()
