"""Whole-array comparisons, type predicates, nan_to_num, unravel_index, constants, printing."""

from __future__ import annotations

from typing import Any

import numpy as np

from jaxlite._src import dtypes as _dtypes
from jaxlite._src.numpy import _lax as lax
from jaxlite._src.numpy import promotion as P
from jaxlite._src.numpy import reductions, ufuncs
from jaxlite._src.numpy.promotion import PY_SCALARS, check_arraylike, dtype_of, shape, wrap

pi = np.pi
e = np.e
euler_gamma = np.euler_gamma
inf = np.inf
nan = np.nan
newaxis = None

# Array printing is NumPy's: `repr(Array)` follows these options.
printoptions = np.printoptions
set_printoptions = np.set_printoptions
get_printoptions = np.get_printoptions


def allclose(a: Any, b: Any, rtol: Any = 1e-05, atol: Any = 1e-08, equal_nan: bool = False) -> Any:
    """True if every element of `a` is close to `b` (see `isclose`)."""
    return reductions.all(ufuncs.isclose(a, b, rtol, atol, equal_nan))


def array_equal(a1: Any, a2: Any, equal_nan: bool = False) -> Any:
    """True if the arrays have the same shape and elements (False for other shapes)."""
    check_arraylike("array_equal", a1, a2)
    if shape(_jax(a1)) != shape(_jax(a2)):
        return wrap(np.bool_(False), False)
    eq = ufuncs.equal(a1, a2)
    if equal_nan:
        eq = ufuncs.logical_or(eq, ufuncs.logical_and(ufuncs.isnan(a1), ufuncs.isnan(a2)))
    return reductions.all(eq)


def array_equiv(a1: Any, a2: Any) -> Any:
    """True if the arrays broadcast together and are equal elementwise."""
    check_arraylike("array_equiv", a1, a2)
    try:
        P.broadcast_shapes("array_equiv", shape(_jax(a1)), shape(_jax(a2)))
    except TypeError:
        return wrap(np.bool_(False), False)
    return reductions.all(ufuncs.equal(a1, a2))


def _jax(x: Any) -> Any:
    if type(x) in PY_SCALARS:
        return x
    return P.to_jax(x)


def iscomplexobj(x: Any) -> bool:
    """True if `x` has a complex dtype."""
    try:
        return dtype_of(x).kind == "c"
    except TypeError:
        return np.iscomplexobj(x)


def isrealobj(x: Any) -> bool:
    """True if `x` does not have a complex dtype."""
    return not iscomplexobj(x)


def iscomplex(x: Any) -> Any:
    """Elementwise: nonzero imaginary part."""
    i = ufuncs.imag(x)
    return ufuncs.not_equal(i, wrap(np.zeros((), dtype_of(i))[()], False))


def isreal(x: Any) -> Any:
    """Elementwise: zero imaginary part."""
    i = ufuncs.imag(x)
    return ufuncs.equal(i, wrap(np.zeros((), dtype_of(i))[()], False))


def nan_to_num(
    x: Any, copy: bool = True, nan: Any = 0.0, posinf: Any = None, neginf: Any = None
) -> Any:
    """NaN to `nan`, +inf/-inf to `posinf`/`neginf` (default: the dtype's max/min)."""
    check_arraylike("nan_to_num", x)
    (x,) = P.promote_dtypes(x)
    x = _jax(x) if type(x) not in PY_SCALARS else x
    dt = dtype_of(x)
    if dt.kind not in "fc":
        return x
    if dt.kind == "c":
        return lax.complex(
            nan_to_num(lax.real(x), nan=nan, posinf=posinf, neginf=neginf),
            nan_to_num(lax.imag(x), nan=nan, posinf=posinf, neginf=neginf),
        )
    info = np.finfo(dt)
    posinf = info.max if posinf is None else posinf
    neginf = info.min if neginf is None else neginf
    w = P.aval(x).weak_type
    out = ufuncs.where(
        ufuncs.isnan(x), P.convert(nan, dt, w) if type(nan) in PY_SCALARS else nan, x
    )
    out = ufuncs.where(ufuncs.isposinf(out), wrap(np.asarray(posinf, dt)[()], w), out)
    out = ufuncs.where(ufuncs.isneginf(out), wrap(np.asarray(neginf, dt)[()], w), out)
    return out


def unravel_index(indices: Any, shape: tuple[int, ...]) -> tuple:  # noqa: F811
    """Coordinates of flat `indices` in an array of `shape` (indices clamp into range)."""
    check_arraylike("unravel_index", indices)
    idx = _jax(indices)
    if type(idx) in PY_SCALARS:
        idx = P.convert(idx, _dtypes.default_int_dtype(), False)
    dims = tuple(int(d) for d in shape)
    total = int(np.prod(dims, dtype=np.int64))
    dt = dtype_of(idx)
    idx = ufuncs.clip(idx, -total, total - 1)
    idx = ufuncs.where(
        ufuncs.less(idx, wrap(np.zeros((), dt)[()], False)),
        ufuncs.add(idx, wrap(np.asarray(total, dt)[()], False)),
        idx,
    )
    out = []
    for d in reversed(dims):
        dd = wrap(np.asarray(d, dt)[()], False)
        out.append(ufuncs.remainder(idx, dd))
        idx = ufuncs.floor_divide(idx, dd)
    return tuple(reversed(out))
