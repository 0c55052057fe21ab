"""`jaxlite.nn`: activation functions, softmax/logsumexp, one_hot, standardize.

Composed of jnp and lax wrappers only. Where JAX gives a function a custom derivative at a
kink (relu, relu6 have gradient 0 there) the formula here is a `where` whose gradient is that
value.
"""

from __future__ import annotations

import operator
from typing import Any

import numpy as np

from jaxlite._src import dtypes as _dtypes
from jaxlite._src.numpy import _lax as lax
from jaxlite._src.numpy import creation, reductions, ufuncs
from jaxlite._src.numpy import promotion as P
from jaxlite._src.numpy.promotion import dtype_of, shape
from jaxlite._src.numpy.ufuncs import const_like, where


def _inexact(name: str, x: Any) -> Any:
    (x,) = P.promote_args_inexact(name, x)
    return x


def _stop_gradient(x: Any) -> Any:
    fn = lax.lookup("stop_gradient")
    return x if fn is None else fn(x)


def relu(x: Any) -> Any:
    """`max(x, 0)`, with gradient 0 at 0 (as JAX's custom derivative gives)."""
    (x,) = P.promote_args("relu", x)
    zero = const_like(x, 0)
    # Selecting the constant where x <= 0 keeps NaN (x <= 0 is False) and gives gradient 0
    # at 0, unlike max(x, 0) whose gradient splits at ties.
    return where(lax.le(x, zero), zero, x)


def relu6(x: Any) -> Any:
    """`min(max(x, 0), 6.)`, with gradient 0 at 0 and 6."""
    (x,) = P.promote_args("relu6", x)
    x, six = P.promote_dtypes(x, 6.0)
    zero = ufuncs.inherit(x, 0)
    return where(lax.le(x, zero), zero, where(lax.ge(x, six), six, x))


def sigmoid(x: Any) -> Any:
    """`1 / (1 + exp(-x))` (lax.logistic; floating inputs only, as in JAX)."""
    (x,) = P.promote_args("sigmoid", x)
    return lax.logistic(x)


def softplus(x: Any) -> Any:
    """`log(1 + exp(x))`, computed stably as `logaddexp(x, 0)`."""
    x = _inexact("softplus", x)
    return ufuncs.logaddexp(x, const_like(x, 0))


def soft_sign(x: Any) -> Any:
    """`x / (|x| + 1)`."""
    x = _inexact("soft_sign", x)
    return lax.div(x, lax.add(lax.abs(x), const_like(x, 1)))


def silu(x: Any) -> Any:
    """`x * sigmoid(x)` (also called swish)."""
    (x,) = P.promote_args("silu", x)
    return lax.mul(x, lax.logistic(x))


swish = silu


def log_sigmoid(x: Any) -> Any:
    """`log(sigmoid(x))` = `-softplus(-x)`."""
    x = _inexact("log_sigmoid", x)
    return lax.neg(softplus(lax.neg(x)))


def elu(x: Any, alpha: Any = 1.0) -> Any:
    """`x` for x > 0, else `alpha * (exp(x) - 1)`."""
    P.check_arraylike("elu", x)
    pos = ufuncs.greater(x, 0)
    safe = where(pos, 0.0, x)
    return where(pos, x, ufuncs.multiply(alpha, ufuncs.expm1(safe)))


def celu(x: Any, alpha: Any = 1.0) -> Any:
    """`max(x, 0) + alpha * min(exp(x / alpha) - 1, 0)`."""
    P.check_arraylike("celu", x)
    return ufuncs.add(
        ufuncs.maximum(x, 0.0),
        ufuncs.multiply(alpha, ufuncs.expm1(ufuncs.divide(ufuncs.minimum(x, 0.0), alpha))),
    )


def selu(x: Any) -> Any:
    """Scaled ELU with the self-normalising constants."""
    alpha = 1.6732632423543772848170429916717
    scale = 1.0507009873554804934193349852946
    return ufuncs.multiply(scale, elu(x, alpha))


def leaky_relu(x: Any, negative_slope: Any = 1e-2) -> Any:
    """`x` for x >= 0, else `negative_slope * x`."""
    P.check_arraylike("leaky_relu", x)
    return where(ufuncs.greater_equal(x, 0), x, ufuncs.multiply(negative_slope, x))


def hard_tanh(x: Any) -> Any:
    """`x` clipped to [-1, 1]."""
    P.check_arraylike("hard_tanh", x)
    return where(ufuncs.greater(x, 1), 1, where(ufuncs.less(x, -1), -1, x))


def hard_sigmoid(x: Any) -> Any:
    """`relu6(x + 3) / 6`."""
    return ufuncs.divide(relu6(ufuncs.add(x, 3.0)), 6.0)


def hard_silu(x: Any) -> Any:
    """`x * hard_sigmoid(x)`."""
    return ufuncs.multiply(x, hard_sigmoid(x))


hard_swish = hard_silu


def gelu(x: Any, approximate: bool = True) -> Any:
    """Gaussian error linear unit: the tanh approximation by default, else the erf form."""
    x = _inexact("gelu", x)
    if approximate:
        c = const_like(x, np.sqrt(2 / np.pi), False)
        cubic = lax.mul(const_like(x, 0.044715, False), lax.integer_pow(x, 3))
        inner = lax.mul(c, lax.add(x, cubic))
        cdf = lax.mul(const_like(x, 0.5, False), lax.add(const_like(x, 1, False), lax.tanh(inner)))
        return lax.mul(x, cdf)
    erf = lax.erf(lax.div(x, const_like(x, np.sqrt(2), False)))
    return lax.div(lax.mul(x, lax.add(erf, const_like(x, 1, False))), const_like(x, 2, False))


def glu(x: Any, axis: int = -1) -> Any:
    """Gated linear unit: the first half of `axis` times sigmoid of the second half."""
    from jaxlite._src.numpy.shape_ops import split  # noqa: PLC0415

    x = P.to_jax(x)
    size = shape(x)[axis]
    if size % 2:
        raise ValueError(f"axis size must be divisible by 2, got {size}")
    a, b = split(x, 2, axis)
    return ufuncs.multiply(a, sigmoid(b))


def logsumexp(
    a: Any,
    axis: Any = None,
    b: Any = None,
    keepdims: bool = False,
    return_sign: bool = False,
    where: Any = None,
) -> Any:
    """`log(sum(b * exp(a)))` over `axis`, stabilised by the (gradient-stopped) maximum.

    With `return_sign`, returns `(log|sum|, sign(sum))`; otherwise a negative sum gives NaN.
    """
    if b is not None:
        a, b = P.promote_args_inexact("logsumexp", a, b)
    else:
        a = _inexact("logsumexp", a)
    nd = len(shape(a))
    axes = P.canonicalize_axes(axis, nd)
    amax = reductions.max(a, axis=axes, keepdims=True, where=where, initial=-np.inf)
    amax = _stop_gradient(where_fn(ufuncs.isfinite(amax), amax, const_like(amax, 0)))
    exp_a = (
        lax.exp(lax.sub(a, amax)) if shape(amax) == shape(a) else lax.exp(ufuncs.subtract(a, amax))
    )
    if b is not None:
        exp_a = ufuncs.multiply(exp_a, b)
    sumexp = reductions.sum(exp_a, axis=axes, keepdims=keepdims, where=where)
    sign = ufuncs.sign(sumexp)
    if return_sign or dtype_of(sumexp).kind != "c":
        sumexp = ufuncs.absolute(sumexp)
    amax_out = amax if keepdims else lax.squeeze(amax, axes) if axes else amax
    out = ufuncs.add(lax.log(sumexp), amax_out)
    if return_sign:
        return out, sign
    if dtype_of(out).kind != "c":
        out = where_fn(lax.lt(sign, const_like(sign, 0)), const_like(out, np.nan), out)
    return out


where_fn = where


def softmax(x: Any, axis: Any = -1, where: Any = None, initial: Any = None) -> Any:
    """`exp(x) / sum(exp(x))` along `axis`, shifted by the (gradient-stopped) maximum."""
    x = _inexact("softmax", x)
    if where is None:
        xmax = reductions.max(x, axis=axis, keepdims=True)
    else:
        xmax = reductions.max(x, axis=axis, keepdims=True, where=where, initial=-np.inf)
    unnormalized = lax.exp(ufuncs.subtract(x, _stop_gradient(xmax)))
    if where is not None:
        unnormalized = where_fn(where, unnormalized, const_like(unnormalized, 0))
    total = reductions.sum(unnormalized, axis=axis, keepdims=True, where=where)
    return ufuncs.divide(unnormalized, total)


def log_softmax(x: Any, axis: Any = -1, where: Any = None, initial: Any = None) -> Any:
    """`x - logsumexp(x)` along `axis`, shifted by the (gradient-stopped) maximum."""
    x = _inexact("log_softmax", x)
    if where is None:
        xmax = reductions.max(x, axis=axis, keepdims=True)
    else:
        xmax = reductions.max(x, axis=axis, keepdims=True, where=where, initial=-np.inf)
    shifted = ufuncs.subtract(x, _stop_gradient(xmax))
    exp_shifted = lax.exp(shifted)
    if where is not None:
        exp_shifted = where_fn(where, exp_shifted, const_like(exp_shifted, 0))
    shifted_lse = lax.log(reductions.sum(exp_shifted, axis=axis, keepdims=True))
    result = ufuncs.subtract(shifted, shifted_lse)
    if where is not None:
        return where_fn(where, result, const_like(result, -np.inf))
    return result


def standardize(
    x: Any,
    axis: Any = -1,
    mean: Any = None,
    variance: Any = None,
    epsilon: Any = 1e-5,
    where: Any = None,
) -> Any:
    """`(x - mean) / sqrt(variance + epsilon)` with statistics over `axis` unless given."""
    x = _inexact("standardize", x)
    if mean is None:
        mean = reductions.mean(x, axis=axis, keepdims=True, where=where)
    if variance is None:
        variance = ufuncs.subtract(
            reductions.mean(ufuncs.square(x), axis=axis, keepdims=True, where=where),
            ufuncs.square(mean),
        )
    return ufuncs.multiply(ufuncs.subtract(x, mean), _rsqrt(ufuncs.add(variance, epsilon)))


def _rsqrt(x: Any) -> Any:
    if lax.has("rsqrt"):
        (x,) = P.promote_args_inexact("rsqrt", x)
        return lax.rsqrt(x)
    return ufuncs.reciprocal(ufuncs.sqrt(x))


normalize = standardize


def one_hot(x: Any, num_classes: int, *, dtype: Any = None, axis: int | tuple = -1) -> Any:
    """`x[..., None] == arange(num_classes)` as `dtype` (float32 by default); out-of-range
    and negative indices give all-zero rows."""
    num_classes = operator.index(num_classes)
    dt = P.user_dtype(dtype, "one_hot") if dtype is not None else _dtypes.default_float_dtype()
    P.check_arraylike("one_hot", x)
    x = creation.asarray(x)
    s = shape(x)
    out_nd = len(s) + 1
    ax = P.canonicalize_axis(axis, out_nd)
    out_shape = s[:ax] + (num_classes,) + s[ax:]
    xdt = dtype_of(x)
    cdt = xdt if xdt.kind in "iu" else _dtypes.default_int_dtype()
    if xdt != cdt:
        x = lax.convert_element_type(x, cdt)
    xb = lax.broadcast_in_dim(x, out_shape, tuple(i for i in range(out_nd) if i != ax))
    if lax.has("broadcasted_iota"):
        iota = lax.broadcasted_iota(cdt, out_shape, ax)
    else:
        iota = lax.broadcast_in_dim(creation.arange(num_classes, dtype=cdt), out_shape, (ax,))
    return lax.convert_element_type(lax.eq(xb, iota), dt)
