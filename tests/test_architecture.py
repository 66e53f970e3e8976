"""The floors of docs/architecture.md, read from the code's own imports: a wrong-way import fails the suite.

Every `import app.…` counts, the ones inside functions too (a lazy import is still an arrow). Floors follow the
order of app.modules.MODULES: a module may import the modules before it in the list, never one after it. `web` and
`api` are the base every page and endpoint builds on: only pages, endpoints, their schemas and the shell import
them; they import nothing above `org`. The shell (create_app, the module list, the CLI, the scheduler process, the
demo) sits on top and nothing imports it.
"""

import ast
from collections import defaultdict
from pathlib import Path

import pytest

from app.modules import MODULES

APP = Path(__file__).resolve().parents[1] / "app"
SHELL = {
    "__init__",
    "__main__",
    "modules",
    "cli",
    "commands",
    "scheduler",
    "serving",
    "maintenance",
    "demo",
    "demo_history",
    "demo_dossiers",
}
BASE = {"core", "config", "extensions"}
HTTP_FILES = {"views", "api", "schemas"}
# A module with several parts names their pages, endpoints and shapes `<part>_views`, `<part>_api`, `<part>_schemas`.


def is_http_file(leaf: str) -> bool:
    return leaf in HTTP_FILES or leaf.endswith(tuple(f"_{name}" for name in HTTP_FILES))


# Libraries confined to one place (style.md, Layering).
CONFINED = {"SpiffWorkflow": "workflow", "pyhanko": "signing", "pyhanko_certvalidator": "signing"}
CONFINED_FILES = {"apscheduler": "app/scheduler.py"}


def floor_of(package: str) -> float:
    if package in BASE:
        return 0
    if package == "api":
        return floor_of("web") - 0.5  # web's error pages use the API's error shapes, never the other way
    if package in SHELL:
        return 1000
    return 1 + [name.split(".")[1] for name in MODULES].index(package)


def source_files() -> list[Path]:
    return sorted(p for p in APP.rglob("*.py") if "static" not in p.parts)


def module_name(path: Path) -> str:
    parts = path.relative_to(APP.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path) -> set[str]:
    """Every module this file imports (and `from x import name` as x.name too), at any depth of its code."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found |= {f"{node.module}.{alias.name}" for alias in node.names}  # `from app.x import module`
    return found


def package_of(name: str) -> str:
    return name.split(".")[1] if name.count(".") else "__init__"


def graph() -> dict[str, set[str]]:
    """File → the files of app/ it imports."""
    names = {module_name(p): p for p in source_files()}
    edges: dict[str, set[str]] = defaultdict(set)
    for name, path in names.items():
        for target in imports_of(path):
            if target in names and target != name:
                edges[name].add(target)
    return edges


def test_the_module_list_names_every_package_that_declares_itself():
    declaring = {p.parent.name for p in APP.glob("*/__init__.py") if "MODULE = Module(" in p.read_text()}
    assert declaring == {name.split(".")[1] for name in MODULES}


def test_no_import_runs_against_the_floors():
    wrong = []
    for source, targets in graph().items():
        package, leaf = package_of(source), source.rsplit(".", 1)[-1]
        for target in targets:
            other = package_of(target)
            if other == package or package in SHELL:
                continue
            if other in SHELL:
                wrong.append(f"{source} → {target}: nothing imports the shell")
            elif other in {"web", "api"} and package not in {"web", "api"}:
                if not is_http_file(leaf):
                    wrong.append(f"{source} → {target}: only pages and endpoints build on web/ and api/")
            elif package in {"web", "api"} and other not in {"web", "api"} and floor_of(other) > floor_of("org"):
                wrong.append(f"{source} → {target}: web/ and api/ import nothing above org")
            elif floor_of(other) > floor_of(package):
                wrong.append(f"{source} → {target}: {other} sits above {package}")
    assert wrong == []


def test_no_two_files_import_each_other_even_through_others():
    edges = graph()
    index, low, stack, on_stack, cycles = {}, {}, [], set(), []

    def visit(node: str) -> None:  # Tarjan's strongly connected components
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in edges.get(node, ()):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.add(member)
                if member == node:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for node in list(edges):
        if node not in index:
            visit(node)
    assert cycles == []


@pytest.mark.parametrize("library", sorted(CONFINED | CONFINED_FILES))
def test_a_library_is_used_in_its_own_place_only(library):
    outside = []
    for path in source_files():
        used = {name.split(".")[0] for name in imports_of(path)}
        if library not in used:
            continue
        if library in CONFINED and package_of(module_name(path)) != CONFINED[library]:
            outside.append(str(path.relative_to(APP.parent)))
        if library in CONFINED_FILES and str(path.relative_to(APP.parent)) != CONFINED_FILES[library]:
            outside.append(str(path.relative_to(APP.parent)))
    assert outside == []
