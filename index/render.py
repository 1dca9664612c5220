"""An index's reports as text lines for a terminal: a sync's summary, a parsed issue, the stats."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from index.safetext import printable

if TYPE_CHECKING:
    from index.report import IndexReport


def count(number: int, word: str, plural: str | None = None) -> str:
    """`1 issue`, `2 issues`: the number and the noun that agrees with it."""
    return f"{number} {word if number == 1 else plural or word + 's'}"


def sync_summary(report: IndexReport) -> str:
    """One line saying what a build or sync did, and how long it took."""
    verb = "Built" if report.rebuilt else "Synced"
    # Issues and files apart: an mbox is one file of many issues.
    files = report.added + report.updated + report.unchanged
    return printable(
        f"{verb} {report.index_dir}: {count(report.issues, 'issue')} in {count(files, 'file')} "
        f"from {', '.join(report.folders or (report.folder,))} — files: "
        f"{report.added} added, {report.updated} updated, {report.removed} removed, "
        f"{report.unchanged} unchanged, {len(report.skipped)} skipped"
        + (f" ({report.kept_stale} kept stale)" if report.kept_stale else "")
        + f" in {report.seconds:.1f} s."
    )


def issue_lines(issue: dict[str, Any]) -> list[str]:
    """Every field of a parsed issue (as `describe_issues` gives it), one or more lines each."""
    lines: list[str] = []
    for key, value in issue.items():
        if key == "briefs":
            lines.append(f"briefs: {len(value)}")
            for brief in value:
                author = f" — {brief['author']}" if brief["author"] else ""
                section = f"[{brief['section']}] " if brief["section"] else ""
                lines.append(f"  {section}{brief['headline']}{author}")
                if brief["text"]:
                    lines.append(f"      {brief['text']}")
                if brief["link"]:
                    lines.append(f"      <{brief['link']}>")
        elif isinstance(value, list):
            lines.append(f"{key}: {', '.join(map(str, value))}")
        elif key == "body":
            lines.append(f"body ({len(value)} characters):")
            lines.extend(f"  {paragraph}" for paragraph in str(value).split("\n\n"))
        else:
            lines.append(f"{key}: {value if value is not None else ''}")
    # Parsed fields carry no control characters, but a file given to `show` may have any name.
    return [printable(line) for line in lines]


def _ranked(title: str, counts: dict[str, int], top: int | None, more: str) -> list[str]:
    """A heading and `count  name` lines, the first `top` of them, then how many were left out."""
    if not counts:
        return []
    shown = list(counts.items())[:top] if top is not None else list(counts.items())
    lines = [f"{title}:", *(f"  {n:>7}  {name}" for name, n in shown)]
    if len(counts) > len(shown):
        lines.append(f"  ... and {len(counts) - len(shown)} more{more}")
    return lines


def stats_lines(stats: dict[str, Any], top: int | None = None, more: str = "") -> list[str]:
    """The figures of `index_stats`, aligned, with the newsletters and authors by issue count.

    `top` keeps the first so many of each list; `more` follows the count of those left out.
    """
    dates = f"{stats['first_date'] or '?'} to {stats['last_date'] or '?'}"
    sync = stats["last_sync"] or "never"
    if stats.get("writer"):
        sync += f" (a sync is running now: {stats['writer']})"
    elif not stats["last_sync_complete"]:
        sync += " (interrupted: run `newsletter-search index` to finish it)"
    lines = [
        f"index:          {stats['index_dir']} (schema version {stats['schema_version']})",
        *_folders(stats),
        f"issues:         {stats['issues']} ({count(stats['stories'], 'story', 'stories')}) from"
        f" {count(stats['files'], 'file')}, {stats['files_skipped']} skipped",
        f"dates:          {dates}",
        f"size on disk:   {_megabytes(stats['size_bytes'])}",
        f"last sync:      {sync}",
        *_ranked("newsletters", stats["newsletters"], top, more),
        *_ranked("authors", stats.get("authors", {}), top, more),
    ]
    return [printable(line) for line in lines]


def _folders(stats: dict[str, Any]) -> list[str]:
    """The folder an index follows, or each of several with the label its ids start with."""
    listed = stats.get("folders") or [{"path": stats["folder"], "label": ""}]
    if len(listed) == 1:
        return [f"folder:         {listed[0]['path']}"]
    lines = []
    for n, folder in enumerate(listed):
        label = f" (ids start with {folder['label']}:)" if folder["label"] else ""
        lines.append(f"{'folders:' if n == 0 else '':<16}{folder['path']}{label}")
    return lines


def _megabytes(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB" if size >= 100_000 else f"{size / 1000:.1f} kB"
