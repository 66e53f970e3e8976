"""How a module declares what it adds to the application, in one place of its own.

Each package under `app/` that adds something names it in its `__init__.py` as `MODULE = Module(...)`; the
application walks one ordered list (`app.modules.MODULES`) and registers what each declares — blueprints, the
REST API, CLI commands, scheduler jobs, what it gives the workflow engine, signal receivers, navigation, home-page
panels. Adding a
module is one folder and one line in that list, never an edit across central files (Warehouse's `includeme`,
Indico's `import_tasks` signal).

A declaration names things as "package.module:attribute" strings, so declaring imports nothing: the module's
code is imported when the application registers it, in the order of the list, lowest floor first.
"""

import importlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class NavItem:
    """An entry of the main navigation: shown to the roles named (everyone signed in when empty)."""

    label: str
    endpoint: str
    roles: frozenset[str] = frozenset()
    order: int = 100  # position in the menu, smallest first (modules register in floor order, the menu is not)


@dataclass(frozen=True)
class Module:
    """What one module adds. Every reference is "package.module:attribute" (or "package.module" for models and
    receivers, whose import is what counts)."""

    name: str
    models: tuple[str, ...] = ()  # modules defining SQLAlchemy models (so metadata and Alembic see them)
    receivers: tuple[str, ...] = ()  # "mod:RECEIVERS": [(signal, function)], connected at start
    setup: tuple[str, ...] = ()  # "mod:function": called with the app before blueprints (request hooks …)
    blueprints: tuple[str, ...] = ()  # pages: "mod:bp"
    api: tuple[str, ...] = ()  # REST blueprints (flask-smorest), mounted under /api/v1
    cli: tuple[str, ...] = ()  # click commands or groups, or a list of them
    jobs: str | None = None  # "mod" whose JOBS the scheduler runs (app.core.jobs.Job)
    engine: tuple[str, ...] = ()  # "mod:engine": app.workflow.registry.EngineExtension objects
    object_summaries: Mapping[str, str] = field(default_factory=dict)  # object type → "mod:func(task) -> html"
    navigation: tuple[NavItem, ...] = ()
    nav_badges: Mapping[str, str] = field(default_factory=dict)  # endpoint → "mod:func(user) -> str"
    # "mod:func(user) -> Markup | None": an item of the page header beside the person's menu (the notification
    # bell); web/ renders what the modules above it give without importing them.
    header_items: tuple[str, ...] = ()
    blobs: tuple[str, ...] = ()  # "mod:Model.column" holding blob digests: the orphan sweep keeps what they name
    # "mod:SOURCE": app.documents.fulltext.sources.SearchSource, what the full-text search finds of the module
    search_sources: tuple[str, ...] = ()
    # "mod:PANELS": [app.core.home.HomePanel], the cards the module adds to everyone's home page
    home_panels: tuple[str, ...] = ()
    # "mod:CHECKS": [func() -> list[app.core.checks.Inconsistency]], the module's consistency rules (`qlvb check`)
    checks: tuple[str, ...] = ()


def resolve(reference: str) -> Any:
    """The object a "package.module:attribute[.attribute]" reference names (the module itself without ":")."""
    module_name, _, attributes = reference.partition(":")
    found = importlib.import_module(module_name)
    for attribute in attributes.split(".") if attributes else ():
        found = getattr(found, attribute)
    return found
