"""Parsing and indexing in worker processes, each writing whoosh segments of its own.

Why not whoosh's own `ix.writer(procs=N)` (MpWriter)? With `multisegment=False` (its default) a
sub-writer that receives no documents crashes in `finish_subsegment` (`pool.runs[0]`: IndexError;
reproduced with whoosh-reloaded 2.7.5: two procs, a batch that one process takes alone), and the
parent then drops that sub-writer's result without a word (`except queue.Empty: pass`); it also
merges every sub-segment in the parent, one process again. `multisegment=True` avoids both, but
its processes only analyze: parsing stays in the parent, the stems they compute never reach the
stem table, and when the parent is killed they wait on their job queue forever.

So each worker here reads, parses and indexes whole files into a whoosh `SegmentWriter` of its own
(the same private calls MpWriter makes: `_lk=False` writers, `_finalize_segment`), and hands back
one record per file and, when asked to flush, its finished segment and the new stems. The parent
commits those segments together with its own deletions in one table of contents (see
`commit_with`), so a sync publishes all or nothing. A worker whose parent dies finds its pipe
closed and exits; its half-written segment files are removed by the next sync.

Each file's parsing is timed (`--file-timeout`, see `index.budget`) inside the worker, by a timer
signal in its main thread: a file that runs out of time becomes a skipped record like any other,
and the worker's segment, with the files before it, is kept.
"""

from __future__ import annotations

import contextlib
import os
import signal
import traceback
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from multiprocessing import get_context
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import TYPE_CHECKING, Any

from index import stemming
from index.errors import IndexWriteError
from index.scan import SeenFile

if TYPE_CHECKING:
    from index.session import Settings

# Reads one file (reading.read_source with its options; picklable, for "spawn").
Reader = Callable[[SeenFile, Path, int], Any]

# Files a worker takes at once, and chunks a worker may have queued: enough to keep it busy,
# few enough that work stays balanced and a checkpoint does not wait long.
_CHUNK = 8
_QUEUED = 2


@dataclass(frozen=True)
class Flushed:
    """Every worker has finished its segment: commit these, with these new word->stem pairs."""

    segments: list[Any]
    stems: dict[str, str]


# Segments are merged a tier at a time, a tier being those with the same number of digits in
# their count of live documents, once it holds MERGE_FACTOR of them; and no merge makes a segment
# of more than MAX_MERGED_DOCS. Without merging, every checkpoint and every worker left a segment
# of its own for good (17 for This Week in Rust) and each query pays per segment (a prefix
# query's expanded terms: once per term per segment). whoosh's own MERGE_SMALL bounds the count by
# a Fibonacci rule that, with many segments of a size, ends up merging all of them: building
# 100,000 issues, one process merged 26 segments (2.4 GB) through 13 GB of temporary runs.
MERGE_FACTOR = 10
MAX_MERGED_DOCS = 200_000


def merge_tiers(writer: Any, segments: list[Any]) -> list[Any]:
    """whoosh merge policy: merge the lowest full tier's smallest segments, within the cap."""
    from whoosh.reading import SegmentReader

    tiers: dict[int, list[Any]] = {}
    for segment in segments:
        # By live documents: a segment that lost most of its documents to deletions drops to a
        # lower tier and is merged (its deleted documents purged) with smaller ones.
        tiers.setdefault(len(str(segment.doc_count())), []).append(segment)
    for tier in sorted(tiers):
        if len(tiers[tier]) < MERGE_FACTOR:
            continue
        merged, total = [], 0
        for segment in sorted(tiers[tier], key=lambda s: s.doc_count()):
            if total + segment.doc_count() > MAX_MERGED_DOCS:
                break
            merged.append(segment)
            total += segment.doc_count()
        if len(merged) < 2:
            continue
        for segment in merged:
            reader = SegmentReader(writer.storage, writer.schema, segment)
            writer.add_reader(reader)
            reader.close()
        return [segment for segment in segments if segment not in merged]
    return segments


def commit_with(writer: Any, segments: list[Any]) -> None:
    """Commit a whoosh SegmentWriter together with segments written by worker processes.

    This is SegmentWriter.commit() with the extra segments added to the table of contents, as
    MpWriter does for `multisegment=True` (whoosh-reloaded 2.7.5 is pinned exactly).
    """
    writer._check_state()
    final = writer._merge_segments(merge_tiers, None, True)
    if writer._added:
        final.append(writer._finalize_segment())
    else:
        writer._close_segment()
    final.extend(segments)
    writer._commit_toc(final)
    writer._finish()


class _Worker:
    """The worker process's side: one open store, at most one segment being written."""

    def __init__(self, store: Path, root: Path, read: Reader, max_bytes: int, limitmb: int) -> None:
        from whoosh import index as whoosh_index

        # Imported here, in the worker: session imports this module.
        from index.session import add_issues

        # `read` (reading.read_source with its options) sets a time limit per file: in a worker,
        # whose main thread parses, it always can.
        self.read_source, self.add_issues = read, add_issues
        self.root = root
        self.max_bytes = max_bytes
        self.limitmb = limitmb
        stemming.load_table(store / stemming.STEM_TABLE_NAME)
        self.ix = whoosh_index.open_dir(str(store))
        self.writer: Any = None

    def index_file(self, seen: SeenFile) -> Any:
        from whoosh.writing import SegmentWriter

        result = self.read_source(seen, self.root, self.max_bytes)
        if result.issues:
            if self.writer is None:
                self.writer = SegmentWriter(self.ix, _lk=False, limitmb=self.limitmb)
            self.add_issues(self.writer, result.issues)
        return result.without_issues()

    def flush(self) -> tuple[Any, dict[str, str]]:
        segment = None
        if self.writer is not None:
            if self.writer._added:
                segment = self.writer._finalize_segment()
            else:
                self.writer._close_segment()
            self.writer = None
        return segment, stemming.drain_new()


def _work(
    conn: Connection, store: str, root: str, read: Reader, max_bytes: int, limitmb: int
) -> None:
    """A worker process's main loop: files in, records out; flush on request."""
    # Ctrl-C reaches the whole process group; the parent decides what it stops.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        worker = _Worker(Path(store), Path(root), read, max_bytes, limitmb)
        while True:
            kind, payload = conn.recv()
            if kind == "files":
                for seen in payload:
                    conn.send(("file", worker.index_file(seen)))
                conn.send(("idle", None))
            elif kind == "flush":
                conn.send(("flushed", worker.flush()))
            else:
                return
    except (EOFError, BrokenPipeError):
        return  # the parent has gone: nothing to report to
    except BaseException as error:
        errno = error.errno if isinstance(error, OSError) else None
        detail = "".join(traceback.format_exception_only(error)).strip()
        with contextlib.suppress(OSError):
            conn.send(("error", (errno, detail, traceback.format_exc())))


class _Handle:
    def __init__(self, process: Any, conn: Connection) -> None:
        self.process = process
        self.conn = conn
        self.queued = 0


class WorkerPool:
    """`jobs` worker processes parsing and indexing into `store`; `close()` them when done."""

    def __init__(
        self, store: Path, root: Path, settings: Settings, jobs: int, limitmb: int
    ) -> None:
        # "spawn": a fresh interpreter per worker, so no thread or lock of the parent's (a test's
        # search thread, a library's pool) is copied half-held into it, as fork would.
        context = get_context("spawn")
        self.handles: list[_Handle] = []
        for _ in range(jobs):
            mine, theirs = context.Pipe()
            process = context.Process(
                target=_work,
                args=(theirs, str(store), str(root), settings.read, settings.max_bytes, limitmb),
                daemon=True,
            )
            process.start()
            theirs.close()  # only the worker holds its end, so it sees EOF when we die
            self.handles.append(_Handle(process, mine))

    def close(self, wait: bool = True) -> None:
        """Stop the workers: politely after success, at once after a failure or Ctrl-C."""
        for handle in self.handles:
            try:
                if wait:
                    handle.conn.send(("stop", None))
                handle.conn.close()
            except OSError:
                pass
        for handle in self.handles:
            handle.process.join(timeout=10 if wait else 0)
            if handle.process.is_alive():
                handle.process.terminate()
                handle.process.join(timeout=10)

    def process(self, todo: list[SeenFile], checkpoint_due: Callable[[], bool]) -> Iterator[Any]:
        """Yield each file's result (docs already in a worker segment), and a `Flushed` whenever
        a checkpoint is due and at the end; the workers sit idle while the caller commits it."""
        pending = deque(todo[i : i + _CHUNK] for i in range(0, len(todo), _CHUNK))
        flushing = False
        while True:
            if not flushing:
                for handle in self.handles:
                    while pending and handle.queued < _QUEUED:
                        _send(handle, "files", pending.popleft())
                        handle.queued += 1
            if all(handle.queued == 0 for handle in self.handles):
                yield self._flush()
                if not pending:
                    return
                flushing = False
                continue
            for handle, kind, payload in self._receive():
                if kind == "file":
                    yield payload
                    flushing = flushing or checkpoint_due()
                elif kind == "idle":
                    handle.queued -= 1
                else:
                    raise IndexWriteError(f"Unexpected message {kind!r} from an indexing worker.")

    def _flush(self) -> Flushed:
        for handle in self.handles:
            _send(handle, "flush", None)
        segments: list[Any] = []
        stems: dict[str, str] = {}
        waiting = set(range(len(self.handles)))
        while waiting:
            for handle, kind, payload in self._receive():
                if kind != "flushed":
                    raise IndexWriteError(f"Unexpected message {kind!r} from an indexing worker.")
                segment, words = payload
                if segment is not None:
                    segments.append(segment)
                stems.update(words)
                waiting.discard(self.handles.index(handle))
        return Flushed(segments, stems)

    def _receive(self) -> Iterator[tuple[_Handle, str, Any]]:
        """Wait for messages; raise if a worker failed or died."""
        by_conn = {id(handle.conn): handle for handle in self.handles}
        by_sentinel = {handle.process.sentinel: handle for handle in self.handles}
        ready = wait([handle.conn for handle in self.handles] + list(by_sentinel))
        for item in ready:
            if isinstance(item, int):
                handle = by_sentinel[item]
                if not handle.conn.poll():
                    raise _died(handle)
                continue
            handle = by_conn[id(item)]
            try:
                kind, payload = handle.conn.recv()
            except (EOFError, OSError):
                raise _died(handle) from None
            if kind == "error":
                raise _worker_error(*payload)
            yield handle, kind, payload


def _send(handle: _Handle, kind: str, payload: Any) -> None:
    try:
        handle.conn.send((kind, payload))
    except OSError:  # a broken pipe: the worker is gone
        raise _died(handle) from None


def _died(handle: _Handle) -> IndexWriteError:
    handle.process.join(timeout=1)
    return IndexWriteError(
        f"An indexing worker process stopped unexpectedly (exit code {handle.process.exitcode});"
        " nothing it did since the last commit was kept. Run the indexer again (--jobs 1 uses"
        " no worker processes)."
    )


def _worker_error(errno: int | None, detail: str, trace: str) -> IndexWriteError:
    if errno is not None:
        return IndexWriteError(
            f"Writing the index failed in a worker process: {detail}. The last committed index "
            "is kept."
        )
    # A bug, not bad input (a file's own failures are reported per file): say what broke, keep
    # the worker's traceback on the error for a bug report, and keep the committed index.
    last = (trace.strip().splitlines() or [detail])[-1]
    error = IndexWriteError(
        f"An indexing worker process failed ({last}); the last committed index is kept. Run the"
        " indexer again; if it fails the same way, the traceback is in this error's `detail`."
    )
    error.detail = trace
    return error


def default_jobs() -> int:
    """Worker processes when the caller does not say: one per CPU that is not already busy.

    Measured on 2 CPUs (bench/sync.py, 20news and BBC): a second process splits the work but
    adds ~10% CPU, so it only pays when a core is idle; with the machine busy (load average
    2.5-3.5 from other work) two processes were no faster than one (20news full build 146 s
    against 130 s). Hence: CPUs minus the 1-minute load average, at least one.
    """
    try:
        cpus = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cpus = os.cpu_count() or 1
    try:
        busy = os.getloadavg()[0]
    except OSError:
        busy = 0.0
    return max(1, min(cpus, round(cpus - busy)))
