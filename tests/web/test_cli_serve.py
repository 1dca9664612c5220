"""`newsletter-search serve`: options through CliRunner, and a real server in a subprocess."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import web
from cli import main
from index import Location
from search import default_index_dir
from web import is_loopback


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> list[tuple[Any, ...]]:
    calls: list[tuple[Any, ...]] = []

    def fake_serve(*args: Any, announce: Any) -> None:
        calls.append(args)
        announce("http://127.0.0.1:8000/")

    monkeypatch.setattr(web, "serve", fake_serve)
    return calls


def test_serve_binds_loopback_by_default(served: list[tuple[Any, ...]]) -> None:
    result = CliRunner().invoke(main, ["serve", "--index-dir", "some-index"])
    assert result.exit_code == 0, result.output
    assert served == [(Location(index_dir="some-index"), "127.0.0.1", 8000)]
    assert result.stdout == ""
    assert result.stderr == "Serving on http://127.0.0.1:8000/ (Ctrl-C to stop)\n"


def test_serve_warns_for_a_non_loopback_host(served: list[tuple[Any, ...]]) -> None:
    result = CliRunner().invoke(main, ["serve", "--host", "0.0.0.0", "--port", "9001"])
    assert result.exit_code == 0
    assert served == [(Location(index_dir=str(default_index_dir())), "0.0.0.0", 9001)]
    assert result.stderr.startswith("Warning: listening on 0.0.0.0: anyone who can reach")
    assert result.stderr.count("\n") == 2


def test_serve_index_dir_from_the_environment(served: list[tuple[Any, ...]]) -> None:
    result = CliRunner(env={"NEWSLETTER_SEARCH_INDEX": "env-index"}).invoke(main, ["serve"])
    assert result.exit_code == 0
    assert served == [(Location(index_dir="env-index"), "127.0.0.1", 8000)]


def test_serve_an_opensearch_index(served: list[tuple[Any, ...]]) -> None:
    args = ["serve", "--engine", "opensearch", "--url", "http://127.0.0.1:9", "--index-name", "n"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert served == [(Location(url="http://127.0.0.1:9", index_name="n"), "127.0.0.1", 8000)]


def test_serve_bad_port_is_misuse(served: list[tuple[Any, ...]]) -> None:
    result = CliRunner().invoke(main, ["serve", "--port", "70000"])
    assert result.exit_code == 2
    assert served == []


def test_serve_without_an_index_says_so(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["serve", "--index-dir", str(tmp_path / "none")])
    assert result.exit_code == 1
    assert result.stderr.startswith("Error:") and str(tmp_path / "none") in result.stderr
    assert f"Build it with: newsletter-search index FOLDER --index-dir {tmp_path / 'none'}" in (
        result.stderr
    )
    assert "Serving on" not in result.stderr


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.1.2.3", True),
        ("::1", True),
        ("[::1]", True),
        ("localhost", True),
        ("0.0.0.0", False),
        ("::", False),
        ("192.168.1.20", False),
    ],
)
def test_is_loopback(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.slow
def test_serve_command_answers_over_http(web_index: Path) -> None:
    port = _free_port()
    command = [sys.executable, "-m", "cli", "serve", "--index-dir", str(web_index)]
    process = subprocess.Popen(
        [*command, "--port", str(port)],
        cwd=Path(__file__).resolve().parents[2],
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONWARNINGS": "error"},
    )
    try:
        url = f"http://127.0.0.1:{port}/api/search?q=flood&limit=2"
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(url, timeout=5) as response:
                    data = json.load(response)
                break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise
                time.sleep(0.2)
        assert data["total"] == 17
        assert [hit["rank"] for hit in data["hits"]] == [1, 2]
    finally:
        process.terminate()
        _, stderr = process.communicate(timeout=30)
    assert stderr.startswith(f"Serving on http://127.0.0.1:{port}/")
