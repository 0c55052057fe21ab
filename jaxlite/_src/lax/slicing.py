"""Slicing primitives (slice, dynamic_slice, dynamic_update_slice) and the lax wrappers for
slicing, gather and scatter.

The gather and scatter primitives and their rules are in `gather_scatter.py`; their dimension
numbers and `GatherScatterMode` are re-exported here, where `lax` users look for them.
"""

from __future__ import annotations

import builtins
import operator
from collections.abc import Sequence
from typing import Any

import numpy as np

from jaxlite._src import core, dtypes
from jaxlite._src.core import ShapedArray, Tracer, get_aval
from jaxlite._src.interpreters.ad import UndefinedPrimal
from jaxlite._src.interpreters.batching import bdim_at_front, moveaxis, not_mapped
from jaxlite._src.lax import elementwise as ew
from jaxlite._src.lax.gather_scatter import (
    CLIP,
    FILL,
    PROMISE,
    GatherDimensionNumbers,
    GatherScatterMode,
    ScatterDimensionNumbers,
    default_fill,
    gather_bind,
    parse_mode,
    scatter_add_p,
    scatter_bind,
    scatter_max_p,
    scatter_min_p,
    scatter_mul_p,
    scatter_p,
)
from jaxlite._src.lax.shape import (
    _aval,
    _checked,
    _zeros,
    broadcast_in_dim,
    concatenate,
    expand_dims,
    index_in_dim,
    pad,
)
from jaxlite._src.rules import deflinear, standard_primitive

_pyslice = builtins.slice  # the module defines lax's `slice` below


def _ints(xs: Sequence[int]) -> tuple[int, ...]:
    return tuple(operator.index(x) for x in xs)


# ----------------------------------------------------------------------------------------------
# slice: static start/limit/strides.


def _slice_shape_rule(x, *, start_indices, limit_indices, strides):
    shape, start, limit = x.shape, tuple(start_indices), tuple(limit_indices)
    if len(start) != len(shape):
        raise TypeError(
            "slice start_indices must have length equal to the number of dimensions of the "
            f"operand, got indices {start} for operand shape {shape}."
        )
    if len(limit) != len(start):
        raise TypeError(
            "slice limit_indices must have the same length as start_indices, got start_indices "
            f"{start} and limit_indices {limit}."
        )
    if any(lim > s for lim, s in zip(limit, shape)):
        raise TypeError(
            "slice limit_indices must be less than or equal to operand shape, got "
            f"limit_indices {limit} for operand shape {shape}."
        )
    if any(s < 0 for s in start):
        raise TypeError(f"slice start_indices must have every element be nonnegative, got {start}.")
    if any(lim < s for lim, s in zip(limit, start)):
        raise TypeError(
            "slice limit_indices must be greater than or equal to start_indices, got "
            f"start_indices {start} and limit_indices {limit}."
        )
    strides = (1,) * len(shape) if strides is None else tuple(strides)
    if len(strides) != len(shape):
        raise TypeError(
            "slice strides must have length equal to the number of dimensions of the operand, "
            f"got strides {strides} for operand shape {shape}."
        )
    if any(st <= 0 for st in strides):
        raise TypeError(f"slice strides must be positive, got {strides}.")
    return tuple((lim - s + st - 1) // st for s, lim, st in zip(start, limit, strides))


def _slice_impl(x, *, start_indices, limit_indices, strides):
    strides = strides or (1,) * len(start_indices)
    return np.asarray(x)[tuple(map(_pyslice, start_indices, limit_indices, strides))]


def _slice_transpose(ct, x, *, start_indices, limit_indices, strides):
    # Zero-pad the cotangent back: `start` before, stride-1 between, the rest after.
    shape = x.aval.shape
    strides = strides or (1,) * len(shape)
    out_shape = get_aval(ct).shape
    config = []
    for n, s, st, dim in zip(out_shape, start_indices, strides, shape):
        end = s + (n - 1) * st + 1 if n else s
        config.append((s, dim - end, st - 1))
    return [pad(ct, np.zeros((), get_aval(ct).dtype), config)]


def _slice_batch(axis_size, vals, dims, *, start_indices, limit_indices, strides):
    (x,), (d,) = vals, dims
    start, limit = list(start_indices), list(limit_indices)
    start.insert(d, 0)
    limit.insert(d, axis_size)
    if strides is not None:
        strides = list(strides)
        strides.insert(d, 1)
        strides = tuple(strides)
    return slice_p.bind(
        x, start_indices=tuple(start), limit_indices=tuple(limit), strides=strides
    ), d


slice_p = _checked(
    standard_primitive(
        "slice", _slice_impl, _slice_shape_rule, lambda x, **p: x.dtype, lambda w, **p: w
    )
)
deflinear(slice_p, _slice_transpose)
slice_p.batch = _slice_batch


def _slice_lower(in_avals, out_avals, *, start_indices, limit_indices, strides):
    # The impl's basic indexing, with the slices built once (a view, as eagerly).
    if not in_avals[0].ndim:
        return None
    strides = strides or (1,) * len(start_indices)
    return operator.itemgetter(tuple(map(_pyslice, start_indices, limit_indices, strides)))


slice_p.lower = _slice_lower


# ----------------------------------------------------------------------------------------------
# dynamic_slice / dynamic_update_slice: start indices are scalar operands, clamped so that the
# window stays in bounds (as XLA does).


def _check_start_indices(name: str, shape: tuple[int, ...], idx: Sequence[ShapedArray]) -> None:
    if len(idx) != len(shape):
        raise TypeError(
            f"{name} needs one start index per operand dimension, got {len(idx)} indices for "
            f"operand shape {shape}."
        )
    for a in idx:
        if a.ndim != 0 or a.dtype.kind not in "iu":
            raise TypeError(f"{name} start indices must be integer scalars, got {a.str_short()}.")
    if len({a.dtype for a in idx}) > 1:
        got = ", ".join(a.dtype.name for a in idx)
        raise TypeError(f"index arguments to {name} must be integers of the same type, got: {got}")


def _clamped_starts(idx, shape, sizes) -> list[int]:
    return [min(max(int(i), 0), dim - n) for i, dim, n in zip(idx, shape, sizes)]


def _ds_shape_rule(x, *idx, slice_sizes):
    _check_start_indices("dynamic_slice", x.shape, idx)
    sizes = tuple(slice_sizes)
    if len(sizes) != x.ndim:
        raise TypeError(
            "dynamic_slice slice_sizes must have length equal to the number of dimensions of "
            f"the operand, got slice_sizes {sizes} for operand shape {x.shape}."
        )
    if any(not 0 <= n <= dim for n, dim in zip(sizes, x.shape)):
        raise TypeError(
            "dynamic_slice slice_sizes must be nonnegative and less than or equal to operand "
            f"shape, got slice_sizes {sizes} for operand shape {x.shape}."
        )
    return sizes


def _ds_impl(x, *idx, slice_sizes):
    x = np.asarray(x)
    starts = _clamped_starts(idx, x.shape, slice_sizes)
    return x[tuple(_pyslice(s, s + n) for s, n in zip(starts, slice_sizes))]


def _ds_transpose(ct, x, *idx, slice_sizes):
    # Cotangent goes back into the window it came from (same clamping), zeros elsewhere.
    return [dynamic_update_slice_p.bind(_zeros(x.aval), ct, *idx)] + [None] * len(idx)


def _stack_indices(axis_size: int, idx: Sequence[Any], dims: Sequence[int | None]) -> Any:
    """Scalar start indices (some batched) as one (axis_size, n) array of index vectors."""
    cols = [
        broadcast_in_dim(i, (axis_size, 1), () if d is not_mapped else (0,))
        for i, d in zip(idx, dims, strict=True)
    ]
    return concatenate(cols, 1)


def _index_zero(idx: Sequence[Any]) -> Any:
    dt = get_aval(idx[0]).dtype if idx else dtypes.canonicalize_dtype(np.int64)
    return np.zeros((), dt)


def _ds_batch(axis_size, vals, dims, *, slice_sizes):
    (x, *idx), (dx, *didx) = vals, dims
    if all(d is not_mapped for d in didx):  # a full slice along the batch axis
        idx.insert(dx, _index_zero(idx))
        sizes = list(slice_sizes)
        sizes.insert(dx, axis_size)
        return dynamic_slice_p.bind(x, *idx, slice_sizes=tuple(sizes)), dx
    # Per-example starts: a gather whose index vectors are the starts (clamped like here).
    index = _stack_indices(axis_size, idx, didx)
    n = len(slice_sizes)
    if dx is not_mapped:
        dnums = GatherDimensionNumbers(tuple(range(1, n + 1)), (), tuple(range(n)))
        return gather_bind(x, index, dnums, slice_sizes, CLIP), 0
    dnums = GatherDimensionNumbers(tuple(range(1, n + 1)), (), tuple(range(1, n + 1)), (0,), (0,))
    x = moveaxis(x, dx, 0)
    return gather_bind(x, index, dnums, (1, *slice_sizes), CLIP, True, True), 0


dynamic_slice_p = _checked(
    standard_primitive(
        "dynamic_slice",
        _ds_impl,
        _ds_shape_rule,
        lambda x, *idx, **p: x.dtype,
        lambda w, *wi, **p: w,
    )
)
deflinear(dynamic_slice_p, _ds_transpose, linear_argnums=(0,))
dynamic_slice_p.batch = _ds_batch


def _dus_shape_rule(x, u, *idx):
    if u.ndim != x.ndim:
        raise TypeError(
            "dynamic_update_slice update must have the same rank as operand, got update shape "
            f"{u.shape} for operand shape {x.shape}."
        )
    if any(a > b for a, b in zip(u.shape, x.shape)):
        raise TypeError(
            "dynamic_update_slice update shape must be smaller than operand shape, got update "
            f"shape {u.shape} for operand shape {x.shape}."
        )
    _check_start_indices("dynamic_update_slice", x.shape, idx)
    return x.shape


def _dus_dtype_rule(x, u, *idx):
    if x.dtype != u.dtype:
        raise TypeError(
            "lax.dynamic_update_slice requires arguments to have the same dtypes, got "
            f"{x.dtype.name}, {u.dtype.name}."
        )
    return x.dtype


def _dus_impl(x, u, *idx):
    out = np.array(x, copy=True)
    u = np.asarray(u)
    starts = _clamped_starts(idx, out.shape, u.shape)
    out[tuple(_pyslice(s, s + n) for s, n in zip(starts, u.shape))] = u
    return out


def _dus_transpose(ct, x, u, *idx):
    # Operand: the cotangent with the window zeroed. Update: the window of the cotangent.
    u_aval = _aval(u)
    ct_x = ct_u = None
    if type(x) is UndefinedPrimal:
        ct_x = dynamic_update_slice_p.bind(ct, _zeros(u_aval), *idx)
    if type(u) is UndefinedPrimal:
        ct_u = dynamic_slice_p.bind(ct, *idx, slice_sizes=u_aval.shape)
    return [ct_x, ct_u] + [None] * len(idx)


def _dus_batch(axis_size, vals, dims):
    (x, u, *idx), (dx, du, *didx) = vals, dims
    if all(d is not_mapped for d in didx):
        if dx is not_mapped or dx != du:
            x, u, dx = bdim_at_front(x, dx, axis_size), bdim_at_front(u, du, axis_size), 0
        idx.insert(dx, _index_zero(idx))
        return dynamic_update_slice_p.bind(x, u, *idx), dx
    # Per-example starts: a scatter into per-example copies of the operand.
    index = _stack_indices(axis_size, idx, didx)
    x, u = bdim_at_front(x, dx, axis_size), bdim_at_front(u, du, axis_size)
    n = len(idx)
    dnums = ScatterDimensionNumbers(tuple(range(1, n + 1)), (), tuple(range(1, n + 1)), (0,), (0,))
    return scatter_bind(scatter_p, x, index, u, dnums, CLIP, True, True), 0


dynamic_update_slice_p = _checked(
    standard_primitive("dynamic_update_slice", _dus_impl, _dus_shape_rule, _dus_dtype_rule)
)
deflinear(dynamic_update_slice_p, _dus_transpose, linear_argnums=(0, 1))
dynamic_update_slice_p.batch = _dus_batch

# ----------------------------------------------------------------------------------------------
# Wrappers (lax API)


def slice(  # noqa: A001  (lax's name)
    operand: Any,
    start_indices: Sequence[int],
    limit_indices: Sequence[int],
    strides: Sequence[int] | None = None,
) -> Any:
    """`operand[start:limit:stride]` along every axis (static bounds)."""
    return slice_p.bind(
        operand,
        start_indices=_ints(start_indices),
        limit_indices=_ints(limit_indices),
        strides=None if strides is None else _ints(strides),
    )


def _is_static_int(x: Any) -> bool:
    return isinstance(x, (int, np.integer)) and not isinstance(x, (bool, np.bool_))


def _dynamic_indices(shape, start_indices, allow_negative_indices) -> list:
    """Start indices as scalars of one integer dtype; negative ones count from the end."""
    if isinstance(start_indices, np.ndarray):
        start_indices = list(start_indices)
    elif isinstance(start_indices, (Tracer, core.Array)):
        n = get_aval(start_indices).shape[0] if get_aval(start_indices).ndim == 1 else -1
        start_indices = [index_in_dim(start_indices, i, 0, keepdims=False) for i in range(n)]
    start_indices = list(start_indices)
    if len(start_indices) != len(shape):
        raise ValueError(
            "Length of slice indices must match number of operand dimensions "
            f"({len(start_indices)} vs {shape})"
        )
    if isinstance(allow_negative_indices, bool):
        allow_negative_indices = [allow_negative_indices] * len(shape)
    out = []
    for i, size, neg in zip(start_indices, shape, allow_negative_indices, strict=True):
        if _is_static_int(i):  # normalised now: a literal in the jaxpr
            v = operator.index(i)
            v = v + size if neg and v < 0 else v
            dt = dtypes.canonicalize_dtype(int if isinstance(i, int) else np.asarray(i).dtype)
            out.append(np.asarray(v, dt)[()])
            continue
        aval = get_aval(i)
        if neg and aval.ndim == 0 and aval.dtype.kind == "i":
            # where(i < 0, i + size, i), staged as JAX stages it
            is_neg = ew.lt(i, np.zeros((), aval.dtype))
            j = ew.convert_element_type(i, aval.dtype) if aval.weak_type else i
            i = ew.select_n(is_neg, i, ew.add(j, np.asarray(size, aval.dtype)[()]))
        out.append(i)
    return out


def dynamic_slice(
    operand: Any,
    start_indices: Sequence[Any],
    slice_sizes: Sequence[int],
    *,
    allow_negative_indices: bool | Sequence[bool] = True,
) -> Any:
    """The window of `slice_sizes` at `start_indices` (traced allowed; clamped into bounds)."""
    shape = get_aval(operand).shape
    idx = _dynamic_indices(shape, start_indices, allow_negative_indices)
    return dynamic_slice_p.bind(operand, *idx, slice_sizes=_ints(slice_sizes))


def dynamic_update_slice(
    operand: Any,
    update: Any,
    start_indices: Sequence[Any],
    *,
    allow_negative_indices: bool | Sequence[bool] = True,
) -> Any:
    """`operand` with the window at `start_indices` replaced by `update` (clamped)."""
    shape = get_aval(operand).shape
    idx = _dynamic_indices(shape, start_indices, allow_negative_indices)
    return dynamic_update_slice_p.bind(operand, update, *idx)


def dynamic_slice_in_dim(
    operand: Any,
    start_index: Any,
    slice_size: int,
    axis: int = 0,
    *,
    allow_negative_indices: bool = True,
) -> Any:
    """`dynamic_slice` along one axis."""
    shape = get_aval(operand).shape
    axis = operator.index(axis) % len(shape)
    starts: list[Any] = [0] * len(shape)
    sizes = list(shape)
    starts[axis], sizes[axis] = start_index, slice_size
    return dynamic_slice(operand, starts, sizes, allow_negative_indices=allow_negative_indices)


def dynamic_update_slice_in_dim(
    operand: Any,
    update: Any,
    start_index: Any,
    axis: int,
    *,
    allow_negative_indices: bool = True,
) -> Any:
    """`dynamic_update_slice` along one axis."""
    ndim = get_aval(operand).ndim
    axis = operator.index(axis) % ndim
    starts: list[Any] = [0] * ndim
    starts[axis] = start_index
    return dynamic_update_slice(
        operand, update, starts, allow_negative_indices=allow_negative_indices
    )


def dynamic_update_index_in_dim(
    operand: Any,
    update: Any,
    index: Any,
    axis: int,
    *,
    allow_negative_indices: bool = True,
) -> Any:
    """Writes `update` (with or without the size-1 `axis`) at position `index` of `axis`."""
    ndim = get_aval(operand).ndim
    axis = operator.index(axis) % ndim
    if get_aval(update).ndim == ndim - 1:
        update = expand_dims(update, (axis,))
    return dynamic_update_slice_in_dim(
        operand, update, index, axis, allow_negative_indices=allow_negative_indices
    )


def _dnums(dn: Any, cls: type) -> Any:
    if not isinstance(dn, cls):
        raise TypeError(f"dimension_numbers must be {cls.__name__}, got {dn!r}")
    return cls(*(_ints(f) for f in dn))


def gather(
    operand: Any,
    start_indices: Any,
    dimension_numbers: GatherDimensionNumbers,
    slice_sizes: Sequence[int],
    *,
    unique_indices: bool = False,
    indices_are_sorted: bool = False,
    mode: str | GatherScatterMode | None = None,
    fill_value: Any = None,
) -> Any:
    """XLA gather: windows of `slice_sizes` of `operand` at the index vectors in the last axis
    of `start_indices`. `mode` defaults to promise_in_bounds (indices clamped), as in JAX;
    with 'fill', windows not fully in bounds read `fill_value` (default NaN / int extreme)."""
    parsed = parse_mode(mode, PROMISE)
    if parsed is FILL and fill_value is None:
        fill_value = default_fill(get_aval(operand).dtype)
    dn = _dnums(dimension_numbers, GatherDimensionNumbers)
    return gather_bind(
        operand,
        start_indices,
        dn,
        _ints(slice_sizes),
        parsed,
        bool(indices_are_sorted),
        bool(unique_indices),
        fill_value,
    )


def _scatter(prim, operand, indices, updates, dimension_numbers, sorted_, unique, mode):
    dn = _dnums(dimension_numbers, ScatterDimensionNumbers)
    parsed = parse_mode(mode, FILL)
    return scatter_bind(prim, operand, indices, updates, dn, parsed, bool(sorted_), bool(unique))


def scatter(
    operand: Any,
    scatter_indices: Any,
    updates: Any,
    dimension_numbers: ScatterDimensionNumbers,
    *,
    indices_are_sorted: bool = False,
    unique_indices: bool = False,
    mode: str | GatherScatterMode | None = None,
) -> Any:
    """XLA scatter replacing operand windows by `updates` (with duplicate indices the last
    update wins). `mode` defaults to fill_or_drop: windows not fully in bounds are dropped."""
    return _scatter(
        scatter_p,
        operand,
        scatter_indices,
        updates,
        dimension_numbers,
        indices_are_sorted,
        unique_indices,
        mode,
    )


def scatter_add(
    operand: Any,
    scatter_indices: Any,
    updates: Any,
    dimension_numbers: ScatterDimensionNumbers,
    *,
    indices_are_sorted: bool = False,
    unique_indices: bool = False,
    mode: str | GatherScatterMode | None = None,
) -> Any:
    """Scatter adding `updates` into `operand` (duplicates accumulate)."""
    return _scatter(
        scatter_add_p,
        operand,
        scatter_indices,
        updates,
        dimension_numbers,
        indices_are_sorted,
        unique_indices,
        mode,
    )


def scatter_mul(
    operand: Any,
    scatter_indices: Any,
    updates: Any,
    dimension_numbers: ScatterDimensionNumbers,
    *,
    indices_are_sorted: bool = False,
    unique_indices: bool = False,
    mode: str | GatherScatterMode | None = None,
) -> Any:
    """Scatter multiplying `operand` by `updates` (duplicates accumulate)."""
    return _scatter(
        scatter_mul_p,
        operand,
        scatter_indices,
        updates,
        dimension_numbers,
        indices_are_sorted,
        unique_indices,
        mode,
    )


def scatter_min(
    operand: Any,
    scatter_indices: Any,
    updates: Any,
    dimension_numbers: ScatterDimensionNumbers,
    *,
    indices_are_sorted: bool = False,
    unique_indices: bool = False,
    mode: str | GatherScatterMode | None = None,
) -> Any:
    """Scatter taking the elementwise minimum of `operand` and `updates`."""
    return _scatter(
        scatter_min_p,
        operand,
        scatter_indices,
        updates,
        dimension_numbers,
        indices_are_sorted,
        unique_indices,
        mode,
    )


def scatter_max(
    operand: Any,
    scatter_indices: Any,
    updates: Any,
    dimension_numbers: ScatterDimensionNumbers,
    *,
    indices_are_sorted: bool = False,
    unique_indices: bool = False,
    mode: str | GatherScatterMode | None = None,
) -> Any:
    """Scatter taking the elementwise maximum of `operand` and `updates`."""
    return _scatter(
        scatter_max_p,
        operand,
        scatter_indices,
        updates,
        dimension_numbers,
        indices_are_sorted,
        unique_indices,
        mode,
    )


__all__ = [
    "GatherDimensionNumbers",
    "GatherScatterMode",
    "ScatterDimensionNumbers",
    "dynamic_slice",
    "dynamic_slice_in_dim",
    "dynamic_update_index_in_dim",
    "dynamic_update_slice",
    "dynamic_update_slice_in_dim",
    "gather",
    "scatter",
    "scatter_add",
    "scatter_max",
    "scatter_min",
    "scatter_mul",
    "slice",
]
