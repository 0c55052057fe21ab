"""Comparison, sign, rounding, logical, bitwise and bit-manipulation primitives, and the
builders that give all elementwise primitives JAX's dtype rules and error messages.

Nothing here has a nonzero derivative (nextafter has no rule, as in JAX) or needs other lax
wrappers, so elementwise.py and special.py build on this module, and elementwise.py re-exports
its wrappers.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from jaxlite._src import core, dtypes
from jaxlite._src.core import Primitive, ShapedArray
from jaxlite._src.interpreters.batching import moveaxis
from jaxlite._src.rules import (
    broadcasting_shape,
    defbroadcasting,
    defjvp_zero,
    defvectorized,
    standard_primitive,
)

# ----------------------------------------------------------------------------------------------
# Dtype acceptance (JAX's groups and their order in error messages) and primitive builders

_GROUP_KINDS = {
    "integer": "iu",
    "signedinteger": "i",
    "unsignedinteger": "u",
    "floating": "f",
    "complexfloating": "c",
    "bool": "b",
}
NUM = ("integer", "floating", "complexfloating")
INEXACT = ("floating", "complexfloating")
FLOAT = ("floating",)
INT = ("integer",)
INT_BOOL = ("integer", "bool")
ORDERED = ("integer", "floating", "bool")
ANY = None


def _accepts(dt: np.dtype, groups: Sequence[str]) -> bool:
    for g in groups:
        kinds = _GROUP_KINDS.get(g)
        if (dt.kind in kinds) if kinds is not None else dt == np.dtype(g):
            return True
    return False


def check_dtype(name: str, dt: np.dtype, groups: Sequence[str] | None, pos: int | None = None):
    if groups is None or _accepts(dt, groups):
        return
    at = "" if pos is None else f" at position {pos}"
    raise TypeError(
        f"{name} does not accept dtype {dt.name}{at}. Accepted dtypes{at} are subtypes of "
        f"{', '.join(groups)}."
    )


def check_same_dtypes(name: str, avals: Sequence[ShapedArray], tip: str | None = None):
    if len({a.dtype for a in avals}) > 1:
        got = ", ".join(a.dtype.name for a in avals)
        hint = (
            f" (Tip: jnp.{tip} is a similar function that does automatic type promotion on inputs)."
            if tip
            else ""
        )
        raise TypeError(f"lax.{name} requires arguments to have the same dtypes, got {got}.{hint}")


def unary(
    name: str,
    impl: Callable,
    groups: Sequence[str] | None,
    result_dtype: Callable[[np.dtype], Any] | None = None,
    weak_type_rule: Callable | None = None,
    shape_rule: Callable | None = None,
) -> Primitive:
    """A unary elementwise primitive (batched elementwise)."""
    from jaxlite._src.rules import _TRANSCENDENTAL, _rounded_from_f64  # noqa: PLC0415

    if impl in _TRANSCENDENTAL:
        impl = _rounded_from_f64(impl)

    def dtype_rule(x, **params):
        check_dtype(name, x.dtype, groups)
        return x.dtype if result_dtype is None else np.dtype(result_dtype(x.dtype, **params))

    prim = standard_primitive(
        name, impl, shape_rule or (lambda x, **p: x.shape), dtype_rule, weak_type_rule
    )
    defvectorized(prim)
    return prim


def nary(
    name: str,
    impl: Callable,
    groups: Sequence[str] | None,
    *,
    tip: str | None = None,
    result_dtype: Any = None,
) -> Primitive:
    """An n-ary elementwise primitive on operands of one dtype (batched with broadcasting)."""

    def dtype_rule(*avals, **params):
        for i, a in enumerate(avals):
            check_dtype(name, a.dtype, groups, i)
        check_same_dtypes(name, avals, tip)
        if result_dtype is None:
            return avals[0].dtype
        return np.dtype(result_dtype(avals[0].dtype) if callable(result_dtype) else result_dtype)

    def shape_rule(*avals, **params):
        return broadcasting_shape(name, *[a.shape for a in avals])

    prim = standard_primitive(name, impl, shape_rule, dtype_rule)
    prim.eval_impl = core.eager_impl(prim, scalar_broadcast=True)
    defbroadcasting(prim)
    return prim


# ----------------------------------------------------------------------------------------------
# Comparisons: boolean results, zero derivatives

eq_p = nary("eq", np.equal, ANY, tip="equal", result_dtype=np.bool_)
ne_p = nary("ne", np.not_equal, ANY, tip="not_equal", result_dtype=np.bool_)
lt_p = nary("lt", np.less, ORDERED, result_dtype=np.bool_)
le_p = nary("le", np.less_equal, ORDERED, result_dtype=np.bool_)
gt_p = nary("gt", np.greater, ORDERED, result_dtype=np.bool_)
ge_p = nary("ge", np.greater_equal, ORDERED, result_dtype=np.bool_)
for _p in (eq_p, ne_p, lt_p, le_p, gt_p, ge_p):
    defjvp_zero(_p)


# ----------------------------------------------------------------------------------------------
# Sign, rounding and floating-point classification: zero derivatives


def _sign_impl(x):
    if x.dtype.kind == "f":
        return np.copysign(np.sign(x), x)  # keeps the sign of zero, as XLA
    return np.sign(x)


# sign: piecewise constant.
sign_p = unary("sign", _sign_impl, NUM)
defjvp_zero(sign_p)


class RoundingMethod(enum.IntEnum):
    """How `round` breaks ties: away from zero (0) or to the nearest even integer (1)."""

    AWAY_FROM_ZERO = 0
    TO_NEAREST_EVEN = 1


def _round_impl(x, *, rounding_method):
    if rounding_method == RoundingMethod.TO_NEAREST_EVEN:
        return np.rint(x)
    t = np.trunc(x)
    # x - t is exact, so halves are detected exactly; where() keeps the sign of zero.
    return np.where(np.abs(x - t) >= 0.5, t + np.sign(x), t).astype(x.dtype, copy=False)


# floor, ceil, round: piecewise constant.
floor_p = unary("floor", np.floor, FLOAT)
defjvp_zero(floor_p)
ceil_p = unary("ceil", np.ceil, FLOAT)
defjvp_zero(ceil_p)
round_p = unary("round", _round_impl, FLOAT)
defjvp_zero(round_p)

# is_finite: a predicate.
is_finite_p = unary("is_finite", np.isfinite, FLOAT, result_dtype=lambda dt: np.bool_)
defjvp_zero(is_finite_p)

# nextafter: no derivative rule (as JAX).
nextafter_p = nary("nextafter", np.nextafter, FLOAT, tip="nextafter")


# ----------------------------------------------------------------------------------------------
# Bitwise operations (on booleans these are the logical ones)

not_p = unary("not", np.invert, INT_BOOL)
and_p = nary("and", np.bitwise_and, INT_BOOL)
or_p = nary("or", np.bitwise_or, INT_BOOL)
xor_p = nary("xor", np.bitwise_xor, INT_BOOL)


def _as_kind(x, kind: str) -> np.ndarray:
    """The same bits viewed as the signed ("i") or unsigned ("u") integer of that width."""
    return np.asarray(x).view(np.dtype(f"{kind}{x.dtype.itemsize}"))


def _shift(x, y, op: Callable, kind: str, fill_sign: bool):
    # XLA: shift amounts outside [0, bits) shift every bit out (zeros, or copies of the sign
    # bit for the arithmetic right shift); NumPy leaves those undefined.
    bits = 8 * x.dtype.itemsize
    out_of_range = (y < 0) | (y >= bits) if y.dtype.kind == "i" else (y >= bits)
    amount = np.where(out_of_range, 0, y).astype(_as_kind(x, kind).dtype)
    v = _as_kind(x, kind)
    res = op(v, amount)
    res = np.where(out_of_range, np.right_shift(v, bits - 1) if fill_sign else 0, res)
    out = np.asarray(res, dtype=v.dtype).view(x.dtype)
    return out if out.ndim else out[()]


shift_left_p = nary(
    "shift_left", lambda x, y: _shift(x, y, np.left_shift, "u", False), INT, tip="left_shift"
)
shift_right_arithmetic_p = nary(
    "shift_right_arithmetic",
    lambda x, y: _shift(x, y, np.right_shift, "i", True),
    INT,
    tip="right_shift",
)
shift_right_logical_p = nary(
    "shift_right_logical",
    lambda x, y: _shift(x, y, np.right_shift, "u", False),
    INT,
    tip="right_shift",
)


def _clz_impl(x):
    # Leading zeros = bits - bit length; the bit length by binary search over shifts.
    bits = 8 * x.dtype.itemsize
    u = _as_kind(x, "u")
    length = np.zeros(u.shape, np.int64)
    s = bits // 2
    while s:
        big = u >= (1 << s)
        u = np.where(big, u >> s, u)
        length += np.where(big, s, 0)
        s //= 2
    length += u > 0
    return np.asarray(bits - length).astype(x.dtype)[()]


population_count_p = unary(
    "population_count", lambda x: np.bitwise_count(_as_kind(x, "u")).astype(x.dtype)[()], INT
)
clz_p = unary("clz", _clz_impl, INT)
for _p in (
    not_p,
    and_p,
    or_p,
    xor_p,
    shift_left_p,
    shift_right_arithmetic_p,
    shift_right_logical_p,
    population_count_p,
    clz_p,
):
    defjvp_zero(_p)


def _bitcast_shape(x, *, new_dtype):
    old, new = x.dtype.itemsize, np.dtype(new_dtype).itemsize
    if old == new:
        return x.shape
    if old > new:
        return (*x.shape, old // new)
    if not x.shape or x.shape[-1] * old != new:
        last = x.shape[-1] if x.shape else 1
        raise ValueError(
            f"Attempting to convert array of shape {x.shape} from {x.dtype.name} of size "
            f"{8 * old} bits to {np.dtype(new_dtype).name} of size {8 * new}, bits but "
            f"{last} * {8 * old} != {8 * new}"
        )
    return x.shape[:-1]


def _bitcast_impl(x, *, new_dtype):
    x = np.asarray(x, order="C")
    new = np.dtype(new_dtype)
    shape = _bitcast_shape(ShapedArray(x.shape, x.dtype), new_dtype=new)
    # A NumPy view splits or merges the last axis: give the operand a unit axis to split.
    src = (
        x.reshape(*x.shape, 1) if new.itemsize < x.dtype.itemsize else x.reshape(*x.shape[:-1], -1)
    )
    out = src.view(new).reshape(shape)
    return out if out.ndim else out[()]


def _bitcast_batch(axis_size, vals, dims, *, new_dtype):
    # The trailing axis may be split or merged: keep the batch axis in front.
    (x,), (d,) = vals, dims
    return bitcast_convert_type_p.bind(moveaxis(x, d, 0), new_dtype=new_dtype), 0


# bitcast_convert_type: reinterprets the bits; splits or merges a trailing axis if sizes differ.
bitcast_convert_type_p = standard_primitive(
    "bitcast_convert_type",
    _bitcast_impl,
    _bitcast_shape,
    lambda x, *, new_dtype: np.dtype(new_dtype),
    lambda w, **p: False,
)
defjvp_zero(bitcast_convert_type_p)
bitcast_convert_type_p.batch = _bitcast_batch


# ----------------------------------------------------------------------------------------------
# Wrappers (lax API)


def sign(x: Any) -> Any:
    """Elementwise sign: -1, 0 or 1 (signed zeros kept; x/|x| for complex)."""
    return sign_p.bind(x)


def floor(x: Any) -> Any:
    """Elementwise floor."""
    return floor_p.bind(x)


def ceil(x: Any) -> Any:
    """Elementwise ceiling."""
    return ceil_p.bind(x)


def round(  # noqa: A001
    x: Any, rounding_method: int | RoundingMethod = RoundingMethod.AWAY_FROM_ZERO
) -> Any:
    """Elementwise rounding to an integral value; ties away from zero (0) or to even (1)."""
    return round_p.bind(x, rounding_method=RoundingMethod(rounding_method))


def is_finite(x: Any) -> Any:
    """Elementwise test for a finite value (not inf, not NaN)."""
    return is_finite_p.bind(x)


def nextafter(x1: Any, x2: Any) -> Any:
    """Elementwise next representable value after `x1` in the direction of `x2`."""
    return nextafter_p.bind(x1, x2)


def eq(x: Any, y: Any) -> Any:
    """Elementwise `x == y`."""
    return eq_p.bind(x, y)


def ne(x: Any, y: Any) -> Any:
    """Elementwise `x != y`."""
    return ne_p.bind(x, y)


def lt(x: Any, y: Any) -> Any:
    """Elementwise `x < y`."""
    return lt_p.bind(x, y)


def le(x: Any, y: Any) -> Any:
    """Elementwise `x <= y`."""
    return le_p.bind(x, y)


def gt(x: Any, y: Any) -> Any:
    """Elementwise `x > y`."""
    return gt_p.bind(x, y)


def ge(x: Any, y: Any) -> Any:
    """Elementwise `x >= y`."""
    return ge_p.bind(x, y)


def bitwise_not(x: Any) -> Any:
    """Elementwise NOT (logical for booleans)."""
    return not_p.bind(x)


def bitwise_and(x: Any, y: Any) -> Any:
    """Elementwise AND (logical for booleans)."""
    return and_p.bind(x, y)


def bitwise_or(x: Any, y: Any) -> Any:
    """Elementwise OR (logical for booleans)."""
    return or_p.bind(x, y)


def bitwise_xor(x: Any, y: Any) -> Any:
    """Elementwise XOR (logical for booleans)."""
    return xor_p.bind(x, y)


def shift_left(x: Any, y: Any) -> Any:
    """Elementwise `x << y` (0 for shifts of the bit width or more)."""
    return shift_left_p.bind(x, y)


def shift_right_arithmetic(x: Any, y: Any) -> Any:
    """Elementwise `x >> y` copying the sign bit (of the bits, also for unsigned types)."""
    return shift_right_arithmetic_p.bind(x, y)


def shift_right_logical(x: Any, y: Any) -> Any:
    """Elementwise `x >> y` shifting in zeros (also for signed types)."""
    return shift_right_logical_p.bind(x, y)


def population_count(x: Any) -> Any:
    """Elementwise number of set bits."""
    return population_count_p.bind(x)


def clz(x: Any) -> Any:
    """Elementwise number of leading zero bits."""
    return clz_p.bind(x)


def bitcast_convert_type(operand: Any, new_dtype: Any) -> Any:
    """Reinterprets the bits of `operand` as `new_dtype` (a trailing axis is split off or
    merged when the item sizes differ)."""
    return bitcast_convert_type_p.bind(operand, new_dtype=dtypes.canonicalize_dtype(new_dtype))


__all__ = [
    "RoundingMethod",
    "ceil",
    "floor",
    "is_finite",
    "nextafter",
    "round",
    "sign",
    "ceil_p",
    "floor_p",
    "is_finite_p",
    "nextafter_p",
    "round_p",
    "sign_p",
    "eq",
    "ne",
    "lt",
    "le",
    "gt",
    "ge",
    "bitwise_not",
    "bitwise_and",
    "bitwise_or",
    "bitwise_xor",
    "shift_left",
    "shift_right_arithmetic",
    "shift_right_logical",
    "population_count",
    "clz",
    "bitcast_convert_type",
    "eq_p",
    "ne_p",
    "lt_p",
    "le_p",
    "gt_p",
    "ge_p",
    "not_p",
    "and_p",
    "or_p",
    "xor_p",
    "shift_left_p",
    "shift_right_arithmetic_p",
    "shift_right_logical_p",
    "population_count_p",
    "clz_p",
    "bitcast_convert_type_p",
]
