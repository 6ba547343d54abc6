"""Keep the relay's process small: load only what it uses of its libraries.

The relay talks to its database through SQLAlchemy Core on asyncio
(``sqlalchemy.ext.asyncio``'s engine and connections). Importing that package also imports
its ORM session, and with it the whole ORM (about 6 MB of memory) that the relay never uses.
``install()`` registers the package without running its ``__init__``: the engine and result
classes are read from their own modules, and anything else (``AsyncSession``…) runs the real
``__init__`` on first use, so other code in the same process sees the full package.
"""

from __future__ import annotations

import ctypes
import importlib
import importlib.util
import sys
from typing import Any

PACKAGE = "sqlalchemy.ext.asyncio"
LIGHT_MODULES = ("engine", "result")


def install() -> None:
    """Register the light ``sqlalchemy.ext.asyncio`` unless it is already imported."""
    if PACKAGE in sys.modules:
        return
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or spec.loader is None or spec.submodule_search_locations is None:
        return  # not the layout this expects: the real package is imported as usual
    module = importlib.util.module_from_spec(spec)
    loaded = False

    def __getattr__(name: str) -> Any:
        nonlocal loaded
        if name.startswith("_") or importlib.util.find_spec(f"{PACKAGE}.{name}") is not None:
            # a submodule (``from . import exc``): the import system loads it
            raise AttributeError(f"module {PACKAGE!r} has no attribute {name!r}")
        if not loaded:
            for light in LIGHT_MODULES:
                found = importlib.import_module(f"{PACKAGE}.{light}")
                if name in vars(found):
                    value = vars(found)[name]
                    setattr(module, name, value)
                    return value
        if not loaded:
            loaded = True
            spec.loader.exec_module(module)  # type: ignore[union-attr]  # the full package
            if name in vars(module):
                return vars(module)[name]
        raise AttributeError(f"module {PACKAGE!r} has no attribute {name!r}")

    module.__getattr__ = __getattr__  # type: ignore[method-assign]
    sys.modules[PACKAGE] = module
    parent = importlib.import_module("sqlalchemy.ext")
    setattr(parent, "asyncio", module)  # noqa: B010 (mypy knows the real attribute's type)


def release_freed_memory() -> None:
    """Hand the memory freed after start-up (the published widgets read and parsed) back to
    the system: glibc keeps freed heap pages otherwise. Nothing happens on other C libraries."""
    try:
        trim = ctypes.CDLL(None).malloc_trim  # the process's own C library
    except (OSError, AttributeError):
        return
    trim(0)
