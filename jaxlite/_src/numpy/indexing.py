"""NumPy indexing (`x[idx]`), take and friends; the plan that `.at[]` updates (updates.py) use.

`x[idx]` with only static ints, slices, None and Ellipsis uses `lax.slice`/`rev`/`squeeze`;
traced integer scalars add a `dynamic_slice`. Integer (and concrete boolean) arrays use one
`gather`. Updates always use a `scatter`. As in JAX, out-of-bounds reads clamp and
out-of-bounds updates are dropped; negative indices count from the end.

Both gathers and scatters come from one plan (`_Plan`): every indexed operand axis gets an
integer index array over a common grid G (advanced indices broadcast together, partial
slices become `arange`s on their own grid axis), the other axes are full windows, and G's
axes are laid out in NumPy's output order so that the gather result needs no transpose.
"""

from __future__ import annotations

import operator
from typing import Any

import numpy as np

from jaxlite._src import dtypes as _dtypes
from jaxlite._src.array import Array
from jaxlite._src.core import Tracer
from jaxlite._src.errors import NonConcreteBooleanIndexError
from jaxlite._src.numpy import _lax as lax
from jaxlite._src.numpy import promotion as P
from jaxlite._src.numpy.promotion import PY_SCALARS, check_arraylike, dtype_of, shape, wrap

# ----------------------------------------------------------------------------------------------
# Normalising the index


def _is_int_scalar(i: Any) -> bool:
    return (type(i) is int) or (isinstance(i, np.integer) and not isinstance(i, np.bool_))


def _expand_index(idx: Any, operand_shape: tuple[int, ...]) -> list[tuple]:
    """The index as a list of entries, one per operand axis plus one per new axis.

    Entry kinds: ("none",), ("int", i), ("dyn", scalar), ("arr", int array, group),
    ("slice", slice), ("false",). Boolean masks become one "arr" entry per axis they span,
    sharing a group number (so they count as one adjacent advanced index).
    """
    if isinstance(idx, list):
        raise TypeError(
            "Using a non-tuple sequence for multidimensional indexing is not allowed; use "
            "`arr[array(seq)]` instead of `arr[seq]`."
        )
    if not isinstance(idx, tuple):
        idx = (idx,)
    nd = len(operand_shape)
    items: list[Any] = []
    for i in idx:
        if isinstance(i, list):
            i = np.asarray(i)
            if i.dtype == object:
                raise TypeError("Ragged lists are not valid indices.")
            if i.size == 0:
                i = i.astype(np.int32)
        items.append(i)
    n_ell = sum(1 for i in items if i is Ellipsis)
    if n_ell > 1:
        raise IndexError("an index can only have a single ellipsis ('...')")

    def consumed(i: Any) -> int:
        if i is None or i is Ellipsis or type(i) is bool or isinstance(i, np.bool_):
            return 0
        if isinstance(i, (np.ndarray, Array, Tracer)) and dtype_of(i) == np.bool_:
            return max(len(shape(i)), 0) if len(shape(i)) else 0
        return 1

    used = sum(consumed(i) for i in items)
    if used > nd:
        raise IndexError(f"Too many indices: {nd}-dimensional array, but {used} were indexed")
    entries: list[tuple] = []
    group = 0
    axis = 0  # the operand axis the next entry indexes
    for i in items:
        group += 1
        if i is Ellipsis:
            axis += nd - used
        elif consumed(i) == 1 and not (
            isinstance(i, (np.ndarray, Array, Tracer)) and dtype_of(i) == np.bool_
        ):
            axis += 1
        if i is None:
            entries.append(("none",))
        elif i is Ellipsis:
            entries.extend(("slice", slice(None)) for _ in range(nd - used))
        elif isinstance(i, slice):
            entries.append(("slice", _static_slice(i)))
        elif type(i) is bool or isinstance(i, np.bool_):
            entries.append(("none",) if i else ("false",))
        elif _is_int_scalar(i):
            entries.append(("int", operator.index(i)))
        elif isinstance(i, (np.ndarray, Array, Tracer)) or hasattr(i, "__jax_array__"):
            if hasattr(i, "__jax_array__") and not isinstance(i, (Array, Tracer)):
                i = i.__jax_array__()
            dt = dtype_of(i)
            if dt == np.bool_:
                k = len(shape(i))
                if k and tuple(shape(i)) != tuple(operand_shape[axis : axis + k]):
                    raise IndexError(
                        f"boolean index did not match shape of indexed array in index "
                        f"{axis}: got {tuple(shape(i))}, expected "
                        f"{tuple(operand_shape[axis : axis + k])}"
                    )
                axis += k
                entries.extend(_bool_entries(i, group))
            elif dt.kind not in "iu":
                raise TypeError(
                    f"Indexer must have integer or boolean type, got indexer with type {dt}"
                )
            elif len(shape(i)) == 0 and not isinstance(i, np.ndarray):
                entries.append(("dyn", i))
            else:
                entries.append(("arr", i, group))
        else:
            raise TypeError(
                f"Indexer must have integer or boolean type, got indexer with type "
                f"{type(i).__name__ if not hasattr(i, 'dtype') else i.dtype}"
            )
    if n_ell == 0:
        entries.extend(("slice", slice(None)) for _ in range(nd - used))
    return entries


def _static_slice(s: slice) -> slice:
    out = []
    for v in (s.start, s.stop, s.step):
        if v is None or _is_int_scalar(v):
            out.append(None if v is None else operator.index(v))
            continue
        if isinstance(v, (Array, Tracer, np.ndarray)):
            cv = v.to_concrete_value() if isinstance(v, Tracer) else v
            if cv is None:
                raise IndexError(
                    "Array slice indices must have static start/stop/step to be used with "
                    "NumPy indexing syntax. Use lax.dynamic_slice for traced start indices."
                )
            out.append(operator.index(cv))
            continue
        raise TypeError(f"slice indices must be integers or None, got {v!r}")
    if out[2] == 0:
        raise ValueError("slice step cannot be zero")
    return slice(*out)


def _bool_entries(mask: Any, group: int) -> list[tuple]:
    if isinstance(mask, Tracer):
        cv = mask.to_concrete_value()
        if cv is None:
            raise NonConcreteBooleanIndexError(
                f"Array boolean indices must be concrete; got {mask.aval.str_short()}\n"
                "A boolean mask index gives a result whose shape depends on the mask's values, "
                "which are unknown while tracing. Use jnp.where(mask, x, fill) instead."
            )
        mask = cv
    m = np.asarray(mask)
    if m.ndim == 0:
        return [("none",)] if bool(m) else [("false",)]
    nz = np.nonzero(m)
    idt = _dtypes.default_int_dtype()
    return [("arr", wrap(a.astype(idt), False), group, m.shape[k]) for k, a in enumerate(nz)]


# ----------------------------------------------------------------------------------------------
# Basic indexing: static ints/slices with lax.slice, traced scalars with dynamic_slice


def _is_basic(entries: list[tuple]) -> bool:
    return all(e[0] in ("none", "false", "int", "slice", "dyn") for e in entries)


def _normalize_static(i: int, n: int) -> int:
    """A static index made non-negative and clamped into bounds (JAX clamps, never raises)."""
    if n == 0:
        raise IndexError(f"index {i} is out of bounds for axis with size 0")
    i = i + n if i < 0 else i
    return min(max(i, 0), n - 1)


def _basic_getitem(x: Any, entries: list[tuple]) -> Any:
    s = shape(x)
    axis_entries = [e for e in entries if e[0] not in ("none", "false")]
    # Reverse negative-step axes first; their slices then run forward.
    rev_axes = tuple(
        d for d, e in enumerate(axis_entries) if e[0] == "slice" and (e[1].step or 1) < 0
    )
    if rev_axes:
        x = lax.rev(x, rev_axes)
    starts, limits, strides = [], [], []
    dyn_axes: dict[int, Any] = {}
    int_axes = []
    for d, e in enumerate(axis_entries):
        n = s[d]
        if e[0] == "int":
            i = _normalize_static(e[1], n)
            starts.append(i), limits.append(i + 1), strides.append(1)
            int_axes.append(d)
        elif e[0] == "dyn":
            dyn_axes[d] = e[1]
            starts.append(0), limits.append(n), strides.append(1)
            int_axes.append(d)
        else:
            start, stop, step = e[1].indices(n)
            if step < 0:
                length = len(range(start, stop, step))
                start = n - 1 - start
                step = -step
                stop = start + (length - 1) * step + 1 if length else start
            length = len(range(start, stop, step))
            stop = start + (length - 1) * step + 1 if length else start
            starts.append(start), limits.append(stop), strides.append(step)
    if tuple(starts) != (0,) * len(s) or tuple(limits) != s or any(st != 1 for st in strides):
        use_strides = None if all(st == 1 for st in strides) else strides
        x = lax.slice(x, starts, limits, use_strides)
    if dyn_axes:
        cur = shape(x)
        dstarts = [dyn_axes.get(d, 0) for d in range(len(cur))]
        sizes = [1 if d in dyn_axes else cur[d] for d in range(len(cur))]
        dstarts = [_as_index_scalar(v) if d in dyn_axes else v for d, v in enumerate(dstarts)]
        x = lax.dynamic_slice(x, dstarts, sizes)
    if int_axes:
        x = lax.squeeze(x, tuple(int_axes))
    return _insert_new_axes(x, entries)


def _as_index_scalar(i: Any) -> Any:
    """A traced or concrete integer scalar index as a strong int of its own width."""
    a = P.aval(i)
    if a.weak_type:
        return lax.convert_element_type(i, a.dtype)
    return i


def _insert_new_axes(x: Any, entries: list[tuple]) -> Any:
    """Inserts the size-1 axes of None entries (and size-0 ones for False)."""
    if not any(e[0] in ("none", "false") for e in entries):
        return x
    out_shape, kept, k = [], [], 0
    zero_axes = []
    for e in entries:
        if e[0] in ("int", "dyn"):
            continue
        if e[0] in ("none", "false"):
            if e[0] == "false":
                zero_axes.append(len(out_shape))
            out_shape.append(1)
        else:
            kept.append(len(out_shape))
            out_shape.append(shape(x)[k])
            k += 1
    x = lax.broadcast_in_dim(x, tuple(out_shape), tuple(kept))
    if zero_axes:
        limits = [0 if d in zero_axes else n for d, n in enumerate(out_shape)]
        x = lax.slice(x, [0] * len(out_shape), limits)
    return x


# ----------------------------------------------------------------------------------------------
# The gather/scatter plan


class _Plan:
    """Index arrays over a grid G, window axes and output layout for one index."""

    def __init__(self, s: tuple[int, ...], entries: list[tuple]):
        self.operand_shape = s
        self.empty = any(e[0] == "false" for e in entries)
        axis_entries = []  # (operand axis, entry, position in entries)
        d = 0
        for pos, e in enumerate(entries):
            if e[0] in ("none", "false"):
                continue
            axis_entries.append((d, e, pos))
            d += 1
        adv = [(d, e, pos) for d, e, pos in axis_entries if e[0] in ("int", "dyn", "arr")]
        arr_shapes = [tuple(shape(e[1])) if e[0] == "arr" else () for _, e, _ in adv]
        self.b_shape = P.broadcast_shapes("index", *arr_shapes) if arr_shapes else ()
        has_arrays = any(e[0] == "arr" for _, e, _ in adv)
        positions = sorted({pos for _, e, pos in adv})
        groups = [e[2] for _, e, _ in adv if e[0] == "arr"]
        adjacent = (
            (not positions)
            or (positions[-1] - positions[0] + 1 == len(positions))
            or (len(set(groups)) == 1 and all(e[0] == "arr" for _, e, _ in adv))
        )
        b_block = bool(self.b_shape) or has_arrays
        # Output layout: tags "new", ("win", axis), ("sl", axis), "B".
        layout: list[Any] = []
        if b_block and not adjacent:
            layout.append("B")
        b_done = not (b_block and adjacent)
        first_adv_pos = positions[0] if positions else None
        d_of_pos = {pos: d for d, _, pos in axis_entries}
        for pos, e in enumerate(entries):
            if e[0] in ("none", "false"):
                layout.append("new")
            elif e[0] == "slice":
                d = d_of_pos[pos]
                sl = e[1]
                n = s[d]
                if sl.indices(n) == (0, n, 1):
                    layout.append(("win", d))
                else:
                    layout.append(("sl", d, sl))
            elif pos == first_adv_pos and not b_done:
                layout.append("B")
                b_done = True
        self.layout = layout
        # The grid G: B's axes and each partial slice's axis, in output order.
        g_shape: list[int] = []
        b_start = None
        slice_pos: dict[int, int] = {}
        for tag in layout:
            if tag == "B":
                b_start = len(g_shape)
                g_shape.extend(self.b_shape)
            elif isinstance(tag, tuple) and tag[0] == "sl":
                slice_pos[tag[1]] = len(g_shape)
                g_shape.append(len(range(*tag[2].indices(s[tag[1]]))))
        self.g_shape = tuple(g_shape)
        idt = _dtypes.default_int_dtype()
        self.indexed_axes: list[int] = []
        self.index_arrays: list[Any] = []
        nb = len(self.b_shape)
        for d, e, _ in axis_entries:
            n = s[d]
            if e[0] == "int":
                i = e[1] + n if e[1] < 0 else e[1]
                arr = wrap(np.asarray(i, idt)[()], False)
                self.index_arrays.append(self._to_grid(arr, b_start or 0, nb, ()))
            elif e[0] in ("dyn", "arr"):
                arr = _normalize_index_array(e[1], n)
                self.index_arrays.append(self._to_grid(arr, b_start or 0, nb, shape(arr)))
            elif e[0] == "slice" and d in slice_pos:
                rng = np.arange(*e[1].indices(n), dtype=idt)
                arr = wrap(rng, False)
                self.index_arrays.append(
                    lax.broadcast_in_dim(arr, self.g_shape, (slice_pos[d],))
                    if self.g_shape != shape(arr)
                    else arr
                )
            else:
                continue
            self.indexed_axes.append(d)
        self.window_axes = [d for d in range(len(s)) if d not in self.indexed_axes]
        no_new = [t for t in layout if t != "new"]
        gather_shape = []
        offset_dims = []
        for t in no_new:
            if t == "B":
                gather_shape.extend(self.b_shape)
            elif t[0] == "sl":
                gather_shape.append(self.g_shape[slice_pos[t[1]]])
            else:
                offset_dims.append(len(gather_shape))
                gather_shape.append(s[t[1]])
        self.offset_dims = tuple(offset_dims)
        self.gather_shape = tuple(gather_shape)
        out_shape = []
        it = iter(gather_shape)
        new_sizes = iter(
            [0 if e[0] == "false" else 1 for e in entries if e[0] in ("none", "false")]
        )
        for t in layout:
            if t == "new":
                out_shape.append(next(new_sizes))
            elif t == "B":
                out_shape.extend(next(it) for _ in self.b_shape)
            else:
                out_shape.append(next(it))
        self.out_shape = tuple(out_shape)
        self.slice_sizes = tuple(1 if d in self.indexed_axes else s[d] for d in range(len(s)))

    def _to_grid(self, arr: Any, b_start: int, nb: int, ashape: tuple[int, ...]) -> Any:
        if shape(arr) == self.g_shape:
            return arr
        off = b_start + nb - len(ashape)
        return lax.broadcast_in_dim(arr, self.g_shape, tuple(range(off, off + len(ashape))))

    def indices(self) -> Any:
        """The index arrays stacked along a new last axis (G + (k,))."""
        arrs = self.index_arrays
        dts = {dtype_of(a) for a in arrs}
        if len(dts) > 1:
            idt = _dtypes.default_int_dtype()
            arrs = [P.convert(a, idt, False) for a in arrs]
        g = self.g_shape
        cols = [lax.broadcast_in_dim(a, (*g, 1), tuple(range(len(g)))) for a in arrs]
        return cols[0] if len(cols) == 1 else lax.concatenate(cols, len(g))

    def gather(self, x: Any, mode: Any = None, fill_value: Any = None) -> Any:
        if self.empty:  # a False index: nothing is selected
            return lax.broadcast_in_dim(
                wrap(np.zeros((), dtype_of(x))[()], P.aval(x).weak_type), self.out_shape, ()
            )
        if not self.indexed_axes:
            out = x
        else:
            dnums = lax.GatherDimensionNumbers(
                offset_dims=self.offset_dims,
                collapsed_slice_dims=tuple(sorted(self.indexed_axes)),
                start_index_map=tuple(self.indexed_axes),
            )
            out = lax.gather(
                x, self.indices(), dnums, self.slice_sizes, mode=mode, fill_value=fill_value
            )
        if self.out_shape != shape(out):
            out = lax.reshape(out, self.out_shape)
        return out

    def scatter(
        self,
        x: Any,
        updates: Any,
        kind: str,
        mode: Any = None,
        indices_are_sorted: bool = False,
        unique_indices: bool = False,
        indices: Any = None,
    ) -> Any:
        """`updates` (already of x's dtype and broadcast to out_shape) combined into x;
        `indices` are `self.indices()` when the caller computed them already."""
        if self.empty:
            return x
        upd = (
            lax.reshape(updates, self.gather_shape)
            if shape(updates) != self.gather_shape
            else updates
        )
        if not self.indexed_axes:
            from jaxlite._src.numpy import ufuncs  # noqa: PLC0415

            combine = {
                "set": lambda a, b: b,
                "add": lax.add,
                "mul": lax.mul,
                "min": ufuncs.minimum,
                "max": ufuncs.maximum,
            }[kind]
            return combine(x, upd)
        if not self.b_shape:
            # Only scalar integer indices: one window, so (as JAX marks it) sorted and unique.
            indices_are_sorted = unique_indices = True
        dnums = lax.ScatterDimensionNumbers(
            update_window_dims=self.offset_dims,
            inserted_window_dims=tuple(sorted(self.indexed_axes)),
            scatter_dims_to_operand_dims=tuple(self.indexed_axes),
        )
        fn = {
            "set": lax.scatter,
            "add": lax.scatter_add,
            "mul": lax.scatter_mul,
            "min": lax.scatter_min,
            "max": lax.scatter_max,
        }[kind]
        return fn(
            x,
            self.indices() if indices is None else indices,
            upd,
            dnums,
            indices_are_sorted=indices_are_sorted,
            unique_indices=unique_indices,
            mode=mode,
        )


def _normalize_index_array(i: Any, n: int) -> Any:
    """`where(i < 0, i + n, i)` for signed indices (static NumPy ones normalised now)."""
    if isinstance(i, np.ndarray):
        i = np.where(i < 0, i + n, i) if i.dtype.kind == "i" else i
        dt = _dtypes.canonicalize_dtype(i.dtype)
        return wrap(i.astype(dt), False)
    a = P.aval(i)
    if a.weak_type:
        i = lax.convert_element_type(i, a.dtype)
    if a.dtype.kind != "i":
        return i
    zero = wrap(np.zeros((), a.dtype)[()], False)
    size = wrap(np.asarray(n, a.dtype)[()], False)
    return lax.select_n(lax.lt(i, zero), i, lax.add(i, size))


# ----------------------------------------------------------------------------------------------
# Public entry points


def getitem(x: Any, idx: Any) -> Any:
    """`x[idx]` with NumPy's semantics (out-of-bounds indices clamp, as in JAX)."""
    x = _operand(x)
    entries = _expand_index(idx, shape(x))
    if _is_basic(entries):
        return _basic_getitem(x, entries)
    return _Plan(shape(x), entries).gather(x)


def _operand(x: Any) -> Any:
    if type(x) is Array or isinstance(x, Tracer):
        return x
    check_arraylike("getitem", x)
    if type(x) in PY_SCALARS:
        dt, weak = _dtypes.result_type(x, return_weak_type_flag=True)
        return P.scalar_const(x, dt, weak)
    return P.to_jax(x)


# ----------------------------------------------------------------------------------------------
# take, take_along_axis, diagonal, ...


def _fill_mode(mode: Any) -> Any:
    return "fill" if mode is None else mode


def take(
    a: Any,
    indices: Any,
    axis: int | None = None,
    out: None = None,
    mode: Any = None,
    unique_indices: bool = False,
    indices_are_sorted: bool = False,
    fill_value: Any = None,
) -> Any:
    """Elements of `a` at `indices` along `axis` (flattened if None). Out-of-bounds indices
    read `fill_value` (NaN for floats) unless `mode='clip'`; negative ones count from the end.
    """
    if out is not None:
        raise NotImplementedError("The 'out' argument to jnp.take is not supported.")
    check_arraylike("take", a, indices)
    x = _operand(a)
    if axis is None:
        x = lax.reshape(x, (int(np.prod(shape(x), dtype=np.int64)),))
        axis = 0
    nd = len(shape(x))
    axis = P.canonicalize_axis(axis, nd)
    idx = indices if type(indices) not in PY_SCALARS else np.asarray(indices)
    if isinstance(idx, np.ndarray) or isinstance(idx, np.generic):
        idx = np.asarray(idx)
    if dtype_of(idx).kind not in "iu":
        raise ValueError(f"indices must have an integer type, got {dtype_of(idx)}")
    entries: list[tuple] = [("slice", slice(None))] * nd
    entries[axis] = ("arr", idx, 1)
    plan = _Plan(shape(x), entries)
    if mode == "wrap":
        n = shape(x)[axis]
        from jaxlite._src.numpy.ufuncs import remainder  # noqa: PLC0415

        return take(x, remainder(idx, n), axis=axis, mode="clip")
    return plan.gather(x, mode=_fill_mode(mode), fill_value=fill_value)


def take_along_axis(
    arr: Any, indices: Any, axis: int | None, mode: Any = None, fill_value: Any = None
) -> Any:
    """Picks `arr` values at `indices` along `axis`; other axes broadcast (as NumPy's)."""
    check_arraylike("take_along_axis", arr, indices)
    x = _operand(arr)
    idx = indices if not isinstance(indices, np.ndarray) else np.asarray(indices)
    if axis is None:
        x = lax.reshape(x, (int(np.prod(shape(x), dtype=np.int64)),))
        if len(shape(idx)) != 1:
            raise ValueError("when axis=None, indices must be 1-D")
        axis = 0
    s = shape(x)
    nd = len(s)
    if len(shape(idx)) != nd:
        raise ValueError(
            f"indices and arr must have the same number of dimensions; {len(shape(idx))} vs {nd}"
        )
    axis = P.canonicalize_axis(axis, nd)
    ishape = shape(idx)
    out_shape = P.broadcast_shapes(
        "take_along_axis",
        tuple(d for k, d in enumerate(s) if k != axis),
        tuple(d for k, d in enumerate(ishape) if k != axis),
    )
    full = list(out_shape)
    full.insert(axis, ishape[axis])
    full = tuple(full)
    idt = _dtypes.default_int_dtype()
    entries: list[tuple] = []
    if not isinstance(idx, (Array, Tracer)):
        idx = wrap(np.asarray(idx), False)
    idx = P.broadcast_to_shape(idx, full) if ishape != full else idx
    for k in range(nd):
        if k == axis:
            entries.append(("arr", idx, 1))
        else:
            io = wrap(np.arange(full[k], dtype=idt), False)
            io = lax.broadcast_in_dim(io, full, (k,))
            entries.append(("arr", io, 1))
    # Non-axis dims broadcast: positions beyond size 1 of `arr` read index 0.
    xb = x
    bshape = tuple(full[k] if k != axis else s[k] for k in range(nd))
    if s != bshape:
        xb = P.broadcast_to_shape(x, bshape)
    plan = _Plan(shape(xb), entries)
    return plan.gather(xb, mode=_fill_mode(mode), fill_value=fill_value)


def diagonal(a: Any, offset: int = 0, axis1: int = 0, axis2: int = 1) -> Any:
    """The `offset` diagonal of the 2-D slices over `axis1` and `axis2` (appended last)."""
    from jaxlite._src.numpy.shape_ops import moveaxis  # noqa: PLC0415

    x = _operand(a)
    nd = len(shape(x))
    if nd < 2:
        raise ValueError("diagonal requires an array of at least two dimensions.")
    a1, a2 = P.canonicalize_axis(axis1, nd), P.canonicalize_axis(axis2, nd)
    if a1 == a2:
        raise ValueError("axis1 and axis2 must not be equal")
    x = moveaxis(x, (a1, a2), (-2, -1))
    s = shape(x)
    n, m = s[-2], s[-1]
    offset = operator.index(offset)
    length = max(0, min(n + min(offset, 0), m - max(offset, 0)))
    idt = _dtypes.default_int_dtype()
    rows = np.arange(length, dtype=idt) - min(offset, 0)
    cols = np.arange(length, dtype=idt) + max(offset, 0)
    entries = [("slice", slice(None))] * (nd - 2) + [
        ("arr", wrap(rows, False), 1),
        ("arr", wrap(cols, False), 1),
    ]
    return _Plan(s, entries).gather(x)


def diag(v: Any, k: int = 0) -> Any:
    """The `k` diagonal of a 2-D array, or a 2-D array with 1-D `v` on its `k` diagonal."""
    x = _operand(v)
    s = shape(x)
    k = operator.index(k)
    if len(s) == 2:
        return diagonal(x, k)
    if len(s) != 1:
        raise ValueError("diag input must be 1d or 2d")
    n = s[0] + abs(k)
    from jaxlite._src.numpy.creation import eye  # noqa: PLC0415
    from jaxlite._src.numpy.ufuncs import where  # noqa: PLC0415

    a = P.aval(x)
    zero = wrap(np.zeros((), a.dtype)[()], a.weak_type)
    padded = lax.pad(x, zero, [(0, abs(k), 0)])
    # Row i holds v[i] (k >= 0) or column j holds v[j] (k < 0).
    full = lax.broadcast_in_dim(padded, (n, n), (0,) if k >= 0 else (1,))
    mask = eye(n, n, k, dtype=bool)
    return where(mask, full, P.broadcast_to_shape(zero, (n, n)))


def diagflat(v: Any, k: int = 0) -> Any:
    """`diag` of the flattened input."""
    x = _operand(v)
    return diag(lax.reshape(x, (int(np.prod(shape(x), dtype=np.int64)),)), k)


def trace(
    a: Any, offset: int = 0, axis1: int = 0, axis2: int = 1, dtype: Any = None, out: None = None
) -> Any:
    """Sum along the `offset` diagonal (small ints sum in int32)."""
    from jaxlite._src.numpy.reductions import sum as _sum  # noqa: PLC0415

    return _sum(diagonal(a, offset, axis1, axis2), axis=-1, dtype=dtype)


def _concrete(x: Any, fn: str) -> np.ndarray:
    if isinstance(x, Tracer):
        cv = x.to_concrete_value()
        if cv is None:
            from jaxlite._src.errors import ConcretizationTypeError  # noqa: PLC0415

            raise ConcretizationTypeError(
                f"{fn} requires a concrete argument: its output shape depends on the values "
                f"(got a traced {x.aval.str_short()}). Use jnp.where(cond, x, y) instead."
            )
        x = cv
    return np.asarray(x)


def nonzero(a: Any, *, size: int | None = None, fill_value: Any = None) -> tuple:
    """Indices of the nonzero elements, one int32 array per axis (concrete input only)."""
    if size is not None:
        raise NotImplementedError("jnp.nonzero(size=...) is not supported by jaxlite.")
    v = _concrete(a, "nonzero")
    if v.ndim == 0:
        raise ValueError("Calling nonzero on 0d arrays is not allowed. Use jnp.atleast_1d.")
    idt = _dtypes.default_int_dtype()
    return tuple(wrap(i.astype(idt), False) for i in np.nonzero(v))


def flatnonzero(a: Any, *, size: int | None = None, fill_value: Any = None) -> Any:
    """Indices of the nonzero elements of the flattened array."""
    return nonzero(np.ravel(_concrete(a, "flatnonzero")), size=size)[0]


def argwhere(a: Any, *, size: int | None = None, fill_value: Any = None) -> Any:
    """Indices of the nonzero elements as an `(n, ndim)` int32 array."""
    v = _concrete(a, "argwhere")
    return wrap(np.argwhere(v).astype(_dtypes.default_int_dtype()), False)


def compress(
    condition: Any,
    a: Any,
    axis: int | None = None,
    *,
    size: Any = None,
    fill_value: Any = 0,
    out: None = None,
) -> Any:
    """Slices of `a` along `axis` where the (concrete) condition holds."""
    c = _concrete(condition, "compress").astype(bool)
    x = _operand(a)
    if axis is None:
        x = lax.reshape(x, (int(np.prod(shape(x), dtype=np.int64)),))
        axis = 0
    idx = np.nonzero(c)[0]
    idx = idx[idx < shape(x)[axis]]
    return take(x, wrap(idx.astype(_dtypes.default_int_dtype()), False), axis=axis)


def extract(condition: Any, arr: Any) -> Any:
    """Elements of the flattened `arr` where the flattened (concrete) condition holds."""
    return compress(np.ravel(_concrete(condition, "extract")), arr)


def select(condlist: Any, choicelist: Any, default: Any = 0) -> Any:
    """For each element, the choice of the first true condition (else `default`)."""
    from jaxlite._src.numpy.ufuncs import where  # noqa: PLC0415

    if len(condlist) != len(choicelist):
        raise ValueError(
            f"condlist must have length equal to choicelist ({len(condlist)} vs {len(choicelist)})"
        )
    if not condlist:
        raise ValueError("condlist must be non-empty")
    out = default
    for c, v in reversed(list(zip(condlist, choicelist, strict=True))):
        out = where(c, v, out)
    return out


def searchsorted(
    a: Any, v: Any, side: str = "left", sorter: Any = None, *, method: str = "scan"
) -> Any:
    """Insertion points of `v` into the sorted 1-D `a` (int32, NaN sorting last as in JAX),
    by counting the elements that sort before each query."""
    from jaxlite._src.numpy.extras import _insertion_index  # noqa: PLC0415  (extras imports us)

    if side not in ("left", "right"):
        raise ValueError(f"{side!r} is an invalid value for keyword 'side'")
    x = _operand(a)
    if len(shape(x)) != 1:
        raise ValueError("a should be 1-dimensional")
    if sorter is not None:
        x = take(x, sorter)
    return _insertion_index(x, _operand(v), side)
