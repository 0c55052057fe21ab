"""Oracle programs: elementwise math, promotion, comparisons, bitwise, where/clip, casts,
reductions and sorting."""

from __future__ import annotations

import numpy as np

from ._registry import program, randb, randf, randi

# ----------------------------------------------------------------------------------------------
# Elementwise unary math, values and derivatives (generated from a table: name -> domain).

_UNARY = {
    "sin": (-3, 3),
    "cos": (-3, 3),
    "tan": (-1.2, 1.2),
    "arcsin": (-0.9, 0.9),
    "arccos": (-0.9, 0.9),
    "arctan": (-3, 3),
    "sinh": (-2, 2),
    "cosh": (-2, 2),
    "tanh": (-3, 3),
    "arcsinh": (-3, 3),
    "arccosh": (1.1, 3),
    "arctanh": (-0.9, 0.9),
    "exp": (-3, 3),
    "exp2": (-3, 3),
    "expm1": (-1, 1),
    "log": (0.1, 3),
    "log2": (0.1, 3),
    "log10": (0.1, 3),
    "log1p": (-0.5, 3),
    "sqrt": (0.1, 4),
    "cbrt": (-3, 3),
    "abs": (-3, 3),
    "sign": (-3, 3),
    "floor": (-3, 3),
    "ceil": (-3, 3),
    "round": (-3, 3),
    "trunc": (-3, 3),
    "negative": (-3, 3),
    "reciprocal": (0.5, 2),
    "square": (-3, 3),
    "deg2rad": (-90, 90),
    "rad2deg": (-2, 2),
    "sinc": (-2, 2),
}
_NO_GRAD = {"sign", "round", "trunc", "ceil"}


def _unary_value(fname):
    lo, hi = _UNARY[fname]

    def build(jax, jnp):
        return getattr(jnp, fname), (randf(3, 4, lo=lo, hi=hi),)

    return build


def _unary_grad(fname):
    lo, hi = _UNARY[fname]

    def build(jax, jnp):
        f = getattr(jnp, fname)
        return jax.grad(lambda x: jnp.sum(f(x))), (randf(5, lo=lo, hi=hi, seed=1),)

    return build


for _f in _UNARY:
    program(name=f"unary_{_f}")(_unary_value(_f))
    if _f not in _NO_GRAD:
        program(name=f"grad_{_f}")(_unary_grad(_f))
del _f


@program(x64=True, raw_args=True)
def prog_unary_f64_inputs(jax, jnp):
    # float64 NumPy inputs: canonicalised to float32 unless x64 is on.
    return lambda x: (jnp.exp(x), jnp.sin(x) * 2.0), (np.linspace(-1, 1, 5),)


@program()
def prog_round_half_even(jax, jnp):
    x = np.array([-2.5, -1.5, -0.5, 0.5, 1.5, 2.5, 3.49], np.float32)
    return lambda x: (jnp.round(x), jnp.rint(x), jnp.round(x * 10.0, 1)), (x,)


@program()
def prog_unary_float16(jax, jnp):
    x = randf(6, dtype=np.float16)
    return lambda x: (jnp.sin(x), jnp.exp(x), x * 2, jnp.sqrt(jnp.abs(x))), (x,)


@program()
def prog_lax_rsqrt_logistic(jax, jnp):
    lax = jax.lax
    return lambda x: (lax.rsqrt(x), lax.logistic(x)), (randf(6, lo=0.2, hi=3.0),)


@program()
def prog_grad_lax_rsqrt_logistic(jax, jnp):
    lax = jax.lax
    f = lambda x: jnp.sum(lax.rsqrt(x) + lax.logistic(x))
    return jax.grad(f), (randf(6, lo=0.2, hi=3.0),)


@program()
def prog_lax_erf_lgamma(jax, jnp):
    lax = jax.lax
    return lambda x: (lax.erf(x - 1.0), lax.lgamma(x)), (randf(6, lo=0.2, hi=3.0),)


@program()
def prog_grad_lax_erf_lgamma(jax, jnp):
    lax = jax.lax
    f = lambda x: jnp.sum(lax.erf(x) + lax.lgamma(x))
    return jax.grad(f), (randf(6, lo=0.2, hi=3.0),)


@program()
def prog_nan_inf_math(jax, jnp):
    x = np.array([0.0, -0.0, 1.0, -1.0, np.inf, -np.inf, np.nan], np.float32)
    return lambda x: (jnp.log(x), jnp.sqrt(x), 1.0 / x, jnp.exp(x), jnp.sign(x)), (x,)


# ----------------------------------------------------------------------------------------------
# Elementwise binary math and promotion.


@program(jaxpr_text=True)
def prog_mul_add(jax, jnp):
    return lambda x, y: x * y + x, (randf(4), randf(4, seed=1))


@program()
def prog_arith_broadcast(jax, jnp):
    x, y = randf(2, 3), randf(3, seed=1)
    return lambda x, y: (x + y, x - y, y * x, x / y, -x), (x, y)


@program()
def prog_binary_math(jax, jnp):
    x, y = randf(3, 4, lo=0.5, hi=3), randf(3, 4, seed=1, lo=-2, hi=2)
    fs = lambda x, y: (
        jnp.power(x, y),
        jnp.arctan2(y, x),
        jnp.hypot(x, y),
        jnp.logaddexp(x, y),
        jnp.maximum(x, y),
        jnp.minimum(x, y),
        jnp.copysign(x, y),
    )
    return fs, (x, y)


@program()
def prog_float_floordiv_mod(jax, jnp):
    x, y = randf(8, lo=-5, hi=5), np.array([1.5, -1.5, 2.0, -2.0, 0.7, -0.7, 3.0, -3.0], "f4")
    fs = lambda x, y: (
        x // y,
        x % y,
        jnp.floor_divide(x, y),
        jnp.remainder(x, y),
        jnp.fmod(x, y),
        jnp.mod(x, 2.0),
    )
    return fs, (x, y)


@program()
def prog_int_floordiv_mod(jax, jnp):
    x = np.array([7, -7, 7, -7, 0, 5, -9], np.int32)
    y = np.array([2, 2, -2, -2, 3, 5, 4], np.int32)
    fs = lambda x, y: (x // y, x % y, jnp.fmod(x, y), jnp.remainder(x, 3), -x, jnp.abs(x))
    return fs, (x, y)


@program()
def prog_int_true_divide(jax, jnp):
    x, y = randi(5), np.array([1, 2, -3, 4, 7], np.int32)
    return lambda x, y: (x / y, jnp.true_divide(x, 2), jnp.divide(x, y)), (x, y)


@program()
def prog_int_arith(jax, jnp):
    x, y = randi(6), randi(6, seed=1)
    return lambda x, y: (x + y, x * y - 3, x**3, jnp.sign(x), jnp.square(y)), (x, y)


@program()
def prog_int_power_array(jax, jnp):
    x, y = randi(6, lo=-3, hi=4), randi(6, seed=1, lo=0, hi=5)
    return lambda x, y: (jnp.power(x, y), x**2, x**0), (x, y)


@program(jaxpr_text=True)
def prog_integer_pow(jax, jnp):
    return lambda x: x**2, (randf(3),)


@program()
def prog_float_powers(jax, jnp):
    x = randf(5, lo=0.5, hi=2)
    return lambda x: (x**0.5, x**-1, x**-2.5, 2.0**x, x**3.0), (x,)


@program(x64=True)
def prog_promote_mixed(jax, jnp):
    a = randi(3, dtype=np.int8)
    b = randi(3, seed=1, lo=0, hi=9, dtype=np.uint8)
    c = randi(3, seed=2, dtype=np.int32)
    d = randf(3, dtype=np.float16)
    e = randf(3, seed=3)
    f = randb(3)
    fs = lambda a, b, c, d, e, f: (
        a + b,
        b + c,
        c + d,
        d + e,
        a * d,
        f + f,
        f * c,
        f + d,
        b * b,
        c + e,
    )
    return fs, (a, b, c, d, e, f)


@program(x64=True)
def prog_weak_scalar_promotion(jax, jnp):
    i8 = randi(3, dtype=np.int8)
    u8 = randi(3, lo=0, hi=9, dtype=np.uint8)
    f16 = randf(3, dtype=np.float16)
    i32 = randi(3, seed=2)
    fs = lambda i8, u8, f16, i32: (
        i8 + 1,
        u8 * 2,
        f16 + 1.5,
        i32 + 1.5,
        i32 * 2,
        2.0 * f16,
        i8 - 1.0,
        u8 + True,
    )
    return fs, (i8, u8, f16, i32)


@program(x64=True)
def prog_weak_type_results(jax, jnp):
    # Results that come only from Python scalars are weakly typed.
    def f():
        a = jnp.asarray(2.0) + 1
        b = jnp.asarray(3) * 2
        c = jnp.sin(2.0)
        d = jnp.where(True, 1.0, 0.0)
        e = jnp.zeros(3) + 1
        g = jnp.full((2,), 3.0)
        h = jnp.array(1.5) * jnp.float32(2)
        return a, b, c, d, e, g, h

    return f, ()


@program(x64=True)
def prog_python_scalar_args(jax, jnp):
    return lambda x, n, b: (x * 2, n + 1, x * n, jnp.exp(x), b & True), (1.5, 3, False)


@program(x64=True, raw_args=True)
def prog_numpy_scalar_args(jax, jnp):
    f = jax.jit(lambda a, b, c: (a + 1.0, b * 2, a * b, c + 1))
    return f, (np.float32(1.5), np.int32(3), np.float64(2.0))


# ----------------------------------------------------------------------------------------------
# Comparisons, logical and bitwise.


@program()
def prog_comparisons_float(jax, jnp):
    x = np.array([1.0, 2.0, np.nan, -1.0, 0.0, np.inf], np.float32)
    y = np.array([1.0, 1.0, np.nan, 0.0, -0.0, np.inf], np.float32)
    fs = lambda x, y: (x == y, x != y, x < y, x <= y, x > y, x >= y, x > 0.5, 1 <= x)
    return fs, (x, y)


@program()
def prog_comparisons_int_mixed(jax, jnp):
    x, y = randi(6), randf(6, seed=1, lo=-5, hi=5)
    fs = lambda x, y: (x < y, x == 2, jnp.equal(x, x), jnp.greater_equal(y, x), x != 2.5)
    return fs, (x, y)


@program()
def prog_isnan_isinf(jax, jnp):
    x = np.array([0.0, np.nan, np.inf, -np.inf, 1.0], np.float32)
    fs = lambda x: (
        jnp.isnan(x),
        jnp.isinf(x),
        jnp.isfinite(x),
        jnp.signbit(x),
        jnp.isposinf(x),
        jnp.isneginf(x),
    )
    return fs, (x,)


@program()
def prog_logical_ops(jax, jnp):
    a, b = randb(6), randb(6, seed=1)
    fs = lambda a, b: (
        jnp.logical_and(a, b),
        jnp.logical_or(a, b),
        jnp.logical_not(a),
        jnp.logical_xor(a, b),
        a & b,
        a | b,
        a ^ b,
        ~a,
    )
    return fs, (a, b)


@program()
def prog_logical_on_numbers(jax, jnp):
    x, y = randi(6, lo=-1, hi=2), randf(6, seed=1, lo=-1, hi=1)
    return lambda x, y: (jnp.logical_and(x, y), jnp.logical_not(x), jnp.logical_or(y, 0)), (x, y)


@program()
def prog_bitwise_int32(jax, jnp):
    x = np.array([0, 1, -1, 12345, -98765, 2**31 - 1, -(2**31)], np.int32)
    y = np.array([3, 7, 255, -1, 1024, 65535, 1], np.int32)
    fs = lambda x, y: (
        x & y,
        x | y,
        x ^ y,
        ~x,
        jnp.bitwise_and(x, 6),
        jnp.invert(y),
        jnp.bitwise_or(x, y),
        jnp.bitwise_xor(x, y),
        jnp.bitwise_not(x),
    )
    return fs, (x, y)


@program()
def prog_bitwise_uint8(jax, jnp):
    x = np.array([0, 1, 127, 128, 255, 6], np.uint8)
    y = np.array([255, 3, 1, 128, 15, 5], np.uint8)
    return lambda x, y: (x & y, x | y, x ^ y, ~x, x >> 1, x << 1), (x, y)


@program()
def prog_shifts(jax, jnp):
    x = np.array([1, -8, 1024, -1, 7, 2**30, 5], np.int32)
    s = np.array([0, 1, 3, 5, 31, 1, 2], np.int32)
    fs = lambda x, s: (
        x << s,
        x >> s,
        jnp.left_shift(x, 2),
        jnp.right_shift(x, s),
        x.astype(jnp.uint32) >> s,
    )
    return fs, (x, s)


@program()
def prog_shift_out_of_range(jax, jnp):
    # Shift amounts >= the bit width give 0 (or -1 for arithmetic right shifts of negatives).
    x = np.array([1, -8, 3, -1], np.int32)
    s = np.array([32, 33, 40, 32], np.int32)
    return lambda x, s: (x << s, x >> s), (x, s)


@program()
def prog_population_count_clz(jax, jnp):
    x = np.array([0, 1, 3, 255, -1, 1024], np.int32)
    return lambda x: (jax.lax.population_count(x), jax.lax.clz(x)), (x,)


# ----------------------------------------------------------------------------------------------
# select / where / clip and their derivatives.


@program()
def prog_where(jax, jnp):
    c, x, y = randb(3, 4), randf(3, 4), randf(3, 4, seed=1)
    fs = lambda c, x, y: (
        jnp.where(c, x, y),
        jnp.where(x > 0, x, 0.0),
        jnp.where(c, 1, 2),
        jnp.where(c[0], x, y[0]),
    )
    return fs, (c, x, y)


@program()
def prog_where_mixed_dtypes(jax, jnp):
    c, x, y = randb(5), randi(5), randf(5, seed=1, dtype=np.float16)
    return lambda c, x, y: (jnp.where(c, x, y), jnp.where(c, x, 1.5)), (c, x, y)


@program()
def prog_lax_select_n(jax, jnp):
    c, x, y = randb(5), randf(5), randf(5, seed=1)
    which = randi(5, lo=0, hi=3)
    z = randf(5, seed=2)
    return lambda c, w, x, y, z: (jax.lax.select_n(c, x, y), jax.lax.select_n(w, x, y, z)), (
        c,
        which,
        x,
        y,
        z,
    )


@program()
def prog_grad_where(jax, jnp):
    f = lambda x: jnp.sum(jnp.where(x > 0, x**2, jnp.sin(x)))
    return jax.grad(f), (randf(6),)


@program()
def prog_clip(jax, jnp):
    x, i = randf(3, 4, lo=-3, hi=3), randi(6)
    fs = lambda x, i: (
        jnp.clip(x, -1.0, 1.0),
        jnp.clip(x, min=0.0),
        jnp.clip(x, max=0.5),
        jnp.clip(i, -2, 2),
        jnp.clip(x, np.float32(-0.5), np.float32(2)),
    )
    return fs, (x, i)


@program()
def prog_grad_clip(jax, jnp):
    x = np.array([-2.0, -1.0, -0.5, 0.0, 0.5, 1.0, 2.0], np.float32)
    return jax.grad(lambda x: jnp.sum(jnp.clip(x, -1.0, 1.0) * 3.0)), (x,)


@program()
def prog_grad_max_min_ties(jax, jnp):
    # Ties share the gradient in JAX.
    x = np.array([1.0, 2.0, 3.0, 2.0], np.float32)
    y = np.array([1.0, 1.0, 3.0, 5.0], np.float32)
    f = lambda x, y: jnp.sum(jnp.maximum(x, y) * 2.0 + jnp.minimum(x, y))
    return jax.grad(f, argnums=(0, 1)), (x, y)


@program(jaxpr_text=True)
def prog_relu_literal(jax, jnp):
    return lambda x: jnp.maximum(x, 0.0), (randf(4),)


# ----------------------------------------------------------------------------------------------
# convert / astype.


@program(jaxpr_text=True)
def prog_astype_int(jax, jnp):
    return lambda x: x.astype(jnp.int32), (randf(5, lo=-5, hi=5),)


@program(x64=True)
def prog_astype_many(jax, jnp):
    x = randf(6, lo=-5, hi=5)
    i = randi(6)
    fs = lambda x, i: (
        x.astype(jnp.int32),
        x.astype(bool),
        x.astype(jnp.float16),
        i.astype(jnp.float32),
        i.astype(bool),
        (x > 0).astype(jnp.float32),
        i.astype(jnp.int8),
        i.astype(jnp.uint8),
        jnp.asarray(x, dtype=jnp.int16),
        x.astype("float32"),
        i.astype(float),
        x.astype(int),
    )
    return fs, (x, i)


@program()
def prog_lax_convert_element_type(jax, jnp):
    x = randf(4, lo=-3, hi=3)
    ce = jax.lax.convert_element_type
    return lambda x: (ce(x, np.int32), ce(x, np.float16), ce(x > 0, np.float32)), (x,)


@program()
def prog_grad_through_astype(jax, jnp):
    f = lambda x: jnp.sum(x.astype(jnp.float16).astype(jnp.float32) ** 2)
    return jax.grad(f), (randf(4),)


@program()
def prog_asarray_lists(jax, jnp):
    def f():
        return (
            jnp.asarray([1, 2, 3]),
            jnp.asarray([1.0, 2]),
            jnp.array([[1, 2], [3, 4]]),
            jnp.asarray([True, False]),
            jnp.array(np.arange(3, dtype=np.int16)),
            jnp.asarray(5, dtype=jnp.float32),
        )

    return f, ()


# ----------------------------------------------------------------------------------------------
# Reductions.


@program(x64=True)
def prog_reductions_axes(jax, jnp):
    x = randf(2, 3, 4)
    fs = lambda x: (
        jnp.sum(x),
        jnp.sum(x, axis=0),
        jnp.sum(x, axis=(0, 2)),
        jnp.sum(x, axis=-1, keepdims=True),
        jnp.prod(x, axis=1),
        x.sum(1),
        jnp.max(x, axis=2),
        jnp.min(x),
        x.max(axis=(0, 1), keepdims=True),
    )
    return fs, (x,)


@program(x64=True)
def prog_reductions_int_bool(jax, jnp):
    i8, i32, b = randi(3, 4, dtype=np.int8), randi(3, 4), randb(3, 4)
    u8 = randi(3, 4, lo=0, hi=200, dtype=np.uint8)
    fs = lambda i8, i32, b, u8: (
        jnp.sum(i8),
        jnp.sum(i32, axis=0),
        jnp.sum(b),
        jnp.prod(i8, axis=1),
        jnp.max(i32),
        jnp.sum(u8),
        jnp.mean(i32),
        jnp.any(b, axis=0),
        jnp.all(b),
        jnp.any(i32 > 3),
        jnp.min(b),
        jnp.sum(b, axis=1, keepdims=True),
    )
    return fs, (i8, i32, b, u8)


@program(x64=True)
def prog_mean_var_std(jax, jnp):
    x = randf(3, 5)
    fs = lambda x: (
        jnp.mean(x),
        jnp.mean(x, axis=1),
        jnp.var(x, axis=0),
        jnp.std(x),
        jnp.var(x, ddof=1),
        x.mean(axis=0, keepdims=True),
    )
    return fs, (x,)


@program()
def prog_reduction_dtype_arg(jax, jnp):
    x = randi(4, 3)
    return lambda x: (jnp.sum(x, dtype=jnp.float32), jnp.mean(x, axis=0, dtype=jnp.float16)), (x,)


@program()
def prog_reductions_nan(jax, jnp):
    x = np.array([[1.0, np.nan, 3.0], [4.0, 5.0, -1.0]], np.float32)
    fs = lambda x: (
        jnp.max(x, axis=1),
        jnp.min(x, axis=0),
        jnp.sum(x),
        jnp.nansum(x),
        jnp.nanmax(x, axis=1),
    )
    return fs, (x,)


@program()
def prog_reductions_empty(jax, jnp):
    x = np.zeros((0, 3), np.float32)
    return lambda x: (jnp.sum(x, axis=0), jnp.prod(x, axis=0), jnp.any(x > 0)), (x,)


@program()
def prog_logsumexp_count_nonzero(jax, jnp):
    x = randf(3, 4)
    fs = lambda x: (
        jax.nn.logsumexp(x),
        jax.nn.logsumexp(x, axis=1),
        jnp.count_nonzero(x > 0),
        jnp.count_nonzero(x > 0, axis=0),
    )
    return fs, (x,)


@program()
def prog_grad_reductions(jax, jnp):
    x = randf(3, 4)
    f = lambda x: (
        jnp.sum(x**2)
        + jnp.prod(x, axis=0).sum()
        + jnp.mean(x, axis=1).sum()
        + jnp.max(x, axis=1).sum()
        + jnp.min(x)
    )
    return jax.grad(f), (x,)


@program()
def prog_grad_var_std(jax, jnp):
    return jax.grad(lambda x: jnp.var(x) + jnp.std(x, axis=0).sum()), (randf(3, 4),)


@program()
def prog_jit_var(jax, jnp):
    return jax.jit(lambda x: (jnp.var(x, axis=1), jnp.std(x))), (randf(3, 4),)


@program()
def prog_grad_max_ties(jax, jnp):
    x = np.array([[1.0, 3.0, 3.0], [2.0, 2.0, 2.0]], np.float32)
    return jax.grad(lambda x: jnp.sum(jnp.max(x, axis=1)) + jnp.min(x)), (x,)


@program(x64=True)
def prog_argmax_argmin(jax, jnp):
    x = np.array([[1.0, 3.0, 3.0, 0.0], [5.0, -1.0, 5.0, 2.0], [0.0, 0.0, 0.0, 0.0]], "f4")
    fs = lambda x: (
        jnp.argmax(x),
        jnp.argmax(x, axis=1),
        jnp.argmin(x, axis=0),
        jnp.argmin(x, axis=-1, keepdims=True),
        x.argmax(axis=0),
    )
    return fs, (x,)


@program()
def prog_argmax_int_nan(jax, jnp):
    i = randi(3, 5)
    x = np.array([1.0, np.nan, 3.0], np.float32)
    return lambda i, x: (jnp.argmax(i, axis=1), jnp.argmin(i), jnp.argmax(x), jnp.argmin(x)), (i, x)


@program(x64=True)
def prog_cumsum_cumprod(jax, jnp):
    x, i, b = randf(3, 4), randi(3, 4), randb(5)
    fs = lambda x, i, b: (
        jnp.cumsum(x, axis=1),
        jnp.cumsum(x),
        jnp.cumprod(x, axis=0),
        jnp.cumsum(i, axis=0),
        jnp.cumsum(b),
        jnp.cumprod(i, axis=1),
        jnp.cumsum(x, axis=0, dtype=jnp.int32),
    )
    return fs, (x, i, b)


@program()
def prog_lax_cummax_cummin(jax, jnp):
    x = randf(6)
    lax = jax.lax
    return lambda x: (lax.cummax(x), lax.cummin(x), lax.cumsum(x, reverse=True)), (x,)


@program()
def prog_grad_cumsum_cumprod(jax, jnp):
    f = lambda x: jnp.sum(jnp.cumsum(x) ** 2) + jnp.sum(jnp.cumprod(x))
    return jax.grad(f), (randf(5, lo=0.5, hi=1.5),)


# ----------------------------------------------------------------------------------------------
# Sorting.


@program()
def prog_sort(jax, jnp):
    x, i = randf(3, 5), randi(3, 5)
    fs = lambda x, i: (
        jnp.sort(x),
        jnp.sort(x, axis=0),
        jnp.sort(i, axis=None),
        jnp.sort(x.ravel()),
    )
    return fs, (x, i)


@program(x64=True)
def prog_argsort_stable(jax, jnp):
    i = np.array([[3, 1, 2, 1, 3, 0], [0, 0, 0, 5, 5, 1]], np.int32)
    return lambda i: (jnp.argsort(i), jnp.argsort(i, axis=0), jnp.argsort(-i, axis=1)), (i,)


@program()
def prog_sort_nan(jax, jnp):
    x = np.array([3.0, np.nan, -1.0, np.inf, -np.inf, 0.0], np.float32)
    return lambda x: (jnp.sort(x), jnp.argsort(x)), (x,)


@program()
def prog_grad_sort(jax, jnp):
    w = np.arange(5, dtype=np.float32)
    return jax.grad(lambda x: jnp.sum(jnp.sort(x) * w)), (randf(5),)
