"""The project's one exception tree, shared by `index` and `search`.

    NewsletterSearchError            anything this project raises on purpose
    ├── IssueReadError               one file could not be read or parsed (reported, then skipped)
    ├── IndexMissingError            no index at the given location yet
    ├── IndexUnusableError           index from an older schema version, or a damaged directory
    ├── IndexLockedError             another indexer holds the index's write lock
    ├── FolderMismatchError          folders that cannot be followed as asked (not followed, nested)
    ├── IndexWriteError              writing failed (disk full, permissions); the old index is kept
    ├── NothingIndexedError          a folder held no file that could be indexed
    ├── IssueNotFoundError           no indexed issue has the given id or path
    ├── QueryError                   a query string that cannot be read (says where and what to fix)
    ├── EngineOptionError            an engine, or an option the chosen engine does not offer
    └── ConfigError                  the user's settings file cannot be read or holds a bad value

Every message says what failed and what to do in words that make sense to a Python caller.
Each class carries its exit code, and an error may name a `remedy` (build, rebuild, sync) that a
front end phrases in its own terms: the CLI turns "rebuild" into its command line.
"""

from __future__ import annotations

from typing import ClassVar, Literal

Remedy = Literal["build", "rebuild", "sync", "replace"]

# Exit statuses that are not errors' own (each error class carries its `exit_code`): grep's
# habit of 1 for a search that matched nothing, and the shell's 128 + SIGINT for Ctrl-C.
EXIT_NO_MATCH = 1
EXIT_INTERRUPTED = 130


class NewsletterSearchError(Exception):
    """Base of every error newsletter-search raises on purpose."""

    exit_code: ClassVar[int] = 1  # failure; 2 is misuse (a query or option that cannot be read)
    remedy: Remedy | None = None  # what would put it right, if a command can
    folder: str | None = None  # the folder of issues concerned, when known

    def with_remedy(self, remedy: Remedy, folder: str | None = None) -> NewsletterSearchError:
        """This error, naming what would put it right (and the folder, when known)."""
        self.remedy = remedy
        self.folder = folder or self.folder
        return self


class IssueReadError(NewsletterSearchError):
    """A file could not be read, decoded or parsed as an issue."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


class IndexMissingError(NewsletterSearchError):
    """There is no index at the location asked for."""

    remedy = "build"


class IndexUnusableError(NewsletterSearchError):
    """The index exists but cannot be used as it is (old schema, damaged files)."""

    remedy = "rebuild"


class IndexLockedError(NewsletterSearchError):
    """Another process holds the index's write lock."""


class FolderMismatchError(NewsletterSearchError):
    """Folders that cannot be followed as asked.

    An OpenSearch index follows another folder (syncing would drop that folder's issues: remedy
    "replace"); or a folder to forget is not followed, or lies inside another one followed.
    """


class IndexWriteError(NewsletterSearchError):
    """Writing the index failed; the previous index is left as it was."""

    detail: str = ""  # a worker's traceback, when a bug (not the disk) was the cause


class NothingIndexedError(NewsletterSearchError):
    """The folder held files, but none of them could be indexed."""


class IssueNotFoundError(NewsletterSearchError):
    """No indexed issue has the id or path asked for."""


class QueryError(NewsletterSearchError):
    """A query string that cannot be read; `position` is the 0-based offset of the problem."""

    exit_code = 2

    def __init__(self, message: str, query: str = "", position: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.query = query
        self.position = position

    def __str__(self) -> str:
        if self.position is None or not self.query:
            return self.message
        caret = " " * self.position + "^"
        return f"{self.message} (at position {self.position})\n  {self.query}\n  {caret}"


class EngineOptionError(NewsletterSearchError):
    """An unknown engine, or an option the chosen engine does not offer (misuse)."""

    exit_code = 2


class ConfigError(NewsletterSearchError):
    """The user's settings file is unreadable, not TOML, or holds an unknown or bad setting."""

    exit_code = 2
