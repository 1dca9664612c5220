"""Metadata at the top of a Markdown file: YAML-ish or TOML-ish front matter, or Pelican headers.

Only the simple forms issues use are read (`key: value`, `[a, b]` lists, `- item` lists,
quoted strings), so no YAML library is needed; anything richer is kept as its raw text.
"""

from __future__ import annotations

import re

Meta = dict[str, list[str]]

_YAML_KEY = re.compile(r"^(?P<key>[A-Za-z_][\w .-]{0,40}?)\s*:(?:\s+(?P<value>.*))?$")
_TOML_KEY = re.compile(r"^(?P<key>[A-Za-z_][\w.-]{0,40})\s*=\s*(?P<value>.*)$")
_PELICAN_KEY = re.compile(r"^(?P<key>[A-Za-z][\w -]{0,30}):\s+(?P<value>\S.*)$")
# A Pelican block is only taken as metadata when it names one of these, so that prose
# opening with "Note: ..." stays prose.
_PELICAN_KNOWN = frozenset(
    {"title", "date", "author", "authors", "category", "tags", "slug", "number", "summary"}
)


def _unquote(value: str) -> str:
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return value[1:-1]
    return value


def _values(raw: str) -> list[str]:
    raw = raw.strip()
    if raw.startswith("[") and raw.endswith("]"):
        return [_unquote(v) for v in raw[1:-1].split(",") if _unquote(v)]
    return [_unquote(raw)] if _unquote(raw) else []


def _parse_yaml(lines: list[str]) -> Meta:
    meta: Meta = {}
    key = ""
    for line in lines:
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if line[:1] in (" ", "\t") or stripped.startswith("- "):
            if key:
                item = stripped[2:] if stripped.startswith("- ") else stripped
                meta[key].extend(_values(item))
            continue
        match = _YAML_KEY.match(line)
        if match is None:
            key = ""
            continue
        key = match.group("key").strip().lower()
        value = match.group("value") or ""
        # "key: |" or "key: >" opens a block of indented lines, collected above.
        meta[key] = [] if value.strip() in ("|", ">", "|-", ">-") else _values(value)
    return meta


def _parse_toml(lines: list[str]) -> Meta:
    meta: Meta = {}
    for line in lines:
        match = _TOML_KEY.match(line.strip())
        if match:
            meta[match.group("key").lower()] = _values(match.group("value"))
    return meta


def _fenced(lines: list[str], fence: str) -> int | None:
    """Index of the closing fence of a block opened on line 0 by `fence`, if any."""
    for i in range(1, min(len(lines), 200)):
        if lines[i].strip() == fence or (fence == "---" and lines[i].strip() == "..."):
            return i
    return None


def split_front_matter(text: str) -> tuple[Meta, str]:
    """(metadata, the rest of the text); empty metadata when the file opens with content."""
    lines = text.split("\n")
    start = 0
    while start < len(lines) and not lines[start].strip():
        start += 1
    lines = lines[start:]
    if not lines:
        return {}, text
    first = lines[0].strip()
    if first in ("---", "+++"):
        end = _fenced(lines, first)
        if end is not None:
            parse = _parse_yaml if first == "---" else _parse_toml
            return parse(lines[1:end]), "\n".join(lines[end + 1 :])
    block: list[str] = []
    for line in lines:
        if not line.strip():
            break
        block.append(line)
    matches = [_PELICAN_KEY.match(line) for line in block]
    if block and all(matches):
        meta: Meta = {}
        for match in matches:
            if match is not None:
                meta.setdefault(match.group("key").strip().lower(), _values(match.group("value")))
        if _PELICAN_KNOWN & meta.keys():
            return meta, "\n".join(lines[len(block) :])
    return {}, text


def first_value(meta: Meta, *keys: str) -> str:
    """The first non-empty value among `keys`."""
    for key in keys:
        for value in meta.get(key, []):
            if value.strip():
                return value.strip()
    return ""


def all_values(meta: Meta, *keys: str) -> list[str]:
    """Every value of the first of `keys` that is present, split on commas for single strings."""
    for key in keys:
        values = meta.get(key, [])
        if len(values) == 1:
            values = [v.strip() for v in values[0].split(",")]
        values = [v for v in values if v]
        if values:
            return values
    return []
