"""Imports point down the ladder only: edges → services → domains → realtime → db → basics."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent / "src" / "guanxi"

# Lowest first. A module may import its own part and the parts below it.
LADDER = [
    {"settings", "errors", "ids", "clock", "threads", "periodic", "__init__"},
    {"db"},
    {"realtime", "ratelimit"},
    {"eventlog"},
    {"accounts", "media"},
    {"relationships"},
    {"conversations", "moments"},
    {"search"},
    {"stream"},
    {"deletion"},
    {"services"},
    {"web", "cli", "migrations", "__main__"},
]
STANDALONE = {"client"}  # the Python client speaks HTTP only; it imports nothing of the server


def level(part: str) -> int:
    for index, parts in enumerate(LADDER):
        if part in parts:
            return index
    raise AssertionError(f"src/guanxi/{part} is on no rung of the ladder; add it")


def part_of(path: Path) -> str:
    return path.relative_to(ROOT).parts[0].removesuffix(".py")


def guanxi_imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        names: list[str] = []
        if isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        for name in names:
            pieces = name.split(".")
            if pieces[0] == "guanxi" and len(pieces) > 1:
                found.add(pieces[1])
    return found


def test_imports_point_down() -> None:
    wrong: list[str] = []
    for path in ROOT.rglob("*.py"):
        part = part_of(path)
        imports = guanxi_imports(path)
        if part in STANDALONE:
            wrong += [f"{path.name} imports guanxi.{i}" for i in imports]
            continue
        for imported in imports - STANDALONE:
            if level(imported) > level(part):
                wrong.append(f"{path.relative_to(ROOT)} imports guanxi.{imported}")
    assert wrong == []


def test_stores_hold_no_transactions_permissions_or_events() -> None:
    for path in ROOT.rglob("store*.py"):
        source = path.read_text()
        for forbidden in ("begin(", "commit(", "access_", "events.record", "Principal"):
            assert forbidden not in source, f"{path.relative_to(ROOT)} uses {forbidden}"


def test_no_grab_bag_modules() -> None:
    names = {p.stem for p in ROOT.rglob("*.py")}
    assert not names & {"utils", "helpers", "common", "misc"}
