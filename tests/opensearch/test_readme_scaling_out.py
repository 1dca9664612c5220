"""README.md's "Scaling out" section run against the session's real node: shell and Python."""

from __future__ import annotations

import shlex
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

import cli
from tests.test_readme import ROOT, code_blocks, section

pytestmark = pytest.mark.slow

README_URL = "http://127.0.0.1:9200"


@pytest.fixture
def beside_examples(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The working directory holds a copy of examples/, as the README's commands expect."""
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    monkeypatch.chdir(tmp_path)


@pytest.mark.usefixtures("beside_examples")
def test_the_shell_lines_run(opensearch_url: str) -> None:
    (block,) = code_blocks(section("Scaling out: OpenSearch"), "bash")
    env: dict[str, str] = {}
    ran = 0
    for line in block.splitlines():
        words = shlex.split(line.replace(README_URL, opensearch_url), comments=True)
        if words[:1] == ["export"]:
            env.update(word.split("=", 1) for word in words[1:])
        elif words[:1] == ["newsletter-search"]:
            env["NEWSLETTER_SEARCH_INDEX_NAME"] = "readme-shell"
            result = CliRunner().invoke(cli.main, words[1:], env=env)
            assert result.exit_code == 0, (line, result.output)
            ran += 1
    assert ran == 3
    assert "port strike" in result.stdout.lower()  # the last line's search found the strike


@pytest.mark.usefixtures("beside_examples")
def test_the_python_block_runs(opensearch_url: str) -> None:
    (block,) = code_blocks(section("Scaling out: OpenSearch"), "python")
    code = block.replace(README_URL, opensearch_url).replace('"newsletters"', '"readme-python"')
    scope: dict[str, object] = {}
    exec(compile(code, "README.md (Scaling out)", "exec"), scope)
    results = scope["results"]
    assert results.total > 0 and results.sort == "newest" and results.facets  # type: ignore[attr-defined]
