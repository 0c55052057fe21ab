"""Functional updates `x.at[idx].set(...)`, `.add`, ...: scatters planned by indexing.py.

As in JAX, the operand and the update values are promoted to their common type, combined in
it, and the result is cast back to the operand's dtype and weak type; values the operand's
dtype cannot hold safely give JAX's FutureWarning. `.divide` and `.power` combine the operand
with ones into which the values were multiplied at the index (so duplicates compound).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from jaxlite._src import dtypes as _dtypes
from jaxlite._src.array import Array
from jaxlite._src.core import Tracer
from jaxlite._src.numpy import _lax as lax
from jaxlite._src.numpy import promotion as P
from jaxlite._src.numpy.indexing import _expand_index, _operand, _Plan, getitem
from jaxlite._src.numpy.promotion import PY_SCALARS, dtype_of, shape


def _type_str(shp: tuple[int, ...], dt: np.dtype, weak: bool = False) -> str:
    """An abstract value as JAX's errors print it (`~float32[2]` when weakly typed)."""
    return f"{'~' if weak else ''}{dt.name}[{','.join(map(str, shp))}]"


def _broadcast_updates(v: Any, out_shape: tuple[int, ...]) -> Any:
    """Update values (already promoted) broadcast to the indexed shape, as `jnp.broadcast_to`
    in JAX's scatter: only leading axes are added, and the errors are JAX's."""
    vs = shape(v)
    if vs == out_shape:
        return v
    if len(vs) > len(out_shape):
        raise ValueError(
            f"Cannot broadcast to shape with fewer dimensions: arr_shape={vs} shape={out_shape}"
        )
    tail = out_shape[len(out_shape) - len(vs) :]
    if any(d != 1 and d != t for d, t in zip(vs, tail, strict=True)):
        a = P.aval(v)
        raise ValueError(
            f"Incompatible types for broadcasting: input type={_type_str(vs, a.dtype, a.weak_type)}"
            f" and requested type={_type_str(out_shape, a.dtype)}"
        )
    return P.broadcast_to_shape(v, out_shape)


_INT_BOUNDS: dict[np.dtype, tuple[int, int]] = {}


def _int_bounds(dt: np.dtype) -> tuple[int, int]:
    info = np.iinfo(dt)
    out = _INT_BOUNDS[dt] = (int(info.min), int(info.max))
    return out


def _update_values(x: Any, values: Any) -> Any:
    """Update values parsed as JAX parses them: a Python int that fits the integer dtype of
    `x` takes that dtype (strongly typed); anything else is `jnp.asarray(values)` (a Python
    scalar stays weakly typed, and lists are accepted)."""
    dt = dtype_of(x)
    if isinstance(values, int) and dt.kind in "iu":
        lo, hi = _INT_BOUNDS.get(dt) or _int_bounds(dt)
        if lo <= values <= hi:
            return P.scalar_const(int(values), dt, False)
    if type(values) in PY_SCALARS or type(values) is Array or isinstance(values, Tracer):
        return values  # (a Python scalar is weak; promotion converts it straight to its type)
    from jaxlite._src.numpy.creation import asarray  # noqa: PLC0415

    return asarray(values)


def _warn_unsafe_cast(y: Any, dt: np.dtype, stacklevel: int) -> None:
    """JAX's FutureWarning for update values that `dt` cannot hold without loss (a float
    update of an integer array): the update is combined in the promoted type and the result
    cast back, which JAX will turn into an error."""
    ydt = dtype_of(y)
    if ydt != dt and _dtypes.result_type(y, dt) != dt:
        import warnings  # noqa: PLC0415

        warnings.warn(
            "scatter inputs have incompatible types: cannot safely cast value from "
            f"dtype={ydt.name} to dtype={dt.name} with jax_numpy_dtype_promotion=standard. "
            "In future JAX releases this will result in an error.",
            FutureWarning,
            stacklevel=stacklevel,
        )


class _IndexUpdateRef:
    """`x.at[idx]`: functional updates of the elements `x[idx]`."""

    __slots__ = ("array", "index")

    def __init__(self, array: Any, index: Any):
        self.array = array
        self.index = index

    def __repr__(self):
        return f"_IndexUpdateRef({self.array!r}, {self.index!r})"

    def _plan(self) -> tuple[Any, _Plan]:
        x = _operand(self.array)
        return x, _Plan(shape(x), _expand_index(self.index, shape(x)))

    def get(
        self,
        *,
        indices_are_sorted: bool = False,
        unique_indices: bool = False,
        mode: Any = None,
        fill_value: Any = None,
        out_sharding: Any = None,
    ) -> Any:
        """`x[idx]`, with a choice of out-of-bounds `mode` ('clip', 'fill', ...)."""
        x, plan = self._plan()
        if mode is None and fill_value is None:
            return getitem(x, self.index)
        return plan.gather(x, mode=mode, fill_value=fill_value)

    def _update(
        self,
        kind: str,
        values: Any,
        mode: Any,
        indices_are_sorted: bool,
        unique_indices: bool,
        depth: int = 0,
    ) -> Any:
        """The scatter of `kind`, as JAX does it: the operand and the update values are
        promoted to their common type, combined in it, and the result is cast back to the
        operand's dtype and weak type (so `int_array.at[i].add(2.7)` adds 2.7, then truncates)."""
        x, plan = self._plan()
        a = P.aval(x)
        y = _update_values(x, values)
        _warn_unsafe_cast(y, a.dtype, 4 + depth)  # attributed to the user's `.at[]` call
        if plan.empty or 0 in plan.out_shape:
            return x  # nothing is updated (and the update values are not checked), as in JAX
        # The index arrays first, then the promotion: the order JAX stages them in.
        indices = plan.indices() if plan.indexed_axes else None
        if not (type(y) is Array and y._value.dtype == a.dtype and y.weak_type == a.weak_type):
            x, y = P.promote_dtypes(x, y)
            y = P.keep_scalar(values, y)  # a Python scalar left as it is reaches lax as it is
        if kind == "sub":
            # lax has no scatter-sub: add the negated values (the same numbers, wrapping
            # included); bool has neither operation.
            if dtype_of(y) == np.bool_:
                raise TypeError(
                    "sub does not accept dtype bool at position 0. Accepted dtypes at position 0 "
                    "are subtypes of integer, floating, complexfloating."
                )
            y, kind = lax.neg(y), "add"
        out = plan.scatter(
            x,
            _broadcast_updates(y, plan.out_shape),
            kind,
            mode=mode,
            indices_are_sorted=indices_are_sorted,
            unique_indices=unique_indices,
            indices=indices,
        )
        return P.convert(out, a.dtype, a.weak_type)

    def _scaled(
        self,
        combine: Any,
        values: Any,
        mode: Any,
        indices_are_sorted: bool,
        unique_indices: bool,
    ) -> Any:
        """`combine(x, f)` where `f` is ones with the values multiplied in at the index
        (duplicates multiply), as JAX computes `.divide` and `.power`."""
        from jaxlite._src.numpy.ufunc_base import inherit  # noqa: PLC0415

        x = _operand(self.array)
        ones = P.broadcast_to_shape(inherit(x, 1), shape(x))
        f = _IndexUpdateRef(ones, self.index)._update(
            "mul", values, mode, indices_are_sorted, unique_indices, depth=1
        )
        return combine(x, f)

    def set(
        self,
        values: Any,
        *,
        indices_are_sorted: bool = False,
        unique_indices: bool = False,
        mode: Any = None,
    ) -> Any:
        """`x` with `x[idx] = values` (later duplicates win); out-of-bounds updates dropped."""
        return self._update("set", values, mode, indices_are_sorted, unique_indices)

    def add(
        self,
        values: Any,
        *,
        indices_are_sorted: bool = False,
        unique_indices: bool = False,
        mode: Any = None,
    ) -> Any:
        """`x` with `x[idx] += values` (duplicates accumulate)."""
        return self._update("add", values, mode, indices_are_sorted, unique_indices)

    def subtract(
        self,
        values: Any,
        *,
        indices_are_sorted: bool = False,
        unique_indices: bool = False,
        mode: Any = None,
    ) -> Any:
        """`x` with `x[idx] -= values`."""
        return self._update("sub", values, mode, indices_are_sorted, unique_indices)

    def multiply(
        self,
        values: Any,
        *,
        indices_are_sorted: bool = False,
        unique_indices: bool = False,
        mode: Any = None,
    ) -> Any:
        """`x` with `x[idx] *= values` (duplicates accumulate)."""
        return self._update("mul", values, mode, indices_are_sorted, unique_indices)

    mul = multiply

    def divide(
        self,
        values: Any,
        *,
        indices_are_sorted: bool = False,
        unique_indices: bool = False,
        mode: Any = None,
    ) -> Any:
        """`x / f`, `f` being ones with `values` multiplied in at `idx` (integer arrays become
        float; duplicate indices divide repeatedly)."""
        from jaxlite._src.numpy import ufuncs  # noqa: PLC0415

        return self._scaled(ufuncs.divide, values, mode, indices_are_sorted, unique_indices)

    def power(
        self,
        values: Any,
        *,
        indices_are_sorted: bool = False,
        unique_indices: bool = False,
        mode: Any = None,
    ) -> Any:
        """`x ** f`, `f` being ones with `values` multiplied in at `idx` (the factor takes
        `x`'s dtype; duplicate indices multiply the exponent)."""
        from jaxlite._src.numpy import ufuncs  # noqa: PLC0415

        return self._scaled(ufuncs.power, values, mode, indices_are_sorted, unique_indices)

    def min(
        self,
        values: Any,
        *,
        indices_are_sorted: bool = False,
        unique_indices: bool = False,
        mode: Any = None,
    ) -> Any:
        """`x` with `x[idx] = minimum(x[idx], values)`."""
        return self._update("min", values, mode, indices_are_sorted, unique_indices)

    def max(
        self,
        values: Any,
        *,
        indices_are_sorted: bool = False,
        unique_indices: bool = False,
        mode: Any = None,
    ) -> Any:
        """`x` with `x[idx] = maximum(x[idx], values)`."""
        return self._update("max", values, mode, indices_are_sorted, unique_indices)

    def apply(
        self,
        func: Any,
        *,
        indices_are_sorted: bool = False,
        unique_indices: bool = False,
        mode: Any = None,
    ) -> Any:
        """`x` with `x[idx] = func(x[idx])` (`func` is applied elementwise)."""
        return self.set(
            func(self.get(mode=mode)),
            mode=mode,
            indices_are_sorted=indices_are_sorted,
            unique_indices=unique_indices,
        )


class _IndexUpdateHelper:
    """The object `x.at`; `x.at[idx]` gives an `_IndexUpdateRef`."""

    __slots__ = ("array",)

    def __init__(self, array: Any):
        self.array = array

    def __getitem__(self, index: Any) -> _IndexUpdateRef:
        return _IndexUpdateRef(self.array, index)

    def __repr__(self):
        return f"_IndexUpdateHelper({self.array!r})"
