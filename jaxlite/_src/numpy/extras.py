"""jnp functions composed from other jnp functions: differences (diff, ediff1d), cross
products, interpolation and binning (interp, digitize, bincount), open meshes (ix_),
polynomial evaluation (polyval), integration and numerical gradients (trapezoid, gradient),
phase unwrapping (unwrap), and the methods of JAX's ufunc objects (`jnp.add.outer`,
`jnp.maximum.reduce`, `jnp.add.accumulate`, `.at`, `.reduceat`).

Everything here is built from jnp and lax wrappers, so jit, grad and vmap work through it
unchanged. Result dtypes and weak types follow from the compositions, which are the ones JAX
uses; comments point out where that matters.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable
from typing import Any

import numpy as np

from jaxlite._src import dtypes as _dtypes
from jaxlite._src.array import Array
from jaxlite._src.core import Tracer
from jaxlite._src.numpy import _lax as lax
from jaxlite._src.numpy import indexing, reductions, shape_ops, ufuncs
from jaxlite._src.numpy import promotion as P
from jaxlite._src.numpy.promotion import (
    PY_SCALARS,
    canonicalize_axis,
    check_arraylike,
    dtype_of,
    shape,
)

_BOOL = np.dtype(np.bool_)


def _arr(x: Any) -> Any:
    """`x` as a jaxlite value (Python scalars become weak rank-0 Arrays)."""
    if type(x) is Array or isinstance(x, Tracer):
        return x
    if type(x) in PY_SCALARS:
        dt, weak = _dtypes.result_type(x, return_weak_type_flag=True)
        return P.scalar_const(x, dt, weak)
    return P.to_jax(x)


def _ensure(name: str, *xs: Any) -> list[Any]:
    check_arraylike(name, *xs)
    return [_arr(x) for x in xs]


def _astype(x: Any, dt: np.dtype) -> Any:
    """`x.astype(dt)`: a strong value of dtype `dt` (complex to real keeps the real part)."""
    a = P.aval(x)
    if a.dtype.kind == "c" and dt.kind != "c":
        x = lax.real(x)
    return P.convert(x, dt, False)


def _slice(x: Any, start: int, stop: int, axis: int) -> Any:
    """`x[start:stop]` along `axis` for non-negative in-range bounds (a static slice)."""
    return lax.slice_in_dim(x, start, stop, 1, axis)


# ----------------------------------------------------------------------------------------------
# Differences


def diff(a: Any, n: int = 1, axis: int = -1, prepend: Any = None, append: Any = None) -> Any:
    """The `n`-th discrete difference along `axis` (`x[1:] - x[:-1]`; `!=` for booleans)."""
    (x,) = _ensure("diff", a)
    n, axis = operator.index(n), operator.index(axis)  # static arguments
    if n == 0:
        return x
    if n < 0:
        raise ValueError(f"order must be non-negative but got {n}")
    nd = len(shape(x))
    if nd == 0:
        raise ValueError(f"diff requires input that is at least one dimensional; got {a}")
    axis = canonicalize_axis(axis, nd)

    def edge(v: Any) -> Any:
        """`prepend`/`append` as an array; a scalar fills one slice along `axis`."""
        (e,) = _ensure("diff", v)
        if shape(e):
            return e
        s = list(shape(x))
        s[axis] = 1
        return shape_ops.broadcast_to(e, tuple(s))

    if prepend is not None or append is not None:
        pieces = [x] if prepend is None else [edge(prepend), x]
        if append is not None:
            pieces.append(edge(append))
        x = shape_ops.concatenate(pieces, axis)
    op = ufuncs.not_equal if dtype_of(x) == _BOOL else ufuncs.subtract
    for _ in range(n):
        size = shape(x)[axis]
        x = op(_slice(x, min(1, size), size, axis), _slice(x, 0, max(size - 1, 0), axis))
    return x


def ediff1d(ary: Any, to_end: Any = None, to_begin: Any = None) -> Any:
    """Differences of consecutive elements of the flattened array, with optional values
    (cast to the array's dtype) before and after."""
    (x,) = _ensure("ediff1d", ary)
    x = shape_ops.ravel(x)
    size = shape(x)[0]
    # lax.sub, not jnp.subtract: booleans are rejected, weak inputs stay weak.
    out = lax.sub(_slice(x, min(1, size), size, 0), _slice(x, 0, max(size - 1, 0), 0))
    dt = dtype_of(x)
    if to_begin is not None:
        (b,) = _ensure("ediff1d", to_begin)
        out = shape_ops.concatenate([shape_ops.ravel(_astype(b, dt)), out])
    if to_end is not None:
        (e,) = _ensure("ediff1d", to_end)
        out = shape_ops.concatenate([out, shape_ops.ravel(_astype(e, dt))])
    return out


# ----------------------------------------------------------------------------------------------
# Cross product


def _component(x: Any, i: int) -> Any:
    """`x[..., i]`."""
    nd = len(shape(x))
    return lax.squeeze(_slice(x, i, i + 1, nd - 1), (nd - 1,))


def cross(
    a: Any, b: Any, axisa: int = -1, axisb: int = -1, axisc: int = -1, axis: int | None = None
) -> Any:
    """Cross product of vectors of length 2 or 3 along `axisa`/`axisb` (all three axes are
    `axis` when it is given); 2-vector pairs give the scalar z component."""
    check_arraylike("cross", a, b)
    if axis is not None:
        axisa = axisb = axisc = axis
    x = shape_ops.moveaxis(_arr(a), axisa, -1)
    y = shape_ops.moveaxis(_arr(b), axisb, -1)
    if shape(x)[-1] not in (2, 3) or shape(y)[-1] not in (2, 3):
        raise ValueError("Dimension must be either 2 or 3 for cross product")
    mul, sub = ufuncs.multiply, ufuncs.subtract
    x0, x1 = _component(x, 0), _component(x, 1)
    y0, y1 = _component(y, 0), _component(y, 1)
    if shape(x)[-1] == 2 and shape(y)[-1] == 2:
        return sub(mul(x0, y1), mul(x1, y0))
    x2 = _component(x, 2) if shape(x)[-1] == 3 else _zeros_like(x0)
    y2 = _component(y, 2) if shape(y)[-1] == 3 else _zeros_like(y0)
    parts = [
        sub(mul(x1, y2), mul(x2, y1)),
        sub(mul(x2, y0), mul(x0, y2)),
        sub(mul(x0, y1), mul(x1, y0)),
    ]
    # Assembled like jnp.array([...]) of the three components: a strongly typed result.
    c = shape_ops.stack(parts)
    c = P.convert(c, dtype_of(c), False)
    return shape_ops.moveaxis(c, 0, axisc)


def _zeros_like(x: Any) -> Any:
    from jaxlite._src.numpy.creation import zeros_like  # noqa: PLC0415

    return zeros_like(x)


# ----------------------------------------------------------------------------------------------
# Open meshes


def ix_(*args: Any) -> tuple[Any, ...]:
    """Open-mesh index arrays: the i-th of n 1-D arrays reshaped to have its length on axis
    i and size 1 elsewhere."""
    check_arraylike("ix", *args)
    n = len(args)
    out = []
    for i, a in enumerate(args):
        x = _arr(a)
        s = shape(x)
        if len(s) != 1:
            raise ValueError(f"Arguments to jax.numpy.ix_ must be 1-dimensional, got shape {s}")
        if dtype_of(x) == _BOOL:
            raise NotImplementedError("Boolean arguments to jax.numpy.ix_ are not implemented")
        new = [1] * n
        new[i] = s[0]
        if s[0] == 0:
            # NumPy's empty index arrays are of its index type (the default int here).
            from jaxlite._src.numpy.creation import zeros  # noqa: PLC0415

            out.append(zeros(tuple(new), _dtypes.canonicalize_dtype(np.intp)))
        else:
            out.append(lax.broadcast_in_dim(x, tuple(new), (i,)))
    return tuple(out)


# ----------------------------------------------------------------------------------------------
# Interpolation and binning


def _check_side_value(name: str, v: Any) -> bool:
    """Whether the `left`/`right` argument asks for linear extrapolation."""
    if isinstance(v, str):
        if v != "extrapolate":
            raise ValueError(
                f"the only valid string value of `{name}` is 'extrapolate', but got: {v!r}"
            )
        return True
    return False


def interp(
    x: Any, xp: Any, fp: Any, left: Any = None, right: Any = None, period: Any = None
) -> Any:
    """Piecewise-linear interpolation of the points (`xp`, `fp`) at `x`; `left`/`right` set
    the values outside `xp` (default: the end values of `fp`; 'extrapolate' continues the end
    segments), `period` makes the x coordinates periodic."""
    xs, xps, fps = _ensure("interp", x, xp, fp)
    if shape(xps) != shape(fps) or len(shape(xps)) != 1:
        raise ValueError("xp and fp must be one-dimensional arrays of equal size")
    xs, xps = P.promote_dtypes_inexact(xs, xps)
    (fps,) = P.promote_dtypes_inexact(fps)
    extrapolate_left = _check_side_value("left", left)
    extrapolate_right = _check_side_value("right", right)
    if dtype_of(xs).kind == "c":
        raise ValueError("jnp.interp: complex x values not supported.")
    where = ufuncs.where
    if period is not None:
        if P.ndim(period) != 0:
            raise ValueError(f"period must be a scalar; got {period}")
        period = ufuncs.abs(period)
        xs = ufuncs.remainder(xs, period)
        xps = ufuncs.remainder(xps, period)
        xps, fps = lax.sort_key_val(xps, fps)
        m = shape(xps)[0]
        xps = shape_ops.concatenate(
            [
                ufuncs.subtract(_slice(xps, m - 1, m, 0), period),
                xps,
                ufuncs.add(_slice(xps, 0, 1, 0), period),
            ]
        )
        fps = shape_ops.concatenate([_slice(fps, m - 1, m, 0), fps, _slice(fps, 0, 1, 0)])
    n = shape(xps)[0]
    hi = ufuncs.clip(_insertion_index(xps, xs, "right"), 1, n - 1)
    lo = ufuncs.subtract(hi, 1)
    get = indexing.getitem
    f_lo, x_lo = get(fps, lo), get(xps, lo)
    df = ufuncs.subtract(get(fps, hi), f_lo)
    dx = ufuncs.subtract(get(xps, hi), x_lo)
    delta = ufuncs.subtract(xs, x_lo)
    # Segments of (nearly) zero width give their left value and keep gradients finite.
    eps = np.spacing(np.finfo(dtype_of(xps)).eps)
    flat = ufuncs.less_equal(lax.abs(dx), eps)
    slope = ufuncs.divide(delta, where(flat, 1, dx))
    f = where(flat, f_lo, ufuncs.add(f_lo, ufuncs.multiply(slope, df)))
    if period is None:
        if not extrapolate_left:
            value = get(fps, 0) if left is None else left
            f = where(ufuncs.less(xs, get(xps, 0)), value, f)
        if not extrapolate_right:
            value = get(fps, -1) if right is None else right
            f = where(ufuncs.greater(xs, get(xps, -1)), value, f)
    return f


def _sort_less(x: Any, y: Any, or_equal: bool) -> Any:
    """`x < y` (`x <= y`) in sort order: NaN after everything, complex lexicographic."""
    u = ufuncs
    kind = dtype_of(x).kind
    if kind == "c":
        xr, yr = u.real(x), u.real(y)
        same = u.logical_or(u.equal(xr, yr), u.logical_and(u.isnan(xr), u.isnan(yr)))
        tail = _sort_less(u.imag(x), u.imag(y), or_equal)
        return u.logical_or(_sort_less(xr, yr, False), u.logical_and(same, tail))
    if kind != "f":
        return u.less_equal(x, y) if or_equal else u.less(x, y)
    if or_equal:
        return u.logical_or(u.less_equal(x, y), u.isnan(y))
    return u.logical_or(u.less(x, y), u.logical_and(u.isnan(y), u.logical_not(u.isnan(x))))


_METHODS = ("compare_all", "scan", "scan_unrolled", "sort")


def _insertion_index(a: Any, v: Any, side: str) -> Any:
    """`jnp.searchsorted(a, v, side)` as JAX computes it: int32 positions in sort order
    (NaN last), by counting the elements of `a` that sort before each query."""
    a, v = P.promote_dtypes(a, v)
    qs, n = shape(v), shape(a)[0]
    ab = lax.broadcast_in_dim(a, (*qs, n), (len(qs),))
    vb = lax.broadcast_in_dim(_arr(v), (*qs, n), tuple(range(len(qs))))
    before = _sort_less(ab, vb, side == "right")
    return reductions.sum(before, axis=-1, dtype=np.int32)


def digitize(x: Any, bins: Any, right: bool = False, *, method: str | None = None) -> Any:
    """The index of the bin of `bins` (monotonic, increasing or decreasing) each element of
    `x` falls in; `right` makes bins closed on the right instead of the left."""
    xs, b = _ensure("digitize", x, bins)
    right = bool(right)
    if len(shape(b)) != 1:
        raise ValueError(f"digitize: bins must be a 1-dimensional array; got bins={bins}")
    n = shape(b)[0]
    if n == 0:
        from jaxlite._src.numpy.creation import zeros_like  # noqa: PLC0415

        return zeros_like(xs, dtype=np.int32)
    if method is not None and method not in _METHODS:
        raise ValueError(f"invalid argument method={method!r}, expected one of {list(_METHODS)}")
    side = "left" if right else "right"
    increasing = ufuncs.greater_equal(indexing.getitem(b, -1), indexing.getitem(b, 0))
    up = _insertion_index(b, xs, side)
    down = ufuncs.subtract(n, _insertion_index(shape_ops.flip(b), xs, side))
    return ufuncs.where(increasing, up, down)


# ----------------------------------------------------------------------------------------------
# Integration, numerical gradients, phase unwrapping, counting


def trapezoid(y: Any, x: Any = None, dx: Any = 1.0, axis: int = -1) -> Any:
    """Integral of `y` along `axis` by the trapezoidal rule, with sample points `x` or a
    spacing `dx` (scalar, or an array of spacings)."""
    if x is None:
        (ys,) = P.promote_dtypes_inexact(*_ensure("trapezoid", y))
        d = _arr(dx)
        if shape(d):
            d = lax.expand_dims(d, tuple(range(len(shape(ys)) - len(shape(d)))))
            d = shape_ops.moveaxis(d, axis, -1)
    else:
        ys, xs = P.promote_dtypes_inexact(*_ensure("trapezoid", y, x))
        if len(shape(xs)) == 1:
            d = diff(xs)
        else:
            d = shape_ops.moveaxis(diff(xs, axis=axis), axis, -1)
    ys = shape_ops.moveaxis(ys, axis, -1)
    u = ufuncs
    n = shape(ys)[-1]
    last = len(shape(ys)) - 1
    if not shape(d) or shape(d)[-1] == 1:
        # One spacing: dx * (sum(y) - (y[0] + y[-1]) / 2).
        d1 = d if not shape(d) else _component(d, 0)
        ends = u.add(indexing.getitem(ys, (..., 0)), indexing.getitem(ys, (..., -1)))
        return u.multiply(d1, u.subtract(reductions.sum(ys, axis=-1), u.multiply(0.5, ends)))
    pairs = u.add(_slice(ys, min(1, n), n, last), _slice(ys, 0, max(n - 1, 0), last))
    return u.multiply(0.5, reductions.sum(u.multiply(d, pairs), axis=-1))


def gradient(
    f: Any, *varargs: Any, axis: int | tuple[int, ...] | None = None, edge_order: int | None = None
) -> Any:
    """The gradient of sampled `f` by central differences inside and one-sided differences
    at the edges; `varargs` are the spacings (one scalar or 1-D coordinate array, or one per
    axis). One array for one axis, else a list."""
    if edge_order is not None:
        raise NotImplementedError("The 'edge_order' argument to jnp.gradient is not supported.")
    check_arraylike("gradient", f, *varargs)
    a, *spacing = P.promote_dtypes_inexact(*[_arr(v) for v in (f, *varargs)])
    nd = len(shape(a))
    if axis is None:
        axes = tuple(range(nd))
    else:
        axes = tuple(
            canonicalize_axis(i, nd) for i in (axis if isinstance(axis, tuple) else (axis,))
        )
    if not axes:
        return []
    if min(shape(a)[i] for i in axes) < 2:
        raise ValueError(
            "Shape of array too small to calculate a numerical gradient, "
            "at least 2 elements are required."
        )
    if not spacing:
        hs: list[Any] = [1.0] * len(axes)
    elif len(spacing) == 1:
        hs = spacing * len(axes)
    elif len(spacing) == len(axes):
        hs = list(spacing)
    else:
        raise TypeError(f"Invalid number of spacing arguments {len(spacing)} for axis={axis}")
    out = [_gradient_along(a, h, ax) for ax, h in zip(axes, hs, strict=True)]
    return out[0] if len(axes) == 1 else out


def _gradient_along(a: Any, h: Any, axis: int) -> Any:
    u = ufuncs
    n = shape(a)[axis]

    def sl(v: Any, start: int, stop: int) -> Any:
        return _slice(v, start, stop, axis)

    first = u.subtract(sl(a, 1, 2), sl(a, 0, 1))
    last = u.subtract(sl(a, n - 1, n), sl(a, n - 2, n - 1))
    if P.ndim(h) == 0:
        inner = u.divide(u.multiply(u.subtract(sl(a, 2, n), sl(a, 0, n - 2)), 0.5), h)
        first, last = u.divide(first, h), u.divide(last, h)
    elif P.ndim(h) == 1:
        if shape(h)[0] != n:
            raise ValueError(
                "Spacing arrays must have the same length as the dimension along which the "
                "gradient is calculated."
            )
        hb = [1] * len(shape(a))
        hb[axis] = n
        h = lax.reshape(h, tuple(hb))
        first = u.divide(first, u.subtract(sl(h, 1, 2), sl(h, 0, 1)))
        last = u.divide(last, u.subtract(sl(h, n - 1, n), sl(h, n - 2, n - 1)))
        dx1 = u.subtract(sl(h, 1, n - 1), sl(h, 0, n - 2))
        dx2 = u.subtract(sl(h, 2, n), sl(h, 1, n - 1))
        total = u.add(dx1, dx2)
        wa = u.divide(u.negative(dx2), u.multiply(dx1, total))
        wb = u.divide(u.subtract(dx2, dx1), u.multiply(dx1, dx2))
        wc = u.divide(dx1, u.multiply(dx2, total))
        inner = u.add(
            u.add(u.multiply(wa, sl(a, 0, n - 2)), u.multiply(wb, sl(a, 1, n - 1))),
            u.multiply(wc, sl(a, 2, n)),
        )
    else:
        raise ValueError("Spacing arrays must be 1D arrays or scalars.")
    return shape_ops.concatenate([first, inner, last], axis)


def unwrap(p: Any, discont: Any = None, axis: int = -1, period: Any = 2 * np.pi) -> Any:
    """Unwraps a phase signal along `axis`: jumps larger than `discont` (default half the
    period) are replaced by their equivalent modulo `period`."""
    u = ufuncs
    (ps,) = _ensure("unwrap", p)
    ps, period = P.promote_dtypes(ps, period)
    if dtype_of(ps).kind == "c":
        raise ValueError("jnp.unwrap does not support complex inputs.")
    s = shape(ps)
    if s[axis] == 0:
        return ps
    if discont is None:
        discont = u.divide(period, 2)
    half = u.floor_divide(period, 2) if dtype_of(ps).kind in "iu" else u.divide(period, 2)
    dd = diff(ps, axis=axis)
    ddmod = u.subtract(u.mod(u.add(dd, half), period), half)
    at_minus = u.logical_and(u.equal(ddmod, u.negative(half)), u.greater(dd, 0))
    ddmod = u.where(at_minus, half, ddmod)
    correction = u.where(u.less(u.abs(dd), discont), 0, u.subtract(ddmod, dd))
    ax = canonicalize_axis(axis, len(s))
    head = _slice(ps, 0, 1, ax)
    tail = u.add(_slice(ps, 1, s[ax], ax), reductions.cumsum(correction, axis=ax))
    return shape_ops.concatenate([head, tail], ax)


def bincount(x: Any, weights: Any = None, minlength: int = 0, *, length: int | None = None) -> Any:
    """Counts of each non-negative integer in `x` (sums of `weights` when given); the result
    has `length` entries (default: max(x) + 1, at least `minlength`; then `x` must be
    concrete). Values beyond the end are dropped, negative ones counted at 0."""
    (xs,) = _ensure("bincount", x)
    if dtype_of(xs) == _BOOL:
        xs = P.convert(xs, np.dtype(np.int32), False)
    if dtype_of(xs).kind not in "iu":
        raise TypeError(f"x argument to bincount must have an integer type; got {dtype_of(xs)}")
    if len(shape(xs)) != 1:
        raise ValueError("only 1-dimensional input supported.")
    minlength = operator.index(minlength)
    if length is None:
        if isinstance(xs, Tracer):
            v = xs.to_concrete_value()
            if v is None:
                from jaxlite._src.errors import ConcretizationTypeError  # noqa: PLC0415

                raise ConcretizationTypeError(
                    "Abstract tracer value encountered where concrete value is expected. "
                    "The error occurred because of argument 'x' of jnp.bincount. To avoid "
                    "this error, pass a static `length` argument."
                )
        else:
            v = xs._value
        v = np.asarray(v)
        length = max(minlength, v.size and int(max(0, v.max())) + 1)
    else:
        length = operator.index(length)
    if weights is None:
        w: Any = P.wrap(np.array(1, _dtypes.default_int_dtype()), False)
    else:
        (w,) = _ensure("bincount", weights)
        if shape(w) != shape(xs):
            raise ValueError(
                f"type of weights must match type of x. Got typeof(x)={P.aval(xs).str_short()} "
                f"and typeof(weights)={P.aval(w).str_short()}"
            )
    from jaxlite._src.numpy.creation import zeros  # noqa: PLC0415

    idx = ufuncs.clip(xs, 0)
    return zeros(length, dtype_of(w)).at[idx].add(w, mode="drop")


# ----------------------------------------------------------------------------------------------
# Polynomials


def polyval(p: Any, x: Any, *, unroll: int = 16) -> Any:
    """Evaluates the polynomial with coefficients `p` (highest power first, along axis 0)
    at `x` by Horner's rule, starting from zero as JAX does (so `polyval(p, inf)` is nan)."""
    check_arraylike("polyval", p, x)
    ps, xs = P.promote_dtypes(_arr(p), _arr(x))
    out_shape = shape_ops.broadcast_shapes(shape(ps)[1:], shape(xs))
    from jaxlite._src.numpy.creation import zeros  # noqa: PLC0415

    y0 = zeros(out_shape, dtype_of(xs))

    def step(y, c):
        return ufuncs.add(ufuncs.multiply(y, xs), c), None

    y, _ = lax.scan(step, y0, ps, unroll=unroll)
    return y


# ----------------------------------------------------------------------------------------------
# ufunc methods
#
# JAX's binary ufuncs (and `negative`) are `jnp.ufunc` objects with `outer`, `reduce`,
# `accumulate`, `at` and `reduceat` methods and the attributes `nin`, `nout`, `nargs` and
# `identity`. jaxlite's ufuncs are functions; `install_ufunc_methods` sets the same names on
# them. A ufunc's `reduce` (`accumulate`, `at`) is one of the jnp reductions (cumulative
# reductions, `.at[]` updates) where JAX has one, else a scan applying the ufunc in order.


def _result_dtype(fn: Callable, *xs: Any) -> np.dtype:
    """The dtype of `fn` applied to rank-0 values of the dtypes and weak types of `xs`
    (errors for unsupported dtypes are those of `fn`)."""
    from jaxlite._src.api import ShapeDtypeStruct, eval_shape  # noqa: PLC0415

    avals = [P.aval(x) for x in xs]
    args = [ShapeDtypeStruct((), a.dtype, weak_type=a.weak_type) for a in avals]
    return np.dtype(eval_shape(fn, *args).dtype)


def _reduction_axes(axis: Any, nd: int) -> tuple[int, ...]:
    if axis is None:
        return tuple(range(nd))
    axes = tuple(axis) if isinstance(axis, (tuple, list, np.ndarray)) else (axis,)
    out = tuple(canonicalize_axis(operator.index(a), nd) for a in axes)
    if len(set(out)) != len(out):
        raise ValueError(f"duplicate value in 'axis': {axis}")
    return out


def _check_scalar_initial(initial: Any) -> None:
    if initial is not None and P.ndim(initial) != 0:
        raise ValueError(f"initial value must be a scalar. Got array of shape {P.shape(initial)}")


def _expand_reduced(out: Any, axes: tuple[int, ...]) -> Any:
    return lax.expand_dims(out, axes) if axes else out


def _bitwise_reduce(
    name: str,
    lax_reduce: Callable,
    lax_op: Callable,
    identity: int | bool,
    logical: bool,
) -> Callable:
    """The reduction of a bitwise (`logical=False`: integer and bool operands only) or logical
    (operands cast to bool first) ufunc; with a `dtype` it computes in that dtype."""

    def reduce(a, axis=0, dtype=None, keepdims=False, initial=None, where=None):
        (x,) = _ensure(name, a)
        dt_in = dtype_of(x)
        if logical:
            x = P.convert(x, _BOOL, False)
        elif dt_in.kind not in "biu":
            raise ValueError(f"integer argument required; got dtype={dt_in}")
        axes = _reduction_axes(axis, len(shape(x)))
        dt = dtype_of(x) if dtype is None else P.user_dtype(dtype, name)
        x = P.convert(x, dt, False)
        if where is not None:
            # The identity as NumPy writes it in `dt` (-1 is all bits set, True for bools).
            x = ufuncs.where(where, x, P.wrap(np.array(identity).astype(dt)[()], False))
        out = lax_reduce(x, axes)
        if initial is not None:
            _check_scalar_initial(initial)
            out = lax_op(P.convert(_arr(initial), dt, False), out)
        if keepdims:
            out = _expand_reduced(out, axes)
        return out

    return reduce


def _logsumexp(name: str, base2: bool) -> Callable:
    """The reduction of `logaddexp` (`logaddexp2`): a log-sum-exp shifted by the (gradient-
    stopped, finite) maximum; `dtype` is checked and ignored, as in JAX."""

    def reduce(a, axis=0, dtype=None, keepdims=False, initial=None, where=None):
        if dtype is not None:
            P.user_dtype(dtype, f"jnp.{name}.reduce")
        (x,) = _ensure(name, a)
        if base2:
            ln2 = float(np.log(2))
            x = ufuncs.multiply(x, ln2)
            if initial is not None:
                initial = ufuncs.multiply(initial, ln2)
        (x,) = P.promote_dtypes_inexact(x)
        axes = _reduction_axes(axis, len(shape(x)))
        top = reductions.max(
            ufuncs.real(x), axis=axes, keepdims=keepdims, where=where, initial=-np.inf
        )
        top = lax.stop_gradient(ufuncs.where(ufuncs.isfinite(top), top, _zeros_like(top)))
        top_b = top if keepdims else _expand_reduced(top, axes)
        dt = dtype_of(x)
        e = lax.exp(lax.sub(x, _astype(top_b, dt)))
        s = reductions.sum(e, axis=axes, keepdims=keepdims, where=where)
        out = lax.add(lax.log(s), _astype(top, dtype_of(s)))
        if initial is not None:
            out = ufuncs.logaddexp(initial, out)
        if base2:
            out = ufuncs.divide(out, ln2)
        return out

    return reduce


def _scan_reduce(fn: Callable, name: str) -> Callable:
    """The reduction of a ufunc without a jnp reduction (`subtract`): a left fold along one
    axis, starting from `initial` (else the first element); `where` keeps the running value."""

    def reduce(a, axis=0, dtype=None, keepdims=False, initial=None, where=None):
        (x,) = _ensure(name, a)
        dt = _result_dtype(fn, x, x) if dtype is None else P.user_dtype(dtype, name)
        s = shape(x)
        mask = None if where is None else shape_ops.broadcast_to(_arr(where), s)
        if isinstance(axis, tuple):
            for ax in axis:
                canonicalize_axis(ax, len(s))
            raise NotImplementedError("tuple of axes")
        if axis is None:
            final = (1,) * len(s) if keepdims else ()
            x = shape_ops.ravel(x)
            mask = None if mask is None else shape_ops.ravel(mask)
            axis = 0
        else:
            axis = canonicalize_axis(axis, len(s))
            final = s[:axis] + ((1,) if keepdims else ()) + s[axis + 1 :]
            if axis != 0:
                x = shape_ops.moveaxis(x, axis, 0)
                mask = None if mask is None else shape_ops.moveaxis(mask, axis, 0)
        n = shape(x)[0]
        if n == 0:
            if initial is None:
                raise ValueError(
                    f"zero-size array to reduction operation {name} which has no identity"
                )
            from jaxlite._src.numpy.creation import full  # noqa: PLC0415

            return full(final, initial, dt)
        x = _astype(x, dt)
        if initial is None:
            start, init = 1, indexing.getitem(x, 0)
        else:
            start, init = 0, _astype(_arr(initial), dt)
        init = shape_ops.broadcast_to(init, shape(x)[1:])

        def fold(c, v):
            return fn(c, v), None

        def masked_fold(c, vm):
            v, m = vm
            return ufuncs.where(m, fn(c, v), c), None

        rest = _slice(x, start, n, 0)
        if mask is None:
            out, _ = lax.scan(fold, init, rest)
        else:
            out, _ = lax.scan(masked_fold, init, (rest, _slice(mask, start, n, 0)))
        return lax.reshape(out, final) if keepdims else out

    return reduce


def _scan_accumulate(fn: Callable, name: str) -> Callable:
    """The running reduction of a ufunc without a jnp one: `fn` applied left to right along
    `axis`, in the ufunc's result dtype (or `dtype`)."""

    def accumulate(a, axis=0, dtype=None):
        (x,) = _ensure(f"{name}.accumulate", a)
        dt = _result_dtype(fn, x, x) if dtype is None else P.user_dtype(dtype, name)
        if axis is None or isinstance(axis, tuple):
            raise ValueError("accumulate does not allow multiple axes")
        s = shape(x)
        axis = canonicalize_axis(axis, len(s))
        if math.prod(s) == 0:
            from jaxlite._src.numpy.creation import zeros  # noqa: PLC0415

            return zeros(s, dt)
        x = _astype(shape_ops.moveaxis(x, axis, 0), dt)
        first = indexing.getitem(x, 0)

        def step(c, v):
            # Promoted with the carry, as JAX's `where(i == 0, first, fn(c, v))` does (a
            # logical ufunc accumulating floats stays float).
            _, y = P.promote_dtypes(c, fn(c, v))
            return y, y

        _, rest = lax.scan(step, first, _slice(x, 1, s[axis], 0))
        out = shape_ops.concatenate([lax.expand_dims(first, (0,)), rest], 0)
        return shape_ops.moveaxis(out, 0, axis)

    return accumulate


_AT_INPLACE = (
    "Because JAX arrays are immutable, jnp.ufunc.at() cannot operate inplace like\n"
    "np.ufunc.at(). Instead, you can pass inplace=False and capture the result; e.g.\n"
    ">>> arr = jnp.add.at(arr, ind, val, inplace=False)\n"
)


def _traced_indices(indices: Any) -> tuple:
    """`indices` as JAX's jitted `ufunc.at` sees them: a tuple whose integer entries are
    arrays (so out-of-bounds updates are dropped, not rejected); slices are not allowed."""
    if isinstance(indices, list):
        raise TypeError(
            "Using a non-tuple sequence for multidimensional indexing is not allowed; use "
            "`arr[array(seq)]` instead of `arr[seq]`. See https://github.com/jax-ml/jax/issues/"
            "4564 for more information."
        )
    idx = indices if isinstance(indices, tuple) else (indices,)
    out = []
    for i in idx:
        if not P.is_arraylike(i):
            raise TypeError(
                "Error interpreting argument to ufunc.at as an abstract array. The problematic "
                f"value is of type {type(i)} and was passed to the function at path indices."
            )
        out.append(_arr(i))
    return tuple(out)


def _update_at(name: str, bool_via_int: bool) -> Callable:
    """`at` of add/multiply/subtract: the matching `.at[]` update (booleans of add and
    multiply go through int32: True + True stays True)."""

    def at(a, indices, b):
        (x,) = _ensure(f"{name}.at", a)
        idx = _traced_indices(indices)
        if bool_via_int and dtype_of(x) == _BOOL:
            i32 = np.dtype(np.int32)
            xi = P.convert(x, i32, False)
            bi = P.convert(P.convert(_arr(b), _BOOL, False), i32, False)
            out = getattr(xi.at[idx], name)(bi)
            return P.convert(out, _BOOL, False)
        return getattr(x.at[idx], name)(b)

    return at


def _scan_at(fn: Callable, name: str) -> Callable:
    """`at` of the other ufuncs: `a[i] = fn(a[i], b)` for one index after another (so
    repeated indices apply repeatedly), in the ufunc's result dtype."""

    def at(a, indices, *args):
        check_arraylike(f"{name}.at", a, *args)
        vals = [_arr(a), *[_arr(v) for v in args]]
        dt = _result_dtype(fn, *vals)
        x, *bs = [_astype(v, dt) for v in vals]
        idx = _traced_indices(indices)
        if not idx:
            return x
        bshape = shape_ops.broadcast_shapes(*[shape(i) for i in idx])
        if not bshape:
            return x.at[idx].set(fn(x.at[idx].get(), *bs))
        count = math.prod(bshape)
        flat = [shape_ops.ravel(shape_ops.broadcast_to(i, bshape)) for i in idx]
        xs: list[Any] = [flat]
        if bs:
            b = bs[0]
            rest = shape(b)[len(bshape) :]
            b = shape_ops.broadcast_to(b, (*bshape, *rest))
            xs.append(lax.reshape(b, (count, *rest)))

        def step(carry, item):
            ii = tuple(item[0])
            return carry.at[ii].set(fn(carry.at[ii].get(), *item[1:])), None

        out, _ = lax.scan(step, x, tuple(xs))
        return out

    return at


def _scan_reduceat(fn: Callable, name: str) -> Callable:
    """`reduceat`: segment j reduces `a[indices[j]:indices[j+1]]` along `axis` (only
    `a[indices[j]]` where the next index is not larger), by a loop over `axis`."""

    def reduceat(a, indices, axis=0, dtype=None):
        check_arraylike(f"{name}.reduceat", a, indices)
        x, ind = _arr(a), _arr(indices)
        if not shape(x):
            raise ValueError(f"reduceat: a must have 1 or more dimension, got a.shape={shape(x)}")
        if len(shape(ind)) != 1:
            raise ValueError(
                f"reduceat: indices must be one-dimensional, got indices.shape={shape(ind)}"
            )
        if axis is None or isinstance(axis, (tuple, list)):
            raise ValueError("reduceat requires a single integer axis.")
        nd = len(shape(x))
        axis = canonicalize_axis(axis, nd)
        n = shape(x)[axis]
        out = indexing.take(x, ind, axis=axis)
        end = lax.reshape(P.convert(n, dtype_of(ind), False), (1,))  # wraps like jnp.append
        bounds = shape_ops.concatenate([ind, end])
        bounds = lax.expand_dims(bounds, tuple(d for d in range(nd) if d != axis))
        m = shape(bounds)[axis]
        starts = _slice(bounds, 0, m - 1, axis)
        ends = _slice(bounds, 1, m, axis)

        def body(i, acc):
            inside = ufuncs.logical_and(ufuncs.greater(i, starts), ufuncs.less(i, ends))
            row = indexing.take(x, lax.expand_dims(i, (0,)), axis=axis)
            return ufuncs.where(inside, fn(acc, row), acc)

        return lax.fori_loop(0, n, body, out)

    return reduceat


def _methods(fn: Callable, name: str, nin: int, identity: Any, **impls: Callable) -> None:
    """Sets `nin`, `nout`, `nargs`, `identity` and the five ufunc methods on `fn`."""
    reduce_impl = impls.get("reduce") or _scan_reduce(fn, name)
    accumulate_impl = impls.get("accumulate") or _scan_accumulate(fn, name)
    at_impl = impls.get("at") or _scan_at(fn, name)
    reduceat_impl = _scan_reduceat(fn, name)

    def binary_only(method: str) -> None:
        if nin != 2:
            raise ValueError(f"{method} only supported for binary ufuncs")

    def outer(A: Any, B: Any, /) -> Any:
        binary_only("outer")
        check_arraylike(f"{name}.outer", A, B)
        x, y = _arr(A), _arr(B)
        if shape(y):
            x = lax.reshape(x, shape(x) + (1,) * len(shape(y)))
        return fn(x, y)

    def reduce(
        a: Any,
        axis: Any = 0,
        dtype: Any = None,
        out: None = None,
        keepdims: bool = False,
        initial: Any = None,
        where: Any = None,
    ) -> Any:
        check_arraylike(f"{name}.reduce", a)
        binary_only("reduce")
        if out is not None:
            raise NotImplementedError(f"out argument of {name}.reduce()")
        if initial is not None:
            check_arraylike(f"{name}.reduce", initial)
        if where is not None:
            check_arraylike(f"{name}.reduce", where)
            if identity is None and initial is None:
                raise ValueError(
                    f"reduction operation {name!r} does not have an identity, so to use a "
                    "where mask one has to specify 'initial'."
                )
            if dtype_of(where) != _BOOL:
                raise ValueError(
                    f"where argument must have dtype=bool; got dtype={dtype_of(where)}"
                )
        return reduce_impl(
            a, axis=axis, dtype=dtype, keepdims=keepdims, initial=initial, where=where
        )

    def accumulate(a: Any, axis: int = 0, dtype: Any = None, out: None = None) -> Any:
        binary_only("accumulate")
        if out is not None:
            raise NotImplementedError(f"out argument of {name}.accumulate()")
        return accumulate_impl(a, axis=axis, dtype=dtype)

    def at(a: Any, indices: Any, b: Any = None, /, *, inplace: bool = True) -> Any:
        if inplace:
            raise NotImplementedError(_AT_INPLACE)
        return at_impl(a, indices) if b is None else at_impl(a, indices, b)

    def reduceat(a: Any, indices: Any, axis: int = 0, dtype: Any = None, out: None = None) -> Any:
        binary_only("reduceat")
        if out is not None:
            raise NotImplementedError(f"out argument of {name}.reduceat()")
        return reduceat_impl(a, indices, axis=axis, dtype=dtype)

    for method in (outer, reduce, accumulate, at, reduceat):
        method.__qualname__ = f"{name}.{method.__name__}"
        method.__module__ = "jaxlite.numpy"
        method.__doc__ = f"`jnp.{name}.{method.__name__}` (as NumPy's ufunc method)."
        setattr(fn, method.__name__, method)
    fn.nin = nin  # type: ignore[attr-defined]
    fn.nout = 1  # type: ignore[attr-defined]
    fn.nargs = nin  # type: ignore[attr-defined]
    fn.identity = identity  # type: ignore[attr-defined]


def _reduce_via(fn: Callable, dtype_arg: str = "pass") -> Callable:
    """A ufunc reduction that is the jnp reduction `fn` (sum, prod, max, min). `dtype_arg`:
    "pass" hands `dtype` to `fn`; "convert" converts the operand to it first (jnp.min has no
    `dtype`; JAX's reduction computes in it); "reject" raises JAX's TypeError for any dtype
    (JAX's max reduction takes `dtype` as a traced argument)."""

    def reduce(a, axis=0, dtype=None, keepdims=False, initial=None, where=None):
        _check_scalar_initial(initial)
        if dtype_arg == "pass":
            return fn(a, axis=axis, dtype=dtype, keepdims=keepdims, initial=initial, where=where)
        if dtype is not None:
            if dtype_arg == "reject":
                raise TypeError(
                    f"Error interpreting argument to {fn.__name__} as an abstract array. The "
                    f"problematic value is of type {type(dtype)} and was passed to the function "
                    "at path dtype."
                )
            (a,) = _ensure(fn.__name__, a)
            a = _astype(a, P.user_dtype(dtype, fn.__name__))
        return fn(a, axis=axis, keepdims=keepdims, initial=initial, where=where)

    return reduce


def install_ufunc_methods() -> None:
    """Gives jnp's ufuncs JAX's ufunc attributes and methods (idempotent)."""
    u = ufuncs
    _methods(
        u.add,
        "add",
        2,
        0,
        reduce=_reduce_via(reductions.sum),
        accumulate=lambda a, axis, dtype: reductions.cumsum(a, axis=axis, dtype=dtype),
        at=_update_at("add", True),
    )
    _methods(
        u.multiply,
        "multiply",
        2,
        1,
        reduce=_reduce_via(reductions.prod),
        accumulate=lambda a, axis, dtype: reductions.cumprod(a, axis=axis, dtype=dtype),
        at=_update_at("multiply", True),
    )
    _methods(u.subtract, "subtract", 2, None, at=_update_at("subtract", False))
    _methods(u.maximum, "maximum", 2, None, reduce=_reduce_via(reductions.max, "reject"))
    _methods(u.minimum, "minimum", 2, None, reduce=_reduce_via(reductions.min, "convert"))
    for nm, red, op, ident in (
        ("bitwise_and", lax.reduce_and, lax.bitwise_and, -1),
        ("bitwise_or", lax.reduce_or, lax.bitwise_or, 0),
        ("bitwise_xor", lax.reduce_xor, lax.bitwise_xor, 0),
    ):
        _methods(getattr(u, nm), nm, 2, ident, reduce=_bitwise_reduce(nm, red, op, ident, False))
    for nm, red, op, ident in (
        ("logical_and", lax.reduce_and, lax.bitwise_and, True),
        ("logical_or", lax.reduce_or, lax.bitwise_or, False),
        ("logical_xor", lax.reduce_xor, lax.bitwise_xor, False),
    ):
        _methods(getattr(u, nm), nm, 2, ident, reduce=_bitwise_reduce(nm, red, op, ident, True))
    _methods(u.logaddexp, "logaddexp", 2, -np.inf, reduce=_logsumexp("logaddexp", False))
    _methods(u.logaddexp2, "logaddexp2", 2, -np.inf, reduce=_logsumexp("logaddexp2", True))
    _methods(u.negative, "negative", 1, None)


install_ufunc_methods()
