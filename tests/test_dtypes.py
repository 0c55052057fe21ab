"""Tests for jaxlite._src.dtypes: canonicalization, weak types and the promotion lattice.

The promotion tables below were produced by running real JAX 0.10.2 (CPU); the oracle tests at
the end recompute them live when JAX is installed.
"""

from __future__ import annotations

import itertools
import random
import warnings
from typing import Any

import numpy as np
import pytest

from jaxlite._src import dtypes
from jaxlite._src.config import config, enable_x64

NODES = ["b1", "i*", "f*", "c*", "u8", "u16", "u32", "u64"]
NODES += ["i8", "i16", "i32", "i64", "f16", "f32", "f64", "c64", "c128"]
_NP_NAMES = {
    "b1": "bool",
    **{f"u{b}": f"uint{b}" for b in (8, 16, 32, 64)},
    **{f"i{b}": f"int{b}" for b in (8, 16, 32, 64)},
    **{f"f{b}": f"float{b}" for b in (16, 32, 64)},
    "c64": "complex64",
    "c128": "complex128",
}
_WEAK_VALUES: dict[str, Any] = {"i*": 1, "f*": 1.0, "c*": 1j}
_WEAK_TYPES: dict[str, type] = {"i*": int, "f*": float, "c*": complex}


def _table(text: str) -> dict[tuple[str, str], str]:
    """Parses blocks of `row col col ...` grids (blank-line separated) into {(row, col): cell}."""
    out: dict[tuple[str, str], str] = {}
    cols: list[str] | None = None
    for line in text.splitlines():
        tokens = line.split()
        if not tokens:
            cols = None
        elif cols is None:
            cols = tokens
        else:
            out.update({(tokens[0], c): v for c, v in zip(cols, tokens[1:], strict=True)})
    return out


def _as_value(node: str) -> Any:
    """A value sitting at `node`: a Python scalar for weak nodes, else a 0-d NumPy array."""
    return _WEAK_VALUES[node] if node in _WEAK_VALUES else np.zeros((), _NP_NAMES[node])


def _as_dtype_like(node: str) -> Any:
    return _WEAK_TYPES[node] if node in _WEAK_TYPES else np.dtype(_NP_NAMES[node])


def _short(dt: np.dtype, weak: bool = False) -> str:
    return dtypes.short_dtype_name(dt) + ("*" if weak else "")


class FakeValue:
    """Stands in for a jaxlite Array/Tracer: only `dtype` and `weak_type` matter here."""

    def __init__(self, dtype: Any, weak_type: bool) -> None:
        self.dtype = np.dtype(dtype)
        self.weak_type = weak_type


@pytest.fixture(params=[False, True], ids=["x32", "x64"])
def x64(request: pytest.FixtureRequest) -> Any:
    with enable_x64(request.param):
        yield request.param


# Grids: row node promoted with column node. `*` marks a weakly typed result.

PROMOTE_X32 = _table(
    """
             b1    i*    f*    c*    u8   u16   u32   u64    i8
       b1  bool   i64   f64  c128    u8   u16   u32   u64    i8
       i*   i64   i64   f64  c128    u8   u16   u32   u64    i8
       f*   f64   f64   f64  c128   f64   f64   f64   f64   f64
       c*  c128  c128  c128  c128  c128  c128  c128  c128  c128
       u8    u8    u8   f64  c128    u8   u16   u32   u64   i16
      u16   u16   u16   f64  c128   u16   u16   u32   u64   i32
      u32   u32   u32   f64  c128   u32   u32   u32   u64   i32
      u64   u64   u64   f64  c128   u64   u64   u64   u64   f64
       i8    i8    i8   f64  c128   i16   i32   i32   f64    i8
      i16   i16   i16   f64  c128   i16   i32   i32   f64   i16
      i32   i32   i32   f64  c128   i32   i32   i32   f64   i32
      i64   i64   i64   f64  c128   i64   i64   i64   f64   i64
      f16   f16   f16   f16   c64   f16   f16   f16   f16   f16
      f32   f32   f32   f32   c64   f32   f32   f32   f32   f32
      f64   f64   f64   f64  c128   f64   f64   f64   f64   f64
      c64   c64   c64   c64   c64   c64   c64   c64   c64   c64
     c128  c128  c128  c128  c128  c128  c128  c128  c128  c128

            i16   i32   i64   f16   f32   f64   c64  c128
       b1   i16   i32   i64   f16   f32   f64   c64  c128
       i*   i16   i32   i64   f16   f32   f64   c64  c128
       f*   f64   f64   f64   f16   f32   f64   c64  c128
       c*  c128  c128  c128   c64   c64  c128   c64  c128
       u8   i16   i32   i64   f16   f32   f64   c64  c128
      u16   i32   i32   i64   f16   f32   f64   c64  c128
      u32   i32   i32   i64   f16   f32   f64   c64  c128
      u64   f64   f64   f64   f16   f32   f64   c64  c128
       i8   i16   i32   i64   f16   f32   f64   c64  c128
      i16   i16   i32   i64   f16   f32   f64   c64  c128
      i32   i32   i32   i64   f16   f32   f64   c64  c128
      i64   i64   i64   i64   f16   f32   f64   c64  c128
      f16   f16   f16   f16   f16   f32   f64   c64  c128
      f32   f32   f32   f32   f32   f32   f64   c64  c128
      f64   f64   f64   f64   f64   f64   f64  c128  c128
      c64   c64   c64   c64   c64   c64  c128   c64  c128
     c128  c128  c128  c128  c128  c128  c128  c128  c128
    """
)
RESULT_X32 = _table(
    """
             b1    i*    f*    c*    u8   u16   u32   u64    i8
       b1  bool  i32*  f32*  c64*    u8   u16   u32   u32    i8
       i*  i32*  i32*  f32*  c64*    u8   u16   u32   u32    i8
       f*  f32*  f32*  f32*  c64*  f32*  f32*  f32*  f32*  f32*
       c*  c64*  c64*  c64*  c64*  c64*  c64*  c64*  c64*  c64*
       u8    u8    u8  f32*  c64*    u8   u16   u32   u32   i16
      u16   u16   u16  f32*  c64*   u16   u16   u32   u32   i32
      u32   u32   u32  f32*  c64*   u32   u32   u32   u32   i32
      u64   u32   u32  f32*  c64*   u32   u32   u32   u32   i32
       i8    i8    i8  f32*  c64*   i16   i32   i32   i32    i8
      i16   i16   i16  f32*  c64*   i16   i32   i32   i32   i16
      i32   i32   i32  f32*  c64*   i32   i32   i32   i32   i32
      i64   i32   i32  f32*  c64*   i32   i32   i32   i32   i32
      f16   f16   f16   f16   c64   f16   f16   f16   f16   f16
      f32   f32   f32   f32   c64   f32   f32   f32   f32   f32
      f64   f32   f32   f32   c64   f32   f32   f32   f32   f32
      c64   c64   c64   c64   c64   c64   c64   c64   c64   c64
     c128   c64   c64   c64   c64   c64   c64   c64   c64   c64

            i16   i32   i64   f16   f32   f64   c64  c128
       b1   i16   i32   i32   f16   f32   f32   c64   c64
       i*   i16   i32   i32   f16   f32   f32   c64   c64
       f*  f32*  f32*  f32*   f16   f32   f32   c64   c64
       c*  c64*  c64*  c64*   c64   c64   c64   c64   c64
       u8   i16   i32   i32   f16   f32   f32   c64   c64
      u16   i32   i32   i32   f16   f32   f32   c64   c64
      u32   i32   i32   i32   f16   f32   f32   c64   c64
      u64   i32   i32   i32   f16   f32   f32   c64   c64
       i8   i16   i32   i32   f16   f32   f32   c64   c64
      i16   i16   i32   i32   f16   f32   f32   c64   c64
      i32   i32   i32   i32   f16   f32   f32   c64   c64
      i64   i32   i32   i32   f16   f32   f32   c64   c64
      f16   f16   f16   f16   f16   f32   f32   c64   c64
      f32   f32   f32   f32   f32   f32   f32   c64   c64
      f64   f32   f32   f32   f32   f32   f32   c64   c64
      c64   c64   c64   c64   c64   c64   c64   c64   c64
     c128   c64   c64   c64   c64   c64   c64   c64   c64
    """
)
PROMOTE_X64 = _table(
    """
             b1    i*    f*    c*    u8   u16   u32   u64    i8
       b1  bool   i64   f64  c128    u8   u16   u32   u64    i8
       i*   i64   i64   f64  c128    u8   u16   u32   u64    i8
       f*   f64   f64   f64  c128   f64   f64   f64   f64   f64
       c*  c128  c128  c128  c128  c128  c128  c128  c128  c128
       u8    u8    u8   f64  c128    u8   u16   u32   u64   i16
      u16   u16   u16   f64  c128   u16   u16   u32   u64   i32
      u32   u32   u32   f64  c128   u32   u32   u32   u64   i64
      u64   u64   u64   f64  c128   u64   u64   u64   u64   f64
       i8    i8    i8   f64  c128   i16   i32   i64   f64    i8
      i16   i16   i16   f64  c128   i16   i32   i64   f64   i16
      i32   i32   i32   f64  c128   i32   i32   i64   f64   i32
      i64   i64   i64   f64  c128   i64   i64   i64   f64   i64
      f16   f16   f16   f16   c64   f16   f16   f16   f16   f16
      f32   f32   f32   f32   c64   f32   f32   f32   f32   f32
      f64   f64   f64   f64  c128   f64   f64   f64   f64   f64
      c64   c64   c64   c64   c64   c64   c64   c64   c64   c64
     c128  c128  c128  c128  c128  c128  c128  c128  c128  c128

            i16   i32   i64   f16   f32   f64   c64  c128
       b1   i16   i32   i64   f16   f32   f64   c64  c128
       i*   i16   i32   i64   f16   f32   f64   c64  c128
       f*   f64   f64   f64   f16   f32   f64   c64  c128
       c*  c128  c128  c128   c64   c64  c128   c64  c128
       u8   i16   i32   i64   f16   f32   f64   c64  c128
      u16   i32   i32   i64   f16   f32   f64   c64  c128
      u32   i64   i64   i64   f16   f32   f64   c64  c128
      u64   f64   f64   f64   f16   f32   f64   c64  c128
       i8   i16   i32   i64   f16   f32   f64   c64  c128
      i16   i16   i32   i64   f16   f32   f64   c64  c128
      i32   i32   i32   i64   f16   f32   f64   c64  c128
      i64   i64   i64   i64   f16   f32   f64   c64  c128
      f16   f16   f16   f16   f16   f32   f64   c64  c128
      f32   f32   f32   f32   f32   f32   f64   c64  c128
      f64   f64   f64   f64   f64   f64   f64  c128  c128
      c64   c64   c64   c64   c64   c64  c128   c64  c128
     c128  c128  c128  c128  c128  c128  c128  c128  c128
    """
)
RESULT_X64 = _table(
    """
             b1    i*    f*    c*    u8   u16   u32   u64    i8
       b1  bool  i64*  f64* c128*    u8   u16   u32   u64    i8
       i*  i64*  i64*  f64* c128*    u8   u16   u32   u64    i8
       f*  f64*  f64*  f64* c128*  f64*  f64*  f64*  f64*  f64*
       c* c128* c128* c128* c128* c128* c128* c128* c128* c128*
       u8    u8    u8  f64* c128*    u8   u16   u32   u64   i16
      u16   u16   u16  f64* c128*   u16   u16   u32   u64   i32
      u32   u32   u32  f64* c128*   u32   u32   u32   u64   i64
      u64   u64   u64  f64* c128*   u64   u64   u64   u64  f64*
       i8    i8    i8  f64* c128*   i16   i32   i64  f64*    i8
      i16   i16   i16  f64* c128*   i16   i32   i64  f64*   i16
      i32   i32   i32  f64* c128*   i32   i32   i64  f64*   i32
      i64   i64   i64  f64* c128*   i64   i64   i64  f64*   i64
      f16   f16   f16   f16   c64   f16   f16   f16   f16   f16
      f32   f32   f32   f32   c64   f32   f32   f32   f32   f32
      f64   f64   f64   f64  c128   f64   f64   f64   f64   f64
      c64   c64   c64   c64   c64   c64   c64   c64   c64   c64
     c128  c128  c128  c128  c128  c128  c128  c128  c128  c128

            i16   i32   i64   f16   f32   f64   c64  c128
       b1   i16   i32   i64   f16   f32   f64   c64  c128
       i*   i16   i32   i64   f16   f32   f64   c64  c128
       f*  f64*  f64*  f64*   f16   f32   f64   c64  c128
       c* c128* c128* c128*   c64   c64  c128   c64  c128
       u8   i16   i32   i64   f16   f32   f64   c64  c128
      u16   i32   i32   i64   f16   f32   f64   c64  c128
      u32   i64   i64   i64   f16   f32   f64   c64  c128
      u64  f64*  f64*  f64*   f16   f32   f64   c64  c128
       i8   i16   i32   i64   f16   f32   f64   c64  c128
      i16   i16   i32   i64   f16   f32   f64   c64  c128
      i32   i32   i32   i64   f16   f32   f64   c64  c128
      i64   i64   i64   i64   f16   f32   f64   c64  c128
      f16   f16   f16   f16   f16   f32   f64   c64  c128
      f32   f32   f32   f32   f32   f32   f64   c64  c128
      f64   f64   f64   f64   f64   f64   f64  c128  c128
      c64   c64   c64   c64   c64   c64  c128   c64  c128
     c128  c128  c128  c128  c128  c128  c128  c128  c128
    """
)


_PROMOTE = {False: PROMOTE_X32, True: PROMOTE_X64}
_RESULT = {False: RESULT_X32, True: RESULT_X64}


def test_tables_cover_every_pair() -> None:
    pairs = set(itertools.product(NODES, NODES))
    for table in (*_PROMOTE.values(), *_RESULT.values()):
        assert set(table) == pairs


@pytest.mark.parametrize("a", NODES)
def test_promote_types_table(x64: bool, a: str) -> None:
    got = {b: _short(dtypes.promote_types(_as_dtype_like(a), _as_dtype_like(b))) for b in NODES}
    assert got == {b: _PROMOTE[x64][a, b] for b in NODES}


@pytest.mark.parametrize("a", NODES)
def test_result_type_table(x64: bool, a: str) -> None:
    got = {
        b: _short(*dtypes.result_type(_as_value(a), _as_value(b), return_weak_type_flag=True))
        for b in NODES
    }
    assert got == {b: _RESULT[x64][a, b] for b in NODES}


@pytest.mark.parametrize("a", NODES)
def test_result_type_jaxlite_values_match_table(x64: bool, a: str) -> None:
    # Canonical-dtype Array-like values behave like the NumPy/Python inputs in the table.
    def value(node: str) -> Any:
        if node in _WEAK_VALUES:
            return FakeValue(dtypes.weak_scalar_dtype(_WEAK_VALUES[node]), True)
        return FakeValue(dtypes.canonicalize_dtype(_NP_NAMES[node]), False)

    got = {
        b: _short(*dtypes.result_type(value(a), value(b), return_weak_type_flag=True))
        for b in NODES
    }
    assert got == {b: _RESULT[x64][a, b] for b in NODES}


def test_lattice_join_is_symmetric() -> None:
    for table in (*_PROMOTE.values(), *_RESULT.values()):
        assert all(table[a, b] == table[b, a] for a, b in table)


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        # Weak + strong of the same kind: the strong width wins, result strong.
        ((1, np.uint8(1)), ("uint8", False)),
        ((1.0, np.float16(1)), ("float16", False)),
        ((1j, np.float16(1)), ("complex64", False)),
        # Weak float + any integer array: the weak float wins and stays weak.
        ((1.0, np.int8(1)), ("float32", True)),
        # All-weak inputs: join the strong counterparts, then the default dtype of that kind.
        ((FakeValue("int16", True), FakeValue("float16", True)), ("float32", True)),
        ((FakeValue("uint8", True), FakeValue("uint16", True)), ("uint32", True)),
        ((FakeValue("int16", True),), ("int32", True)),
        # Weak value of one dtype joined with a strong value of the same dtype is strong.
        ((FakeValue("int16", True), np.int16(1)), ("int16", False)),
        ((FakeValue("int16", True), np.int8(1)), ("int8", False)),
        # bool never carries weak_type.
        ((True,), ("bool", False)),
        ((FakeValue("bool", True), True), ("bool", False)),
        # Python types stand for weak types; None is the (strong) default float.
        ((float, np.int8), ("float32", True)),
        ((int, np.uint8), ("uint8", False)),
        ((bool,), ("bool", False)),
        ((None,), ("float32", False)),
        ((None, np.int32), ("float32", False)),
        # Three-way joins.
        ((np.uint8(1), np.int8(1), 2.0), ("float32", True)),
        ((np.uint8(1), np.int8(1), np.float16(1)), ("float16", False)),
    ],
)
def test_result_type_weak_rules_x32(args: tuple[Any, ...], expected: tuple[str, bool]) -> None:
    with enable_x64(False):
        dt, weak = dtypes.result_type(*args, return_weak_type_flag=True)
    assert (dt.name, weak) == expected


def test_result_type_x64_specifics() -> None:
    with enable_x64(True):
        # int64 and uint64 share no integer upper bound: the join is the weak float node.
        assert dtypes.result_type(np.int64, np.uint64, return_weak_type_flag=True) == (
            np.dtype("float64"),
            True,
        )
        assert dtypes.result_type(np.uint32, np.int32) == np.dtype("int64")
        assert dtypes.result_type(None) == np.dtype("float64")
    with enable_x64(False):
        # Without x64, NumPy inputs are canonicalized first and u32 + i32 stays 32-bit.
        assert dtypes.result_type(np.int64, np.uint64) == np.dtype("int32")
        assert dtypes.result_type(np.uint32, np.int32) == np.dtype("int32")
        assert dtypes.result_type("float64", np.float32(1)) == np.dtype("float32")


def test_result_type_single_and_trivial() -> None:
    with enable_x64(False):
        assert dtypes.result_type(np.zeros(3, dtypes.float0)) == dtypes.float0
        assert dtypes.result_type(dtypes.float0, dtypes.float0) == dtypes.float0
        # A stale x64 jaxlite value keeps its dtype when nothing is promoted, like JAX.
        assert dtypes.result_type(FakeValue("int64", False)) == np.dtype("int64")
        assert dtypes.result_type(FakeValue("int64", False), 1) == np.dtype("int32")


def test_result_type_errors() -> None:
    with pytest.raises(ValueError, match="at least one array or dtype is required"):
        dtypes.result_type()
    with pytest.raises(ValueError, match="not a valid dtype for JAX type promotion"):
        dtypes.result_type(dtypes.float0, np.float32)
    with pytest.raises(TypeError, match="not a valid JAX array type"):
        dtypes.result_type(np.zeros(2, object))
    with pytest.raises(TypeError, match="not a valid JAX array type"):
        dtypes.result_type("U5")
    with pytest.raises(TypeError, match="Cannot determine dtype"):
        dtypes.result_type([1, 2])


def test_result_cache_follows_x64_flag() -> None:
    with enable_x64(False):
        assert dtypes.result_type(1.0, 2) == np.dtype("float32")
        with enable_x64(True):
            assert dtypes.result_type(1.0, 2) == np.dtype("float64")
            assert dtypes.result_type(np.int64(1)) == np.dtype("int64")
        assert dtypes.result_type(1.0, 2) == np.dtype("float32")
        assert dtypes.result_type(np.int64(1)) == np.dtype("int32")


def test_promote_types_is_not_canonicalized() -> None:
    with enable_x64(False):
        assert dtypes.promote_types(np.float64, np.float32) == np.dtype("float64")
        assert dtypes.promote_types(int, int) == np.dtype("int64")
        assert dtypes.promote_types("float16", float) == np.dtype("float16")
        assert dtypes.promote_types(bool, None) == np.dtype("float64")  # np.dtype(None)
    with pytest.raises(ValueError, match="not a valid dtype"):
        dtypes.promote_types(dtypes.float0, np.int32)


@pytest.mark.parametrize(
    ("x", "x32", "x64"),
    [
        ("float64", "float32", "float64"),
        (np.int64, "int32", "int64"),
        (np.dtype("uint64"), "uint32", "uint64"),
        ("complex128", "complex64", "complex128"),
        (float, "float32", "float64"),
        (int, "int32", "int64"),
        (complex, "complex64", "complex128"),
        (bool, "bool", "bool"),
        ("int16", "int16", "int16"),
        (np.float16, "float16", "float16"),
        ("uint8", "uint8", "uint8"),
    ],
)
def test_canonicalize_dtype(x: Any, x32: str, x64: str) -> None:
    with enable_x64(False):
        assert dtypes.canonicalize_dtype(x) == np.dtype(x32)
    with enable_x64(True):
        assert dtypes.canonicalize_dtype(x) == np.dtype(x64)


def test_canonicalize_dtype_rejects_garbage() -> None:
    with pytest.raises(TypeError, match="not understood"):
        dtypes.canonicalize_dtype("not-a-dtype")


def test_defaults(x64: bool) -> None:
    bits = 64 if x64 else 32
    assert dtypes.default_float_dtype() == np.dtype(f"float{bits}")
    assert dtypes.default_int_dtype() == np.dtype(f"int{bits}")
    assert dtypes.default_uint_dtype() == np.dtype(f"uint{bits}")
    assert dtypes.default_complex_dtype() == np.dtype(f"complex{2 * bits}")
    assert dtypes.weak_scalar_dtype(True) == np.dtype(bool)
    assert dtypes.weak_scalar_dtype(3) == np.dtype(f"int{bits}")
    assert dtypes.weak_scalar_dtype(3.0) == np.dtype(f"float{bits}")
    assert dtypes.weak_scalar_dtype(3j) == np.dtype(f"complex{2 * bits}")
    with pytest.raises(TypeError):
        dtypes.weak_scalar_dtype(np.float32(1))


def test_config_listener_toggles_defaults() -> None:
    old = config.x64_enabled
    try:
        config.update("jax_enable_x64", True)
        assert dtypes.default_int_dtype() == np.dtype("int64")
        config.update("jax_enable_x64", False)
        assert dtypes.default_int_dtype() == np.dtype("int32")
    finally:
        config.update("jax_enable_x64", old)


def test_python_scalars_and_weak_types() -> None:
    for x in (True, 1, 1.0, 1j):
        assert dtypes.is_python_scalar(x)
    for x in (np.float64(1.0), np.int32(1), np.bool_(True), np.zeros(()), "1", None):
        assert not dtypes.is_python_scalar(x)
    assert [dtypes.is_weakly_typed(x) for x in (1, 1.0, 1j, True)] == [True, True, True, False]
    assert not dtypes.is_weakly_typed(np.float64(1.0))
    assert not dtypes.is_weakly_typed(np.zeros(3))
    assert dtypes.is_weakly_typed(FakeValue("float32", True))
    assert not dtypes.is_weakly_typed(FakeValue("float32", False))


def test_dtype_of_values(x64: bool) -> None:
    bits = 64 if x64 else 32
    assert dtypes.dtype(1) == np.dtype(f"int{bits}")
    assert dtypes.dtype(1.0) == np.dtype(f"float{bits}")
    assert dtypes.dtype(1j) == np.dtype(f"complex{2 * bits}")
    assert dtypes.dtype(True) == np.dtype(bool)
    assert dtypes.dtype(float) == np.dtype(f"float{bits}")
    assert dtypes.dtype(np.float32) == np.dtype("float32")
    assert dtypes.dtype("int8") == np.dtype("int8")
    assert dtypes.dtype(np.zeros(2, np.uint16)) == np.dtype("uint16")
    assert dtypes.dtype(FakeValue("float16", True)) == np.dtype("float16")
    assert dtypes.dtype(np.float64) == np.dtype("float64")
    assert dtypes.dtype(np.float64, canonicalize=True) == np.dtype(f"float{bits}")
    assert dtypes.dtype(np.zeros(2), canonicalize=True) == np.dtype(f"float{bits}")
    assert dtypes.dtype(dtypes.float0) == dtypes.float0


def test_dtype_errors() -> None:
    with pytest.raises(ValueError):
        dtypes.dtype(None)
    with pytest.raises(TypeError, match="not a valid JAX array type"):
        dtypes.dtype("object")
    with pytest.raises(TypeError, match="not a valid JAX array type"):
        dtypes.dtype(np.array(["a"]))
    with pytest.raises(TypeError, match="Cannot determine dtype"):
        dtypes.dtype([1.0, 2.0])


def test_float0_and_tangents() -> None:
    assert dtypes.float0 == np.dtype([("float0", np.void, 0)])
    assert dtypes.float0.itemsize == 0
    assert np.zeros((2, 3), dtypes.float0).nbytes == 0
    for name in ("bool", "int8", "uint32", "int64"):
        assert dtypes.tangent_dtype(name) == dtypes.float0
    for name in ("float16", "float32", "float64", "complex64", "complex128"):
        assert dtypes.tangent_dtype(name) == np.dtype(name)
    assert dtypes.tangent_dtype(dtypes.float0) == dtypes.float0
    assert dtypes.issubdtype(dtypes.float0, dtypes.float0)
    assert dtypes.issubdtype(dtypes.float0, np.void)
    assert not dtypes.issubdtype(dtypes.float0, np.number)
    assert not dtypes.issubdtype(np.float32, dtypes.float0)
    assert not any(
        f(dtypes.float0)
        for f in (dtypes.is_float, dtypes.is_int, dtypes.is_bool, dtypes.is_complex)
    )


def test_issubdtype_and_kind_predicates() -> None:
    assert dtypes.issubdtype(np.int32, np.integer)
    assert dtypes.issubdtype("float32", np.floating)
    assert dtypes.issubdtype(float, np.floating)
    assert dtypes.issubdtype(np.float64, float)
    assert not dtypes.issubdtype(np.float32, float)
    assert not dtypes.issubdtype(np.bool_, np.integer)
    assert dtypes.issubdtype(np.dtype("int64"), np.signedinteger)
    assert not dtypes.issubdtype(int, np.unsignedinteger)
    assert dtypes.is_float("float16") and not dtypes.is_float("complex64")
    assert dtypes.is_int(np.uint8) and dtypes.is_int("int64") and not dtypes.is_int(bool)
    assert dtypes.is_complex(np.complex64) and not dtypes.is_complex(np.float64)
    assert dtypes.is_bool(np.bool_) and not dtypes.is_bool(np.int8)
    assert dtypes.is_inexact("complex128") and dtypes.is_inexact(np.float32)
    assert not dtypes.is_inexact(np.int32)
    assert dtypes.finfo is np.finfo and dtypes.iinfo is np.iinfo


def test_check_python_int_range() -> None:
    with pytest.raises(
        OverflowError, match=r"Python int 1099511627776 too large to convert to int32"
    ):
        dtypes.check_python_int_range(2**40, np.int32)
    with pytest.raises(OverflowError, match=r"Python int -129 too large to convert to int8"):
        dtypes.check_python_int_range(-129, "int8")
    with pytest.raises(OverflowError, match="uint8"):
        dtypes.check_python_int_range(-1, np.uint8)
    with pytest.raises(OverflowError, match="int64"):
        dtypes.check_python_int_range(2**63, np.int64)
    dtypes.check_python_int_range(2**31 - 1, np.int32)
    dtypes.check_python_int_range(-(2**31), np.int32)
    dtypes.check_python_int_range(2**64 - 1, np.uint64)
    dtypes.check_python_int_range(2**40, np.float32)  # only integer targets are checked
    dtypes.check_python_int_range(True, np.int8)


def test_short_dtype_name() -> None:
    names = ["bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64"]
    names += ["float16", "float32", "float64", "complex64", "complex128"]
    expected = ["bool", "i8", "i16", "i32", "i64", "u8", "u16", "u32", "u64"]
    expected += ["f16", "f32", "f64", "c64", "c128"]
    assert [dtypes.short_dtype_name(n) for n in names] == expected
    assert dtypes.short_dtype_name(dtypes.float0) == "float0"
    assert dtypes.short_dtype_name(np.float32) == "f32"


# --- Live oracle: compare against real JAX when it is installed. ---------------------------------


@pytest.fixture
def jax_mod() -> Any:
    jax = pytest.importorskip("jax")
    old = jax.config.jax_enable_x64
    yield jax
    jax.config.update("jax_enable_x64", old)


def _oracle_inputs(jax: Any, x64: bool) -> list[tuple[str, Any, Any]]:
    """(label, jaxlite input, JAX input) triples spanning every kind of argument."""
    from jax._src.lax import lax as jax_lax

    names = list(_NP_NAMES.values())
    wide = ("int64", "uint64", "float64", "complex128")
    canonical = [n for n in names if x64 or n not in wide]
    items: list[tuple[str, Any, Any]] = []
    for v in (True, 1, 1.0, 1j, int, float, complex, bool, None):
        items.append((repr(v), v, v))
    for n in names:
        items.append((f"np.{n}", np.zeros((), n), np.zeros((), n)))
        items.append((f"'{n}'", n, n))
    for n in canonical:
        for weak in (False, True):
            jx = jax_lax._convert_element_type(np.zeros((), n), np.dtype(n), weak_type=weak)
            items.append((f"jax.{n}{'*' if weak else ''}", FakeValue(n, weak), jx))
    return items


def _outcome(fn: Any, *args: Any) -> Any:
    try:
        return fn(*args)
    except (TypeError, ValueError) as e:
        return type(e).__name__


@pytest.mark.parametrize("x64", [False, True], ids=["x32", "x64"])
def test_oracle_result_type(jax_mod: Any, x64: bool) -> None:
    from jax._src import dtypes as jax_dtypes

    jax_mod.config.update("jax_enable_x64", x64)
    with enable_x64(x64), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # JAX warns about explicit 64-bit dtypes under x32.
        items = _oracle_inputs(jax_mod, x64)
        combos: list[tuple[int, ...]] = [(i,) for i in range(len(items))]
        combos += list(itertools.product(range(len(items)), repeat=2))
        rng = random.Random(0)
        combos += [tuple(rng.randrange(len(items)) for _ in range(3)) for _ in range(500)]
        mismatches = []
        for combo in combos:
            ours = _outcome(
                lambda *a: dtypes.result_type(*a, return_weak_type_flag=True),
                *(items[i][1] for i in combo),
            )
            theirs = _outcome(
                lambda *a: jax_dtypes.result_type(*a, return_weak_type_flag=True),
                *(items[i][2] for i in combo),
            )
            if ours != theirs:
                mismatches.append(([items[i][0] for i in combo], ours, theirs))
        for label, ours_x, theirs_x in items:
            ours = (
                _outcome(lambda v: dtypes.dtype(v, canonicalize=True), ours_x),
                dtypes.is_weakly_typed(ours_x),
            )
            theirs = (_outcome(jax_dtypes.dtype, theirs_x), jax_dtypes.is_weakly_typed(theirs_x))
            if ours != theirs:
                mismatches.append(([label], ours, theirs))
    assert not mismatches, mismatches[:20]


@pytest.mark.parametrize("x64", [False, True], ids=["x32", "x64"])
def test_oracle_promote_and_canonicalize(jax_mod: Any, x64: bool) -> None:
    import jax.numpy as jnp
    from jax._src import dtypes as jax_dtypes

    jax_mod.config.update("jax_enable_x64", x64)
    likes: list[Any] = [int, float, complex, bool, *(np.dtype(n) for n in _NP_NAMES.values())]
    with enable_x64(x64):
        for a, b in itertools.product(likes, repeat=2):
            assert dtypes.promote_types(a, b) == jnp.promote_types(a, b), (a, b)
        for a in [*likes, *_NP_NAMES.values(), np.float64, np.uint64]:
            assert dtypes.canonicalize_dtype(a) == jax_dtypes.canonicalize_dtype(a), a
        for t in (dtypes.default_float_dtype, dtypes.default_int_dtype):
            assert t() == getattr(jax_dtypes, t.__name__)()
        assert dtypes.default_uint_dtype() == jax_dtypes.default_uint_dtype()
        assert dtypes.default_complex_dtype() == jax_dtypes.default_complex_dtype()
    assert dtypes.float0 == jax_mod.dtypes.float0
