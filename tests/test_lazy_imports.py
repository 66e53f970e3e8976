"""Heavy libraries stay out of a starting server: imported where they are used, not by what create_app loads.

`qlvb serve` loads the application once in the gunicorn master; every page it imports there is memory each
process of the server carries, used or not (bench/RESULTS.md, issue 15 item 8). pyHanko (with aiohttp and
fontTools), reportlab, pikepdf, openpyxl, img2pdf and pypdf cost 6–30 MiB each and serve only signing, printing
and file conversion, so the modules that use them are imported inside the functions that need them.

Read from the code, not by starting the app (a fresh interpreter takes seconds): from every module create_app
and the scheduler import (the modules' declarations, the shell), follow the module-level imports inside `app`
(a `from … import` in a function, or under `if TYPE_CHECKING:`, is not followed) and fail on any module reached
that imports a heavy library at module level.
"""

import ast
import dataclasses
from functools import cache
from pathlib import Path

from app.modules import MODULES, SHELL_JOBS, declared_modules

APP = Path(__file__).resolve().parents[1] / "app"
HEAVY = (
    "pyhanko",
    "pyhanko_certvalidator",
    "fontTools",
    "reportlab",
    "pikepdf",
    "aiohttp",
    "openpyxl",
    "img2pdf",
    "pypdf",
    "requests",  # only the exchange's connector to another deployment sends HTTP requests
)
SHELL = ("app", "app.cli", "app.commands", "app.modules", "app.serving", "app.scheduler", "app.web.errors", "app.api")


def _module_files() -> dict[str, Path]:
    files = {}
    for path in APP.rglob("*.py"):
        parts = path.relative_to(APP.parent).with_suffix("").parts
        files[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return files


FILES = _module_files()


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _module_level(body: list[ast.stmt]):
    """The statements run when the module is imported: not function bodies, not `if TYPE_CHECKING:`."""
    for node in body:
        if isinstance(node, ast.If):
            if not _is_type_checking(node):
                yield from _module_level(node.body)
            yield from _module_level(node.orelse)
        elif isinstance(node, ast.Try):
            for part in (node.body, node.orelse, node.finalbody, *(h.body for h in node.handlers)):
                yield from _module_level(part)
        elif isinstance(node, ast.With):
            yield from _module_level(node.body)
        else:
            yield node


@cache
def imports_of(module: str) -> tuple[str, ...]:
    """Every module `module` imports when it is imported (a submodule's packages too)."""
    path = FILES.get(module)
    if path is None:
        return ()
    names: list[str] = []
    for node in _module_level(ast.parse(path.read_text()).body):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.append(node.module)
            names += [f"{node.module}.{alias.name}" for alias in node.names if f"{node.module}.{alias.name}" in FILES]
    found = []
    for name in names:
        parts = name.split(".")
        found += [".".join(parts[:i]) for i in range(1, len(parts) + 1)]
    return tuple(dict.fromkeys(found))


def start_modules() -> list[str]:
    """What create_app and the scheduler import: the shell and every module's declared references."""
    roots = [*SHELL, *MODULES, *SHELL_JOBS]
    for module in declared_modules():
        for item in dataclasses.fields(module):
            value = getattr(module, item.name)
            values = value.values() if isinstance(value, dict) else value if isinstance(value, tuple) else [value]
            roots += [v.partition(":")[0] for v in values if isinstance(v, str) and v.startswith("app.")]
    return roots


def test_a_starting_server_imports_no_heavy_library():
    seen: dict[str, str | None] = {}  # module → the module that imported it first (for the message)
    stack = [(root, None) for root in start_modules()]
    offenders = []
    while stack:
        module, parent = stack.pop()
        if module in seen or not module.startswith("app"):
            continue
        seen[module] = parent
        for name in imports_of(module):
            if name.split(".")[0] in HEAVY:
                chain, at = [module], parent
                while at is not None:
                    chain.append(at)
                    at = seen[at]
                offenders.append(f"{name} ← {' ← '.join(chain)}")
            elif name.startswith("app"):
                stack.append((name, module))
    assert len(seen) > 200, "the walk found too few modules: is start_modules still right?"
    assert not offenders, "imported at start, import it where it is used:\n" + "\n".join(sorted(set(offenders)))
