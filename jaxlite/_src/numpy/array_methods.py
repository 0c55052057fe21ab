"""Installs operators and NumPy-style methods on `Array` and `Tracer`, and `jnp.ndarray`.

Both classes get the same functions, so concrete arrays and traced values behave alike.
Binary operators return NotImplemented for operands that are not arrays or scalars (so
Python tries the other operand, and `x == None` is False), as JAX does.
"""

from __future__ import annotations

import abc
from collections.abc import Callable
from typing import Any

import numpy as np

from jaxlite._src.array import Array
from jaxlite._src.core import Tracer
from jaxlite._src.numpy import creation, indexing, linalg, reductions, shape_ops, ufuncs, updates
from jaxlite._src.numpy.promotion import PY_SCALARS


class ndarray(abc.ABC):  # noqa: N801, B024  (NumPy's name; a pure marker ABC)
    """`jnp.ndarray`: the abstract array type; concrete Arrays and tracers are instances."""

    __slots__ = ()


ndarray.__name__ = ndarray.__qualname__ = "Array"
ndarray.__module__ = "jaxlite"
ndarray.register(Array)
ndarray.register(Tracer)


def _accepts(other: Any) -> bool:
    t = type(other)
    return (
        t is Array
        or t in PY_SCALARS
        or isinstance(other, (Array, Tracer, np.ndarray, np.generic))
        or hasattr(other, "__jax_array__")
    )


_COMMON = frozenset((Array, bool, int, float, complex))


def _forward(fn: Callable, name: str) -> Callable:
    """`self <op> other` via the jnp function; operands of unknown types defer."""

    def op(self, other):
        if type(other) in _COMMON or _accepts(other):
            return fn(self, other)
        return NotImplemented

    op.__name__ = name
    return op


def _reflected(fn: Callable, name: str) -> Callable:
    def op(self, other):
        if type(other) in _COMMON or _accepts(other):
            return fn(other, self)
        return NotImplemented

    op.__name__ = name
    return op


_BINARY = {
    "add": ufuncs.add,
    "sub": ufuncs.subtract,
    "mul": ufuncs.multiply,
    "truediv": ufuncs.true_divide,
    "floordiv": ufuncs.floor_divide,
    "mod": ufuncs.remainder,
    "divmod": ufuncs.divmod,
    "pow": ufuncs.power,
    "matmul": linalg.matmul,
    "and": ufuncs.bitwise_and,
    "or": ufuncs.bitwise_or,
    "xor": ufuncs.bitwise_xor,
    "lshift": ufuncs.left_shift,
    "rshift": ufuncs.right_shift,
}
_COMPARE = {
    "eq": ufuncs.equal,
    "ne": ufuncs.not_equal,
    "lt": ufuncs.less,
    "le": ufuncs.less_equal,
    "gt": ufuncs.greater,
    "ge": ufuncs.greater_equal,
}


def _pow(self, other, mod=None):
    if mod is not None:
        raise NotImplementedError("3-argument pow is not supported")
    if type(other) in _COMMON or _accepts(other):
        return ufuncs.power(self, other)
    return NotImplemented


def _reshape(self, *args, order: str = "C"):
    if len(args) == 1 and not isinstance(args[0], int) and args[0] is not None:
        newshape = args[0]
    else:
        newshape = args
    return shape_ops.reshape(self, newshape, order=order)


def _transpose(self, *args):
    if not args or (len(args) == 1 and args[0] is None):
        axes = None
    elif len(args) == 1 and not isinstance(args[0], int):
        axes = args[0]
    else:
        axes = args
    return shape_ops.transpose(self, axes)


def _astype(self, dtype, copy: bool = False, device: Any = None):
    return creation.astype(self, dtype, copy=copy, device=device)


def _contains(self, item):
    return reductions.any(ufuncs.equal(self, item))


def _round(self, ndigits=None):
    # Python's round(x) gives an integer: the default int dtype here, as in JAX.
    out = ufuncs.round(self, ndigits or 0)
    return out if ndigits is not None else _astype(out, int)


def _item_size(self):
    return self.dtype.itemsize


def _methods() -> dict[str, Any]:
    m: dict[str, Any] = {}
    for name, fn in _BINARY.items():
        m[f"__{name}__"] = getattr(fn, "_op", None) or _forward(fn, f"__{name}__")
        m[f"__r{name}__"] = getattr(fn, "_rop", None) or _reflected(fn, f"__r{name}__")
    for name, fn in _COMPARE.items():
        m[f"__{name}__"] = getattr(fn, "_op", None) or _forward(fn, f"__{name}__")
    m["__pow__"] = _pow
    m["__neg__"] = ufuncs.negative
    m["__pos__"] = ufuncs.positive
    m["__abs__"] = ufuncs.absolute
    m["__invert__"] = ufuncs.invert
    m["__round__"] = _round
    m["__getitem__"] = indexing.getitem
    m["__contains__"] = _contains
    m["at"] = property(updates._IndexUpdateHelper)
    m["T"] = property(lambda self: shape_ops.transpose(self))
    m["mT"] = property(shape_ops.matrix_transpose)
    m["real"] = property(ufuncs.real)
    m["imag"] = property(ufuncs.imag)
    m["astype"] = _astype
    m["reshape"] = _reshape
    m["transpose"] = _transpose
    m["ravel"] = shape_ops.ravel
    m["flatten"] = lambda self, order="C": shape_ops.ravel(self, order)
    m["squeeze"] = shape_ops.squeeze
    m["swapaxes"] = shape_ops.swapaxes
    m["repeat"] = shape_ops.repeat
    m["sum"] = reductions.sum
    m["prod"] = reductions.prod
    m["mean"] = reductions.mean
    m["var"] = reductions.var
    m["std"] = reductions.std
    m["max"] = reductions.max
    m["min"] = reductions.min
    m["ptp"] = reductions.ptp
    m["argmax"] = reductions.argmax
    m["argmin"] = reductions.argmin
    m["all"] = reductions.all
    m["any"] = reductions.any
    m["cumsum"] = reductions.cumsum
    m["cumprod"] = reductions.cumprod
    m["sort"] = reductions.sort
    m["argsort"] = reductions.argsort
    m["dot"] = linalg.dot
    m["clip"] = ufuncs.clip
    m["round"] = ufuncs.round
    m["conj"] = ufuncs.conjugate
    m["conjugate"] = ufuncs.conjugate
    m["take"] = indexing.take
    m["diagonal"] = indexing.diagonal
    m["trace"] = indexing.trace
    m["nonzero"] = indexing.nonzero
    m["searchsorted"] = indexing.searchsorted
    return m


# Names Array already defines itself (printing, conversion); never replaced there.
_ARRAY_OWN = frozenset(
    (
        "__repr__",
        "__str__",
        "__format__",
        "item",
        "tolist",
        "__bool__",
        "__int__",
        "__float__",
        "__complex__",
        "__index__",
        "__len__",
        "__iter__",
        "__hash__",
        "copy",
        "__array__",
    )
)


def install() -> None:
    """Sets the operators and methods on Array and Tracer (idempotent)."""
    for name, fn in _methods().items():
        if name not in _ARRAY_OWN:
            setattr(Array, name, fn)
        setattr(Tracer, name, fn)
    Tracer.nbytes = property(lambda self: self.size * self.dtype.itemsize)
    Tracer.itemsize = property(_item_size)


install()
