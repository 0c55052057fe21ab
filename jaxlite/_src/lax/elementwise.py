"""Elementwise primitives: one block per primitive with all of its rules."""

from __future__ import annotations

from typing import Any

import numpy as np

from jaxlite._src import core, dtypes
from jaxlite._src.interpreters.ad import UndefinedPrimal, Zero
from jaxlite._src.rules import (
    ANY,
    FLOAT,
    NUMBER,
    binop,
    deflinear,
    defbilinear,
    defjvp,
    defvectorized,
    standard_primitive,
    unbroadcast,
    unop,
)


def _ct_aval(x):
    return x.aval if type(x) is UndefinedPrimal else core.get_aval(x)


# add: linear in both; an implicitly broadcast rank-0 operand sums its cotangent.
add_p = binop("add", np.add, NUMBER)
deflinear(add_p, lambda ct, x, y: [
    unbroadcast(_ct_aval(x), ct) if type(x) is UndefinedPrimal else None,
    unbroadcast(_ct_aval(y), ct) if type(y) is UndefinedPrimal else None,
])

# sub: d(x - y) = dx - dy.
sub_p = binop("sub", np.subtract, NUMBER)
deflinear(sub_p, lambda ct, x, y: [
    unbroadcast(_ct_aval(x), ct) if type(x) is UndefinedPrimal else None,
    unbroadcast(_ct_aval(y), neg(ct)) if type(y) is UndefinedPrimal else None,
])

# mul: bilinear; ct_x = ct * y.
mul_p = binop("mul", np.multiply, NUMBER)
defbilinear(
    mul_p,
    lambda ct, x, y: unbroadcast(x.aval, mul(ct, y)),
    lambda ct, x, y: unbroadcast(y.aval, mul(x, ct)),
)

# neg: linear, self-adjoint up to sign.
neg_p = unop("neg", np.negative, NUMBER)
deflinear(neg_p, lambda ct, x: [neg(ct)])

# sin: d sin x = cos x dx.
sin_p = unop("sin", np.sin, FLOAT)
defjvp(sin_p, lambda g, ans, x: mul(g, cos(x)))

# cos: d cos x = -sin x dx.
cos_p = unop("cos", np.cos, FLOAT)
defjvp(cos_p, lambda g, ans, x: neg(mul(g, sin(x))))

# exp: d exp x = exp x dx (reuse the output).
exp_p = unop("exp", np.exp, FLOAT)
defjvp(exp_p, lambda g, ans, x: mul(g, ans))

# log: d log x = dx / x.
log_p = unop("log", np.log, FLOAT)
defjvp(log_p, lambda g, ans, x: div(g, x))


def _div_impl(x, y):
    if x.dtype.kind in "iu":
        # lax.div rounds toward zero for integers (C semantics), unlike numpy's floor.
        q = np.trunc(np.true_divide(x, y))
        return q.astype(x.dtype)
    return np.true_divide(x, y)


# div: d(x/y) = dx/y - x dy/y^2 = dx/y - ans dy / y.
div_p = binop("div", _div_impl, NUMBER)
defjvp(
    div_p,
    lambda g, ans, x, y: div(g, y),
    lambda g, ans, x, y: mul(neg(g), div(ans, y)),
)


def _div_transpose(ct, x, y):
    # div is linear in its numerator only.
    if type(y) is UndefinedPrimal:
        raise core.InternalError("internal: div transposed in its denominator")
    return [unbroadcast(x.aval, div(ct, y)), None]


div_p.transpose = lambda ct, x, y: [None, None] if type(ct) is Zero else _div_transpose(ct, x, y)


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
        core.get_aval(primals[0]).dtype
    ):
        ans = convert_element_type_p.bind(*primals, new_dtype=new_dtype, weak_type=weak_type)
        return ans, Zero(core.get_aval(ans).to_tangent_aval())
    return _convert_jvp_linear(primals, tangents, new_dtype=new_dtype, weak_type=weak_type)


convert_element_type_p.jvp = _convert_jvp
defvectorized(convert_element_type_p)

_ = ANY


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


def neg(x: Any) -> Any:
    """Elementwise `-x`."""
    return neg_p.bind(x)


def sin(x: Any) -> Any:
    """Elementwise sine."""
    return sin_p.bind(x)


def cos(x: Any) -> Any:
    """Elementwise cosine."""
    return cos_p.bind(x)


def exp(x: Any) -> Any:
    """Elementwise exponential."""
    return exp_p.bind(x)


def log(x: Any) -> Any:
    """Elementwise natural logarithm."""
    return log_p.bind(x)


def convert_element_type(x: Any, new_dtype: Any, weak_type: bool = False) -> Any:
    """Casts `x` to `new_dtype` (canonicalised), as `lax.convert_element_type`."""
    dt = dtypes.canonicalize_dtype(new_dtype)
    return convert_element_type_p.bind(x, new_dtype=dt, weak_type=weak_type)


core.ops.convert_element_type = convert_element_type
