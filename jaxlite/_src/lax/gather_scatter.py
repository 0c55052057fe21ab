"""Gather and scatter primitives (XLA semantics, as JAX exposes them in `lax`).

The index vectors are the last axis of the indices. `operand_batching_dims` and
`start_indices_batching_dims` / `scatter_indices_batching_dims` pair operand axes with index
axes, which is how vmap batches these primitives. Out-of-bounds handling is the `mode`
parameter (`GatherScatterMode`). The public wrappers are in `slicing.py`.

Gather and scatter dimension numbers have the same layout, field by field: (window axes of the
result/updates, operand axes dropped from windows, index-vector -> operand axis map, operand
batching axes, index batching axes); the shared code below relies on that.
"""

from __future__ import annotations

import enum
import functools
from typing import Any, NamedTuple

import numpy as np

from jaxlite._src import core, dtypes
from jaxlite._src.core import ShapedArray, get_aval
from jaxlite._src.interpreters import partial_eval as pe
from jaxlite._src.interpreters.ad import UndefinedPrimal, Zero, add_tangents, instantiate_zeros
from jaxlite._src.interpreters.batching import bdim_at_front, moveaxis, not_mapped
from jaxlite._src.lax import elementwise as ew
from jaxlite._src.lax.shape import _aval, _checked, _zeros, broadcast_in_dim, full, iota, reshape
from jaxlite._src.rules import deflinear, standard_primitive


class GatherDimensionNumbers(NamedTuple):
    """How a gather's indices address windows of the operand (see `lax.gather`)."""

    offset_dims: tuple[int, ...]
    collapsed_slice_dims: tuple[int, ...]
    start_index_map: tuple[int, ...]
    operand_batching_dims: tuple[int, ...] = ()
    start_indices_batching_dims: tuple[int, ...] = ()


class ScatterDimensionNumbers(NamedTuple):
    """How a scatter's indices address windows of the operand (see `lax.scatter`)."""

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


def parse_mode(mode: Any, default: GatherScatterMode) -> GatherScatterMode:
    parsed = default if mode is None else GatherScatterMode.from_any(mode)
    if parsed is GatherScatterMode.ONE_HOT:
        raise NotImplementedError("gather/scatter mode 'one_hot' is not supported by jaxlite")
    return parsed


def default_fill(dtype: np.dtype) -> Any:
    """Gather's fill for out-of-bounds windows: NaN, or the extreme value for integers."""
    dtype = np.dtype(dtype)
    if dtypes.is_inexact(dtype):
        return float("nan")
    if dtype.kind in "iu":
        info = np.iinfo(dtype)
        return int(info.min if dtype.kind == "i" else info.max)
    return True


# ----------------------------------------------------------------------------------------------
# Shared machinery


def _check_dims(name: str, what: str, dims, bound: int, sort: bool = False) -> None:
    if any(not 0 <= d < bound for d in dims):
        raise TypeError(f"{name} {what} must be in the range [0, {bound}), got {tuple(dims)}.")
    if len(set(dims)) != len(dims):
        raise TypeError(f"{name} {what} must not repeat, got {tuple(dims)}.")
    if sort and list(dims) != sorted(dims):
        raise TypeError(f"{name} {what} must be sorted, got {tuple(dims)}.")


def _check_common(name: str, operand, indices, dn) -> list[int]:
    """Checks shared by gather and scatter; returns the operand's window axes."""
    f = dn._fields
    _, dropped, index_map, obd, ibd = dn
    if indices.dtype.kind not in "iu":
        raise TypeError(f"{name} indices must have an integer type, got {indices.dtype.name}.")
    if indices.ndim < 1:
        raise TypeError(
            f"{name} indices must have rank >= 1 (the last axis holds the index vectors), got "
            f"shape {indices.shape}."
        )
    r = operand.ndim
    _check_dims(name, f[1], dropped, r)
    _check_dims(name, f[3], obd, r, sort=True)
    _check_dims(name, f[2], index_map, r)
    _check_dims(name, f[4], ibd, indices.ndim - 1)
    if set(dropped) & set(obd) or set(index_map) & set(obd):
        raise TypeError(f"{name} {f[3]} {obd} must be disjoint from {f[1]} and {f[2]}: {dn}")
    if len(index_map) != indices.shape[-1]:
        raise TypeError(
            f"{name} {f[2]} {index_map} must have one entry per element of the index vectors "
            f"(the last axis of indices shape {indices.shape})."
        )
    if len(ibd) != len(obd) or any(operand.shape[o] != indices.shape[i] for o, i in zip(obd, ibd)):
        raise TypeError(
            f"{name} {f[3]} {obd} and {f[4]} {ibd} must pair axes of equal sizes, got operand "
            f"shape {operand.shape} and indices shape {indices.shape}."
        )
    wdims = [d for d in range(r) if d not in dropped and d not in obd]
    if len(dn[0]) != len(wdims):
        raise TypeError(
            f"{name} {f[0]} {dn[0]} must have one entry per operand dimension that is neither "
            f"in {f[1]} nor a batching dimension ({len(wdims)} for operand shape "
            f"{operand.shape})."
        )
    return wdims


def _window_index(shape, indices, dn, sizes, clip: bool):
    """NumPy index arrays, one per operand axis, broadcastable to the `batch + window` shape,
    addressing every window; and the mask (batch shape) of windows fully in bounds.

    `sizes[d]` is the window extent along operand axis d. With `clip`, starts are clamped so
    that windows stay in bounds (XLA's semantics for gather and for clip mode).
    """
    _, dropped, index_map, obd, ibd = dn
    wdims = [d for d in range(len(shape)) if d not in dropped and d not in obd]
    indices = np.asarray(indices)
    batch = indices.shape[:-1]
    nb, nw = len(batch), len(wdims)
    ok = np.ones(batch, dtype=bool)
    out = []
    for d in range(len(shape)):
        if d in index_map:
            s = indices[..., index_map.index(d)].astype(np.int64)
            hi = shape[d] - sizes[d]
            ok &= (s >= 0) & (s <= hi)
            if clip:
                s = np.clip(s, 0, hi)
        elif d in obd:  # paired with an axis of the indices: the position along it
            axis = ibd[obd.index(d)]
            view = [1] * nb
            view[axis] = batch[axis]
            s = np.arange(batch[axis]).reshape(view)
        else:
            s = np.zeros((1,) * nb, np.int64)
        s = s.reshape(s.shape + (1,) * nw)
        if d in wdims:
            view = [1] * (nb + nw)
            view[nb + wdims.index(d)] = sizes[d]
            s = s + np.arange(sizes[d]).reshape(view)
        out.append(s)
    return out, ok


def _up(dims) -> tuple[int, ...]:
    return tuple(d + 1 for d in dims)


# ----------------------------------------------------------------------------------------------
# gather: out[batch..., offset...] = operand[start(indices[batch]) + offset]


def _gather_shape_rule(operand, indices, *, dimension_numbers, slice_sizes, **params):
    dn, sizes = dimension_numbers, tuple(slice_sizes)
    wdims = _check_common("gather", operand, indices, dn)
    if len(sizes) != operand.ndim or any(not 0 <= n <= d for n, d in zip(sizes, operand.shape)):
        raise TypeError(
            "gather slice_sizes must have one entry per operand dimension, between 0 and its "
            f"size; got slice_sizes {sizes} for operand shape {operand.shape}."
        )
    if any(sizes[d] != 1 for d in dn.collapsed_slice_dims) or any(
        sizes[d] > 1 for d in dn.operand_batching_dims
    ):
        raise TypeError(
            f"gather slice_sizes must be 1 at collapsed_slice_dims and operand_batching_dims, "
            f"got slice_sizes {sizes} for {dn}."
        )
    window = [sizes[d] for d in wdims][::-1]
    batch = list(indices.shape[:-1])[::-1]
    out_rank = len(window) + len(batch)
    _check_dims("gather", "offset_dims", dn.offset_dims, out_rank, sort=True)
    return tuple(window.pop() if p in dn.offset_dims else batch.pop() for p in range(out_rank))


def _gather_impl(operand, indices, *, dimension_numbers, slice_sizes, mode, fill_value, **_):
    dn = dimension_numbers
    operand = np.asarray(operand)
    idx, ok = _window_index(operand.shape, indices, dn, slice_sizes, clip=True)
    nb, nw = ok.ndim, len(dn.offset_dims)
    wdims = [
        d
        for d in range(operand.ndim)
        if d not in dn.collapsed_slice_dims and d not in dn.operand_batching_dims
    ]
    out = np.broadcast_to(operand[tuple(idx)], ok.shape + tuple(slice_sizes[d] for d in wdims))
    if mode is FILL and not ok.all():
        fill = default_fill(out.dtype) if fill_value is None else fill_value
        with np.errstate(invalid="ignore"):
            fill = np.asarray(fill).astype(out.dtype)
        out = np.where(ok.reshape(ok.shape + (1,) * nw), out, fill)
    batch_axes = iter(range(nb))
    perm = [
        nb + dn.offset_dims.index(p) if p in dn.offset_dims else next(batch_axes)
        for p in range(nb + nw)
    ]
    return np.transpose(out, perm)


def gather_bind(
    operand, indices, dnums, slice_sizes, mode, sorted_=False, unique=False, fill_value=None
):
    """Binds gather with all of JAX's parameters."""
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
    # Linear in the operand; windows filled in the result are 0 in the tangent (not NaN).
    operand, indices = primals
    out = gather_p.bind(operand, indices, **params)
    if type(tangents[0]) is Zero:
        return out, Zero(get_aval(out).to_tangent_aval())
    tparams = {**params, "fill_value": 0} if params["mode"] is FILL else params
    return out, gather_p.bind(tangents[0], indices, **tparams)


def _gather_transpose(ct, operand, indices, **params):
    # Each gathered element adds its cotangent back where it was read from (scatter-add).
    if type(ct) is Zero or type(operand) is not UndefinedPrimal:
        return [None, None]
    out = scatter_bind(
        scatter_add_p,
        _zeros(operand.aval),
        indices,
        ct,
        ScatterDimensionNumbers(*params["dimension_numbers"]),
        params["mode"],
        params["indices_are_sorted"],
        params["unique_indices"],
    )
    return [out, None]


def _gather_batch(axis_size, vals, dims, *, dimension_numbers, slice_sizes, **params):
    (operand, indices), (do, di) = vals, dims
    dn = dimension_numbers
    if di is not_mapped:  # the batch axis is one more window axis, first in operand and output
        dn = GatherDimensionNumbers(
            (0, *_up(dn.offset_dims)),
            _up(dn.collapsed_slice_dims),
            _up(dn.start_index_map),
            _up(dn.operand_batching_dims),
            dn.start_indices_batching_dims,
        )
        operand, slice_sizes = moveaxis(operand, do, 0), (axis_size, *slice_sizes)
    elif do is not_mapped:  # the batch axis is one more (leading) batch axis of the indices
        dn = dn._replace(
            offset_dims=_up(dn.offset_dims),
            start_indices_batching_dims=_up(dn.start_indices_batching_dims),
        )
        indices = moveaxis(indices, di, 0)
    else:  # both batched: pair the two batch axes as batching dims
        dn = GatherDimensionNumbers(
            _up(dn.offset_dims),
            _up(dn.collapsed_slice_dims),
            _up(dn.start_index_map),
            (0, *_up(dn.operand_batching_dims)),
            (0, *_up(dn.start_indices_batching_dims)),
        )
        operand, indices = moveaxis(operand, do, 0), moveaxis(indices, di, 0)
        slice_sizes = (1, *slice_sizes)
    out = gather_p.bind(
        operand, indices, dimension_numbers=dn, slice_sizes=tuple(slice_sizes), **params
    )
    return out, 0


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
    wdims = _check_common(name, operand, indices, dn)
    _check_dims(name, "update_window_dims", uwd, updates.ndim, sort=True)
    batch = indices.shape[:-1]
    if tuple(n for a, n in enumerate(updates.shape) if a not in uwd) != batch:
        raise TypeError(
            f"{name} updates shape {updates.shape} must have the indices batch shape {batch} "
            f"(indices shape {indices.shape}) at its non-window dims (update_window_dims={uwd})."
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
    wdims = [
        d
        for d in range(out.ndim)
        if d not in dn.inserted_window_dims and d not in dn.operand_batching_dims
    ]
    sizes = [1] * out.ndim
    for a, d in zip(uwd, wdims):
        sizes[d] = updates.shape[a]
    upd = np.transpose(updates, [a for a in range(updates.ndim) if a not in uwd] + uwd)
    idx, ok = _window_index(out.shape, indices, dn, sizes, clip=mode is CLIP)
    idx = [np.broadcast_to(s, upd.shape) for s in idx]
    if mode is not CLIP and not ok.all():  # drop windows not fully in bounds
        idx, upd = [s[ok] for s in idx], upd[ok]
    target = out
    if out.ndim == 0:  # address a scalar operand through a 1-element view
        target, idx = out.reshape(1), [np.zeros(upd.shape, np.int64)]
    if combine is None:
        target[tuple(idx)] = upd  # with duplicate indices the last update wins
    else:
        combine.at(target, tuple(idx), upd)
    return out


def _scatter_batch(prim, axis_size, vals, dims, *, dimension_numbers, **params):
    (operand, indices, updates), (do, di, du) = vals, dims
    dn = dimension_numbers
    operand = bdim_at_front(operand, do, axis_size)
    updates = bdim_at_front(updates, du, axis_size)
    if di is not_mapped:  # the batch axis is one more window axis of operand and updates
        dn = ScatterDimensionNumbers((0, *_up(dn[0])), _up(dn[1]), _up(dn[2]), _up(dn[3]), dn[4])
    else:  # pair the batch axes of operand and indices as batching dims
        indices = moveaxis(indices, di, 0)
        dn = ScatterDimensionNumbers(
            _up(dn[0]), _up(dn[1]), _up(dn[2]), (0, *_up(dn[3])), (0, *_up(dn[4]))
        )
    return prim.bind(operand, indices, updates, dimension_numbers=dn, **params), 0


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


scatter_p = _scatter_prim("scatter", None)
scatter_add_p = _scatter_prim("scatter-add", np.add)
scatter_mul_p = _scatter_prim("scatter-mul", np.multiply)
scatter_min_p = _scatter_prim("scatter-min", np.minimum)
scatter_max_p = _scatter_prim("scatter-max", np.maximum)


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


_COMBINERS = {
    "scatter-add": "add",
    "scatter-mul": "mul",
    "scatter-min": "min",
    "scatter-max": "max",
}


def scatter_bind(prim, operand, indices, updates, dnums, mode, sorted_=False, unique=False):
    """Binds a scatter primitive with all of JAX's parameters (`update_jaxpr` from its kind)."""
    kind = _COMBINERS.get(prim.name)
    jaxpr = None if kind is None else _combiner_jaxpr(kind, get_aval(operand).dtype)
    return prim.bind(
        operand,
        indices,
        updates,
        dimension_numbers=dnums,
        indices_are_sorted=sorted_,
        unique_indices=unique,
        mode=mode,
        update_jaxpr=jaxpr,
        update_consts=(),
    )


def _gather_at_updates(x, indices, dn, updates_shape, mode, fill_value=0):
    """For every update element, the element of `x` (operand-shaped) it is scattered to."""
    window = iter(updates_shape[a] for a in dn.update_window_dims)
    sizes = [
        1 if d in dn.inserted_window_dims or d in dn.operand_batching_dims else next(window)
        for d in range(get_aval(x).ndim)
    ]
    return gather_bind(
        x,
        indices,
        GatherDimensionNumbers(*dn),
        sizes,
        mode,
        fill_value=fill_value if mode is FILL else None,
    )


def _scatter_add_transpose(ct, operand, indices, updates, *, dimension_numbers, mode, **params):
    # Operand: the cotangent passes through. Updates: read back where each update went.
    ct_u = None
    if type(updates) is UndefinedPrimal:
        ct_u = _gather_at_updates(ct, indices, dimension_numbers, updates.aval.shape, mode)
    return [ct if type(operand) is UndefinedPrimal else None, None, ct_u]


deflinear(scatter_add_p, _scatter_add_transpose, linear_argnums=(0, 2))


def _winners(operand_shape, indices, updates_shape, dn, mode):
    """Masks of the operand cells that keep their value and of the update elements that land
    (with duplicate indices only the last update to a cell lands).

    Each scattered window gets an id (1, 2, ...); scattering the ids shows which one won
    where, and gathering them back tells every update element whether it won.
    """
    scatter_axes = [a for a in range(len(updates_shape)) if a not in dn.update_window_dims]
    counts = [updates_shape[a] for a in scatter_axes]
    n = int(np.prod(counts, dtype=np.int64))
    ids = ew.add(reshape(iota(np.int32, n), counts), np.int32(1))
    ids = broadcast_in_dim(ids, updates_shape, scatter_axes)
    where = scatter_bind(scatter_p, full(operand_shape, 0, np.int32), indices, ids, dn, mode)
    kept = ew.eq(where, np.int32(0))
    landed = ew.eq(ids, _gather_at_updates(where, indices, dn, updates_shape, mode))
    return kept, landed


def _select(mask, x, aval):
    """`x` where `mask`, else zeros."""
    return ew.select_n(mask, _zeros(aval), x)


def _scatter_jvp(primals, tangents, **params):
    operand, indices, updates = primals
    g_op, _, g_up = tangents
    out = scatter_p.bind(operand, indices, updates, **params)
    if type(g_op) is Zero and type(g_up) is Zero:
        return out, Zero(get_aval(out).to_tangent_aval())
    if params["unique_indices"]:  # no collisions: linear in (operand, updates) jointly
        g_op, g_up = instantiate_zeros(g_op), instantiate_zeros(g_up)
        return out, scatter_p.bind(g_op, indices, g_up, **params)
    # Collisions: keep the operand tangent where nothing landed and the tangents of the
    # updates that won (general, unlike assuming unique indices); their sum is a scatter-add.
    dn, mode = params["dimension_numbers"], params["mode"]
    op_aval, up_aval = get_aval(operand), get_aval(updates)
    kept, landed = _winners(op_aval.shape, indices, up_aval.shape, dn, mode)
    t = _zeros(op_aval) if type(g_op) is Zero else _select(kept, g_op, op_aval)
    if type(g_up) is Zero:
        return out, t
    t_up = _select(landed, g_up, up_aval)
    return out, scatter_bind(
        scatter_add_p, t, indices, t_up, dn, mode, params["indices_are_sorted"]
    )


def _scatter_transpose(ct, operand, indices, updates, **params):
    # Linear jointly in (operand, updates): overwritten operand cells get no cotangent; each
    # update element that landed reads the cotangent of its cell.
    if type(ct) is Zero:
        return [None, None, None]
    dn, mode = params["dimension_numbers"], params["mode"]
    up_aval = _aval(updates)
    ct_op = ct_up = None
    if type(operand) is UndefinedPrimal:
        ct_op = scatter_p.bind(ct, indices, _zeros(up_aval), **params)
    if type(updates) is UndefinedPrimal:
        ct_up = _gather_at_updates(ct, indices, dn, up_aval.shape, mode)
        if not params["unique_indices"]:
            _, landed = _winners(_aval(operand).shape, indices, up_aval.shape, dn, mode)
            ct_up = _select(landed, ct_up, up_aval)
    return [ct_op, None, ct_up]


scatter_p.jvp = _scatter_jvp
scatter_p.transpose = _scatter_transpose


def _scatter_mul_jvp(primals, tangents, **params):
    # out = x * (product of the updates landing there): linear in x; in the updates, with
    # unique indices (JAX's restriction), d out = x * (scattered d updates).
    operand, indices, updates = primals
    g_op, _, g_up = tangents
    out = scatter_mul_p.bind(operand, indices, updates, **params)
    t = Zero(get_aval(out).to_tangent_aval())
    if type(g_op) is not Zero:
        t = scatter_mul_p.bind(g_op, indices, updates, **params)
    if type(g_up) is not Zero:
        if not params["unique_indices"]:
            raise NotImplementedError(
                "scatter_mul gradients are only implemented if `unique_indices=True`"
            )
        spread = scatter_bind(
            scatter_add_p,
            _zeros(get_aval(operand)),
            indices,
            g_up,
            params["dimension_numbers"],
            params["mode"],
            params["indices_are_sorted"],
            True,
        )
        t = add_tangents(t, ew.mul(operand, spread))
    return out, t


def _scatter_mul_transpose(ct, operand, indices, updates, **params):
    # Linear in the operand only (a fixed factor per cell), hence self-adjoint.
    if type(ct) is Zero:
        return [None, None, None]
    if type(updates) is UndefinedPrimal:
        raise NotImplementedError(
            "scatter_mul is not linear in its updates; transposing it in them is not supported"
        )
    return [scatter_mul_p.bind(ct, indices, updates, **params), None, None]


scatter_mul_p.jvp = _scatter_mul_jvp
scatter_mul_p.transpose = _scatter_mul_transpose


def _scatter_extremal_jvp(prim, primals, tangents, **params):
    # Each result cell is whichever of (operand, updates landing there) attains the min/max;
    # ties share the derivative equally: t = (sum of tied tangents) / (number tied), as JAX.
    operand, indices, updates = primals
    g_op, _, g_up = tangents
    out = prim.bind(operand, indices, updates, **params)
    if type(g_op) is Zero and type(g_up) is Zero:
        return out, Zero(get_aval(out).to_tangent_aval())
    dn, mode, sorted_ = params["dimension_numbers"], params["mode"], params["indices_are_sorted"]
    op_aval, up_aval = get_aval(operand), get_aval(updates)
    at_updates = _gather_at_updates(out, indices, dn, up_aval.shape, mode, float("nan"))
    hit = ew.convert_element_type(ew.eq(updates, at_updates), op_aval.dtype)
    kept = ew.convert_element_type(ew.eq(operand, out), op_aval.dtype)

    def spread(u):
        return scatter_bind(scatter_add_p, _zeros(op_aval), indices, u, dn, mode, sorted_)

    count = ew.add(kept, spread(hit))
    num = _zeros(op_aval) if type(g_op) is Zero else ew.mul(kept, g_op)
    if type(g_up) is not Zero:
        num = ew.add(num, spread(ew.mul(hit, g_up)))
    return out, ew.div(num, count)


for _p in (scatter_min_p, scatter_max_p):
    _p.jvp = functools.partial(_scatter_extremal_jvp, _p)
