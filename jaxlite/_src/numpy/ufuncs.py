"""Elementwise jnp functions under NumPy's names, composed of lax wrappers.

The factories `_unary`/`_binary` (and the eager fast path they build) are in `ufunc_base`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from jaxlite._src import dtypes as _dtypes
from jaxlite._src.array import Array
from jaxlite._src.numpy import _lax as lax
from jaxlite._src.numpy import promotion as P
from jaxlite._src.numpy.promotion import (
    PY_SCALARS,
    broadcast_to_shape,
    check_arraylike,
    dtype_of,
    promote_args,
    promote_args_inexact,
    promote_args_numeric,
    promote_dtypes,
    shape,
    wrap,
)
from jaxlite._src.numpy.ufunc_base import (  # noqa: F401  (const helpers are used by siblings)
    _ALL,
    _BOOL,
    _FLOATS,
    _NUMBERS,
    _binary,
    _compare,
    _ctx,
    _eval_trace,
    _name,
    _prim,
    _tracing,
    _unary,
    const,
    const_like,
    eager_value,
    inherit,
)


def _promote_float_only(name: str, *args: Any) -> list[Any]:
    """Inexact promotion, refusing complex (for functions lax defines on reals only)."""
    out = promote_args_inexact(name, *args)
    if dtype_of(out[0]).kind == "c":
        raise TypeError(f"{name} does not support complex-valued inputs.")
    return out


def _check_int_or_bool(name: str, *args: Any) -> None:
    """Raises unless the arguments promote to an integer or bool dtype (stages nothing)."""
    check_arraylike(name, *args)
    dt = P.promoted_dtype(P.ANY, *args)
    if dt.kind not in "iub":
        raise TypeError(
            f"{name} requires integer or boolean arguments, got {dt.name}. "
            "Use jnp.logical_* for boolean logic on floats."
        )


def _promote_int_or_bool(name: str, *args: Any) -> list[Any]:
    _check_int_or_bool(name, *args)
    return promote_args(name, *args)


_INEXACT_DOC = "Elementwise {}, as `numpy.{}` (integer inputs are promoted to float)."

# ----------------------------------------------------------------------------------------------
# Unary functions promoting to inexact

sin = _unary("sin", "sin", promote_args_inexact, _FLOATS, "Elementwise sine.")
cos = _unary("cos", "cos", promote_args_inexact, _FLOATS, "Elementwise cosine.")
tan = _unary("tan", "tan", promote_args_inexact, _FLOATS, "Elementwise tangent.")
arcsin = _unary("arcsin", "asin", promote_args_inexact, _FLOATS, "Elementwise inverse sine.")
arccos = _unary("arccos", "acos", promote_args_inexact, _FLOATS, "Elementwise inverse cosine.")
arctan = _unary("arctan", "atan", promote_args_inexact, _FLOATS, "Elementwise inverse tangent.")
sinh = _unary("sinh", "sinh", promote_args_inexact, _FLOATS, "Elementwise hyperbolic sine.")
cosh = _unary("cosh", "cosh", promote_args_inexact, _FLOATS, "Elementwise hyperbolic cosine.")
tanh = _unary("tanh", "tanh", promote_args_inexact, _FLOATS, "Elementwise hyperbolic tangent.")
arcsinh = _unary("arcsinh", "asinh", promote_args_inexact, _FLOATS, "Inverse hyperbolic sine.")
arccosh = _unary("arccosh", "acosh", promote_args_inexact, _FLOATS, "Inverse hyperbolic cosine.")
arctanh = _unary("arctanh", "atanh", promote_args_inexact, _FLOATS, "Inverse hyperbolic tangent.")
exp = _unary("exp", "exp", promote_args_inexact, _FLOATS, "Elementwise `e**x`.")
exp2 = _unary("exp2", "exp2", promote_args_inexact, _FLOATS, "Elementwise `2**x`.")
expm1 = _unary("expm1", "expm1", promote_args_inexact, _FLOATS, "Elementwise `exp(x) - 1`.")
log = _unary("log", "log", promote_args_inexact, _FLOATS, "Elementwise natural logarithm.")
log1p = _unary("log1p", "log1p", promote_args_inexact, _FLOATS, "Elementwise `log(1 + x)`.")
sqrt = _unary("sqrt", "sqrt", promote_args_inexact, _FLOATS, "Elementwise square root.")
cbrt = _unary("cbrt", "cbrt", _promote_float_only, _FLOATS, "Elementwise cube root.")
arcsin.__doc__ = _INEXACT_DOC.format("inverse sine", "arcsin")


def log2(x: Any, /) -> Any:
    """Elementwise base-2 logarithm."""
    (x,) = promote_args_inexact("log2", x)
    return lax.div(lax.log(x), lax.log(const_like(x, 2, False)))


def log10(x: Any, /) -> Any:
    """Elementwise base-10 logarithm."""
    (x,) = promote_args_inexact("log10", x)
    return lax.mul(lax.log(x), const_like(x, np.log10(np.e), False))


def deg2rad(x: Any, /) -> Any:
    """Converts degrees to radians."""
    (x,) = promote_args_inexact("deg2rad", x)
    return lax.mul(x, const_like(x, np.pi / 180))


def rad2deg(x: Any, /) -> Any:
    """Converts radians to degrees."""
    (x,) = promote_args_inexact("rad2deg", x)
    return lax.mul(x, const_like(x, 180 / np.pi))


radians = _name(lambda x, /: deg2rad(x), "radians", "Converts degrees to radians.")
degrees = _name(lambda x, /: rad2deg(x), "degrees", "Converts radians to degrees.")


def reciprocal(x: Any, /) -> Any:
    """Elementwise `1 / x` (integer inputs are promoted to float)."""
    (x,) = promote_args_inexact("reciprocal", x)
    return lax.integer_pow(x, -1)


def sinc(x: Any, /) -> Any:
    """`sin(pi x) / (pi x)`, 1 at 0."""
    (x,) = promote_args_inexact("sinc", x)
    is_zero = lax.eq(x, const_like(x, 0))
    pix = lax.mul(const_like(x, np.pi), x)
    safe = where(is_zero, const_like(x, 1), pix)
    return where(
        is_zero,
        lax.add(lax.mul(pix, const_like(x, 0)), const_like(x, 1)),
        lax.div(lax.sin(safe), safe),
    )


# ----------------------------------------------------------------------------------------------
# Unary functions keeping the dtype


def _promote_one(name: str, x: Any) -> list[Any]:
    return promote_args(name, x)


negative = _unary("negative", "neg", _promote_one, _NUMBERS, "Elementwise `-x`.")
sign = _unary("sign", "sign", _promote_one, _NUMBERS, "Elementwise sign: -1, 0 or 1.")


def square(x: Any, /) -> Any:
    """Elementwise `x * x` (bool inputs give int32)."""
    (x,) = promote_args_numeric("square", x)
    if lax.has("square"):
        return lax.square(x)
    return lax.integer_pow(x, 2)


def positive(x: Any, /) -> Any:
    """Returns `x` (after checking it is an array)."""
    (x,) = promote_args("positive", x)
    return x


def absolute(x: Any, /) -> Any:
    """Elementwise absolute value (unsigned and bool inputs are returned unchanged)."""
    v = eager_value(x, _ABS_FAST)
    if v is not None:
        return wrap(_abs_p.impl(v), x.weak_type)
    (x,) = promote_args("abs", x)
    if dtype_of(x).kind in "ub":
        return x
    return lax.abs(x)


_abs_p = _prim("abs")
_ABS_FAST = _FLOATS if _abs_p is not None else frozenset()
abs = absolute  # noqa: A001  (NumPy's name)


def _keep_ints(name: str, lax_name: str, doc: str) -> Callable:
    prim = _prim(lax_name)
    fast = _FLOATS if prim is not None else frozenset()

    def f(x, /):
        v = eager_value(x, fast)
        if v is not None:
            return wrap(prim.impl(v), x.weak_type)
        check_arraylike(name, x)
        (y,) = promote_args(name, x)
        dt = dtype_of(y)
        if dt.kind in "iub":
            return y
        if dt.kind == "c":
            raise TypeError(f"{name} does not support complex-valued inputs.")
        return getattr(lax, lax_name)(P.keep_scalar(x, y))

    return _name(f, name, doc)


floor = _keep_ints("floor", "floor", "Elementwise floor (integers unchanged).")
ceil = _keep_ints("ceil", "ceil", "Elementwise ceiling (integers unchanged).")


def trunc(x: Any, /) -> Any:
    """Rounds toward zero (integers unchanged)."""
    (x,) = promote_args("trunc", x)
    dt = dtype_of(x)
    if dt.kind in "iub":
        return x
    if dt.kind == "c":
        raise TypeError("trunc does not support complex-valued inputs.")
    return where(lax.lt(x, const_like(x, 0, False)), lax.ceil(x), lax.floor(x))


def _round_method(name: str) -> Any:
    rm = lax.lookup("RoundingMethod")
    if rm is not None:
        return getattr(rm, name)
    return {"AWAY_FROM_ZERO": 0, "TO_NEAREST_EVEN": 1}[name]


def _round_half_even(x: Any) -> Any:
    if dtype_of(x).kind == "c":
        return lax.complex(_round_half_even(lax.real(x)), _round_half_even(lax.imag(x)))
    return lax.round(x, _round_method("TO_NEAREST_EVEN"))


def round(a: Any, decimals: int = 0, out: None = None) -> Any:  # noqa: A001
    """Rounds to `decimals` places, halves to even (integers unchanged for decimals >= 0)."""
    if out is not None:
        raise NotImplementedError("The 'out' argument to jnp.round is not supported.")
    decimals = int(decimals)
    (x,) = promote_args("round", a)
    dt = dtype_of(x)
    if dt.kind == "b":
        raise ValueError(f"data type {np.bool_!r} not inexact")  # JAX's error and wording
    if dt.kind in "iu":
        if decimals >= 0:
            return x
        xf = lax.convert_element_type(x, _dtypes.default_float_dtype())
        r = _round_decimals(xf, decimals)
        return lax.convert_element_type(r, dt, P.aval(x).weak_type)
    return _round_decimals(x, decimals)


def _round_decimals(x: Any, decimals: int) -> Any:
    if decimals == 0:
        return _round_half_even(x)
    factor = const_like(x, 10.0**decimals)
    return lax.div(_round_half_even(lax.mul(x, factor)), factor)


around = round


def rint(x: Any, /) -> Any:
    """Rounds to the nearest integer (halves to even), as a float."""
    (x,) = promote_args("rint", x)
    dt = dtype_of(x)
    if dt.kind in "iub":  # integers convert to a (strong) float: nothing to round
        return lax.convert_element_type(x, P.to_inexact_dtype(dt))
    return _round_half_even(x)


def isfinite(x: Any, /) -> Any:
    """Elementwise test for finite values."""
    (x,) = promote_args("isfinite", x)
    dt = dtype_of(x)
    if dt.kind in "fc":
        if dt.kind == "c":
            return lax.bitwise_and(lax.is_finite(lax.real(x)), lax.is_finite(lax.imag(x)))
        return lax.is_finite(x)
    return broadcast_to_shape(const(_BOOL, True), shape(x))


def isnan(x: Any, /) -> Any:
    """Elementwise test for NaN."""
    (x,) = promote_args("isnan", x)
    if dtype_of(x).kind in "fc":
        return lax.ne(x, x)
    return broadcast_to_shape(const(_BOOL, False, P.aval(x).weak_type), shape(x))


def isinf(x: Any, /) -> Any:
    """Elementwise test for positive or negative infinity."""
    (x,) = promote_args("isinf", x)
    dt = dtype_of(x)
    if dt.kind == "f":
        return lax.eq(lax.abs(x), const(dt, np.inf))
    if dt.kind == "c":
        return lax.bitwise_or(isinf(lax.real(x)), isinf(lax.imag(x)))
    return broadcast_to_shape(const(_BOOL, False), shape(x))


def isposinf(x: Any, /) -> Any:
    """Elementwise test for +inf."""
    (x,) = promote_args("isposinf", x)
    if dtype_of(x).kind == "c":
        raise ValueError("isposinf/isneginf are not well defined for complex types")
    if dtype_of(x).kind == "f":
        return lax.eq(x, const_like(x, np.inf, False))
    return broadcast_to_shape(const(_BOOL, False), shape(x))


def isneginf(x: Any, /) -> Any:
    """Elementwise test for -inf."""
    (x,) = promote_args("isneginf", x)
    if dtype_of(x).kind == "c":
        raise ValueError("isposinf/isneginf are not well defined for complex types")
    if dtype_of(x).kind == "f":
        return lax.eq(x, const_like(x, -np.inf, False))
    return broadcast_to_shape(const(_BOOL, False), shape(x))


def signbit(x: Any, /) -> Any:
    """True where the sign bit is set (negative values, -0.0 and negative NaNs)."""
    (x,) = promote_args("signbit", x)
    dt = dtype_of(x)
    if dt.kind == "c":
        raise ValueError("jnp.signbit is not well defined for complex inputs.")
    if dt.kind == "b":
        return broadcast_to_shape(const(_BOOL, False), shape(x))
    if dt.kind in "iu":
        return lax.lt(x, const(dt, 0))
    # Test the sign bit itself: copysign(1, x) < 0 distinguishes -0.0 and -nan.
    if lax.has("bitcast_convert_type"):
        int_dt = np.dtype(f"int{8 * dt.itemsize}")
        bits = lax.bitcast_convert_type(x, int_dt)
        return lax.lt(bits, const(int_dt, 0))
    raise NotImplementedError("signbit needs lax.bitcast_convert_type")


def logical_not(x: Any, /) -> Any:
    """Elementwise logical NOT (nonzero is True)."""
    (x,) = promote_args("logical_not", x)
    if dtype_of(x) != _BOOL:
        x = lax.ne(x, const_like(x, 0))
    return lax.bitwise_not(x)


def invert(x: Any, /) -> Any:
    """Elementwise bitwise NOT (logical NOT for bools)."""
    (x,) = _promote_int_or_bool("invert", x)
    return lax.bitwise_not(x)


bitwise_not = invert
bitwise_invert = invert


def conjugate(x: Any, /) -> Any:
    """Complex conjugate (real inputs unchanged)."""
    (x,) = promote_args("conjugate", x)
    return lax.conj(x) if dtype_of(x).kind == "c" else x


conj = conjugate


def real(x: Any, /) -> Any:
    """The real part (real inputs unchanged)."""
    (x,) = promote_args("real", x)
    return lax.real(x) if dtype_of(x).kind == "c" else x


def imag(x: Any, /) -> Any:
    """The imaginary part (zeros for real inputs)."""
    (x,) = promote_args("imag", x)
    if dtype_of(x).kind == "c":
        return lax.imag(x)
    return broadcast_to_shape(const_like(x, 0), shape(x))


def angle(z: Any, deg: bool = False) -> Any:
    """The complex argument, in radians (or degrees)."""
    (z,) = promote_args("angle", z)
    dt = dtype_of(z)
    if dt.kind == "c":
        re, im = lax.real(z), lax.imag(z)
    else:
        fdt = P.to_inexact_dtype(dt)
        re = lax.convert_element_type(z, fdt)
        im = broadcast_to_shape(const(fdt, 0), shape(z))
    out = lax.atan2(im, re)
    return rad2deg(out) if deg else out


# ----------------------------------------------------------------------------------------------
# Binary arithmetic

add = _binary("add", "add", promote_args, _NUMBERS, "Elementwise `x + y`.", "bitwise_or")
subtract = _binary("subtract", "sub", promote_args, _NUMBERS, "Elementwise `x - y`.")
multiply = _binary("multiply", "mul", promote_args, _NUMBERS, "Elementwise `x * y`.", "bitwise_and")
true_divide = _binary(
    "true_divide",
    "div",
    promote_args_inexact,
    _FLOATS,
    "Elementwise `x / y` (integer inputs are promoted to float).",
)
divide = true_divide
maximum = _binary("maximum", "max", promote_args, _ALL, "Elementwise maximum (NaNs propagate).")
minimum = _binary("minimum", "min", promote_args, _ALL, "Elementwise minimum (NaNs propagate).")
arctan2 = _binary(
    "arctan2",
    "atan2",
    promote_args_inexact,
    _FLOATS,
    "Elementwise `arctan(x1 / x2)` choosing the quadrant.",
)
nextafter = _binary(
    "nextafter",
    "nextafter",
    lambda n, *a: _promote_float_only(n, *a),
    _FLOATS,
    "The next representable value after x1 toward x2.",
)
_fmod = _binary(
    "fmod",
    "rem",
    promote_args_numeric,
    _FLOATS,
    "Remainder with the sign of the dividend (C's fmod).",
)


def fmod(x1: Any, x2: Any, /) -> Any:
    """Remainder with the sign of the dividend (C's fmod); integer `x % 0` gives 0."""
    if type(x1) is Array and type(x2) is Array and x1.dtype.kind == "f":
        return _fmod(x1, x2)
    check_arraylike("fmod", x1, x2)
    if _dtypes.result_type(x1, x2).kind in "iub":
        x2 = P.to_jax(x2) if type(x2) not in PY_SCALARS else x2
        (x2c,) = promote_dtypes(x2)
        x2 = where(lax.eq(x2c, const_like(x2c, 0)), const_like(x2c, 1), x2c)
    return _fmod(x1, x2)


equal = _binary("equal", "eq", promote_args, _ALL, "Elementwise `x == y`.")
not_equal = _binary("not_equal", "ne", promote_args, _ALL, "Elementwise `x != y`.")
less = _binary("less", "lt", promote_args, _ALL, "Elementwise `x < y`.")
less_equal = _binary("less_equal", "le", promote_args, _ALL, "Elementwise `x <= y`.")
greater = _binary("greater", "gt", promote_args, _ALL, "Elementwise `x > y`.")
greater_equal = _binary("greater_equal", "ge", promote_args, _ALL, "Elementwise `x >= y`.")

bitwise_and = _binary(
    "bitwise_and", "bitwise_and", _promote_int_or_bool, frozenset(), "Elementwise bitwise AND."
)
bitwise_or = _binary(
    "bitwise_or", "bitwise_or", _promote_int_or_bool, frozenset(), "Elementwise bitwise OR."
)
bitwise_xor = _binary(
    "bitwise_xor", "bitwise_xor", _promote_int_or_bool, frozenset(), "Elementwise bitwise XOR."
)


def _logical(name: str, lax_name: str, doc: str) -> Callable:
    def f(x, y, /):
        x, y = promote_args(name, x, y)
        if dtype_of(x) != _BOOL:
            x = lax.ne(x, const_like(x, 0))
            y = lax.ne(y, const_like(y, 0))
        return getattr(lax, lax_name)(x, y)

    return _name(f, name, doc)


logical_and = _logical("logical_and", "bitwise_and", "Elementwise logical AND.")
logical_or = _logical("logical_or", "bitwise_or", "Elementwise logical OR.")
logical_xor = _logical("logical_xor", "bitwise_xor", "Elementwise logical XOR.")


def left_shift(x: Any, y: Any, /) -> Any:
    """Elementwise `x << y`."""
    _check_int_or_bool("left_shift", x, y)
    x, y = promote_args_numeric("left_shift", x, y)
    return lax.shift_left(x, y)


def right_shift(x: Any, y: Any, /) -> Any:
    """Elementwise `x >> y` (arithmetic for signed, logical for unsigned integers)."""
    _check_int_or_bool("right_shift", x, y)
    x, y = promote_args_numeric("right_shift", x, y)
    if dtype_of(x).kind == "i":
        return lax.shift_right_arithmetic(x, y)
    return lax.shift_right_logical(x, y)


bitwise_left_shift = left_shift
bitwise_right_shift = right_shift


def remainder(x: Any, y: Any, /) -> Any:
    """Remainder with the sign of the divisor (Python's `%`)."""
    x, y = promote_args_numeric("remainder", x, y)
    zero = const_like(x, 0)
    if dtype_of(y).kind in "iu":
        # An integer division by zero would be undefined: divide by 1 there instead.
        y = where(lax.eq(y, zero), broadcast_to_shape(inherit(y, 1), shape(y)), y)
    r = lax.rem(x, y)
    fix_sign = lax.bitwise_and(lax.ne(lax.lt(r, zero), lax.lt(y, zero)), lax.ne(r, zero))
    return _select(fix_sign, lax.add(r, y), r)


mod = remainder


def _float_divmod(x: Any, y: Any) -> tuple[Any, Any]:
    zero = const_like(x, 0)
    m = lax.rem(x, y)
    d = lax.div(where(lax.eq(y, zero), x, lax.sub(x, m)), y)
    fix = lax.bitwise_and(lax.ne(m, zero), lax.ne(lax.sign(y), lax.sign(m)))
    m = _select(fix, lax.add(m, y), m)
    d = _select(fix, lax.sub(d, inherit(d, 1)), d)
    return lax.round(d, _round_method("AWAY_FROM_ZERO")), m


def floor_divide(x: Any, y: Any, /) -> Any:
    """Division rounding toward negative infinity (Python's `//`)."""
    x, y = promote_args_numeric("floor_divide", x, y)
    dt = dtype_of(x)
    if dt.kind in "iu":
        q = lax.div(x, y)
        if dt.kind == "u":
            return q
        fix = lax.bitwise_and(
            lax.ne(lax.sign(x), lax.sign(y)), lax.ne(lax.rem(x, y), const_like(x, 0))
        )
        # jnp's subtract, as in JAX: a weak narrow quotient minus 1 widens to int32.
        return where(fix, subtract(q, 1), q)
    if dt.kind == "c":
        raise TypeError("floor_divide does not support complex-valued inputs.")
    return _float_divmod(x, y)[0]


def divmod(x: Any, y: Any, /) -> tuple[Any, Any]:  # noqa: A001
    """`(floor_divide(x, y), remainder(x, y))`."""
    x, y = promote_args_numeric("divmod", x, y)
    if dtype_of(x).kind in "iu":
        return floor_divide(x, y), remainder(x, y)
    return _float_divmod(x, y)


def _int_pow(x: Any, y: Any) -> Any:
    """Integer power by repeated squaring over the exponent's low bits (as JAX does)."""
    one, zero = const_like(x, 1, False), const_like(x, 0, False)
    s = shape(x)
    acc = where(
        lax.bitwise_and(lax.eq(x, zero), lax.ne(y, const_like(y, 0))),
        broadcast_to_shape(zero, s),
        broadcast_to_shape(one, s),
    )
    ydt = dtype_of(y)
    y_one = const(ydt, 1)
    for _ in range(6):  # Anything past 2**63 overflows unless |x| <= 1, where parity is kept.
        acc = where(lax.bitwise_and(y, y_one), lax.mul(acc, x), acc)
        x = lax.mul(x, x)
        y = lax.shift_right_logical(y, y_one)
    return acc


def _static_int(x: Any) -> int | None:
    """`x` as a Python int when it is a concrete integer (or bool) scalar, else None."""
    if type(x) is int or type(x) is bool or isinstance(x, (np.integer, np.bool_)):
        return int(x)
    if (type(x) is Array or isinstance(x, np.ndarray)) and x.ndim == 0 and x.dtype.kind in "iub":
        return int(x)
    return None


def power(x1: Any, x2: Any, /) -> Any:
    """Elementwise `x1 ** x2`. A concrete integer exponent uses `lax.integer_pow`; an integer
    array exponent of a float base goes to `lax.pow` unpromoted (so the derivative in `x1`
    exists at 0), as in JAX."""
    if type(x2) is int and type(x1) is Array and (not _tracing or _ctx.trace is _eval_trace):
        # Eager `x ** 2`: integer_pow's implementation directly (as `bind` would call it).
        v = x1._value
        dt = v.dtype
        if (
            dt in _INT_POW_FAST
            and (not x1.weak_type or P.unchanged(P.ANY, dt, True))
            and (x2 >= 0 or dt.kind in "fc")
        ):
            out = _integer_pow_p.impl(v, y=x2)
            if out.dtype != dt:
                out = np.asarray(out).astype(dt)
            return wrap(out, x1.weak_type)
    if type(x2) is int and P.simple_one(P.NUMERIC, x1) is not None:
        return lax.integer_pow(x1, x2)  # tracers that promotion leaves as they are
    check_arraylike("power", x1, x2)
    n = _static_int(x2)
    if n is not None:
        (x,) = P.promote_dtypes_numeric(x1)
        return lax.integer_pow(x, n)
    x1p, x2p = promote_args_numeric("power", x1, x2)
    if dtype_of(x1p).kind in "iu":
        return _int_pow(x1p, x2p)
    d1, d2 = dtype_of(x1), dtype_of(x2)
    if d1.kind in "fc" and d2.kind in "iu":
        a, b = (
            x
            if type(x) not in PY_SCALARS
            else P.convert(x, *_dtypes.result_type(x, return_weak_type_flag=True))
            for x in (x1, x2)
        )
        a, b = P.broadcast_operands("power", [P.to_jax(a), P.to_jax(b)])
        return lax.pow(a, b)
    return lax.pow(x1p, x2p)


_integer_pow_p = _prim("integer_pow")
_INT_POW_FAST = _NUMBERS if _integer_pow_p is not None else frozenset()
pow = power  # noqa: A001


def float_power(x: Any, y: Any, /) -> Any:
    """`x ** y` computed in floating point (integer inputs are promoted to float)."""
    x, y = promote_args_inexact("float_power", x, y)
    return lax.pow(x, y)


def fmax(x: Any, y: Any, /) -> Any:
    """Elementwise maximum, ignoring NaNs."""
    x, y = promote_args("fmax", x, y)
    return where(lax.bitwise_or(_compare("gt", x, y), lax.ne(y, y)), x, y)


def fmin(x: Any, y: Any, /) -> Any:
    """Elementwise minimum, ignoring NaNs."""
    x, y = promote_args("fmin", x, y)
    return where(lax.bitwise_or(_compare("lt", x, y), lax.ne(y, y)), x, y)


def copysign(x1: Any, x2: Any, /) -> Any:
    """`|x1|` with the sign of `x2`."""
    x1, x2 = promote_args_inexact("copysign", x1, x2)
    if dtype_of(x1).kind == "c":
        raise TypeError("copysign does not support complex-valued inputs")
    a = lax.abs(x1)
    return where(signbit(x2), lax.neg(a), a)


def heaviside(x1: Any, x2: Any, /) -> Any:
    """0 for x1 < 0, x2 for x1 == 0, 1 for x1 > 0."""
    x1, x2 = promote_args_inexact("heaviside", x1, x2)
    if dtype_of(x1).kind == "c":
        raise TypeError("heaviside does not support complex-valued inputs.")
    zero = const_like(x1, 0)
    at_zero = where(lax.ne(x1, x1), x1, x2)  # NaN stays NaN
    return where(lax.lt(x1, zero), zero, where(lax.gt(x1, zero), const_like(x1, 1), at_zero))


def hypot(x1: Any, x2: Any, /) -> Any:
    """`sqrt(x1**2 + x2**2)` without intermediate overflow."""
    x1, x2 = promote_args_inexact("hypot", x1, x2)
    if dtype_of(x1).kind == "c":
        raise ValueError(
            "jnp.hypot is not well defined for complex-valued inputs. Please convert to real "
            "values first, such as by using abs(x)"
        )
    a, b = lax.abs(x1), lax.abs(x2)
    inf = const_like(a, np.inf)
    any_inf = lax.bitwise_or(lax.eq(a, inf), lax.eq(b, inf))
    big, small = lax.max(a, b), lax.min(a, b)
    zero, one = const_like(big, 0), const_like(big, 1)
    big_is_zero = lax.eq(big, zero)
    ratio = lax.div(small, where(big_is_zero, one, big))
    r = lax.mul(big, lax.sqrt(lax.add(one, lax.mul(ratio, ratio))))
    r = where(big_is_zero, big, r)
    return where(any_inf, const_like(r, np.inf), r)


def logaddexp(x1: Any, x2: Any, /) -> Any:
    """`log(exp(x1) + exp(x2))`, computed stably."""
    x1, x2 = promote_args_inexact("logaddexp", x1, x2)
    amax = lax.max(x1, x2)
    delta = lax.sub(x1, x2)
    # min - max (= -|delta|) rather than -abs(delta): at ties max and min each pass half the
    # gradient, so the derivative there is 1/2, as JAX's custom derivative gives.
    out = lax.add(amax, lax.log1p(lax.exp(lax.sub(lax.min(x1, x2), amax))))
    # Equal infinities give a NaN delta; the plain sum is right there.
    return _select(lax.ne(delta, delta), lax.add(x1, x2), out)


def logaddexp2(x1: Any, x2: Any, /) -> Any:
    """`log2(2**x1 + 2**x2)`, computed stably."""
    x1, x2 = promote_args_inexact("logaddexp2", x1, x2)
    amax = lax.max(x1, x2)
    delta = lax.sub(x1, x2)
    tail = lax.log1p(lax.exp2(lax.sub(lax.min(x1, x2), amax)))
    out = lax.add(amax, lax.mul(const_like(tail, 1 / np.log(2)), tail))
    return _select(lax.ne(delta, delta), lax.add(x1, x2), out)


# ----------------------------------------------------------------------------------------------
# Selection


def _select(pred: Any, on_true: Any, on_false: Any) -> Any:
    """`lax.select_n(pred, on_false, on_true)` on operands of one shape (rank-0 broadcast)."""
    s = P.result_shape(shape(pred), shape(on_true), shape(on_false))
    pred, on_true, on_false = (broadcast_to_shape(v, s) for v in (pred, on_true, on_false))
    return lax.select_n(pred, on_false, on_true)


def where(
    condition: Any, x: Any = None, y: Any = None, /, *, size: Any = None, fill_value: Any = None
) -> Any:
    """`x` where `condition` is true, else `y`; with one argument, `nonzero(condition)`."""
    if x is None and y is None:
        if size is None and fill_value is None:
            from jaxlite._src.numpy.indexing import nonzero  # noqa: PLC0415

            return nonzero(condition)
        raise NotImplementedError("jnp.where(condition, size=...) is not supported.")
    if x is None or y is None:
        raise ValueError(
            "Either both or neither of the x and y arguments should be provided "
            f"to jax.numpy.where, got {x} and {y}."
        )
    check_arraylike("where", condition, x, y)
    c = P.to_jax(condition) if type(condition) not in PY_SCALARS else condition
    if dtype_of(c) != _BOOL:
        (c,) = promote_dtypes(c)
        c = lax.ne(c, const_like(c, 0, False))
    elif type(c) in PY_SCALARS:
        c = const(_BOOL, c)
    x, y = promote_dtypes(x, y)
    # Unlike the arithmetic functions, where broadcasts its operands fully, as JAX does; a
    # rank-0 condition stays rank 0 (lax's select takes it as it is).
    if not shape(c):
        s = P.result_shape(shape(x), shape(y))
        x, y = broadcast_to_shape(x, s), broadcast_to_shape(y, s)
        return lax.select_n(c, y, x)
    s = P.result_shape(shape(c), shape(x), shape(y))
    c, x, y = (broadcast_to_shape(v, s) for v in (c, x, y))
    return lax.select_n(c, y, x)


def clip(
    arr: Any = None,
    /,
    min: Any = None,
    max: Any = None,
    *,  # noqa: A002
    a: Any = None,
    a_min: Any = None,
    a_max: Any = None,
) -> Any:
    """Limits values to `[min, max]` (either bound may be None)."""
    if a is not None:
        arr = a
    if a_min is not None:
        min = a_min  # noqa: A001
    if a_max is not None:
        max = a_max  # noqa: A001
    check_arraylike("clip", arr)
    if min is not None:
        arr = maximum(min, arr)
    if max is not None:
        arr = minimum(max, arr)
    return P.to_jax(arr) if type(arr) not in PY_SCALARS else promote_args("clip", arr)[0]


# ----------------------------------------------------------------------------------------------
# Comparisons of whole arrays


def isclose(a: Any, b: Any, rtol: Any = 1e-05, atol: Any = 1e-08, equal_nan: bool = False) -> Any:
    """Elementwise `|a - b| <= atol + rtol * |b|`, with infinities equal only to themselves."""
    a, b = promote_args("isclose", a, b)
    dt = dtype_of(a)
    if dt.kind not in "fc":
        return equal(a, b)
    if dt.kind == "c":
        fdt = np.dtype(f"float{4 * dt.itemsize}")
    else:
        fdt = dt
    rtol_c = P.convert(rtol, fdt, False) if type(rtol) in PY_SCALARS else rtol
    atol_c = P.convert(atol, fdt, False) if type(atol) in PY_SCALARS else atol
    out = less_equal(absolute(subtract(a, b)), add(atol_c, multiply(rtol_c, absolute(b))))
    # Infinities: close only when exactly equal.
    both_finite = logical_and(isfinite(a), isfinite(b))
    out = logical_or(
        logical_and(both_finite, out), logical_and(logical_not(both_finite), equal(a, b))
    )
    if equal_nan:
        out = logical_or(out, logical_and(isnan(a), isnan(b)))
    return out
