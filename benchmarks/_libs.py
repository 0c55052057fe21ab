"""Optional libraries the benchmarks compare against, each loaded once if installed.

A missing library gives None; its column prints "n/a". jaxlite itself never imports JAX;
only the benchmark does, to compare.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from types import ModuleType


@dataclass
class Libs:
    jaxlite: ModuleType | None = None
    jlnp: ModuleType | None = None  # jaxlite.numpy
    jax: ModuleType | None = None
    jnp: ModuleType | None = None  # jax.numpy
    autograd: ModuleType | None = None
    anp: ModuleType | None = None  # autograd.numpy
    torch: ModuleType | None = None
    versions: dict[str, str] = field(default_factory=dict)
    missing: dict[str, str] = field(default_factory=dict)


def load() -> Libs:
    libs = Libs()
    try:
        import jaxlite

        libs.jaxlite = jaxlite
        libs.versions["jaxlite"] = getattr(jaxlite, "__version__", "?")
        import jaxlite.numpy as jlnp

        libs.jlnp = jlnp
    except ImportError as e:
        libs.missing["jaxlite"] = f"{type(e).__name__}: {e}"

    # JAX on CPU (the comparison is CPU against CPU), 32-bit defaults as jaxlite.
    os.environ.setdefault("JAX_PLATFORMS", "cpu")
    try:
        import jax
        import jax.numpy as jnp

        libs.jax, libs.jnp = jax, jnp
        libs.versions["jax"] = jax.__version__
    except ImportError as e:
        libs.missing["jax"] = str(e)

    try:
        import autograd
        import autograd.numpy as anp

        libs.autograd, libs.anp = autograd, anp
        libs.versions["autograd"] = _dist_version("autograd")
    except ImportError as e:
        libs.missing["autograd"] = str(e)

    try:
        import torch

        libs.torch = torch
        libs.versions["torch"] = torch.__version__
    except ImportError as e:
        libs.missing["torch"] = str(e)
    return libs


def _dist_version(name: str) -> str:
    try:
        from importlib.metadata import version

        return version(name)
    except Exception:
        return "?"
