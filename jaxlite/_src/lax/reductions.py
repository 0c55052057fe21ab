"""Reductions, cumulative reductions and sorting: one block per primitive with all its rules.

`reduce_sum` lives in `shape.py` (the interpreters need it); it is re-exported here. The rules
that need a running window over an axis (the JVPs of cumprod, cummax, cummin, cumlogsumexp
and reduce_prod) use a log-depth doubling scan built from shifts (`pad` with negative
padding), so they are division-free (correct with zeros) and differentiable again.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from jaxlite._src import core, dtypes
from jaxlite._src.core import ShapedArray, get_aval
from jaxlite._src.interpreters.ad import UndefinedPrimal, Zero
from jaxlite._src.interpreters.batching import bdim_at_front, moveaxis
from jaxlite._src.lax import elementwise as _ew
from jaxlite._src.lax import shape as _shape
from jaxlite._src.lax.lowering import FRESH, Lowered, identity
from jaxlite._src.lax.shape import (
    broadcast_in_dim,
    reduce_sum,
    reduce_sum_p,
    reshape,
    transpose,
)
from jaxlite._src.rules import defjvp, defjvp_zero, deflinear, defreducer, standard_primitive

__all__ = [
    "argmax",
    "argmax_p",
    "argmin",
    "argmin_p",
    "cumlogsumexp",
    "cumlogsumexp_p",
    "cummax",
    "cummax_p",
    "cummin",
    "cummin_p",
    "cumprod",
    "cumprod_p",
    "cumsum",
    "cumsum_p",
    "reduce_and",
    "reduce_and_p",
    "reduce_max",
    "reduce_max_p",
    "reduce_min",
    "reduce_min_p",
    "reduce_or",
    "reduce_or_p",
    "reduce_prod",
    "reduce_prod_p",
    "reduce_sum",
    "reduce_sum_p",
    "reduce_xor",
    "reduce_xor_p",
    "sort",
    "sort_key_val",
    "sort_p",
    "top_k",
    "top_k_p",
]

_NUMBER = "fciu"
_KIND_TEXT = {"fciu": "number", "fc": "inexact", "f": "floating", "fciub": "any", "iub": "integer"}


def _checked(prim: core.Primitive) -> core.Primitive:
    """Marks a primitive whose eager calls must raise the same clear errors as tracing.

    `core.eager_impl` already runs (memoised) abstract evaluation before the implementation
    for every call with params or operands of differing shapes, so this only asserts that.
    """
    assert prim.abstract_eval is not None, prim.name
    return prim


def _check_dtype(name: str, dtype: np.dtype, kinds: str) -> None:
    if dtype.kind not in kinds:
        raise TypeError(
            f"{name} does not accept dtype {dtype.name}. "
            f"Accepted dtypes are subtypes of {_KIND_TEXT.get(kinds, kinds)}."
        )


def _weak_in(w, **params):
    return w


def _not_weak(*w, **params):
    return False


def _reduce_shape(x: ShapedArray, axes: Sequence[int]) -> tuple[int, ...]:
    if len(set(axes)) != len(axes):
        raise ValueError(f"duplicate value in 'axes' of reduction: {tuple(axes)}")
    if any(not 0 <= a < x.ndim for a in axes):
        raise ValueError(
            f"reduction axes {tuple(axes)} contains out-of-bounds indices for {x.str_short()}."
        )
    return tuple(s for i, s in enumerate(x.shape) if i not in axes)


def _kept(ndim: int, axes: Sequence[int]) -> tuple[int, ...]:
    return tuple(i for i in range(ndim) if i not in axes)


def _identity(ufunc: np.ufunc, dtype: np.dtype) -> Any:
    """The value a max/min reduction of nothing gives (as XLA's init values)."""
    big = ufunc is np.minimum
    if dtype == np.bool_:
        return big
    if dtype.kind in "iu":
        info = np.iinfo(dtype)
        return info.max if big else info.min
    return np.inf if big else -np.inf


def _chooser_impl(ufunc: np.ufunc):
    def impl(x, *, axes, **params):
        if any(x.shape[a] == 0 for a in axes):
            shape = tuple(s for i, s in enumerate(x.shape) if i not in axes)
            return np.full(shape, _identity(ufunc, x.dtype), x.dtype)
        return ufunc.reduce(x, axis=tuple(axes)) if axes else x

    return impl


def _reduction_primitive(name: str, impl, kinds: str):
    def dtype_rule(x, **params):
        _check_dtype(name, x.dtype, kinds)
        return x.dtype

    def shape_rule(x, *, axes, **params):
        return _reduce_shape(x, axes)

    prim = _checked(standard_primitive(name, impl, shape_rule, dtype_rule, _weak_in))
    defreducer(prim)
    return prim


# ----------------------------------------------------------------------------------------------
# Windows along one axis (helpers for the scan-style JVPs)


def _shift(x: Any, axis: int, s: int, fill: Any, reverse: bool) -> Any:
    """`x` moved `s` places along `axis` (forward: towards higher indices), filled with `fill`:
    one `pad` with negative padding on the far side."""
    aval = get_aval(x)
    fill = np.asarray(fill, aval.dtype)
    if s >= aval.shape[axis]:
        return broadcast_in_dim(fill, aval.shape, ())
    config = [(0, 0, 0)] * aval.ndim
    config[axis] = (-s, s, 0) if reverse else (s, -s, 0)
    return _shape.pad(x, fill, tuple(config))


def _scan_shifts(n: int):
    s = 1
    while s < n:
        yield s
        s *= 2


def _float_mask(pred: Any, dtype: np.dtype) -> Any:
    return _ew.convert_element_type(pred, dtype)


# ----------------------------------------------------------------------------------------------
# reduce_max / reduce_min: the tangent is averaged over the locations that attain the result.


def _chooser_jvp(prim):
    def partial(g, ans, x, *, axes, **params):
        shape = get_aval(x).shape
        where = _ew.eq(x, broadcast_in_dim(ans, shape, _kept(len(shape), axes)))
        loc = _float_mask(where, get_aval(g).dtype)
        return _ew.div(reduce_sum(_ew.mul(g, loc), axes), reduce_sum(loc, axes))

    defjvp(prim, partial)


def _chooser_lower(ufunc: np.ufunc):
    """The impl's reduction with the empty cases decided at compile time."""

    def lower(in_avals, out_avals, *, axes, **params):
        (x,) = in_avals
        if not axes:
            return identity()
        if not x.ndim or any(x.shape[a] == 0 for a in axes):
            return None
        reduce, axes = ufunc.reduce, tuple(axes)
        return Lowered(lambda v: reduce(v, axis=axes), FRESH)

    return lower


reduce_max_p = _reduction_primitive("reduce_max", _chooser_impl(np.maximum), "fciub")
_chooser_jvp(reduce_max_p)
reduce_max_p.lower = _chooser_lower(np.maximum)

reduce_min_p = _reduction_primitive("reduce_min", _chooser_impl(np.minimum), "fciub")
_chooser_jvp(reduce_min_p)
reduce_min_p.lower = _chooser_lower(np.minimum)


# ----------------------------------------------------------------------------------------------
# reduce_prod: d prod(x) = sum_i t_i prod_{j != i} x_j, with the products of the others taken
# as (exclusive prefix product) * (exclusive suffix product): no division, so zeros are fine.


def _reduce_prod_impl(x, *, axes, **params):
    return np.prod(x, axis=tuple(axes), dtype=x.dtype)


def _reduce_prod_partial(g, ans, x, *, axes, **params):
    aval = get_aval(x)
    kept = _kept(aval.ndim, axes)
    n = int(np.prod([aval.shape[a] for a in axes], dtype=np.int64))
    flat_shape = (*(aval.shape[i] for i in kept), n)
    perm = (*kept, *sorted(axes))
    xf = reshape(transpose(x, perm), flat_shape)
    gf = reshape(transpose(g, perm), flat_shape)
    last = len(flat_shape) - 1
    before = _shift(cumprod(xf, last), last, 1, 1, False)
    after = _shift(cumprod(xf, last, reverse=True), last, 1, 1, True)
    return reduce_sum(_ew.mul(gf, _ew.mul(before, after)), (last,))


reduce_prod_p = _reduction_primitive("reduce_prod", _reduce_prod_impl, _NUMBER)
defjvp(reduce_prod_p, _reduce_prod_partial)


# ----------------------------------------------------------------------------------------------
# reduce_and / reduce_or / reduce_xor: bitwise for integers, logical for booleans (never weak,
# as in JAX).


def _bitwise_reduction(name: str, logical: np.ufunc, bitwise: np.ufunc):
    def impl(x, *, axes, **params):
        ufunc = logical if x.dtype == np.bool_ else bitwise
        return ufunc.reduce(x, axis=tuple(axes)).astype(x.dtype, copy=False)

    def dtype_rule(x, **params):
        if x.dtype.kind not in "iub":
            raise TypeError(
                f"logical reduction requires operand dtype bool or int, got {x.dtype.name}."
            )
        return x.dtype

    prim = _checked(
        standard_primitive(
            name, impl, lambda x, *, axes, **p: _reduce_shape(x, axes), dtype_rule, _not_weak
        )
    )
    defreducer(prim)
    defjvp_zero(prim)
    return prim


reduce_and_p = _bitwise_reduction("reduce_and", np.logical_and, np.bitwise_and)
reduce_or_p = _bitwise_reduction("reduce_or", np.logical_or, np.bitwise_or)
reduce_xor_p = _bitwise_reduction("reduce_xor", np.logical_xor, np.bitwise_xor)


# ----------------------------------------------------------------------------------------------
# argmax / argmin: the first extreme index; a NaN counts as the extreme (the first NaN wins).
# Integer outputs: zero tangents.


def _arg_primitive(name: str, np_fn):
    def impl(x, *, axes, index_dtype):
        return np_fn(x, axis=axes[0]).astype(index_dtype)

    def shape_rule(x, *, axes, index_dtype):
        if len(axes) != 1:
            raise ValueError(f"{name} takes exactly one axis, got axes={tuple(axes)}")
        if not 0 <= axes[0] < x.ndim:
            raise ValueError(f"Invalid axis {axes[0]} for operand shape {x.shape}")
        if x.shape[axes[0]] == 0:
            raise ValueError(
                "argmin and argmax require non-empty reduced dimension. "
                f"operand.shape={x.shape} axis={axes[0]}"
            )
        return _reduce_shape(x, axes)

    def dtype_rule(x, *, axes, index_dtype):
        if x.dtype.kind not in "fiub":
            raise TypeError(
                f"{name} does not accept dtype {x.dtype.name}. Accepted dtypes are subtypes of "
                "integer, floating, bool."
            )
        if np.dtype(index_dtype).kind not in "iu":
            raise TypeError(f"index_dtype must be an integer type, but got {index_dtype}")
        return np.dtype(index_dtype)

    prim = _checked(standard_primitive(name, impl, shape_rule, dtype_rule, _not_weak))
    defreducer(prim)
    defjvp_zero(prim)
    return prim


argmax_p = _arg_primitive("argmax", np.argmax)
argmin_p = _arg_primitive("argmin", np.argmin)


# ----------------------------------------------------------------------------------------------
# Cumulative reductions along `axis` (reverse=True scans from the end).


def _cumulative_primitive(name: str, np_fn, kinds: str):
    def impl(x, *, axis, reverse):
        if reverse:
            return np.flip(np_fn(np.flip(x, axis), axis), axis)
        return np_fn(x, axis)

    def shape_rule(x, *, axis, reverse):
        if not 0 <= axis < x.ndim:
            raise ValueError(f"axis {axis} is out of bounds for array of shape {x.shape}")
        return x.shape

    def dtype_rule(x, **params):
        _check_dtype(name, x.dtype, kinds)
        return x.dtype

    def batch(axis_size, vals, dims, *, axis, reverse):
        (x,), (d,) = vals, dims
        return prim.bind(moveaxis(x, d, 0), axis=axis + 1, reverse=reverse), 0

    prim = _checked(standard_primitive(name, impl, shape_rule, dtype_rule, _weak_in))
    prim.batch = batch
    return prim


# cumsum: linear; its transpose sums the cotangents in the opposite direction.
cumsum_p = _cumulative_primitive(
    "cumsum", lambda x, a: np.cumsum(x, axis=a, dtype=x.dtype), _NUMBER
)
deflinear(cumsum_p, lambda ct, x, *, axis, reverse: [cumsum(ct, axis, not reverse)])


# cumprod: doubling scan on (window product, its tangent): d(ab) = da b + a db.
cumprod_p = _cumulative_primitive(
    "cumprod", lambda x, a: np.cumprod(x, axis=a, dtype=x.dtype), _NUMBER
)


def _cumprod_partial(g, ans, x, *, axis, reverse):
    y, ty = x, g
    n = get_aval(x).shape[axis]
    for s in _scan_shifts(n):
        ys = _shift(y, axis, s, 1, reverse)
        ty = _ew.add(_ew.mul(ty, ys), _ew.mul(y, _shift(ty, axis, s, 0, reverse)))
        if 2 * s < n:
            y = _ew.mul(y, ys)
    return ty


defjvp(cumprod_p, _cumprod_partial)


# cummax / cummin: the tangent of each output is the average of the input tangents at the
# positions (up to it) that attain the running extreme. Those positions k have x_k == ans_k and
# ans_k == ans_i, so a doubling scan sums tangent and count over windows with equal `ans`.
def _cumchooser_partial(g, ans, x, *, axis, reverse):
    dt = get_aval(g).dtype
    hit = _float_mask(_ew.eq(x, ans), dt)
    total, count = _ew.mul(g, hit), hit
    for s in _scan_shifts(get_aval(x).shape[axis]):
        same = _float_mask(_ew.eq(_shift(ans, axis, s, 0, reverse), ans), dt)
        total = _ew.add(total, _ew.mul(same, _shift(total, axis, s, 0, reverse)))
        count = _ew.add(count, _ew.mul(same, _shift(count, axis, s, 0, reverse)))
    return _ew.div(total, count)


cummax_p = _cumulative_primitive("cummax", np.maximum.accumulate, _NUMBER)
defjvp(cummax_p, _cumchooser_partial)
cummin_p = _cumulative_primitive("cummin", np.minimum.accumulate, _NUMBER)
defjvp(cummin_p, _cumchooser_partial)


# cumlogsumexp: tangent_i = sum_{k<=i} g_k exp(x_k - ans_i). The doubling scan rescales a
# window's sum by exp(ans_{i-s} - ans_i) <= 1, so nothing overflows.
def _cumlogsumexp_partial(g, ans, x, *, axis, reverse):
    total = _ew.mul(g, _ew.exp(_ew.sub(x, ans)))
    for s in _scan_shifts(get_aval(x).shape[axis]):
        scale = _ew.exp(_ew.sub(_shift(ans, axis, s, -np.inf, reverse), ans))
        total = _ew.add(total, _ew.mul(scale, _shift(total, axis, s, 0, reverse)))
    return total


cumlogsumexp_p = _cumulative_primitive("cumlogsumexp", np.logaddexp.accumulate, "f")
defjvp(cumlogsumexp_p, _cumlogsumexp_partial)


# ----------------------------------------------------------------------------------------------
# sort: several operands permuted together by the lexicographic order of the first num_keys
# (stable; NaNs last). The outputs are piecewise-constant permutations of the inputs, so a
# tangent is the input tangent permuted the same way: sort it as an extra non-key operand.
# Sort is therefore linear in its non-key operands; the transpose applies the inverse
# permutation, which is again a sort (keyed by the permutation).


def _sort_perm(keys: Sequence[np.ndarray], dimension: int) -> np.ndarray:
    if len(keys) == 1:
        return np.argsort(keys[0], axis=dimension, kind="stable")
    return np.lexsort(tuple(reversed(keys)), axis=dimension)


def _sort_impl(*operands, dimension, is_stable, num_keys):
    perm = _sort_perm(operands[:num_keys], dimension)
    return [np.take_along_axis(op, perm, axis=dimension) for op in operands]


def _sort_abstract_eval(*avals, dimension, is_stable, num_keys):
    if not avals:
        raise TypeError("sort requires at least one operand")
    if not 1 <= num_keys <= len(avals):
        raise ValueError(f"num_keys={num_keys} must be between 1 and len(operand)={len(avals)}")
    shapes = {a.shape for a in avals}
    if len(shapes) > 1:
        got = " ".join(str(a.shape) for a in avals)
        raise TypeError(f"Arguments to sort must have equal shapes, got: {got}")
    ndim = avals[0].ndim
    if not 0 <= dimension < ndim:
        raise ValueError(f"axis {dimension} is out of bounds for array of dimension {ndim}")
    return [a for a in avals]


def _sort_weak(*weak, **params):
    return list(weak)


sort_p = core.Primitive("sort", multiple_results=True)
sort_p.impl = _sort_impl
sort_p.abstract_eval = _sort_abstract_eval
sort_p.weak_type_rule = _sort_weak
sort_p.eval_impl = core.eager_impl(sort_p)
sort_p.cached_linearize = True
_checked(sort_p)


def _iota_like(shape: tuple[int, ...], dimension: int) -> Any:
    n = shape[dimension]
    line = np.arange(n, dtype=np.int32).reshape(
        [n if i == dimension else 1 for i in range(len(shape))]
    )
    return core._wrap(np.ascontiguousarray(np.broadcast_to(line, shape)), False)


def _sort_jvp(primals, tangents, *, dimension, is_stable, num_keys):
    params = dict(dimension=dimension, is_stable=is_stable, num_keys=num_keys)
    outs = sort_p.bind(*primals, **params)
    live = [i for i, t in enumerate(tangents) if type(t) is not Zero]
    moved = sort_p.bind(*primals[:num_keys], *[tangents[i] for i in live], **params)[num_keys:]
    tangents_out = [Zero(get_aval(o).to_tangent_aval()) for o in outs]
    for i, t in zip(live, moved, strict=True):
        tangents_out[i] = t
    return outs, tangents_out


def _sort_transpose(cts, *operands, dimension, is_stable, num_keys):
    keys = operands[:num_keys]
    if any(type(k) is UndefinedPrimal for k in keys):
        raise core.InternalError("internal: sort transposed with respect to a sort key")
    live = [
        i
        for i in range(num_keys, len(operands))
        if type(operands[i]) is UndefinedPrimal and type(cts[i]) is not Zero
    ]
    result: list[Any] = [None] * len(operands)
    if not live:
        return result
    shape = get_aval(keys[0]).shape
    params = dict(dimension=dimension, is_stable=is_stable, num_keys=num_keys)
    perm = sort_p.bind(*keys, _iota_like(shape, dimension), **params)[-1]
    back = sort_p.bind(
        perm, *[cts[i] for i in live], dimension=dimension, is_stable=is_stable, num_keys=1
    )[1:]
    for i, c in zip(live, back, strict=True):
        result[i] = c
    return result


def _sort_batch(axis_size, vals, dims, *, dimension, is_stable, num_keys):
    vals = [bdim_at_front(v, d, axis_size) for v, d in zip(vals, dims, strict=True)]
    outs = sort_p.bind(*vals, dimension=dimension + 1, is_stable=is_stable, num_keys=num_keys)
    return outs, [0] * len(outs)


sort_p.jvp = _sort_jvp
sort_p.transpose = _sort_transpose
sort_p.batch = _sort_batch


# ----------------------------------------------------------------------------------------------
# top_k: the k largest entries along `axis` (descending, ties by lower index, NaN largest) and
# their indices. The tangent picks the input tangents at those indices: a one-hot contraction.


def _top_k_order(x: np.ndarray, axis: int) -> np.ndarray:
    # Descending and stable: an ascending stable sort of the reversed array, read backwards.
    n = x.shape[axis]
    rev = np.argsort(np.flip(x, axis), axis=axis, kind="stable")
    return (n - 1) - np.flip(rev, axis)


def _top_k_impl(x, *, k, axis):
    idx = np.take(_top_k_order(x, axis), np.arange(k), axis=axis)
    return [np.take_along_axis(x, idx, axis=axis), idx.astype(np.int32)]


def _top_k_abstract_eval(x, *, k, axis):
    if k < 0:
        raise ValueError(f"k argument to top_k must be nonnegative, got {k}")
    if not 0 <= axis < x.ndim:
        raise ValueError(f"axis {axis} is out of bounds for array of dimension {x.ndim}")
    if x.shape[axis] < k:
        raise ValueError(
            f"k argument to top_k must be no larger than size along axis {axis}; "
            f"got k={k} with shape {x.shape}"
        )
    _check_dtype("top_k", x.dtype, "fiub")
    shape = list(x.shape)
    shape[axis] = k
    return [ShapedArray(shape, x.dtype, x.weak_type), ShapedArray(shape, np.int32)]


top_k_p = core.Primitive("top_k", multiple_results=True)
top_k_p.impl = _top_k_impl
top_k_p.abstract_eval = _top_k_abstract_eval
top_k_p.weak_type_rule = lambda w, **p: [w, False]
top_k_p.eval_impl = core.eager_impl(top_k_p)
top_k_p.cached_linearize = True
_checked(top_k_p)


def _top_k_jvp(primals, tangents, *, k, axis):
    (x,), (t,) = primals, tangents
    vals, idx = top_k_p.bind(x, k=k, axis=axis)
    if type(t) is Zero:
        return [vals, idx], [
            Zero(get_aval(vals).to_tangent_aval()),
            Zero(get_aval(idx).to_tangent_aval()),
        ]
    from jaxlite._src.lax.linalg import dot_general  # noqa: PLC0415 (sibling family)

    aval = get_aval(x)
    nd, n = aval.ndim, aval.shape[axis]
    # one_hot[..., j, m] = (idx[..., j] == m) with the k axis moved last first.
    idx_last = moveaxis(idx, axis, nd - 1)
    hot_shape = (*get_aval(idx_last).shape, n)
    cols = broadcast_in_dim(np.arange(n, dtype=np.int32), hot_shape, (nd,))
    rows = broadcast_in_dim(idx_last, hot_shape, tuple(range(nd)))
    hot = _float_mask(_ew.eq(rows, cols), get_aval(t).dtype)
    t_last = moveaxis(t, axis, nd - 1)
    batch = tuple(range(nd - 1))
    picked = dot_general(hot, t_last, (((nd,), (nd - 1,)), (batch, batch)))
    return [vals, idx], [moveaxis(picked, nd - 1, axis), Zero(get_aval(idx).to_tangent_aval())]


def _top_k_batch(axis_size, vals, dims, *, k, axis):
    (x,), (d,) = vals, dims
    return top_k_p.bind(moveaxis(x, d, 0), k=k, axis=axis + 1), [0, 0]


top_k_p.jvp = _top_k_jvp
top_k_p.batch = _top_k_batch


# ----------------------------------------------------------------------------------------------
# Wrappers (lax API)


def _axes(axes: Sequence[int]) -> tuple[int, ...]:
    return tuple(int(a) for a in axes)


def reduce_max(operand: Any, axes: Sequence[int]) -> Any:
    """Maximum of `operand` over `axes`."""
    return reduce_max_p.bind(operand, axes=_axes(axes))


def reduce_min(operand: Any, axes: Sequence[int]) -> Any:
    """Minimum of `operand` over `axes`."""
    return reduce_min_p.bind(operand, axes=_axes(axes))


def reduce_prod(operand: Any, axes: Sequence[int]) -> Any:
    """Product of `operand` over `axes`."""
    return reduce_prod_p.bind(operand, axes=_axes(axes))


def reduce_and(operand: Any, axes: Sequence[int]) -> Any:
    """Logical (bool) or bitwise (int) AND over `axes`."""
    return reduce_and_p.bind(operand, axes=_axes(axes))


def reduce_or(operand: Any, axes: Sequence[int]) -> Any:
    """Logical (bool) or bitwise (int) OR over `axes`."""
    return reduce_or_p.bind(operand, axes=_axes(axes))


def reduce_xor(operand: Any, axes: Sequence[int]) -> Any:
    """Logical (bool) or bitwise (int) XOR over `axes`."""
    return reduce_xor_p.bind(operand, axes=_axes(axes))


def _arg(prim, operand: Any, axis: int, index_dtype: Any) -> Any:
    shape = get_aval(operand).shape
    axis = int(axis)
    if not 0 <= axis < len(shape):
        raise ValueError(f"Invalid axis {axis} for operand shape {shape}")
    idt = np.dtype(index_dtype)
    if idt.kind not in "iu":
        raise TypeError(f"index_dtype must be an integer type, but got {idt.name}")
    return prim.bind(operand, axes=(axis,), index_dtype=dtypes.canonicalize_dtype(idt))


def argmax(operand: Any, axis: int, index_dtype: Any) -> Any:
    """Index of the first maximum along `axis` (NaN counts as the maximum)."""
    return _arg(argmax_p, operand, axis, index_dtype)


def argmin(operand: Any, axis: int, index_dtype: Any) -> Any:
    """Index of the first minimum along `axis` (NaN counts as the minimum)."""
    return _arg(argmin_p, operand, axis, index_dtype)


def _cumulative(prim, operand: Any, axis: int, reverse: bool) -> Any:
    axis = int(axis)
    if axis < 0:
        raise ValueError("XLA operations do not allow negative axes")
    return prim.bind(operand, axis=axis, reverse=bool(reverse))


def cumsum(operand: Any, axis: int = 0, reverse: bool = False) -> Any:
    """Running sum along `axis` (from the end if `reverse`)."""
    return _cumulative(cumsum_p, operand, axis, reverse)


def cumprod(operand: Any, axis: int = 0, reverse: bool = False) -> Any:
    """Running product along `axis` (from the end if `reverse`)."""
    return _cumulative(cumprod_p, operand, axis, reverse)


def cummax(operand: Any, axis: int = 0, reverse: bool = False) -> Any:
    """Running maximum along `axis` (from the end if `reverse`)."""
    return _cumulative(cummax_p, operand, axis, reverse)


def cummin(operand: Any, axis: int = 0, reverse: bool = False) -> Any:
    """Running minimum along `axis` (from the end if `reverse`)."""
    return _cumulative(cummin_p, operand, axis, reverse)


def cumlogsumexp(operand: Any, axis: int = 0, reverse: bool = False) -> Any:
    """Running log-sum-exp along `axis` (from the end if `reverse`)."""
    return _cumulative(cumlogsumexp_p, operand, axis, reverse)


def sort(
    operand: Any | Sequence[Any], dimension: int = -1, is_stable: bool = True, num_keys: int = 1
) -> Any:
    """Sorts along `dimension`; with a sequence of operands, sorts them all by the
    lexicographic order of the first `num_keys` (NaNs last). Returns a tuple in that case."""
    single = not isinstance(operand, (tuple, list))
    operands = [operand] if single else list(operand)
    if not operands:
        raise TypeError("sort requires at least one operand")
    if not 1 <= num_keys <= len(operands):
        raise ValueError(f"num_keys={num_keys} must be between 1 and len(operand)={len(operands)}")
    ndim = get_aval(operands[0]).ndim
    dim = int(dimension)
    if not -ndim <= dim < ndim:
        raise ValueError(f"axis {dimension} is out of bounds for array of dimension {ndim}")
    outs = sort_p.bind(
        *operands, dimension=dim % ndim, is_stable=bool(is_stable), num_keys=int(num_keys)
    )
    return outs[0] if single else tuple(outs)


def sort_key_val(keys: Any, values: Any, dimension: int = -1, is_stable: bool = True):
    """Sorts `keys` along `dimension` and permutes `values` the same way."""
    k, v = sort([keys, values], dimension=dimension, is_stable=is_stable, num_keys=1)
    return k, v


def top_k(operand: Any, k: int, *, axis: int = -1):
    """The `k` largest entries along `axis` in descending order, and their int32 indices."""
    ndim = get_aval(operand).ndim
    if not -ndim <= axis < ndim:
        raise ValueError(f"axis {axis} is out of bounds for array of dimension {ndim}")
    vals, idx = top_k_p.bind(operand, k=int(k), axis=int(axis) % ndim)
    return vals, idx
