"""Argument checking, JAX type promotion and NumPy broadcasting for jnp functions.

`promote_args(name, *args)` turns the arguments of an elementwise jnp function into operands
that lax accepts: one dtype (JAX's promotion lattice, weak types included) and one shape.

- The common dtype is JAX's lattice result type: as `jnp.result_type`, except that operands
  that are all weakly typed keep their width (a weak float16 value stays float16).
- An operand whose dtype or weak flag differs from the result gets a
  `convert_element_type` (so a weak traced value shows up in a jaxpr as
  `convert_element_type[new_dtype=float32 weak_type=False]`, as in JAX).
- A Python scalar becomes a rank-0 constant of the result dtype directly (no equation; a
  jaxpr prints it as a literal such as `2.0:f32[]`). Python ints follow JAX's argument
  parsing: they must fit the default int type and are then cast, wrapping, to the result.
  Under a transformation, a Python scalar operand of an elementwise function that the
  result type leaves as it is (a weak result of the scalar's own default dtype) goes to lax
  as the Python scalar itself, as in JAX: a jaxpr then prints its full value
  (`0.3333333333333333:f32[]`, not the float32 rounding `0.3333333432674408`). `convert`
  and `promote_dtypes` always give arrays (their callers may return them).
- Shapes are rank-promoted only, as JAX's jnp does: when operands of different nonzero ranks
  meet, each lower-rank one gets leading size-1 axes (`broadcast_in_dim` f32[3] ->
  f32[1,3]); lax elementwise operations broadcast size-1 dimensions and rank-0 operands.

Fast paths (`simple_one`, `simple_pair`, `same_dtypes`) recognise, without the general
machinery, operands that promotion leaves as they are; see the section below.
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
_tracing = core._tracing
_eval_trace = core.eval_trace
wrap = core._wrap


def is_eager() -> bool:
    """True when no transformation is active (operations run on NumPy right away)."""
    return not _tracing or _ctx.trace is _eval_trace


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


def scalar_operand(x: Any, dt: np.dtype, weak: bool) -> Any:
    """Python scalar `x` as an operand of dtype `dt` and weak flag `weak`. Under a
    transformation, a scalar that already is one (a weak result of the scalar's own default
    dtype) stays a Python scalar: JAX's promotion hands it to lax untouched, so a staged
    literal keeps its full value. Otherwise it becomes a constant (`scalar_const`). (Python
    bools are strong: as constants they print the same, so they are not told apart.)"""
    if (
        weak
        and _ctx.trace is not _eval_trace
        and type(x) is not bool
        and dt == _dtypes.weak_scalar_dtype(x)
    ):
        if type(x) is int and not INT_MIN <= x <= INT_MAX:
            return scalar_const(x, dt, weak)  # raises JAX's OverflowError
        return x
    return scalar_const(x, dt, weak)


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


def _promoted_type(args: Sequence[Any]) -> tuple[np.dtype, bool]:
    """The common (dtype, weak flag) of jnp operands: JAX's lattice result type.

    It differs from `jnp.result_type` only when every operand is weakly typed: the result
    then keeps the operands' width (a weak float16 value stays float16) instead of widening
    to the default type of its kind.
    """
    dt, weak = _dtypes.result_type(*args, return_weak_type_flag=True)
    if weak and all(map(_dtypes.is_weakly_typed, args)):
        dt = _dtypes.result_type(*[_dtypes.dtype(a) for a in args])
    return dt, weak


# Promotion modes: promote_dtypes, _inexact, _numeric, and `jnp.result_type` (products).
ANY, INEXACT, NUMERIC, RESULT_TYPE = 0, 1, 2, 3
_I32 = np.dtype(np.int32)


def _target(mode: int, args: Sequence[Any]) -> tuple[np.dtype, bool]:
    """The (dtype, weak flag) that promotion mode `mode` converts `args` to."""
    if mode == RESULT_TYPE:
        return _dtypes.result_type(*args, return_weak_type_flag=True)
    dt, weak = _promoted_type(args)
    if mode == INEXACT:
        dt = _inexact(dt)
    elif mode == NUMERIC and dt.kind == "b":
        dt = _I32  # also with x64, as in JAX
    return dt, weak


def promoted_dtype(mode: int, *args: Any) -> np.dtype:
    """The dtype promotion mode `mode` gives `args` (nothing is converted or staged)."""
    return _target(mode, args)[0]


def promote_dtypes(*args: Any) -> list[Any]:
    """Converts every argument to the common dtype and weak flag (no broadcasting)."""
    dt, weak = _target(ANY, args)
    return [convert(x, dt, weak) for x in args]


def promote_dtypes_inexact(*args: Any) -> list[Any]:
    """As `promote_dtypes`, with integer and bool results made floating (weakness kept)."""
    dt, weak = _target(INEXACT, args)
    return [convert(x, dt, weak) for x in args]


def promote_dtypes_numeric(*args: Any) -> list[Any]:
    """As `promote_dtypes`, with a bool result made int32 (also with x64, as in JAX)."""
    dt, weak = _target(NUMERIC, args)
    return [convert(x, dt, weak) for x in args]


def promote_dtypes_result_type(*args: Any) -> list[Any]:
    """Converts every argument to `jnp.result_type` of them all (with its weak flag): as
    `promote_dtypes`, except that a weak result has the default type of its kind (JAX's
    products take their result type so)."""
    dt, weak = _target(RESULT_TYPE, args)
    return [convert(x, dt, weak) for x in args]


# ----------------------------------------------------------------------------------------------
# Fast paths: operands that promotion and broadcasting leave as they are
#
# Most calls pass Arrays or tracers of one dtype, weak flag and shape (or rank 0), perhaps with
# Python scalars that only become constants of that dtype. Whether the general rules leave such
# operands unchanged depends only on the promotion mode, the dtype, the weak flag and the
# Python scalar type, so it is computed once by the general rules themselves and memoised
# (rebuilt after every configuration change: x64 moves the defaults).

_unchanged: dict[tuple[Any, ...], bool] = {}
_is_tracer_type: dict[type, bool] = {}


def _clear_unchanged(name: str = "", value: Any = None) -> None:
    _unchanged.clear()


config.add_listener(_clear_unchanged)


def _compute_unchanged(key: tuple[Any, ...]) -> bool:
    mode, dt, weak, scalar_type = key
    args: list[Any] = [core.ShapedArray((), dt, weak)]
    if scalar_type is not None:
        args.append(scalar_type(0))
    try:
        out = _target(mode, args)
    except Exception:  # noqa: BLE001  (invalid dtypes: the general path raises the error)
        return False
    return out[0] == dt and out[1] == weak


def unchanged(mode: int, dt: np.dtype, weak: bool, scalar_type: type | None = None) -> bool:
    """True when promotion mode `mode` leaves operands of dtype `dt` and weak flag `weak`
    (with Python scalars of type `scalar_type`, if given) as they are."""
    key = (mode, dt, weak, scalar_type)
    out = _unchanged.get(key)
    if out is None:
        out = _unchanged[key] = _compute_unchanged(key)
    return out


def _is_tracer(t: type) -> bool:
    out = _is_tracer_type[t] = issubclass(t, Tracer)
    return out


def simple_one(mode: int, x: Any) -> np.dtype | None:
    """The dtype of `x` when it is an Array or tracer that promotion mode `mode` leaves as it
    is, else None."""
    t = type(x)
    if t is Array:
        dt, weak = x._value.dtype, x.weak_type
    else:
        is_tracer = _is_tracer_type.get(t)
        if not (is_tracer or (is_tracer is None and _is_tracer(t))):
            return None
        a = x.aval
        dt, weak = a.dtype, a.weak_type
    key = (mode, dt, weak, None)
    ok = _unchanged.get(key)
    if ok is None:
        ok = _unchanged[key] = _compute_unchanged(key)
    return dt if ok else None


def simple_pair(
    mode: int, x: Any, y: Any, dtypes: frozenset | None = None
) -> tuple[np.dtype, Any, Any] | None:
    """`(dtype, x, y)` promoted and rank-promoted, when promotion converts nothing: Arrays or
    tracers of one dtype and weak flag, or one of them with a Python scalar (which becomes an
    operand of its dtype). Otherwise None. With `dtypes`, also None for a dtype not in it
    (checked before anything is staged, so a caller may fall back to another route)."""
    tx, ty = type(x), type(y)
    sx = sy = None
    if tx is Array:
        v = x._value
        dt, weak, sx = v.dtype, x.weak_type, v.shape
    elif tx in PY_SCALARS:
        dt = None
    else:
        is_tracer = _is_tracer_type.get(tx)
        if not (is_tracer or (is_tracer is None and _is_tracer(tx))):
            return None
        a = x.aval
        dt, weak, sx = a.dtype, a.weak_type, a.shape
    if ty is Array:
        v = y._value
        dy, wy, sy = v.dtype, y.weak_type, v.shape
    elif ty in PY_SCALARS:
        if dt is None or (dtypes is not None and dt not in dtypes):
            return None
        key = (mode, dt, weak, ty)
        ok = _unchanged.get(key)
        if ok is None:
            ok = _unchanged[key] = _compute_unchanged(key)
        if not ok:
            return None
        return dt, x, scalar_operand(y, dt, True) if weak else scalar_const(y, dt, False)
    else:
        is_tracer = _is_tracer_type.get(ty)
        if not (is_tracer or (is_tracer is None and _is_tracer(ty))):
            return None
        a = y.aval
        dy, wy, sy = a.dtype, a.weak_type, a.shape
    if dtypes is not None and dy not in dtypes:
        return None
    if dt is None:  # a Python scalar with an array
        key = (mode, dy, wy, tx)
        ok = _unchanged.get(key)
        if ok is None:
            ok = _unchanged[key] = _compute_unchanged(key)
        if not ok:
            return None
        return dy, scalar_operand(x, dy, True) if wy else scalar_const(x, dy, False), y
    if (dt is not dy and dt != dy) or weak != wy:
        return None
    key = (mode, dt, weak, None)
    ok = _unchanged.get(key)
    if ok is None:
        ok = _unchanged[key] = _compute_unchanged(key)
    if not ok:
        return None
    if sx and sy and len(sx) != len(sy):
        # Rank promotion, as `broadcast_operands` does it (operands of one rank go to lax,
        # which broadcasts size-1 dimensions); shapes that do not broadcast are left to the
        # general path, which raises JAX's error.
        if broadcast_shape_or_none(sx, sy) is None:
            return None
        nx, ny = len(sx), len(sy)
        if nx < ny:
            x = lax.broadcast_in_dim(x, (1,) * (ny - nx) + sx, tuple(range(ny - nx, ny)))
        else:
            y = lax.broadcast_in_dim(y, (1,) * (nx - ny) + sy, tuple(range(nx - ny, nx)))
    return dt, x, y


def same_dtypes(mode: int, x: Any, y: Any) -> np.dtype | None:
    """The dtype of `x` and `y` when both are Arrays or tracers of one dtype and weak flag
    that promotion mode `mode` leaves as they are (whatever their shapes), else None."""
    dt = simple_one(mode, x)
    if dt is None or simple_one(mode, y) is None:
        return None
    ax = x if type(x) is Array else x.aval
    ay = y if type(y) is Array else y.aval
    return dt if ay.dtype == dt and ay.weak_type == ax.weak_type else None


def broadcast_shape_or_none(a: tuple[int, ...], b: tuple[int, ...]) -> tuple[int, ...] | None:
    """NumPy's broadcast shape of `a` and `b`, or None when they do not broadcast."""
    if len(a) < len(b):
        a, b = b, a
    off = len(a) - len(b)
    out = list(a)
    for i, d in enumerate(b):
        o = a[off + i]
        if o == 1:
            out[off + i] = d
        elif d != 1 and d != o:
            return None
    return tuple(out)


def _simple_args(mode: int, args: tuple[Any, ...]) -> list[Any] | None:
    """`promote_args` for the fast cases of `simple_one`/`simple_pair`, else None."""
    n = len(args)
    if n == 2:
        out = simple_pair(mode, args[0], args[1])
        return None if out is None else [out[1], out[2]]
    if n == 1:
        return None if simple_one(mode, args[0]) is None else [args[0]]
    return None


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


def result_shape(*shapes: Sequence[int]) -> tuple[int, ...]:
    """NumPy's broadcast shape, raising JAX's ValueError for shapes that do not broadcast
    (the error of `jnp.broadcast_shapes`, of rank promotion and of `jnp.where`)."""
    try:
        return broadcast_shapes("broadcast_shapes", *shapes)
    except TypeError:
        shown = [tuple(int(d) for d in s) for s in shapes]
        raise ValueError(f"Incompatible shapes for broadcasting: shapes={shown}") from None


def broadcast_operands(name: str, args: list[Any]) -> list[Any]:
    """Rank promotion, as JAX's jnp does before an elementwise lax call.

    Operands of one rank, or nonzero-rank operands of one rank with rank-0 ones, are left as
    they are (lax broadcasts size-1 dimensions and rank-0 operands, and raises for shapes that
    do not broadcast). Otherwise every operand of a lower rank, rank 0 included, gets leading
    size-1 axes up to the result's rank; shapes that do not broadcast raise JAX's ValueError.
    """
    shapes = [shape(x) for x in args]
    nd = len(shapes[0])
    if all(len(s) == nd for s in shapes) or len({len(s) for s in shapes if s}) < 2:
        return args
    nd = len(result_shape(*shapes))
    return [
        x
        if len(s) == nd
        else lax.broadcast_in_dim(x, (1,) * (nd - len(s)) + tuple(s), tuple(range(nd - len(s), nd)))
        for x, s in zip(args, shapes, strict=True)
    ]


def _operands(mode: int, args: tuple[Any, ...]) -> list[Any]:
    """The arguments converted by promotion mode `mode`, as operands of a lax operation: with
    several arguments, a Python scalar that promotion leaves as it is stays a Python scalar
    (`scalar_operand`). A single argument is always converted: callers may return it."""
    dt, weak = _target(mode, args)
    if len(args) == 1:
        return [convert(args[0], dt, weak)]
    return [
        scalar_operand(x, dt, weak) if type(x) in PY_SCALARS else convert(x, dt, weak) for x in args
    ]


def keep_scalar(x: Any, promoted: Any) -> Any:
    """`x` itself when it is a Python scalar that promotion left as it is (its promoted form
    `promoted` is a weak constant of its default dtype) and a transformation is active, else
    `promoted`: for a single operand going straight to lax (`jnp.sin(0.1)` stages
    `sin 0.1:f32[]`, as in JAX)."""
    if (
        type(x) in PY_SCALARS
        and _ctx.trace is not _eval_trace
        and type(promoted) is Array
        and promoted.weak_type
    ):
        return scalar_operand(x, promoted._value.dtype, True)
    return promoted


def promote_args(name: str, *args: Any) -> list[Any]:
    """Checks, promotes and rank-promotes arguments of an elementwise function."""
    out = _simple_args(ANY, args)
    if out is not None:
        return out
    check_arraylike(name, *args)
    return broadcast_operands(name, _operands(ANY, args))


def promote_args_inexact(name: str, *args: Any) -> list[Any]:
    """As `promote_args`, with integer and bool results made floating."""
    out = _simple_args(INEXACT, args)
    if out is not None:
        return out
    check_arraylike(name, *args)
    return broadcast_operands(name, _operands(INEXACT, args))


def promote_args_numeric(name: str, *args: Any) -> list[Any]:
    """As `promote_args`, with bool results made int32 (for ops lax has no bool form of)."""
    out = _simple_args(NUMERIC, args)
    if out is not None:
        return out
    check_arraylike(name, *args)
    return broadcast_operands(name, _operands(NUMERIC, args))


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
    if isinstance(dt, np.dtype):
        want = dt
    elif isinstance(dt, type) and dt in (int, float, complex):
        return _dtypes.dtype(dt)  # Python types mean the default dtype of their kind.
    else:
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
