"""Helpers for `lower` rules: NumPy callables specialised at jit compile time.

`prim.lower(in_avals, out_avals, **params)` runs once per equation when `jit` generates code
and returns how to compute the equation on NumPy values, with every shape and dtype decision
already made:

- None: code generation calls `prim.impl` with the params bound (the default);
- a callable: called like `impl` without params; its result may alias its operands;
- a `Lowered`, which also says what kind of value it returns, so that code generation can
  reuse a dead operand's buffer for a result.

A lowering must compute exactly what `impl` computes for the same values: the same numbers,
dtype and shape, and a read-only view where `impl` returns one.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from typing import Any, NamedTuple

import numpy as np

from jaxlite._src.rules import _LOW_FLOATS, _TRANSCENDENTAL

# Kinds of result (`Lowered.kind`); jit/codegen.py reads them by value.
VIEW = "view"  # may be (a view of) an operand: never written in place
FRESH = "fresh"  # a new array (or NumPy scalar) that no other value shares
NEW_C = "new_c"  # FRESH, and C-contiguous
UFUNC = "ufunc"  # FRESH, laid out as NumPy ufuncs lay out results; `fn` accepts out=
IDENTITY = "identity"  # operand `consts[0]` (default 0) itself: no call at all


class Lowered(NamedTuple):
    """The value `fn(*operands, *consts)`, of kind `kind`."""

    fn: Callable | None
    kind: str = VIEW
    consts: tuple = ()


def identity(index: int = 0) -> Lowered:
    return Lowered(None, IDENTITY, (index,))


def method(name: str, *args: Any, kind: str = VIEW) -> Lowered:
    """`x.name(*args)` (a C-level call: no Python frame per evaluation)."""
    return Lowered(operator.methodcaller(name, *args), kind)


def ufunc_call(ufunc: np.ufunc, in_avals, out_aval) -> Lowered | None:
    """`ufunc(*operands)`, when NumPy resolves it to the aval's result dtype (otherwise None:
    the implementation's own casting applies)."""
    if len(in_avals) != ufunc.nin or ufunc.nout != 1:
        return None
    try:
        got = ufunc.resolve_dtypes((*[a.dtype for a in in_avals], None))[-1]
    except Exception:  # noqa: BLE001  (no loop: the implementation raises)
        return None
    if got != out_aval.dtype:
        return None
    return Lowered(ufunc, UFUNC)


# ----------------------------------------------------------------------------------------------
# Elementwise primitives (installed in elementwise.py)


def unary_ufunc(ufunc: np.ufunc) -> Callable:
    """The lowering of a unary primitive whose impl is `ufunc`, computed in float64 and
    rounded for the dtypes where rules.py does so."""
    rounded = ufunc in _TRANSCENDENTAL
    f64 = np.dtype(np.float64)

    def lower(in_avals, out_avals, **params):
        (x,) = in_avals
        if params or len(out_avals) != 1:
            return None
        if rounded and x.dtype in _LOW_FLOATS:
            if out_avals[0].dtype != x.dtype:
                return None
            narrow = x.dtype
            return Lowered(lambda v: ufunc(v, dtype=f64).astype(narrow), FRESH)
        return ufunc_call(ufunc, in_avals, out_avals[0])

    return lower


def inexact_ufunc(ufunc: np.ufunc) -> Callable:
    """The lowering of a primitive whose impl is `ufunc` for inexact operands (integer
    operands keep the impl)."""

    def lower(in_avals, out_avals, **params):
        if params or any(a.dtype.kind not in "fc" for a in in_avals):
            return None
        return ufunc_call(ufunc, in_avals, out_avals[0])

    return lower


def binary_ufunc(ufunc: np.ufunc) -> Callable:
    """The lowering of a primitive whose impl is `ufunc` (then cast to the aval's dtype)."""
    return lambda in_avals, out_avals, **params: (
        None if params else ufunc_call(ufunc, in_avals, out_avals[0])
    )


def integer_pow(in_avals, out_avals, *, y):
    # The impl multiplies by repeated squaring (as XLA): x itself for y = 1, x * x for y = 2;
    # other exponents keep the impl.
    (x,) = in_avals
    if y == 1:
        return identity()
    if y == 2 and x.ndim:
        multiply = np.multiply
        return Lowered(lambda v: multiply(v, v), FRESH)
    return None


def select_n(in_avals, out_avals):
    which, *cases = in_avals
    if len(cases) == 1:
        return identity(1)
    if which.dtype == np.bool_ and len(cases) == 2:
        where = np.where
        return Lowered(lambda w, case0, case1: where(w, case1, case0), FRESH)
    return None


def convert_element_type(in_avals, out_avals, *, new_dtype, weak_type):
    (x,) = in_avals
    new_dtype = np.dtype(new_dtype)
    if x.dtype == new_dtype:
        return identity()
    if x.dtype.kind == "c" and new_dtype.kind != "c":
        return None
    if x.dtype.kind == "f" and new_dtype.kind in "iu":
        return None  # the impl saturates as XLA does
    return method("astype", new_dtype, kind=FRESH)
