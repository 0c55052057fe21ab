"""Array creation: array/asarray, zeros/ones/full/empty (and *_like), arange, linspace, eye."""

from __future__ import annotations

import operator
import warnings
from typing import Any

import numpy as np

from jaxlite._src import core
from jaxlite._src import dtypes as _dtypes
from jaxlite._src.array import Array
from jaxlite._src.core import Tracer
from jaxlite._src.numpy import _lax as lax
from jaxlite._src.numpy import promotion as P
from jaxlite._src.numpy.promotion import PY_SCALARS, dtype_of, user_dtype, wrap
from jaxlite._src.numpy.promotion import shape as _shape


def _shape_tuple(shape_: Any, fn: str) -> tuple[int, ...]:
    if isinstance(shape_, Tracer):
        raise TypeError(
            f"Shapes must be 1D sequences of concrete values of integer type, got {shape_!r} "
            f"in {fn}. If using `jit`, try using `static_argnums` or applying `jit` to smaller "
            "subfunctions."
        )
    if np.ndim(shape_) == 0:
        shape_ = (shape_,)
    out = []
    for d in shape_:
        try:
            d = operator.index(d)
        except TypeError:
            raise TypeError(
                f"Shapes must be 1D sequences of concrete values of integer type, got "
                f"{tuple(shape_)!r} in {fn}."
            ) from None
        if d < 0:
            raise ValueError(f"{fn} got a negative dimension in shape {tuple(shape_)}.")
        out.append(d)
    return tuple(out)


def full_const(shape_: tuple[int, ...], value: Any, dt: np.dtype, weak: bool = False) -> Any:
    """`value` (a Python/NumPy scalar) broadcast to `shape_` with `broadcast_in_dim`."""
    c = wrap(np.asarray(value, dt)[()], weak)
    if not shape_:
        return c
    return lax.broadcast_in_dim(c, shape_, ())


# ----------------------------------------------------------------------------------------------
# array / asarray


def _leaves(obj: Any, out: list) -> None:
    if isinstance(obj, (list, tuple)):
        for o in obj:
            _leaves(o, out)
    else:
        out.append(obj)


def _stack_leaves(obj: Any, dt: np.dtype) -> Any:
    """Builds an array from a nested list holding tracers: expand each element, concatenate."""
    if isinstance(obj, (list, tuple)):
        if not obj:
            raise ValueError("jnp.array of a list containing tracers needs non-empty lists.")
        parts = [_stack_leaves(o, dt) for o in obj]
        shapes = {_shape(p) for p in parts}
        if len(shapes) != 1:
            raise TypeError(
                "Cannot concatenate arrays with different numbers of dimensions: got "
                + ", ".join(str((1, *_shape(p))) for p in parts)
                + "."
            )
        expanded = [
            lax.broadcast_in_dim(p, (1, *_shape(p)), tuple(range(1, 1 + len(_shape(p)))))
            for p in parts
        ]
        return lax.concatenate(expanded, 0)
    return P.convert(obj, dt, False)


def array(
    object: Any,  # noqa: A002
    dtype: Any = None,
    copy: bool = True,
    order: str | None = "K",
    ndmin: int = 0,
    *,
    device: Any = None,
) -> Any:
    """Creates an array from an array-like (nested lists of scalars and arrays included).

    Python scalars give weakly typed arrays; lists never do. `dtype` is canonicalized
    (float64 becomes float32 without x64, with a warning).
    """
    if order not in (None, "K", "C", "A"):
        raise NotImplementedError("Only C order is supported by jnp.array.")
    dt = user_dtype(dtype, "array")
    t = type(object)
    if t is Array or isinstance(object, Tracer):
        out = object
        if dt is not None:
            out = P.convert(out, dt, False)
        elif t is Array and copy:
            out = wrap(np.array(object._value, copy=True), object.weak_type)
    elif t in PY_SCALARS:
        if dt is None:
            dt, weak = _dtypes.result_type(object, return_weak_type_flag=True)
            out = P.scalar_const(object, dt, weak)
        else:
            out = _scalar_array(object, dt)
    elif isinstance(object, (np.ndarray, np.generic)):
        out = _from_numpy(np.asarray(object), dt)
    elif hasattr(object, "__jax_array__"):
        return array(object.__jax_array__(), dtype, copy, order, ndmin)
    elif isinstance(object, (list, tuple)):
        out = _from_sequence(object, dt)
    elif isinstance(object, Array):
        return array(wrap(object._value, object.weak_type), dtype, copy, order, ndmin)
    else:
        try:
            arr = np.asarray(object)
        except Exception as e:  # noqa: BLE001
            raise TypeError(f"Unexpected input type for array: {type(object)}") from e
        if arr.dtype == object or arr.dtype.kind in "OUSV":
            raise TypeError(f"Unexpected input type for array: {type(object)}")
        out = _from_numpy(arr, dt)
    nd = len(_shape(out))
    if ndmin > nd:
        s = _shape(out)
        new = (1,) * (ndmin - nd) + s
        out = lax.broadcast_in_dim(out, new, tuple(range(ndmin - nd, ndmin)))
    return out


def _scalar_array(x: Any, dt: np.dtype) -> Array:
    if type(x) is int and dt.kind in "iu":
        _dtypes.check_python_int_range(x, _dtypes.default_int_dtype())
        return wrap(np.asarray(x).astype(dt)[()], False)
    if type(x) is complex and dt.kind in "fiu":
        _REAL_OF_KIND[dt.kind](x)  # Python's TypeError, as JAX raises it
    return wrap(np.asarray(x, dt)[()], False)


_REAL_OF_KIND = {"f": float, "i": int, "u": int}


def _from_numpy(arr: np.ndarray, dt: np.dtype | None) -> Array:
    if arr.dtype.kind in "OUSVM m":
        raise TypeError(f"JAX only supports number and bool dtypes, got dtype {arr.dtype}")
    target = _dtypes.canonicalize_dtype(arr.dtype) if dt is None else dt
    if arr.dtype.kind == "c" and target.kind not in "cb":
        warnings.warn(
            "Casting complex values to real discards the imaginary part",
            np.exceptions.ComplexWarning,
            stacklevel=3,
        )
        arr = arr.real
    return wrap(np.array(arr, dtype=target, copy=True), False)


def _from_sequence(obj: Any, dt: np.dtype | None) -> Any:
    leaves: list = []
    _leaves(obj, leaves)
    for x in leaves:
        if not P.is_arraylike(x) and x is not None:
            raise TypeError(f"Unexpected input type for array: {type(x)}")
    if dt is None:
        if leaves:
            dt = _dtypes.result_type(*leaves)
        else:
            dt = _dtypes.default_float_dtype()
    if any(isinstance(x, Tracer) for x in leaves):
        return _stack_leaves(obj, dt)
    for x in leaves:
        if type(x) is int:
            _dtypes.check_python_int_range(x, _dtypes.default_int_dtype())
        elif type(x) is complex and dt.kind in "fiu":
            _REAL_OF_KIND[dt.kind](x)  # Python's TypeError, as NumPy (and JAX) raise it
    try:
        arr = np.array(obj, dtype=dt if dt.kind != "b" else None)
    except OverflowError:
        raise
    except (ValueError, TypeError):
        # Ragged nests of arrays: report it as a shape mismatch, as JAX's concatenate does.
        parts = [np.shape(o) for o in obj]
        raise TypeError(
            "Cannot concatenate arrays with different numbers of dimensions: got "
            + ", ".join(str((1, *p)) for p in parts)
            + "."
        ) from None
    if arr.dtype != dt:
        arr = arr.astype(dt)
    return wrap(arr, False)


def asarray(
    a: Any,
    dtype: Any = None,
    order: str | None = None,
    *,
    copy: bool | None = None,
    device: Any = None,
) -> Any:
    """Converts to an array without copying when possible (`array(a, dtype, copy=False)`)."""
    if type(a) is Array and dtype is None:
        return a
    return array(a, dtype=dtype, copy=bool(copy), order=order)


def astype(x: Any, dtype: Any, /, *, copy: bool = False, device: Any = None) -> Any:
    """`x` converted to `dtype` (default: the default float type). From a complex type, bool
    tests for nonzero values and other real types keep the real part (with JAX's
    DeprecationWarning)."""
    P.check_arraylike("astype", x)
    dt = user_dtype(dtype, "astype") or _dtypes.default_float_dtype()
    a = P.aval(x)
    if a.dtype.kind == "c" and dt.kind != "c":
        if dt.kind == "b":
            return lax.ne(x, wrap(np.zeros((), a.dtype)[()], False))
        warnings.warn(
            "Casting from complex to real dtypes will soon raise a ValueError. Please first use "
            "jnp.real or jnp.imag to take the real/imaginary component of your input.",
            DeprecationWarning,
            stacklevel=2,
        )
        x = lax.real(x)
        a = P.aval(x)
    if a.dtype == dt and not a.weak_type:
        return x
    return lax.convert_element_type(x, dt)


# ----------------------------------------------------------------------------------------------
# Filled arrays


def zeros(shape: Any, dtype: Any = None, *, device: Any = None) -> Any:
    """An array of zeros (default dtype float32, or float64 with x64)."""
    s = _shape_tuple(shape, "zeros")
    dt = user_dtype(dtype, "zeros") or _dtypes.default_float_dtype()
    return full_const(s, 0, dt)


def ones(shape: Any, dtype: Any = None, *, device: Any = None) -> Any:
    """An array of ones (default dtype float32, or float64 with x64)."""
    s = _shape_tuple(shape, "ones")
    dt = user_dtype(dtype, "ones") or _dtypes.default_float_dtype()
    return full_const(s, 1, dt)


def empty(shape: Any, dtype: Any = None, *, device: Any = None) -> Any:
    """As `zeros` (arrays are immutable, so there is nothing to leave uninitialised)."""
    return zeros(shape, dtype)


def full(shape: Any, fill_value: Any, dtype: Any = None, *, device: Any = None) -> Any:
    """An array of `shape` filled with `fill_value` (which may be an array, broadcast)."""
    s = _shape_tuple(shape, "full")
    P.check_arraylike("full", fill_value)
    dt = user_dtype(dtype, "full")
    if dt is None:
        dt, weak = _dtypes.result_type(fill_value, return_weak_type_flag=True)
    else:
        weak = False
    v = P.convert(fill_value, dt, weak)
    if s:  # broadcast_in_dim of the Python scalar itself where JAX's lax.full stages that
        v = P.keep_scalar(fill_value, v)
    return P.broadcast_to_shape(v, s)


def _like(name: str, a: Any, dtype: Any, shape_: Any, value: Any) -> Any:
    P.check_arraylike(name, a)
    av = P.aval(a)
    s = av.shape if shape_ is None else _shape_tuple(shape_, name)
    if dtype is None:
        dt, weak = av.dtype, av.weak_type
    else:
        dt, weak = user_dtype(dtype, name), False
    return (
        full_const(s, value, dt, weak)
        if np.ndim(value) == 0 and not isinstance(value, (Array, Tracer))
        else P.broadcast_to_shape(P.convert(value, dt, weak), s)
    )


def zeros_like(a: Any, dtype: Any = None, shape: Any = None, *, device: Any = None) -> Any:
    """Zeros with the shape and dtype (and weak type) of `a`."""
    return _like("zeros_like", a, dtype, shape, 0)


def ones_like(a: Any, dtype: Any = None, shape: Any = None, *, device: Any = None) -> Any:
    """Ones with the shape and dtype (and weak type) of `a`."""
    return _like("ones_like", a, dtype, shape, 1)


def empty_like(a: Any, dtype: Any = None, shape: Any = None, *, device: Any = None) -> Any:
    """As `zeros_like`."""
    return _like("empty_like", a, dtype, shape, 0)


def full_like(
    a: Any, fill_value: Any, dtype: Any = None, shape: Any = None, *, device: Any = None
) -> Any:
    """`fill_value` with the shape and dtype (and weak type) of `a`."""
    P.check_arraylike("full_like", a, fill_value)
    return _like("full_like", a, dtype, shape, fill_value)


# ----------------------------------------------------------------------------------------------
# Ranges


def _concrete_scalar(x: Any, fn: str) -> Any:
    if isinstance(x, Tracer):
        v = x.to_concrete_value()
        if v is None:
            raise core.ConcretizationTypeError(
                f"{fn} requires concrete values for its arguments, got a traced value with "
                f"shape {x.aval.str_short()}. Pass static Python numbers (or mark the "
                "argument static under jit)."
            )
        x = v
    if isinstance(x, Array):
        x = x._value
    if np.ndim(x) != 0:
        raise ValueError(f"{fn}: arguments must be scalars, got shape {np.shape(x)}.")
    return x.item() if isinstance(x, (np.ndarray, np.generic)) else x


def arange(
    start: Any, stop: Any = None, step: Any = None, dtype: Any = None, *, device: Any = None
) -> Any:
    """Evenly spaced values in `[start, stop)`; ints give int32, floats float32 (no x64)."""
    P.check_arraylike("arange", start)
    raw = [a for a in (start, stop, step) if a is not None]
    s, e, st = (None if a is None else _concrete_scalar(a, "arange") for a in (start, stop, step))
    dt = _dtypes.result_type(*raw) if dtype is None else user_dtype(dtype, "arange")
    if e is None:
        if st is not None:
            raise TypeError("arange: stop must be given when step is given")
        s, e = 0, s
    st = 1 if st is None else st
    if all(type(v) is int for v in (s, e, st)) and st == 1 and lax.has("iota"):
        out = lax.iota(dt, max(e - s, 0))
        return out if s == 0 else lax.add(P.scalar_const(s, dt, False), out)
    return wrap(np.arange(s, e, st).astype(dt), False)


def linspace(
    start: Any,
    stop: Any,
    num: int = 50,
    endpoint: bool = True,
    retstep: bool = False,
    dtype: Any = None,
    axis: int = 0,
    *,
    device: Any = None,
) -> Any:
    """`num` evenly spaced values from `start` to `stop` (included when `endpoint`)."""
    num = operator.index(num)
    if num < 0:
        raise ValueError(f"Number of samples, {num}, must be non-negative.")
    P.check_arraylike("linspace", start, stop)
    dt = user_dtype(dtype, "linspace")
    if dt is None:
        dt = P.to_inexact_dtype(_dtypes.result_type(start, stop))
    cdt = P.to_inexact_dtype(dt)
    start, stop = P.convert(start, cdt, False), P.convert(stop, cdt, False)
    bshape = P.broadcast_shapes("linspace", _shape(start), _shape(stop))
    start, stop = P.broadcast_to_shape(start, bshape), P.broadcast_to_shape(stop, bshape)
    nd = len(bshape)
    axis = P.canonicalize_axis(axis, nd + 1)
    bd = tuple(i for i in range(nd + 1) if i != axis)

    def along(x, n):
        return lax.broadcast_in_dim(x, bshape[:axis] + (n,) + bshape[axis:], bd)

    div = num - 1 if endpoint else num
    delta = lax.div(lax.sub(stop, start), _c(div, cdt))
    if num == 1:
        out = along(start, 1)
    elif num == 0:
        out = full_const(bshape[:axis] + (0,) + bshape[axis:], 0, cdt)
    else:
        n_body = num - 1 if endpoint else num
        s2 = bshape[:axis] + (n_body,) + bshape[axis:]
        frac = lax.div(_iota_along(cdt, s2, axis), _c(div, cdt))
        body = lax.add(
            lax.mul(along(start, n_body), lax.sub(_c(1, cdt), frac)),
            lax.mul(along(stop, n_body), frac),
        )
        out = lax.concatenate([body, along(stop, 1)], axis) if endpoint else body
    if dt.kind in "iu":
        out = lax.convert_element_type(lax.floor(out), dt)
    elif dt != cdt:
        out = lax.convert_element_type(out, dt)
    return (out, delta) if retstep else out


def _c(v: Any, dt: np.dtype) -> Array:
    return wrap(np.asarray(v, dt)[()], False)


def _iota_along(dt: np.dtype, s: tuple[int, ...], axis: int) -> Any:
    if lax.has("broadcasted_iota"):
        return lax.broadcasted_iota(dt, s, axis)
    if lax.has("iota"):
        io = lax.iota(dt, s[axis])
    else:
        io = wrap(np.arange(s[axis], dtype=dt), False)
    return lax.broadcast_in_dim(io, s, (axis,))


def logspace(
    start: Any,
    stop: Any,
    num: int = 50,
    endpoint: bool = True,
    base: Any = 10.0,
    dtype: Any = None,
    axis: int = 0,
) -> Any:
    """`base ** linspace(start, stop, num)`."""
    from jaxlite._src.numpy import ufuncs  # noqa: PLC0415

    dt = user_dtype(dtype, "logspace")
    lin = linspace(start, stop, num, endpoint=endpoint, axis=axis)
    out = ufuncs.power(base, lin)
    return out if dt is None else P.convert(out, dt, False)


def eye(N: int, M: int | None = None, k: int = 0, dtype: Any = None, *, device: Any = None) -> Any:
    """A 2-D array with ones on the `k`-th diagonal."""
    n = operator.index(N)
    m = n if M is None else operator.index(M)
    k = operator.index(k)
    if n < 0 or m < 0:
        raise ValueError(f"negative dimensions are not allowed, got {n} and {m}")
    dt = user_dtype(dtype, "eye") or _dtypes.default_float_dtype()
    return _tri_mask(n, m, k, dt, "eq")


def _tri_mask(n: int, m: int, k: int, dt: np.dtype, cmp: str) -> Any:
    """`row + k (cmp) col` as `dt`: eq gives eye, ge gives tri."""
    if not lax.has("iota"):
        base = np.eye(n, m, k, dtype=dt) if cmp == "eq" else np.tri(n, m, k, dtype=dt)
        return wrap(base, False)
    idt = _dtypes.default_int_dtype()
    rows = _iota_along(idt, (n, m), 0)
    cols = _iota_along(idt, (n, m), 1)
    rows = lax.add(rows, wrap(np.asarray(k, idt)[()], False))
    mask = getattr(lax, cmp)(rows, cols)
    return lax.convert_element_type(mask, dt)


def identity(n: int, dtype: Any = None) -> Any:
    """The `n`-by-`n` identity matrix."""
    return eye(n, dtype=dtype)


def tri(N: int, M: int | None = None, k: int = 0, dtype: Any = None) -> Any:
    """Ones at and below the `k`-th diagonal."""
    n = operator.index(N)
    m = n if M is None else operator.index(M)
    # JAX's jnp.tri defaults to float32 even with x64 enabled.
    dt = user_dtype(dtype, "tri") or np.dtype(np.float32)
    return _tri_mask(n, m, operator.index(k), dt, "ge")


def _tri_select(name: str, m: Any, k: int, lower: bool) -> Any:
    from jaxlite._src.numpy.ufuncs import where  # noqa: PLC0415

    P.check_arraylike(name, m)
    m = P.to_jax(m) if type(m) not in PY_SCALARS else array(m)
    s = _shape(m)
    if len(s) < 2:
        raise ValueError(f"{name} requires an array of at least two dimensions")
    n_, m_ = s[-2:]
    k = operator.index(k)
    mask = _tri_mask(n_, m_, k if lower else k - 1, np.dtype(bool), "ge")
    mask = P.broadcast_to_shape(mask, s)
    zero = P.broadcast_to_shape(full_const((), 0, dtype_of(m), P.aval(m).weak_type), s)
    return where(mask, m, zero) if lower else where(mask, zero, m)


def tril(m: Any, k: int = 0) -> Any:
    """Zeros above the `k`-th diagonal of the last two axes."""
    return _tri_select("tril", m, k, True)


def triu(m: Any, k: int = 0) -> Any:
    """Zeros below the `k`-th diagonal of the last two axes."""
    return _tri_select("triu", m, k, False)


def meshgrid(*xi: Any, copy: bool = True, sparse: bool = False, indexing: str = "xy") -> list:
    """Coordinate arrays from 1-D coordinate vectors ('xy' or 'ij' indexing)."""
    P.check_arraylike("meshgrid", *xi)
    if indexing not in ("xy", "ij"):
        raise ValueError(f"Valid values for indexing are 'xy' and 'ij', got {indexing}")
    args = [asarray(x) for x in xi]
    for a in args:
        if len(_shape(a)) != 1:
            raise ValueError(f"Arguments to jax.numpy.meshgrid must be 1D, got shape {_shape(a)}")
    sizes = [_shape(a)[0] for a in args]
    if indexing == "xy" and len(args) >= 2:
        sizes[0], sizes[1] = sizes[1], sizes[0]
    out = []
    nd = len(args)
    for i, a in enumerate(args):
        d = i
        if indexing == "xy" and nd >= 2 and i < 2:
            d = 1 - i
        if sparse:
            s = tuple(sizes[j] if j == d else 1 for j in range(nd))
        else:
            s = tuple(sizes)
        out.append(lax.broadcast_in_dim(a, s, (d,)))
    return out
