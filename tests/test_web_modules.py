"""The web client's module graph: no import cycle, and only the route table imports screens."""

from __future__ import annotations

import re
from pathlib import Path

JS = Path(__file__).resolve().parent.parent / "src" / "guanxi" / "web" / "static" / "js"
IMPORT = re.compile(r'import\s*\{([^}]*)\}\s*from\s*"\./([\w.-]+\.js)"')


def imports(module: str) -> dict[str, set[str]]:
    """{imported module: names imported from it} for one module of js/."""
    found: dict[str, set[str]] = {}
    for names, source in IMPORT.findall((JS / module).read_text()):
        found.setdefault(source, set()).update(n.strip() for n in names.split(",") if n.strip())
    return found


def graph() -> dict[str, set[str]]:
    return {path.name: set(imports(path.name)) for path in JS.glob("*.js")}


def test_modules_import_no_cycle() -> None:
    edges = graph()
    done: set[str] = set()

    def visit(module: str, path: list[str]) -> None:
        cycle = [*path[path.index(module) :], module] if module in path else []
        assert not cycle, "import cycle: " + " → ".join(cycle)
        if module in done:
            return
        for imported in sorted(edges[module]):
            visit(imported, [*path, module])
        done.add(module)

    for module in sorted(edges):
        visit(module, [])


def screens() -> dict[str, str]:
    """{screen function: its module}, as the route table names them."""
    table = imports("routes.js")
    used = set(re.findall(r"\b(?:screen|list): (\w+)\s*[,}]", (JS / "routes.js").read_text()))
    return {name: module for module, names in table.items() for name in names & used}


def test_only_the_route_table_imports_screens() -> None:
    found = screens()
    assert {"renderChat", "renderChatList", "renderMoments"} <= set(found)
    for path in JS.glob("*.js"):
        if path.name == "routes.js":
            continue
        for module, names in imports(path.name).items():
            assert not names & set(found), f"{path.name} imports the screen {names & set(found)}"
            if path.name in {"router.js", "shell.js", "main.js"}:
                assert module not in found.values(), f"{path.name} imports {module} (screens)"


def test_router_knows_no_screen() -> None:
    assert imports("router.js") == {}
