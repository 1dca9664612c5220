"""The local web page over the `search` API: `create_app(index_dir)` and `serve(...)`."""

from __future__ import annotations

from web.app import create_app
from web.params import MAX_LIMIT, SearchParams, read_params
from web.server import DEFAULT_HOST, DEFAULT_PORT, is_loopback, serve

__all__ = [
    "DEFAULT_HOST",
    "DEFAULT_PORT",
    "MAX_LIMIT",
    "SearchParams",
    "create_app",
    "is_loopback",
    "read_params",
    "serve",
]
