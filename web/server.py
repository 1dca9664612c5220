"""Running the web page: uvicorn on a loopback address unless told otherwise."""

from __future__ import annotations

import ipaddress
import os
import socket
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from index.engines.location import Location

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000


def is_loopback(host: str) -> bool:
    """Whether `host` only ever means this machine (127.0.0.0/8, ::1, localhost)."""
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        # A host name: loopback only if every address it resolves to is.
        try:
            infos = socket.getaddrinfo(host, None)
        except OSError:
            return False
        return bool(infos) and all(ipaddress.ip_address(i[4][0]).is_loopback for i in infos)


def serve(
    index_dir: str | os.PathLike[str] | Location | None = None,
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    *,
    sock: socket.socket | None = None,
    announce: Callable[[str], None] | None = None,
) -> None:
    """Serve the page until interrupted; `sock` (already bound) overrides host and port.

    `announce` is told the page's address once the index has opened, before serving starts.
    """
    import uvicorn

    from search import open_searcher
    from web.app import as_location, create_app

    # A missing or unusable index is said now, by the command, rather than on every page.
    open_searcher(as_location(index_dir)).close()
    if announce is not None:
        shown = f"[{host}]" if ":" in host else host
        announce(f"http://{shown}:{port}/")
    config = uvicorn.Config(
        create_app(index_dir), host=host, port=port, log_level="warning", access_log=False
    )
    server = uvicorn.Server(config)
    server.run(sockets=[sock] if sock is not None else None)
