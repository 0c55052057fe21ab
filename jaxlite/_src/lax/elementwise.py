"""Elementwise arithmetic, transcendental, rounding and complex primitives, select_n and clamp:
one block per primitive with all of its rules (convert_element_type is in convert.py).

Operands of an n-ary primitive have one dtype and one rank, and broadcast size-1 axes (rank-0
operands broadcast too). Dtype errors use JAX's wording (builders in bitwise.py, whose
comparison and bitwise wrappers are re-exported here). The special functions (erf, lgamma,
...) are in special.py.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from jaxlite._src import core, dtypes
from jaxlite._src.core import Primitive, ShapedArray, get_aval
from jaxlite._src.errors import InternalError
from jaxlite._src.interpreters.ad import UndefinedPrimal, Zero
from jaxlite._src.interpreters.batching import bdim_at_front, not_mapped
from jaxlite._src.lax import bitwise as _bitwise
from jaxlite._src.lax import lowering as _lowering
from jaxlite._src.lax.bitwise import (
    ANY,
    FLOAT,
    INEXACT,
    NUM,
    bitwise_and,
    check_dtype,
    check_same_dtypes,
    eq,
    floor,
    ge,
    gt,
    lt,
    nary,
    sign,
    unary,
)
from jaxlite._src.lax.convert import convert_element_type, convert_element_type_p  # noqa: F401  (re-exported)
from jaxlite._src.rules import (
    broadcasting_shape,
    defbilinear,
    defbroadcasting,
    defjvp,
    deflinear,
    defvectorized,
    standard_primitive,
    unbroadcast,
)

# ----------------------------------------------------------------------------------------------
# Helpers for rules


def _const(like: Any, value: Any) -> Any:
    """A rank-0 constant of the dtype and weak type of `like` (a literal in jaxprs)."""
    aval = get_aval(like)
    c = np.array(value, dtype=aval.dtype)
    return core.Array(c, weak_type=True) if aval.weak_type else c


def _full(aval: ShapedArray, value: Any) -> Any:
    """`value` broadcast to `aval`, weak type included (a literal when rank 0)."""
    c = np.array(value, dtype=aval.dtype)
    c = core.Array(c, weak_type=True) if aval.weak_type else c
    return core.ops.broadcast_in_dim(c, aval.shape, ()) if aval.shape else c


def _fit(t: Any, like: Any) -> Any:
    """Broadcasts `t` (rank 0, or with size-1 dimensions) to the shape of `like` as JAX's
    JVP rules do: drop the axes that differ by a reshape, then broadcast_in_dim."""
    shape, t_shape = get_aval(like).shape, get_aval(t).shape
    if t_shape == shape:
        return t
    if not t_shape:
        return core.ops.broadcast_in_dim(t, shape, ())
    dims = tuple(i for i, (a, b) in enumerate(zip(t_shape, shape, strict=True)) if a == b)
    t = core.ops.reshape(t, tuple(t_shape[i] for i in dims))
    return core.ops.broadcast_in_dim(t, shape, dims)


def _ct_aval(x: Any) -> ShapedArray:
    return x.aval if type(x) is UndefinedPrimal else get_aval(x)


# ----------------------------------------------------------------------------------------------
# Arithmetic

# add: linear in both; an implicitly broadcast rank-0 operand sums its cotangent.
add_p = nary("add", np.add, NUM, tip="add")
deflinear(
    add_p,
    lambda ct, x, y: [
        unbroadcast(_ct_aval(x), ct) if type(x) is UndefinedPrimal else None,
        unbroadcast(_ct_aval(y), ct) if type(y) is UndefinedPrimal else None,
    ],
)


def _additive_jvp(prim, neg_rhs: bool):
    # d(x +- y) = dx +- dy, computed with the primitive itself (as JAX does); a zero tangent
    # drops out instead of being materialised.
    def jvp(primals, tangents):
        ans = prim.bind(*primals)
        tx, ty = tangents
        if type(tx) is Zero:
            return ans, _fit(neg(ty) if neg_rhs else ty, ans)
        if type(ty) is Zero:
            return ans, _fit(tx, ans)
        return ans, prim.bind(tx, ty)

    prim.jvp = jvp


_additive_jvp(add_p, neg_rhs=False)

# sub: d(x - y) = dx - dy.
sub_p = nary("sub", np.subtract, NUM, tip="subtract")
deflinear(
    sub_p,
    lambda ct, x, y: [
        unbroadcast(_ct_aval(x), ct) if type(x) is UndefinedPrimal else None,
        neg(unbroadcast(_ct_aval(y), ct)) if type(y) is UndefinedPrimal else None,
    ],
)
_additive_jvp(sub_p, neg_rhs=True)

# mul: bilinear; ct_x = ct * y.
mul_p = nary("mul", np.multiply, NUM, tip="multiply")
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


# div: d(x/y) = dx/y - x dy/y^2.
div_p = nary("div", _div_impl, NUM, tip="divide")
defjvp(
    div_p,
    lambda g, ans, x, y: div(g, y),
    lambda g, ans, x, y: mul(mul(neg(g), x), integer_pow(y, -2)),
)


def _div_transpose(ct, x, y):
    # div is linear in its numerator only.
    if type(ct) is Zero:
        return [None, None]
    if type(y) is UndefinedPrimal:
        raise InternalError("internal: div transposed in its denominator")
    return [unbroadcast(x.aval, div(ct, y)), None]


div_p.transpose = _div_transpose


def _rem_impl(x, y):
    if x.dtype.kind not in "iu":
        return np.fmod(x, y)
    ys, zero, _ = _int_divisor(x, y)
    return np.where(zero, x, np.fmod(x, ys))


# rem: x - y trunc(x/y), so d rem = dx - trunc(x/y) dy.
rem_p = nary("rem", _rem_impl, ("integer", "floating"))
defjvp(
    rem_p,
    lambda g, ans, x, y: g,
    lambda g, ans, x, y: mul(neg(g), mul(sign(div(x, y)), floor(abs(div(x, y))))),
)

# neg: linear, self-adjoint up to sign.
neg_p = unary("neg", np.negative, NUM)
deflinear(neg_p, lambda ct, x: [neg(ct)])


def _abs_jvp(g, ans, x):
    if get_aval(x).dtype.kind != "c":
        # d|x| = sign(x) dx, taking +1 at 0 as JAX.
        return select_n(ge(x, _const(x, 0)), neg(g), g)
    # d|z| = Re(dz conj(z) / |z|), with |z| = 0 replaced by 1.
    cz = conj(x)
    mag = convert_element_type(ans, get_aval(x).dtype)
    safe = select_n(eq(mag, _const(mag, 0)), mag, _full(get_aval(mag), 1))
    return real(mul(g, div(cz, safe)))


# abs: complex operands give their real dtype.
abs_p = unary(
    "abs",
    np.abs,
    ("floating", "complexfloating", "signedinteger"),
    result_dtype=lambda dt: dtypes.finfo(dt).dtype if dt.kind == "c" else dt,
)
defjvp(abs_p, _abs_jvp)


def _balanced_eq(a, ans, b):
    """1 where `a` alone attains the extremum `ans`, 1/2 where `b` does too, else 0: at ties
    max/min split the tangent evenly, as JAX."""
    aval = get_aval(ans)
    hit = eq(a, ans)
    one, zero = _full(aval, 1), _full(aval, 0)
    attains = select_n(hit, zero, one)
    tie = eq(b, ans)
    two, one = _full(aval, 2), _full(aval, 1)
    return div(attains, select_n(tie, one, two))


def _complex_pick(x, y, cmp):
    # XLA's complex max/min: x where it compares lexicographically (real part first) as
    # `cmp` against y, else y; NaNs do not propagate as in NumPy.
    x, y = np.asarray(x), np.asarray(y)
    xr, yr = x.real, y.real
    pick = cmp(xr, yr) | ((xr == yr) & cmp(x.imag, y.imag))
    out = np.where(pick, x, y)
    return out[()] if out.ndim == 0 else out  # rank 0: a NumPy scalar, as NumPy's ufuncs give


def _max_impl(x, y):
    out = np.maximum(x, y)
    kind = out.dtype.kind
    if kind == "f":
        zero = out == 0
        if zero.any():  # XLA orders -0 below +0; NumPy returns y when x == y
            out = np.where(zero & (x == 0) & (y == 0), np.where(np.signbit(x), y, x), out)
    elif kind == "c":
        return _complex_pick(x, y, np.greater)
    return out


def _min_impl(x, y):
    out = np.minimum(x, y)
    kind = out.dtype.kind
    if kind == "f":
        zero = out == 0
        if zero.any():
            out = np.where(zero & (x == 0) & (y == 0), np.where(np.signbit(x), x, y), out)
    elif kind == "c":
        return _complex_pick(x, y, np.less)
    return out


# max, min: the tangent of the operand attaining the extremum (split evenly at ties).
max_p = nary("max", _max_impl, ANY, tip="maximum")
defjvp(
    max_p,
    lambda g, ans, x, y: mul(g, _balanced_eq(x, ans, y)),
    lambda g, ans, x, y: mul(g, _balanced_eq(y, ans, x)),
)
min_p = nary("min", _min_impl, ANY, tip="minimum")
defjvp(
    min_p,
    lambda g, ans, x, y: mul(g, _balanced_eq(x, ans, y)),
    lambda g, ans, x, y: mul(g, _balanced_eq(y, ans, x)),
)


def _pow_dtype_rule(x, y):
    check_dtype("pow", x.dtype, INEXACT, 0)
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
    # Computed on strongly typed operands, as JAX (the tangent is not weak).
    dt = get_aval(x).dtype
    x = convert_element_type(x, dt)
    if get_aval(y).dtype.kind in "iu":
        yf = _fit(convert_element_type(y, dt), ans)
        is_zero, zeros = eq(yf, _const(yf, 0)), _full(get_aval(yf), 0)
        safe = select_n(eq(yf, _const(yf, 0)), yf, _full(get_aval(yf), 1))
        jac = mul(safe, pow(x, sub(yf, _const(yf, 1))))
        return mul(g, select_n(is_zero, jac, zeros))
    y = convert_element_type(y, dt)
    return mul(g, mul(y, pow(x, sub(y, _const(y, 1)))))


def _pow_jvp_y(g, ans, x, y):
    # d x^y / dy = log(x) x^y, taken as 0 where x == 0 (JAX's convention).
    safe = select_n(eq(x, _const(x, 0)), x, _full(get_aval(x), 1))
    return convert_element_type(mul(g, mul(log(safe), ans)), get_aval(y).dtype)


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
    check_dtype("integer_pow", x.dtype, NUM)
    if x.dtype.kind in "iu" and y < 0:
        shown = f"{x.dtype.name}[{','.join(map(str, x.shape))}]"
        raise TypeError(
            f"Integers cannot be raised to negative powers, got integer_pow({shown}, {y})"
        )
    return x.dtype


def _integer_pow_impl(x, *, y):
    if y < 0 and x.dtype.kind in "iu":  # eager calls skip the dtype rule: raise its error
        _integer_pow_dtype_rule(ShapedArray(np.shape(x), x.dtype), y=y)
    if y == 0:
        return np.ones_like(x)
    # XLA expands x**y into multiplications by repeated squaring (then 1/x for y < 0); the
    # same sequence of roundings gives JAX's float results bit for bit, where np.power
    # rounds once and differs in the last place for about half of the inputs when y >= 3.
    n, acc = (-y if y < 0 else y), None  # (this module's `abs` is lax's)
    while n:
        if n & 1:
            acc = x if acc is None else acc * x
        n >>= 1
        if n:
            x = x * x
    if y < 0:
        acc = np.divide(np.ones((), acc.dtype), acc)
    return acc


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
square_p = unary("square", np.square, NUM)
defjvp(square_p, lambda g, ans, x: mul(g, mul(_const(x, 2), x)))

# sqrt: d sqrt x = dx / (2 sqrt x).
sqrt_p = unary("sqrt", np.sqrt, INEXACT)
defjvp(sqrt_p, lambda g, ans, x: mul(g, div(_const(x, 0.5), ans)))

# rsqrt: d x^(-1/2) = -x^(-3/2)/2 dx = -(ans / x) / 2 dx.
rsqrt_p = unary("rsqrt", lambda x: 1 / np.sqrt(x), INEXACT)
defjvp(rsqrt_p, lambda g, ans, x: mul(g, mul(_const(x, -0.5), div(ans, x))))

# cbrt: d x^(1/3) = dx / (3 ans^2).
cbrt_p = unary("cbrt", np.cbrt, FLOAT)
defjvp(cbrt_p, lambda g, ans, x: mul(g, mul(_const(x, 1 / 3), integer_pow(ans, -2))))

# ----------------------------------------------------------------------------------------------
# Exponentials, logarithms, trigonometric and hyperbolic functions

# exp: d exp x = exp x dx (reuse the output).
exp_p = unary("exp", np.exp, INEXACT)
defjvp(exp_p, lambda g, ans, x: mul(g, ans))

# exp2: d 2^x = log(2) 2^x dx.
exp2_p = unary("exp2", np.exp2, INEXACT)
defjvp(exp2_p, lambda g, ans, x: mul(log(_const(x, 2)), mul(g, ans)))

# expm1: d(e^x - 1) = (ans + 1) dx.
expm1_p = unary("expm1", np.expm1, INEXACT)
defjvp(expm1_p, lambda g, ans, x: mul(g, add(ans, _const(ans, 1))))

# log: d log x = dx / x.
log_p = unary("log", np.log, INEXACT)
defjvp(log_p, lambda g, ans, x: div(g, x))

# log1p: d log(1 + x) = dx / (1 + x).
log1p_p = unary("log1p", np.log1p, INEXACT)
defjvp(log1p_p, lambda g, ans, x: div(g, add(x, _const(x, 1))))

# sin: d sin x = cos x dx.
sin_p = unary("sin", np.sin, INEXACT)
defjvp(sin_p, lambda g, ans, x: mul(g, cos(x)))

# cos: d cos x = -sin x dx.
cos_p = unary("cos", np.cos, INEXACT)
defjvp(cos_p, lambda g, ans, x: neg(mul(g, sin(x))))

# tan: d tan x = (1 + tan^2 x) dx.
tan_p = unary("tan", np.tan, INEXACT)
defjvp(tan_p, lambda g, ans, x: mul(g, add(_const(x, 1), square(ans))))

# asin: d asin x = dx / sqrt(1 - x^2).
asin_p = unary("asin", np.arcsin, INEXACT)
defjvp(asin_p, lambda g, ans, x: mul(g, rsqrt(sub(_const(x, 1), square(x)))))

# acos: d acos x = -dx / sqrt(1 - x^2).
acos_p = unary("acos", np.arccos, INEXACT)
defjvp(acos_p, lambda g, ans, x: mul(g, neg(rsqrt(sub(_const(x, 1), square(x))))))

# atan: d atan x = dx / (1 + x^2).
atan_p = unary("atan", np.arctan, INEXACT)
defjvp(atan_p, lambda g, ans, x: div(g, add(_const(x, 1), square(x))))


def _atan2_impl(x, y):
    if x.dtype.kind != "c":
        return np.arctan2(x, y)
    # The complex extension: atan2(x, y) = -i log((y + i x) / sqrt(x^2 + y^2)).
    return (-1j * np.log((y + 1j * x) / np.sqrt(x * x + y * y))).astype(x.dtype)


# atan2(x, y) = angle of (y, x): d = (y dx - x dy) / (x^2 + y^2).
atan2_p = nary("atan2", _atan2_impl, INEXACT, tip="arctan2")
defjvp(
    atan2_p,
    lambda g, ans, x, y: mul(g, div(y, add(square(x), square(y)))),
    lambda g, ans, x, y: mul(g, div(neg(x), add(square(x), square(y)))),
)

# sinh: d sinh x = cosh x dx.
sinh_p = unary("sinh", np.sinh, INEXACT)
defjvp(sinh_p, lambda g, ans, x: mul(g, cosh(x)))

# cosh: d cosh x = sinh x dx.
cosh_p = unary("cosh", np.cosh, INEXACT)
defjvp(cosh_p, lambda g, ans, x: mul(g, sinh(x)))

# tanh: d tanh x = (1 - tanh^2 x) dx = (1 + ans)(1 - ans) dx.
tanh_p = unary("tanh", np.tanh, INEXACT)
defjvp(tanh_p, lambda g, ans, x: mul(add(g, mul(g, ans)), sub(_const(x, 1), ans)))

# asinh: d asinh x = dx / sqrt(x^2 + 1).
asinh_p = unary("asinh", np.arcsinh, INEXACT)
defjvp(asinh_p, lambda g, ans, x: mul(g, rsqrt(add(square(x), _const(x, 1)))))

# acosh: d acosh x = dx / sqrt(x^2 - 1).
acosh_p = unary("acosh", np.arccosh, INEXACT)
defjvp(acosh_p, lambda g, ans, x: mul(g, rsqrt(sub(square(x), _const(x, 1)))))

# atanh: d atanh x = dx / ((1 + x)(1 - x)).
atanh_p = unary("atanh", np.arctanh, INEXACT)
defjvp(
    atanh_p,
    lambda g, ans, x: mul(integer_pow(add(_const(x, 1), x), -1), div(g, sub(_const(x, 1), x))),
)


def _logistic_impl(x):
    if x.dtype.kind == "c":
        return 1 / (1 + np.exp(-x))
    # Evaluated with exp of a non-positive number only, so neither side overflows.
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1 / (1 + e), e / (1 + e)).astype(x.dtype, copy=False)


# logistic: d sigma(x) = sigma (1 - sigma) dx.
logistic_p = unary("logistic", _logistic_impl, INEXACT)
defjvp(logistic_p, lambda g, ans, x: mul(g, mul(ans, sub(_const(ans, 1), ans))))


# ----------------------------------------------------------------------------------------------
# Complex numbers


def _complex_dtype(dt: np.dtype) -> np.dtype:
    return np.dtype(np.complex128 if dt == np.float64 else np.complex64)


def _real_dtype(dt: np.dtype, **params) -> np.dtype:
    return dtypes.finfo(dt).dtype


# real, imag: R-linear; the transpose embeds the cotangent back into the complex plane.
real_p = unary("real", np.real, ("complexfloating",), result_dtype=_real_dtype)
deflinear(real_p, lambda ct, x: [complex(ct, _full(get_aval(ct), 0))])
imag_p = unary("imag", np.imag, ("complexfloating",), result_dtype=_real_dtype)
deflinear(imag_p, lambda ct, x: [complex(_full(get_aval(ct), 0), neg(ct))])


def _complex_impl(x, y):
    x, y = np.broadcast_arrays(x, y)
    out = np.empty(x.shape, _complex_dtype(x.dtype))
    out.real = x
    out.imag = y
    return out if out.ndim else out[()]


# complex(x, y) = x + i y: linear; the transposes take real and (negated) imaginary parts.
complex_p = nary("complex", _complex_impl, ("float32", "float64"), result_dtype=_complex_dtype)
deflinear(
    complex_p,
    lambda ct, x, y: [
        unbroadcast(_ct_aval(x), real(ct)) if type(x) is UndefinedPrimal else None,
        unbroadcast(_ct_aval(y), imag(neg(ct))) if type(y) is UndefinedPrimal else None,
    ],
)


def _conj_impl(x, *, input_dtype):
    if x.dtype.kind == "c":
        return np.conj(x)
    return x.astype(_complex_dtype(x.dtype))


def _conj_transpose(ct, x, *, input_dtype):
    if np.dtype(input_dtype).kind == "c":
        return [conj(ct)]
    return [real(ct)]


# conj: R-linear; a real operand is embedded into the complex plane.
conj_p = unary(
    "conj",
    _conj_impl,
    ("float32", "complexfloating", "float64"),
    result_dtype=lambda dt, **p: dt if dt.kind == "c" else _complex_dtype(dt),
)
deflinear(conj_p, _conj_transpose)


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
    check_same_dtypes("select", cases, tip="where")
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
        raise InternalError("internal: select_n transposed in its predicate")
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
    check_same_dtypes("clamp", (lo, x, hi))
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
    # The tangent where `where` holds, else 0 (strict comparisons: zero at ties, as JAX; the
    # lower bound only counts where it is below the upper one).
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
    lambda g, ans, lo, x, hi: _clamp_g(g, ans, bitwise_and(gt(lo, x), lt(lo, hi))),
    lambda g, ans, lo, x, hi: _clamp_g(g, ans, bitwise_and(gt(x, lo), lt(x, hi))),
    lambda g, ans, lo, x, hi: _clamp_g(g, ans, lt(hi, x)),
)
clamp_p.batch = _clamp_batch


# jit lowering rules (lax/lowering.py): the impls above as NumPy calls fixed at compile time.
for _prim, _ufunc in (
    (exp_p, np.exp),
    (expm1_p, np.expm1),
    (log_p, np.log),
    (sin_p, np.sin),
    (cos_p, np.cos),
    (tan_p, np.tan),
    (asin_p, np.arcsin),
    (acos_p, np.arccos),
    (cbrt_p, np.cbrt),
):
    _prim.lower = _lowering.unary_ufunc(_ufunc)
div_p.lower = _lowering.inexact_ufunc(np.true_divide)
rem_p.lower = _lowering.inexact_ufunc(np.fmod)
pow_p.lower = _lowering.binary_ufunc(np.power)
integer_pow_p.lower = _lowering.integer_pow
select_n_p.lower = _lowering.select_n


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


# The comparison and bitwise wrappers and primitives (bitwise.py) belong to this family too.
globals().update({_name: getattr(_bitwise, _name) for _name in _bitwise.__all__})

_WRAPPERS = """
abs acos acosh add asin asinh atan atan2 atanh cbrt clamp complex conj
convert_element_type cos cosh div exp exp2 expm1 imag integer_pow log log1p
logistic max min mul neg pow real reciprocal rem rsqrt select select_n
sin sinh sqrt square sub tan tanh
"""
__all__ = sorted(
    {*_WRAPPERS.split(), *_bitwise.__all__}
    | {_n for _n, _v in globals().items() if isinstance(_v, Primitive)}
)
