"""The `newsletter-search` command: parses options, calls `index` or `search`, formats, exits.

Exit codes: 0 success, 1 failure (no index, nothing indexed, unusable index, lock held) or a
search that matches nothing (as grep), 2 misuse (bad options, a query that cannot be read).
Results go to stdout; progress and errors to stderr.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import json
import os
import shlex
import shutil
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from index.budget import DEFAULT_FILE_TIMEOUT
from index.errors import (
    EXIT_INTERRUPTED,
    EXIT_NO_MATCH,
    IndexMissingError,
    IssueNotFoundError,
    NewsletterSearchError,
)
from index.safetext import printable
from search.options import DEFAULT_MATCH, DEFAULT_TIMEOUT, MATCH_MODES
from search.settings import FORMATS

if TYPE_CHECKING:
    from index.engines.location import Location
    from index.report import IndexReport, Skipped
    from search.model import Results

INDEX_DIR_HELP = "Index directory (default: $NEWSLETTER_SEARCH_INDEX, else a per-user data folder)."
# One --index-dir for every command; a directory type, so that shells complete it as one.
_index_dir_option = click.option(
    "--index-dir",
    envvar="NEWSLETTER_SEARCH_INDEX",
    type=click.Path(file_okay=False),
    help=INDEX_DIR_HELP,
)
# What `search` exits with, as grep and ripgrep do: scripts test for hits with it.
SEARCH_EXIT_HELP = (
    "Exit status: 0 when something matches, 1 when nothing does (or on a failure such as a "
    "missing index), 2 on misuse (a bad option or a query that cannot be read)."
)


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
        sys.exit(EXIT_INTERRUPTED)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="newsletter-search")
@click.pass_context
def main(ctx: click.Context) -> None:
    """Full-text search for archives of newsletter issues.

    Defaults can be set in a settings file: `newsletter-search config` says where.
    """
    if ctx.invoked_subcommand != "config":
        # click ranks them: options, then environment variables, then these, then its defaults.
        with _errors():
            ctx.default_map = _default_map(_read_settings())


# The commands that take --engine, --url and --index-name.
_ENGINE_COMMANDS = ("index", "search", "similar", "show", "open", "stats", "serve")
# Which commands' options each setting of the settings file gives a default to.
_SETTING_OPTIONS = {
    "index_dir": ("index", "search", "similar", "show", "stats", "serve"),
    "folders": ("index",),  # the FOLDERS `index` follows when given none
    "format": ("search", "similar"),
    "color": ("search", "similar"),
    "match": ("search",),
    **dict.fromkeys(("engine", "url", "index_name"), _ENGINE_COMMANDS),
}
_SETTING_PARAMS = {"format": "fmt"}


def _read_settings() -> dict[str, Any]:
    from search.settings import read_config

    return read_config()


def _default_map(settings: dict[str, Any]) -> dict[str, dict[str, Any]]:
    defaults: dict[str, dict[str, Any]] = {}
    for key, value in settings.items():
        for command in _SETTING_OPTIONS[key]:
            defaults.setdefault(command, {})[_SETTING_PARAMS.get(key, key)] = value
    return defaults


@main.command("config")
def config_command() -> None:
    """Where the settings file is, what it sets, and what it may set."""
    from search.settings import SETTINGS, config_path

    path = config_path()
    click.echo(f"Settings file: {printable(str(path))}{'' if path.exists() else ' (none yet)'}")
    with _errors():
        settings = _read_settings()
    for key, value in settings.items():
        shown = str(value).lower() if isinstance(value, bool) else json.dumps(value)
        click.echo(f"  {key} = {printable(shown)}")
    click.echo("May set (TOML): " + "; ".join(f"{k}: {c.__doc__}" for k, c in SETTINGS.items()))
    click.echo(
        "Options, then $NEWSLETTER_SEARCH_INDEX, override it; $NEWSLETTER_SEARCH_CONFIG "
        "names another file."
    )


# ---------------------------------------------------------------- index


class _Progress:
    """A progress line on stderr while a terminal watches (files done / total, rate, ETA).

    Redrawn at most ten times a second; silent when stderr is not a terminal or with --quiet.
    """

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
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
        columns = shutil.get_terminal_size().columns
        click.echo(
            f"\r\x1b[K{_progress_line(done, total, rate, eta, path, columns)}", nl=False, err=True
        )
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


def _location(engine: str, index_dir: str | None, url: str, index_name: str) -> Location:
    """Where --engine, --index-dir, --url and --index-name say the index is."""
    from index.engines.location import Location
    from search.locate import default_index_dir

    return Location.of(engine, index_dir or default_index_dir(), url, index_name)


def _progress_line(done: int, total: int, rate: float, eta: float, path: str, columns: int) -> str:
    """The progress line, kept within the terminal's width (a wrapped line cannot be redrawn).

    The file's path is shown whole where it fits, else its name (the bar narrows first);
    unprintable characters in it become visible escapes.
    """
    name = printable(path, newlines=False)
    figures = f"{done}/{total} files  {rate:.0f} files/s  ETA {int(eta) // 60}:{int(eta) % 60:02d}"
    room = columns - 1 - len(f"Indexing [] {figures}  {name}")
    width = max(0, min(24, room))
    filled = width * done // total
    bar = f"[{'#' * filled}{'-' * (width - filled)}] " if width >= 5 else ""
    head = f"Indexing {bar}{figures}  "
    space = columns - 1 - len(head)
    if len(name) > space:
        name = name.rsplit("/", 1)[-1]
    if len(name) > space:
        # Too long even without the bar: keep both ends, the start and the extension.
        keep = max(space - 1, 2)
        name = name[: (keep + 1) // 2] + "…" + name[len(name) - keep // 2 :]
    return head + name


# Newsletters and authors `stats` lists without --all.
STATS_TOP = 20

# Skipped files listed on stderr after a sync; --json lists them all.
_SKIPS_SHOWN = 20


@main.command("index")
@click.argument("folders", nargs=-1, type=click.Path(file_okay=False, path_type=str))
@_index_dir_option
@click.option(
    "--rebuild",
    is_flag=True,
    help="Rebuild from scratch instead of syncing (from the FOLDERS given, else from all).",
)
@click.option(
    "--forget",
    multiple=True,
    type=click.Path(file_okay=False, path_type=str),
    help="Stop following this folder and drop its issues (repeatable).",
)
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
@click.option(
    "--quiet",
    "-q",
    is_flag=True,
    help="No progress bar and no summary; only errors, and only files newly skipped.",
)
@click.option(
    "--date-from-mtime/--no-date-from-mtime",
    default=None,
    help="Date an issue that nothing else dates by its file's modification day, marked as "
    "such (remembered by the index; a change re-reads every file).",
)
@click.option(
    "--watch",
    is_flag=True,
    help="Stay running and sync again after each burst of changes in the folder (Ctrl-C stops).",
)
@_engine_options
def index_command(
    folders: tuple[str, ...],
    index_dir: str | None,
    rebuild: bool,
    forget: tuple[str, ...],
    jobs: int | None,
    keep_stale: bool,
    max_size: float,
    lock_timeout: float,
    file_timeout: float,
    follow_symlinks: bool,
    as_json: bool,
    quiet: bool,
    date_from_mtime: bool | None,
    watch: bool,
    engine: str,
    url: str,
    index_name: str,
) -> None:
    """Index FOLDERS, and keep the index in step with every folder it was given.

    An index remembers its folders: without FOLDERS it syncs them all (and the `folders` of the
    settings file). Issues of the first folder have their relative paths as ids; those of each
    later folder start with its label ("label:path").
    """
    from index.engines.location import sync_into
    from search.locate import default_index_dir

    folder = folders[0] if folders else None

    progress = _Progress(enabled=not quiet and sys.stderr.isatty())
    common: dict[str, Any] = {
        "rebuild": rebuild,
        "max_bytes": int(max_size * 1024 * 1024),
        "lock_timeout": lock_timeout,
        "file_timeout": file_timeout or None,
        "follow_symlinks": follow_symlinks,
    }

    location = _location(engine, index_dir, url, index_name)

    def sync() -> IndexReport:
        report: IndexReport = sync_into(
            location,
            folders or None,
            forget=forget,
            jobs=jobs,
            keep_stale=keep_stale,
            progress=progress,
            date_from_mtime=date_from_mtime,
            **common,
        )
        return report

    with _errors(index_dir, folder):
        try:
            report = sync()
        except KeyboardInterrupt:
            # Said here, not by `_errors`: a sync commits checkpoints as it goes.
            progress.close()
            click.echo(
                "Interrupted; the index keeps what was last committed. Run the same command "
                "again to finish.",
                err=True,
            )
            sys.exit(EXIT_INTERRUPTED)
        finally:
            progress.close()
    _print_report(report, as_json, quiet)
    if watch:
        common["rebuild"] = False  # the first sync rebuilt, if asked; the rest follow changes
        # Then every folder the index follows, as remembered: one gone for a while is waited
        # for with its issues kept, not refused as a folder given that does not exist.
        folders, forget, folder = (), (), None
        watched = report.folders or (report.folder,)
        _watch(watched, sync, as_json, quiet, str(index_dir or default_index_dir()))


def _print_report(report: IndexReport, as_json: bool, quiet: bool) -> None:
    if as_json:
        click.echo(json.dumps(report.to_json(), indent=2, ensure_ascii=False))
    else:
        _print_skipped(report.skipped, quiet)
        if not quiet:
            from index.render import sync_summary

            click.echo(sync_summary(report), err=True)
    for warning in report.warnings:
        click.echo(printable(f"Warning: {warning}"), err=True)


def _watch(
    folders: tuple[str, ...],
    sync: Callable[[], IndexReport],
    as_json: bool,
    quiet: bool,
    index_dir: str,
) -> None:
    """index --watch: sync after each burst of changes until Ctrl-C, which stops cleanly."""
    from index.watch import watch_folder

    if not quiet:
        where = ", ".join(folders)
        click.echo(printable(f"Watching {where} for changes (Ctrl-C stops)."), err=True)
    try:
        watch_folder(
            folders,
            sync,
            on_sync=lambda report: _print_report(report, as_json, quiet),
            on_error=lambda message: click.echo(f"Error: {printable(message)}", err=True),
            ignore=(index_dir,),
        )
    except KeyboardInterrupt:
        click.echo("Stopped watching; the index keeps what was last committed.", err=True)


def _print_skipped(skipped_files: tuple[Skipped, ...], quiet: bool) -> None:
    """Files that could not be indexed; with --quiet only those new to this sync, so that a
    cron job's mail stays empty while nothing changes."""
    if quiet:
        skipped_files = tuple(skipped for skipped in skipped_files if not skipped.known)
    for skipped in skipped_files[:_SKIPS_SHOWN]:
        click.echo(printable(f"skipped {skipped.path}: {skipped.reason}"), err=True)
    if len(skipped_files) > _SKIPS_SHOWN:
        more = len(skipped_files) - _SKIPS_SHOWN
        click.echo(f"... and {more} more skipped files (--json lists them all)", err=True)


# ---------------------------------------------------------------- search


def _print_text(results: Results, color: bool, explain: bool, links: bool) -> None:
    from search.render import hyperlink, results_lines

    title, match = None, None
    if color:
        title = functools.partial(click.style, bold=True)
        match = functools.partial(click.style, bold=True, fg="yellow")
    terminal = sys.stdout.isatty()
    width = shutil.get_terminal_size().columns if terminal else None
    link = hyperlink if links else None
    lines = results_lines(
        results, explain=explain, title=title, match=match, width=width, link=link
    )
    for line in lines:
        if line.status:
            click.echo(line.text, err=True)
        else:
            click.echo(line.text, color=color)


def _print_lines(results: Results) -> None:
    """--format line: one hit a line on stdout; notes and the no-hits message on stderr."""
    from search.render import hit_line, results_lines

    for line in results_lines(results):
        if line.status:
            click.echo(line.text, err=True)
    for hit in results.hits:
        click.echo(hit_line(hit))


# Terminals known to show OSC 8 hyperlinks (others may print the escapes as text).
_LINK_TERMINALS = ("iTerm.app", "WezTerm", "vscode", "Hyper", "ghostty", "Tabby")


def _links_shown() -> bool:
    """Whether the terminal is one known to show OSC 8 hyperlinks (`--hyperlinks` forces it)."""
    env = os.environ
    if env.get("TERM_PROGRAM") in _LINK_TERMINALS or env.get("WT_SESSION"):
        return True
    if env.get("KITTY_WINDOW_ID") or env.get("KONSOLE_VERSION") or env.get("DOMTERM"):
        return True
    vte = env.get("VTE_VERSION", "")
    return vte.isdigit() and int(vte) >= 5000


def _use_links(hyperlinks: bool | None, color: bool) -> bool:
    """--hyperlinks/--no-hyperlinks if given, else with colour on a terminal that shows them."""
    return hyperlinks if hyperlinks is not None else color and _links_shown()


def _use_color(color: bool | None) -> bool:
    """--color/--no-color if given, else colour on a terminal unless NO_COLOR or TERM=dumb."""
    if color is not None:
        return color
    if os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    return sys.stdout.isatty()


def _emit(results: Results, fmt: str, color: bool, explain: bool, links: bool = False) -> None:
    if fmt == "json":
        click.echo(json.dumps(results.to_json(), indent=2, ensure_ascii=False))
    elif fmt == "jsonl":
        for hit in results.to_json()["hits"]:
            click.echo(json.dumps(hit, ensure_ascii=False))
    elif fmt == "paths":
        for path in dict.fromkeys(hit.path for hit in results.hits):
            click.echo(printable(path, newlines=False))
    elif fmt == "line":
        _print_lines(results)
    else:
        _print_text(results, color, explain, links)


def _format_options(func: Callable[..., Any]) -> Callable[..., Any]:
    for option in reversed(
        [
            _index_dir_option,
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
                help="Highlight in colour (default: on a terminal, unless NO_COLOR is set or "
                "TERM=dumb).",
            ),
            click.option(
                "--hyperlinks/--no-hyperlinks",
                default=None,
                help="Headlines as terminal hyperlinks to their file or page (default: with "
                "colour, on terminals known to show them).",
            ),
        ]
    ):
        func = option(func)
    return func


def _read_date(value: str | None) -> dt.date | None:
    if value is None:
        return None
    from search.dates import parse_date_expression

    start, end = parse_date_expression(value, dt.date.today())
    return start or end


@main.command("search", epilog=SEARCH_EXIT_HELP)
@click.argument("words", nargs=-1, required=True)
@_format_options
@click.option(
    "--page",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Which page of hits to show.",
)
@click.option("--since", help="Only issues on or after this date (2024-10-01, 2024-10, ...).")
@click.option("--until", help="Only issues on or before this date.")
@click.option("--newsletter", help="Only issues of this newsletter.")
@click.option("--author", help="Only issues by this author.")
@click.option(
    "--sort",
    type=click.Choice(["relevance", "newest", "oldest"]),
    default="relevance",
    show_default=True,
    help="Order of hits: best match first, or by date.",
)
@click.option("--facets", is_flag=True, help="Show counts per newsletter, author and month.")
@click.option("--stories", is_flag=True, help="Rank single stories (lead, briefs), not issues.")
@click.option("--explain", is_flag=True, help="Show how the query was read.")
@click.option(
    "--match",
    type=click.Choice(MATCH_MODES),
    default=DEFAULT_MATCH,
    show_default=True,
    help="Words that must match: all of them (when none has all, any, with a note), or any.",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0, min_open=True),
    default=DEFAULT_TIMEOUT,
    show_default=True,
    help="Seconds a search may run; then it answers from what it has seen, with a note.",
)
@_engine_options
@click.option("--count", is_flag=True, help="Print only the number of hits.")
@click.option("--no-snippets", is_flag=True, help="Leave out the matching text of each hit.")
@click.option(
    "--help-query",
    is_flag=True,
    is_eager=True,
    expose_value=False,
    callback=lambda ctx, _param, value: _print_query_help(ctx) if value else None,
    help="Show the query language and exit.",
)
def search_command(
    words: tuple[str, ...],
    index_dir: str | None,
    limit: int,
    fmt: str,
    as_json: bool,
    color: bool | None,
    hyperlinks: bool | None,
    page: int,
    since: str | None,
    until: str | None,
    newsletter: str | None,
    author: str | None,
    sort: str,
    facets: bool,
    stories: bool,
    explain: bool,
    match: str,
    timeout: float,
    engine: str,
    url: str,
    index_name: str,
    count: bool,
    no_snippets: bool,
) -> None:
    """Search the index: several WORDS form one query (--help-query shows the language)."""
    from search.engine import open_searcher

    fmt = "json" if as_json else fmt
    use_color = _use_color(color)
    with _errors(index_dir):
        until_date = None
        if until is not None:
            from search.dates import parse_date_expression

            start, end = parse_date_expression(until, dt.date.today())
            until_date = end or start
        with open_searcher(_location(engine, index_dir, url, index_name)) as searcher:
            results = searcher.search(
                " ".join(words),
                limit=1 if count else limit,
                page=page,
                since=_read_date(since),
                until=until_date,
                newsletter=newsletter,
                author=author,
                sort=sort,
                facets=facets,
                stories=stories,
                timeout=timeout,
                match=match,
            )
    links = _use_links(hyperlinks, use_color)
    _finish_search(
        results, fmt, use_color, explain, count=count, snippets=not no_snippets, links=links
    )


def _print_query_help(ctx: click.Context) -> None:
    from search.querytext import QUERY_HELP

    click.echo(QUERY_HELP, nl=False)
    ctx.exit(0)


def _finish_search(
    results: Results,
    fmt: str,
    color: bool,
    explain: bool,
    *,
    count: bool,
    snippets: bool,
    links: bool = False,
) -> None:
    """Print the results as asked, then exit 1 when nothing matched (as grep does)."""
    if count:
        for note in results.notes:
            click.echo(f"Note: {printable(note)}", err=True)
        click.echo(str(results.total))
    else:
        if not snippets:
            results = dataclasses.replace(
                results,
                hits=tuple(dataclasses.replace(hit, snippets=()) for hit in results.hits),
            )
        _emit(results, fmt, color, explain, links)
    if not results.total:
        sys.exit(EXIT_NO_MATCH)


@main.command("help")
@click.argument("topic", required=False)
@click.pass_context
def help_command(ctx: click.Context, topic: str | None) -> None:
    """Help on a command (help search) or on the query language (help query)."""
    if topic == "query":
        _print_query_help(ctx)
    parent = ctx.parent
    assert parent is not None
    if topic is None:
        click.echo(main.get_help(parent))
        return
    command = main.get_command(parent, topic)
    if command is None:
        names = ", ".join(["query", *main.list_commands(parent)])
        raise click.UsageError(f"No help on {topic!r}: ask for one of {names}.")
    with click.Context(command, info_name=topic, parent=parent) as sub:
        click.echo(command.get_help(sub))


@main.command("similar")
@click.argument("id_or_path")
@_format_options
@_engine_options
def similar_command(
    id_or_path: str,
    index_dir: str | None,
    limit: int,
    fmt: str,
    as_json: bool,
    color: bool | None,
    hyperlinks: bool | None,
    engine: str,
    url: str,
    index_name: str,
) -> None:
    """Issues most like the one with this id or path."""
    from search.engine import open_searcher

    fmt = "json" if as_json else fmt
    use_color = _use_color(color)
    location = _location(engine, index_dir, url, index_name)
    with _errors(index_dir), open_searcher(location) as searcher:
        results = searcher.similar(id_or_path, limit=limit)
    _emit(results, fmt, use_color, False, _use_links(hyperlinks, use_color))


# ---------------------------------------------------------------- show, stats


@main.command("show")
@click.argument("path_or_id")
@_index_dir_option
@click.option("--json", "as_json", is_flag=True, help="Print the parse as JSON.")
@click.option(
    "--raw",
    is_flag=True,
    help="Print the source text instead (an mbox's message alone), control characters escaped.",
)
@_engine_options
def show_command(
    path_or_id: str,
    index_dir: str | None,
    as_json: bool,
    raw: bool,
    engine: str,
    url: str,
    index_name: str,
) -> None:
    """Show how a file (or an indexed issue or story, by id) is parsed: every field."""
    with _errors(index_dir):
        if raw:
            text = _inspect(_location(engine, index_dir, url, index_name), path_or_id, raw=True)
            click.echo(printable(text), nl=not text.endswith("\n"))
            return
        issues = _inspect(_location(engine, index_dir, url, index_name), path_or_id)
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


def _inspect(location: Location, path_or_id: str, raw: bool = False) -> Any:
    """How a file or an indexed issue parses (`raw`: its source text), asked of the index.

    A file can be shown without any index: then it is read as it is, its id its file name.
    """
    from index.describe import describe_file, file_source
    from search.engine import open_searcher

    try:
        searcher = open_searcher(location)
    except IndexMissingError as error:
        if not Path(path_or_id).expanduser().is_file():
            raise IssueNotFoundError(
                f"{path_or_id!r} is neither a file nor the id of an indexed issue ({error})"
            ) from error
        return file_source(path_or_id) if raw else describe_file(path_or_id)
    with searcher:
        return searcher.source_text(path_or_id) if raw else searcher.describe(path_or_id)


@main.command("open")
@click.argument("path_or_id")
@_index_dir_option
@click.option(
    "--link", is_flag=True, help="Open a story's link (its web page) instead of its file."
)
@_engine_options
def open_command(
    path_or_id: str, index_dir: str | None, link: bool, engine: str, url: str, index_name: str
) -> None:
    """Open an issue's source file (by id or path) with the system's opener."""
    with _errors(index_dir):
        found = _inspect(_location(engine, index_dir, url, index_name), path_or_id)[0]
        if link:
            target = str(found.get("link") or "")
            if not target.startswith(("https://", "http://")):
                raise IssueNotFoundError(f"{path_or_id!r} has no web link to open.")
        else:
            target = str(found["path"])
        click.echo(f"Opening {printable(target, newlines=False)}", err=True)
        if click.launch(target) != 0:
            raise NewsletterSearchError("The system's opener failed (is one installed?).")


@main.command("stats")
@_index_dir_option
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
@click.option(
    "--all",
    "show_all",
    is_flag=True,
    help=f"List every newsletter and author, not only the top {STATS_TOP}.",
)
@_engine_options
def stats_command(
    index_dir: str | None,
    as_json: bool,
    show_all: bool,
    engine: str,
    url: str,
    index_name: str,
) -> None:
    """Figures about the index: issues per newsletter, dates, size, last sync."""
    from search.engine import open_searcher

    location = _location(engine, index_dir, url, index_name)
    with _errors(index_dir), open_searcher(location) as searcher:
        stats = searcher.stats()
    if as_json:
        click.echo(json.dumps(stats, indent=2, ensure_ascii=False))
        return
    from index.render import stats_lines

    for line in stats_lines(stats, None if show_all else STATS_TOP, " (--all lists them)"):
        click.echo(line)


# ---------------------------------------------------------------- serve


@main.command("serve")
@_index_dir_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8000,
    show_default=True,
    help="Port to listen on.",
)
@_engine_options
def serve_command(
    index_dir: str | None, host: str, port: int, engine: str, url: str, index_name: str
) -> None:
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
            _location(engine, index_dir, url, index_name),
            host,
            port,
            announce=lambda url: click.echo(f"Serving on {url} (Ctrl-C to stop)", err=True),
        )


if __name__ == "__main__":
    main()
