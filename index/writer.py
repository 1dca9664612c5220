"""Writing the index: bring a whoosh store in step with a folder, incrementally or from scratch.

Every commit publishes one whoosh generation (atomic: whoosh renames its table of contents into
place) together with `state-<generation>.json`, the record of every source file it reflects, so
the record and the index never disagree (see `index.state`). A long sync commits a checkpoint now
and then, so a killed run loses little and the next run carries on from there. The first build
works in place (a killed first build resumes); a rebuild of an existing index writes a new store
and switches the manifest to it only once it is complete, so searches see the old index until then.
"""

from __future__ import annotations

import functools
import os
import shutil
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index

from index.budget import DEFAULT_FILE_TIMEOUT, FileTimeout, TimeLimit
from index.errors import (
    FolderMismatchError,
    IndexMissingError,
    IndexUnusableError,
    IndexWriteError,
    IssueReadError,
    NothingIndexedError,
)
from index.filedates import with_file_dates
from index.parallel import default_jobs
from index.parse import DEFAULT_MAX_BYTES, parse_file
from index.safetext import display_name
from index.scan import FileRecord, Plan, SeenFile, hash_file, is_racy, not_regular, plan_sync
from index.schema import SCHEMA_VERSION, build_schema
from index.session import FileResult, Outcome, ProgressCallback, Session, Settings, add_issues
from index.state import State, read_state, write_state
from index.storage import open_store, tidy_store
from index.store import (
    Manifest,
    new_store_name,
    now_iso,
    read_manifest,
    remembered_folder,
    remove_other_stores,
    store_path,
    write_lock,
    write_manifest,
)

__all__ = ["IndexReport", "Skipped", "add_issues", "build_index", "read_source", "sync_index"]


@dataclass(frozen=True)
class Skipped:
    """A file that is not indexed as it now is, and why."""

    path: str
    reason: str
    # Skipped for this reason by the last sync too, and unchanged since (quiet runs leave it out).
    known: bool = False


@dataclass(frozen=True)
class IndexReport:
    """What a sync or rebuild did.

    Every issue file of the folder is counted once: `added` (new), `updated` (changed and
    re-indexed), `unchanged`, or `skipped` (could not be read or parsed; `kept_stale` of those
    still have their previous version indexed, as the user asked). `removed` counts files whose
    issues left the index: deleted files, and changed files that now fail. `ignored` counts files
    that are not issues at all (images, feeds, READMEs). `checkpoints` counts intermediate commits.
    """

    folder: str
    index_dir: str
    rebuilt: bool
    added: int
    updated: int
    removed: int
    unchanged: int
    skipped: tuple[Skipped, ...]
    kept_stale: int
    ignored: int
    issues: int
    files_seen: int
    seconds: float
    checkpoints: int = 0
    warnings: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        data = dict(self.__dict__)
        data["skipped"] = [{"path": s.path, "reason": s.reason} for s in self.skipped]
        data["warnings"] = list(self.warnings)
        return data


def read_source(
    seen: SeenFile,
    root: Path,
    max_bytes: int,
    file_timeout: float | None = DEFAULT_FILE_TIMEOUT,
    date_from_mtime: bool = False,
) -> FileResult:
    """Hash and parse one file, noticing when it changes while being read.

    The record keeps the stat taken before reading. If the file changed while it was read, the
    record's hash is left empty, so the next sync sees a new stat, finds no matching hash and
    reads the file again: nothing written during a sync is missed. Parsing that takes longer
    than `file_timeout` seconds is stopped and the file skipped (see `index.budget`).
    """
    try:
        before = os.stat(seen.path)
    except OSError as problem:
        reason = problem.strerror or str(problem)
        return FileResult(seen.relpath, FileRecord(seen.size, seen.mtime_ns, "", (), reason))
    odd = not_regular(before.st_mode)
    if odd is not None:  # replaced by a pipe or a device since the scan: never open it
        return FileResult(seen.relpath, FileRecord(seen.size, seen.mtime_ns, "", (), odd))
    read_ns = time.time_ns()
    digest, issues, error, after = "", [], None, before
    try:
        known = seen.sha256 if (seen.size, seen.mtime_ns) == _stat(before) else None
        digest = known or hash_file(seen.path)
        with TimeLimit(file_timeout):
            issues = parse_file(seen.path, root, max_bytes=max_bytes)
        if date_from_mtime:
            issues = with_file_dates(issues, before.st_mtime_ns)
        after = os.stat(seen.path)
    except IssueReadError as problem:
        error = problem.reason
    except OSError as problem:
        error = problem.strerror or str(problem)
    except FileTimeout:
        error = f"took longer than {file_timeout:g} s to read (limit set by --file-timeout)"
    if _stat(after) != _stat(before):
        digest = ""
    record = FileRecord(
        before.st_size,
        before.st_mtime_ns,
        digest,
        tuple(issue.id for issue in issues),
        error,
        is_racy(before.st_mtime_ns, read_ns),
    )
    return FileResult(seen.relpath, record, tuple(issues))


def _stat(result: os.stat_result) -> tuple[int, int]:
    return result.st_size, result.st_mtime_ns


def sync_index(
    folder: str | os.PathLike[str] | None,
    index_dir: str | os.PathLike[str],
    *,
    rebuild: bool = False,
    jobs: int | None = None,
    keep_stale: bool = False,
    max_bytes: int = DEFAULT_MAX_BYTES,
    lock_timeout: float = 10.0,
    progress: ProgressCallback | None = None,
    checkpoint_seconds: float = 60.0,
    file_timeout: float | None = DEFAULT_FILE_TIMEOUT,
    follow_symlinks: bool = True,
    date_from_mtime: bool | None = None,
) -> IndexReport:
    """Bring the index at `index_dir` in step with `folder` (None: the folder it was built from).

    Creates the index when there is none; `rebuild` builds a new one from scratch and replaces
    the old one once complete. When there are many files to read, `jobs` worker processes parse
    and index them (default: `default_jobs()`; they are started with "spawn", so a script that calls
    this needs the usual `if __name__ == "__main__":` guard). A commit is made every
    `checkpoint_seconds` so that an interrupted sync loses little. A file whose reading takes
    longer than `file_timeout` seconds (None: no limit) is skipped. Symbolic links to files are
    followed wherever they point, even out of the folder, unless `follow_symlinks` is false (then
    they are skipped). With `date_from_mtime`, an issue that nothing dates takes its file's
    modification day, marked as such; the index remembers the choice (None: as last time), and
    a change of it re-reads every file. Raises IndexLockedError,
    IndexUnusableError, IndexWriteError or NothingIndexedError, each saying what to do.
    """
    started = time.perf_counter()
    target = Path(index_dir).expanduser().resolve()
    with write_lock(target, timeout=lock_timeout):
        manifest = _usable_manifest(target, rebuild)
        source = _source_folder(folder, manifest, target)
        # One index follows one folder: indexing another one into it would drop the first
        # folder's issues, so that takes an explicit rebuild.
        if manifest is not None and manifest.folder != str(source) and not rebuild:
            raise FolderMismatchError(
                f"The index at {target} holds the issues of {manifest.folder}, not of {source}. "
                "Rebuild it to replace them, or give the new folder an index of its own."
            ).with_remedy("replace", str(source))
        remembered = manifest.date_from_mtime if manifest is not None else False
        by_mtime = remembered if date_from_mtime is None else date_from_mtime
        rebuild = rebuild or by_mtime != remembered  # other dates for files already read
        read = functools.partial(read_source, file_timeout=file_timeout, date_from_mtime=by_mtime)
        settings = Settings(
            read, jobs or default_jobs(), keep_stale, max_bytes, progress, checkpoint_seconds
        )
        settings = replace(settings, follow_symlinks=follow_symlinks, date_from_mtime=by_mtime)
        if manifest is None:
            report = _first_build(target, source, settings)
        elif rebuild:
            report = _rebuild_aside(target, source, manifest, settings)
        else:
            report = _sync(target, source, manifest, settings)
    if report.issues == 0:
        # The same for a first build, a sync and a rebuild (which keeps the old index).
        reasons = "; ".join(f"{skip.path}: {skip.reason}" for skip in report.skipped[:5])
        raise NothingIndexedError(
            f"Nothing could be indexed in {source} ({report.files_seen} issue files seen, "
            f"{len(report.skipped)} skipped{': ' + reasons if reasons else ''})."
        )
    return replace(report, seconds=round(time.perf_counter() - started, 3))


def build_index(
    folder: str | os.PathLike[str], index_dir: str | os.PathLike[str], **options: Any
) -> IndexReport:
    """Index `folder` into `index_dir`: a sync that creates the index when there is none."""
    return sync_index(folder, index_dir, **options)


def _usable_manifest(target: Path, rebuild: bool) -> Manifest | None:
    try:
        return read_manifest(target)
    except IndexMissingError:
        return None
    except IndexUnusableError:
        if rebuild:
            return None  # an old or damaged index: the rebuild replaces it
        raise


def _source_folder(
    folder: str | os.PathLike[str] | None, manifest: Manifest | None, target: Path
) -> Path:
    if folder is None:
        # A rebuild of an unreadable index still goes back to the folder it came from.
        folder = manifest.folder if manifest is not None else remembered_folder(target)
        if not folder:
            raise IndexMissingError(
                f"No folder given, and there is no index at {target} that remembers one: "
                "give the folder of issues to index."
            )
    source = Path(folder).expanduser().resolve()
    if not source.is_dir():
        raise NothingIndexedError(
            f"The folder {source} does not exist or is not a folder: give the folder of issues "
            "to index."
        )
    return source


def _first_build(target: Path, source: Path, settings: Settings) -> IndexReport:
    """No usable index yet: build one in place, published from its first checkpoint on."""
    remove_other_stores(target, None)
    store = _new_store(target, source)
    created = now_iso()
    write_manifest(
        target,
        Manifest(SCHEMA_VERSION, store.name, str(source), created, None, settings.date_from_mtime),
    )
    return _sync(target, source, read_manifest(target), settings, rebuilt=True)


def _rebuild_aside(
    target: Path, source: Path, manifest: Manifest, settings: Settings
) -> IndexReport:
    """Build a new store beside the current one; switch to it only when it is complete."""
    remove_other_stores(target, manifest.store)
    store = _new_store(target, source)
    try:
        ix = open_store(store, mmap=False)
        plan = plan_sync(source, {}, skip=(target,), follow_symlinks=settings.follow_symlinks)
        session = Session(store, ix, source, {}, plan, replace(settings, checkpoint_seconds=None))
        outcome = session.run(complete_before=False)
        if _issue_count(outcome.records) == 0:
            raise NothingIndexedError(
                f"Nothing could be indexed in {source} ({plan.seen} issue files seen, "
                f"{len(outcome.skipped)} skipped); the index at {target} was left as it was."
            )
        now = now_iso()
        # The switch: searches opened from here on read the new store.
        manifest = Manifest(
            SCHEMA_VERSION, store.name, str(source), now, now, settings.date_from_mtime
        )
        write_manifest(target, manifest)
    except BaseException:
        shutil.rmtree(store, ignore_errors=True)
        raise
    remove_other_stores(target, store.name)
    return _report(target, source, plan, outcome, rebuilt=True, warnings=())


def _sync(
    target: Path, source: Path, manifest: Manifest, settings: Settings, rebuilt: bool = False
) -> IndexReport:
    """Bring the current store in step with the folder, doing only the work that changed."""
    remove_other_stores(target, manifest.store)  # left by a rebuild that was killed
    store = store_path(target, manifest)
    ix = open_store(store, mmap=False)
    state = read_state(store, ix.latest_generation())
    tidy_store(store, ix)
    plan = plan_sync(source, state.files, skip=(target,), follow_symlinks=settings.follow_symlinks)
    if "" in plan.unlisted:
        raise NothingIndexedError(f"The folder {source} cannot be read: {plan.unlisted['']}.")
    known = _issue_count(state.files)
    if plan.seen == 0 and known:
        raise NothingIndexedError(
            f"The folder {source} holds no issue files now, but the index holds {known} issues"
            " from it. If it is a drive that is not mounted, mount it and try again; if every"
            " issue really is gone, rebuild the index."
        ).with_remedy("rebuild", str(source))
    outcome = Session(store, ix, source, state.files, plan, settings).run(state.complete)
    return _report(target, source, plan, outcome, rebuilt=rebuilt, warnings=_touch(target))


def _new_store(target: Path, source: Path) -> Path:
    """A new store holding a committed, empty index (generation 0) and its empty record."""
    store = target / new_store_name()
    try:
        store.mkdir(parents=True)
        whoosh_index.create_in(str(store), build_schema()).close()
        write_state(store, 0, State(folder=str(source), files={}, complete=False))
    except (OSError, IndexWriteError) as error:
        shutil.rmtree(store, ignore_errors=True)
        if isinstance(error, IndexWriteError):
            raise
        raise IndexWriteError(
            f"Could not create an index in {store}: {error.strerror or error}. The index that"
            " was there before, if any, is kept."
        ) from error
    return store


def _touch(target: Path) -> tuple[str, ...]:
    """Record the time of this sync in the manifest; the index itself is already committed."""
    try:
        manifest = read_manifest(target)
        write_manifest(target, replace(manifest, last_sync=now_iso()))
    except (IndexWriteError, IndexUnusableError, IndexMissingError) as error:
        return (f"The index is committed, but its last-sync time was not recorded: {error}",)
    return ()


def _skipped_before(plan: Plan, path: str, reason: str) -> bool:
    """Whether the last sync skipped this file, unchanged since, for the same reason."""
    record = plan.unchanged.get(path) or plan.touched.get(path)
    return record is not None and record.error == reason


def _issue_count(records: dict[str, FileRecord]) -> int:
    return sum(len(record.ids) for record in records.values())


def _report(
    target: Path,
    source: Path,
    plan: Plan,
    outcome: Outcome,
    *,
    rebuilt: bool,
    warnings: tuple[str, ...],
) -> IndexReport:
    counts = outcome.counts
    skipped = tuple(
        Skipped(display_name(path), reason, known=_skipped_before(plan, path, reason))
        for path, reason in sorted(outcome.skipped.items())
    )
    unchanged = sum(1 for rel in [*plan.unchanged, *plan.touched] if rel not in outcome.skipped)
    return IndexReport(
        folder=str(source),
        index_dir=str(target),
        rebuilt=rebuilt,
        added=counts["added"],
        updated=counts["updated"],
        removed=counts["removed"],
        unchanged=unchanged,
        skipped=skipped,
        kept_stale=counts["kept_stale"],
        ignored=plan.ignored,
        issues=_issue_count(outcome.records),
        files_seen=plan.seen,
        seconds=0.0,
        checkpoints=outcome.checkpoints,
        warnings=warnings,
    )
