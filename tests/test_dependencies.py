"""The house's dependency order: no import cycle inside batch_core, and imports inside
functions only for slow or optional dependencies, each with a one-line reason."""
from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "batch_core"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> dict[str, ast.Module]:
    return {_module_name(p): ast.parse(p.read_text(encoding="utf-8")) for p in PACKAGE.rglob("*.py")}


def _target(node: ast.ImportFrom | ast.Import, here: str, known: set[str]) -> list[str]:
    if isinstance(node, ast.Import):
        return [a.name for a in node.names if a.name.startswith("batch_core")]
    if not node.module or not node.module.startswith("batch_core"):
        return []
    names = [f"{node.module}.{a.name}" for a in node.names]
    return [n for n in names if n in known] or [node.module]


def _top_level_graph() -> dict[str, set[str]]:
    modules = _modules()
    known = set(modules)
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, tree in modules.items():
        for node in tree.body:  # module level only: what importing the module runs
            if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.dump(node.test):
                continue
            for child in ast.walk(node) if isinstance(node, (ast.Try, ast.If)) else [node]:
                if isinstance(child, (ast.Import, ast.ImportFrom)):
                    graph[name].update(t for t in _target(child, name, known) if t in known and t != name)
    return graph


def test_no_import_cycle_inside_batch_core():
    graph = _top_level_graph()
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                cycle = stack[stack.index(nxt):] + [nxt]
                raise AssertionError("import cycle: " + " -> ".join(cycle))
            if nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node)


def _explained(lines: list[str], number: int) -> bool:
    """A comment on the import's line, or above the block of imports it belongs to."""
    index = number - 1
    if "#" in lines[index]:
        return True
    while index > 0 and lines[index - 1].strip().startswith(("from ", "import ")):
        index -= 1
    return index > 0 and lines[index - 1].strip().startswith("#")


def test_imports_inside_functions_say_why():
    missing = []
    for path in PACKAGE.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        lines = text.splitlines()
        tree = ast.parse(text)
        if "Imports happen inside the functions" in (ast.get_docstring(tree) or ""):
            continue  # the module says why once, for all of them
        for func in ast.walk(tree):
            if not isinstance(func, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            for node in ast.walk(func):
                if isinstance(node, (ast.Import, ast.ImportFrom)) and not _explained(lines, node.lineno):
                    line = lines[node.lineno - 1]
                    missing.append(f"{path.relative_to(PACKAGE.parent)}:{node.lineno}: {line.strip()}")
    assert not missing, "imports inside functions need a reason comment:\n" + "\n".join(missing)
