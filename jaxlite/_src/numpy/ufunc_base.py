"""Building blocks of the elementwise jnp functions: constants, and the factories that make a
unary or binary function from a lax wrapper, with the eager fast path.

Eager fast path: with no transformation active, Array arguments whose dtype the lax operation
takes as is (e.g. float32 for `sin`) skip promotion and `bind` and call the primitive's NumPy
implementation directly; the value, dtype and weak type are exactly those `bind` would give.
Everything else (tracers, Python scalars needing promotion, other dtypes, broadcasting) takes
the general path: promote, broadcast, call the lax wrapper.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

import numpy as np

from jaxlite._src.array import Array
from jaxlite._src.numpy import _lax as lax
from jaxlite._src.numpy import promotion as P
from jaxlite._src.numpy.promotion import dtype_of, wrap

_ctx = P._ctx
_eval_trace = P._eval_trace

_FLOATS = frozenset(np.dtype(t) for t in (np.float16, np.float32, np.float64))
_NUMBERS = _FLOATS | frozenset(
    np.dtype(t)
    for t in (
        np.int8,
        np.int16,
        np.int32,
        np.int64,
        np.uint8,
        np.uint16,
        np.uint32,
        np.uint64,
        np.complex64,
        np.complex128,
    )
)
_ALL = _NUMBERS | {np.dtype(np.bool_)}
_BOOL = np.dtype(np.bool_)


def const(dt: np.dtype, v: Any, weak: bool = False) -> Array:
    """A rank-0 constant of dtype `dt` (strong by default, as JAX's `_constant_like`)."""
    return wrap(np.asarray(v, dt)[()], weak)


def const_like(x: Any, v: Any, weak: bool | None = None) -> Array:
    """A rank-0 constant of `x`'s dtype. By default it is weak exactly when `x` is a weak
    rank-0 value (JAX's rule for the constants inside its jnp functions)."""
    a = P.aval(x)
    if weak is None:
        weak = a.weak_type and not a.shape
    return const(a.dtype, v, weak)


def _prim(lax_name: str) -> Any:
    """The primitive behind lax wrapper `lax_name` (for the eager fast path), or None."""
    fn = lax.lookup(lax_name)
    if fn is None:
        return None
    return getattr(sys.modules[fn.__module__], f"{lax_name}_p", None)


def _weak_outs(prim: Any, nargs: int) -> tuple[bool, bool]:
    rule = prim.weak_type_rule
    return bool(rule(*[False] * nargs)), bool(rule(*[True] * nargs))


def _name(fn: Callable, name: str, doc: str) -> Callable:
    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = doc
    fn.__module__ = "jaxlite.numpy"
    return fn


# ----------------------------------------------------------------------------------------------
# Factories for the common shapes of elementwise functions


def _unary(name: str, lax_name: str, promote: Callable, fast_dtypes: frozenset, doc: str):
    """`name(x)` = lax `lax_name` after `promote`; Arrays of `fast_dtypes` take the fast path."""
    prim = _prim(lax_name)
    if prim is None:
        fast_types: frozenset = frozenset()
        impl = None
        weak_outs = (False, False)
    else:
        fast_types = frozenset(type(d) for d in fast_dtypes)
        impl = prim.impl
        weak_outs = _weak_outs(prim, 1)
    ctx, ev, new = _ctx, _eval_trace, Array.__new__

    def slow(x):
        (x,) = promote(name, x)
        return getattr(lax, lax_name)(x)

    def f(x, /):
        if type(x) is Array and ctx.trace is ev:
            v = x._value
            if type(v.dtype) in fast_types:
                a = new(Array)
                a._value = impl(v)
                a.weak_type = weak_outs[x.weak_type]
                return a
        return slow(x)

    return _name(f, name, doc)


def _binary(
    name: str,
    lax_name: str,
    promote: Callable,
    fast_dtypes: frozenset,
    doc: str,
    bool_lax_name: str | None = None,
):
    """`name(x, y)` = lax `lax_name` on promoted, broadcast operands.

    Fast path (eager only): two Arrays of one dtype in `fast_dtypes`, one weak flag and one
    shape (or a rank-0 one); or an Array of a float dtype in `fast_dtypes` (or of the default
    int dtype) with a Python float (or int). A NumPy ufunc implementation receives the Python
    scalar itself: NumPy's weak scalar promotion (NEP 50) then matches JAX's.

    The function carries `_op` and `_rop`, the operator methods (`x + y`, `y + x`): the same
    fast path, and NotImplemented for operands that are not arrays or scalars.
    """
    prim = _prim(lax_name)
    if prim is None:
        fast_types: frozenset = frozenset()
        scalar_types: frozenset = frozenset()
        int_types: frozenset = frozenset()
        impl = None
        weak_outs = (False, False)
    else:
        fast_types = frozenset(type(d) for d in fast_dtypes)
        scalar_types = frozenset(type(d) for d in fast_dtypes & _FLOATS)
        int_types = frozenset(type(d) for d in fast_dtypes & {np.dtype(np.int32)})
        impl = prim.impl
        weak_outs = _weak_outs(prim, 2)
    is_ufunc = isinstance(impl, np.ufunc)
    ctx, ev, new = _ctx, _eval_trace, Array.__new__

    def slow(x, y):
        x, y = promote(name, x, y)
        if bool_lax_name is not None and dtype_of(x) == _BOOL:
            return getattr(lax, bool_lax_name)(x, y)
        if lax_name in _ORDERED and dtype_of(x).kind == "c":
            return _complex_compare(lax_name, x, y)
        return getattr(lax, lax_name)(x, y)

    def fast(x, y):
        """The result, or None when the fast path does not apply."""
        tx, ty = type(x), type(y)
        if tx is Array:
            xv = x._value
            tdt = type(xv.dtype)
            if ty is Array:
                yv = y._value
                if (
                    tdt in fast_types
                    and type(yv.dtype) is tdt
                    and x.weak_type == y.weak_type
                    and (xv.shape == yv.shape or not xv.shape or not yv.shape)
                ):
                    out = impl(xv, yv)
                else:
                    return None
            elif (ty is float and tdt in scalar_types) or (
                ty is int
                and (tdt in scalar_types or tdt in int_types)
                and P.INT_MIN <= y <= P.INT_MAX
            ):
                out = impl(xv, y if is_ufunc else xv.dtype.type(y))
            else:
                return None
            a = new(Array)
            a._value = out
            a.weak_type = weak_outs[x.weak_type]
            return a
        if ty is Array and (tx is float or tx is int):
            yv = y._value
            tdt = type(yv.dtype)
            if (tx is float and tdt in scalar_types) or (
                tx is int
                and (tdt in scalar_types or tdt in int_types)
                and P.INT_MIN <= x <= P.INT_MAX
            ):
                a = new(Array)
                a._value = impl(x if is_ufunc else yv.dtype.type(x), yv)
                a.weak_type = weak_outs[y.weak_type]
                return a
        return None

    def f(x, y, /):
        if ctx.trace is ev:
            # The commonest case inline: two Arrays of one dtype, weak type and shape.
            if type(x) is Array and type(y) is Array:
                xv, yv = x._value, y._value
                tdt = type(xv.dtype)
                if (
                    tdt in fast_types
                    and type(yv.dtype) is tdt
                    and x.weak_type == y.weak_type
                    and xv.shape == yv.shape
                ):
                    a = new(Array)
                    a._value = impl(xv, yv)
                    a.weak_type = weak_outs[x.weak_type]
                    return a
            out = fast(x, y)
            if out is not None:
                return out
        return slow(x, y)

    def op(self, other):
        if ctx.trace is ev:
            # Inline: an Array with a Python float (`x * 2.0`), else the general fast path.
            if type(other) is float and type(self) is Array:
                xv = self._value
                if type(xv.dtype) in scalar_types:
                    a = new(Array)
                    a._value = impl(xv, other if is_ufunc else xv.dtype.type(other))
                    a.weak_type = weak_outs[self.weak_type]
                    return a
            out = fast(self, other)
            if out is not None:
                return out
        if type(other) in _OPERAND_TYPES or P.is_arraylike(other):
            return slow(self, other)
        return NotImplemented

    def rop(self, other):
        if ctx.trace is ev:
            out = fast(other, self)
            if out is not None:
                return out
        if type(other) in _OPERAND_TYPES or P.is_arraylike(other):
            return slow(other, self)
        return NotImplemented

    f._op = op  # type: ignore[attr-defined]
    f._rop = rop  # type: ignore[attr-defined]
    return _name(f, name, doc)


_OPERAND_TYPES = frozenset((Array, bool, int, float, complex))
_ORDERED = frozenset(("lt", "le", "gt", "ge"))


def _complex_compare(lax_name: str, x: Any, y: Any) -> Any:
    """Orders complex numbers lexicographically (real part first), as JAX does."""
    xr, xi, yr, yi = lax.real(x), lax.imag(x), lax.real(y), lax.imag(y)
    strict = lax.lt if lax_name in ("lt", "le") else lax.gt
    return lax.bitwise_or(
        strict(xr, yr), lax.bitwise_and(lax.eq(xr, yr), getattr(lax, lax_name)(xi, yi))
    )


def _compare(lax_name: str, x: Any, y: Any) -> Any:
    """`lax_name` on promoted operands of one dtype, complex ones ordered lexicographically."""
    if dtype_of(x).kind == "c":
        return _complex_compare(lax_name, x, y)
    return getattr(lax, lax_name)(x, y)


def inherit(x: Any, v: Any) -> Array:
    """A rank-0 constant with `x`'s dtype and weak type (as `full_like(x, v)` in JAX)."""
    a = P.aval(x)
    return const(a.dtype, v, a.weak_type)
