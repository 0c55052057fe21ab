"""Slicing primitives: slice, dynamic_slice, dynamic_update_slice, gather and the scatters.

Gather and scatter follow XLA's semantics as JAX exposes them: the index vectors are the last
axis of the indices, and `operand_batching_dims`/`*_batching_dims` pair operand axes with index
axes (vmap uses them). Out-of-bounds handling is the `mode` parameter (`GatherScatterMode`).
"""

from __future__ import annotations

import builtins
import enum
import functools
import operator
from collections.abc import Sequence
from typing import Any, NamedTuple

import numpy as np

from jaxlite._src import core, dtypes
from jaxlite._src.core import ShapedArray, Tracer, get_aval
from jaxlite._src.interpreters import partial_eval as pe
from jaxlite._src.interpreters.ad import UndefinedPrimal, Zero, add_tangents, instantiate_zeros
from jaxlite._src.interpreters.batching import bdim_at_front, moveaxis, not_mapped
from jaxlite._src.lax import elementwise as ew
from jaxlite._src.lax.shape import (
    _aval,
    _checked,
    _zeros,
    broadcast_in_dim,
    concatenate,
    expand_dims,
    full,
    index_in_dim,
    iota,
    pad,
    reshape,
)
from jaxlite._src.rules import deflinear, standard_primitive


class GatherDimensionNumbers(NamedTuple):
    """How a gather's indices address windows of the operand (see `gather`)."""

    offset_dims: tuple[int, ...]
    collapsed_slice_dims: tuple[int, ...]
    start_index_map: tuple[int, ...]
    operand_batching_dims: tuple[int, ...] = ()
    start_indices_batching_dims: tuple[int, ...] = ()


class ScatterDimensionNumbers(NamedTuple):
    """How a scatter's indices address windows of the operand (see `scatter`)."""

    update_window_dims: tuple[int, ...]
    inserted_window_dims: tuple[int, ...]
    scatter_dims_to_operand_dims: tuple[int, ...]
    operand_batching_dims: tuple[int, ...] = ()
    scatter_indices_batching_dims: tuple[int, ...] = ()


class GatherScatterMode(enum.Enum):
    """Out-of-bounds handling: CLIP clamps windows into bounds; FILL_OR_DROP fills gathered
    windows that are not fully in bounds (with `fill_value`) and drops such scattered windows;
    PROMISE_IN_BOUNDS promises in-bounds indices (gathers clamp, scatters drop)."""

    CLIP = enum.auto()
    FILL_OR_DROP = enum.auto()
    PROMISE_IN_BOUNDS = enum.auto()
    ONE_HOT = enum.auto()

    @staticmethod
    def from_any(s: str | GatherScatterMode | None) -> GatherScatterMode:
        """Parses 'clip', 'fill'/'drop' (also None), 'promise_in_bounds' or 'one_hot'."""
        if isinstance(s, GatherScatterMode):
            return s
        modes = {
            None: GatherScatterMode.FILL_OR_DROP,
            "clip": GatherScatterMode.CLIP,
            "fill": GatherScatterMode.FILL_OR_DROP,
            "drop": GatherScatterMode.FILL_OR_DROP,
            "promise_in_bounds": GatherScatterMode.PROMISE_IN_BOUNDS,
            "one_hot": GatherScatterMode.ONE_HOT,
        }
        if s not in modes:
            raise ValueError(f'Unknown gather mode "{s}"')
        return modes[s]


CLIP = GatherScatterMode.CLIP
FILL = GatherScatterMode.FILL_OR_DROP
PROMISE = GatherScatterMode.PROMISE_IN_BOUNDS


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
        return _gather_bind(x, index, dnums, slice_sizes, CLIP), 0
    dnums = GatherDimensionNumbers(tuple(range(1, n + 1)), (), tuple(range(1, n + 1)), (0,), (0,))
    x = moveaxis(x, dx, 0)
    return _gather_bind(x, index, dnums, (1, *slice_sizes), CLIP, True, True), 0


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
    out = scatter_p.bind(
        x,
        index,
        u,
        dimension_numbers=dnums,
        indices_are_sorted=True,
        unique_indices=True,
        mode=CLIP,
        update_jaxpr=None,
        update_consts=(),
    )
    return out, 0


dynamic_update_slice_p = _checked(
    standard_primitive("dynamic_update_slice", _dus_impl, _dus_shape_rule, _dus_dtype_rule)
)
deflinear(dynamic_update_slice_p, _dus_transpose, linear_argnums=(0, 1))
dynamic_update_slice_p.batch = _dus_batch


# ----------------------------------------------------------------------------------------------
# Gather/scatter shared machinery


def _check_dims(name: str, what: str, dims: Sequence[int], bound: int, sort: bool = False):
    if any(not 0 <= d < bound for d in dims):
        raise TypeError(f"{name} {what} must be in the range [0, {bound}), got {tuple(dims)}.")
    if len(set(dims)) != len(dims):
        raise TypeError(f"{name} {what} must not repeat, got {tuple(dims)}.")
    if sort and list(dims) != sorted(dims):
        raise TypeError(f"{name} {what} must be sorted, got {tuple(dims)}.")


def _check_index_parts(name, operand, indices, index_map, obd, ibd, dropped, kind):
    """Checks shared by gather and scatter: indices type, the index map and batching dims."""
    if indices.dtype.kind not in "iu":
        raise TypeError(f"{name} indices must have an integer type, got {indices.dtype.name}.")
    if indices.ndim < 1:
        raise TypeError(
            f"{name} indices must have rank >= 1 (the last axis holds the index vectors), got "
            f"shape {indices.shape}."
        )
    r = operand.ndim
    _check_dims(name, kind, dropped, r)
    _check_dims(name, "operand_batching_dims", obd, r, sort=True)
    if set(dropped) & set(obd):
        raise TypeError(
            f"{name} {kind} {tuple(dropped)} and operand_batching_dims {tuple(obd)} must be "
            "disjoint."
        )
    map_name = "start_index_map" if name == "gather" else "scatter_dims_to_operand_dims"
    if len(index_map) != indices.shape[-1]:
        raise TypeError(
            f"{name} {map_name} {tuple(index_map)} must have one entry per element of the "
            f"index vectors (the last axis of indices shape {indices.shape})."
        )
    _check_dims(name, map_name, index_map, r)
    if set(index_map) & set(obd):
        raise TypeError(
            f"{name} {map_name} {tuple(index_map)} and operand_batching_dims {tuple(obd)} must "
            "be disjoint."
        )
    ibd_name = (
        "start_indices_batching_dims" if name == "gather" else ("scatter_indices_batching_dims")
    )
    if len(ibd) != len(obd):
        raise TypeError(
            f"{name} operand_batching_dims {tuple(obd)} and {ibd_name} {tuple(ibd)} must have "
            "the same length."
        )
    _check_dims(name, ibd_name, ibd, indices.ndim - 1)
    for o, i in zip(obd, ibd):
        if operand.shape[o] != indices.shape[i]:
            raise TypeError(
                f"{name} batching dimensions must have equal sizes: operand shape "
                f"{operand.shape} at operand_batching_dims {tuple(obd)}, indices shape "
                f"{indices.shape} at {ibd_name} {tuple(ibd)}."
            )


def _window_index(shape, indices, index_map, obd, ibd, window_dims, sizes, clip: bool):
    """NumPy index arrays, one per operand axis, broadcastable to `batch + window` shape, that
    address every window; and the mask (batch shape) of windows fully in bounds.

    `sizes[d]` is the window extent along operand axis d; `window_dims` are the operand axes
    that are window axes of the result/updates, in order. With `clip`, starts are clamped so
    that windows stay in bounds.
    """
    indices = np.asarray(indices)
    batch_shape = indices.shape[:-1]
    nb, nw = len(batch_shape), len(window_dims)
    ok = np.ones(batch_shape, dtype=bool)
    out = []
    for d in range(len(shape)):
        if d in index_map:
            s = indices[..., index_map.index(d)].astype(np.int64)
            hi = shape[d] - sizes[d]
            ok &= (s >= 0) & (s <= hi)
            if clip:
                s = np.clip(s, 0, hi)
        elif d in obd:  # paired with an indices axis: the position along that axis
            axis = ibd[obd.index(d)]
            view = [1] * nb
            view[axis] = batch_shape[axis]
            s = np.arange(batch_shape[axis]).reshape(view)
        else:
            s = np.zeros((1,) * nb, np.int64)
        s = s.reshape(s.shape + (1,) * nw)
        if d in window_dims:
            view = [1] * (nb + nw)
            view[nb + window_dims.index(d)] = sizes[d]
            s = s + np.arange(sizes[d]).reshape(view)
        out.append(s)
    return out, ok


def _fill_scalar(fill_value: Any, dtype: np.dtype) -> np.ndarray:
    if fill_value is None:
        fill_value = _default_fill(dtype)
    with np.errstate(invalid="ignore"):
        return np.asarray(fill_value).astype(dtype)


def _default_fill(dtype: np.dtype) -> Any:
    """Gather's fill for out-of-bounds windows: NaN, or the extreme value for integers."""
    dtype = np.dtype(dtype)
    if dtypes.is_inexact(dtype):
        return float("nan")
    if dtype.kind == "i":
        return int(np.iinfo(dtype).min)
    if dtype.kind == "u":
        return int(np.iinfo(dtype).max)
    return True


# ----------------------------------------------------------------------------------------------
# gather: out[batch..., offset...] = operand[start(indices[batch]) + offset]


def _gather_shape_rule(operand, indices, *, dimension_numbers, slice_sizes, **params):
    dn = dimension_numbers
    name = "gather"
    _check_index_parts(
        name,
        operand,
        indices,
        dn.start_index_map,
        dn.operand_batching_dims,
        dn.start_indices_batching_dims,
        dn.collapsed_slice_dims,
        "collapsed_slice_dims",
    )
    r = operand.ndim
    sizes = tuple(slice_sizes)
    if len(sizes) != r:
        raise TypeError(
            f"gather slice_sizes must have one entry per operand dimension, got slice_sizes "
            f"{sizes} for operand shape {operand.shape}."
        )
    if any(not 0 <= n <= dim for n, dim in zip(sizes, operand.shape)):
        raise TypeError(
            f"gather slice_sizes must be between 0 and the operand shape, got slice_sizes "
            f"{sizes} for operand shape {operand.shape}."
        )
    for d in dn.collapsed_slice_dims:
        if sizes[d] != 1:
            raise TypeError(
                f"gather can only collapse slice dims of size 1, got slice_sizes {sizes} with "
                f"collapsed_slice_dims {tuple(dn.collapsed_slice_dims)}."
            )
    for d in dn.operand_batching_dims:
        if sizes[d] > 1:
            raise TypeError(
                f"gather slice_sizes must be 1 at operand_batching_dims, got slice_sizes {sizes} "
                f"with operand_batching_dims {tuple(dn.operand_batching_dims)}."
            )
    window = [
        sizes[d]
        for d in range(r)
        if d not in dn.collapsed_slice_dims and d not in dn.operand_batching_dims
    ]
    batch = list(indices.shape[:-1])
    out_rank = len(window) + len(batch)
    if len(dn.offset_dims) != len(window):
        raise TypeError(
            f"gather offset_dims {tuple(dn.offset_dims)} must have one entry per operand "
            "dimension that is neither collapsed nor a batching dimension "
            f"({len(window)} for operand shape {operand.shape})."
        )
    _check_dims(name, "offset_dims", dn.offset_dims, out_rank, sort=True)
    window.reverse()
    batch.reverse()
    return tuple(window.pop() if p in dn.offset_dims else batch.pop() for p in range(out_rank))


def _window_dims(rank: int, dropped: Sequence[int], batching: Sequence[int]) -> list[int]:
    return [d for d in range(rank) if d not in dropped and d not in batching]


def _gather_impl(operand, indices, *, dimension_numbers, slice_sizes, mode, fill_value, **_):
    dn = dimension_numbers
    operand = np.asarray(operand)
    wdims = _window_dims(operand.ndim, dn.collapsed_slice_dims, dn.operand_batching_dims)
    idx, ok = _window_index(
        operand.shape,
        indices,
        dn.start_index_map,
        dn.operand_batching_dims,
        dn.start_indices_batching_dims,
        wdims,
        slice_sizes,
        clip=True,
    )
    nb, nw = ok.ndim, len(wdims)
    out = np.broadcast_to(operand[tuple(idx)], ok.shape + tuple(slice_sizes[d] for d in wdims))
    if mode is FILL and not ok.all():
        out = np.where(ok.reshape(ok.shape + (1,) * nw), out, _fill_scalar(fill_value, out.dtype))
    batch_axes = iter(range(nb))
    perm = [
        nb + dn.offset_dims.index(p) if p in dn.offset_dims else next(batch_axes)
        for p in range(nb + nw)
    ]
    return np.transpose(out, perm)


def _gather_bind(
    operand, indices, dnums, slice_sizes, mode, sorted_=False, unique=False, fill_value=None
):
    return gather_p.bind(
        operand,
        indices,
        dimension_numbers=dnums,
        slice_sizes=tuple(slice_sizes),
        indices_are_sorted=sorted_,
        unique_indices=unique,
        mode=mode,
        fill_value=fill_value,
    )


def _gather_jvp(primals, tangents, **params):
    # Linear in the operand; filled windows of the tangent are 0 (not NaN).
    operand, indices = primals
    out = gather_p.bind(operand, indices, **params)
    t = tangents[0]
    if type(t) is Zero:
        return out, Zero(get_aval(out).to_tangent_aval())
    if params["mode"] is FILL:
        params = {**params, "fill_value": 0}
    return out, gather_p.bind(t, indices, **params)


def _gather_transpose(
    ct,
    operand,
    indices,
    *,
    dimension_numbers,
    slice_sizes,
    mode,
    indices_are_sorted,
    unique_indices,
    fill_value,
):
    # Each gathered element adds its cotangent back where it was read from (scatter-add).
    if type(ct) is Zero or type(operand) is not UndefinedPrimal:
        return [None, None]
    dn = dimension_numbers
    sdn = ScatterDimensionNumbers(
        dn.offset_dims,
        dn.collapsed_slice_dims,
        dn.start_index_map,
        dn.operand_batching_dims,
        dn.start_indices_batching_dims,
    )
    out = scatter_add(
        _zeros(operand.aval),
        indices,
        ct,
        sdn,
        indices_are_sorted=indices_are_sorted,
        unique_indices=unique_indices,
        mode=mode,
    )
    return [out, None]


def _gather_batch(axis_size, vals, dims, *, dimension_numbers, slice_sizes, **params):
    (operand, indices), (do, di) = vals, dims
    dn = dimension_numbers

    def up(ds):
        return tuple(d + 1 for d in ds)

    if di is not_mapped:  # the batch axis is one more window axis, first in operand and output
        dn = GatherDimensionNumbers(
            (0, *up(dn.offset_dims)),
            up(dn.collapsed_slice_dims),
            up(dn.start_index_map),
            up(dn.operand_batching_dims),
            dn.start_indices_batching_dims,
        )
        operand = moveaxis(operand, do, 0)
        slice_sizes = (axis_size, *slice_sizes)
    elif do is not_mapped:  # the batch axis is one more leading batch axis of the indices
        dn = dn._replace(
            offset_dims=up(dn.offset_dims),
            start_indices_batching_dims=up(dn.start_indices_batching_dims),
        )
        indices = moveaxis(indices, di, 0)
    else:  # both: pair the two batch axes as batching dims
        dn = GatherDimensionNumbers(
            up(dn.offset_dims),
            up(dn.collapsed_slice_dims),
            up(dn.start_index_map),
            (0, *up(dn.operand_batching_dims)),
            (0, *up(dn.start_indices_batching_dims)),
        )
        operand, indices = moveaxis(operand, do, 0), moveaxis(indices, di, 0)
        slice_sizes = (1, *slice_sizes)
    return gather_p.bind(
        operand, indices, dimension_numbers=dn, slice_sizes=tuple(slice_sizes), **params
    ), 0


gather_p = _checked(
    standard_primitive(
        "gather",
        _gather_impl,
        _gather_shape_rule,
        lambda operand, indices, **p: operand.dtype,
        lambda w_operand, w_indices, **p: w_operand,
    )
)
gather_p.jvp = _gather_jvp
gather_p.transpose = _gather_transpose
gather_p.batch = _gather_batch


# ----------------------------------------------------------------------------------------------
# scatter family: operand[start(indices[batch]) + window] (op)= updates[batch, window]


def _scatter_shape(name, operand, indices, updates, dn):
    uwd = tuple(dn.update_window_dims)
    _check_index_parts(
        name,
        operand,
        indices,
        dn.scatter_dims_to_operand_dims,
        dn.operand_batching_dims,
        dn.scatter_indices_batching_dims,
        dn.inserted_window_dims,
        "inserted_window_dims",
    )
    _check_dims(name, "update_window_dims", uwd, updates.ndim, sort=True)
    wdims = _window_dims(operand.ndim, dn.inserted_window_dims, dn.operand_batching_dims)
    if len(uwd) != len(wdims):
        raise TypeError(
            f"{name} update_window_dims {uwd} must have one entry per operand dimension that is "
            f"neither inserted nor a batching dimension ({len(wdims)} for operand shape "
            f"{operand.shape})."
        )
    batch = indices.shape[:-1]
    scatter_axes = [a for a in range(updates.ndim) if a not in uwd]
    if tuple(updates.shape[a] for a in scatter_axes) != batch:
        raise TypeError(
            f"{name} updates shape {updates.shape} must have the indices batch shape {batch} "
            f"(indices shape {indices.shape}) at its non-window dims, and window dims "
            f"update_window_dims={uwd}."
        )
    if any(updates.shape[a] > operand.shape[d] for a, d in zip(uwd, wdims)):
        raise TypeError(
            f"{name} update windows must fit in the operand, got updates shape {updates.shape} "
            f"(window dims {uwd}) for operand shape {operand.shape}."
        )
    return operand.shape


def _scatter_impl(combine, operand, indices, updates, dn, mode):
    out = np.array(operand, copy=True)
    updates = np.asarray(updates)
    uwd = list(dn.update_window_dims)
    wdims = _window_dims(out.ndim, dn.inserted_window_dims, dn.operand_batching_dims)
    sizes = [1] * out.ndim
    for a, d in zip(uwd, wdims):
        sizes[d] = updates.shape[a]
    upd = np.transpose(updates, [a for a in range(updates.ndim) if a not in uwd] + uwd)
    idx, ok = _window_index(
        out.shape,
        indices,
        dn.scatter_dims_to_operand_dims,
        dn.operand_batching_dims,
        dn.scatter_indices_batching_dims,
        wdims,
        sizes,
        clip=mode is CLIP,
    )
    idx = [np.broadcast_to(s, upd.shape) for s in idx]
    if mode is not CLIP and not ok.all():  # drop windows not fully in bounds
        idx, upd = [s[ok] for s in idx], upd[ok]
    target = out
    if out.ndim == 0:  # address a scalar operand through a 1-element view
        target, idx = out.reshape(1), [np.zeros(upd.shape, np.int64)]
    if combine is None:
        target[tuple(idx)] = upd  # duplicates: the last update wins
    else:
        combine.at(target, tuple(idx), upd)
    return out


def _scatter_prim(name: str, combine: np.ufunc | None) -> core.Primitive:
    def impl(operand, indices, updates, *, dimension_numbers, mode, **_):
        return _scatter_impl(combine, operand, indices, updates, dimension_numbers, mode)

    def shape_rule(operand, indices, updates, *, dimension_numbers, **_):
        return _scatter_shape(name, operand, indices, updates, dimension_numbers)

    def dtype_rule(operand, indices, updates, **_):
        if operand.dtype != updates.dtype:
            raise TypeError(
                f"{name} requires arguments to have the same dtypes, got {operand.dtype.name}, "
                f"{updates.dtype.name}."
            )
        return operand.dtype

    prim = standard_primitive(name, impl, shape_rule, dtype_rule, lambda wo, wi, wu, **p: wo)
    prim.batch = functools.partial(_scatter_batch, prim)
    return _checked(prim)


def _scatter_batch(prim, axis_size, vals, dims, *, dimension_numbers, **params):
    (operand, indices, updates), (do, di, du) = vals, dims
    dn = dimension_numbers
    operand = bdim_at_front(operand, do, axis_size)
    updates = bdim_at_front(updates, du, axis_size)

    def up(ds):
        return tuple(d + 1 for d in ds)

    if di is not_mapped:  # the batch axis is one more window axis of operand and updates
        dn = ScatterDimensionNumbers(
            (0, *up(dn.update_window_dims)),
            up(dn.inserted_window_dims),
            up(dn.scatter_dims_to_operand_dims),
            up(dn.operand_batching_dims),
            dn.scatter_indices_batching_dims,
        )
    else:  # pair the batch axes of operand and indices as batching dims
        indices = moveaxis(indices, di, 0)
        dn = ScatterDimensionNumbers(
            up(dn.update_window_dims),
            up(dn.inserted_window_dims),
            up(dn.scatter_dims_to_operand_dims),
            (0, *up(dn.operand_batching_dims)),
            (0, *up(dn.scatter_indices_batching_dims)),
        )
    return prim.bind(operand, indices, updates, dimension_numbers=dn, **params), 0


scatter_p = _scatter_prim("scatter", None)
scatter_add_p = _scatter_prim("scatter-add", np.add)
scatter_mul_p = _scatter_prim("scatter-mul", np.multiply)
scatter_min_p = _scatter_prim("scatter-min", np.minimum)
scatter_max_p = _scatter_prim("scatter-max", np.maximum)


def _gather_dnums_for(dn: ScatterDimensionNumbers, updates_shape, rank: int):
    """The gather reading, for every update element, the operand cell it is scattered to."""
    gdn = GatherDimensionNumbers(
        tuple(dn.update_window_dims),
        tuple(dn.inserted_window_dims),
        tuple(dn.scatter_dims_to_operand_dims),
        tuple(dn.operand_batching_dims),
        tuple(dn.scatter_indices_batching_dims),
    )
    window = iter(updates_shape[a] for a in dn.update_window_dims)
    sizes = tuple(
        1 if d in dn.inserted_window_dims or d in dn.operand_batching_dims else next(window)
        for d in range(rank)
    )
    return gdn, sizes


def _gather_at_updates(x, indices, dn, updates_shape, mode, fill_value=0):
    gdn, sizes = _gather_dnums_for(dn, updates_shape, get_aval(x).ndim)
    return _gather_bind(
        x, indices, gdn, sizes, mode, fill_value=fill_value if mode is FILL else None
    )


def _scatter_add_transpose(ct, operand, indices, updates, *, dimension_numbers, mode, **params):
    # Operand: the cotangent passes through. Updates: read back where each update went.
    ct_u = None
    if type(updates) is UndefinedPrimal:
        ct_u = _gather_at_updates(ct, indices, dimension_numbers, updates.aval.shape, mode)
    return [ct if type(operand) is UndefinedPrimal else None, None, ct_u]


deflinear(scatter_add_p, _scatter_add_transpose, linear_argnums=(0, 2))


def _winners(operand_shape, indices, updates_shape, dn, mode, unique_indices):
    """Masks saying which operand cells keep their value and which update elements land
    (with duplicate indices only the last update to a cell lands).

    Each scattered window gets an id (1, 2, ...); scattering the ids shows which one won
    where, and gathering them back tells every update element whether it won.
    """
    scatter_axes = [a for a in range(len(updates_shape)) if a not in dn.update_window_dims]
    counts = [updates_shape[a] for a in scatter_axes]
    n = int(np.prod(counts, dtype=np.int64))
    ids = ew.add(reshape(iota(np.int32, n), counts), np.int32(1))
    ids = broadcast_in_dim(ids, updates_shape, scatter_axes)
    params = dict(indices_are_sorted=False, unique_indices=unique_indices, mode=mode)
    where = scatter(full(operand_shape, 0, np.int32), indices, ids, dn, **params)
    kept = ew.eq(where, np.int32(0))
    landed = ew.eq(ids, _gather_at_updates(where, indices, dn, updates_shape, mode))
    return kept, landed


def _select(mask, x, zero_aval):
    """`x` where `mask`, else zeros."""
    return ew.select_n(mask, _zeros(zero_aval), x)


def _scatter_jvp(
    primals,
    tangents,
    *,
    dimension_numbers,
    indices_are_sorted,
    unique_indices,
    mode,
    update_jaxpr,
    update_consts,
):
    operand, indices, updates = primals
    g_op, _, g_up = tangents
    params = dict(
        dimension_numbers=dimension_numbers,
        indices_are_sorted=indices_are_sorted,
        unique_indices=unique_indices,
        mode=mode,
        update_jaxpr=update_jaxpr,
        update_consts=update_consts,
    )
    out = scatter_p.bind(operand, indices, updates, **params)
    if type(g_op) is Zero and type(g_up) is Zero:
        return out, Zero(get_aval(out).to_tangent_aval())
    if unique_indices:  # no collisions: the scatter itself is linear in (operand, updates)
        return out, scatter_p.bind(
            instantiate_zeros(g_op), indices, instantiate_zeros(g_up), **params
        )
    # Collisions: keep the operand tangent where nothing landed, and only the tangents of the
    # updates that won; the sum of the two is a scatter-add.
    op_aval, up_aval = get_aval(operand), get_aval(updates)
    kept, landed = _winners(op_aval.shape, indices, up_aval.shape, dimension_numbers, mode, False)
    t = _zeros(op_aval) if type(g_op) is Zero else _select(kept, g_op, op_aval)
    if type(g_up) is Zero:
        return out, t
    t_up = _select(landed, g_up, up_aval)
    return out, scatter_add(
        t, indices, t_up, dimension_numbers, indices_are_sorted=indices_are_sorted, mode=mode
    )


def _scatter_transpose(
    ct,
    operand,
    indices,
    updates,
    *,
    dimension_numbers,
    indices_are_sorted,
    unique_indices,
    mode,
    update_jaxpr,
    update_consts,
):
    # Linear jointly in (operand, updates): operand cells overwritten get no cotangent; each
    # update element that landed reads the cotangent of its cell.
    if type(ct) is Zero:
        return [None, None, None]
    dn = dimension_numbers
    up_aval = _aval(updates)
    ct_op = ct_up = None
    if type(operand) is UndefinedPrimal:
        ct_op = scatter_p.bind(
            ct,
            indices,
            _zeros(up_aval),
            dimension_numbers=dn,
            indices_are_sorted=indices_are_sorted,
            unique_indices=unique_indices,
            mode=mode,
            update_jaxpr=update_jaxpr,
            update_consts=update_consts,
        )
    if type(updates) is UndefinedPrimal:
        ct_up = _gather_at_updates(ct, indices, dn, up_aval.shape, mode)
        if not unique_indices:
            _, landed = _winners(_aval(operand).shape, indices, up_aval.shape, dn, mode, False)
            ct_up = _select(landed, ct_up, up_aval)
    return [ct_op, None, ct_up]


scatter_p.jvp = _scatter_jvp
scatter_p.transpose = _scatter_transpose


def _scatter_mul_jvp(
    primals,
    tangents,
    *,
    dimension_numbers,
    indices_are_sorted,
    unique_indices,
    mode,
    update_jaxpr,
    update_consts,
):
    # out = x * prod(updates landing there): linear in x; in the updates (unique indices, as
    # JAX requires) d out = x * (scattered d updates).
    operand, indices, updates = primals
    g_op, _, g_up = tangents
    params = dict(
        dimension_numbers=dimension_numbers,
        indices_are_sorted=indices_are_sorted,
        unique_indices=unique_indices,
        mode=mode,
        update_jaxpr=update_jaxpr,
        update_consts=update_consts,
    )
    out = scatter_mul_p.bind(operand, indices, updates, **params)
    t = Zero(get_aval(out).to_tangent_aval())
    if type(g_op) is not Zero:
        t = scatter_mul_p.bind(g_op, indices, updates, **params)
    if type(g_up) is not Zero:
        if not unique_indices:
            raise NotImplementedError(
                "scatter_mul gradients are only implemented if `unique_indices=True`"
            )
        spread = scatter_add(
            _zeros(get_aval(operand)),
            indices,
            g_up,
            dimension_numbers,
            indices_are_sorted=indices_are_sorted,
            unique_indices=True,
            mode=mode,
        )
        t = add_tangents(t, ew.mul(operand, spread))
    return out, t


def _scatter_mul_transpose(
    ct,
    operand,
    indices,
    updates,
    *,
    dimension_numbers,
    indices_are_sorted,
    unique_indices,
    mode,
    update_jaxpr,
    update_consts,
):
    # Linear in the operand only (multiplying by a fixed factor per cell): self-adjoint.
    if type(ct) is Zero:
        return [None, None, None]
    if type(updates) is UndefinedPrimal:
        raise NotImplementedError(
            "scatter_mul is not linear in its updates; transposing it in them is not supported"
        )
    out = scatter_mul_p.bind(
        ct,
        indices,
        updates,
        dimension_numbers=dimension_numbers,
        indices_are_sorted=indices_are_sorted,
        unique_indices=unique_indices,
        mode=mode,
        update_jaxpr=update_jaxpr,
        update_consts=update_consts,
    )
    return [out, None, None]


scatter_mul_p.jvp = _scatter_mul_jvp
scatter_mul_p.transpose = _scatter_mul_transpose


def _scatter_extremal_jvp(
    prim,
    primals,
    tangents,
    *,
    dimension_numbers,
    indices_are_sorted,
    unique_indices,
    mode,
    update_jaxpr,
    update_consts,
):
    # The result at a cell is whichever of (operand, updates landing there) attains the
    # min/max; ties share the derivative equally: t = (sum of tied tangents) / (number tied).
    operand, indices, updates = primals
    g_op, _, g_up = tangents
    dn = dimension_numbers
    out = prim.bind(
        operand,
        indices,
        updates,
        dimension_numbers=dn,
        indices_are_sorted=indices_are_sorted,
        unique_indices=unique_indices,
        mode=mode,
        update_jaxpr=update_jaxpr,
        update_consts=update_consts,
    )
    if type(g_op) is Zero and type(g_up) is Zero:
        return out, Zero(get_aval(out).to_tangent_aval())
    op_aval, up_aval = get_aval(operand), get_aval(updates)
    dt = op_aval.dtype
    kw = dict(indices_are_sorted=indices_are_sorted, mode=mode)
    at_updates = _gather_at_updates(out, indices, dn, up_aval.shape, mode, float("nan"))
    hit = ew.convert_element_type(ew.eq(updates, at_updates), dt)
    kept = ew.convert_element_type(ew.eq(operand, out), dt)
    count = ew.add(kept, scatter_add(_zeros(op_aval), indices, hit, dn, **kw))
    num = _zeros(op_aval) if type(g_op) is Zero else ew.mul(kept, g_op)
    if type(g_up) is not Zero:
        num = ew.add(num, scatter_add(_zeros(op_aval), indices, ew.mul(hit, g_up), dn, **kw))
    return out, ew.div(num, count)


for _p in (scatter_min_p, scatter_max_p):
    _p.jvp = functools.partial(_scatter_extremal_jvp, _p)


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


def _gather_dnums(dn: GatherDimensionNumbers) -> GatherDimensionNumbers:
    if not isinstance(dn, GatherDimensionNumbers):
        raise TypeError(f"gather dimension_numbers must be GatherDimensionNumbers, got {dn!r}")
    return GatherDimensionNumbers(*(_ints(f) for f in dn))


def _scatter_dnums(dn: ScatterDimensionNumbers) -> ScatterDimensionNumbers:
    if not isinstance(dn, ScatterDimensionNumbers):
        raise TypeError(f"scatter dimension_numbers must be ScatterDimensionNumbers, got {dn!r}")
    return ScatterDimensionNumbers(*(_ints(f) for f in dn))


def _parse_mode(mode: Any, default: GatherScatterMode) -> GatherScatterMode:
    parsed = default if mode is None else GatherScatterMode.from_any(mode)
    if parsed is GatherScatterMode.ONE_HOT:
        raise NotImplementedError("gather/scatter mode 'one_hot' is not supported by jaxlite")
    return parsed


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
    parsed = _parse_mode(mode, PROMISE)
    if parsed is FILL and fill_value is None:
        fill_value = _default_fill(get_aval(operand).dtype)
    return _gather_bind(
        operand,
        start_indices,
        _gather_dnums(dimension_numbers),
        _ints(slice_sizes),
        parsed,
        bool(indices_are_sorted),
        bool(unique_indices),
        fill_value,
    )


@functools.cache
def _combiner_jaxpr(kind: str, dtype: np.dtype) -> Any:
    """The scalar jaxpr JAX records as a scatter's `update_jaxpr` (e.g. `add a b`)."""
    fn = getattr(ew, kind, None)
    if fn is None:
        return None
    aval = ShapedArray((), dtype)
    try:
        return pe.trace_to_jaxpr(lambda a, b: [fn(a, b)], [aval, aval], name="scatter").jaxpr
    except TypeError:  # the combiner does not accept this dtype (e.g. add on bool)
        return None


def _scatter(
    prim,
    kind,
    operand,
    scatter_indices,
    updates,
    dimension_numbers,
    *,
    indices_are_sorted=False,
    unique_indices=False,
    mode=None,
):
    parsed = _parse_mode(mode, FILL)
    jaxpr = None if kind is None else _combiner_jaxpr(kind, get_aval(operand).dtype)
    return prim.bind(
        operand,
        scatter_indices,
        updates,
        dimension_numbers=_scatter_dnums(dimension_numbers),
        indices_are_sorted=bool(indices_are_sorted),
        unique_indices=bool(unique_indices),
        mode=parsed,
        update_jaxpr=jaxpr,
        update_consts=(),
    )


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
    update wins). `mode` defaults to fill_or_drop: windows out of bounds are dropped."""
    return _scatter(
        scatter_p,
        None,
        operand,
        scatter_indices,
        updates,
        dimension_numbers,
        indices_are_sorted=indices_are_sorted,
        unique_indices=unique_indices,
        mode=mode,
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
        "add",
        operand,
        scatter_indices,
        updates,
        dimension_numbers,
        indices_are_sorted=indices_are_sorted,
        unique_indices=unique_indices,
        mode=mode,
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
        "mul",
        operand,
        scatter_indices,
        updates,
        dimension_numbers,
        indices_are_sorted=indices_are_sorted,
        unique_indices=unique_indices,
        mode=mode,
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
        "min",
        operand,
        scatter_indices,
        updates,
        dimension_numbers,
        indices_are_sorted=indices_are_sorted,
        unique_indices=unique_indices,
        mode=mode,
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
        "max",
        operand,
        scatter_indices,
        updates,
        dimension_numbers,
        indices_are_sorted=indices_are_sorted,
        unique_indices=unique_indices,
        mode=mode,
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
