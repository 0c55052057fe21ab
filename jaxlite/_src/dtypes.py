"""Dtype canonicalization, weak types and JAX's type-promotion lattice.

This module sits below the core: it imports only NumPy and the config object. Promotion runs
on every eager operation, so results are memoised in dicts keyed by ``(dtype, weak_type)``
tuples and the caches are dropped whenever ``jax_enable_x64`` changes.

``bfloat16`` (and the other ml_dtypes float8/int4 types) are not part of NumPy, so jaxlite does
not provide them and they do not appear in the lattice.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from jaxlite._src.config import config

__all__ = [
    "canonicalize_dtype",
    "check_python_int_range",
    "default_complex_dtype",
    "default_float_dtype",
    "default_int_dtype",
    "default_uint_dtype",
    "dtype",
    "finfo",
    "float0",
    "iinfo",
    "is_bool",
    "is_complex",
    "is_float",
    "is_inexact",
    "is_int",
    "is_python_scalar",
    "is_weakly_typed",
    "issubdtype",
    "promote_types",
    "result_type",
    "short_dtype_name",
    "tangent_dtype",
    "weak_scalar_dtype",
]

finfo = np.finfo
iinfo = np.iinfo

#: Tangent dtype of integer and boolean values: a zero-size void type.
float0: np.dtype = np.dtype([("float0", np.void, 0)])

_b1 = np.dtype(np.bool_)
_u8, _u16, _u32, _u64 = (np.dtype(t) for t in (np.uint8, np.uint16, np.uint32, np.uint64))
_i8, _i16, _i32, _i64 = (np.dtype(t) for t in (np.int8, np.int16, np.int32, np.int64))
_f16, _f32, _f64 = (np.dtype(t) for t in (np.float16, np.float32, np.float64))
_c64, _c128 = np.dtype(np.complex64), np.dtype(np.complex128)

# Weak lattice nodes (Python int/float/complex). Strings keep them distinct from any np.dtype.
_WI, _WF, _WC = "i*", "f*", "c*"
_WEAK_NODES = frozenset((_WI, _WF, _WC))
_WEAK_NODE_OF_KIND = {"i": _WI, "u": _WI, "f": _WF, "c": _WC}
_WEAK_NODE_OF_PYTYPE: dict[type, str] = {int: _WI, float: _WF, complex: _WC}

_NUMERIC_DTYPES = (_b1, _u8, _u16, _u32, _u64, _i8, _i16, _i32, _i64, _f16, _f32, _f64, _c64, _c128)
# Dtypes a JAX array may have; float0 is valid but takes no part in promotion.
_VALID_DTYPES = frozenset((*_NUMERIC_DTYPES, float0))

# `isinstance(x, np.dtype)` is slow (np.dtype has a metaclass); test the concrete classes first.
_DTYPE_CLASSES = frozenset(type(d) for d in _VALID_DTYPES)

_TO_32BIT = {_i64: _i32, _u64: _u32, _f64: _f32, _c128: _c64}


def _lattice_edges(x64: bool) -> dict[Any, tuple[Any, ...]]:
    """Immediate successors of each node in JAX's standard promotion lattice."""
    edges: dict[Any, tuple[Any, ...]] = {
        _b1: (_WI,),
        _WI: (_u8, _i8),
        _u8: (_i16, _u16),
        _u16: (_i32, _u32),
        _u32: (_i64, _u64),
        _u64: (_WF,),
        _i8: (_i16,),
        _i16: (_i32,),
        _i32: (_i64,),
        _i64: (_WF,),
        _WF: (_f16, _WC),
        _f16: (_f32,),
        _f32: (_f64, _c64),
        _f64: (_c128,),
        _WC: (_c64,),
        _c64: (_c128,),
        _c128: (),
    }
    if not x64:
        # Without x64, two 32-bit inputs must never produce a 64-bit type: u32 joins i32 at i32.
        edges[_u32] = (_i32, _u64)
    return edges


def _upper_bounds(x64: bool) -> dict[Any, frozenset[Any]]:
    """Maps each node to the set of nodes reachable from it (itself included)."""
    edges = _lattice_edges(x64)
    ubs: dict[Any, frozenset[Any]] = {}

    def visit(node: Any) -> frozenset[Any]:
        if node not in ubs:
            ubs[node] = frozenset({node}).union(*(visit(s) for s in edges[node]))
        return ubs[node]

    for node in edges:
        visit(node)
    return ubs


_UPPER_BOUNDS = {False: _upper_bounds(False), True: _upper_bounds(True)}

# Mutable module state derived from `jax_enable_x64`; `_sync` rebuilds it on every flag update.
_x64: bool = False
_canon_map: dict[np.dtype, np.dtype] = {}
_default_of_kind: dict[str, np.dtype] = {}
_scalar_keys: dict[type, tuple[np.dtype, bool]] = {}
_result_cache: dict[tuple[tuple[np.dtype, bool], ...], tuple[np.dtype, bool]] = {}
_promote_cache: dict[tuple[Any, Any], np.dtype] = {}
_canonicalize_cache: dict[tuple[type, Any], np.dtype] = {}
_CACHE_LIMIT = 8192


def _sync() -> None:
    global _x64, _canon_map
    _x64 = bool(config.x64_enabled)
    _canon_map = {} if _x64 else _TO_32BIT
    _default_of_kind.clear()
    _default_of_kind.update(
        b=_b1,
        i=_i64 if _x64 else _i32,
        u=_u64 if _x64 else _u32,
        f=_f64 if _x64 else _f32,
        c=_c128 if _x64 else _c64,
    )
    _scalar_keys.clear()
    _scalar_keys.update(
        {
            bool: (_b1, False),  # Python bools are not weakly typed in JAX.
            int: (_default_of_kind["i"], True),
            float: (_default_of_kind["f"], True),
            complex: (_default_of_kind["c"], True),
        }
    )
    _result_cache.clear()
    _promote_cache.clear()
    _canonicalize_cache.clear()


def _on_config_update(name: str, value: Any) -> None:
    if name == "jax_enable_x64":
        _sync()


_sync()
config.add_listener(_on_config_update)


def default_float_dtype() -> np.dtype:
    """Returns float64 with x64 enabled, else float32."""
    return _default_of_kind["f"]


def default_int_dtype() -> np.dtype:
    """Returns int64 with x64 enabled, else int32."""
    return _default_of_kind["i"]


def default_uint_dtype() -> np.dtype:
    """Returns uint64 with x64 enabled, else uint32."""
    return _default_of_kind["u"]


def default_complex_dtype() -> np.dtype:
    """Returns complex128 with x64 enabled, else complex64."""
    return _default_of_kind["c"]


def canonicalize_dtype(dtype: Any) -> np.dtype:
    """Maps a dtype-like to the dtype JAX would use under the current x64 setting.

    Args:
      dtype: anything ``np.dtype`` accepts; Python ``int``/``float``/``complex`` mean the
        64-bit NumPy types and hence the default JAX types.

    Returns:
      The dtype, with 64-bit types narrowed to 32 bits when x64 is disabled.
    """
    if type(dtype) in _DTYPE_CLASSES or isinstance(dtype, np.dtype):
        return _canon_map.get(dtype, dtype)
    # The key includes the type so that e.g. `int` and `np.dtype('int64')` (equal in NumPy)
    # can never alias in the cache.
    key = (type(dtype), dtype)
    try:
        return _canonicalize_cache[key]
    except KeyError:
        pass
    except TypeError:  # Unhashable input: skip the cache.
        key = None
    try:
        dt = np.dtype(dtype)
    except TypeError as e:
        raise TypeError(f"dtype {dtype!r} not understood") from e
    out = _canon_map.get(dt, dt)
    if key is not None and len(_canonicalize_cache) < _CACHE_LIMIT:
        _canonicalize_cache[key] = out
    return out


def is_python_scalar(x: Any) -> bool:
    """True for Python ``bool``/``int``/``float``/``complex`` values (not NumPy scalars)."""
    # Exact type test: np.float64 subclasses float but is not a weak Python scalar.
    return type(x) in _scalar_keys


def is_weakly_typed(x: Any) -> bool:
    """True for Python int/float/complex values and values carrying ``weak_type=True``."""
    key = _scalar_keys.get(type(x))
    if key is not None:
        return key[1]
    return bool(getattr(x, "weak_type", False))


def weak_scalar_dtype(x: Any) -> np.dtype:
    """The canonical dtype a Python scalar takes when it is materialised as an array."""
    key = _scalar_keys.get(type(x))
    if key is None:
        raise TypeError(f"Expected a Python scalar, got {type(x).__name__}")
    return key[0]


def _invalid_dtype_error(x: Any, dt: np.dtype) -> TypeError:
    return TypeError(
        f"Value '{x}' with dtype {dt} is not a valid JAX array type. "
        "Only arrays of numeric types are supported by JAX."
    )


def _dtype_slow(x: Any) -> Any:
    """`dtype` for inputs without a plain ``dtype`` attribute: types, strings, dtypes, others."""
    if x is None:
        raise ValueError(f"Invalid argument to dtype: {x}.")
    if isinstance(x, type):
        key = _scalar_keys.get(x)
        if key is not None:
            return key
        if issubclass(x, np.generic):
            return np.dtype(x)
    elif isinstance(x, (str, np.dtype)):
        return np.dtype(x)
    else:
        dt = getattr(x, "dtype", None)
        if isinstance(dt, np.dtype):
            return dt
    try:
        return np.result_type(x)
    except TypeError as err:
        raise TypeError(f"Cannot determine dtype of {x}") from err


def dtype(x: Any, canonicalize: bool = False) -> np.dtype:
    """Returns the dtype of a value or dtype-like.

    Args:
      x: a Python scalar or scalar type, an object with a ``dtype`` attribute (NumPy or jaxlite
        arrays and scalars), or a dtype-like such as ``np.float32``, ``'float32'`` or a dtype.
      canonicalize: narrow the result to the current x64 setting. Python scalars and Python
        scalar types always give the canonical default dtype of their kind.

    Returns:
      A ``np.dtype``.

    Raises:
      TypeError: if no dtype can be determined, or it is not one JAX arrays may have.
    """
    key = _scalar_keys.get(type(x))
    if key is not None:
        return key[0]
    dt = getattr(x, "dtype", None)
    if type(dt) not in _DTYPE_CLASSES:  # Not an array/scalar with an ordinary dtype.
        dt = _dtype_slow(x)
        if type(dt) is tuple:  # A Python scalar type: always its canonical default dtype.
            return dt[0]
    if dt not in _VALID_DTYPES:
        raise _invalid_dtype_error(x, dt)
    return _canon_map.get(dt, dt) if canonicalize else dt


# type -> whether it is a NumPy array/scalar type; a per-type dict beats isinstance on the hot path.
_numpy_types: dict[type, bool] = {}


def _arg_key(x: Any) -> tuple[np.dtype, bool]:
    """The ``(dtype, weak_type)`` pair an argument of `result_type` contributes."""
    t = type(x)
    key = _scalar_keys.get(t)
    if key is not None:
        return key
    is_numpy = _numpy_types.get(t)
    if is_numpy is None:
        is_numpy = _numpy_types[t] = issubclass(t, (np.ndarray, np.generic))
    if is_numpy:
        dt = x.dtype
        return _canon_map.get(dt, dt), False
    dt = getattr(x, "dtype", None)
    if type(dt) in _DTYPE_CLASSES or isinstance(dt, np.dtype):
        # jaxlite values keep their dtype: like JAX, an x64 value formed earlier is respected.
        weak = getattr(x, "weak_type", False)
        return dt, weak if weak is True or weak is False else bool(weak)
    if x is None:
        return _default_of_kind["f"], False
    # The Python types int/float/complex stand for weak types, as in JAX.
    weak = x is int or x is float or x is complex
    return dtype(x, canonicalize=True), weak


def _join(nodes: set[Any]) -> Any:
    """Least upper bound of lattice nodes under the current x64 setting."""
    ubs = _UPPER_BOUNDS[_x64]
    try:
        common = frozenset.intersection(*(ubs[n] for n in nodes))
    except KeyError:
        bad = next(n for n in nodes if n not in ubs)
        raise ValueError(f"dtype={bad!r} is not a valid dtype for JAX type promotion.") from None
    # The join is the common upper bound that lies below every other common upper bound.
    for c in common:
        if common <= ubs[c]:
            return c
    raise TypeError(f"Input dtypes {tuple(str(n) for n in nodes)} have no promotion path.")


def _node_dtype(node: Any) -> np.dtype:
    if node in _WEAK_NODES:
        return _default_of_kind[node[0]]
    return _canon_map.get(node, node)


def _compute_result(key: tuple[tuple[np.dtype, bool], ...]) -> tuple[np.dtype, bool]:
    for dt, _ in key:
        if dt not in _VALID_DTYPES:
            raise _invalid_dtype_error(dt, dt)
    all_weak = all(w for _, w in key)
    first = key[0][0]
    if len(key) == 1:
        dt, weak = key[0]
    elif not all_weak and all(d == first for d, _ in key):
        dt, weak = first, False
    elif all_weak:
        # Join the strong counterparts, then re-apply weakness: this keeps non-canonical weak
        # inputs (e.g. a weak int16 value) from producing a narrow weak result.
        dt, weak = _node_dtype(_join({d for d, _ in key})), True
    else:
        node = _join({_WEAK_NODE_OF_KIND.get(d.kind, d) if w else d for d, w in key})
        dt, weak = _node_dtype(node), node in _WEAK_NODES
    if weak:
        if dt.kind == "b":
            weak = False
        else:
            # A weak result always materialises as the default type of its kind.
            dt = _default_of_kind[dt.kind]
    return dt, weak


def result_type(*args: Any, return_weak_type_flag: bool = False) -> Any:
    """Applies JAX's promotion rules to values and/or dtypes.

    Args:
      *args: Python scalars or the types ``int``/``float``/``complex`` (weak), arrays and
        jaxlite values (weak if their ``weak_type`` is set), dtype-likes, or ``None`` (meaning
        the default float dtype).
      return_weak_type_flag: also return whether the result is weakly typed.

    Returns:
      The canonical result dtype, or ``(dtype, weak_type)`` with the flag.
    """
    if not args:
        raise ValueError("at least one array or dtype is required")
    # Unary and binary ops dominate; building their keys directly skips tuple(map(...)).
    n = len(args)
    if n == 2:
        key = (_arg_key(args[0]), _arg_key(args[1]))
    elif n == 1:
        key = (_arg_key(args[0]),)
    else:
        key = tuple(map(_arg_key, args))
    try:
        out = _result_cache[key]
    except KeyError:
        out = _compute_result(key)
        if len(_result_cache) >= _CACHE_LIMIT:
            _result_cache.clear()
        _result_cache[key] = out
    return out if return_weak_type_flag else out[0]


def promote_types(a: Any, b: Any) -> np.dtype:
    """The dtype a binary operation casts two dtypes to (``jnp.promote_types``).

    Python ``int``/``float``/``complex`` act as weak types, so they keep the width of the other
    argument; two weak types give NumPy's 64-bit type. The result is not canonicalized.
    """
    # Identity tests: np.dtype('int64') == int is True, but only the type itself is weak.
    na = _WEAK_NODE_OF_PYTYPE[a] if a is int or a is float or a is complex else np.dtype(a)
    nb = _WEAK_NODE_OF_PYTYPE[b] if b is int or b is float or b is complex else np.dtype(b)
    key = (na, nb)
    try:
        return _promote_cache[key]
    except KeyError:
        pass
    node = _join({na, nb})
    out = np.dtype({_WI: int, _WF: float, _WC: complex}[node]) if node in _WEAK_NODES else node
    _promote_cache[key] = out
    return out


_issubdtype_cache: dict[tuple[Any, ...], bool] = {}


def issubdtype(a: Any, b: Any) -> bool:
    """``np.issubdtype`` (float0 is a structured void type and behaves as NumPy says)."""
    # Types are part of the key so that equal-but-different inputs never share an entry.
    key = (type(a), a, type(b), b)
    try:
        return _issubdtype_cache[key]
    except KeyError:
        out = bool(np.issubdtype(a, b))
        if len(_issubdtype_cache) < _CACHE_LIMIT:
            _issubdtype_cache[key] = out
        return out
    except TypeError:  # Unhashable input.
        return bool(np.issubdtype(a, b))


def _kind(dt: Any) -> str:
    return (dt if type(dt) in _DTYPE_CLASSES else np.dtype(dt)).kind


def is_float(dt: Any) -> bool:
    """True for real floating dtypes."""
    return _kind(dt) == "f"


def is_int(dt: Any) -> bool:
    """True for signed or unsigned integer dtypes (not bool)."""
    return _kind(dt) in "iu"


def is_complex(dt: Any) -> bool:
    """True for complex dtypes."""
    return _kind(dt) == "c"


def is_bool(dt: Any) -> bool:
    """True for the bool dtype."""
    return _kind(dt) == "b"


def is_inexact(dt: Any) -> bool:
    """True for floating or complex dtypes."""
    return _kind(dt) in "fc"


def tangent_dtype(dt: Any) -> np.dtype:
    """The dtype of tangents/cotangents for primal values of dtype ``dt``."""
    dt = dt if type(dt) in _DTYPE_CLASSES else np.dtype(dt)
    # Anything without a meaningful derivative (bool, ints, float0) has float0 tangents.
    return dt if dt.kind in "fc" else float0


def check_python_int_range(x: Any, dtype: Any) -> None:
    """Raises OverflowError if the Python int ``x`` does not fit in integer ``dtype``.

    Mirrors JAX, which refuses (rather than wraps) out-of-range Python ints when they are
    materialised. Non-int values and non-integer dtypes are not checked.
    """
    if type(x) is not int:
        return
    dt = dtype if type(dtype) in _DTYPE_CLASSES else np.dtype(dtype)
    if dt.kind not in "iu":
        return
    info = np.iinfo(dt)
    if not info.min <= x <= info.max:
        raise OverflowError(f"Python int {x} too large to convert to {dt.name}")


# Kind letter plus bit width (i32, u8, f16, c64), except bool and float0 which keep their names.
_SHORT_NAMES: dict[np.dtype, str] = {
    d: "bool" if d.kind == "b" else f"{d.kind}{8 * d.itemsize}" for d in _NUMERIC_DTYPES
}
_SHORT_NAMES[float0] = "float0"


def short_dtype_name(dt: Any) -> str:
    """Abbreviated dtype name used in jaxpr printing: ``f32``, ``u8``, ``bool``, ``float0``."""
    dt = dt if type(dt) in _DTYPE_CLASSES else np.dtype(dt)
    name = _SHORT_NAMES.get(dt)
    return name if name is not None else dt.name
