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
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index

from index.budget import DEFAULT_FILE_TIMEOUT
from index.documents import SCHEMA_VERSION
from index.errors import (
    IndexMissingError,
    IndexUnusableError,
    IndexWriteError,
    NothingIndexedError,
)
from index.folders import Folder, FolderArg, as_folder_list, folder_names, folders_for_run
from index.parallel import default_jobs
from index.parse import DEFAULT_MAX_BYTES
from index.reading import read_source
from index.report import IndexReport, Skipped
from index.safetext import display_name
from index.scan import FileRecord, Plan, plan_folders
from index.schema import build_schema
from index.session import Outcome, ProgressCallback, Session, Settings, add_issues
from index.state import State, read_state, write_state
from index.storage import open_store, tidy_store
from index.store import (
    Manifest,
    new_store_name,
    now_iso,
    read_manifest,
    remembered_folders,
    remove_other_stores,
    store_path,
    write_lock,
    write_manifest,
)

__all__ = ["IndexReport", "Skipped", "add_issues", "build_index", "read_source", "sync_index"]


def sync_index(
    folder: FolderArg | Sequence[FolderArg] | None,
    index_dir: str | os.PathLike[str],
    *,
    rebuild: bool = False,
    forget: Sequence[FolderArg] = (),
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
    """Bring the index at `index_dir` in step with its folders, adding `folder` (one or several).

    An index follows every folder it was ever given (None: just those); `forget` drops folders
    and their issues. The first folder's issues have their relative paths as ids; each later
    folder has a label, and its ids read `label:relpath`. A remembered folder that is missing
    or empty (a drive not mounted) keeps its issues, with a warning.

    Creates the index when there is none; `rebuild` builds a new one from scratch (from the
    folders given, else from the remembered ones) and replaces the old one once complete. When
    there are many files to read, `jobs` worker processes parse
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
    given = as_folder_list(folder)
    with write_lock(target, timeout=lock_timeout):
        manifest = _usable_manifest(target, rebuild)
        # A rebuild of an unreadable index still goes back to the folders it came from.
        known = manifest.folders if manifest is not None else remembered_folders(target)
        folders = folders_for_run(
            given, known, target, rebuild=rebuild, forget=forget, first=manifest is None
        )
        remembered = manifest.date_from_mtime if manifest is not None else False
        by_mtime = remembered if date_from_mtime is None else date_from_mtime
        rebuild = rebuild or by_mtime != remembered  # other dates for files already read
        read = functools.partial(read_source, file_timeout=file_timeout, date_from_mtime=by_mtime)
        settings = Settings(
            read, jobs or default_jobs(), keep_stale, max_bytes, progress, checkpoint_seconds
        )
        settings = replace(settings, follow_symlinks=follow_symlinks, date_from_mtime=by_mtime)
        if manifest is None:
            report = _first_build(target, folders, settings)
        elif rebuild:
            report = _rebuild_aside(target, folders, manifest, settings)
        else:
            report = _sync(target, folders, manifest, settings)
    if report.issues == 0:
        # The same for a first build, a sync and a rebuild (which keeps the old index).
        reasons = "; ".join(f"{skip.path}: {skip.reason}" for skip in report.skipped[:5])
        raise NothingIndexedError(
            f"Nothing could be indexed in {folder_names(folders)} ({report.files_seen} issue files "
            f"seen, {len(report.skipped)} skipped{': ' + reasons if reasons else ''})."
        )
    return replace(report, seconds=round(time.perf_counter() - started, 3))


def build_index(
    folder: FolderArg | Sequence[FolderArg], index_dir: str | os.PathLike[str], **options: Any
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


def _first_build(target: Path, folders: tuple[Folder, ...], settings: Settings) -> IndexReport:
    """No usable index yet: build one in place, published from its first checkpoint on."""
    remove_other_stores(target, None)
    store = _new_store(target, folders)
    created = now_iso()
    write_manifest(
        target,
        Manifest(SCHEMA_VERSION, store.name, folders, created, None, settings.date_from_mtime),
    )
    return _sync(target, folders, read_manifest(target), settings, rebuilt=True)


def _rebuild_aside(
    target: Path, folders: tuple[Folder, ...], manifest: Manifest, settings: Settings
) -> IndexReport:
    """Build a new store beside the current one; switch to it only when it is complete."""
    remove_other_stores(target, manifest.store)
    store = _new_store(target, folders)
    try:
        ix = open_store(store, mmap=False)
        plan, warnings = _plan(target, folders, {}, settings)
        session = Session(
            store, ix, _first(folders), {}, plan, replace(settings, checkpoint_seconds=None)
        )
        outcome = session.run(complete_before=False)
        if _issue_count(outcome.records) == 0:
            raise NothingIndexedError(
                f"Nothing could be indexed in {folder_names(folders)} ({plan.seen} issue files "
                f"seen, {len(outcome.skipped)} skipped); the index at {target} was left as it was."
            )
        now = now_iso()
        # The switch: searches opened from here on read the new store.
        manifest = Manifest(SCHEMA_VERSION, store.name, folders, now, now, settings.date_from_mtime)
        write_manifest(target, manifest)
    except BaseException:
        shutil.rmtree(store, ignore_errors=True)
        raise
    remove_other_stores(target, store.name)
    return _report(target, folders, plan, outcome, rebuilt=True, warnings=tuple(warnings))


def _sync(
    target: Path,
    folders: tuple[Folder, ...],
    manifest: Manifest,
    settings: Settings,
    rebuilt: bool = False,
) -> IndexReport:
    """Bring the current store in step with the folders, doing only the work that changed."""
    remove_other_stores(target, manifest.store)  # left by a rebuild that was killed
    store = store_path(target, manifest)
    ix = open_store(store, mmap=False)
    state = read_state(store, ix.latest_generation())
    tidy_store(store, ix)
    plan, warnings = _plan(target, folders, state.files, settings)
    if folders != manifest.folders:
        # Remembered before the documents change: a search sees every folder it may find hits in.
        write_manifest(target, replace(manifest, folders=_union(manifest.folders, folders)))
    session = Session(store, ix, _first(folders), state.files, plan, settings)
    outcome = session.run(state.complete)
    if folders != manifest.folders:
        write_manifest(target, replace(read_manifest(target), folders=folders))
    touched = _touch(target)
    return _report(target, folders, plan, outcome, rebuilt=rebuilt, warnings=(*warnings, *touched))


def _first(folders: tuple[Folder, ...]) -> Path:
    return Path(folders[0].path)


def _union(old: tuple[Folder, ...], new: tuple[Folder, ...]) -> tuple[Folder, ...]:
    return (*old, *(folder for folder in new if folder not in old))


def _plan(
    target: Path, folders: tuple[Folder, ...], files: dict[str, FileRecord], settings: Settings
) -> tuple[Plan, list[str]]:
    """What to do in every folder; when none of them can be synced, why (nothing is changed)."""
    plan, warnings = plan_folders(
        folders, files, skip=(target,), follow_symlinks=settings.follow_symlinks
    )
    if len(warnings) == len(folders):
        error = NothingIndexedError(
            " ".join(w.split(";")[0] + "." for w in warnings) + " If it is a drive that is not"
            " mounted, mount it and try again; if every issue really is gone, rebuild the index."
        )
        raise error.with_remedy("rebuild", folders[0].path)
    return plan, warnings


def _new_store(target: Path, folders: tuple[Folder, ...]) -> Path:
    """A new store holding a committed, empty index (generation 0) and its empty record."""
    store = target / new_store_name()
    try:
        store.mkdir(parents=True)
        whoosh_index.create_in(str(store), build_schema()).close()
        write_state(store, 0, State(folder=folders[0].path, files={}, complete=False))
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
    folders: tuple[Folder, ...],
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
        folder=folders[0].path,
        folders=tuple(folder.path for folder in folders),
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
