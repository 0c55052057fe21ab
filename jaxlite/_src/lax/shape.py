"""Shape primitives: broadcast_in_dim, reshape, transpose, squeeze, expand_dims, ..."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from jaxlite._src import core
from jaxlite._src.interpreters.batching import moveaxis, not_mapped
from jaxlite._src.rules import deflinear, standard_primitive


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
    in_shape = x.aval.shape
    unit = tuple(i for i, d in enumerate(broadcast_dimensions) if in_shape[i] == 1 and shape[d] != 1)
    sum_axes = tuple(d for d in range(len(shape)) if d not in broadcast_dimensions)
    sum_axes = tuple(sorted(sum_axes + tuple(broadcast_dimensions[i] for i in unit)))
    out = reduce_sum(ct, sum_axes) if sum_axes else ct
    return [reshape(out, in_shape)]


def _bid_batch(axis_size, vals, dims, *, shape, broadcast_dimensions, sharding=None):
    (x,), (d,) = vals, dims
    x = moveaxis(x, d, 0)
    new_dims = (0, *(b + 1 for b in broadcast_dimensions))
    return broadcast_in_dim_p.bind(
        x, shape=(axis_size, *shape), broadcast_dimensions=new_dims, sharding=sharding
    ), 0


broadcast_in_dim_p = standard_primitive(
    "broadcast_in_dim", _bid_impl, _bid_shape_rule, _same_dtype, _weak_in
)
deflinear(broadcast_in_dim_p, _bid_transpose)
broadcast_in_dim_p.batch = _bid_batch


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


reshape_p = standard_primitive(
    "reshape",
    lambda x, *, new_sizes, dimensions=None, sharding=None: np.reshape(x, new_sizes),
    _reshape_shape_rule,
    _same_dtype,
    _weak_in,
)
deflinear(reshape_p, lambda ct, x, **p: [reshape(ct, x.aval.shape)])


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


transpose_p = standard_primitive(
    "transpose",
    lambda x, *, permutation: np.transpose(x, permutation),
    _transpose_shape_rule,
    _same_dtype,
    _weak_in,
)
deflinear(
    transpose_p, lambda ct, x, *, permutation: [transpose(ct, tuple(np.argsort(permutation)))]
)


def _transpose_batch(axis_size, vals, dims, *, permutation):
    (x,), (d,) = vals, dims
    x = moveaxis(x, d, 0)
    return transpose_p.bind(x, permutation=(0, *(p + 1 for p in permutation))), 0


transpose_p.batch = _transpose_batch


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


reduce_sum_p = standard_primitive(
    "reduce_sum", _reduce_sum_impl, _reduce_shape_rule, _same_dtype, _weak_in
)
deflinear(reduce_sum_p, _reduce_sum_transpose)
reduce_sum_p.batch = _reduce_batch(reduce_sum_p)


def reduce_sum(x: Any, axes: Sequence[int]) -> Any:
    """Sums `x` over `axes`."""
    return reduce_sum_p.bind(x, axes=tuple(int(a) for a in axes), out_sharding=None)


core.ops.transpose = transpose
core.ops.broadcast_in_dim = broadcast_in_dim
core.ops.reshape = reshape
core.ops.reduce_sum = reduce_sum
_ = not_mapped
