"""Building blocks of the elementwise jnp functions: constants, and the factories that make a
unary or binary function from a lax wrapper, with its fast paths.

Eager fast path: with no transformation active, Array arguments whose dtype the lax operation
takes as is (e.g. float32 for `sin`) skip promotion and `bind` and call the primitive's NumPy
implementation directly; the value, dtype and weak type are exactly those `bind` would give.
Traced fast path: operands that promotion would leave unchanged go straight to the lax
wrapper. Everything else takes the general path: promote, broadcast, call the lax wrapper.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

import numpy as np

from jaxlite._src.array import Array
from jaxlite._src.numpy import _lax as lax
from jaxlite._src.numpy import promotion as P
from jaxlite._src.numpy.promotion import ANY, dtype_of, wrap

_ctx = P._ctx
_eval_trace = P._eval_trace
_tracing = P._tracing

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


# Python scalar operands of eager ufunc calls, as read-only 0-d arrays of the other operand's
# dtype, memoised per (dtype, value). A NumPy ufunc takes a 0-d array operand in about half the
# time it takes a Python scalar (which it converts under NEP 50 on every call), and the array
# holds exactly that conversion, so the results are bit for bit the same. Zeros are not
# memoised (0.0 and -0.0 are equal keys), ints and floats have separate tables (2 == 2.0), and
# the tables are bounded.
_float_operands: dict[tuple[np.dtype, float], Any] = {}
_int_operands: dict[tuple[np.dtype, int], Any] = {}
_OPERANDS_MAX = 1024


def _scalar_operand(table: dict, dt: np.dtype, v: Any) -> Any:
    """`v` as a memoised 0-d array of dtype `dt` (zero: `v` itself); see above."""
    if not v:
        return v
    if len(table) >= _OPERANDS_MAX:
        table.clear()
    c = np.asarray(v, dt)
    c.flags.writeable = False
    table[(dt, v)] = c
    return c


# ----------------------------------------------------------------------------------------------
# Factories for the common shapes of elementwise functions
#
# Each function has three routes. Eager (no transformation active), Arrays whose dtype the lax
# operation takes as is call the primitive's NumPy implementation directly. Under a
# transformation, operands that promotion and broadcasting leave as they are
# (`promotion.simple_one`/`simple_pair`) go straight to the lax wrapper. Everything else takes
# the general route: check, promote, broadcast, call the lax wrapper. The first two give
# exactly what the general route gives (value, dtype, weak type, staged equations).
#
# A weakly typed operand may still be converted by promotion (a weak float64 value without
# x64, a weak float16 value with a Python float), so the eager route takes weak operands only
# when `promotion.unchanged` says promotion leaves them alone.


def _unary(name: str, lax_name: str, promote: Callable, fast_dtypes: frozenset, doc: str):
    """`name(x)` = lax `lax_name` after `promote`; Arrays of `fast_dtypes` take the fast path."""
    prim = _prim(lax_name)
    if prim is None:
        fast_set: frozenset = frozenset()
        impl = None
        weak_outs = (False, False)
    else:
        fast_set = frozenset(fast_dtypes)
        impl = prim.impl
        weak_outs = _weak_outs(prim, 1)
    weak_out = weak_outs[0]
    lax_fn = lax.lookup(lax_name)
    ctx, ev, new, tracing = _ctx, _eval_trace, Array.__new__, _tracing
    unchanged, simple_one = P.unchanged, P.simple_one

    def slow(x):
        (y,) = promote(name, x)
        return getattr(lax, lax_name)(P.keep_scalar(x, y))

    def f(x, /):
        if not tracing or ctx.trace is ev:
            if type(x) is Array:
                v = x._value
                if v.dtype in fast_set:
                    if not x.weak_type:
                        a = new(Array)
                        a._value = impl(v)
                        a.weak_type = weak_out
                        return a
                    if unchanged(ANY, v.dtype, True):
                        a = new(Array)
                        a._value = impl(v)
                        a.weak_type = weak_outs[1]
                        return a
        elif simple_one(ANY, x) in fast_set:
            return lax_fn(x)
        return slow(x)

    rounded = getattr(impl, "rounded_ufunc", None)
    if rounded is None:
        return _name(f, name, doc)
    # A float32 kernel computed in float64 and rounded (see `rules._rounded_from_f64`):
    # the commonest case, a strong float32 Array of rank >= 1, inlines the implementation.
    rounded_set = fast_set & {np.dtype(np.float32)}
    f64, ndarray, general = np.float64, np.ndarray, f

    def f_rounded(x, /):
        if type(x) is Array and (not tracing or ctx.trace is ev) and not x.weak_type:
            v = x._value
            dt = v.dtype
            if dt in rounded_set and type(v) is ndarray and v.ndim:
                w = v.astype(f64)
                a = new(Array)
                a._value = rounded(w, w).astype(dt)
                a.weak_type = weak_out
                return a
        return general(x)

    return _name(f_rounded, name, doc)


def _binary(
    name: str,
    lax_name: str,
    promote: Callable,
    fast_dtypes: frozenset,
    doc: str,
    bool_lax_name: str | None = None,
):
    """`name(x, y)` = lax `lax_name` on promoted, broadcast operands.

    Eager fast path: two Arrays of one dtype in `fast_dtypes` and one weak flag, of one shape
    or (for NumPy ufunc implementations, which broadcast as jnp does) any broadcastable
    shapes; or an Array of a float dtype in `fast_dtypes` (or of the default int dtype) with a
    Python float (or int). A NumPy ufunc implementation receives the Python scalar as a 0-d
    array of the Array's dtype: NumPy's weak scalar promotion (NEP 50) would convert it so, and
    that matches JAX's.

    The function carries `_op` and `_rop`, the operator methods (`x + y`, `y + x`): the same
    fast paths, and NotImplemented for operands that are not arrays or scalars.
    """
    prim = _prim(lax_name)
    if prim is None:
        fast_set: frozenset = frozenset()
        scalar_set: frozenset = frozenset()
        int_set: frozenset = frozenset()
        impl = None
        weak_outs = (False, False)
    else:
        fast_set = frozenset(fast_dtypes)
        scalar_set = frozenset(fast_dtypes & _FLOATS)
        int_set = frozenset(fast_dtypes & {np.dtype(np.int32)})
        impl = prim.impl
        weak_outs = _weak_outs(prim, 2)
    weak_out = weak_outs[0]
    # Dtypes the traced route hands to the lax wrapper itself (the general route orders
    # complex numbers by hand for the comparisons).
    traced_set = frozenset(d for d in fast_set if not (lax_name in _ORDERED and d.kind == "c"))
    lax_fn = lax.lookup(lax_name)
    is_ufunc = isinstance(impl, np.ufunc)
    ctx, ev, new, tracing = _ctx, _eval_trace, Array.__new__, _tracing
    unchanged, simple_pair = P.unchanged, P.simple_pair
    fops, iops = _float_operands, _int_operands

    def slow(x, y):
        x, y = promote(name, x, y)
        if bool_lax_name is not None and dtype_of(x) == _BOOL:
            return getattr(lax, bool_lax_name)(x, y)
        if lax_name in _ORDERED and dtype_of(x).kind == "c":
            return _complex_compare(lax_name, x, y)
        return getattr(lax, lax_name)(x, y)

    def traced(x, y):
        """Under a transformation: the lax call when promotion is trivial, else None."""
        r = simple_pair(ANY, x, y, traced_set)
        if r is not None:
            return lax_fn(r[1], r[2])
        return None

    def fast(x, y):
        """The eager result, or None when the fast path does not apply."""
        tx, ty = type(x), type(y)
        if tx is Array:
            xv = x._value
            dt = xv.dtype
            if ty is Array:
                yv = y._value
                if not (
                    dt in fast_set
                    and (yv.dtype is dt or yv.dtype == dt)
                    and x.weak_type == y.weak_type
                    and (not x.weak_type or unchanged(ANY, dt, True))
                ):
                    return None
                xs, ys = xv.shape, yv.shape
                if xs == ys or not xs or not ys:
                    out = impl(xv, yv)
                elif is_ufunc:
                    try:
                        out = impl(xv, yv)  # NumPy broadcasting is jnp's
                    except ValueError:
                        return None  # incompatible shapes: the general route raises
                else:
                    # Broadcast as the general route's broadcast_in_dim does (views).
                    shape = P.broadcast_shape_or_none(xs, ys)
                    if shape is None:
                        return None
                    if xs != shape:
                        xv = np.broadcast_to(xv, shape)
                    if ys != shape:
                        yv = np.broadcast_to(yv, shape)
                    out = impl(xv, yv)
            elif (ty is float and dt in scalar_set) or (
                ty is int and (dt in scalar_set or dt in int_set) and P.INT_MIN <= y <= P.INT_MAX
            ):
                if x.weak_type and not unchanged(ANY, dt, True, ty):
                    return None
                if is_ufunc:
                    table = fops if ty is float else iops
                    c = table.get((dt, y))
                    out = impl(xv, _scalar_operand(table, dt, y) if c is None else c)
                else:
                    out = impl(xv, dt.type(y))
            else:
                return None
            a = new(Array)
            a._value = out
            a.weak_type = weak_outs[x.weak_type]
            return a
        if ty is Array and (tx is float or tx is int):
            yv = y._value
            dt = yv.dtype
            if (tx is float and dt in scalar_set) or (
                tx is int and (dt in scalar_set or dt in int_set) and P.INT_MIN <= x <= P.INT_MAX
            ):
                if y.weak_type and not unchanged(ANY, dt, True, tx):
                    return None
                if is_ufunc:
                    table = fops if tx is float else iops
                    c = table.get((dt, x))
                    out = impl(_scalar_operand(table, dt, x) if c is None else c, yv)
                else:
                    out = impl(dt.type(x), yv)
                a = new(Array)
                a._value = out
                a.weak_type = weak_outs[y.weak_type]
                return a
        return None

    def f(x, y, /):
        if not tracing or ctx.trace is ev:
            # The commonest case inline: two strong Arrays of one dtype (and shape, unless
            # NumPy broadcasts them as jnp does).
            if type(x) is Array and type(y) is Array:
                xv, yv = x._value, y._value
                dt = xv.dtype
                if (
                    dt in fast_set
                    and yv.dtype is dt
                    and not x.weak_type
                    and not y.weak_type
                    and (is_ufunc or xv.shape == yv.shape)
                ):
                    try:
                        out = impl(xv, yv)
                    except ValueError:
                        return slow(x, y)  # shapes that do not broadcast: jnp's error
                    a = new(Array)
                    a._value = out
                    a.weak_type = weak_out
                    return a
            out = fast(x, y)
        else:
            out = traced(x, y)
        if out is not None:
            return out
        return slow(x, y)

    def op(self, other):
        if not tracing or ctx.trace is ev:
            # Inline: a strong Array with a Python float (`x * 2.0`) or with a strong Array
            # of its dtype (`x + y`); else the general fast path.
            if type(self) is Array:
                to = type(other)
                if to is float:
                    xv = self._value
                    dt = xv.dtype
                    if dt in scalar_set and not self.weak_type and is_ufunc:
                        c = fops.get((dt, other))
                        if c is None:
                            c = _scalar_operand(fops, dt, other)
                        a = new(Array)
                        a._value = impl(xv, c)
                        a.weak_type = weak_out
                        return a
                elif to is Array:
                    xv, yv = self._value, other._value
                    dt = xv.dtype
                    if (
                        dt in fast_set
                        and yv.dtype is dt
                        and not self.weak_type
                        and not other.weak_type
                        and (is_ufunc or xv.shape == yv.shape)
                    ):
                        try:
                            out = impl(xv, yv)
                        except ValueError:
                            return slow(self, other)
                        a = new(Array)
                        a._value = out
                        a.weak_type = weak_out
                        return a
            out = fast(self, other)
        else:
            out = traced(self, other)
        if out is not None:
            return out
        if type(other) in _OPERAND_TYPES or P.is_arraylike(other):
            return slow(self, other)
        return NotImplemented

    def rop(self, other):
        out = fast(other, self) if not tracing or ctx.trace is ev else traced(other, self)
        if out is not None:
            return out
        if type(other) in _OPERAND_TYPES or P.is_arraylike(other):
            return slow(other, self)
        return NotImplemented

    f._op = op  # type: ignore[attr-defined]
    f._rop = rop  # type: ignore[attr-defined]
    return _name(f, name, doc)


def eager_value(x: Any, fast_set: frozenset) -> Any:
    """The NumPy value of `x` when it may skip promotion and `bind`: an Array, with no
    transformation active, of a dtype in `fast_set`, that promotion leaves as it is. Else None."""
    if type(x) is Array and (not _tracing or _ctx.trace is _eval_trace):
        v = x._value
        if v.dtype in fast_set and (not x.weak_type or P.unchanged(P.ANY, v.dtype, True)):
            return v
    return None


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
