"""What a sync reports, whichever engine it wrote to: counts of files, the skipped and why."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ["IndexReport", "Skipped"]


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
    # Every folder the index follows (`folder` is the first).
    folders: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        data = dict(self.__dict__)
        data["skipped"] = [{"path": s.path, "reason": s.reason} for s in self.skipped]
        data["warnings"] = list(self.warnings)
        data["folders"] = list(self.folders)
        return data
