"""Exceptions named as JAX names them, and the one helper that builds their messages."""

from __future__ import annotations

import inspect
from typing import Any


class JaxliteTypeError(TypeError):
    """Base of the tracer-conversion errors (subclasses TypeError as in JAX)."""


class ConcretizationTypeError(JaxliteTypeError):
    """A traced value was used where a concrete Python value is needed.

    Under `jit` (or `vmap`, `make_jaxpr`) arguments are abstract: only their shape and dtype
    are known. Converting one to a Python `int`/`float`, or using it as a shape, fails.

    Fixes: mark the argument static (`jit(f, static_argnums=...)`), compute the value from
    static information such as `x.shape`, or use `lax.cond` / `jnp.where` instead of Python
    control flow.
    """


class TracerBoolConversionError(ConcretizationTypeError):
    """A traced value was used in a Python `if`, `while`, `and`/`or` or `bool()`.

    Fixes: use `jnp.where` or `lax.cond` / `lax.while_loop`, or make the argument static
    (`jit(f, static_argnums=...)`).
    """


class TracerIntegerConversionError(ConcretizationTypeError):
    """A traced value was used where Python needs an integer (`__index__`, `int()`).

    Fixes: make the argument static, or use `lax.dynamic_slice` for traced indices.
    """


class TracerArrayConversionError(JaxliteTypeError):
    """A traced value was converted to a NumPy array (`np.asarray(tracer)`).

    Fixes: use `jaxlite.numpy` functions instead of `numpy` inside transformed functions.
    """


class NonConcreteBooleanIndexError(IndexError):
    """A boolean mask used as an index was traced: the result's shape would depend on it.

    Fixes: use `jnp.where(mask, x, 0)` (fixed shape), or make the mask static.
    """


class UnexpectedTracerError(Exception):
    """A tracer escaped the transformation that created it (for example saved in a global).

    Fixes: return values from the transformed function instead of storing them outside it.
    """


class InternalError(AssertionError):
    """A broken invariant inside jaxlite; the message starts with `internal:`."""


def fun_name(fun: Any) -> str:
    """`name at file:line` for a user's function, as used in error messages."""
    name = getattr(fun, "__qualname__", None) or getattr(fun, "__name__", None) or repr(fun)
    target = getattr(fun, "func", fun)  # functools.partial
    try:
        code = inspect.unwrap(target).__code__
        return f"{name} at {code.co_filename}:{code.co_firstlineno}"
    except (AttributeError, ValueError):
        return str(name)


def message(
    what: str,
    *,
    fun: Any = None,
    path: str | None = None,
    expected: str | None = None,
    got: str | None = None,
    fix: str | None = None,
) -> str:
    """Builds an error message: what went wrong, where, expected vs got, and the fix."""
    parts = [what]
    if fun is not None:
        parts.append(f"  function: {fun if isinstance(fun, str) else fun_name(fun)}")
    if path:
        parts.append(f"  at: {path}")
    if expected is not None:
        parts.append(f"  expected: {expected}")
    if got is not None:
        parts.append(f"  got: {got}")
    if fix:
        parts.append(fix)
    return "\n".join(parts)
