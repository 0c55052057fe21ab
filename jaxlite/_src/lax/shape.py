"""Shape primitives: broadcast_in_dim, reshape, transpose, squeeze, rev, concatenate, split,
pad, iota (and reduce_sum, which the interpreters need), with the wrappers built on them.

Slicing primitives (slice, dynamic_slice, gather, scatter) live in `slicing.py`; the wrappers
here that slice (`index_in_dim`, `slice_in_dim`, ...) call into it at run time.
"""

from __future__ import annotations

import operator
from collections.abc import Sequence
from typing import Any

import numpy as np

from jaxlite._src import core, dtypes
from jaxlite._src.core import Tracer, get_aval
from jaxlite._src.interpreters.ad import UndefinedPrimal, Zero
from jaxlite._src.interpreters.batching import bdim_at_front, moveaxis, not_mapped
from jaxlite._src.lax.lowering import FRESH, Lowered, method
from jaxlite._src.rules import deflinear, multi_result_primitive, standard_primitive


def _checked(prim: core.Primitive) -> core.Primitive:
    """Marks a primitive whose eager calls must raise the same clear errors as tracing.

    `core.eager_impl` already runs (memoised) abstract evaluation before the implementation
    for every call with params or operands of differing shapes, so this only asserts that.
    """
    assert prim.abstract_eval is not None, prim.name
    return prim


def _same_dtype(x, **params):
    return x.dtype


def _weak_in(w, **params):
    return w


# ----------------------------------------------------------------------------------------------
# broadcast_in_dim: operand axis i becomes output axis broadcast_dimensions[i].


def _bid_impl(x, *, shape, broadcast_dimensions, sharding=None):
    shape_expanded = [1] * len(shape)
    for i, d in enumerate(broadcast_dimensions):
        shape_expanded[d] = x.shape[i]
    return np.broadcast_to(np.reshape(x, shape_expanded), shape)


def _bid_shape_rule(x, *, shape, broadcast_dimensions, sharding=None):
    if len(broadcast_dimensions) != x.ndim:
        raise TypeError(
            f"broadcast_in_dim broadcast_dimensions must have length equal to operand ndim; got "
            f"broadcast_dimensions {broadcast_dimensions} for operand ndim {x.ndim}."
        )
    for i, d in enumerate(broadcast_dimensions):
        if not 0 <= d < len(shape) or x.shape[i] not in (1, shape[d]):
            raise TypeError(
                f"broadcast_in_dim operand dimension sizes must either be 1, or be equal to their "
                f"corresponding dimensions in the target broadcast shape; got operand of shape "
                f"{x.shape}, target broadcast shape {shape}, broadcast_dimensions "
                f"{broadcast_dimensions}"
            )
    return tuple(shape)


def _bid_transpose(ct, x, *, shape, broadcast_dimensions, sharding=None):
    # As JAX: sum over every output axis not fed by a non-unit operand axis, then put the
    # operand's size-1 axes back (no-op when it has none).
    in_shape = x.aval.shape
    unit = [i for i, n in enumerate(in_shape) if n == 1]
    kept = {d for i, d in enumerate(broadcast_dimensions) if in_shape[i] != 1}
    axes = tuple(d for d in range(len(shape)) if d not in kept)
    return [expand_dims(reduce_sum(ct, axes), unit)]


def _bid_batch(axis_size, vals, dims, *, shape, broadcast_dimensions, sharding=None):
    (x,), (d,) = vals, dims
    x = moveaxis(x, d, 0)
    new_dims = (0, *(b + 1 for b in broadcast_dimensions))
    return broadcast_in_dim_p.bind(
        x, shape=(axis_size, *shape), broadcast_dimensions=new_dims, sharding=sharding
    ), 0


broadcast_in_dim_p = _checked(
    standard_primitive("broadcast_in_dim", _bid_impl, _bid_shape_rule, _same_dtype, _weak_in)
)
deflinear(broadcast_in_dim_p, _bid_transpose)
broadcast_in_dim_p.batch = _bid_batch


def _bid_lower(in_avals, out_avals, *, shape, broadcast_dimensions, sharding=None):
    # The impl's read-only view, with the intermediate shape computed once.
    (x,) = in_avals
    expanded = [1] * len(shape)
    for i, d in enumerate(broadcast_dimensions):
        expanded[d] = x.shape[i]
    expanded, shape = tuple(expanded), tuple(shape)
    if expanded == shape:  # only new unit axes
        return operator.methodcaller("reshape", shape)
    (out,) = out_avals
    if out.size <= _SMALL_BROADCAST:
        # A small result is cheaper to fill than np.broadcast_to's view is to build.
        empty, copyto, dtype = np.empty, np.copyto, out.dtype
        reshape = expanded != x.shape

        def fill(v):
            res = empty(shape, dtype)
            copyto(res, v.reshape(expanded) if reshape else v)
            return res

        return fill
    broadcast_to = np.broadcast_to
    if expanded == x.shape:
        return lambda v: broadcast_to(v, shape)
    return lambda v: broadcast_to(v.reshape(expanded), shape)


_SMALL_BROADCAST = 4096  # elements


broadcast_in_dim_p.lower = _bid_lower
# JAX prints only broadcast_dimensions (the shape is in the output type), and nothing at all
# for a scalar broadcast.
broadcast_in_dim_p.pp_params = lambda params: (
    {"broadcast_dimensions": params["broadcast_dimensions"]}
    if params["broadcast_dimensions"]
    else {}
)


def broadcast_in_dim(x: Any, shape: Sequence[int], broadcast_dimensions: Sequence[int]) -> Any:
    """Broadcasts `x` to `shape`, operand axis i going to output axis broadcast_dimensions[i]."""
    return broadcast_in_dim_p.bind(
        x, shape=tuple(shape), broadcast_dimensions=tuple(broadcast_dimensions), sharding=None
    )


# ----------------------------------------------------------------------------------------------
# reshape


def _reshape_shape_rule(x, *, new_sizes, dimensions=None, sharding=None):
    if int(np.prod(new_sizes, dtype=np.int64)) != int(np.prod(x.shape, dtype=np.int64)):
        raise TypeError(
            f"reshape total size must be unchanged, got new_sizes {tuple(new_sizes)} for shape "
            f"{x.shape}."
        )
    return tuple(new_sizes)


reshape_p = _checked(
    standard_primitive(
        "reshape",
        lambda x, *, new_sizes, dimensions=None, sharding=None: np.reshape(x, new_sizes),
        _reshape_shape_rule,
        _same_dtype,
        _weak_in,
    )
)
deflinear(reshape_p, lambda ct, x, **p: [reshape(ct, x.aval.shape)])
reshape_p.lower = lambda in_avals, out_avals, *, new_sizes, **p: method("reshape", new_sizes)


def _reshape_batch(axis_size, vals, dims, *, new_sizes, dimensions=None, sharding=None):
    (x,), (d,) = vals, dims
    x = moveaxis(x, d, 0)
    return reshape_p.bind(x, new_sizes=(axis_size, *new_sizes), dimensions=None, sharding=None), 0


reshape_p.batch = _reshape_batch


def reshape(x: Any, new_sizes: Sequence[int], dimensions: Sequence[int] | None = None) -> Any:
    """Reshapes `x` (after transposing by `dimensions` if given)."""
    if dimensions is not None:
        x = transpose(x, dimensions)
    new_sizes = tuple(int(s) for s in new_sizes)
    if core.get_aval(x).shape == new_sizes:
        return x
    return reshape_p.bind(x, new_sizes=new_sizes, dimensions=None, sharding=None)


# ----------------------------------------------------------------------------------------------
# transpose


def _transpose_shape_rule(x, *, permutation):
    if sorted(permutation) != list(range(x.ndim)):
        raise TypeError(
            f"transpose permutation isn't a permutation of operand dimensions, got permutation "
            f"{permutation} for operand shape {x.shape}."
        )
    return tuple(x.shape[p] for p in permutation)


transpose_p = _checked(
    standard_primitive(
        "transpose",
        lambda x, *, permutation: np.transpose(x, permutation),
        _transpose_shape_rule,
        _same_dtype,
        _weak_in,
    )
)
deflinear(
    transpose_p, lambda ct, x, *, permutation: [transpose(ct, tuple(np.argsort(permutation)))]
)


def _transpose_batch(axis_size, vals, dims, *, permutation):
    (x,), (d,) = vals, dims
    x = moveaxis(x, d, 0)
    return transpose_p.bind(x, permutation=(0, *(p + 1 for p in permutation))), 0


transpose_p.batch = _transpose_batch
transpose_p.lower = lambda in_avals, out_avals, *, permutation: method(
    "transpose", tuple(permutation)
)


def transpose(x: Any, permutation: Sequence[int]) -> Any:
    """Permutes the axes of `x`."""
    permutation = tuple(int(p) for p in permutation)
    if permutation == tuple(range(len(permutation))):
        return x
    return transpose_p.bind(x, permutation=permutation)


# ----------------------------------------------------------------------------------------------
# reduce_sum (the reduction the interpreters need: unbroadcasting, transposing broadcasts)


def _reduce_sum_impl(x, *, axes, out_sharding=None):
    return np.sum(x, axis=axes, dtype=x.dtype)


def _reduce_shape_rule(x, *, axes, out_sharding=None):
    for a in axes:
        if not 0 <= a < x.ndim:
            raise ValueError(f"reduction axes {axes} out of range for operand shape {x.shape}")
    return tuple(s for i, s in enumerate(x.shape) if i not in axes)


def _reduce_sum_transpose(ct, x, *, axes, out_sharding=None):
    shape = x.aval.shape
    kept = tuple(i for i in range(len(shape)) if i not in axes)
    return [broadcast_in_dim(ct, shape, kept)]


def _reduce_batch(prim):
    def batch(axis_size, vals, dims, *, axes, **params):
        (x,), (d,) = vals, dims
        x = moveaxis(x, d, 0)
        return prim.bind(x, axes=tuple(a + 1 for a in axes), **params), 0

    return batch


reduce_sum_p = _checked(
    standard_primitive("reduce_sum", _reduce_sum_impl, _reduce_shape_rule, _same_dtype, _weak_in)
)
deflinear(reduce_sum_p, _reduce_sum_transpose)
reduce_sum_p.batch = _reduce_batch(reduce_sum_p)


def _reduce_sum_lower(in_avals, out_avals, *, axes, out_sharding=None):
    # np.sum on an ndarray is this call, after its Python-level argument handling.
    (x,) = in_avals
    if not x.ndim or not axes:
        return None
    reduce, axes, dtype = np.add.reduce, tuple(axes), x.dtype
    return Lowered(lambda v: reduce(v, axis=axes, dtype=dtype), FRESH)


reduce_sum_p.lower = _reduce_sum_lower


def reduce_sum(x: Any, axes: Sequence[int]) -> Any:
    """Sums `x` over `axes`."""
    return reduce_sum_p.bind(x, axes=tuple(int(a) for a in axes), out_sharding=None)


# ----------------------------------------------------------------------------------------------
# Helpers shared by the primitives below


def _aval(x: Any) -> core.ShapedArray:
    """The abstract value of a primal, or of an `UndefinedPrimal` in a transpose rule."""
    return x.aval if type(x) is UndefinedPrimal else get_aval(x)


def _canonicalize_axis(axis: int, ndim: int) -> int:
    axis = operator.index(axis)
    if not -ndim <= axis < ndim:
        raise ValueError(f"axis {axis} is out of bounds for array of dimension {ndim}")
    return axis % ndim if ndim else axis


def _asarray(x: Any) -> Any:
    """`x` as a jaxlite value (an identity for Arrays and tracers)."""
    if isinstance(x, (Tracer, core.Array)):
        return x
    return core.Array(x, weak_type=dtypes.is_weakly_typed(x))


def _zeros(aval: core.ShapedArray) -> Any:
    # broadcast of a scalar literal, as JAX materialises zero cotangents
    return full(aval.shape, 0, aval.dtype)


def _phys(axis: int, bdim: int) -> int:
    """The physical position of logical axis `axis` in a value batched at `bdim`."""
    return axis if axis < bdim else axis + 1


# ----------------------------------------------------------------------------------------------
# squeeze: drops size-1 axes `dimensions`.


def _squeeze_shape_rule(x, *, dimensions):
    dims = tuple(dimensions)
    if any(not 0 <= d < x.ndim for d in dims):
        raise ValueError(f"squeeze dimensions {dims} out of range for operand shape {x.shape}")
    if len(set(dims)) != len(dims):
        raise ValueError(f"squeeze dimensions are not unique: {dims}")
    if any(x.shape[d] != 1 for d in dims):
        raise ValueError(
            "cannot select an axis to squeeze out which has size not equal to one, got "
            f"shape={x.shape} and dimensions={dims}"
        )
    return tuple(s for i, s in enumerate(x.shape) if i not in dims)


def _squeeze_transpose(ct, x, *, dimensions):
    shape = x.aval.shape
    kept = tuple(i for i in range(len(shape)) if i not in dimensions)
    return [broadcast_in_dim(ct, shape, kept)]


def _squeeze_batch(axis_size, vals, dims, *, dimensions):
    (x,), (d,) = vals, dims
    phys = tuple(_phys(k, d) for k in dimensions)
    return squeeze_p.bind(x, dimensions=phys), d - sum(1 for k in phys if k < d)


squeeze_p = _checked(
    standard_primitive(
        "squeeze",
        lambda x, *, dimensions: np.squeeze(x, axis=tuple(dimensions)),
        _squeeze_shape_rule,
        _same_dtype,
        _weak_in,
    )
)
deflinear(squeeze_p, _squeeze_transpose)
squeeze_p.batch = _squeeze_batch
squeeze_p.lower = lambda in_avals, out_avals, *, dimensions: method("squeeze", tuple(dimensions))


# ----------------------------------------------------------------------------------------------
# rev: reverses the axes `dimensions`; linear and its own transpose.


def _rev_shape_rule(x, *, dimensions):
    dims = tuple(dimensions)
    if any(d < 0 for d in dims):
        raise TypeError(f"rev dimensions must have every element be nonnegative, got {dims}.")
    if len(set(dims)) != len(dims):
        raise TypeError(f"rev dimensions must be unique, got {dims}.")
    if any(d >= x.ndim for d in dims):
        raise TypeError(
            f"rev dimensions must all be less than operand ndim, got dimensions {dims} for "
            f"operand ndim {x.ndim}."
        )
    return x.shape


def _rev_batch(axis_size, vals, dims, *, dimensions):
    (x,), (d,) = vals, dims
    return rev_p.bind(x, dimensions=tuple(_phys(k, d) for k in dimensions)), d


rev_p = _checked(
    standard_primitive(
        "rev",
        lambda x, *, dimensions: np.flip(x, axis=tuple(dimensions)) if dimensions else x,
        _rev_shape_rule,
        _same_dtype,
        _weak_in,
    )
)
deflinear(rev_p, lambda ct, x, *, dimensions: [rev_p.bind(ct, dimensions=dimensions)])
rev_p.batch = _rev_batch


# ----------------------------------------------------------------------------------------------
# concatenate: variadic, joins operands along `dimension`.


def _concatenate_shape_rule(*xs, dimension):
    if not xs:
        raise ValueError("concatenate requires a non-empty sequence of arrays")
    shapes = [x.shape for x in xs]
    shown = ", ".join(str(s) for s in shapes)
    if len({len(s) for s in shapes}) != 1:
        raise TypeError(
            f"Cannot concatenate arrays with different numbers of dimensions: got {shown}."
        )
    if not 0 <= dimension < len(shapes[0]):
        raise TypeError(
            f"concatenate dimension out of bounds: dimension {dimension} for shapes {shown}."
        )
    strip = {s[:dimension] + s[dimension + 1 :] for s in shapes}
    if len(strip) != 1:
        raise TypeError(
            "Cannot concatenate arrays with shapes that differ in dimensions other than the one "
            f"being concatenated: concatenating along dimension {dimension} for shapes {shown}."
        )
    out = list(shapes[0])
    out[dimension] = sum(s[dimension] for s in shapes)
    return tuple(out)


def _concatenate_dtype_rule(*xs, dimension):
    if len({x.dtype for x in xs}) > 1:
        got = ", ".join(x.dtype.name for x in xs)
        raise TypeError(
            f"lax.concatenate requires arguments to have the same dtypes, got {got}. (Tip: "
            "jnp.concatenate is a similar function that does automatic type promotion on "
            "inputs)."
        )
    return xs[0].dtype


def _concatenate_transpose(ct, *xs, dimension):
    # The cotangent splits into one piece per operand (pieces of constant operands unused).
    sizes = tuple(_aval(x).shape[dimension] for x in xs)
    parts = split_p.bind(ct, sizes=sizes, axis=dimension)
    return [p if type(x) is UndefinedPrimal else None for p, x in zip(parts, xs, strict=True)]


def _concatenate_batch(axis_size, vals, dims, *, dimension):
    if len(set(dims)) == 1:  # all batched at one axis: no data movement
        d = dims[0]
        return concatenate_p.bind(*vals, dimension=_phys(dimension, d)), d
    vals = [bdim_at_front(v, d, axis_size) for v, d in zip(vals, dims, strict=True)]
    return concatenate_p.bind(*vals, dimension=dimension + 1), 0


concatenate_p = _checked(
    standard_primitive(
        "concatenate",
        lambda *xs, dimension: np.concatenate(xs, axis=dimension),
        _concatenate_shape_rule,
        _concatenate_dtype_rule,
    )
)
deflinear(concatenate_p, _concatenate_transpose)
concatenate_p.batch = _concatenate_batch


# ----------------------------------------------------------------------------------------------
# split: the inverse of concatenate (multiple results); its transpose concatenates.


def _split_abstract_eval(x, *, sizes, axis):
    if not 0 <= axis < x.ndim:
        raise ValueError(f"split axis {axis} is out of bounds for operand shape {x.shape}")
    if any(s < 0 for s in sizes):
        raise ValueError(f"split sizes must be nonnegative, got {tuple(sizes)}")
    if sum(sizes) != x.shape[axis]:
        raise ValueError(
            f"Sum of sizes {sum(sizes)} must be equal to dimension {axis} of the operand shape "
            f"{list(x.shape)}"
        )
    return [x.update(shape=x.shape[:axis] + (s,) + x.shape[axis + 1 :]) for s in sizes]


def _split_impl(x, *, sizes, axis):
    return np.split(np.asarray(x), np.cumsum(sizes)[:-1], axis=axis)


def _split_transpose(cts, x, *, sizes, axis):
    parts = [_zeros(c.aval) if type(c) is Zero else c for c in cts]
    return [concatenate_p.bind(*parts, dimension=axis)]


def _split_batch(axis_size, vals, dims, *, sizes, axis):
    (x,), (d,) = vals, dims
    return split_p.bind(x, sizes=sizes, axis=_phys(axis, d)), [d] * len(sizes)


split_p = _checked(
    multi_result_primitive(
        "split", _split_impl, _split_abstract_eval, lambda w, *, sizes, axis: [w] * len(sizes)
    )
)
deflinear(split_p, _split_transpose)
split_p.batch = _split_batch


# ----------------------------------------------------------------------------------------------
# pad: low/high padding (negative crops) and interior padding; linear in both operands.


def _dilated(n: int, interior: int) -> int:
    return 0 if n == 0 else n + (n - 1) * interior


def _pad_shape_rule(x, pv, *, padding_config):
    if pv.ndim != 0:
        raise ValueError(f"pad padding_value must be a scalar; got shape {pv.shape}")
    config = tuple(tuple(c) for c in padding_config)
    if len(config) != x.ndim or any(len(c) != 3 for c in config):
        raise ValueError(
            "length of padding_config must equal the number of axes of operand, got "
            f"padding_config {config} for operand shape {x.shape}"
        )
    if any(interior < 0 for _, _, interior in config):
        raise ValueError(
            f"interior padding in padding_config must be nonnegative, got padding_config {config}"
        )
    out = tuple(lo + hi + _dilated(n, interior) for n, (lo, hi, interior) in zip(x.shape, config))
    if any(s < 0 for s in out):
        raise ValueError(
            f"Dimension size after padding is not at least 0, got result shape {out}, for "
            f"padding_config {config} and operand shape {x.shape}"
        )
    return out


def _pad_dtype_rule(x, pv, *, padding_config):
    if x.dtype != pv.dtype:
        raise TypeError(
            f"pad operand and padding_value must be same dtype: got {x.dtype.name} and "
            f"{pv.dtype.name}."
        )
    return x.dtype


def _pad_impl(x, pv, *, padding_config):
    x = np.asarray(x)
    # Pad with the positive parts, then crop the negative ones.
    full_shape = [
        max(lo, 0) + max(hi, 0) + _dilated(n, interior)
        for n, (lo, hi, interior) in zip(x.shape, padding_config)
    ]
    out = np.full(full_shape, pv, dtype=x.dtype)
    place = tuple(
        slice(max(lo, 0), max(lo, 0) + _dilated(n, interior), interior + 1)
        for n, (lo, _, interior) in zip(x.shape, padding_config)
    )
    out[place] = x
    crop = tuple(
        slice(max(-lo, 0), size - max(-hi, 0))
        for size, (lo, hi, _) in zip(full_shape, padding_config)
    )
    return out[crop]


def _pad_transpose(ct, x, pv, *, padding_config):
    # Undo the low/high padding (negating it re-creates cropped cells as zeros), then take
    # every (interior+1)-th cell: that is where the operand's elements went.
    unpad = tuple((-lo, -hi, 0) for lo, hi, _ in padding_config)
    aval = _aval(ct)
    zero = np.zeros((), aval.dtype)
    t = pad_p.bind(ct, zero, padding_config=unpad)
    t_shape = get_aval(t).shape
    t_x = _slicing.slice(
        t, (0,) * len(t_shape), t_shape, tuple(interior + 1 for _, _, interior in padding_config)
    )
    t_pv = None
    if type(pv) is UndefinedPrimal:
        # Every output cell not holding an operand element holds the padding value.
        axes = tuple(range(aval.ndim))
        total = reduce_sum(ct, axes)
        t_pv = _ew.sub(total, reduce_sum(t_x, axes))
    return [t_x if type(x) is UndefinedPrimal else None, t_pv]


def _pad_batch(axis_size, vals, dims, *, padding_config):
    (x, pv), (dx, dpv) = vals, dims
    if dpv is not_mapped:
        config = list(padding_config)
        config.insert(dx, (0, 0, 0))
        return pad_p.bind(x, pv, padding_config=tuple(config)), dx
    # A padding value per batch element: pad with zeros and select the padded cells.
    x = bdim_at_front(x, dx, axis_size)
    aval = get_aval(x)
    config = ((0, 0, 0), *padding_config)
    padded = pad_p.bind(x, np.zeros((), aval.dtype), padding_config=config)
    out_shape = get_aval(padded).shape
    mask = pad_p.bind(
        full(aval.shape[1:], False, np.bool_), np.bool_(True), padding_config=padding_config
    )
    mask = broadcast_in_dim(mask, out_shape, tuple(range(1, len(out_shape))))
    pv = broadcast_in_dim(moveaxis(pv, dpv, 0), out_shape, (0,))
    return _ew.select_n(mask, padded, pv), 0


pad_p = _checked(standard_primitive("pad", _pad_impl, _pad_shape_rule, _pad_dtype_rule))
deflinear(pad_p, _pad_transpose)
pad_p.batch = _pad_batch


# ----------------------------------------------------------------------------------------------
# iota: no inputs; counts along `dimension` of `shape`.


def _iota_shape_rule(*, dtype, shape, dimension, sharding):
    if any(s < 0 for s in shape):
        raise TypeError(f"iota shape must have nonnegative sizes, got shape={tuple(shape)}")
    if not 0 <= dimension < len(shape):
        raise ValueError(
            "iota dimension must be between 0 and len(shape), got "
            f"dimension={dimension} for shape={tuple(shape)}"
        )
    return tuple(shape)


def _iota_dtype_rule(*, dtype, shape, dimension, sharding):
    dt = np.dtype(dtype)
    if dt.kind not in "iufc":
        raise TypeError(
            f"iota does not accept dtype {dt.name}. Accepted dtypes are subtypes of integer, "
            "floating, complexfloating."
        )
    return dt


def _iota_impl(*, dtype, shape, dimension, sharding):
    view = [1] * len(shape)
    view[dimension] = shape[dimension]
    line = np.arange(shape[dimension], dtype=dtype).reshape(view)
    return np.ascontiguousarray(np.broadcast_to(line, shape))


iota_p = _checked(
    standard_primitive(
        "iota", _iota_impl, _iota_shape_rule, _iota_dtype_rule, lambda **params: False
    )
)


# ----------------------------------------------------------------------------------------------
# Wrappers (lax API)


def squeeze(array: Any, dimensions: Sequence[int]) -> Any:
    """Removes the size-1 axes `dimensions` (negative axes count from the end)."""
    ndim = get_aval(array).ndim
    dims = tuple(_canonicalize_axis(d, ndim) for d in dimensions)
    if len(set(dims)) != len(dims):
        raise ValueError(f"dimensions are not unique: {tuple(dimensions)}")
    if not dims:
        return _asarray(array)
    return squeeze_p.bind(array, dimensions=tuple(sorted(dims)))


def expand_dims(array: Any, dimensions: Sequence[int]) -> Any:
    """Inserts size-1 axes at positions `dimensions` of the result (via broadcast_in_dim)."""
    dimensions = tuple(dimensions)
    if not dimensions:
        return _asarray(array)
    shape = get_aval(array).shape
    ndim_out = len(shape) + len(dimensions)
    dims = [_canonicalize_axis(d, ndim_out) for d in dimensions]
    if len(set(dims)) != len(dims):
        raise ValueError(f"repeated axis in lax.expand_dims: {dimensions}")
    it = iter(shape)
    out_shape = tuple(1 if i in dims else next(it) for i in range(ndim_out))
    kept = tuple(i for i in range(ndim_out) if i not in dims)
    return broadcast_in_dim(array, out_shape, kept)


def rev(operand: Any, dimensions: Sequence[int]) -> Any:
    """Reverses `operand` along the axes `dimensions`."""
    return rev_p.bind(operand, dimensions=tuple(operator.index(d) for d in dimensions))


def concatenate(operands: Sequence[Any], dimension: int) -> Any:
    """Joins `operands` (same dtype and rank) along axis `dimension`."""
    operands = list(operands)
    if not operands:
        raise ValueError("concatenate requires a non-empty sequence of arrays")
    if len(operands) == 1:
        return _asarray(operands[0])
    return concatenate_p.bind(*operands, dimension=operator.index(dimension))


def split(operand: Any, sizes: Sequence[int], axis: int = 0) -> list:
    """Splits `operand` along `axis` into pieces of the given `sizes`."""
    axis = _canonicalize_axis(axis, get_aval(operand).ndim)
    return split_p.bind(operand, sizes=tuple(operator.index(s) for s in sizes), axis=axis)


def pad(operand: Any, padding_value: Any, padding_config: Sequence[tuple[int, int, int]]) -> Any:
    """Pads `operand` with the scalar `padding_value`: (low, high, interior) per axis; negative
    low/high crop."""
    config = tuple(tuple(operator.index(p) for p in c) for c in padding_config)
    return pad_p.bind(operand, padding_value, padding_config=config)


def iota(dtype: Any, size: int) -> Any:
    """`[0, 1, ..., size - 1]` of dtype `dtype`."""
    return broadcasted_iota(dtype, (size,), 0)


def broadcasted_iota(
    dtype: Any, shape: Sequence[int], dimension: int, *, out_sharding: Any = None
) -> Any:
    """An array of `shape` counting along axis `dimension`."""
    return iota_p.bind(
        dtype=dtypes.canonicalize_dtype(dtype),
        shape=tuple(operator.index(s) for s in shape),
        dimension=operator.index(dimension),
        sharding=out_sharding,
    )


def full(shape: Sequence[int], fill_value: Any, dtype: Any = None, *, sharding: Any = None) -> Any:
    """An array of `shape` filled with the scalar `fill_value` (weak if a Python scalar and no
    dtype is given)."""
    return _full(shape, fill_value, dtype, dtype is None and dtypes.is_weakly_typed(fill_value))


def _full(shape, fill_value, dtype, weak: bool) -> Any:
    shape = tuple(operator.index(s) for s in shape)
    aval = get_aval(fill_value)
    if aval.ndim != 0:
        raise TypeError(
            f"full must be called with scalar fill_value, got fill_value.shape {aval.shape}."
        )
    dt = aval.dtype if dtype is None else dtypes.canonicalize_dtype(dtype)
    if isinstance(fill_value, Tracer):
        if dt != aval.dtype or weak != aval.weak_type:
            fill_value = _ew.convert_element_type(fill_value, dt, weak)
    else:  # a constant: convert now, so that jaxprs show a literal
        fill_value = core._wrap(np.asarray(core.to_numpy(fill_value)).astype(dt)[()], weak)
    if not shape:
        return fill_value
    return broadcast_in_dim(fill_value, shape, ())


def full_like(
    x: Any,
    fill_value: Any,
    dtype: Any = None,
    shape: Sequence[int] | None = None,
    sharding: Any = None,
) -> Any:
    """An array like `x` (its shape and dtype unless given) filled with `fill_value`."""
    aval = get_aval(x)
    weak = dtype is None and aval.weak_type
    dt = aval.dtype if dtype is None else dtype
    return _full(aval.shape if shape is None else shape, fill_value, dt, weak)


def broadcast(operand: Any, sizes: Sequence[int], *, out_sharding: Any = None) -> Any:
    """Adds leading axes of `sizes` to `operand`."""
    sizes = tuple(operator.index(s) for s in sizes)
    if not sizes:
        return _asarray(operand)
    shape = get_aval(operand).shape
    n = len(sizes)
    return broadcast_in_dim(operand, sizes + shape, tuple(range(n, n + len(shape))))


def collapse(operand: Any, start_dimension: int, stop_dimension: int | None = None) -> Any:
    """Merges axes `start_dimension:stop_dimension` into one."""
    shape = get_aval(operand).shape
    start = _canonicalize_axis(start_dimension, len(shape))
    stop = len(shape) if stop_dimension is None else operator.index(stop_dimension)
    if stop < 0:
        stop += len(shape)
    if not start <= stop <= len(shape):
        raise ValueError(
            f"collapse needs 0 <= start_dimension <= stop_dimension <= ndim, got "
            f"{start_dimension}, {stop_dimension} for operand shape {shape}"
        )
    size = int(np.prod(shape[start:stop], dtype=np.int64))
    return reshape(operand, shape[:start] + (size,) + shape[stop:])


def slice_in_dim(
    operand: Any, start_index: int | None, limit_index: int | None, stride: int = 1, axis: int = 0
) -> Any:
    """`operand[..., start_index:limit_index:stride, ...]` along `axis` (negative indices count
    from the end; no clamping)."""
    shape = get_aval(operand).shape
    axis = _canonicalize_axis(axis, len(shape))
    size = shape[axis]
    start = 0 if start_index is None else operator.index(start_index)
    limit = size if limit_index is None else operator.index(limit_index)
    start = start + size if start < 0 else start
    limit = limit + size if limit < 0 else limit
    starts = [0] * len(shape)
    limits = list(shape)
    strides = [1] * len(shape)
    starts[axis], limits[axis], strides[axis] = start, limit, operator.index(stride)
    return _slicing.slice(operand, starts, limits, strides)


def index_in_dim(operand: Any, index: int, axis: int = 0, keepdims: bool = True) -> Any:
    """`operand[..., index, ...]` along `axis` (static index; negative counts from the end)."""
    shape = get_aval(operand).shape
    axis = _canonicalize_axis(axis, len(shape))
    size = shape[axis]
    index = operator.index(index)
    i = index + size if index < 0 else index
    if not 0 <= i < size:
        raise IndexError(f"index {index} is out of bounds for axis {axis} with size {size}")
    out = slice_in_dim(operand, i, i + 1, 1, axis)
    return out if keepdims else squeeze_p.bind(out, dimensions=(axis,))


def dynamic_index_in_dim(
    operand: Any,
    index: Any,
    axis: int = 0,
    keepdims: bool = True,
    *,
    allow_negative_indices: bool = True,
) -> Any:
    """`operand[..., index, ...]` along `axis` for a possibly traced `index` (clamped)."""
    axis = _canonicalize_axis(axis, get_aval(operand).ndim)
    out = _slicing.dynamic_slice_in_dim(
        operand, index, 1, axis, allow_negative_indices=allow_negative_indices
    )
    return out if keepdims else squeeze_p.bind(out, dimensions=(axis,))


core.ops.transpose = transpose
core.ops.broadcast_in_dim = broadcast_in_dim
core.ops.reshape = reshape
core.ops.reduce_sum = reduce_sum

__all__ = [
    "broadcast",
    "broadcast_in_dim",
    "broadcasted_iota",
    "collapse",
    "concatenate",
    "dynamic_index_in_dim",
    "expand_dims",
    "full",
    "full_like",
    "index_in_dim",
    "iota",
    "pad",
    "reduce_sum",
    "reshape",
    "rev",
    "slice_in_dim",
    "split",
    "squeeze",
    "transpose",
]

# Imported last: slicing and elementwise import this module (only their wrappers are used
# here, at call time).
from jaxlite._src.lax import elementwise as _ew  # noqa: E402
from jaxlite._src.lax import slicing as _slicing  # noqa: E402
