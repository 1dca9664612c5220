"""The speed benchmark's figures and their Markdown: one section of bench/RESULTS.md per corpus."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

_HEADER = """# Speed benchmark results

Written by `python -m bench.compare` (see bench/README.md). Each section is one run; the ratio
after a baseline's figure says how many times better the baseline did (above 1: ours is slower
or bigger). Machines here are shared by several processes: read the ratios, not the seconds.
"""


@dataclass
class Figures:
    label: str
    command: str = ""
    corpus: str = ""
    files: int = 0
    source_mb: float = 0.0
    queries: int = 0
    repeat: int = 0
    cli_runs: int = 0
    machine: str = ""
    builds: dict[str, dict[str, float]] = field(default_factory=dict)
    warm: dict[str, dict[str, Any]] = field(default_factory=dict)
    sync: dict[str, float] = field(default_factory=dict)
    cold: dict[str, dict[str, float]] = field(default_factory=dict)
    imports: dict[str, Any] = field(default_factory=dict)


def _num(value: float) -> str:
    if value >= 100:
        return f"{value:,.0f}"
    return f"{value:.1f}" if value >= 10 else f"{value:.2f}"


def _cell(value: float, ours: float, higher_is_better: bool) -> str:
    if not ours or not value:
        return _num(value)
    ratio = value / ours if higher_is_better else ours / value
    return f"{_num(value)} ({ratio:.1f}x)"


def _table(head: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return lines


def _build_rows(figures: Figures, names: list[str]) -> list[list[str]]:
    rows: list[list[str]] = []
    ours_keys = [key for key in figures.builds if key.startswith("ours")]
    for key in ours_keys:
        ours = figures.builds[key]
        rate = ours["issues"] / ours["seconds"]
        rss = ours["rss"] + ours["workers_rss"]
        specs: list[tuple[str, float, Any, bool]] = [
            ("full build, issues/s", rate, lambda b: b["issues"] / b["seconds"], True),
            ("full build, seconds", ours["seconds"], lambda b: b["seconds"], False),
            (
                "peak RSS MB (process + largest worker)",
                rss,
                lambda b: b["rss"] + b["workers_rss"],
                False,
            ),
            (
                "index MB per source MB",
                ours["mb"] / figures.source_mb,
                lambda b: b["mb"] / figures.source_mb,
                False,
            ),
        ]
        for label, mine, get, higher in specs:
            row = [f"{label} ({key})", _num(mine)]
            for name in names:
                other = figures.builds.get(name)
                row.append(_cell(get(other), mine, higher) if other else "")
            rows.append(row)
    return rows


def render(figures: Figures) -> str:
    names = [name for name in figures.warm if name != "ours"]
    when = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    out = [
        f"## {figures.label}",
        "",
        f"Run {when}: `{figures.command}`. Corpus: {figures.files:,} files, "
        f"{figures.source_mb:.1f} MB, {figures.corpus}. Machine: {figures.machine}. "
        f"{figures.queries} queries, each timed as the median of {figures.repeat} runs; "
        f"CLI figures the median of {figures.cli_runs} processes.",
        "",
    ]
    head = ["figure", "ours", *names]
    rows = _build_rows(figures, names)
    ours_warm = figures.warm.get("ours", {})
    for key, what in (("snippets", "with snippets"), ("bare", "without snippets")):
        for stat in ("p50", "p95", "max"):
            mine = ours_warm.get(key, {}).get(stat, 0.0)
            row = [f"warm search top 10 {what}, {stat} ms", _num(mine)]
            row += [_cell(figures.warm[n][key][stat], mine, False) for n in names]
            rows.append(row)
    rows.append(
        [
            "queries with hits",
            str(ours_warm.get("with_hits", "")),
            *(str(figures.warm[n].get("with_hits", "")) for n in names),
        ]
    )
    if any(warm.get("failed") for warm in figures.warm.values()):
        rows.append(
            [
                "query runs that raised an error",
                str(ours_warm.get("failed", "")),
                *(str(figures.warm[n].get("failed", "")) for n in names),
            ]
        )
    if figures.sync:
        mine = figures.sync.get("ours", 0.0)
        rows.append(
            [
                "one file changed: re-sync ms",
                _num(mine),
                *(_cell(figures.sync.get(n, 0.0), mine, False) for n in names),
            ]
        )
        if "ours, CLI process" in figures.sync:
            rows.append(
                [
                    "one file changed: `index` CLI process ms",
                    _num(figures.sync["ours, CLI process"]),
                    *([""] * len(names)),
                ]
            )
    out += _table(head, rows)
    out += ["", "Warm search with snippets by kind of query, p50 / p95 ms (ratio of p95):", ""]
    kinds = list(ours_warm.get("snippets_kinds", {}))
    rows = []
    for kind in kinds:
        mine = ours_warm["snippets_kinds"][kind]
        row = [kind, f"{_num(mine['p50'])} / {_num(mine['p95'])}"]
        for name in names:
            theirs = figures.warm[name]["snippets_kinds"][kind]
            ratio = mine["p95"] / theirs["p95"] if theirs["p95"] else 0.0
            row.append(f"{_num(theirs['p50'])} / {_num(theirs['p95'])} ({ratio:.1f}x)")
        rows.append(row)
    out += _table(["kind", "ours", *names], rows)
    if figures.cold:
        out += ["", "Whole search process (top 10 with snippets), median ms (ratio ours / it):", ""]
        cold_names = list(next(iter(figures.cold.values())))[1:]
        rows = []
        for query, row in figures.cold.items():
            mine = row["ours"]
            rows.append(
                [
                    f"`{query}`",
                    _num(mine),
                    *(f"{_num(row[n])} ({mine / row[n]:.2f}x)" for n in cold_names),
                ]
            )
        out += _table(["query", "ours (CLI)", *cold_names], rows)
    if figures.imports:
        imports = figures.imports
        top = ", ".join(f"{name} {ms:.0f} ms" for name, ms in imports["top"])
        out += [
            "",
            f"CLI search imports {imports['modules']} modules; nltk imported: "
            f"{'yes' if imports['nltk'] else 'no'}; costliest (cumulative): {top}.",
        ]
    return "\n".join(out) + "\n"


def update_results(path: Path, label: str, section: str) -> None:
    """Put `section` into the results file, replacing an earlier section of the same label."""
    text = path.read_text(encoding="utf-8") if path.exists() else _HEADER
    pattern = re.compile(rf"^## {re.escape(label)}\n.*?(?=^## |\Z)", re.S | re.M)
    if pattern.search(text):
        text = pattern.sub(lambda _: section + "\n", text)
    else:
        text = text.rstrip("\n") + "\n\n" + section
    path.write_text(text.rstrip("\n") + "\n", encoding="utf-8")
