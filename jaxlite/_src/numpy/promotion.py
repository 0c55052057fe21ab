"""Argument checking, JAX type promotion and NumPy broadcasting for jnp functions.

`promote_args(name, *args)` turns the arguments of an elementwise jnp function into operands
that lax accepts: one dtype (JAX's promotion lattice, weak types included) and one shape.

- An operand whose dtype or weak flag differs from the result gets a
  `convert_element_type` (so a weak traced value shows up in a jaxpr as
  `convert_element_type[new_dtype=float32 weak_type=False]`, as in JAX).
- A Python scalar becomes a rank-0 constant of the result dtype directly (no equation; a
  jaxpr prints it as a literal such as `2.0:f32[]`). Python ints follow JAX's argument
  parsing: they must fit the default int type and are then cast, wrapping, to the result.
- Rank-0 operands stay rank-0 (lax elementwise operations broadcast those); others of a
  smaller shape are broadcast with `broadcast_in_dim` to the full result shape.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from jaxlite._src import core
from jaxlite._src import dtypes as _dtypes
from jaxlite._src.array import Array
from jaxlite._src.config import config
from jaxlite._src.core import Tracer
from jaxlite._src.numpy import _lax as lax

PY_SCALARS = frozenset((bool, int, float, complex))
_ctx = core._ctx
_eval_trace = core.eval_trace
wrap = core._wrap


def is_eager() -> bool:
    """True when no transformation is active (operations run on NumPy right away)."""
    return _ctx.trace is _eval_trace


# Python ints are parsed as the default int type, as JAX does for arguments of its jitted
# functions: outside its range they overflow; inside it they cast (wrapping) to the result.
INT_MIN, INT_MAX = -(2**31), 2**31 - 1


def _sync_int_bounds(name: str = "jax_enable_x64", value: Any = None) -> None:
    global INT_MIN, INT_MAX
    if name == "jax_enable_x64":
        bits = 64 if config.x64_enabled else 32
        INT_MIN, INT_MAX = -(2 ** (bits - 1)), 2 ** (bits - 1) - 1


_sync_int_bounds()
config.add_listener(_sync_int_bounds)


# ----------------------------------------------------------------------------------------------
# Checking and converting arguments


def is_arraylike(x: Any) -> bool:
    t = type(x)
    return (
        t is Array
        or t in PY_SCALARS
        or isinstance(x, (Tracer, Array, np.ndarray, np.generic))
        or hasattr(x, "__jax_array__")
    )


def check_arraylike(name: str, *args: Any) -> None:
    """Raises JAX's TypeError for arguments that are not arrays or scalars (lists, ...)."""
    for i, x in enumerate(args):
        if not is_arraylike(x):
            raise TypeError(
                f"{name} requires ndarray or scalar arguments, got {type(x)} at position {i}."
            )


def to_jax(x: Any) -> Any:
    """Arrays and tracers unchanged; NumPy values become Arrays (canonical dtype)."""
    if type(x) is Array or isinstance(x, Tracer):
        return x
    if hasattr(x, "__jax_array__"):
        return to_jax(x.__jax_array__())
    if isinstance(x, Array):
        return x
    return Array(x)


def aval(x: Any) -> core.ShapedArray:
    """The abstract value of any array-like (Python scalars are weak)."""
    if type(x) is Array:
        v = x._value
        return core.ShapedArray(v.shape, v.dtype, x.weak_type)
    return core.get_aval(x)


def shape(x: Any) -> tuple[int, ...]:
    if type(x) is Array:
        return x._value.shape
    if isinstance(x, Tracer):
        return x.aval.shape
    return np.shape(x)


def ndim(x: Any) -> int:
    return len(shape(x))


def dtype_of(x: Any) -> np.dtype:
    """The dtype `x` has as a jaxlite value (Python scalars: their default dtype)."""
    if type(x) is Array:
        return x._value.dtype
    if isinstance(x, Tracer):
        return x.aval.dtype
    return _dtypes.dtype(x, canonicalize=True)


def scalar_const(x: Any, dt: np.dtype, weak: bool) -> Array:
    """A rank-0 constant of dtype `dt` from a Python scalar, as JAX parses arguments."""
    if type(x) is int:
        if not INT_MIN <= x <= INT_MAX:
            raise OverflowError(
                f"Python int {x} too large to convert to {_dtypes.default_int_dtype().name}"
            )
        if dt.kind in "iu":  # Wraps like an integer cast (e.g. 1000 -> uint8 232).
            return wrap(np.asarray(x, _dtypes.default_int_dtype()).astype(dt)[()], weak)
    elif type(x) is complex and dt.kind != "c":
        raise TypeError(f"Cannot convert complex scalar {x} to {dt.name}")
    return wrap(dt.type(x), weak)


def convert(x: Any, dt: np.dtype, weak: bool = False) -> Any:
    """`x` as dtype `dt` with weak flag `weak`, converting only when either differs."""
    t = type(x)
    if t in PY_SCALARS:
        return scalar_const(x, dt, weak)
    if t is Array:
        if x._value.dtype == dt and x.weak_type == weak:
            return x
    elif isinstance(x, Tracer):
        a = x.aval
        if a.dtype == dt and a.weak_type == weak:
            return x
    else:
        x = to_jax(x)
        if x.dtype == dt and x.weak_type == weak:
            return x
    return lax.convert_element_type(x, dt, weak)


# ----------------------------------------------------------------------------------------------
# Promotion


def _inexact(dt: np.dtype) -> np.dtype:
    if dt.kind in "fc":
        return dt
    # JAX's mapping: 8/16/32-bit ints and bool to float32, 64-bit ints to float64.
    out = _dtypes.canonicalize_dtype(np.float64 if dt.itemsize == 8 else np.float32)
    return out


def to_inexact_dtype(dt: Any) -> np.dtype:
    return _inexact(np.dtype(dt))


def promote_dtypes(*args: Any) -> list[Any]:
    """Converts every argument to the common dtype and weak flag (no broadcasting)."""
    dt, weak = _dtypes.result_type(*args, return_weak_type_flag=True)
    return [convert(x, dt, weak) for x in args]


def promote_dtypes_inexact(*args: Any) -> list[Any]:
    """As `promote_dtypes`, with integer and bool results made floating (weakness kept)."""
    dt, weak = _dtypes.result_type(*args, return_weak_type_flag=True)
    return [convert(x, _inexact(dt), weak) for x in args]


def promote_dtypes_numeric(*args: Any) -> list[Any]:
    """As `promote_dtypes`, with a bool result made int32 (also with x64, as in JAX)."""
    dt, weak = _dtypes.result_type(*args, return_weak_type_flag=True)
    if dt.kind == "b":
        dt = np.dtype(np.int32)
    return [convert(x, dt, weak) for x in args]


def broadcast_shapes(name: str, *shapes: Sequence[int]) -> tuple[int, ...]:
    """NumPy's broadcast shape; the error names the operation and shapes as JAX does."""
    if len(shapes) == 1:
        return tuple(shapes[0])
    nd = max(len(s) for s in shapes)
    out = [1] * nd
    for s in shapes:
        off = nd - len(s)
        for i, d in enumerate(s):
            o = out[off + i]
            if o == 1:
                out[off + i] = d
            elif d != 1 and d != o:
                shown = ", ".join(str(tuple(x)) for x in shapes)
                raise TypeError(f"{name} got incompatible shapes for broadcasting: {shown}.")
    return tuple(int(d) for d in out)


def broadcast_to_shape(x: Any, out_shape: tuple[int, ...]) -> Any:
    """Broadcasts `x` (a jaxlite value) to `out_shape`, trailing axes aligned."""
    s = shape(x)
    if s == out_shape:
        return x
    nd = len(out_shape)
    return lax.broadcast_in_dim(x, out_shape, tuple(range(nd - len(s), nd)))


def broadcast_operands(name: str, args: list[Any]) -> list[Any]:
    """Broadcasts non-scalar operands to a common shape; rank-0 operands stay rank-0."""
    shapes = [shape(x) for x in args]
    full = [s for s in shapes if s]
    if not full or all(s == full[0] for s in full):
        return args
    out_shape = broadcast_shapes(name, *shapes)
    return [
        x if not s or s == out_shape else broadcast_to_shape(x, out_shape)
        for x, s in zip(args, shapes, strict=True)
    ]


def promote_args(name: str, *args: Any) -> list[Any]:
    """Checks, promotes and broadcasts arguments of an elementwise function."""
    check_arraylike(name, *args)
    return broadcast_operands(name, promote_dtypes(*args))


def promote_args_inexact(name: str, *args: Any) -> list[Any]:
    """As `promote_args`, with integer and bool results made floating."""
    check_arraylike(name, *args)
    return broadcast_operands(name, promote_dtypes_inexact(*args))


def promote_args_numeric(name: str, *args: Any) -> list[Any]:
    """As `promote_args`, with bool results made int32 (for ops lax has no bool form of)."""
    check_arraylike(name, *args)
    return broadcast_operands(name, promote_dtypes_numeric(*args))


def check_no_float0(name: str, *args: Any) -> None:
    for x in args:
        if getattr(x, "dtype", None) == _dtypes.float0:
            raise TypeError(f"{name} does not accept float0 arrays.")


def canonicalize_axis(axis: int, nd: int) -> int:
    """A non-negative axis; out-of-range axes raise NumPy's AxisError (a ValueError)."""
    axis = int(axis)
    if not -nd <= axis < nd:
        raise np.exceptions.AxisError(axis, nd)
    return axis % nd if axis < 0 else axis


def canonicalize_axes(axis: Any, nd: int) -> tuple[int, ...]:
    """`axis` (None, int or sequence) as a sorted tuple of non-negative axes."""
    if axis is None:
        return tuple(range(nd))
    if isinstance(axis, (tuple, list)):
        axes = tuple(canonicalize_axis(a, nd) for a in axis)
        if len(set(axes)) != len(axes):
            raise ValueError(f"repeated axis: {axis}")
        return tuple(sorted(axes))
    return (canonicalize_axis(axis, nd),)


def user_dtype(dt: Any, fn: str = "asarray") -> np.dtype | None:
    """Canonicalizes a dtype requested by the user, warning like JAX when x64 narrows it."""
    if dt is None:
        return None
    if isinstance(dt, type) and dt in (int, float, complex):
        return _dtypes.dtype(dt)  # Python types mean the default dtype of their kind.
    from jaxlite._src.numpy.dtypes import _plain  # noqa: PLC0415

    want = np.dtype(_plain(dt))
    got = _dtypes.canonicalize_dtype(want)
    if got != want:
        import warnings  # noqa: PLC0415

        warnings.warn(
            f"Explicitly requested dtype {want.name} requested in {fn} is not available, and "
            f"will be truncated to dtype {got.name}. To enable more dtypes, set the "
            "jax_enable_x64 configuration option or the JAX_ENABLE_X64 shell environment "
            "variable.",
            UserWarning,
            stacklevel=3,
        )
    return got
