"""Elementwise primitives: one block per primitive with all of its rules.

Operands of an n-ary primitive have one dtype and equal shapes, except that rank-0 operands
broadcast. Dtype errors use JAX's wording. The special-function kernels (erf, lgamma, digamma,
zeta, ...) are NumPy code in special.py; their primitives are here with the others.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from jaxlite._src import core, dtypes
from jaxlite._src.core import Primitive, ShapedArray, get_aval
from jaxlite._src.interpreters.ad import UndefinedPrimal, Zero
from jaxlite._src.interpreters.batching import bdim_at_front, moveaxis, not_mapped
from jaxlite._src.lax import special
from jaxlite._src.rules import (
    broadcasting_shape,
    defbilinear,
    defbroadcasting,
    defjvp,
    defjvp_zero,
    deflinear,
    defvectorized,
    standard_primitive,
    unbroadcast,
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


def _check_dtype(name: str, dt: np.dtype, groups: Sequence[str] | None, pos: int | None = None):
    if groups is None or _accepts(dt, groups):
        return
    at = "" if pos is None else f" at position {pos}"
    raise TypeError(
        f"{name} does not accept dtype {dt.name}{at}. Accepted dtypes{at} are subtypes of "
        f"{', '.join(groups)}."
    )


def _check_same_dtypes(name: str, avals: Sequence[ShapedArray], tip: str | None = None):
    if len({a.dtype for a in avals}) > 1:
        got = ", ".join(a.dtype.name for a in avals)
        hint = (
            f" (Tip: jnp.{tip} is a similar function that does automatic type promotion on "
            "inputs)."
            if tip
            else ""
        )
        raise TypeError(f"lax.{name} requires arguments to have the same dtypes, got {got}.{hint}")


def _unary(
    name: str,
    impl: Callable,
    groups: Sequence[str] | None,
    result_dtype: Callable[[np.dtype], Any] | None = None,
    weak_type_rule: Callable | None = None,
    shape_rule: Callable | None = None,
) -> Primitive:
    """A unary elementwise primitive (batched elementwise)."""

    def dtype_rule(x, **params):
        _check_dtype(name, x.dtype, groups)
        return x.dtype if result_dtype is None else np.dtype(result_dtype(x.dtype, **params))

    prim = standard_primitive(
        name, impl, shape_rule or (lambda x, **p: x.shape), dtype_rule, weak_type_rule
    )
    defvectorized(prim)
    return prim


def _nary(
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
            _check_dtype(name, a.dtype, groups, i)
        _check_same_dtypes(name, avals, tip)
        if result_dtype is None:
            return avals[0].dtype
        return np.dtype(result_dtype(avals[0].dtype) if callable(result_dtype) else result_dtype)

    def shape_rule(*avals, **params):
        return broadcasting_shape(name, *[a.shape for a in avals])

    prim = standard_primitive(name, impl, shape_rule, dtype_rule)
    defbroadcasting(prim)
    return prim


def _const(like: Any, value: Any) -> np.ndarray:
    """A rank-0 constant of the dtype of `like` (stays a literal in jaxprs)."""
    return np.array(value, dtype=get_aval(like).dtype)


def _full(aval: ShapedArray, value: Any) -> Any:
    """`value` broadcast to `aval` (a literal when rank 0)."""
    c = np.array(value, dtype=aval.dtype)
    return core.ops.broadcast_in_dim(c, aval.shape, ()) if aval.shape else c


def _fit(t: Any, like: Any) -> Any:
    """Broadcasts a rank-0 `t` to the shape of `like`."""
    shape = get_aval(like).shape
    return core.ops.broadcast_in_dim(t, shape, ()) if get_aval(t).shape != shape else t


def _ct_aval(x: Any) -> ShapedArray:
    return x.aval if type(x) is UndefinedPrimal else get_aval(x)


def _is_float(x: Any) -> bool:
    return np.asarray(x).dtype.kind == "f"


# ----------------------------------------------------------------------------------------------
# Arithmetic

# add: linear in both; an implicitly broadcast rank-0 operand sums its cotangent.
add_p = _nary("add", np.add, NUM, tip="add")
deflinear(add_p, lambda ct, x, y: [
    unbroadcast(_ct_aval(x), ct) if type(x) is UndefinedPrimal else None,
    unbroadcast(_ct_aval(y), ct) if type(y) is UndefinedPrimal else None,
])

# sub: d(x - y) = dx - dy.
sub_p = _nary("sub", np.subtract, NUM, tip="subtract")
deflinear(sub_p, lambda ct, x, y: [
    unbroadcast(_ct_aval(x), ct) if type(x) is UndefinedPrimal else None,
    unbroadcast(_ct_aval(y), neg(ct)) if type(y) is UndefinedPrimal else None,
])

# mul: bilinear; ct_x = ct * y.
mul_p = _nary("mul", np.multiply, NUM, tip="multiply")
defbilinear(
    mul_p,
    lambda ct, x, y: unbroadcast(x.aval, mul(ct, y)),
    lambda ct, x, y: unbroadcast(y.aval, mul(x, ct)),
)


def _int_divisor(x, y):
    """XLA's integer division cases: y == 0 (quotient all ones bits, remainder x) and, for
    signed types, y == -1 (which would overflow at INT_MIN): both divide by 1 instead."""
    zero = y == 0
    minus_one = (y == -1) if x.dtype.kind == "i" else np.zeros_like(zero)
    return np.where(zero | minus_one, np.ones((), x.dtype), y), zero, minus_one


def _div_impl(x, y):
    if x.dtype.kind not in "iu":
        return np.true_divide(x, y)
    # Rounds toward zero (C semantics), unlike NumPy's floor division.
    ys, zero, minus_one = _int_divisor(x, y)
    q = np.floor_divide(x, ys)
    q = np.where((q * ys != x) & ((x < 0) != (ys < 0)), q + np.ones((), x.dtype), q)
    q = np.where(minus_one, np.negative(x), q)
    return np.where(zero, np.invert(np.zeros((), x.dtype)), q)


# div: d(x/y) = dx/y - x dy/y^2 = dx/y - ans dy / y.
div_p = _nary("div", _div_impl, NUM, tip="divide")
defjvp(
    div_p,
    lambda g, ans, x, y: div(g, y),
    lambda g, ans, x, y: mul(neg(g), div(ans, y)),
)


def _div_transpose(ct, x, y):
    # div is linear in its numerator only.
    if type(ct) is Zero:
        return [None, None]
    if type(y) is UndefinedPrimal:
        raise core.InternalError("internal: div transposed in its denominator")
    return [unbroadcast(x.aval, div(ct, y)), None]


div_p.transpose = _div_transpose


def _rem_impl(x, y):
    if x.dtype.kind not in "iu":
        return np.fmod(x, y)
    ys, zero, _ = _int_divisor(x, y)
    return np.where(zero, x, np.fmod(x, ys))


# rem: x - y trunc(x/y), so d rem = dx - trunc(x/y) dy.
rem_p = _nary("rem", _rem_impl, ("integer", "floating"))
defjvp(
    rem_p,
    lambda g, ans, x, y: g,
    lambda g, ans, x, y: mul(neg(g), mul(sign(div(x, y)), floor(abs(div(x, y))))),
)

# neg: linear, self-adjoint up to sign.
neg_p = _unary("neg", np.negative, NUM)
deflinear(neg_p, lambda ct, x: [neg(ct)])


def _sign_impl(x):
    if x.dtype.kind == "f":
        return np.where(x == 0, x, np.sign(x))  # keeps the sign of zero, as XLA
    return np.sign(x)


# sign: piecewise constant.
sign_p = _unary("sign", _sign_impl, NUM)
defjvp_zero(sign_p)


def _abs_jvp(g, ans, x):
    if get_aval(x).dtype.kind != "c":
        # d|x| = sign(x) dx, taking +1 at 0 as JAX.
        return select_n(ge(x, _const(x, 0)), neg(g), g)
    # d|z| = Re(conj(z) dz) / |z| (0 at z = 0).
    safe = select_n(eq(ans, _const(ans, 0)), ans, _full(get_aval(ans), 1))
    return real(div(mul(g, conj(x)), complex(safe, _full(get_aval(safe), 0))))


# abs: complex operands give their real dtype.
abs_p = _unary(
    "abs", np.abs, ("floating", "complexfloating", "signedinteger"),
    result_dtype=lambda dt: dtypes.finfo(dt).dtype if dt.kind == "c" else dt,
)
defjvp(abs_p, _abs_jvp)


def _balanced_eq(a, ans, b):
    """1 where `a` alone attains the extremum `ans`, 1/2 where `b` does too, else 0: at ties
    max/min split the tangent evenly, as JAX."""
    aval = get_aval(ans)
    one_or_half = select_n(eq(b, ans), _full(aval, 1), _full(aval, 0.5))
    return select_n(eq(a, ans), _full(aval, 0), one_or_half)


def _max_impl(x, y):
    out = np.maximum(x, y)
    if _is_float(out):  # XLA orders -0 below +0
        out = np.where((x == 0) & (y == 0), np.where(np.signbit(x), y, x), out)
    return out


def _min_impl(x, y):
    out = np.minimum(x, y)
    if _is_float(out):
        out = np.where((x == 0) & (y == 0), np.where(np.signbit(x), x, y), out)
    return out


# max, min: the tangent of the operand attaining the extremum (split evenly at ties).
max_p = _nary("max", _max_impl, ANY, tip="maximum")
defjvp(
    max_p,
    lambda g, ans, x, y: mul(g, _balanced_eq(x, ans, y)),
    lambda g, ans, x, y: mul(g, _balanced_eq(y, ans, x)),
)
min_p = _nary("min", _min_impl, ANY, tip="minimum")
defjvp(
    min_p,
    lambda g, ans, x, y: mul(g, _balanced_eq(x, ans, y)),
    lambda g, ans, x, y: mul(g, _balanced_eq(y, ans, x)),
)


def _pow_dtype_rule(x, y):
    _check_dtype("pow", x.dtype, INEXACT, 0)
    if y.dtype.kind not in "iufc" or (y.dtype.kind in "fc" and y.dtype != x.dtype):
        raise TypeError(
            "the first argument to pow must have an inexact dtype (float or complex), and the "
            "second argument must have an inexact or integer dtype, and two inexact dtypes "
            f"must match, but got {x.dtype.name} and {y.dtype.name} respectively."
        )
    return x.dtype


def _pow_impl(x, y):
    out = np.power(x, y)
    return out.astype(x.dtype, copy=False) if out.dtype != x.dtype else out


def _pow_jvp_x(g, ans, x, y):
    # d x^y / dx = y x^(y-1); for integer y the y = 0 case is exactly 0 (x^-1 may be inf).
    ydt = get_aval(y).dtype
    if ydt.kind in "iu":
        yx = convert_element_type(y, get_aval(x).dtype)
        jac = mul(yx, pow(x, sub(y, _const(y, 1))))
        jac = select_n(eq(y, _const(y, 0)), jac, _full(get_aval(jac), 0))
    else:
        jac = mul(y, pow(x, sub(y, _const(y, 1))))
    return mul(g, jac)


def _pow_jvp_y(g, ans, x, y):
    # d x^y / dy = log(x) x^y, taken as 0 where x == 0 (JAX's convention).
    safe = select_n(eq(x, _const(x, 0)), x, _full(get_aval(x), 1))
    return mul(g, mul(log(safe), ans))


# pow: x^y for inexact x; y inexact of x's dtype or any integer.
pow_p = standard_primitive(
    "pow",
    _pow_impl,
    lambda x, y: broadcasting_shape("pow", x.shape, y.shape),
    _pow_dtype_rule,
)
defbroadcasting(pow_p)
defjvp(pow_p, _pow_jvp_x, _pow_jvp_y)


def _integer_pow_dtype_rule(x, *, y):
    _check_dtype("integer_pow", x.dtype, NUM)
    if x.dtype.kind in "iu" and y < 0:
        shown = f"{x.dtype.name}[{','.join(map(str, x.shape))}]"
        raise TypeError(f"Integers cannot be raised to negative powers, got integer_pow({shown}, {y})")
    return x.dtype


def _integer_pow_impl(x, *, y):
    if y == 0:
        return np.ones_like(x)
    out = np.power(x, y)
    return out.astype(x.dtype, copy=False) if out.dtype != x.dtype else out


def _integer_pow_jvp(g, ans, x, *, y):
    # d x^y = y x^(y-1) dx, with the trivial exponents 0 and 1 folded.
    if y == 0:
        return _full(get_aval(g), 0)
    if y == 1:
        return g
    base = x if y == 2 else integer_pow(x, y - 1)
    return mul(g, mul(_const(x, y), base))


# integer_pow: x^y for a static Python int y.
integer_pow_p = standard_primitive(
    "integer_pow", _integer_pow_impl, lambda x, **p: x.shape, _integer_pow_dtype_rule
)
defvectorized(integer_pow_p)
defjvp(integer_pow_p, _integer_pow_jvp)

# square: d x^2 = 2 x dx.
square_p = _unary("square", np.square, NUM)
defjvp(square_p, lambda g, ans, x: mul(g, mul(_const(x, 2), x)))

# sqrt: d sqrt x = dx / (2 sqrt x).
sqrt_p = _unary("sqrt", np.sqrt, INEXACT)
defjvp(sqrt_p, lambda g, ans, x: div(g, mul(_const(x, 2), ans)))

# rsqrt: d x^(-1/2) = -x^(-3/2)/2 dx = -(ans / x) / 2 dx.
rsqrt_p = _unary("rsqrt", lambda x: 1 / np.sqrt(x), INEXACT)
defjvp(rsqrt_p, lambda g, ans, x: mul(g, mul(_const(x, -0.5), div(ans, x))))

# cbrt: d x^(1/3) = dx / (3 ans^2).
cbrt_p = _unary("cbrt", np.cbrt, FLOAT)
defjvp(cbrt_p, lambda g, ans, x: mul(g, mul(_const(x, 1 / 3), integer_pow(ans, -2))))

# ----------------------------------------------------------------------------------------------
# Exponentials, logarithms, trigonometric and hyperbolic functions

# exp: d exp x = exp x dx (reuse the output).
exp_p = _unary("exp", np.exp, INEXACT)
defjvp(exp_p, lambda g, ans, x: mul(g, ans))

# exp2: d 2^x = log(2) 2^x dx.
exp2_p = _unary("exp2", np.exp2, INEXACT)
defjvp(exp2_p, lambda g, ans, x: mul(g, mul(_const(x, np.log(2)), ans)))

# expm1: d(e^x - 1) = (ans + 1) dx.
expm1_p = _unary("expm1", np.expm1, INEXACT)
defjvp(expm1_p, lambda g, ans, x: mul(g, add(ans, _const(ans, 1))))

# log: d log x = dx / x.
log_p = _unary("log", np.log, INEXACT)
defjvp(log_p, lambda g, ans, x: div(g, x))

# log1p: d log(1 + x) = dx / (1 + x).
log1p_p = _unary("log1p", np.log1p, INEXACT)
defjvp(log1p_p, lambda g, ans, x: div(g, add(x, _const(x, 1))))

# sin: d sin x = cos x dx.
sin_p = _unary("sin", np.sin, INEXACT)
defjvp(sin_p, lambda g, ans, x: mul(g, cos(x)))

# cos: d cos x = -sin x dx.
cos_p = _unary("cos", np.cos, INEXACT)
defjvp(cos_p, lambda g, ans, x: neg(mul(g, sin(x))))

# tan: d tan x = (1 + tan^2 x) dx.
tan_p = _unary("tan", np.tan, INEXACT)
defjvp(tan_p, lambda g, ans, x: mul(g, add(_const(x, 1), square(ans))))

# asin: d asin x = dx / sqrt(1 - x^2).
asin_p = _unary("asin", np.arcsin, INEXACT)
defjvp(asin_p, lambda g, ans, x: mul(g, rsqrt(sub(_const(x, 1), square(x)))))

# acos: d acos x = -dx / sqrt(1 - x^2).
acos_p = _unary("acos", np.arccos, INEXACT)
defjvp(acos_p, lambda g, ans, x: mul(g, neg(rsqrt(sub(_const(x, 1), square(x))))))

# atan: d atan x = dx / (1 + x^2).
atan_p = _unary("atan", np.arctan, INEXACT)
defjvp(atan_p, lambda g, ans, x: div(g, add(_const(x, 1), square(x))))


def _atan2_impl(x, y):
    if x.dtype.kind != "c":
        return np.arctan2(x, y)
    # The complex extension: atan2(x, y) = -i log((y + i x) / sqrt(x^2 + y^2)).
    return (-1j * np.log((y + 1j * x) / np.sqrt(x * x + y * y))).astype(x.dtype)


# atan2(x, y) = angle of (y, x): d = (y dx - x dy) / (x^2 + y^2).
atan2_p = _nary("atan2", _atan2_impl, INEXACT, tip="arctan2")
defjvp(
    atan2_p,
    lambda g, ans, x, y: mul(g, div(y, add(square(x), square(y)))),
    lambda g, ans, x, y: mul(g, div(neg(x), add(square(x), square(y)))),
)

# sinh: d sinh x = cosh x dx.
sinh_p = _unary("sinh", np.sinh, INEXACT)
defjvp(sinh_p, lambda g, ans, x: mul(g, cosh(x)))

# cosh: d cosh x = sinh x dx.
cosh_p = _unary("cosh", np.cosh, INEXACT)
defjvp(cosh_p, lambda g, ans, x: mul(g, sinh(x)))

# tanh: d tanh x = (1 - tanh^2 x) dx.
tanh_p = _unary("tanh", np.tanh, INEXACT)
defjvp(tanh_p, lambda g, ans, x: mul(g, sub(_const(x, 1), square(ans))))

# asinh: d asinh x = dx / sqrt(x^2 + 1).
asinh_p = _unary("asinh", np.arcsinh, INEXACT)
defjvp(asinh_p, lambda g, ans, x: mul(g, rsqrt(add(square(x), _const(x, 1)))))

# acosh: d acosh x = dx / sqrt((x - 1)(x + 1)).
acosh_p = _unary("acosh", np.arccosh, INEXACT)
defjvp(
    acosh_p,
    lambda g, ans, x: mul(g, rsqrt(mul(sub(x, _const(x, 1)), add(x, _const(x, 1))))),
)

# atanh: d atanh x = dx / ((1 - x)(1 + x)).
atanh_p = _unary("atanh", np.arctanh, INEXACT)
defjvp(
    atanh_p,
    lambda g, ans, x: div(g, mul(sub(_const(x, 1), x), add(_const(x, 1), x))),
)


def _logistic_impl(x):
    if x.dtype.kind == "c":
        return 1 / (1 + np.exp(-x))
    # Evaluated with exp of a non-positive number only, so neither side overflows.
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1 / (1 + e), e / (1 + e)).astype(x.dtype, copy=False)


# logistic: d sigma(x) = sigma (1 - sigma) dx.
logistic_p = _unary("logistic", _logistic_impl, INEXACT)
defjvp(logistic_p, lambda g, ans, x: mul(g, mul(ans, sub(_const(ans, 1), ans))))


# ----------------------------------------------------------------------------------------------
# Special functions (NumPy kernels in special.py, evaluated in float64)


def _via_f64(kernel: Callable) -> Callable:
    def impl(*args):
        out = kernel(*args)
        dt = np.result_type(*[np.asarray(a).dtype for a in args])
        return out.astype(dt) if np.ndim(out) else dt.type(out)

    return impl


_SQRT_PI = float(np.sqrt(np.pi))

# erf: d erf x = 2/sqrt(pi) exp(-x^2) dx.
erf_p = _unary("erf", _via_f64(special.erf), FLOAT)
defjvp(erf_p, lambda g, ans, x: mul(g, mul(_const(x, 2 / _SQRT_PI), exp(neg(square(x))))))

# erfc: d erfc x = -2/sqrt(pi) exp(-x^2) dx.
erfc_p = _unary("erfc", _via_f64(special.erfc), FLOAT)
defjvp(erfc_p, lambda g, ans, x: mul(g, mul(_const(x, -2 / _SQRT_PI), exp(neg(square(x))))))

# erf_inv: the inverse function's derivative, sqrt(pi)/2 exp(ans^2).
erf_inv_p = _unary("erf_inv", _via_f64(special.erf_inv), FLOAT)
defjvp(erf_inv_p, lambda g, ans, x: mul(g, mul(_const(x, _SQRT_PI / 2), exp(square(ans)))))

# lgamma: d lgamma x = digamma x dx.
lgamma_p = _unary("lgamma", _via_f64(special.lgamma), FLOAT)
defjvp(lgamma_p, lambda g, ans, x: mul(g, digamma(x)))

# digamma: d psi x = psi^(1)(x) dx.
digamma_p = _unary("digamma", _via_f64(special.digamma), FLOAT)
defjvp(digamma_p, lambda g, ans, x: mul(g, polygamma(_const(x, 1), x)))


def _polygamma_jvp_m(g, ans, m, x):
    raise ValueError("polygamma gradient with respect to m is not supported")


# polygamma(m, x): d psi^(m)(x) = psi^(m+1)(x) dx; m is an integer-valued float.
polygamma_p = _nary("polygamma", _via_f64(special.polygamma), FLOAT)
defjvp(
    polygamma_p,
    _polygamma_jvp_m,
    lambda g, ans, m, x: mul(g, polygamma(add(m, _const(m, 1)), x)),
)

# zeta(s, a): the Hurwitz zeta function (no derivative rule, as JAX).
zeta_p = _nary("zeta", _via_f64(special.zeta), FLOAT)


# ----------------------------------------------------------------------------------------------
# Rounding and floating-point classification


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
floor_p = _unary("floor", np.floor, FLOAT)
defjvp_zero(floor_p)
ceil_p = _unary("ceil", np.ceil, FLOAT)
defjvp_zero(ceil_p)
round_p = _unary("round", _round_impl, FLOAT)
defjvp_zero(round_p)

# is_finite: a predicate.
is_finite_p = _unary("is_finite", np.isfinite, FLOAT, result_dtype=lambda dt: np.bool_)
defjvp_zero(is_finite_p)

# nextafter: no derivative rule (as JAX).
nextafter_p = _nary("nextafter", np.nextafter, FLOAT, tip="nextafter")


# ----------------------------------------------------------------------------------------------
# Complex numbers


def _complex_dtype(dt: np.dtype) -> np.dtype:
    return np.dtype(np.complex128 if dt == np.float64 else np.complex64)


def _real_dtype(dt: np.dtype, **params) -> np.dtype:
    return dtypes.finfo(dt).dtype


# real, imag: R-linear; the transpose embeds the cotangent back into the complex plane.
real_p = _unary("real", np.real, ("complexfloating",), result_dtype=_real_dtype)
deflinear(real_p, lambda ct, x: [complex(ct, _full(get_aval(ct), 0))])
imag_p = _unary("imag", np.imag, ("complexfloating",), result_dtype=_real_dtype)
deflinear(imag_p, lambda ct, x: [complex(_full(get_aval(ct), 0), neg(ct))])


def _complex_impl(x, y):
    x, y = np.broadcast_arrays(x, y)
    out = np.empty(x.shape, _complex_dtype(x.dtype))
    out.real = x
    out.imag = y
    return out if out.ndim else out[()]


# complex(x, y) = x + i y: linear; the transposes take real and (negated) imaginary parts.
complex_p = _nary("complex", _complex_impl, ("float32", "float64"), result_dtype=_complex_dtype)
deflinear(complex_p, lambda ct, x, y: [
    unbroadcast(_ct_aval(x), real(ct)) if type(x) is UndefinedPrimal else None,
    unbroadcast(_ct_aval(y), imag(neg(ct))) if type(y) is UndefinedPrimal else None,
])


def _conj_impl(x, *, input_dtype):
    if x.dtype.kind == "c":
        return np.conj(x)
    return x.astype(_complex_dtype(x.dtype))


def _conj_transpose(ct, x, *, input_dtype):
    if np.dtype(input_dtype).kind == "c":
        return [conj(ct)]
    return [real(ct)]


# conj: R-linear; a real operand is embedded into the complex plane.
conj_p = _unary(
    "conj", _conj_impl, ("float32", "complexfloating", "float64"),
    result_dtype=lambda dt, **p: dt if dt.kind == "c" else _complex_dtype(dt),
)
deflinear(conj_p, _conj_transpose)


# ----------------------------------------------------------------------------------------------
# Comparisons: boolean results, zero derivatives

eq_p = _nary("eq", np.equal, ANY, tip="equal", result_dtype=np.bool_)
ne_p = _nary("ne", np.not_equal, ANY, tip="not_equal", result_dtype=np.bool_)
lt_p = _nary("lt", np.less, ORDERED, result_dtype=np.bool_)
le_p = _nary("le", np.less_equal, ORDERED, result_dtype=np.bool_)
gt_p = _nary("gt", np.greater, ORDERED, result_dtype=np.bool_)
ge_p = _nary("ge", np.greater_equal, ORDERED, result_dtype=np.bool_)
for _p in (eq_p, ne_p, lt_p, le_p, gt_p, ge_p):
    defjvp_zero(_p)


# ----------------------------------------------------------------------------------------------
# Bitwise operations (on booleans these are the logical ones)

not_p = _unary("not", np.invert, INT_BOOL)
and_p = _nary("and", np.bitwise_and, INT_BOOL)
or_p = _nary("or", np.bitwise_or, INT_BOOL)
xor_p = _nary("xor", np.bitwise_xor, INT_BOOL)


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


shift_left_p = _nary(
    "shift_left", lambda x, y: _shift(x, y, np.left_shift, "u", False), INT, tip="left_shift"
)
shift_right_arithmetic_p = _nary(
    "shift_right_arithmetic",
    lambda x, y: _shift(x, y, np.right_shift, "i", True),
    INT,
    tip="right_shift",
)
shift_right_logical_p = _nary(
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


population_count_p = _unary(
    "population_count", lambda x: np.bitwise_count(_as_kind(x, "u")).astype(x.dtype)[()], INT
)
clz_p = _unary("clz", _clz_impl, INT)
for _p in (not_p, and_p, or_p, xor_p, shift_left_p, shift_right_arithmetic_p,
           shift_right_logical_p, population_count_p, clz_p):
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
    # NumPy views split or merge the last axis, so give a rank-0 operand one first.
    out = x.reshape(*x.shape, 1).view(new).reshape(shape)
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
# select_n and clamp


def _select_n_impl(which, *cases):
    if len(cases) == 1:
        return cases[0]
    if which.dtype == np.bool_:
        return np.where(which, cases[1], cases[0])
    out = cases[0]
    for i in range(1, len(cases)):
        out = np.where(which == i, cases[i], out)
    return out


def _select_n_shape(which, *cases):
    if len({c.shape for c in cases}) > 1:
        raise TypeError(f"select cases must have the same shapes, got {[c.shape for c in cases]}.")
    if which.shape and which.shape != cases[0].shape:
        raise TypeError(
            "select `which` must be scalar or have the same shape as cases, got `which` shape "
            f"{which.shape} but case shape {cases[0].shape}."
        )
    return cases[0].shape


def _select_n_dtype(which, *cases):
    if which.dtype.kind not in "biu":
        raise TypeError(f"select `which` must be boolean or integer type, got {which.dtype.name}.")
    if which.dtype == np.bool_ and len(cases) > 2:
        raise TypeError("select with boolean `which` cannot have > 2 cases.")
    _check_same_dtypes("select", cases, tip="where")
    return cases[0].dtype


def _select_n_jvp(primals, tangents):
    # Linear in the cases (which only routes them).
    which, *cases = primals
    ans = select_n_p.bind(which, *cases)
    ts = tangents[1:]
    if all(type(t) is Zero for t in ts):
        return ans, Zero(get_aval(ans).to_tangent_aval())
    ts = [_full(t.aval, 0) if type(t) is Zero else t for t in ts]
    return ans, select_n_p.bind(which, *ts)


def _select_n_transpose(ct, which, *cases):
    # Case i receives ct where it was selected, zero elsewhere.
    if type(which) is UndefinedPrimal:
        raise core.InternalError("internal: select_n transposed in its predicate")
    if type(ct) is Zero:
        return [None] * (1 + len(cases))
    zeros = _full(get_aval(ct), 0)
    out: list = [None]
    for i, c in enumerate(cases):
        if type(c) is UndefinedPrimal:
            args = [zeros] * len(cases)
            args[i] = ct
            out.append(select_n_p.bind(which, *args))
        else:
            out.append(None)
    return out


def _select_n_batch(axis_size, vals, dims):
    which, *cases = vals
    wdim, *cdims = dims
    shapes = {get_aval(v).shape for v in vals}
    if len(set(dims)) == 1 and len(shapes) == 1:
        return select_n_p.bind(which, *cases), wdim
    # Every case gets the batch axis in front (broadcast when unbatched); so does `which`,
    # except that an unbatched scalar `which` can stay one.
    cases = [bdim_at_front(c, d, axis_size) for c, d in zip(cases, cdims, strict=True)]
    full = get_aval(cases[0]).shape
    if wdim is not_mapped and get_aval(which).ndim == 0:
        return select_n_p.bind(which, *cases), 0
    which = bdim_at_front(which, wdim, axis_size)
    if get_aval(which).shape != full:
        which = core.ops.broadcast_in_dim(which, full, (0,))
    return select_n_p.bind(which, *cases), 0


# select_n(which, *cases): cases[which] elementwise; bool `which` picks cases[1] where True.
select_n_p = standard_primitive(
    "select_n",
    _select_n_impl,
    _select_n_shape,
    _select_n_dtype,
    lambda w, *cw: all(cw),
)
select_n_p.jvp = _select_n_jvp
select_n_p.transpose = _select_n_transpose
select_n_p.batch = _select_n_batch


def _clamp_shape(lo, x, hi):
    for name, b in (("min", lo), ("max", hi)):
        if b.shape and b.shape != x.shape:
            raise TypeError(
                f"clamp requires {name}.shape == operand.shape or {name}.shape == (), got "
                f"{name}.shape={b.shape}, operand.shape={x.shape}."
            )
    return x.shape


def _clamp_dtype(lo, x, hi):
    _check_same_dtypes("clamp", (lo, x, hi))
    return x.dtype


def _clamp_batch(axis_size, vals, dims):
    lo, x, hi = vals
    dlo, dx, dhi = dims
    if dlo == dx == dhi and len({get_aval(v).shape for v in vals}) == 1:
        return clamp_p.bind(lo, x, hi), dx
    # The operand gets the batch axis in front; bounds too unless unbatched scalars.
    x = bdim_at_front(x, dx, axis_size)
    full = get_aval(x).shape
    bounds = []
    for b, d in ((lo, dlo), (hi, dhi)):
        if d is not_mapped and get_aval(b).ndim == 0:
            bounds.append(b)
            continue
        b = bdim_at_front(b, d, axis_size)
        if get_aval(b).shape != full:
            b = core.ops.broadcast_in_dim(b, full, (0,))
        bounds.append(b)
    return clamp_p.bind(bounds[0], x, bounds[1]), 0


def _clamp_g(g, ans, where):
    # The tangent where `where` holds, else 0 (strict comparisons: zero at ties, as JAX).
    g = _fit(g, ans)
    return select_n(where, _full(get_aval(g), 0), g)


# clamp(min, x, max) = min(max(x, min), max); min and max are scalars or of x's shape.
clamp_p = standard_primitive(
    "clamp",
    lambda lo, x, hi: np.minimum(np.maximum(x, lo), hi),
    _clamp_shape,
    _clamp_dtype,
)
defjvp(
    clamp_p,
    lambda g, ans, lo, x, hi: _clamp_g(g, ans, gt(lo, x)),
    lambda g, ans, lo, x, hi: _clamp_g(g, ans, bitwise_and(gt(x, lo), lt(x, hi))),
    lambda g, ans, lo, x, hi: _clamp_g(g, ans, lt(hi, x)),
)
clamp_p.batch = _clamp_batch


# ----------------------------------------------------------------------------------------------
# convert_element_type


def _convert_impl(x, *, new_dtype, weak_type):
    return x.astype(new_dtype) if x.dtype != new_dtype else x


def _convert_transpose(ct, x, *, new_dtype, weak_type):
    aval = x.aval
    if not dtypes.is_inexact(aval.dtype):
        return [None]
    return [convert_element_type_p.bind(ct, new_dtype=aval.dtype, weak_type=aval.weak_type)]


# convert_element_type: linear between inexact dtypes; integers get float0 tangents.
convert_element_type_p = standard_primitive(
    "convert_element_type",
    _convert_impl,
    lambda x, **p: x.shape,
    lambda x, *, new_dtype, weak_type: np.dtype(new_dtype),
    lambda w, *, new_dtype, weak_type: weak_type,
)
deflinear(convert_element_type_p, _convert_transpose)
_convert_jvp_linear = convert_element_type_p.jvp


def _convert_jvp(primals, tangents, *, new_dtype, weak_type):
    if not dtypes.is_inexact(np.dtype(new_dtype)) or not dtypes.is_inexact(
        get_aval(primals[0]).dtype
    ):
        ans = convert_element_type_p.bind(*primals, new_dtype=new_dtype, weak_type=weak_type)
        return ans, Zero(get_aval(ans).to_tangent_aval())
    return _convert_jvp_linear(primals, tangents, new_dtype=new_dtype, weak_type=weak_type)


convert_element_type_p.jvp = _convert_jvp
defvectorized(convert_element_type_p)


# ----------------------------------------------------------------------------------------------
# Wrappers (lax API)


def add(x: Any, y: Any) -> Any:
    """Elementwise `x + y`."""
    return add_p.bind(x, y)


def sub(x: Any, y: Any) -> Any:
    """Elementwise `x - y`."""
    return sub_p.bind(x, y)


def mul(x: Any, y: Any) -> Any:
    """Elementwise `x * y`."""
    return mul_p.bind(x, y)


def div(x: Any, y: Any) -> Any:
    """Elementwise `x / y` (rounding toward zero for integers)."""
    return div_p.bind(x, y)


def rem(x: Any, y: Any) -> Any:
    """Elementwise remainder of `x / y` with the sign of `x` (C's fmod)."""
    return rem_p.bind(x, y)


def neg(x: Any) -> Any:
    """Elementwise `-x`."""
    return neg_p.bind(x)


def sign(x: Any) -> Any:
    """Elementwise sign: -1, 0 or 1 (signed zeros kept; x/|x| for complex)."""
    return sign_p.bind(x)


def abs(x: Any) -> Any:  # noqa: A001
    """Elementwise absolute value (real dtype for complex operands)."""
    return abs_p.bind(x)


def max(x: Any, y: Any) -> Any:  # noqa: A001
    """Elementwise maximum (NaN-propagating)."""
    return max_p.bind(x, y)


def min(x: Any, y: Any) -> Any:  # noqa: A001
    """Elementwise minimum (NaN-propagating)."""
    return min_p.bind(x, y)


def pow(x: Any, y: Any) -> Any:  # noqa: A001
    """Elementwise `x ** y` for inexact `x` and inexact (same dtype) or integer `y`."""
    return pow_p.bind(x, y)


def integer_pow(x: Any, y: int) -> Any:
    """Elementwise `x ** y` for a static integer `y`."""
    return integer_pow_p.bind(x, y=int(y))


def square(x: Any) -> Any:
    """Elementwise `x * x`."""
    return square_p.bind(x)


def reciprocal(x: Any) -> Any:
    """Elementwise `1 / x` (as `integer_pow(x, -1)`)."""
    return integer_pow(x, -1)


def sqrt(x: Any) -> Any:
    """Elementwise square root."""
    return sqrt_p.bind(x)


def rsqrt(x: Any) -> Any:
    """Elementwise reciprocal square root."""
    return rsqrt_p.bind(x)


def cbrt(x: Any) -> Any:
    """Elementwise cube root."""
    return cbrt_p.bind(x)


def exp(x: Any) -> Any:
    """Elementwise exponential."""
    return exp_p.bind(x)


def exp2(x: Any) -> Any:
    """Elementwise `2 ** x`."""
    return exp2_p.bind(x)


def expm1(x: Any) -> Any:
    """Elementwise `exp(x) - 1`, accurate near zero."""
    return expm1_p.bind(x)


def log(x: Any) -> Any:
    """Elementwise natural logarithm."""
    return log_p.bind(x)


def log1p(x: Any) -> Any:
    """Elementwise `log(1 + x)`, accurate near zero."""
    return log1p_p.bind(x)


def sin(x: Any) -> Any:
    """Elementwise sine."""
    return sin_p.bind(x)


def cos(x: Any) -> Any:
    """Elementwise cosine."""
    return cos_p.bind(x)


def tan(x: Any) -> Any:
    """Elementwise tangent."""
    return tan_p.bind(x)


def asin(x: Any) -> Any:
    """Elementwise arc sine."""
    return asin_p.bind(x)


def acos(x: Any) -> Any:
    """Elementwise arc cosine."""
    return acos_p.bind(x)


def atan(x: Any) -> Any:
    """Elementwise arc tangent."""
    return atan_p.bind(x)


def atan2(x: Any, y: Any) -> Any:
    """Elementwise angle of the point `(y, x)`, in [-pi, pi]."""
    return atan2_p.bind(x, y)


def sinh(x: Any) -> Any:
    """Elementwise hyperbolic sine."""
    return sinh_p.bind(x)


def cosh(x: Any) -> Any:
    """Elementwise hyperbolic cosine."""
    return cosh_p.bind(x)


def tanh(x: Any) -> Any:
    """Elementwise hyperbolic tangent."""
    return tanh_p.bind(x)


def asinh(x: Any) -> Any:
    """Elementwise inverse hyperbolic sine."""
    return asinh_p.bind(x)


def acosh(x: Any) -> Any:
    """Elementwise inverse hyperbolic cosine."""
    return acosh_p.bind(x)


def atanh(x: Any) -> Any:
    """Elementwise inverse hyperbolic tangent."""
    return atanh_p.bind(x)


def logistic(x: Any) -> Any:
    """Elementwise logistic sigmoid `1 / (1 + exp(-x))`."""
    return logistic_p.bind(x)


def erf(x: Any) -> Any:
    """Elementwise error function."""
    return erf_p.bind(x)


def erfc(x: Any) -> Any:
    """Elementwise complementary error function `1 - erf(x)`."""
    return erfc_p.bind(x)


def erf_inv(x: Any) -> Any:
    """Elementwise inverse error function."""
    return erf_inv_p.bind(x)


def lgamma(x: Any) -> Any:
    """Elementwise log of the absolute value of the gamma function."""
    return lgamma_p.bind(x)


def digamma(x: Any) -> Any:
    """Elementwise digamma function (derivative of lgamma)."""
    return digamma_p.bind(x)


def polygamma(m: Any, x: Any) -> Any:
    """Elementwise `m`-th derivative of digamma (`m` an integer-valued float)."""
    return polygamma_p.bind(m, x)


def zeta(x: Any, q: Any) -> Any:
    """Elementwise Hurwitz zeta function `sum_k (q + k) ** -x`."""
    return zeta_p.bind(x, q)


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


def real(x: Any) -> Any:
    """Elementwise real part of a complex array."""
    return real_p.bind(x)


def imag(x: Any) -> Any:
    """Elementwise imaginary part of a complex array."""
    return imag_p.bind(x)


def complex(x: Any, y: Any) -> Any:  # noqa: A001
    """Elementwise `x + 1j * y` from float32 or float64 parts."""
    return complex_p.bind(x, y)


def conj(x: Any) -> Any:
    """Elementwise complex conjugate (real operands become complex)."""
    return conj_p.bind(x, input_dtype=get_aval(x).dtype)


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


def select_n(which: Any, *cases: Any) -> Any:
    """`cases[which]` elementwise; a boolean `which` picks `cases[1]` where True."""
    if not cases:
        raise ValueError("select_n() must have at least one case")
    return select_n_p.bind(which, *cases)


def select(pred: Any, on_true: Any, on_false: Any) -> Any:
    """`on_true` where `pred` else `on_false` (as `select_n(pred, on_false, on_true)`)."""
    return select_n_p.bind(pred, on_false, on_true)


def clamp(min: Any, x: Any, max: Any) -> Any:  # noqa: A002
    """Elementwise `min(max(x, min), max)`; the bounds are scalars or of `x`'s shape."""
    return clamp_p.bind(min, x, max)


def convert_element_type(x: Any, new_dtype: Any, weak_type: bool = False) -> Any:
    """Casts `x` to `new_dtype` (canonicalised), as `lax.convert_element_type`."""
    dt = dtypes.canonicalize_dtype(new_dtype)
    return convert_element_type_p.bind(x, new_dtype=dt, weak_type=weak_type)


core.ops.convert_element_type = convert_element_type

__all__ = [
    "RoundingMethod",
    "abs", "acos", "acosh", "add", "asin", "asinh", "atan", "atan2", "atanh",
    "bitcast_convert_type", "bitwise_and", "bitwise_not", "bitwise_or", "bitwise_xor", "cbrt",
    "ceil", "clamp", "clz", "complex", "conj", "convert_element_type", "cos", "cosh",
    "digamma", "div", "eq", "erf", "erf_inv", "erfc", "exp", "exp2", "expm1", "floor", "ge",
    "gt", "imag", "integer_pow", "is_finite", "le", "lgamma", "log", "log1p", "logistic", "lt",
    "max", "min", "mul", "ne", "neg", "nextafter", "polygamma", "population_count", "pow",
    "real", "reciprocal", "rem", "round", "rsqrt", "select", "select_n", "shift_left",
    "shift_right_arithmetic", "shift_right_logical", "sign", "sin", "sinh", "sqrt", "square",
    "sub", "tan", "tanh", "zeta",
    # primitives
    "abs_p", "acos_p", "acosh_p", "add_p", "and_p", "asin_p", "asinh_p", "atan2_p", "atan_p",
    "atanh_p", "bitcast_convert_type_p", "cbrt_p", "ceil_p", "clamp_p", "clz_p", "complex_p",
    "conj_p", "convert_element_type_p", "cos_p", "cosh_p", "digamma_p", "div_p", "eq_p",
    "erf_inv_p", "erf_p", "erfc_p", "exp2_p", "exp_p", "expm1_p", "floor_p", "ge_p", "gt_p",
    "imag_p", "integer_pow_p", "is_finite_p", "le_p", "lgamma_p", "log1p_p", "log_p",
    "logistic_p", "lt_p", "max_p", "min_p", "mul_p", "ne_p", "neg_p", "nextafter_p", "not_p",
    "or_p", "polygamma_p", "population_count_p", "pow_p", "real_p", "rem_p", "round_p",
    "rsqrt_p", "select_n_p", "shift_left_p", "shift_right_arithmetic_p",
    "shift_right_logical_p", "sign_p", "sin_p", "sinh_p", "sqrt_p", "square_p", "sub_p",
    "tan_p", "tanh_p", "xor_p", "zeta_p",
]
