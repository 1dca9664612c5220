"""The `newsletter-search` command: parses options, calls `index` or `search`, formats, exits.

Exit codes: 0 success, 1 failure (no index, nothing indexed, unusable index, lock held), 2 misuse
(bad options, a query that cannot be read). Results go to stdout; progress and errors to stderr.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import shlex
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from index.budget import DEFAULT_FILE_TIMEOUT
from index.errors import NewsletterSearchError
from index.safetext import printable
from search.searcher import DEFAULT_TIMEOUT

if TYPE_CHECKING:
    from search.model import Results

INDEX_DIR_HELP = "Index directory (default: $NEWSLETTER_SEARCH_INDEX, else a per-user data folder)."
FORMATS = ("text", "json", "jsonl", "paths")


def _remedy(
    error: NewsletterSearchError, index_dir: str | None, folder_given: str | None
) -> str | None:
    """The command line that would put an error right, in this CLI's own words."""
    where = f" --index-dir {shlex.quote(index_dir)}" if index_dir else ""
    named = error.folder or folder_given
    folder = f" {shlex.quote(named)}" if named else ""
    if error.remedy == "build":
        if index_dir and _holds_issues(index_dir):
            return (
                f"{index_dir} holds files but no index. To index it, keep the index elsewhere: "
                f"newsletter-search index {shlex.quote(index_dir)} --index-dir INDEX_DIR"
            )
        return f"Build it with: newsletter-search index FOLDER{where}"
    if error.remedy == "rebuild":
        return f"Rebuild it with: newsletter-search index{folder or ' [FOLDER]'} --rebuild{where}"
    if error.remedy == "replace":
        return (
            f"To replace its issues: newsletter-search index{folder} --rebuild{where}\n"
            f"To keep both, index{folder or ' the folder'} into a directory of its own: "
            "--index-dir OTHER_DIR"
        )
    if error.remedy == "sync":
        return f"Run: newsletter-search index{where}"
    return None


def _holds_issues(index_dir: str) -> bool:
    """Whether a would-be index directory is really a folder of something else."""
    path = Path(index_dir).expanduser()
    return path.is_dir() and any(not child.name.startswith(".") for child in path.iterdir())


@contextmanager
def _errors(index_dir: str | None = None, folder: str | None = None) -> Iterator[None]:
    """Map the project's exception tree to messages and exit codes, in one place.

    Each exception class carries its exit code; its `remedy` becomes a command line here.
    """
    try:
        yield
    except NewsletterSearchError as error:
        click.echo(f"Error: {printable(str(error))}", err=True)
        hint = _remedy(error, index_dir, folder)
        if hint:
            click.echo(printable(hint), err=True)
        sys.exit(error.exit_code)
    except KeyboardInterrupt:
        click.echo("Interrupted; the last committed index is unchanged.", err=True)
        sys.exit(130)


@click.group()
@click.version_option(package_name="newsletter-search")
def main() -> None:
    """Full-text search for archives of newsletter issues."""


# ---------------------------------------------------------------- index


class _Progress:
    """A progress line on stderr while a terminal watches (files done / total, rate, ETA).

    Redrawn at most ten times a second; silent when stderr is not a terminal or with --quiet.
    """

    def __init__(self, enabled: bool, width: int = 24) -> None:
        self.enabled = enabled
        self.width = width
        self.started = time.monotonic()
        self.drawn = 0.0
        self.shown = False

    def __call__(self, done: int, total: int, path: str) -> None:
        if not self.enabled or total <= 0:
            return
        now = time.monotonic()
        if done < total and now - self.drawn < 0.1:
            return
        self.drawn = now
        elapsed = max(now - self.started, 1e-6)
        rate = done / elapsed
        eta = (total - done) / rate if rate > 0 else 0.0
        filled = self.width * done // total
        bar = "#" * filled + "-" * (self.width - filled)
        line = (
            f"Indexing [{bar}] {done}/{total} files  {rate:.0f} files/s  "
            f"ETA {int(eta) // 60}:{int(eta) % 60:02d}  {printable(path, newlines=False)[-30:]}"
        )
        click.echo(f"\r\x1b[K{line}", nl=False, err=True)
        self.shown = True

    def close(self) -> None:
        """Clear the progress line (the summary line follows)."""
        if self.shown:
            click.echo("\r\x1b[K", nl=False, err=True)
            self.shown = False


def _engine_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """--engine/--url/--index-name: keep the index in an OpenSearch cluster instead of a folder."""
    for option in reversed(
        [
            click.option(
                "--engine",
                type=click.Choice(["whoosh", "opensearch"]),
                default="whoosh",
                show_default=True,
                envvar="NEWSLETTER_SEARCH_ENGINE",
                help="Where the index lives: a local folder (whoosh) or an OpenSearch cluster.",
            ),
            click.option(
                "--url",
                envvar="NEWSLETTER_SEARCH_URL",
                default="http://127.0.0.1:9200",
                show_default=True,
                help="OpenSearch URL (with --engine opensearch).",
            ),
            click.option(
                "--index-name",
                envvar="NEWSLETTER_SEARCH_INDEX_NAME",
                default="newsletters",
                show_default=True,
                help="OpenSearch index name (with --engine opensearch).",
            ),
        ]
    ):
        func = option(func)
    return func


# Skipped files listed on stderr after a sync; --json lists them all.
_SKIPS_SHOWN = 20


@main.command("index")
@click.argument("folder", required=False, type=click.Path(file_okay=False, path_type=str))
@click.option("--index-dir", envvar="NEWSLETTER_SEARCH_INDEX", help=INDEX_DIR_HELP)
@click.option("--rebuild", is_flag=True, help="Rebuild from scratch instead of syncing.")
@click.option(
    "--jobs",
    type=click.IntRange(min=1),
    help="Processes that parse and index (default: one per idle CPU; used from 500 files up).",
)
@click.option("--keep-stale", is_flag=True, help="Keep the old version of files that now fail.")
@click.option(
    "--max-size",
    type=click.FloatRange(min=0.001),
    default=20.0,
    show_default=True,
    help="Skip files larger than this many MB.",
)
@click.option(
    "--lock-timeout",
    type=click.FloatRange(min=0),
    default=10.0,
    show_default=True,
    help="Seconds to wait for another indexer to finish.",
)
@click.option(
    "--file-timeout",
    type=click.FloatRange(min=0),
    default=DEFAULT_FILE_TIMEOUT,
    show_default=True,
    help="Skip a file whose reading takes longer than this many seconds (0: no limit).",
)
@click.option(
    "--follow-symlinks/--no-follow-symlinks",
    default=True,
    show_default=True,
    help="Index files that symbolic links point to, even outside FOLDER.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
@_engine_options
def index_command(
    folder: str | None,
    index_dir: str | None,
    rebuild: bool,
    jobs: int | None,
    keep_stale: bool,
    max_size: float,
    lock_timeout: float,
    file_timeout: float,
    follow_symlinks: bool,
    as_json: bool,
    quiet: bool,
    engine: str,
    url: str,
    index_name: str,
) -> None:
    """Index FOLDER (or re-sync the folder the index was built from)."""
    from index import sync_index
    from search.locate import default_index_dir

    progress = _Progress(enabled=not quiet and sys.stderr.isatty())
    with _errors(index_dir, folder):
        try:
            common: dict[str, Any] = {
                "rebuild": rebuild,
                "max_bytes": int(max_size * 1024 * 1024),
                "lock_timeout": lock_timeout,
                "file_timeout": file_timeout or None,
                "follow_symlinks": follow_symlinks,
            }
            if engine == "opensearch":
                from index.engines.opensearch_engine import sync_opensearch

                report = sync_opensearch(folder, url, index_name, **common)
            else:
                report = sync_index(
                    folder,
                    index_dir or default_index_dir(),
                    jobs=jobs,
                    keep_stale=keep_stale,
                    progress=progress,
                    **common,
                )
        except KeyboardInterrupt:
            # Said here, not by `_errors`: a sync commits checkpoints as it goes.
            progress.close()
            click.echo(
                "Interrupted; the index keeps what was last committed. Run the same command "
                "again to finish.",
                err=True,
            )
            sys.exit(130)
        finally:
            progress.close()
    if as_json:
        click.echo(json.dumps(report.to_json(), indent=2, ensure_ascii=False))
    else:
        for skipped in report.skipped[:_SKIPS_SHOWN]:
            click.echo(printable(f"skipped {skipped.path}: {skipped.reason}"), err=True)
        if len(report.skipped) > _SKIPS_SHOWN:
            more = len(report.skipped) - _SKIPS_SHOWN
            click.echo(f"... and {more} more skipped files (--json lists them all)", err=True)
        if not quiet:
            from index.render import sync_summary

            click.echo(sync_summary(report), err=True)
    for warning in report.warnings:
        click.echo(printable(f"Warning: {warning}"), err=True)


# ---------------------------------------------------------------- search


def _print_text(results: Results, color: bool, explain: bool) -> None:
    from search.render import results_lines

    title, match = None, None
    if color:
        title = functools.partial(click.style, bold=True)
        match = functools.partial(click.style, bold=True, fg="yellow")
    for line in results_lines(results, explain=explain, title=title, match=match):
        if line.status:
            click.echo(line.text, err=True)
        else:
            click.echo(line.text, color=color)


def _emit(results: Results, fmt: str, color: bool, explain: bool) -> None:
    if fmt == "json":
        click.echo(json.dumps(results.to_json(), indent=2, ensure_ascii=False))
    elif fmt == "jsonl":
        for hit in results.to_json()["hits"]:
            click.echo(json.dumps(hit, ensure_ascii=False))
    elif fmt == "paths":
        for path in dict.fromkeys(hit.path for hit in results.hits):
            click.echo(printable(path, newlines=False))
    else:
        _print_text(results, color, explain)


def _format_options(func: Callable[..., Any]) -> Callable[..., Any]:
    for option in reversed(
        [
            click.option("--index-dir", envvar="NEWSLETTER_SEARCH_INDEX", help=INDEX_DIR_HELP),
            click.option(
                "--limit",
                "-n",
                type=click.IntRange(min=1),
                default=10,
                show_default=True,
                help="Hits per page.",
            ),
            click.option(
                "--format",
                "fmt",
                type=click.Choice(FORMATS),
                default="text",
                show_default=True,
                help="Output format.",
            ),
            click.option("--json", "as_json", is_flag=True, help="Same as --format json."),
            click.option(
                "--color/--no-color",
                default=None,
                help="Highlight in colour (default: only on a terminal).",
            ),
        ]
    ):
        func = option(func)
    return func


def _read_date(value: str | None) -> dt.date | None:
    if value is None:
        return None
    from search.query import parse_date_expression

    start, end = parse_date_expression(value, dt.date.today())
    return start or end


@main.command("search")
@click.argument("words", nargs=-1, required=True)
@_format_options
@click.option("--page", type=click.IntRange(min=1), default=1, show_default=True)
@click.option("--since", help="Only issues on or after this date (2024-10-01, 2024-10, ...).")
@click.option("--until", help="Only issues on or before this date.")
@click.option("--newsletter", help="Only issues of this newsletter.")
@click.option("--author", help="Only issues by this author.")
@click.option(
    "--sort",
    type=click.Choice(["relevance", "newest", "oldest"]),
    default="relevance",
    show_default=True,
)
@click.option("--facets", is_flag=True, help="Show counts per newsletter, author and month.")
@click.option("--stories", is_flag=True, help="Rank single stories (lead, briefs), not issues.")
@click.option("--explain", is_flag=True, help="Show how the query was read.")
@click.option(
    "--timeout",
    type=click.FloatRange(min=0, min_open=True),
    default=DEFAULT_TIMEOUT,
    show_default=True,
    help="Seconds a search may run; then it answers from what it has seen, with a note.",
)
@_engine_options
def search_command(
    words: tuple[str, ...],
    index_dir: str | None,
    limit: int,
    fmt: str,
    as_json: bool,
    color: bool | None,
    page: int,
    since: str | None,
    until: str | None,
    newsletter: str | None,
    author: str | None,
    sort: str,
    facets: bool,
    stories: bool,
    explain: bool,
    timeout: float,
    engine: str,
    url: str,
    index_name: str,
) -> None:
    """Search the index: several WORDS form one query (see README for the query language)."""
    from search import search

    fmt = "json" if as_json else fmt
    use_color = sys.stdout.isatty() if color is None else color
    with _errors(index_dir):
        until_date = None
        if until is not None:
            from search.query import parse_date_expression

            start, end = parse_date_expression(until, dt.date.today())
            until_date = end or start
        if engine == "opensearch":
            from search.opensearch_searcher import OpenSearchSearcher

            opensearch = OpenSearchSearcher(url=url, index_name=index_name)
            run: Callable[..., Results] = opensearch.search
        else:
            run = functools.partial(search, index_dir)
        results = run(
            " ".join(words),
            limit=limit,
            page=page,
            since=_read_date(since),
            until=until_date,
            newsletter=newsletter,
            author=author,
            sort=sort,
            facets=facets,
            stories=stories,
            timeout=timeout,
        )
    _emit(results, fmt, use_color, explain)


@main.command("similar")
@click.argument("id_or_path")
@_format_options
def similar_command(
    id_or_path: str,
    index_dir: str | None,
    limit: int,
    fmt: str,
    as_json: bool,
    color: bool | None,
) -> None:
    """Issues most like the one with this id or path."""
    from search import Searcher

    fmt = "json" if as_json else fmt
    use_color = sys.stdout.isatty() if color is None else color
    with _errors(index_dir), Searcher(index_dir) as searcher:
        results = searcher.similar(id_or_path, limit=limit)
    _emit(results, fmt, use_color, False)


# ---------------------------------------------------------------- show, stats


@main.command("show")
@click.argument("path_or_id")
@click.option("--index-dir", envvar="NEWSLETTER_SEARCH_INDEX", help=INDEX_DIR_HELP)
@click.option("--json", "as_json", is_flag=True, help="Print the parse as JSON.")
def show_command(path_or_id: str, index_dir: str | None, as_json: bool) -> None:
    """Show how a file (or an indexed issue, by id) is parsed: every field."""
    from index import describe_issues
    from search.locate import default_index_dir

    with _errors(index_dir):
        issues = describe_issues(path_or_id, index_dir or default_index_dir())
    if as_json:
        click.echo(
            json.dumps(issues if len(issues) > 1 else issues[0], indent=2, ensure_ascii=False)
        )
        return
    from index.render import issue_lines

    for number, issue in enumerate(issues):
        if number:
            click.echo("")
        for line in issue_lines(issue):
            click.echo(line)


@main.command("stats")
@click.option("--index-dir", envvar="NEWSLETTER_SEARCH_INDEX", help=INDEX_DIR_HELP)
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
def stats_command(index_dir: str | None, as_json: bool) -> None:
    """Figures about the index: issues per newsletter, dates, size, last sync."""
    from index import index_stats
    from search.locate import default_index_dir

    with _errors(index_dir):
        stats = index_stats(index_dir or default_index_dir())
    if as_json:
        click.echo(json.dumps(stats, indent=2, ensure_ascii=False))
        return
    from index.render import stats_lines

    for line in stats_lines(stats):
        click.echo(line)


# ---------------------------------------------------------------- serve


@main.command("serve")
@click.option("--index-dir", envvar="NEWSLETTER_SEARCH_INDEX", help=INDEX_DIR_HELP)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True)
def serve_command(index_dir: str | None, host: str, port: int) -> None:
    """Serve a search page for the index in a browser (local only unless --host says otherwise)."""
    from web import is_loopback, serve

    if not is_loopback(host):
        click.echo(
            f"Warning: listening on {host}: anyone who can reach this machine can search the "
            "index and read the indexed files.",
            err=True,
        )
    with _errors(index_dir):
        serve(
            index_dir,
            host,
            port,
            announce=lambda url: click.echo(f"Serving on {url} (Ctrl-C to stop)", err=True),
        )


if __name__ == "__main__":
    main()
