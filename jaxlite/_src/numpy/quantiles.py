"""Order statistics: quantile, percentile, median and their NaN-ignoring forms.

As in JAX: the data are sorted along the reduced axis (flattened into one), `q` may be an
array (rank <= 1, traced too) and positions `q * (n - 1)` are computed in `q`'s type. A NaN
along the axis makes the result NaN; the `nan*` forms count only the other values (all-NaN
gives NaN). `median` is the `midpoint` quantile 0.5.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from jaxlite._src import dtypes as _dtypes
from jaxlite._src.numpy import _lax as lax
from jaxlite._src.numpy import promotion as P
from jaxlite._src.numpy import reductions, ufuncs
from jaxlite._src.numpy.indexing import take_along_axis
from jaxlite._src.numpy.promotion import canonicalize_axis, dtype_of, shape
from jaxlite._src.numpy.ufuncs import const, where

_METHODS = ("linear", "lower", "higher", "midpoint", "nearest", "inverted_cdf")


def _quantile(
    name: str, a: Any, q: Any, axis: Any, method: str, keepdims: bool, squash_nans: bool
) -> Any:
    if method not in _METHODS:
        raise ValueError(
            "method can only be 'linear', 'lower', 'higher', 'midpoint', 'nearest' or "
            "'inverted_cdf'"
        )
    if method == "inverted_cdf":
        raise NotImplementedError(f"jnp.{name} does not support method='inverted_cdf' yet")
    x = reductions._arr(name, a)
    q = reductions._arr(name, q)
    (x,) = P.promote_args_inexact(name, x)
    if dtype_of(x).kind == "c":
        raise ValueError(
            "quantile does not support complex input, as the operation is poorly defined."
        )
    q_shape = shape(q)
    if len(q_shape) > 1:
        raise ValueError(f"q must be have rank <= 1, got shape {q_shape}")
    s = shape(x)
    axes = _reduced_axes(axis, len(s))
    # The reduced axes last, flattened into one of length n.
    rest = tuple(i for i in range(len(s)) if i not in axes)
    n = reductions._count(s, axes)
    if axes != tuple(range(len(s) - len(axes), len(s))):
        x = lax.transpose(x, rest + axes)
    x = lax.reshape(x, tuple(s[i] for i in rest) + (n,))
    last = len(rest)
    qdt = dtype_of(q)
    isnan = ufuncs.isnan(x)
    if squash_nans:
        # NaNs sort last; positions count only the other values.
        x = lax.sort(x, dimension=last)
        count = reductions.sum(ufuncs.logical_not(isnan), axis=last, dtype=qdt)
        top = lax.sub(count, const(qdt, 1))
    else:
        x = where(reductions.any(isnan, axis=last, keepdims=True), const(dtype_of(x), np.nan), x)
        x = lax.sort(x, dimension=last)
        top = const(qdt, n - 1)
    # Positions per (q, rest...) entry: q along a leading axis, the kept axes after it.
    qb = lax.reshape(q, q_shape + (1,) * len(rest)) if rest else q
    if squash_nans:
        nq = len(q_shape)
        top = lax.broadcast_in_dim(top, q_shape + shape(top), tuple(range(nq, nq + len(rest))))
    pos = lax.mul(qb, top)
    low, high = lax.floor(pos), lax.ceil(pos)
    high_w = lax.sub(pos, low)
    low_w = lax.sub(const(qdt, 1), high_w)
    low = lax.max(const(qdt, 0), lax.min(low, top))
    high = lax.max(const(qdt, 0), lax.min(high, top))
    low_v = _gather(x, low, q_shape, rest, s)
    high_v = _gather(x, high, q_shape, rest, s)
    if method == "linear":
        out = lax.add(
            lax.mul(P.convert(low_v, qdt, False), _fit(low_w, low_v)),
            lax.mul(P.convert(high_v, qdt, False), _fit(high_w, high_v)),
        )
    elif method == "lower":
        out = low_v
    elif method == "higher":
        out = high_v
    elif method == "nearest":
        out = where(lax.le(_fit(high_w, low_v), const(qdt, 0.5)), low_v, high_v)
    else:  # midpoint
        out = lax.mul(lax.add(low_v, high_v), const(dtype_of(low_v), 0.5))
    if keepdims:
        out = lax.reshape(out, q_shape + tuple(1 if i in axes else d for i, d in enumerate(s)))
    return P.convert(out, dtype_of(x), False)


def _reduced_axes(axis: Any, nd: int) -> tuple[int, ...]:
    if axis is None:
        return tuple(range(nd))
    if isinstance(axis, tuple):
        out = tuple(canonicalize_axis(a, nd) for a in axis)
        if len(set(out)) != len(out):
            raise ValueError("repeated axis")
        return tuple(sorted(out))
    return (canonicalize_axis(axis, nd),)


def _gather(x: Any, pos: Any, q_shape: tuple, rest: tuple, s: tuple) -> Any:
    """The sorted values at integer positions `pos` (shape q_shape + kept shape), with that
    shape: the q axis is taken along the last axis of `x`, then moved to the front."""
    kept = tuple(s[i] for i in rest)
    idx = _fit(P.convert(pos, _dtypes.default_int_dtype(), False), None, q_shape + kept)
    nq = len(q_shape)
    # (kept..., q) indices against (kept..., n) data.
    perm = tuple(range(nq, nq + len(kept))) + tuple(range(nq))
    idx_t = lax.transpose(idx, perm) if nq and kept else idx
    if not nq:
        idx_t = lax.reshape(idx_t, kept + (1,))
    got = take_along_axis(x, idx_t, axis=len(kept))
    if not nq:
        return lax.reshape(got, kept)
    inv = (len(kept),) + tuple(range(len(kept)))
    return lax.transpose(got, inv) if kept else got


def _fit(w: Any, like: Any, to: tuple | None = None) -> Any:
    """`w` (q's shape, then the kept axes or size-1 axes) at the shape of `like` (or `to`)."""
    ws, vs = shape(w), shape(like) if to is None else to
    return w if ws == vs else lax.broadcast_in_dim(w, vs, tuple(range(len(ws))))


def quantile(
    a: Any,
    q: Any,
    axis: Any = None,
    out: None = None,
    overwrite_input: bool = False,
    method: str = "linear",
    keepdims: bool = False,
) -> Any:
    """The `q`-th quantiles (q in [0, 1], rank <= 1) along `axis`; NaN where a NaN is present."""
    _check_out("quantile", out, overwrite_input)
    return _quantile("quantile", a, q, axis, method, keepdims, False)


def nanquantile(
    a: Any,
    q: Any,
    axis: Any = None,
    out: None = None,
    overwrite_input: bool = False,
    method: str = "linear",
    keepdims: bool = False,
) -> Any:
    """`quantile` ignoring NaNs (NaN only where every value is NaN)."""
    _check_out("nanquantile", out, overwrite_input)
    return _quantile("nanquantile", a, q, axis, method, keepdims, True)


def percentile(
    a: Any,
    q: Any,
    axis: Any = None,
    out: None = None,
    overwrite_input: bool = False,
    method: str = "linear",
    keepdims: bool = False,
) -> Any:
    """The `q`-th percentiles (q in [0, 100])."""
    q = _hundredths(reductions._arr("percentile", q))
    return quantile(a, q, axis, out, overwrite_input, method, keepdims)


def nanpercentile(
    a: Any,
    q: Any,
    axis: Any = None,
    out: None = None,
    overwrite_input: bool = False,
    method: str = "linear",
    keepdims: bool = False,
) -> Any:
    """`percentile` ignoring NaNs."""
    q = _hundredths(reductions._arr("nanpercentile", q))
    return nanquantile(a, q, axis, out, overwrite_input, method, keepdims)


def _hundredths(q: Any) -> Any:
    # q * 0.01 rather than q / 100: JAX's percentile is jitted and XLA rewrites a division by
    # a constant as a product with its reciprocal, so these are the digits JAX gives.
    (q,) = P.promote_args_inexact("percentile", q)
    return lax.mul(q, const(dtype_of(q), 0.01, P.aval(q).weak_type))


def median(
    a: Any,
    axis: Any = None,
    out: None = None,
    overwrite_input: bool = False,
    keepdims: bool = False,
) -> Any:
    """Median over `axis`: the mean of the two middle values for an even count."""
    return quantile(a, 0.5, axis, out, overwrite_input, "midpoint", keepdims)


def nanmedian(
    a: Any,
    axis: Any = None,
    out: None = None,
    overwrite_input: bool = False,
    keepdims: bool = False,
) -> Any:
    """`median` ignoring NaNs."""
    return nanquantile(a, 0.5, axis, out, overwrite_input, "midpoint", keepdims)


def _check_out(name: str, out: Any, overwrite_input: bool) -> None:
    if overwrite_input or out is not None:
        raise ValueError(f"jax.numpy.{name} does not support overwrite_input=True or out != None")
