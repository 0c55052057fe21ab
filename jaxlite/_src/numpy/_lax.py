"""One namespace over the lax wrapper modules, so jnp code writes `lax.sin(x)`.

The lax families (elementwise, shape, slicing, reductions, linalg) are separate modules;
which one defines a wrapper is an implementation detail of lax, so names are looked up across
all of them on first use and then cached as attributes of this module. A wrapper that no lax
module defines raises a NotImplementedError naming it.
"""

from __future__ import annotations

import importlib
import pkgutil
from typing import Any

# Searched first, in this order; any other module of the lax package comes after them.
_PREFERRED = ("elementwise", "shape", "slicing", "reductions", "linalg")
_loaded: list[Any] = []


def _modules() -> list[Any]:
    if not _loaded:
        import jaxlite._src.lax as lax_pkg  # noqa: PLC0415

        others = sorted(
            m.name
            for m in pkgutil.iter_modules(lax_pkg.__path__)
            if m.name not in _PREFERRED and not m.name.startswith("_")
        )
        for name in (*_PREFERRED, *others):
            try:
                _loaded.append(importlib.import_module(f"jaxlite._src.lax.{name}"))
            except ImportError:
                pass
    return _loaded


def lookup(*names: str) -> Any:
    """The first lax wrapper found under any of `names`, or None."""
    for name in names:
        for mod in _modules():
            fn = mod.__dict__.get(name)
            if fn is not None:
                return fn
    return None


def has(name: str) -> bool:
    """Whether some lax module defines `name`."""
    return lookup(name) is not None


def __getattr__(name: str) -> Any:
    if name.startswith("__"):
        raise AttributeError(name)
    fn = lookup(name)
    if fn is None:
        raise NotImplementedError(
            f"lax.{name} is not available in jaxlite yet, so the jaxlite.numpy function "
            "that needs it cannot run."
        )
    globals()[name] = fn
    return fn
