"""English stemming with nltk's Snowball stemmer, behind a word->stem table kept with the index.

Importing nltk costs a quarter of a second or more, so nothing here imports it until a word is met
that the table does not know. The indexer fills the table as it stems and saves it beside the
index; a searcher loads it, so a search stems its words (and re-reads stored text for snippets)
without nltk.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

# Every word stemmed in this process, and every word loaded from an index's table.
_TABLE: dict[str, str] = {}
_stemmer: Callable[[str], str] | None = None
_loaded: set[str] = set()
# Words stemmed since the last `drain_new()`: worker processes send these back to the indexer.
_new: list[str] = []

STEM_TABLE_NAME = "stems.json"


def _snowball() -> Callable[[str], str]:
    """Import nltk's Snowball stemmer on first use (it is slow to import)."""
    global _stemmer
    if _stemmer is None:
        from nltk.stem.snowball import SnowballStemmer

        _stemmer = SnowballStemmer("english").stem
    return _stemmer


# Tables registered by a searcher but not read yet: read on the first word the table lacks.
_pending: list[Path] = []


def register_table(path: str | os.PathLike[str]) -> None:
    """Note an index's table, to be loaded when a word is first missing from this process's."""
    _pending.append(Path(path))


def stem(word: str) -> str:
    """The Snowball English stem of an already lower-cased, folded word."""
    found = _TABLE.get(word)
    if found is None and _pending:
        found = all_words().get(word)
    if found is None:
        # Numbers and one-letter words never change; skip the stemmer for them.
        found = word if len(word) < 3 or word.isdigit() else _snowball()(word)
        _TABLE[word] = found
        _new.append(word)
    return found


def drain_new() -> dict[str, str]:
    """The words stemmed since the last call, with their stems (and forget them)."""
    fresh = {word: _TABLE[word] for word in _new}
    _new.clear()
    return fresh


def add_words(words: dict[str, str]) -> None:
    """Add word->stem pairs computed elsewhere (in a worker process)."""
    _TABLE.update(words)


def known_words() -> dict[str, str]:
    """The word->stem table as it stands in this process (read-only use)."""
    return _TABLE


def all_words() -> dict[str, str]:
    """The word->stem table with every registered index's table read in (read-only use)."""
    while _pending:
        load_table(_pending.pop())
    return _TABLE


def load_table(path: str | os.PathLike[str], *, again: bool = False) -> None:
    """Add a saved word->stem table to this process's table (once per file, unless `again`).

    The indexer reads the table `again` at each sync: another process may have extended it.
    A damaged table is ignored: it only spares nltk work, and stems come out the same without it.
    """
    key = str(Path(path).resolve())
    if key in _loaded and not again:
        return
    _loaded.add(key)
    for part in (Path(path), _side(path)):
        try:
            with open(part, encoding="utf-8") as handle:
                _merge(json.load(handle))
        except (OSError, ValueError):
            continue


def _merge(saved: object) -> None:
    """Add one saved table: {"same": [words that are their own stem], "stems": {word: stem}}."""
    if not isinstance(saved, dict):
        return
    same, stems = saved.get("same"), saved.get("stems")
    # Only the containers are checked: the file is ours, and checking every one of a large
    # archive's words would cost a search more than reading them (a damaged file fails to parse).
    if isinstance(same, list):
        _TABLE.update(zip(same, same, strict=True))
    if isinstance(stems, dict):
        _TABLE.update(stems)


def _side(path: str | os.PathLike[str]) -> Path:
    """The small file that collects the words of later syncs (see `save_new`)."""
    return Path(f"{path}.more")


def _write(path: str | os.PathLike[str], words: dict[str, str]) -> None:
    same = [word for word, found in words.items() if found == word]
    stems = {word: found for word, found in words.items() if found != word}
    tmp = f"{path}.tmp-{os.getpid()}"
    with open(tmp, "w", encoding="utf-8") as handle:
        # dumps, not dump: json.dump encodes in pure Python, dumps in C.
        data = {"same": same, "stems": stems}
        handle.write(json.dumps(data, ensure_ascii=False, separators=(",", ":")))
    os.replace(tmp, path)


def save_table(path: str | os.PathLike[str], words: dict[str, str]) -> None:
    """Write a whole word->stem table atomically (temporary file, then rename)."""
    _write(path, words)
    _side(path).unlink(missing_ok=True)


def save_new(path: str | os.PathLike[str], words: dict[str, str]) -> None:
    """Add words to a saved table without rewriting all of it (megabytes for a large archive).

    They join a side file, itself small, that `load_table` also reads; once the side file grows
    past a tenth of the table, both are folded into one (the table first: a crash in between
    leaves words in both files, which is harmless).
    """
    side = _side(path)
    try:
        main_size = os.path.getsize(path)
    except OSError:
        main_size = 0
    try:
        with open(side, encoding="utf-8") as handle:
            before = json.load(handle)
    except (OSError, ValueError):
        before = {}
    if not isinstance(before, dict):
        before = {}
    pending: dict[str, str] = {}
    for word in before.get("same", []) if isinstance(before.get("same"), list) else []:
        pending[word] = word
    pending.update(before.get("stems", {}) if isinstance(before.get("stems"), dict) else {})
    pending.update(words)
    if not main_size or len(pending) * 10 * 12 > main_size:  # ~12 bytes a word on disk
        load_table(path, again=True)
        _TABLE.update(pending)
        save_table(path, _TABLE)
    else:
        _write(side, pending)
