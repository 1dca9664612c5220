"""Each package's `__all__` lists exactly its public names, and each of them resolves."""

from __future__ import annotations

import importlib

import pytest


@pytest.mark.parametrize("package", ["index", "search", "web"])
def test_all_names_resolve(package: str) -> None:
    module = importlib.import_module(package)
    assert len(module.__all__) == len(set(module.__all__))
    for name in module.__all__:
        assert getattr(module, name) is not None, name


@pytest.mark.parametrize("package", ["index", "search", "web"])
def test_public_module_attributes_are_exported(package: str) -> None:
    module = importlib.import_module(package)
    for name in module.__all__:
        getattr(module, name)  # lazy names load now
    public = {
        name
        for name, value in vars(module).items()
        if not name.startswith("_")
        and not isinstance(value, type(importlib))
        and name not in {"annotations", "import_module", "TYPE_CHECKING", "Any"}
    }
    assert public <= set(module.__all__)


def test_documented_entry_points() -> None:
    from index import build_index, parse_issue
    from search import Searcher, search

    assert callable(parse_issue) and callable(build_index)
    assert callable(search) and isinstance(Searcher, type)
