"""Index and query speed on a real archive (default: BBC News), printed as figures, never asserted.

    python bench/speed.py [--corpus DIR] [--runs N] [--jobs N]

Prints: index build time and peak memory; in-process query latency (mean, p95) over a fixed query
mix; and the wall time of a whole CLI search next to a bare whoosh search in a fresh interpreter on
the same index, with their ratio (machines here are noisy: compare the ratio, not the seconds).
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = REPO.parent / "shared" / "corpus" / "news" / "bbc"
QUERIES = (
    "england rugby",
    '"prime minister"',
    "economy growth interest rates",
    "mobile phone",
    "film award oscar",
    "headline:blair",
    "gordon brown budget",
    "brwon",
    "music downloads",
    "iraq election -blair",
)
BARE_WHOOSH = """
import sys
from whoosh import index, query
ix = index.open_dir(sys.argv[1])
with ix.searcher() as s:
    r = s.search(query.Or([query.Term("body", "england"), query.Term("body", "rugbi")]), limit=10)
    print(len(r))
"""


def _wall(command: list[str], runs: int) -> float:
    """Median wall time of a command over `runs` runs."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--jobs", type=int, default=None)
    args = parser.parse_args()
    if not args.corpus.is_dir():
        sys.exit(f"no corpus at {args.corpus}")
    sys.path.insert(0, str(REPO))
    from index import build_index
    from index.store import read_manifest
    from search import Searcher

    with tempfile.TemporaryDirectory() as tmp:
        index_dir = Path(tmp) / "index"
        start = time.perf_counter()
        report = build_index(args.corpus, index_dir, jobs=args.jobs)
        build = time.perf_counter() - start
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        print(f"corpus: {args.corpus} ({report.issues} issues, {len(report.skipped)} skipped)")
        print(f"index build: {build:.2f} s, peak RSS {peak:.0f} MB (workers {children:.0f} MB)")

        latencies = []
        with Searcher(index_dir) as searcher:
            searcher.search("warm up")
            for _ in range(3):
                for text in QUERIES:
                    begin = time.perf_counter()
                    searcher.search(text, limit=10)
                    latencies.append((time.perf_counter() - begin) * 1000)
        latencies.sort()
        p95 = latencies[int(len(latencies) * 0.95) - 1]
        print(
            f"in-process query: mean {statistics.mean(latencies):.1f} ms, p95 {p95:.1f} ms "
            f"over {len(latencies)} queries (snippets included)"
        )

        store = index_dir / read_manifest(index_dir).store
        cli = [sys.executable, "-m", "cli", "search", "--index-dir", str(index_dir)]
        ours = _wall([*cli, "england", "rugby"], args.runs)
        bare = _wall([sys.executable, "-c", BARE_WHOOSH, str(store)], args.runs)
        print(
            f"CLI search, whole process: {ours * 1000:.0f} ms; bare whoosh search: "
            f"{bare * 1000:.0f} ms; ratio {ours / bare:.2f}"
        )
        nltk = _wall([sys.executable, "-c", "import nltk.stem.snowball"], args.runs)
        print(f"(for scale: importing nltk's stemmer alone takes {nltk * 1000:.0f} ms)")


if __name__ == "__main__":
    main()
