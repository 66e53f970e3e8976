"""The full crash run (`crash` marker, 100 kills) runs only when asked for: `pytest -m crash tests/crash`."""

import pytest


def pytest_collection_modifyitems(config, items):
    if "crash" in (config.option.markexpr or ""):
        return
    skip = pytest.mark.skip(reason="the 100-kill crash run: pytest -m crash tests/crash")
    for item in items:
        if item.get_closest_marker("crash") is not None:
            item.add_marker(skip)
