"""Real OpenSearch nodes for tests: build the Java launcher, start nodes on loopback, stop them.

The launcher (pom.xml and src/ beside this file) runs one OpenSearch 2.19.6 node per JVM with the
HTTP layer and common analysis loaded. Each node gets its own home (data, logs) in a temporary
folder, ports found free on 127.0.0.1 and an explicit heap. A node's standard input is a pipe from
this process: when the test session dies, the pipe closes and the node stops itself.
By hand: `python -m tests.opensearch.node [HOME]` runs one node until Ctrl-C and prints its URL.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

LAUNCHER_DIR = Path(__file__).resolve().parent
TARGET = LAUNCHER_DIR / "target"
LAUNCHER_JAR = TARGET / "launcher.jar"
CLASSPATH_FILE = TARGET / "classpath.txt"
MAIN_CLASS = "newslettersearch.Launcher"
DEFAULT_HEAP = "512m"
START_TIMEOUT = 180.0
# Quick start on a shared 2-core machine: C1 only (tests run little code long enough for C2 to pay),
# serial GC (small heaps; no parallel GC threads competing with the other nodes).
JVM_OPTIONS = ("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xss1m")


class NodeStartError(RuntimeError):
    """A node exited or did not answer in time; the message ends with its log's tail."""


def missing_tools() -> str | None:
    """Why nodes cannot run here (java or mvn absent), or None when they can."""
    absent = [tool for tool in ("java", "mvn") if shutil.which(tool) is None]
    if absent:
        return f"OpenSearch tests need {' and '.join(absent)} on PATH"
    return None


def _sources() -> list[Path]:
    return [LAUNCHER_DIR / "pom.xml", *sorted((LAUNCHER_DIR / "src").rglob("*.java"))]


def build_launcher() -> str:
    """Build the launcher with Maven when it is missing or older than its sources; the classpath."""
    # The pom makes Maven rewrite the jar on every build (it would leave an unchanged one as it
    # was), so the jar's time stamp says when the launcher was last built.
    newest_source = max(path.stat().st_mtime for path in _sources())
    built = LAUNCHER_JAR.exists() and CLASSPATH_FILE.exists()
    if not built or LAUNCHER_JAR.stat().st_mtime < newest_source:
        subprocess.run(["mvn", "-q", "-B", "package"], cwd=LAUNCHER_DIR, check=True)
    return f"{LAUNCHER_JAR}{os.pathsep}{CLASSPATH_FILE.read_text(encoding='utf-8').strip()}"


def free_ports(count: int) -> list[int]:
    """`count` distinct ports that are free on 127.0.0.1 now (held together while choosing)."""
    with contextlib.ExitStack() as stack:
        sockets = []
        for _ in range(count):
            sock = stack.enter_context(socket.socket(socket.AF_INET, socket.SOCK_STREAM))
            sock.bind(("127.0.0.1", 0))
            sockets.append(sock)
        return [sock.getsockname()[1] for sock in sockets]


@dataclass
class Node:
    """One running node: its process, home folder, name and ports."""

    name: str
    home: Path
    http_port: int
    transport_port: int
    process: subprocess.Popen[bytes]
    log_path: Path
    started: float = field(default_factory=time.monotonic)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}"

    def log_tail(self, lines: int = 40) -> str:
        try:
            text = self.log_path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])

    def wait_ready(self, timeout: float = START_TIMEOUT) -> float:
        """Wait for the launcher's ready file; the seconds since start. Raises NodeStartError."""
        deadline = self.started + timeout
        ready = self.home / "ready"
        while not ready.exists():
            if self.process.poll() is not None:
                raise NodeStartError(
                    f"node {self.name} exited with {self.process.returncode}:\n{self.log_tail()}"
                )
            if time.monotonic() > deadline:
                raise NodeStartError(
                    f"node {self.name} not ready in {timeout}s:\n{self.log_tail()}"
                )
            time.sleep(0.2)
        return time.monotonic() - self.started

    def stop(self, timeout: float = 30.0) -> None:
        """SIGTERM (the node closes cleanly), then SIGKILL if it lingers."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.kill()
        self._close_pipes()

    def kill(self) -> None:
        """SIGKILL: the node gets no chance to leave the cluster cleanly."""
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        self._close_pipes()

    def _close_pipes(self) -> None:
        if self.process.stdin is not None:
            self.process.stdin.close()


def start_node(
    classpath: str,
    home: Path,
    name: str,
    http_port: int,
    transport_port: int,
    settings: dict[str, str],
    heap: str = DEFAULT_HEAP,
) -> Node:
    """Launch one node (without waiting for it); `settings` are extra node settings."""
    home.mkdir(parents=True, exist_ok=True)
    (home / "ready").unlink(missing_ok=True)
    all_settings = {
        "path.home": str(home),
        "node.name": name,
        "http.port": str(http_port),
        "transport.port": str(transport_port),
        **settings,
    }
    command = [
        "java",
        f"-Xms{min(heap, '128m', key=_megabytes)}",
        f"-Xmx{heap}",
        *JVM_OPTIONS,
        "-cp",
        classpath,
        MAIN_CLASS,
        *(f"{key}={value}" for key, value in all_settings.items()),
    ]
    log_path = home / "node.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            command, stdin=subprocess.PIPE, stdout=log, stderr=subprocess.STDOUT, cwd=home
        )
    return Node(name, home, http_port, transport_port, process, log_path)


def _megabytes(size: str) -> int:
    units = {"k": 1 / 1024, "m": 1, "g": 1024}
    return int(float(size[:-1]) * units[size[-1].lower()])


def start_cluster(
    classpath: str, base: Path, count: int, heap: str = DEFAULT_HEAP, attempts: int = 3
) -> list[Node]:
    """Start `count` nodes forming one cluster on loopback and wait until each is ready.

    One node runs as `discovery.type=single-node`; several find each other through their
    transport ports and elect a cluster manager among all of them. Ports are chosen free just
    before launch; if another process takes one meanwhile, the whole start is retried.
    """
    for attempt in range(1, attempts + 1):
        ports = free_ports(2 * count)
        names = [f"node-{index}" for index in range(count)]
        if count == 1:
            common = {"discovery.type": "single-node"}
        else:
            common = {
                "discovery.seed_hosts": ",".join(f"127.0.0.1:{port}" for port in ports[count:]),
                "cluster.initial_cluster_manager_nodes": ",".join(names),
            }
        common["cluster.name"] = f"newsletter-search-test-{os.getpid()}-{attempt}"
        nodes = [
            start_node(
                classpath,
                base / f"attempt-{attempt}" / name,
                name,
                ports[i],
                ports[count + i],
                common,
                heap,
            )
            for i, name in enumerate(names)
        ]
        try:
            for node in nodes:
                node.wait_ready()
            return nodes
        except NodeStartError as error:
            for node in nodes:
                node.stop()
            if attempt == attempts or "already in use" not in str(error).lower():
                raise
    raise AssertionError("unreachable")


def request(url: str, method: str = "GET", body: Any = None, timeout: float = 60.0) -> Any:
    """One request to a node; the decoded JSON answer (HTTPError with the node's reason on 4xx/5xx).

    `body` is sent as JSON, or as newline-delimited JSON when it is a list (the bulk API's form).
    """
    headers = {}
    data = None
    if isinstance(body, list):
        data = "".join(json.dumps(line) + "\n" for line in body).encode("utf-8")
        headers["Content-Type"] = "application/x-ndjson"
    elif body is not None:
        data = json.dumps(body).encode("utf-8")
        headers["Content-Type"] = "application/json"
    req = urllib.request.Request(url, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as response:
            return json.loads(response.read())
    except urllib.error.HTTPError as error:
        # The node's explanation is in the body: put it in the message a failing test shows.
        error.msg = f"{error.msg}: {error.read()[:2000].decode('utf-8', 'replace')}"
        raise


def wait_health(
    url: str,
    statuses: Sequence[str] = ("green", "yellow"),
    nodes: int | None = None,
    timeout: float = START_TIMEOUT,
) -> dict[str, Any]:
    """Poll GET /_cluster/health until its status is one of `statuses` (and `nodes` have joined)."""
    weakest = "yellow" if "yellow" in statuses else "green"
    query = f"wait_for_status={weakest}&timeout=5s"
    if nodes is not None:
        query += f"&wait_for_nodes={nodes}"
    deadline = time.monotonic() + timeout
    last: Any = None
    while time.monotonic() < deadline:
        try:
            last = request(f"{url}/_cluster/health?{query}", timeout=10.0)
        except (urllib.error.URLError, OSError, ValueError) as error:
            last = error
        else:
            joined = nodes is None or last.get("number_of_nodes") == nodes
            if last.get("status") in statuses and joined:
                return dict(last)
        time.sleep(0.5)
    raise NodeStartError(f"{url} not healthy ({', '.join(statuses)}) in {timeout}s: {last}")


def main() -> None:
    """Run one node by hand until Ctrl-C: `python -m tests.opensearch.node [HOME]`."""
    import sys
    import tempfile

    reason = missing_tools()
    if reason is not None:
        sys.exit(reason)
    home = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(tempfile.mkdtemp(prefix="opensearch-"))
    (node,) = start_cluster(build_launcher(), home, 1)
    try:
        wait_health(node.url, nodes=1)
        print(f"{node.url} (home {node.home}; Ctrl-C stops it)", flush=True)
        node.process.wait()
    except KeyboardInterrupt:
        pass
    finally:
        node.stop()


if __name__ == "__main__":
    main()
