"""README.md as a test: every command it shows runs; every query-language row finds what it says.

The README is read when the tests are collected, so a line added to it is covered without editing
this file. Commands run through click's CliRunner against a copy of `examples/`; query rows run
through the CLI and the API and are compared with the oracle (tests/search/oracle.py).
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shlex
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

import cli
from index import build_index
from index.analysis import tokenize
from index.documents import documents
from search import Searcher
from search.querytree import parse_tree
from tests.search.differential import compare
from tests.search.oracle import ISSUE_SCOPED, USER_FIELDS, Oracle, from_parse_tree, oracle_of

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
COMMAND = "newsletter-search"


def _sh_blocks(text: str) -> list[str]:
    return re.findall(r"^```sh\n(.*?)^```", text, flags=re.M | re.S)


def section(title: str) -> str:
    """The text of one `## title` section of README.md."""
    return README.read_text(encoding="utf-8").split(f"## {title}\n", 1)[1].split("\n## ", 1)[0]


def code_blocks(text: str, language: str) -> list[str]:
    return re.findall(rf"^```{language}\n(.*?)^```", text, flags=re.M | re.S)


def readme_commands() -> list[str]:
    """Every `newsletter-search ...` line of README.md's sh blocks, comments dropped."""
    found = []
    for block in _sh_blocks(README.read_text(encoding="utf-8")):
        for line in block.splitlines():
            words = shlex.split(line, comments=True)
            if words and words[0] == COMMAND:
                found.append(shlex.join(words))
    return found


def setup_lines() -> list[str]:
    """The README's set-up lines (fresh venv, install, then commands), checked for shape."""
    return [
        line
        for block in _sh_blocks(README.read_text(encoding="utf-8"))
        for line in block.splitlines()
        if line.startswith("python3 -m venv")
    ]


def query_rows() -> list[tuple[str, list[str]]]:
    """(row's description, the queries in its first cell) for the "Query language" table."""
    text = README.read_text(encoding="utf-8")
    section = text.split("## Query language", 1)[1].split("\n## ", 1)[0]
    rows = []
    for line in section.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) < 2 or not line.startswith("|") or set(cells[0]) <= {"-"}:
            continue
        queries = re.findall(r"`([^`]+)`", cells[0])
        if queries:
            rows.append((cells[1], queries))
    return rows


# --- the examples index -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def examples(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Path]]:
    """(a copy of examples/, its index), built once for this module."""
    root = tmp_path_factory.mktemp("readme")
    folder = root / "examples"
    shutil.copytree(ROOT / "examples", folder)
    index_dir = root / "index"
    build_index(folder, index_dir, jobs=1)
    yield folder, index_dir
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="module")
def oracle(examples: tuple[Path, Path]) -> Oracle:
    return oracle_of(examples[0])


def run(args: list[str]) -> Result:
    return CliRunner().invoke(cli.main, args, catch_exceptions=True)


def _no_crash(result: Result) -> None:
    assert "Traceback" not in result.output
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"{type(result.exception).__name__}: {result.exception}")


def localize(command: str, folder: Path, index_dir: Path) -> list[str]:
    """The README command's arguments for the test's copy: paths, placeholder, index folder."""
    args = shlex.split(command)[1:]
    out = []
    skip = False
    for arg in args:
        if skip:
            skip = False
            continue
        if arg == "--index-dir":
            skip = True
            continue
        if arg == "FOLDER" or arg == "examples":
            arg = str(folder)
        elif arg == "OTHER_FOLDER":
            arg = str(_other_folder(folder))
        elif arg.startswith("examples/"):
            arg = str(folder / arg.removeprefix("examples/"))
        out.append(arg)
    return [*out, "--index-dir", str(index_dir)]


def _other_folder(folder: Path) -> Path:
    """A second folder beside the examples' copy: one issue, in words no README query uses."""
    other = folder.parent / "other"
    if not other.exists():
        other.mkdir()
        (other / "apiary.txt").write_text(
            "Apiary log\nThe hives wintered well; propolis and comb were weighed.\n",
            encoding="utf-8",
        )
    return other


def test_the_readme_shows_commands() -> None:
    commands = readme_commands()
    assert len(commands) >= 8
    for name in ("index", "search", "similar", "show", "stats"):
        assert any(c.split()[1] == name for c in commands), name


# Commands that run until interrupted: started as a process, asked for their page, stopped.
SERVERS = frozenset({"serve"})


def _serve(args: list[str]) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    code = "import sys, cli; sys.argv[0] = 'newsletter-search'; cli.main()"
    process = subprocess.Popen(
        [sys.executable, "-c", code, *args, "--port", str(port)],
        cwd=ROOT,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stderr is not None
        announced = process.stderr.readline()
        assert f"127.0.0.1:{port}" in announced, announced
        assert _page_status(f"http://127.0.0.1:{port}/") == 200
    finally:
        process.terminate()
        _, errors = process.communicate(timeout=30)
    assert "Traceback" not in errors


def _page_status(url: str) -> int:
    """The page's HTTP status, once the server listens (it announces itself just before)."""
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(url, timeout=30) as page:
                return int(page.status)
        except urllib.error.URLError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


@pytest.mark.parametrize("command", readme_commands())
def test_readme_command_runs(command: str, examples: tuple[Path, Path]) -> None:
    folder, index_dir = examples
    if command.split()[1] in SERVERS:
        _serve(localize(command, folder, index_dir))
        return
    args = localize(command, folder, index_dir)
    if "--forget" in args:  # run alone too: the folder to forget is followed first
        run(["index", str(folder), str(_other_folder(folder)), "--index-dir", str(index_dir)])
    result = run(args)
    _no_crash(result)
    assert result.exit_code == 0, result.output
    if command.split()[1] in ("similar", "show", "stats"):
        assert result.stdout.strip(), "prints nothing"


@pytest.mark.parametrize("line", setup_lines())
def test_setup_line_has_the_documented_shape(line: str, examples: tuple[Path, Path]) -> None:
    steps = [step.strip() for step in line.split("&&")]
    assert steps[0] == "python3 -m venv .venv"
    install = shlex.split(steps[1])
    assert install[:2] == [".venv/bin/pip", "install"]
    # Installs this project (the folder itself, editable or not, with or without extras).
    assert install[-1] in (".", "-e", ".[test]") or install[-1].startswith(".[")
    for step in steps[2:]:
        words = shlex.split(step)
        assert words[0] in (".venv/bin/newsletter-search", ".venv/bin/pytest"), step
        if words[0].endswith(COMMAND):
            folder, index_dir = examples
            result = run(localize(shlex.join([COMMAND, *words[1:]]), folder, index_dir))
            _no_crash(result)
            assert result.exit_code == 0, result.output
    if "pytest" in line:
        assert "[test]" in line
        assert (ROOT / ".ci" / "run").read_text(encoding="utf-8").count(".venv/bin/pytest")


# --- the query-language table -------------------------------------------------------------------


def _word_in(oracle: Oracle, field: str) -> str:
    """A word that the field holds in some example issue (the row shows the field alone)."""
    for issue in oracle.issues:
        fields = next(documents(issue))
        for name in ISSUE_SCOPED[field]:
            for word, _, _ in tokenize(str(fields.get(name) or "")):
                if len(word) > 3 and word.isalpha():
                    return word
    raise AssertionError(f"no example issue has a {field}")


def runnable(shown: str, oracle: Oracle) -> str:
    """A query of the table made runnable: a field shown alone gets a word it holds."""
    if shown.endswith(":") and shown[:-1] in USER_FIELDS:
        return f"{shown}{_word_in(oracle, shown[:-1])}"
    return shown.replace("…", "port OR flood")


def shown_queries() -> list[str]:
    return [text for _, shown in query_rows() for text in shown]


def test_the_table_has_its_rows() -> None:
    rows = query_rows()
    assert len(rows) >= 6
    shown = shown_queries()
    for field in USER_FIELDS:
        assert f"{field}:" in shown or any(q.startswith(f"{field}:") for q in shown), field


def _expected(oracle: Oracle, text: str, stories: bool) -> set[str]:
    tree = from_parse_tree(parse_tree(text, dt.date.today()).tree)
    return oracle.search(tree, stories=stories)


# Rows that fail for a known defect: (shown query, "issues" | "stories") -> reason. Strict: a fix
# shows as XPASS, and the entry goes. (Issue 15's date crash and wrong totals are fixed.)
KNOWN_ROWS: dict[tuple[str, str], str] = {}


def _row_params() -> list[object]:
    params = []
    for shown in shown_queries():
        for kind in ("issues", "stories"):
            reason = KNOWN_ROWS.get((shown, kind))
            marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
            params.append(pytest.param(shown, kind, marks=marks, id=f"{shown}-{kind}"))
    return params


@pytest.mark.parametrize(("shown", "kind"), _row_params())
def test_row_through_the_api(
    examples: tuple[Path, Path], oracle: Oracle, shown: str, kind: str
) -> None:
    text, today = runnable(shown, oracle), dt.date.today()
    tree = from_parse_tree(parse_tree(text, today).tree)
    with Searcher(examples[1]) as searcher:
        found = compare(searcher, oracle, text, tree, {"stories": kind == "stories"}, today)
    assert not found, f"{text!r}: {found}"


@pytest.mark.parametrize(("shown", "kind"), _row_params())
def test_row_through_the_cli(
    examples: tuple[Path, Path], oracle: Oracle, shown: str, kind: str
) -> None:
    text = runnable(shown, oracle)
    args = ["search", text, "--json", "--limit", "1000", "--index-dir", str(examples[1])]
    result = run(args + (["--stories"] if kind == "stories" else []))
    _no_crash(result)
    expected = _expected(oracle, text, kind == "stories")
    # As grep: 1 when nothing matches.
    assert result.exit_code == (0 if expected else 1), result.output
    data = json.loads(result.stdout)
    ids = [hit["id"] for hit in data["hits"]]
    assert (sorted(ids), data["total"]) == (sorted(expected), len(expected))


def test_all_words_rank_first(examples: tuple[Path, Path], oracle: Oracle) -> None:
    """Row 1: issues with all of the words come before those with only some of them."""
    row = query_rows()[0][1][0]
    # On the examples the row's own words may find nothing: then the README's first search.
    for text in (row, "heat pump subsidy"):
        words = text.split()
        every = set.intersection(*(_expected(oracle, word, False) for word in words))
        some = set.union(*(_expected(oracle, word, False) for word in words))
        if every and some - every:
            break
    assert every and some - every, "no query to tell all words from some"
    with Searcher(examples[1]) as searcher:
        ranked = [hit.id for hit in searcher.search(text, limit=100).hits]
    assert set(ranked[: len(every)]) == every


def test_the_python_api_block_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (block,) = code_blocks(section("Python API"), "python")
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    monkeypatch.chdir(tmp_path)
    printed: list[str] = []
    scope: dict[str, object] = {"print": lambda *args: printed.append(" ".join(map(str, args)))}
    exec(compile(block, "README.md (Python API)", "exec"), scope)
    assert printed and printed[0].startswith("1 ")
    assert scope["like"].hits  # type: ignore[attr-defined]
    either = scope["either"]
    assert (either.match, either.total > 0) == ("any", True)  # type: ignore[attr-defined]
