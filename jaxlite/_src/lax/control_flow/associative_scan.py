"""`associative_scan`: a parallel prefix scan built from slices, pads and the combiner.

Not a primitive: the recursion (combine adjacent pairs, scan the half-length result, fill in
the even positions, interleave) is unrolled at trace time into ordinary operations, so every
transformation applies to it directly.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from jaxlite._src.core import get_aval
from jaxlite._src.lax.elementwise import add, bitwise_or
from jaxlite._src.lax.shape import concatenate, pad, rev
from jaxlite._src.lax.slicing import slice as lax_slice
from jaxlite._src.tree_util import tree_flatten, tree_unflatten


def _slice(x: Any, start: int, limit: int, stride: int, axis: int) -> Any:
    shape = get_aval(x).shape
    starts = [0] * len(shape)
    limits = list(shape)
    strides = [1] * len(shape)
    starts[axis], limits[axis], strides[axis] = start, limit, stride
    return lax_slice(x, starts, limits, strides)


def _interleave(a: Any, b: Any, axis: int) -> Any:
    """`a[0], b[0], a[1], b[1], ...` along `axis`; `a` is as long as `b` or one longer."""
    aa, ba = get_aval(a), get_aval(b)
    same = aa.shape[axis] == ba.shape[axis]
    a_cfg = [(0, 0, 0)] * aa.ndim
    b_cfg = [(0, 0, 0)] * ba.ndim
    a_cfg[axis] = (0, 1 if same else 0, 1)
    b_cfg[axis] = (1, 0 if same else 1, 1)
    op = bitwise_or if aa.dtype == np.bool_ else add
    return op(pad(a, np.zeros((), aa.dtype), a_cfg), pad(b, np.zeros((), ba.dtype), b_cfg))


def associative_scan(fn: Callable, elems: Any, reverse: bool = False, axis: int = 0) -> Any:
    """Inclusive scan of `elems` (a pytree of arrays) along `axis` with the associative
    combiner `fn(a, b)`, e.g. `associative_scan(jnp.add, x)` is a cumulative sum."""
    leaves, tree = tree_flatten(elems)
    if not leaves:
        return elems
    ndim = get_aval(leaves[0]).ndim
    if not -ndim <= axis < ndim:
        raise ValueError(f"axis {axis} is out of bounds for array of dimension {ndim}")
    axis = axis % ndim if ndim else 0
    n = get_aval(leaves[0]).shape[axis]
    if any(get_aval(x).shape[axis] != n for x in leaves[1:]):
        raise ValueError(
            "Array inputs to associative_scan must have the same first dimension. "
            f"(saw: {[get_aval(x).shape for x in leaves]})"
        )
    if reverse:
        leaves = [rev(x, (axis,)) for x in leaves]

    def combine(a: list, b: list) -> list:
        out = fn(tree_unflatten(tree, a), tree_unflatten(tree, b))
        out_leaves, out_tree = tree_flatten(out)
        if out_tree != tree:
            raise ValueError(
                "The pytree of the combiner output must match its inputs: "
                f"expected {tree}, got {out_tree}."
            )
        return out_leaves

    def scan_rec(xs: list) -> list:
        k = get_aval(xs[0]).shape[axis]
        if k < 2:
            return xs
        reduced = combine(
            [_slice(x, 0, k - 1, 2, axis) for x in xs], [_slice(x, 1, k, 2, axis) for x in xs]
        )
        odd = scan_rec(reduced)
        m = get_aval(odd[0]).shape[axis]
        left = [_slice(o, 0, m - 1, 1, axis) for o in odd] if k % 2 == 0 else odd
        even = combine(left, [_slice(x, 2, k, 2, axis) for x in xs])
        even = [
            concatenate([_slice(x, 0, 1, 1, axis), e], axis) for x, e in zip(xs, even, strict=True)
        ]
        return [_interleave(e, o, axis) for e, o in zip(even, odd, strict=True)]

    out = scan_rec(leaves)
    if reverse:
        out = [rev(x, (axis,)) for x in out]
    return tree_unflatten(tree, out)
