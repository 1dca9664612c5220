"""The user's settings file: defaults for the index, output format, colour and match mode (TOML)."""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any

from index.engines.location import ENGINES
from index.errors import ConfigError
from search.options import MATCH_MODES

CONFIG_ENV_VAR = "NEWSLETTER_SEARCH_CONFIG"
FORMATS = ("text", "line", "json", "jsonl", "paths")


def _choice(choices: tuple[str, ...]) -> Any:
    def check(value: Any) -> bool:
        return value in choices

    check.__doc__ = "one of " + ", ".join(choices)
    return check


def _is_bool(value: Any) -> bool:
    """true or false"""
    return isinstance(value, bool)


def _is_path(value: Any) -> bool:
    """a path (a string)"""
    return isinstance(value, str) and bool(value.strip())


def _is_text(value: Any) -> bool:
    """a string"""
    return isinstance(value, str) and bool(value.strip())


def _is_paths(value: Any) -> bool:
    """a list of paths"""
    return isinstance(value, list) and all(_is_path(item) for item in value)


# Each setting: its check, documented by the check's docstring.
SETTINGS = {
    "index_dir": _is_path,
    "folders": _is_paths,
    "format": _choice(FORMATS),
    "color": _is_bool,
    "match": _choice(MATCH_MODES),
    # Where the index lives when it is not a local folder (index.engines.location).
    "engine": _choice(ENGINES),
    "url": _is_text,
    "index_name": _is_text,
}


def config_path() -> Path:
    """$NEWSLETTER_SEARCH_CONFIG if set, else `config.toml` in the per-user config directory."""
    chosen = os.environ.get(CONFIG_ENV_VAR)
    if chosen:
        return Path(chosen).expanduser()
    from platformdirs import user_config_dir

    return Path(user_config_dir("newsletter-search", appauthor=False)) / "config.toml"


def read_config(path: Path | None = None) -> dict[str, Any]:
    """The settings in the file (none when it does not exist); ConfigError says what is wrong."""
    path = path or config_path()
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return {}
    except OSError as error:
        raise ConfigError(f"Cannot read the settings file {path}: {error.strerror}.") from None
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise ConfigError(f"The settings file {path} is not valid TOML: {error}.") from None
    for key, value in data.items():
        check = SETTINGS.get(key)
        if check is None:
            raise ConfigError(
                f"Unknown setting {key!r} in {path}: use {', '.join(SETTINGS)}.",
            )
        if not check(value):
            raise ConfigError(f"Setting {key!r} in {path} must be {check.__doc__}, not {value!r}.")
    if "index_dir" in data:
        data["index_dir"] = str(Path(data["index_dir"]).expanduser())
    if "folders" in data:
        data["folders"] = [str(Path(folder).expanduser()) for folder in data["folders"]]
    return data


__all__ = ["CONFIG_ENV_VAR", "SETTINGS", "config_path", "read_config"]
