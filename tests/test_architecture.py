"""Imports point down the ladder only: edges → services → domains → realtime → db → basics."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent / "src" / "guanxi"

# Lowest first. A module may import its own part and the parts below it.
LADDER = [
    {"settings", "errors", "ids", "clock", "threads", "periodic", "__init__"},
    {"db"},
    {"leases"},  # one process at a time runs each background job (services wires it)
    {"realtime"},
    {"ratelimit"},  # its Redis keys are named by realtime's community secret
    {"eventlog"},
    {"accounts", "media"},
    {"relationships"},
    {"conversations", "moments"},
    {"search"},
    {"stream"},
    {"insight"},  # reads the domains' history and its own pair rows; knows nothing of assets
    {"assets"},  # reads the domains (ledger, export, import) and insight's pair judgements
    {"deletion"},
    {"event_types"},  # every domain's declared event types, listed for the docs and tests
    {"services"},
    {"web", "migrations"},
    {"cli"},  # `guanxi serve` runs the web app
    {"__main__"},
]
BASICS = LADDER[0]  # small modules that may use one another; the rule for siblings skips them
STANDALONE = {"client"}  # the Python client speaks HTTP only; it imports nothing of the server


def level(part: str) -> int:
    for index, parts in enumerate(LADDER):
        if part in parts:
            return index
    raise AssertionError(f"src/guanxi/{part} is on no rung of the ladder; add it")


def part_of(path: Path) -> str:
    return path.relative_to(ROOT).parts[0].removesuffix(".py")


def imported_modules(path: Path) -> list[str]:
    names: list[str] = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.append(node.module)
        elif isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
    return names


def guanxi_imports(path: Path) -> set[str]:
    found: set[str] = set()
    for name in imported_modules(path):
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


def test_a_part_never_imports_a_sibling_on_its_own_rung() -> None:
    """Siblings (accounts and media, conversations and moments, web and migrations) know
    nothing of each other: what both need lives a rung below."""
    wrong: list[str] = []
    for path in ROOT.rglob("*.py"):
        part = part_of(path)
        if part in STANDALONE or part in BASICS:
            continue
        for imported in guanxi_imports(path) - STANDALONE - {part}:
            if level(imported) == level(part):
                wrong.append(f"{path.relative_to(ROOT)} imports guanxi.{imported}")
    assert wrong == []


def test_the_web_edge_holds_no_sql() -> None:
    """SQLAlchemy stays below the services: a route parses, calls a service, serialises."""
    wrong = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "web").rglob("*.py")
        if any(name.split(".")[0] == "sqlalchemy" for name in imported_modules(path))
    ]
    assert wrong == []


def model_names() -> set[str]:
    return {
        node.name
        for path in ROOT.glob("*/models.py")
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.ClassDef)
    }


def reads_a_row(node: ast.AST) -> bool:
    return any(
        isinstance(n, ast.Attribute)
        and isinstance(n.value, ast.Name)
        and (n.value.id in ("row", "r") or n.value.id.endswith("_row"))
        for n in ast.walk(node)
    )


def test_rows_become_models_only_in_each_domains_rows_module() -> None:
    """A model built from a row's columns is built in `<domain>/rows.py`, nowhere else."""
    models = model_names()
    elsewhere = [
        f"{path.relative_to(ROOT)}:{node.lineno}"
        for path in ROOT.rglob("*.py")
        if path.name != "rows.py"
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.FunctionDef) and node.name.endswith("from_row")
    ]
    assert elsewhere == [], "x_from_row functions live in the domain's rows.py"
    inline = [
        f"{path.relative_to(ROOT)}:{node.lineno}"
        for path in ROOT.rglob("*.py")
        if path.name not in ("rows.py", "models.py")
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id in models
        and any(reads_a_row(arg) for arg in [*node.args, *(k.value for k in node.keywords)])
    ]
    assert inline == [], "build these in the domain's rows.py"
