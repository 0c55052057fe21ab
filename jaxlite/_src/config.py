"""Global flags (`jax_enable_x64`, `jax_enable_checks`) read through one object."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from typing import Any


def _env_flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in ("1", "true", "yes", "on")


class Config:
    """Holds jaxlite's flags; `config.update(name, value)` as in JAX."""

    def __init__(self) -> None:
        self._values: dict[str, Any] = {
            "jax_enable_x64": _env_flag("JAX_ENABLE_X64"),
            "jax_enable_checks": _env_flag("JAX_ENABLE_CHECKS"),
            "jax_numpy_rank_promotion": "allow",
        }
        self._listeners: list[Any] = []

    def update(self, name: str, value: Any) -> None:
        if name not in self._values:
            raise AttributeError(f"Unrecognized config option: {name}")
        self._values[name] = value
        for fn in self._listeners:
            fn(name, value)

    def read(self, name: str) -> Any:
        return self._values[name]

    def add_listener(self, fn: Any) -> None:
        """Calls `fn(name, value)` after every update (caches keyed on flags use this)."""
        self._listeners.append(fn)

    def __getattr__(self, name: str) -> Any:
        try:
            return self.__dict__["_values"][name]
        except KeyError:
            raise AttributeError(name) from None

    @property
    def x64_enabled(self) -> bool:
        return self._values["jax_enable_x64"]

    @property
    def enable_checks(self) -> bool:
        return self._values["jax_enable_checks"]


config = Config()


@contextlib.contextmanager
def enable_x64(new_val: bool = True) -> Iterator[None]:
    """Context manager that sets `jax_enable_x64` temporarily."""
    old = config.x64_enabled
    config.update("jax_enable_x64", new_val)
    try:
        yield
    finally:
        config.update("jax_enable_x64", old)
