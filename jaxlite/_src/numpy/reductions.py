"""Reductions (sum, mean, var, max, argmax, all, ...), cumulative reductions and sorting."""

from __future__ import annotations

import builtins
import math
import operator
from collections.abc import Callable
from typing import Any

import numpy as np

from jaxlite._src import dtypes as _dtypes
from jaxlite._src.array import Array
from jaxlite._src.core import Tracer, is_tracer
from jaxlite._src.numpy import _lax as lax
from jaxlite._src.numpy import promotion as P
from jaxlite._src.numpy.promotion import (
    PY_SCALARS,
    canonicalize_axis,
    check_arraylike,
    dtype_of,
    shape,
    wrap,
)
from jaxlite._src.numpy.ufunc_base import _prim
from jaxlite._src.numpy.ufuncs import const, true_divide, where

_BOOL = np.dtype(np.bool_)


def _arr(name: str, a: Any) -> Any:
    if type(a) is Array:
        return a
    check_arraylike(name, a)
    if isinstance(a, Tracer):
        return a
    if type(a) in PY_SCALARS:
        dt, weak = _dtypes.result_type(a, return_weak_type_flag=True)
        return P.scalar_const(a, dt, weak)
    return P.to_jax(a)


_ALL_AXES = [tuple(range(n)) for n in range(8)]


_axes_memo: dict[tuple[tuple[int, ...], int], tuple[int, ...]] = {}


def _axes(axis: Any, nd: int) -> tuple[int, ...]:
    if axis is None and nd < 8:
        return _ALL_AXES[nd]
    if type(axis) is int and -nd <= axis < nd:
        return (axis % nd,)
    if type(axis) is tuple:
        # Memoised (tuples of ints only: 1 and True are equal keys).
        key = (axis, nd)
        try:
            out = _axes_memo.get(key)
        except TypeError:  # unhashable entries (tracers): canonicalize_axes raises or converts
            out = None
        if out is not None:
            return out
        out = P.canonicalize_axes(axis, nd)
        if len(_axes_memo) < 4096 and builtins.all(type(a) is int for a in axis):
            _axes_memo[key] = out
        return out
    if isinstance(axis, (Array, Tracer)):
        axis = operator.index(axis)
    return P.canonicalize_axes(axis, nd)


def _dtype_weak(x: Any) -> tuple[np.dtype, bool]:
    """The dtype and weak flag of an Array or tracer."""
    if type(x) is Array:
        return x._value.dtype, x.weak_type
    a = x.aval
    return a.dtype, a.weak_type


def _keepdims(out: Any, in_shape: tuple[int, ...], axes: tuple[int, ...]) -> Any:
    kept = tuple(i for i in range(len(in_shape)) if i not in axes)
    new = tuple(1 if i in axes else d for i, d in enumerate(in_shape))
    return lax.broadcast_in_dim(out, new, kept)


def _sum_dtype(dt: np.dtype) -> np.dtype:
    """Sums of small ints and bools are computed in the default int (uint for unsigned)."""
    if dt.kind == "b":
        return _dtypes.default_int_dtype()
    if dt.kind == "i" and dt.itemsize < _dtypes.default_int_dtype().itemsize:
        return _dtypes.default_int_dtype()
    if dt.kind == "u" and dt.itemsize < _dtypes.default_uint_dtype().itemsize:
        return _dtypes.default_uint_dtype()
    return dt


def _reduction(
    name: str,
    a: Any,
    axis: Any,
    dtype: Any,
    keepdims: bool,
    initial: Any,
    where_: Any,
    lax_reduce: Callable,
    identity: Any,
    *,
    promote_ints: bool = False,
    to_bool: bool = False,
    op_for_initial: Callable | None = None,
    promote_integers: bool = True,
) -> Any:
    x = _arr(name, a)
    s = shape(x)
    axes = _axes(axis, len(s))
    in_dt, in_weak = _dtype_weak(x)
    if to_bool:
        dt = _BOOL
    elif dtype is not None:
        dt = P.user_dtype(dtype, name)
    elif promote_ints and promote_integers:
        dt = _sum_dtype(in_dt)
    else:
        dt = in_dt
    if to_bool and in_dt != _BOOL:
        x = lax.convert_element_type(x, _BOOL)
    elif dt != in_dt or in_weak:
        x = lax.convert_element_type(x, dt)
    if where_ is not None:
        if identity is None:
            if initial is None:
                raise ValueError(
                    f"reduction operation {name} does not have an identity, so to "
                    "use a where mask one has to specify 'initial'"
                )
            # Complex values have no identity for max/min: masked entries take `initial`,
            # which the result includes anyway.
            ident = initial if dt.kind == "c" else _min_or_max_identity(name, dt)
        else:
            ident = identity
        x = where(where_, x, const(dt, ident))
    if identity is None and initial is None and where_ is None:
        for ax in axes:
            if s[ax] == 0:
                raise ValueError(
                    f"zero-size array to reduction operation {name} which has no identity"
                )
    out = lax_reduce(x, axes)
    if initial is not None:
        init = (
            P.convert(initial, dt, False)
            if type(initial) in PY_SCALARS
            else P.convert(P.to_jax(initial), dt, False)
        )
        out = op_for_initial(init, out)
    if keepdims:
        out = _keepdims(out, s, axes)
    return out


_reduce_sum_p = _prim("reduce_sum")
_div_p = _prim("div")
# Dtypes whose mean is computed in their own dtype (float16 accumulates in float32).
_MEAN_FAST = (
    frozenset(np.dtype(t) for t in (np.float32, np.float64, np.complex64, np.complex128))
    if _reduce_sum_p is not None and _div_p is not None
    else frozenset()
)


def _min_or_max_identity(name: str, dt: np.dtype) -> Any:
    big = name in ("min", "amin")
    if dt.kind == "f":
        return np.inf if big else -np.inf
    if dt.kind in "iu":
        info = np.iinfo(dt)
        return info.max if big else info.min
    if dt.kind == "b":
        return big
    raise TypeError(f"{name} does not support dtype {dt}")


def sum(
    a: Any,
    axis: Any = None,
    dtype: Any = None,
    out: None = None,
    keepdims: bool = False,  # noqa: A001
    initial: Any = None,
    where: Any = None,
    promote_integers: bool = True,
) -> Any:
    """Sum over `axis` (all axes by default); small ints and bools sum in int32."""
    _no_out("sum", out)
    return _reduction(
        "sum",
        a,
        axis,
        dtype,
        keepdims,
        initial,
        where,
        lax.reduce_sum,
        0,
        promote_ints=True,
        op_for_initial=lax.add,
        promote_integers=promote_integers,
    )


def prod(
    a: Any,
    axis: Any = None,
    dtype: Any = None,
    out: None = None,
    keepdims: bool = False,
    initial: Any = None,
    where: Any = None,
    promote_integers: bool = True,
) -> Any:
    """Product over `axis`; small ints and bools multiply in int32."""
    _no_out("prod", out)
    return _reduction(
        "prod",
        a,
        axis,
        dtype,
        keepdims,
        initial,
        where,
        lax.reduce_prod,
        1,
        promote_ints=True,
        op_for_initial=lax.mul,
        promote_integers=promote_integers,
    )


def max(
    a: Any,
    axis: Any = None,
    out: None = None,
    keepdims: bool = False,  # noqa: A001
    initial: Any = None,
    where: Any = None,
) -> Any:
    """Maximum over `axis` (NaNs propagate)."""
    _no_out("max", out)
    return _reduction(
        "max", a, axis, None, keepdims, initial, where, lax.reduce_max, None, op_for_initial=lax.max
    )


def min(
    a: Any,
    axis: Any = None,
    out: None = None,
    keepdims: bool = False,  # noqa: A001
    initial: Any = None,
    where: Any = None,
) -> Any:
    """Minimum over `axis` (NaNs propagate)."""
    _no_out("min", out)
    return _reduction(
        "min", a, axis, None, keepdims, initial, where, lax.reduce_min, None, op_for_initial=lax.min
    )


amax = max
amin = min


def all(
    a: Any,
    axis: Any = None,
    out: None = None,
    keepdims: bool = False,
    *,  # noqa: A001
    where: Any = None,
) -> Any:
    """True where every element along `axis` is nonzero."""
    _no_out("all", out)
    return _reduction(
        "all", a, axis, None, keepdims, None, where, lax.reduce_and, True, to_bool=True
    )


def any(
    a: Any,
    axis: Any = None,
    out: None = None,
    keepdims: bool = False,
    *,  # noqa: A001
    where: Any = None,
) -> Any:
    """True where some element along `axis` is nonzero."""
    _no_out("any", out)
    return _reduction(
        "any", a, axis, None, keepdims, None, where, lax.reduce_or, False, to_bool=True
    )


def _no_out(name: str, out: Any) -> None:
    if out is not None:
        raise NotImplementedError(f"The 'out' argument to jnp.{name} is not supported.")


def _count(s: tuple[int, ...], axes: tuple[int, ...]) -> int:
    return math.prod([s[a] for a in axes])


def _upcast_f16(dt: np.dtype) -> np.dtype:
    return np.dtype(np.float32) if dt == np.float16 else dt


def mean(
    a: Any,
    axis: Any = None,
    dtype: Any = None,
    out: None = None,
    keepdims: bool = False,
    *,
    where: Any = None,
) -> Any:
    """Arithmetic mean over `axis`; integer inputs give float32 (float64 with x64)."""
    _no_out("mean", out)
    if dtype is None and where is None and not keepdims and (type(a) is Array or is_tracer(a)):
        dt, weak = _dtype_weak(a)
        if dt in _MEAN_FAST and not weak and _dtypes.canonicalize_dtype(dt) == dt:
            # The general path's calls without its bookkeeping: a strong operand of a
            # canonical inexact dtype is summed as it is, then divided by the count.
            s = shape(a)
            axes = _axes(axis, len(s))
            n = np.asarray(_count(s, axes), dt)[()]
            if type(a) is Array and P.is_eager():
                # Eagerly: reduce_sum's and div's implementations, called as `bind` would.
                total = _reduce_sum_p.impl(a._value, axes=axes, out_sharding=None)
                if total.dtype != dt:
                    total = np.asarray(total).astype(dt)
                out_ = _div_p.impl(total, n)
                return wrap(out_ if out_.dtype == dt else np.asarray(out_).astype(dt), False)
            return true_divide(lax.reduce_sum(a, axes), wrap(n, False))
    x = _arr("mean", a)
    s = shape(x)
    axes = _axes(axis, len(s))
    if dtype is None:
        res_dt = P.to_inexact_dtype(dtype_of(x))
    else:
        res_dt = P.user_dtype(dtype, "mean")
    comp = _upcast_f16(res_dt)
    if where is None:
        n = const(comp, _count(s, axes))
        total = sum(x, axis=axes, dtype=comp, keepdims=keepdims)
    else:
        mask = P.broadcast_to_shape(_as_bool(where), s)
        n = sum(
            lax.convert_element_type(
                lax.convert_element_type(mask, _dtypes.default_int_dtype()), comp
            ),
            axis=axes,
            keepdims=keepdims,
        )
        total = sum(x, axis=axes, dtype=comp, keepdims=keepdims, where=mask)
    out_ = true_divide(total, n)  # lax.div (both of dtype `comp`), with the eager fast path
    return out_ if comp == res_dt else lax.convert_element_type(out_, res_dt)


def _as_bool(m: Any) -> Any:
    m = _arr("where", m)
    return m if dtype_of(m) == _BOOL else lax.ne(m, const(dtype_of(m), 0))


def var(
    a: Any,
    axis: Any = None,
    dtype: Any = None,
    out: None = None,
    ddof: int = 0,
    keepdims: bool = False,
    *,
    where: Any = None,
    correction: Any = None,
) -> Any:
    """Variance over `axis` with `ddof` delta degrees of freedom (NaN when n <= ddof)."""
    _no_out("var", out)
    if correction is not None:
        ddof = correction
    x = _arr("var", a)
    s = shape(x)
    axes = _axes(axis, len(s))
    in_dt = dtype_of(x)
    if dtype is None:
        res_dt = P.to_inexact_dtype(in_dt)
        if res_dt.kind == "c":
            res_dt = np.dtype(f"float{4 * res_dt.itemsize}")
    else:
        res_dt = P.user_dtype(dtype, "var")
    comp = _upcast_f16(P.to_inexact_dtype(in_dt))
    xc = P.convert(x, comp, False) if (dtype_of(x) != comp or P.aval(x).weak_type) else x
    centered = lax.sub(xc, mean(xc, axis=axes, keepdims=True, where=where))
    if comp.kind == "c":
        sq = lax.real(lax.mul(centered, lax.conj(centered)))
    elif lax.has("square"):
        sq = lax.square(centered)
    else:
        sq = lax.mul(centered, centered)
    real_comp = dtype_of(sq)
    if where is None:
        n = const(real_comp, _count(s, axes))
    else:
        mask = P.broadcast_to_shape(_as_bool(where), s)
        n = sum(lax.convert_element_type(mask, real_comp), axis=axes, keepdims=keepdims)
    normalizer = lax.sub(
        n,
        P.convert(ddof, real_comp, False)
        if type(ddof) in PY_SCALARS
        else P.convert(ddof, real_comp, False),
    )
    total = sum(sq, axis=axes, keepdims=keepdims, where=where)
    result = lax.div(total, normalizer)
    result = where_fn(lax.gt(normalizer, const(real_comp, 0)), result, const(real_comp, np.nan))
    return result if dtype_of(result) == res_dt else lax.convert_element_type(result, res_dt)


where_fn = where


def std(
    a: Any,
    axis: Any = None,
    dtype: Any = None,
    out: None = None,
    ddof: int = 0,
    keepdims: bool = False,
    *,
    where: Any = None,
    correction: Any = None,
) -> Any:
    """Standard deviation: `sqrt(var(...))`."""
    _no_out("std", out)
    return lax.sqrt(var(a, axis, dtype, None, ddof, keepdims, where=where, correction=correction))


def _arg_reduce(name: str, a: Any, axis: Any, keepdims: bool, lax_fn: Callable) -> Any:
    x = _arr(name, a)
    if axis is None:
        s = shape(x)
        if 0 in s:
            raise ValueError(f"attempt to get {name} of an empty sequence")
        x = lax.reshape(x, (int(np.prod(s, dtype=np.int64)),))
        out = lax_fn(x, 0, _dtypes.default_int_dtype())
        if keepdims:
            out = lax.reshape(out, (1,) * len(s))
        return out
    s = shape(x)
    ax = canonicalize_axis(operator.index(axis), len(s))
    if s[ax] == 0:
        raise ValueError(f"attempt to get {name} of an empty sequence")
    out = lax_fn(x, ax, _dtypes.default_int_dtype())
    if keepdims:
        out = _keepdims(out, s, (ax,))
    return out


def argmax(a: Any, axis: int | None = None, out: None = None, keepdims: bool | None = None) -> Any:
    """Index of the (first) maximum, over the flattened array by default."""
    _no_out("argmax", out)
    return _arg_reduce("argmax", a, axis, bool(keepdims), lax.argmax)


def argmin(a: Any, axis: int | None = None, out: None = None, keepdims: bool | None = None) -> Any:
    """Index of the (first) minimum, over the flattened array by default."""
    _no_out("argmin", out)
    return _arg_reduce("argmin", a, axis, bool(keepdims), lax.argmin)


def ptp(a: Any, axis: Any = None, out: None = None, keepdims: bool = False) -> Any:
    """Range (max - min) over `axis`."""
    return lax.sub(max(a, axis, keepdims=keepdims), min(a, axis, keepdims=keepdims))


def count_nonzero(a: Any, axis: Any = None, keepdims: bool = False) -> Any:
    """Number of nonzero elements over `axis` (int32)."""
    x = _as_bool(a)
    return sum(x, axis=axis, dtype=_dtypes.default_int_dtype(), keepdims=keepdims)


def average(
    a: Any, axis: Any = None, weights: Any = None, returned: bool = False, keepdims: bool = False
) -> Any:
    """Weighted mean over `axis` (plain mean without weights)."""
    if weights is None:
        avg = mean(a, axis=axis, keepdims=keepdims)
        x = _arr("average", a)
        cnt = const(dtype_of(avg), _count(shape(x), _axes(axis, len(shape(x)))))
        return (avg, P.broadcast_to_shape(cnt, shape(avg))) if returned else avg
    from jaxlite._src.numpy.ufuncs import multiply  # noqa: PLC0415

    x = _arr("average", a)
    w = _arr("average", weights)
    x, w = P.promote_dtypes_inexact(x, w)
    if shape(w) != shape(x):
        if axis is None or len(shape(w)) != 1:
            raise ValueError("Axis must be specified when shapes of a and weights differ.")
        ax = canonicalize_axis(axis, len(shape(x)))
        w = lax.broadcast_in_dim(w, shape(x), (ax,))
    wsum = sum(w, axis=axis, keepdims=keepdims)
    avg = lax.div(sum(multiply(x, w), axis=axis, keepdims=keepdims), wsum)
    return (avg, wsum) if returned else avg


# ----------------------------------------------------------------------------------------------
# NaN-ignoring variants


def _nan_to(x: Any, v: Any) -> Any:
    from jaxlite._src.numpy.ufuncs import isnan  # noqa: PLC0415

    if dtype_of(x).kind not in "fc":
        return x
    return where(isnan(x), const(dtype_of(x), v), x)


def nansum(a: Any, axis: Any = None, dtype: Any = None, keepdims: bool = False) -> Any:
    """Sum treating NaNs as zero."""
    return sum(_nan_to(_arr("nansum", a), 0), axis=axis, dtype=dtype, keepdims=keepdims)


def nanprod(a: Any, axis: Any = None, dtype: Any = None, keepdims: bool = False) -> Any:
    """Product treating NaNs as one."""
    return prod(_nan_to(_arr("nanprod", a), 1), axis=axis, dtype=dtype, keepdims=keepdims)


def nanmax(a: Any, axis: Any = None, keepdims: bool = False) -> Any:
    """Maximum ignoring NaNs (NaN where all are NaN)."""
    from jaxlite._src.numpy.ufuncs import isnan  # noqa: PLC0415

    x = _arr("nanmax", a)
    out = max(_nan_to(x, -np.inf), axis=axis, keepdims=keepdims)
    if dtype_of(x).kind != "f":
        return out
    return where(all(isnan(x), axis=axis, keepdims=keepdims), const(dtype_of(x), np.nan), out)


def nanmin(a: Any, axis: Any = None, keepdims: bool = False) -> Any:
    """Minimum ignoring NaNs (NaN where all are NaN)."""
    from jaxlite._src.numpy.ufuncs import isnan  # noqa: PLC0415

    x = _arr("nanmin", a)
    out = min(_nan_to(x, np.inf), axis=axis, keepdims=keepdims)
    if dtype_of(x).kind != "f":
        return out
    return where(all(isnan(x), axis=axis, keepdims=keepdims), const(dtype_of(x), np.nan), out)


def nanmean(a: Any, axis: Any = None, dtype: Any = None, keepdims: bool = False) -> Any:
    """Mean ignoring NaNs."""
    from jaxlite._src.numpy.ufuncs import isnan, logical_not  # noqa: PLC0415

    x = _arr("nanmean", a)
    if dtype_of(x).kind not in "fc":
        return mean(x, axis=axis, dtype=dtype, keepdims=keepdims)
    return mean(x, axis=axis, dtype=dtype, keepdims=keepdims, where=logical_not(isnan(x)))


# ----------------------------------------------------------------------------------------------
# Cumulative reductions


def _cumulative(name: str, a: Any, axis: Any, dtype: Any, lax_fn: Callable, promote: bool) -> Any:
    x = _arr(name, a)
    if axis is None or not shape(x):  # a scalar counts as one element along axis 0, as JAX
        x = lax.reshape(x, (int(np.prod(shape(x), dtype=np.int64)),))
        axis = 0 if axis is None else axis
    ax = canonicalize_axis(operator.index(axis), len(shape(x)))
    av = P.aval(x)
    if dtype is not None:
        dt = P.user_dtype(dtype, name)
    elif promote and av.dtype == _BOOL:
        dt = _dtypes.default_int_dtype()
    else:
        dt = av.dtype
    if dt != av.dtype or av.weak_type:
        x = lax.convert_element_type(x, dt)
    return lax_fn(x, ax)


def cumsum(a: Any, axis: int | None = None, dtype: Any = None, out: None = None) -> Any:
    """Running sum along `axis` (over the flattened array by default)."""
    _no_out("cumsum", out)
    return _cumulative("cumsum", a, axis, dtype, lax.cumsum, True)


def cumprod(a: Any, axis: int | None = None, dtype: Any = None, out: None = None) -> Any:
    """Running product along `axis` (over the flattened array by default)."""
    _no_out("cumprod", out)
    return _cumulative("cumprod", a, axis, dtype, lax.cumprod, True)


cumulative_sum = cumsum
cumulative_prod = cumprod


def nancumsum(a: Any, axis: int | None = None, dtype: Any = None) -> Any:
    """Running sum treating NaNs as zero."""
    return cumsum(_nan_to(_arr("nancumsum", a), 0), axis, dtype)


def nancumprod(a: Any, axis: int | None = None, dtype: Any = None) -> Any:
    """Running product treating NaNs as one."""
    return cumprod(_nan_to(_arr("nancumprod", a), 1), axis, dtype)


# ----------------------------------------------------------------------------------------------
# Sorting


def sort(
    a: Any,
    axis: int | None = -1,
    *,
    kind: Any = None,
    order: Any = None,
    stable: bool = True,
    descending: bool = False,
) -> Any:
    """Sorted copy along `axis` (flattened when `axis` is None); NaNs sort last."""
    if order is not None:
        raise TypeError("The 'order' argument to sort is not supported.")
    x = _arr("sort", a)
    if axis is None:
        x = lax.reshape(x, (int(np.prod(shape(x), dtype=np.int64)),))
        axis = 0
    ax = canonicalize_axis(axis, len(shape(x)))
    if descending:
        return lax.rev(lax.sort(lax.rev(x, (ax,)), dimension=ax, is_stable=stable), (ax,))
    return lax.sort(x, dimension=ax, is_stable=stable)


def argsort(
    a: Any,
    axis: int | None = -1,
    *,
    kind: Any = None,
    order: Any = None,
    stable: bool = True,
    descending: bool = False,
) -> Any:
    """Indices that sort `a` along `axis` (int32); stable by default."""
    if order is not None:
        raise TypeError("The 'order' argument to argsort is not supported.")
    x = _arr("argsort", a)
    if axis is None:
        x = lax.reshape(x, (int(np.prod(shape(x), dtype=np.int64)),))
        axis = 0
    s = shape(x)
    ax = canonicalize_axis(axis, len(s))
    idt = _dtypes.default_int_dtype()
    if lax.has("broadcasted_iota"):
        iota = lax.broadcasted_iota(idt, s, ax)
    else:
        iota = lax.broadcast_in_dim(wrap(np.arange(s[ax], dtype=idt), False), s, (ax,))
    if descending:
        xr = lax.rev(x, (ax,))
        ir = lax.rev(iota, (ax,))
        _, idx = lax.sort([xr, ir], dimension=ax, is_stable=stable, num_keys=1)
        return lax.rev(idx, (ax,))
    _, idx = lax.sort([x, iota], dimension=ax, is_stable=stable, num_keys=1)
    return idx
