"""The folders an index follows, and how their files' ids tell them apart (`label:relpath`)."""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from index.errors import FolderMismatchError, IndexMissingError, NothingIndexedError
from index.model import Issue

# Between a folder's label and a path inside it. The first folder of an index has no label, so
# its ids stay the plain relative paths they were before a second folder joined.
LABEL_SEPARATOR = ":"


@dataclass(frozen=True)
class Folder:
    """One folder of issue files in an index; ids of its files start with `label:` (if any)."""

    path: str
    label: str = ""

    @property
    def prefix(self) -> str:
        return f"{self.label}{LABEL_SEPARATOR}" if self.label else ""

    def to_json(self) -> dict[str, str]:
        return {"path": self.path, "label": self.label}


def folder_of(key: str, folders: Sequence[Folder]) -> tuple[Folder, str] | None:
    """The folder a record key or issue id belongs to, and the path inside it (None: no folder)."""
    plain = None
    for folder in folders:
        if not folder.label:
            plain = folder
        elif key.startswith(folder.prefix):
            return folder, key[len(folder.prefix) :]
    return (plain, key) if plain is not None else None


def _slug(path: str) -> str:
    name = Path(path).name or "folder"
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "folder"


def new_label(path: str, taken: Iterable[str], names: Iterable[str] = ()) -> str:
    """A short label for a folder joining an index: its name, unlike every label in use.

    `names` are the entries at the top of the unlabelled folder: a label none of them starts
    with (with the separator) keeps every id of the index pointing at one folder only.
    """
    used = set(taken)
    clashes = {name.split(LABEL_SEPARATOR, 1)[0] for name in names if LABEL_SEPARATOR in name}
    base = _slug(path)
    label, n = base, 1
    while label in used or label in clashes:
        n += 1
        label = f"{base}-{n}"
    return label


def choose_folders(
    given: Sequence[str | os.PathLike[str]],
    remembered: Sequence[Folder],
    *,
    replacing: bool,
    forget: Sequence[str | os.PathLike[str]] = (),
) -> tuple[Folder, ...]:
    """The folders an index follows after this run: the remembered ones and the new ones.

    `replacing` (a rebuild given folders) keeps only the folders given. A folder the index
    already followed keeps its label, so its ids stay the same; a new one gets no label when it
    is the index's first, else a label from its name.
    """
    paths = [_absolute(path) for path in given]
    gone = {_absolute(path) for path in forget}
    by_path = {folder.path: folder for folder in remembered}
    chosen = [] if replacing else [f for f in remembered if f.path not in gone]
    for path in paths:
        if path in gone or any(folder.path == path for folder in chosen):
            continue
        old = by_path.get(path)
        if old is not None and (old.label or not any(not f.label for f in chosen)):
            chosen.append(old)
        elif not chosen:
            chosen.append(Folder(path))
        else:
            label = new_label(path, (f.label for f in chosen), _top_names(chosen))
            chosen.append(Folder(path, label))
    return tuple(chosen)


def with_label(issues: Sequence[Issue], folder: Folder | None) -> list[Issue]:
    """The issues of a file in `folder`, their ids starting with its label."""
    if folder is None or not folder.label:
        return list(issues)
    return [replace(issue, id=folder.prefix + issue.id) for issue in issues]


def _top_names(folders: Sequence[Folder]) -> list[str]:
    plain = next((folder for folder in folders if not folder.label), None)
    try:
        return os.listdir(plain.path) if plain is not None else []
    except OSError:
        return []


def _absolute(path: str | os.PathLike[str]) -> str:
    return str(Path(path).expanduser().resolve())


FolderArg = str | os.PathLike[str]


def as_folder_list(folders: FolderArg | Sequence[FolderArg] | None) -> list[FolderArg]:
    """One folder, several, or none (None) as a list: what the sync functions accept."""
    if folders is None:
        return []
    if isinstance(folders, str | os.PathLike):
        return [folders]
    return list(folders)


def folder_names(folders: Sequence[Folder]) -> str:
    return ", ".join(folder.path for folder in folders)


def folders_for_run(
    given: Sequence[str | os.PathLike[str]],
    remembered: Sequence[Folder],
    target: Path,
    *,
    rebuild: bool,
    forget: Sequence[str | os.PathLike[str]],
    first: bool,
) -> tuple[Folder, ...]:
    """The folders a sync of the index at `target` indexes (`first`: there is no index yet).

    Folders given must exist; remembered ones may be missing (their issues are kept).
    """
    for path in given:
        source = Path(path).expanduser().resolve()
        if not source.is_dir():
            raise NothingIndexedError(
                f"The folder {source} does not exist or is not a folder: give the folder of "
                "issues to index."
            )
    unknown = [str(p) for p in forget if not _follows(remembered, p)]
    if unknown:
        known = folder_names(remembered) or "none"
        raise FolderMismatchError(
            f"The index at {target} does not follow {', '.join(unknown)} (it follows: {known})."
        )
    folders = choose_folders(given, remembered, replacing=rebuild and bool(given), forget=forget)
    _refuse_nested(folders)
    if not folders:
        if forget:
            raise NothingIndexedError(
                f"That would leave the index at {target} with no folder: delete the index "
                "directory instead, or give a folder to index."
            )
        raise IndexMissingError(
            f"No folder given, and there is no index at {target} that remembers one: "
            "give the folder of issues to index."
        )
    if first and not given:
        for folder in folders:
            if not Path(folder.path).is_dir():
                raise NothingIndexedError(
                    f"The folder {folder.path} does not exist or is not a folder: give the "
                    "folder of issues to index."
                )
    return folders


def _refuse_nested(folders: tuple[Folder, ...]) -> None:
    """One folder inside another would index its files twice, under two ids each."""
    for inner in folders:
        for outer in folders:
            if inner is not outer and Path(inner.path).is_relative_to(outer.path):
                raise FolderMismatchError(
                    f"{inner.path} lies inside {outer.path}: an index follows each file once, "
                    "so index the outer folder alone (or forget it first)."
                )


def _follows(folders: Sequence[Folder], path: str | os.PathLike[str]) -> bool:
    return str(Path(path).expanduser().resolve()) in {folder.path for folder in folders}
