"""`jnp.float32` and friends: scalar types that are callable and usable as dtypes.

As in JAX, `jnp.float32` is not NumPy's type but a class whose metaclass makes it callable
(`jnp.float32(1.0)` is a 0-d Array), compare and hash equal to `np.float32`, and answer
`isinstance(np.float32(1), jnp.float32)`. It carries a `dtype` attribute, which is what
`np.dtype(jnp.float32)` reads.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from jaxlite._src import dtypes as _dtypes


class _ScalarMeta(type):
    """Metaclass of the jnp scalar types."""

    dtype: np.dtype

    def __hash__(cls) -> int:
        return hash(cls.dtype.type)

    def __eq__(cls, other: Any) -> bool:
        return cls is other or cls.dtype.type == other

    def __ne__(cls, other: Any) -> bool:
        return not cls.__eq__(other)

    def __call__(cls, x: Any) -> Any:
        from jaxlite._src.numpy.creation import asarray  # noqa: PLC0415  (creation imports us)

        return asarray(x, dtype=cls.dtype)

    def __instancecheck__(cls, instance: Any) -> bool:
        return isinstance(instance, cls.dtype.type)


def _scalar_type(np_type: Any, name: str | None = None) -> _ScalarMeta:
    dt = np.dtype(np_type)
    name = name or dt.name
    return _ScalarMeta(name, (object,), {"dtype": dt, "__module__": "jaxlite.numpy"})


bool_ = _scalar_type(np.bool_, "bool")
int8 = _scalar_type(np.int8)
int16 = _scalar_type(np.int16)
int32 = _scalar_type(np.int32)
int64 = _scalar_type(np.int64)
uint8 = _scalar_type(np.uint8)
uint16 = _scalar_type(np.uint16)
uint32 = _scalar_type(np.uint32)
uint64 = _scalar_type(np.uint64)
float16 = _scalar_type(np.float16)
float32 = _scalar_type(np.float32)
float64 = _scalar_type(np.float64)
complex64 = _scalar_type(np.complex64)
complex128 = _scalar_type(np.complex128)

# NumPy-style aliases, as JAX defines them.
int_ = int64
uint = uint64
float_ = float64
complex_ = complex128
single = float32
double = float64
half = float16
csingle = complex64
cdouble = complex128

# Abstract scalar types are NumPy's own (`jnp.issubdtype(x.dtype, jnp.floating)`).
generic = np.generic
number = np.number
inexact = np.inexact
floating = np.floating
complexfloating = np.complexfloating
integer = np.integer
signedinteger = np.signedinteger
unsignedinteger = np.unsignedinteger
character = np.character
object_ = np.object_

dtype = np.dtype
finfo = _dtypes.finfo
iinfo = _dtypes.iinfo


def _plain(x: Any) -> Any:
    """NumPy's own scalar type for a jnp scalar type; anything else unchanged."""
    return x.dtype.type if isinstance(x, _ScalarMeta) else x


def issubdtype(arg1: Any, arg2: Any) -> bool:
    """`np.issubdtype`, also accepting jnp scalar types."""
    return _dtypes.issubdtype(_plain(arg1), _plain(arg2))


def promote_types(a: Any, b: Any) -> np.dtype:
    """The dtype a binary operation promotes dtypes `a` and `b` to (JAX's lattice)."""
    return _dtypes.promote_types(_plain(a), _plain(b))


def result_type(*args: Any, return_weak_type_flag: bool = False) -> Any:
    """JAX's promotion of values and dtypes to one canonical result dtype."""
    return _dtypes.result_type(*map(_plain, args), return_weak_type_flag=return_weak_type_flag)


def can_cast(from_: Any, to: Any, casting: str = "safe") -> bool:
    """`np.can_cast` on dtypes (jnp scalar types accepted)."""
    if hasattr(from_, "dtype") and not isinstance(from_, _ScalarMeta):
        from_ = from_.dtype
    return bool(np.can_cast(_plain(from_), _plain(to), casting))


def isdtype(dtype: Any, kind: Any) -> bool:
    """`np.isdtype` (array-API kind names such as 'real floating')."""
    return bool(np.isdtype(np.dtype(_plain(dtype)), kind))
