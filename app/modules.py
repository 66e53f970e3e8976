"""The one ordered list of qlvb's modules, and the code that registers what each declares.

A module declares itself in its `__init__.py` (`MODULE = app.core.modules.Module(...)`); adding one is a new
folder and one line below, lowest floor first (docs/architecture.md): a module may use the ones above it.
"""

import importlib
from collections.abc import Iterable

from flask import Flask

from app.core.modules import Module, NavItem, resolve

MODULES: tuple[str, ...] = (
    "app.audit",
    "app.org",
    "app.web",  # the base of every page (and, beside it, app.api of every endpoint)
    "app.sla",
    "app.documents",
    "app.signing",
    "app.workflow",
    "app.notifications",
    "app.exchange",
    "app.incoming",
    "app.outgoing",
    "app.copies",
    "app.dossiers",
    "app.escalation",
    "app.designer",
    "app.reports",  # reads every module above, read by none
    "app.backup",  # the top floor: copies what every module keeps
)


def declared_modules(names: Iterable[str] = MODULES) -> list[Module]:
    """The declarations, in the list's order."""
    return [importlib.import_module(name).MODULE for name in names]


def import_models() -> None:
    """Import every module's models so that SQLAlchemy's metadata (and Alembic) sees the whole schema."""
    for module in declared_modules():
        for reference in module.models:
            resolve(reference)


def connect_receivers() -> None:
    """Connect the signal receivers the modules declare (strongly: a receiver lives as long as the process)."""
    for module in declared_modules():
        for reference in module.receivers:
            for signal, receiver in resolve(reference):
                signal.connect(receiver, weak=False)


def install_engine_extensions() -> None:
    """Give the workflow engine what the modules declare: operations, form hooks, data sources, summaries."""
    from app.workflow.registry import EngineExtension, install

    for module in declared_modules():
        for reference in module.engine:
            install(resolve(reference))
        if module.object_summaries:
            summaries = EngineExtension()
            for object_type, reference in module.object_summaries.items():
                summaries.object_summaries[object_type] = resolve(reference)
            install(summaries)


def install_search_sources(modules: list[Module]) -> None:
    """Give the full-text search (app.documents.fulltext) what each module declares it finds."""
    from app.documents.fulltext.sources import install

    install([resolve(reference) for module in modules for reference in module.search_sources])


def register_modules(app: Flask) -> None:
    """Register every module's pages, API, CLI commands and navigation on `app`."""
    from app.api import init_api

    modules = declared_modules()
    install_search_sources(modules)
    for module in modules:
        for reference in module.setup:
            resolve(reference)(app)
    for module in modules:
        for reference in module.blueprints:
            app.register_blueprint(resolve(reference))
    init_api(app, [resolve(reference) for module in modules for reference in module.api])
    for module in modules:
        for reference in module.cli:
            declared = resolve(reference)
            for command in declared if isinstance(declared, list | tuple) else [declared]:
                app.cli.add_command(command)
    app.extensions["qlvb.header_items"] = [resolve(reference) for m in modules for reference in m.header_items]
    navigation: list[NavItem] = sorted((item for m in modules for item in m.navigation), key=lambda i: i.order)
    app.extensions["qlvb.navigation"] = navigation
    app.extensions["qlvb.nav_badges"] = {
        endpoint: resolve(reference) for m in modules for endpoint, reference in m.nav_badges.items()
    }
    app.extensions["qlvb.home_panels"] = home_panels(modules)
    app.extensions["qlvb.blob_columns"] = blob_columns  # what a backup checks it holds (app.backup)


def home_panels(modules: list[Module]) -> list:
    """Every module's home-page panels (app.core.home.HomePanel), smallest `order` first; ids are unique."""
    panels = sorted((p for m in modules for ref in m.home_panels for p in resolve(ref)), key=lambda p: p.order)
    ids = [panel.id for panel in panels]
    if len(ids) != len(set(ids)):
        raise RuntimeError(f"two home panels share an id: {sorted(ids)}")
    return panels


# Jobs of the deployment as a whole, which read every module's declarations (the orphan-blob sweep).
SHELL_JOBS: tuple[str, ...] = ("app.maintenance",)


def job_modules() -> list[str]:
    """The modules whose `JOBS` the scheduler runs, in the list's order, then the shell's own."""
    return [module.jobs for module in declared_modules() if module.jobs] + list(SHELL_JOBS)


def blob_columns() -> list:
    """Every column that holds blob digests, as the modules declare them."""
    return [resolve(reference) for module in declared_modules() for reference in module.blobs]
