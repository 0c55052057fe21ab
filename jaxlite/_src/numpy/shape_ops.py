"""Shape functions: reshape, transpose, squeeze, concatenate/stack/split, tile/repeat, flip..."""

from __future__ import annotations

import builtins
import operator
from collections.abc import Sequence
from typing import Any

import numpy as np

from jaxlite._src import core
from jaxlite._src import dtypes as _dtypes
from jaxlite._src.array import Array
from jaxlite._src.core import Tracer
from jaxlite._src.numpy import _lax as lax
from jaxlite._src.numpy import promotion as P
from jaxlite._src.numpy.promotion import (
    PY_SCALARS,
    canonicalize_axis,
    check_arraylike,
    shape,
    wrap,
)


def _arr(x: Any) -> Any:
    """`x` as a jaxlite value (Python scalars become weak rank-0 Arrays)."""
    if type(x) is Array or isinstance(x, Tracer):
        return x
    if type(x) in PY_SCALARS:
        dt, weak = _dtypes.result_type(x, return_weak_type_flag=True)
        return P.scalar_const(x, dt, weak)
    return P.to_jax(x)


def _array_arg(name: str, x: Any) -> Any:
    check_arraylike(name, x)
    return _arr(x)


def _shape_arg(newshape: Any) -> tuple[int, ...]:
    if isinstance(newshape, Tracer) or (
        isinstance(newshape, (list, tuple))
        and builtins.any(isinstance(d, Tracer) for d in newshape)
    ):
        raise TypeError(
            "Shapes must be 1D sequences of concrete values of integer type, got a traced "
            "value. If using `jit`, try using `static_argnums` or applying `jit` to smaller "
            "subfunctions."
        )
    if np.ndim(newshape) == 0:
        return (operator.index(newshape),)
    return tuple(operator.index(d) for d in newshape)


def _resolve_shape(size: int, old: tuple[int, ...], new: tuple[int, ...]) -> tuple[int, ...]:
    if builtins.sum(1 for d in new if d == -1) > 1:
        raise ValueError("can only specify one unknown dimension")
    if -1 in new:
        known = int(np.prod([d for d in new if d != -1], dtype=np.int64))
        if known == 0 or size % known:
            raise TypeError(f"cannot reshape array of shape {old} (size {size}) into shape {new}")
        new = tuple(size // known if d == -1 else d for d in new)
    if int(np.prod(new, dtype=np.int64)) != size:
        raise TypeError(f"cannot reshape array of shape {old} (size {size}) into shape {new}")
    return new


def reshape(
    a: Any, shape: Any = None, order: str = "C", *, newshape: Any = None, copy: bool | None = None
) -> Any:
    """Gives `a` a new shape with the same size; one dimension may be -1. `order='F'` reads
    and writes the elements in column-major order."""
    if shape is None:
        shape = newshape
    x = _array_arg("reshape", a)
    old = P.shape(x)
    new = _resolve_shape(int(np.prod(old, dtype=np.int64)), old, _shape_arg(shape))
    if order == "C":
        return lax.reshape(x, new)
    if order == "F":
        # Column-major: reverse the axes, reshape to the reversed shape, reverse back.
        y = lax.reshape(x, new[::-1], tuple(range(len(old)))[::-1] if len(old) > 1 else None)
        return lax.transpose(y, tuple(range(len(new)))[::-1]) if len(new) > 1 else y
    if order == "A":
        raise NotImplementedError("np.reshape order=A is not implemented.")
    raise ValueError(f"Unexpected value for 'order' argument: {order}.")


def ravel(a: Any, order: str = "C") -> Any:
    """The array flattened to 1-D (in column-major order for `order='F'`)."""
    if order == "K":
        raise NotImplementedError("Ravel not implemented for order='K'.")
    return reshape(a, (-1,), order)


def transpose(a: Any, axes: Sequence[int] | None = None) -> Any:
    """Permutes the axes (reverses them by default)."""
    x = _array_arg("transpose", a)
    nd = len(shape(x))
    if axes is None:
        perm = tuple(range(nd - 1, -1, -1))
    else:
        perm = tuple(canonicalize_axis(ax, nd) for ax in axes)
        if sorted(perm) != list(range(nd)):
            raise ValueError(f"axes {tuple(axes)} don't match array of ndim {nd}")
    return lax.transpose(x, perm)


def permute_dims(a: Any, axes: Sequence[int]) -> Any:
    """Array-API name of `transpose`."""
    return transpose(a, axes)


def matrix_transpose(x: Any, /) -> Any:
    """Swaps the last two axes."""
    x = _array_arg("matrix_transpose", x)
    nd = len(shape(x))
    if nd < 2:
        raise ValueError(f"x must be at least two-dimensional for matrix_transpose; got ndim={nd}")
    perm = (*range(nd - 2), nd - 1, nd - 2)
    return lax.transpose(x, perm)


def swapaxes(a: Any, axis1: int, axis2: int) -> Any:
    """Interchanges two axes."""
    x = _array_arg("swapaxes", a)
    nd = len(shape(x))
    perm = list(range(nd))
    i, j = canonicalize_axis(axis1, nd), canonicalize_axis(axis2, nd)
    perm[i], perm[j] = perm[j], perm[i]
    return lax.transpose(x, perm)


def moveaxis(a: Any, source: Any, destination: Any) -> Any:
    """Moves axes to new positions, the others keeping their order."""
    x = _array_arg("moveaxis", a)
    nd = len(shape(x))
    src = [source] if isinstance(source, int) else list(source)
    dst = [destination] if isinstance(destination, int) else list(destination)
    if len(src) != len(dst):
        raise ValueError(f"Inconsistent number of elements: {len(src)} vs {len(dst)}")
    src = [canonicalize_axis(s, nd) for s in src]
    dst = [canonicalize_axis(d, nd) for d in dst]
    perm = [i for i in range(nd) if i not in src]
    for d, s in sorted(zip(dst, src, strict=True)):
        perm.insert(d, s)
    return lax.transpose(x, perm)


def rollaxis(a: Any, axis: int, start: int = 0) -> Any:
    """Rolls `axis` backwards until it lies before `start`."""
    nd = len(shape(_array_arg("rollaxis", a)))
    axis = canonicalize_axis(axis, nd)
    start = canonicalize_axis(start, nd + 1) if start != nd else nd
    if axis < start:
        start -= 1
    return moveaxis(a, axis, start)


def squeeze(a: Any, axis: int | Sequence[int] | None = None) -> Any:
    """Removes size-1 axes (all of them, or those in `axis`, which must have size 1)."""
    x = _array_arg("squeeze", a)
    s = shape(x)
    if axis is None:
        dims = tuple(i for i, d in enumerate(s) if d == 1)
    else:
        axes = (axis,) if isinstance(axis, int) else tuple(axis)
        dims = tuple(canonicalize_axis(ax, len(s)) for ax in axes)
        for d in dims:
            if s[d] != 1:
                raise ValueError(
                    "cannot select an axis to squeeze out which has size not equal to one, "
                    f"got shape={s} and dimensions={dims}"
                )
    if not dims:
        return x
    return lax.squeeze(x, dims)


def expand_dims(a: Any, axis: int | Sequence[int]) -> Any:
    """Inserts size-1 axes at the positions `axis` of the result."""
    x = _array_arg("expand_dims", a)
    axes = (axis,) if isinstance(axis, int) else tuple(axis)
    nd = len(shape(x)) + len(axes)
    axes = tuple(canonicalize_axis(ax, nd) for ax in axes)
    if len(set(axes)) != len(axes):
        raise ValueError(f"repeated axis in expand_dims: {axis}")
    return lax.expand_dims(x, axes)


def atleast_1d(*arys: Any) -> Any:
    """Views with at least one dimension (a list when given several arrays)."""
    out = [_atleast(a, 1, "atleast_1d") for a in arys]
    return out[0] if len(out) == 1 else out


def atleast_2d(*arys: Any) -> Any:
    """Views with at least two dimensions (leading axes added)."""
    out = [_atleast(a, 2, "atleast_2d") for a in arys]
    return out[0] if len(out) == 1 else out


def atleast_3d(*arys: Any) -> Any:
    """Views with at least three dimensions (1-D gets shape (1, n, 1), 2-D (m, n, 1))."""
    out = []
    for a in arys:
        x = _array_arg("atleast_3d", a)
        s = shape(x)
        if len(s) == 0:
            x = lax.reshape(x, (1, 1, 1))
        elif len(s) == 1:
            x = lax.expand_dims(x, (0, 2))
        elif len(s) == 2:
            x = lax.expand_dims(x, (2,))
        out.append(x)
    return out[0] if len(out) == 1 else out


def _atleast(a: Any, n: int, name: str) -> Any:
    x = _array_arg(name, a)
    s = shape(x)
    if len(s) >= n:
        return x
    new = (1,) * (n - len(s)) + s
    return lax.broadcast_in_dim(x, new, tuple(range(n - len(s), n)))


# ----------------------------------------------------------------------------------------------
# Joining and splitting


def concatenate(arrays: Any, axis: int | None = 0, dtype: Any = None) -> Any:
    """Joins arrays along an existing axis (`axis=None` flattens them first)."""
    if isinstance(arrays, (Array, Tracer, np.ndarray)):
        arrays = list(arrays) if len(shape(arrays)) else [arrays]
    arrays = list(arrays)
    if not arrays:
        raise ValueError("Need at least one array to concatenate.")
    check_arraylike("concatenate", *arrays)
    if axis is None:
        return concatenate([ravel(a) for a in arrays], 0, dtype)
    nd = len(shape(arrays[0]))
    if nd == 0:
        raise ValueError("Zero-dimensional arrays cannot be concatenated.")
    for a in arrays[1:]:
        if len(shape(a)) != nd:
            raise ValueError(
                "Cannot concatenate arrays with different numbers of dimensions: got "
                + ", ".join(str(shape(x)) for x in arrays)
                + "."
            )
    axis = canonicalize_axis(axis, nd)
    ref = shape(arrays[0])
    for a in arrays[1:]:
        s = shape(a)
        if builtins.any(s[i] != ref[i] for i in range(nd) if i != axis):
            raise TypeError(
                "Cannot concatenate arrays with shapes that differ in dimensions other than the "
                f"one being concatenated: concatenating along dimension {axis} for shapes "
                + ", ".join(str(shape(x)) for x in arrays)
                + "."
            )
    if dtype is not None:
        dt = P.user_dtype(dtype, "concatenate")
        vals = [P.convert(a, dt, False) for a in arrays]
    else:
        vals = P.promote_dtypes(*arrays)
    if len(vals) == 1:
        return _arr(vals[0])
    return lax.concatenate(vals, axis)


def concat(arrays: Any, /, *, axis: int | None = 0) -> Any:
    """Array-API name of `concatenate`."""
    return concatenate(arrays, axis)


def stack(arrays: Any, axis: int = 0, out: None = None, dtype: Any = None) -> Any:
    """Joins arrays of one shape along a new axis."""
    if out is not None:
        raise NotImplementedError("The 'out' argument to jnp.stack is not supported.")
    if isinstance(arrays, (Array, Tracer, np.ndarray)):
        arrays = list(arrays)
    arrays = list(arrays)
    if not arrays:
        raise ValueError("Need at least one array to stack.")
    check_arraylike("stack", *arrays)
    s0 = shape(arrays[0])
    for a in arrays[1:]:
        if shape(a) != s0:
            raise ValueError("All input arrays must have the same shape.")
    nd = len(s0) + 1
    axis = canonicalize_axis(axis, nd)
    if dtype is not None:
        dt = P.user_dtype(dtype, "stack")
        vals = [P.convert(a, dt, False) for a in arrays]
    else:
        vals = P.promote_dtypes(*arrays)
    expanded = [lax.expand_dims(_arr(v), (axis,)) for v in vals]
    if len(expanded) == 1:
        return expanded[0]
    return lax.concatenate(expanded, axis)


def hstack(tup: Any, dtype: Any = None) -> Any:
    """Stacks horizontally: along axis 0 for 1-D inputs, else axis 1."""
    arrs = [atleast_1d(a) for a in tup]
    axis = 0 if builtins.all(len(shape(a)) == 1 for a in arrs) else 1
    return concatenate(arrs, axis, dtype)


def vstack(tup: Any, dtype: Any = None) -> Any:
    """Stacks vertically (1-D inputs become rows)."""
    return concatenate([atleast_2d(a) for a in tup], 0, dtype)


row_stack = vstack


def dstack(tup: Any, dtype: Any = None) -> Any:
    """Stacks along the third axis."""
    return concatenate([atleast_3d(a) for a in tup], 2, dtype)


def column_stack(tup: Any) -> Any:
    """Stacks 1-D arrays as columns of a 2-D array."""
    arrs = []
    for a in tup:
        x = _array_arg("column_stack", a)
        if len(shape(x)) < 2:
            x = lax.reshape(x, (int(np.prod(shape(x), dtype=np.int64)), 1))
        arrs.append(x)
    return concatenate(arrs, 1)


def _split(name: str, ary: Any, indices_or_sections: Any, axis: int, equal: bool) -> list:
    x = _array_arg(name, ary)
    s = shape(x)
    axis = canonicalize_axis(axis, len(s))
    size = s[axis]
    if isinstance(indices_or_sections, (Tracer,)):
        raise TypeError(f"{name}: indices_or_sections must be static")
    if np.ndim(indices_or_sections) == 0:
        n = operator.index(indices_or_sections)
        if n <= 0:
            raise ValueError("number sections must be larger than 0.")
        if equal and size % n:
            raise ValueError("array split does not result in an equal division")
        q, r = divmod(size, n)
        sizes = [q + 1] * r + [q] * (n - r)
    else:
        idx = [operator.index(i) for i in np.asarray(indices_or_sections).tolist()]
        bounds = [0]
        for i in idx:
            i = i + size if i < 0 else i
            bounds.append(min(max(i, bounds[-1]), size))
        bounds.append(size)
        sizes = [b - a for a, b in zip(bounds[:-1], bounds[1:], strict=True)]
    if lax.has("split"):
        return list(lax.split(x, sizes, axis))
    out, start = [], 0
    for sz in sizes:
        out.append(lax.slice_in_dim(x, start, start + sz, 1, axis))
        start += sz
    return out


def split(ary: Any, indices_or_sections: Any, axis: int = 0) -> list:
    """Splits into equal sections, or at the given indices."""
    return _split("split", ary, indices_or_sections, axis, True)


def array_split(ary: Any, indices_or_sections: Any, axis: int = 0) -> list:
    """As `split`, allowing sections of unequal size."""
    return _split("array_split", ary, indices_or_sections, axis, False)


def hsplit(ary: Any, indices_or_sections: Any) -> list:
    """Splits along axis 1 (axis 0 for 1-D)."""
    return split(ary, indices_or_sections, 1 if len(shape(_arr(ary))) > 1 else 0)


def vsplit(ary: Any, indices_or_sections: Any) -> list:
    """Splits along axis 0."""
    return split(ary, indices_or_sections, 0)


def dsplit(ary: Any, indices_or_sections: Any) -> list:
    """Splits along axis 2."""
    return split(ary, indices_or_sections, 2)


# ----------------------------------------------------------------------------------------------
# Broadcasting


def broadcast_shapes(*shapes: Sequence[int]) -> tuple[int, ...]:
    """The shape that arrays of `shapes` broadcast to."""
    if not shapes:
        return ()
    shapes = tuple(tuple(s) if not isinstance(s, int) else (s,) for s in shapes)
    try:
        return P.broadcast_shapes("broadcast_shapes", *shapes)
    except TypeError:
        raise ValueError(f"Incompatible shapes for broadcasting: shapes={list(shapes)}") from None


def broadcast_to(array: Any, shape: Any) -> Any:
    """Broadcasts `array` to `shape` (NumPy rules: trailing axes align)."""
    x = _array_arg("broadcast_to", array)
    new = _shape_arg(shape)
    old = P.shape(x)
    nd = len(new)
    if len(old) > nd or builtins.any(
        o != 1 and o != n for o, n in zip(old, new[nd - len(old) :], strict=True)
    ):
        raise ValueError(f"Incompatible shapes for broadcasting: {old} and requested shape {new}")
    if old == new:
        return x
    return lax.broadcast_in_dim(x, new, tuple(range(nd - len(old), nd)))


def broadcast_arrays(*args: Any) -> list:
    """Broadcasts arrays against each other (dtypes unchanged)."""
    check_arraylike("broadcast_arrays", *args)
    vals = [_arr(a) for a in args]
    s = broadcast_shapes(*[shape(v) for v in vals])
    return [P.broadcast_to_shape(v, s) for v in vals]


# ----------------------------------------------------------------------------------------------
# Rearranging


def flip(m: Any, axis: int | Sequence[int] | None = None) -> Any:
    """Reverses the order of elements along `axis` (all axes by default)."""
    x = _array_arg("flip", m)
    nd = len(shape(x))
    axes = P.canonicalize_axes(axis, nd)
    if not axes:
        return x
    return lax.rev(x, axes)


def fliplr(m: Any) -> Any:
    """Reverses axis 1."""
    return flip(m, 1)


def flipud(m: Any) -> Any:
    """Reverses axis 0."""
    return flip(m, 0)


def rot90(m: Any, k: int = 1, axes: tuple[int, int] = (0, 1)) -> Any:
    """Rotates by 90 degrees `k` times in the plane of `axes`."""
    x = _array_arg("rot90", m)
    k = operator.index(k) % 4
    a0, a1 = axes
    if k == 0:
        return x
    if k == 2:
        return flip(flip(x, a0), a1)
    perm = list(range(len(shape(x))))
    a0n, a1n = canonicalize_axis(a0, len(perm)), canonicalize_axis(a1, len(perm))
    perm[a0n], perm[a1n] = perm[a1n], perm[a0n]
    if k == 1:
        return transpose(flip(x, a1), perm)
    return flip(transpose(x, perm), a1)


def roll(a: Any, shift: Any, axis: int | Sequence[int] | None = None) -> Any:
    """Shifts elements cyclically along `axis` (static shifts)."""
    x = _array_arg("roll", a)
    if axis is None:
        return reshape(roll(ravel(x), shift, 0), shape(x))
    shifts = (shift,) if np.ndim(shift) == 0 else tuple(shift)
    axes = (axis,) if isinstance(axis, int) else tuple(axis)
    if len(shifts) == 1:
        shifts = shifts * len(axes)
    if len(axes) == 1 and len(shifts) > 1:
        axes = axes * len(shifts)
    nd = len(shape(x))
    for sh, ax in zip(shifts, axes, strict=True):
        ax = canonicalize_axis(ax, nd)
        n = shape(x)[ax]
        if n == 0:
            continue
        sh = operator.index(sh) % n
        if sh == 0:
            continue
        first = lax.slice_in_dim(x, n - sh, n, 1, ax)
        second = lax.slice_in_dim(x, 0, n - sh, 1, ax)
        x = lax.concatenate([first, second], ax)
    return x


def tile(A: Any, reps: Any) -> Any:
    """Repeats the whole array `reps` times along each axis."""
    x = _array_arg("tile", A)
    reps = (operator.index(reps),) if np.ndim(reps) == 0 else tuple(operator.index(r) for r in reps)
    s = shape(x)
    nd = builtins.max(len(reps), len(s))
    s = (1,) * (nd - len(s)) + s
    reps = (1,) * (nd - len(reps)) + reps
    x = lax.reshape(x, s)
    # Interleave a new axis of size rep before each axis, broadcast, then merge the pairs.
    expanded = tuple(d for pair in zip(reps, s, strict=True) for d in pair)
    y = lax.broadcast_in_dim(x, expanded, tuple(range(1, 2 * nd, 2)))
    return lax.reshape(y, tuple(r * d for r, d in zip(reps, s, strict=True)))


def repeat(
    a: Any, repeats: Any, axis: int | None = None, *, total_repeat_length: int | None = None
) -> Any:
    """Repeats each element `repeats` times (static repeats) along `axis`."""
    x = _array_arg("repeat", a)
    if axis is None:
        x = ravel(x)
        axis = 0
    s = shape(x)
    axis = canonicalize_axis(axis, len(s))
    if isinstance(repeats, Tracer):
        v = repeats.to_concrete_value()
        if v is None:
            raise core.ConcretizationTypeError(
                "jnp.repeat with traced repeats needs total_repeat_length, which jaxlite does "
                "not support: pass static repeats."
            )
        repeats = v
    reps = np.asarray(repeats)
    if reps.ndim == 0:
        r = int(reps)
        expanded = s[: axis + 1] + (r,) + s[axis + 1 :]
        dims = tuple(i for i in range(len(s) + 1) if i != axis + 1)
        y = lax.broadcast_in_dim(x, expanded, dims)
        return lax.reshape(y, s[:axis] + (s[axis] * r,) + s[axis + 1 :])
    if reps.shape != (s[axis],):
        raise ValueError(f"repeats shape {reps.shape} does not match axis size {s[axis]}")
    idx = np.repeat(np.arange(s[axis]), reps)
    from jaxlite._src.numpy.indexing import take  # noqa: PLC0415

    return take(x, wrap(idx.astype(_dtypes.default_int_dtype()), False), axis=axis)


def pad(array: Any, pad_width: Any, mode: str = "constant", **kwargs: Any) -> Any:
    """Pads with a constant (mode='constant', the default), edge values or reflection."""
    x = _array_arg("pad", array)
    s = shape(x)
    nd = len(s)
    pw = np.broadcast_to(
        np.asarray(pad_width, dtype=np.int64).reshape(-1, 2)
        if np.ndim(pad_width)
        else np.asarray([[pad_width, pad_width]]),
        (nd, 2),
    )
    if mode == "constant":
        cv = kwargs.get("constant_values", 0)
        if np.ndim(cv) != 0:
            raise NotImplementedError("jnp.pad: only scalar constant_values are supported")
        c = P.convert(cv, P.dtype_of(x), False)
        return lax.pad(x, c, [(int(lo), int(hi), 0) for lo, hi in pw])
    if mode in ("edge", "reflect", "symmetric", "wrap"):
        for ax in range(nd):
            lo, hi = int(pw[ax, 0]), int(pw[ax, 1])
            if lo == 0 and hi == 0:
                continue
            n = shape(x)[ax]
            idx = np.pad(np.arange(n), (lo, hi), mode=mode)
            from jaxlite._src.numpy.indexing import take  # noqa: PLC0415

            x = take(x, wrap(idx.astype(_dtypes.default_int_dtype()), False), axis=ax)
        return x
    raise NotImplementedError(f"jnp.pad mode={mode!r} is not supported")


# ----------------------------------------------------------------------------------------------
# Introspection


def ndim(a: Any) -> int:
    """Number of dimensions."""
    return len(np.shape(a)) if not isinstance(a, (Array, Tracer)) else len(shape(a))


def size(a: Any, axis: int | None = None) -> int:
    """Number of elements (along `axis` if given)."""
    s = shape(a) if isinstance(a, (Array, Tracer)) else np.shape(a)
    if axis is None:
        return int(np.prod(s, dtype=np.int64))
    return s[axis]


def shape_(a: Any) -> tuple[int, ...]:
    """The shape of an array-like."""
    return shape(a) if isinstance(a, (Array, Tracer)) else np.shape(a)


def isscalar(element: Any) -> bool:
    """True for Python/NumPy scalars and 0-d arrays."""
    if isinstance(element, (Array, Tracer)):
        return len(shape(element)) == 0
    if type(element) in PY_SCALARS or isinstance(element, np.generic):
        return True
    return isinstance(element, np.ndarray) and element.ndim == 0
