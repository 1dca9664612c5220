"""An index's reports as text lines for a terminal: a sync's summary, a parsed issue, the stats."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from index.safetext import printable

if TYPE_CHECKING:
    from index.writer import IndexReport


def sync_summary(report: IndexReport) -> str:
    """One line saying what a build or sync did, and how long it took."""
    verb = "Built" if report.rebuilt else "Synced"
    return printable(
        f"{verb} {report.index_dir}: {report.issues} issues from {report.folder} — "
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


def stats_lines(stats: dict[str, Any]) -> list[str]:
    """The figures of `index_stats`, aligned, with the newsletters by issue count."""
    dates = f"{stats['first_date'] or '?'} to {stats['last_date'] or '?'}"
    sync = stats["last_sync"] or "never"
    if stats.get("writer"):
        sync += f" (a sync is running now: {stats['writer']})"
    elif not stats["last_sync_complete"]:
        sync += " (interrupted: run `newsletter-search index` to finish it)"
    lines = [
        f"index:          {stats['index_dir']} (schema version {stats['schema_version']})",
        f"folder:         {stats['folder']}",
        f"issues:         {stats['issues']} ({stats['stories']} stories) from {stats['files']}"
        f" files, {stats['files_skipped']} skipped",
        f"dates:          {dates}",
        f"size on disk:   {_megabytes(stats['size_bytes'])}",
        f"last sync:      {sync}",
        "newsletters:",
        *(f"  {count:>7}  {name}" for name, count in stats["newsletters"].items()),
    ]
    return [printable(line) for line in lines]


def _megabytes(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB" if size >= 100_000 else f"{size / 1000:.1f} kB"
