"""One sync of one store: apply a plan, reading files in this process or in workers, and commit.

The session keeps `records`, the record of every source file exactly as the index holds it: a
changed file keeps its old record until its new version is committed, a removed file loses its
record in the commit that deletes its documents. Each commit (a checkpoint now and then, and one
at the end) writes `records` as the state of the generation it publishes.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from whoosh.index import LockError

from index import stemming
from index.budget import can_limit_here
from index.documents import documents
from index.errors import IndexLockedError, IndexWriteError
from index.model import Issue
from index.parallel import Flushed, WorkerPool, commit_with
from index.reading import FileResult
from index.scan import Plan, SeenFile
from index.state import FileRecord, State, remove_other_states, write_state
from index.storage import closing_on_error, tidy_store
from index.store import now_iso

ProgressCallback = Callable[[int, int, str], None]

# A worker process costs about 0.6 s of CPU to start (interpreter, imports, stem table) and a
# file about 5 ms to read and index (bench/sync.py: two workers took 3.1 s of CPU for 300 BBC
# files that one process did in 1.9 s). Two workers win only past some 500 files.
PARALLEL_MIN_FILES = 500
# whoosh buffers postings in memory up to this many MB per writer before spilling sorted runs.
_LIMIT_MB = 128


def add_issues(writer: Any, issues: tuple[Issue, ...]) -> None:
    """Add the documents of each issue (the issue, then its stories) to a whoosh writer."""
    for issue in issues:
        for doc in documents(issue):
            writer.add_document(**doc)


@dataclass(frozen=True)
class Settings:
    """How to run a session (from `sync_index`'s options)."""

    read: Callable[[SeenFile, Path, int], FileResult]
    jobs: int
    keep_stale: bool
    max_bytes: int
    progress: ProgressCallback | None
    checkpoint_seconds: float | None  # None: commit once, at the end
    follow_symlinks: bool = True
    date_from_mtime: bool = False


@dataclass
class Outcome:
    """What a session did, for the report."""

    records: dict[str, FileRecord]
    skipped: dict[str, str]
    counts: dict[str, int]
    checkpoints: int = 0


class Session:
    """Apply `plan` to the whoosh index `ix` in `store`, whose committed state is `previous`."""

    def __init__(
        self,
        store: Path,
        ix: Any,
        source: Path,
        previous: dict[str, FileRecord],
        plan: Plan,
        settings: Settings,
    ) -> None:
        self.store, self.ix, self.source = store, ix, source
        self.previous, self.plan, self.settings = previous, plan, settings
        self.records: dict[str, FileRecord] = {**plan.unchanged, **plan.touched}
        for seen in plan.changed:
            self.records[seen.relpath] = previous[seen.relpath]
        self.skipped = {rel: rec.error for rel, rec in plan.unchanged.items() if rec.error}
        self.counts = {"added": 0, "updated": 0, "removed": 0, "kept_stale": 0}
        self.checkpoints = 0
        self.last_commit = time.monotonic()

    def run(self, complete_before: bool) -> Outcome:
        plan = self.plan
        dropping = any(rel in self.previous for rel in plan.unreadable)
        if plan.todo or plan.removed or dropping:
            self._write()
        else:
            for relpath, reason in plan.unreadable.items():
                self.skipped[relpath] = reason
            if plan.touched or not complete_before:
                # Same documents, fresher stats: rewrite the current generation's record.
                generation = self.ix.latest_generation()
                write_state(self.store, generation, self._state(complete=True))
        return Outcome(self.records, self.skipped, self.counts, self.checkpoints)

    # -- writing

    def _write(self) -> None:
        todo = self.plan.todo
        # Read on the first word this process has not stemmed yet (none, for a removal).
        stemming.register_table(self.store / stemming.STEM_TABLE_NAME)
        stemming.drain_new()  # words stemmed before this sync (a search's) are no news here
        try:
            with closing_on_error(self.ix):
                self._write_all(todo)
        except BaseException:
            _tidy(self.store, self.ix)
            raise

    def _write_all(self, todo: list[SeenFile]) -> None:
        writer = self._open_writer()
        pool: WorkerPool | None = None
        try:
            self._remove(writer)
            jobs = min(self.settings.jobs, -(-len(todo) // 8))
            # Outside the main thread no time limit works here (see index.budget): a worker's does.
            if (jobs > 1 and len(todo) >= PARALLEL_MIN_FILES) or (todo and not can_limit_here()):
                pool = WorkerPool(self.store, self.source, self.settings, jobs, _LIMIT_MB)
                events: Iterator[Any] = pool.process(todo, self._checkpoint_due)
            else:
                events = self._read_here(todo)
            done = 0
            for event in events:
                if isinstance(event, Flushed):
                    final = done == len(todo)
                    self._commit(writer, event, final)
                    if not final:
                        writer = self._open_writer()
                    continue
                done += 1
                self._take(writer, event)
                if self.settings.progress is not None:
                    self.settings.progress(done, len(todo), event.relpath)
        except BaseException as error:
            if pool is not None:
                pool.close(wait=False)  # before cancelling: the workers use the writer's temp dir
                pool = None
            _abandon(writer)
            if isinstance(error, OSError):
                raise IndexWriteError(
                    f"Writing the index failed: {error}. The last committed index is kept."
                ) from error
            raise
        finally:
            if pool is not None:
                pool.close()

    def _read_here(self, todo: list[SeenFile]) -> Iterator[Any]:
        """Read files in this process; the caller adds their issues to its own writer."""
        for number, seen in enumerate(todo, 1):
            yield self.settings.read(seen, self.source, self.settings.max_bytes)
            if number < len(todo) and self._checkpoint_due():
                yield Flushed([], {})
        yield Flushed([], {})

    def _checkpoint_due(self) -> bool:
        every = self.settings.checkpoint_seconds
        return every is not None and time.monotonic() - self.last_commit >= every

    def _open_writer(self) -> Any:
        try:
            return self.ix.writer(limitmb=_LIMIT_MB)
        except LockError:
            raise IndexLockedError(
                f"The whoosh index in {self.store} is locked by another writer (not one of ours:"
                " newsletter-search takes its own lock first)."
            ) from None
        except OSError as error:
            raise IndexWriteError(
                f"Could not open the index in {self.store} for writing: {error}."
            ) from error

    def _remove(self, writer: Any) -> None:
        for relpath, record in self.plan.removed.items():
            _delete(writer, record)
            self.records.pop(relpath, None)
            self.counts["removed"] += bool(record.ids)
        for relpath, reason in self.plan.unreadable.items():
            self._failed(writer, relpath, reason)

    def _take(self, writer: Any, result: FileResult) -> None:
        """Account for one file read (and index its issues if a worker has not already)."""
        relpath, record = result.relpath, result.record
        before = self.previous.get(relpath)
        if record.error is not None:
            self._failed(writer, relpath, record.error, record)
            return
        if before is not None:
            _delete(writer, before)
        add_issues(writer, result.issues)
        self.records[relpath] = record
        self.counts["updated" if before is not None else "added"] += 1

    def _failed(
        self, writer: Any, relpath: str, reason: str, record: FileRecord | None = None
    ) -> None:
        """A file that cannot be read now: keep its old version only if the user asked to."""
        self.skipped[relpath] = reason
        before = self.previous.get(relpath)
        if before is not None and before.ids and self.settings.keep_stale:
            self.records[relpath] = before  # its stat differs, so the next sync tries it again
            self.counts["kept_stale"] += 1
            return
        if before is not None and before.ids:
            _delete(writer, before)
            self.counts["removed"] += 1
        if record is not None:
            self.records[relpath] = record  # remembered, so it is not parsed again until it changes
        else:
            self.records.pop(relpath, None)

    def _commit(self, writer: Any, flushed: Flushed, final: bool) -> None:
        stemming.add_words(flushed.stems)
        new_words = {**stemming.drain_new(), **flushed.stems}
        if new_words:
            # Saved before the commit, so a searcher of the new generation finds its stems.
            _save_stems(self.store, new_words)
        generation = writer.generation
        write_state(self.store, generation, self._state(complete=final))
        commit_with(writer, flushed.segments)
        remove_other_states(self.store, generation)
        self.last_commit = time.monotonic()
        self.checkpoints += not final

    def _state(self, complete: bool) -> State:
        return State(str(self.source), dict(self.records), complete=complete, synced=now_iso())


def _abandon(writer: Any) -> None:
    """Cancel a whoosh writer after a failure, releasing its lock even if cancelling fails."""
    if writer.is_closed:
        return
    try:
        writer.cancel()
    except Exception:  # the error being raised says more; what matters is what follows
        with contextlib.suppress(Exception):
            writer._tempstorage.destroy()
        if writer.writelock is not None:
            with contextlib.suppress(Exception):
                writer.writelock.release()
        writer.is_closed = True


def _tidy(store: Path, ix: Any) -> None:
    """After a failed write (a full disk): remove its half-written segments and state record,
    rather than leave them taking space until the next sync."""
    with contextlib.suppress(Exception):  # the failure being raised is what the user must see
        tidy_store(store, ix)
        remove_other_states(store, ix.latest_generation())


def _delete(writer: Any, record: FileRecord) -> None:
    for issue_id in record.ids:
        writer.delete_by_term("issue_id", issue_id)


def _save_stems(store: Path, words: dict[str, str]) -> None:
    try:
        stemming.save_new(store / stemming.STEM_TABLE_NAME, words)
    except OSError as error:
        raise IndexWriteError(
            f"Could not write the stem table in {store}: {error.strerror or error}. "
            "The last committed index is kept."
        ) from error
