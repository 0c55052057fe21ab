"""The concrete `Array`: an immutable NumPy value plus JAX's weak-type flag.

Operators and most methods (`+`, `@`, `[]`, `.at`, `.sum`, ...) are installed by
`jaxlite._src.numpy.array_methods`, shared with tracers, so that both dispatch to `jnp`.
"""

from __future__ import annotations

import operator
from typing import Any

import numpy as np


class Array:
    """A concrete array, as `jax.Array`. Immutable: updates go through `.at[...]`."""

    __slots__ = ("_value", "weak_type", "_aval")
    __array_priority__ = 100
    _to_numpy: Any  # set by core

    def __init__(self, value: Any, weak_type: bool = False):
        if isinstance(value, Array):
            value = value._value
        self._value = Array._to_numpy(value)
        self.weak_type = bool(weak_type)

    @property
    def aval(self):
        # Cached (the value never changes) and built without ShapedArray.__init__'s
        # normalisation: NumPy already gives a tuple shape and a dtype object. Tracing asks
        # for it several times per operation.
        try:
            return self._aval
        except AttributeError:
            pass
        v = self._value
        a = _new(_ShapedArray)
        a.shape = v.shape
        a.dtype = v.dtype
        a.weak_type = self.weak_type
        self._aval = a
        return a

    shape = property(lambda self: self._value.shape)
    dtype = property(lambda self: self._value.dtype)
    ndim = property(lambda self: self._value.ndim)
    size = property(lambda self: int(self._value.size))
    nbytes = property(lambda self: int(self._value.nbytes))
    itemsize = property(lambda self: self._value.dtype.itemsize)

    def __array__(self, dtype=None, copy=None):
        v = np.asarray(self._value)
        if dtype is not None and v.dtype != dtype:
            return v.astype(dtype)
        if copy:
            return v.copy()
        if copy is None and v.flags.writeable:
            # NumPy must not mutate our buffer: hand out a read-only view.
            v = v.view()
            v.flags.writeable = False
        return v

    def __repr__(self):
        v = np.asarray(self._value)
        if v.size == 0 and v.ndim > 0:
            body = f"[], shape={v.shape}"
        else:
            body = np.array2string(v, separator=", ", prefix="Array(")
        weak = ", weak_type=True" if self.weak_type else ""
        return f"Array({body}, dtype={v.dtype.name}{weak})"

    def __str__(self):
        return str(np.asarray(self._value))

    def __format__(self, spec):
        if self._value.ndim == 0:
            return format(np.asarray(self._value)[()], spec)
        return format(str(self), spec)

    def item(self, *args):
        return self._value.item(*args)

    def tolist(self):
        return self._value.tolist()

    def __bool__(self):
        return bool(self._value)

    def __int__(self):
        return int(self._value)

    def __float__(self):
        return float(self._value)

    def __complex__(self):
        return complex(self._value)

    def __index__(self):
        return operator.index(self._value)

    def __len__(self):
        if self._value.ndim == 0:
            raise TypeError("len() of unsized object")
        return len(self._value)

    def __iter__(self):
        if self._value.ndim == 0:
            raise TypeError("iteration over a 0-d array")
        weak = self.weak_type
        return (_wrap(v, weak) for v in np.asarray(self._value))

    def __hash__(self):
        raise TypeError("unhashable type: 'Array'")

    def __reduce__(self):
        return (Array, (np.asarray(self._value), self.weak_type))

    def __copy__(self):
        return self

    def __deepcopy__(self, memo):
        return self

    def block_until_ready(self):
        return self

    def copy(self):
        return _wrap(np.array(self._value, copy=True), self.weak_type)

    def copy_to_host_async(self):
        pass

    def devices(self):
        return {"cpu"}

    @property
    def device(self):
        return "cpu"

    def is_fully_replicated(self):
        return True

    def addressable_data(self, index):
        return self

    def __dlpack__(self, *args, **kwargs):
        return np.asarray(self._value).__dlpack__(*args, **kwargs)


_new = object.__new__
_ShapedArray: Any = None  # set by core (which defines ShapedArray and imports this module)


def _wrap(value, weak: bool) -> Array:
    a = Array.__new__(Array)
    a._value = value
    a.weak_type = weak
    return a
