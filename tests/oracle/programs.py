"""The oracle corpus: small programs written once against a module pair `(jax, jnp)`.

Every program is a builder `prog_NAME(jax, jnp) -> (fn, args)`. The test runs it twice, with
`(jax, jax.numpy)` and with `(jaxlite, jaxlite.numpy)`, calls `fn(*args)` and compares the
outputs leaf by leaf (values, dtypes, weak types, shapes) and the output pytree structure.
Arguments are NumPy arrays or Python scalars built by the builder itself, so both runs see
identical inputs. `jax.lax`, `jax.nn` and `jax.tree_util` are reached through the module.

Flags on `@program(...)`:
  x64         also run the program with `jax_enable_x64` on (both libraries).
  jaxpr_text  also require `str(make_jaxpr(fn)(*args))` to be identical.
  rtol/atol   float tolerances where the default float32 ones are too tight.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Program:
    name: str
    build: Callable
    x64: bool = False
    jaxpr_text: bool = False
    rtol: float | None = None
    atol: float | None = None


PROGRAMS: dict[str, Program] = {}


def program(x64: bool = False, jaxpr_text: bool = False, rtol=None, atol=None, name=None):
    """Registers a builder under its name without the `prog_` prefix."""

    def deco(build):
        key = name or build.__name__.removeprefix("prog_")
        assert key not in PROGRAMS, key
        PROGRAMS[key] = Program(key, build, x64, jaxpr_text, rtol, atol)
        return build

    return deco


# ----------------------------------------------------------------------------------------------
# Inputs: deterministic, built the same way for both libraries.


def randf(*shape, seed=0, lo=-2.0, hi=2.0, dtype=np.float32):
    return np.random.default_rng(seed).uniform(lo, hi, shape).astype(dtype)


def randi(*shape, seed=0, lo=-5, hi=6, dtype=np.int32):
    return np.random.default_rng(seed).integers(lo, hi, shape).astype(dtype)


def randb(*shape, seed=0):
    return np.random.default_rng(seed).integers(0, 2, shape).astype(bool)


# ----------------------------------------------------------------------------------------------
# Elementwise unary math, values and derivatives (generated from a table: name -> domain).

_UNARY = {
    "sin": (-3, 3), "cos": (-3, 3), "tan": (-1.2, 1.2), "arcsin": (-0.9, 0.9),
    "arccos": (-0.9, 0.9), "arctan": (-3, 3), "sinh": (-2, 2), "cosh": (-2, 2),
    "tanh": (-3, 3), "arcsinh": (-3, 3), "arccosh": (1.1, 3), "arctanh": (-0.9, 0.9),
    "exp": (-3, 3), "exp2": (-3, 3), "expm1": (-1, 1), "log": (0.1, 3), "log2": (0.1, 3),
    "log10": (0.1, 3), "log1p": (-0.5, 3), "sqrt": (0.1, 4), "cbrt": (-3, 3),
    "abs": (-3, 3), "sign": (-3, 3), "floor": (-3, 3), "ceil": (-3, 3), "round": (-3, 3),
    "trunc": (-3, 3), "negative": (-3, 3), "reciprocal": (0.5, 2), "square": (-3, 3),
    "deg2rad": (-90, 90), "rad2deg": (-2, 2), "sinc": (-2, 2),
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


@program(x64=True)
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
def prog_lax_special(jax, jnp):
    x = randf(6, lo=0.2, hi=3.0)
    lax = jax.lax
    return lambda x: (lax.rsqrt(x), lax.erf(x - 1.0), lax.lgamma(x), lax.logistic(x)), (x,)


@program()
def prog_grad_lax_special(jax, jnp):
    lax = jax.lax
    f = lambda x: jnp.sum(lax.rsqrt(x) + lax.erf(x) + lax.lgamma(x) + lax.logistic(x))
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
        jnp.power(x, y), jnp.arctan2(y, x), jnp.hypot(x, y), jnp.logaddexp(x, y),
        jnp.maximum(x, y), jnp.minimum(x, y), jnp.copysign(x, y),
    )
    return fs, (x, y)


@program()
def prog_float_floordiv_mod(jax, jnp):
    x, y = randf(8, lo=-5, hi=5), np.array([1.5, -1.5, 2.0, -2.0, 0.7, -0.7, 3.0, -3.0], "f4")
    fs = lambda x, y: (x // y, x % y, jnp.floor_divide(x, y), jnp.remainder(x, y),
                       jnp.fmod(x, y), jnp.mod(x, 2.0))
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
    return lambda x, y: (x + y, x * y - 3, x ** 3, jnp.sign(x), jnp.square(y)), (x, y)


@program()
def prog_int_power_array(jax, jnp):
    x, y = randi(6, lo=-3, hi=4), randi(6, seed=1, lo=0, hi=5)
    return lambda x, y: (jnp.power(x, y), x ** 2, x ** 0), (x, y)


@program(jaxpr_text=True)
def prog_integer_pow(jax, jnp):
    return lambda x: x ** 2, (randf(3),)


@program()
def prog_float_powers(jax, jnp):
    x = randf(5, lo=0.5, hi=2)
    return lambda x: (x ** 0.5, x ** -1, x ** -2.5, 2.0 ** x, x ** 3.0), (x,)


@program(x64=True)
def prog_promote_mixed(jax, jnp):
    a = randi(3, dtype=np.int8)
    b = randi(3, seed=1, lo=0, hi=9, dtype=np.uint8)
    c = randi(3, seed=2, dtype=np.int32)
    d = randf(3, dtype=np.float16)
    e = randf(3, seed=3)
    f = randb(3)
    fs = lambda a, b, c, d, e, f: (
        a + b, b + c, c + d, d + e, a * d, f + f, f * c, f + d, b * b, c + e,
    )
    return fs, (a, b, c, d, e, f)


@program(x64=True)
def prog_weak_scalar_promotion(jax, jnp):
    i8 = randi(3, dtype=np.int8)
    u8 = randi(3, lo=0, hi=9, dtype=np.uint8)
    f16 = randf(3, dtype=np.float16)
    i32 = randi(3, seed=2)
    fs = lambda i8, u8, f16, i32: (
        i8 + 1, u8 * 2, f16 + 1.5, i32 + 1.5, i32 * 2, 2.0 * f16, i8 - 1.0, u8 + True,
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


@program(x64=True)
def prog_numpy_scalar_args(jax, jnp):
    f = lambda a, b, c: (a + 1.0, b * 2, a * b, c + 1)
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
    fs = lambda x: (jnp.isnan(x), jnp.isinf(x), jnp.isfinite(x), jnp.signbit(x),
                    jnp.isposinf(x), jnp.isneginf(x))
    return fs, (x,)


@program()
def prog_logical_ops(jax, jnp):
    a, b = randb(6), randb(6, seed=1)
    fs = lambda a, b: (jnp.logical_and(a, b), jnp.logical_or(a, b), jnp.logical_not(a),
                       jnp.logical_xor(a, b), a & b, a | b, a ^ b, ~a)
    return fs, (a, b)


@program()
def prog_logical_on_numbers(jax, jnp):
    x, y = randi(6, lo=-1, hi=2), randf(6, seed=1, lo=-1, hi=1)
    return lambda x, y: (jnp.logical_and(x, y), jnp.logical_not(x), jnp.logical_or(y, 0)), (x, y)


@program()
def prog_bitwise_int32(jax, jnp):
    x = np.array([0, 1, -1, 12345, -98765, 2**31 - 1, -(2**31)], np.int32)
    y = np.array([3, 7, 255, -1, 1024, 65535, 1], np.int32)
    fs = lambda x, y: (x & y, x | y, x ^ y, ~x, jnp.bitwise_and(x, 6), jnp.invert(y),
                       jnp.bitwise_or(x, y), jnp.bitwise_xor(x, y), jnp.bitwise_not(x))
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
    fs = lambda x, s: (x << s, x >> s, jnp.left_shift(x, 2), jnp.right_shift(x, s),
                       x.astype(jnp.uint32) >> s)
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
    fs = lambda c, x, y: (jnp.where(c, x, y), jnp.where(x > 0, x, 0.0), jnp.where(c, 1, 2),
                          jnp.where(c[0], x, y[0]))
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
        c, which, x, y, z)


@program()
def prog_grad_where(jax, jnp):
    f = lambda x: jnp.sum(jnp.where(x > 0, x ** 2, jnp.sin(x)))
    return jax.grad(f), (randf(6),)


@program()
def prog_clip(jax, jnp):
    x, i = randf(3, 4, lo=-3, hi=3), randi(6)
    fs = lambda x, i: (jnp.clip(x, -1.0, 1.0), jnp.clip(x, min=0.0), jnp.clip(x, max=0.5),
                       jnp.clip(i, -2, 2), jnp.clip(x, np.float32(-0.5), np.float32(2)))
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
        x.astype(jnp.int32), x.astype(bool), x.astype(jnp.float16), i.astype(jnp.float32),
        i.astype(bool), (x > 0).astype(jnp.float32), i.astype(jnp.int8), i.astype(jnp.uint8),
        jnp.asarray(x, dtype=jnp.int16), x.astype("float32"), i.astype(float), x.astype(int),
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
        return (jnp.asarray([1, 2, 3]), jnp.asarray([1.0, 2]), jnp.array([[1, 2], [3, 4]]),
                jnp.asarray([True, False]), jnp.array(np.arange(3, dtype=np.int16)),
                jnp.asarray(5, dtype=jnp.float32))

    return f, ()


# ----------------------------------------------------------------------------------------------
# Reductions.


@program(x64=True)
def prog_reductions_axes(jax, jnp):
    x = randf(2, 3, 4)
    fs = lambda x: (jnp.sum(x), jnp.sum(x, axis=0), jnp.sum(x, axis=(0, 2)),
                    jnp.sum(x, axis=-1, keepdims=True), jnp.prod(x, axis=1), x.sum(1),
                    jnp.max(x, axis=2), jnp.min(x), x.max(axis=(0, 1), keepdims=True))
    return fs, (x,)


@program(x64=True)
def prog_reductions_int_bool(jax, jnp):
    i8, i32, b = randi(3, 4, dtype=np.int8), randi(3, 4), randb(3, 4)
    u8 = randi(3, 4, lo=0, hi=200, dtype=np.uint8)
    fs = lambda i8, i32, b, u8: (
        jnp.sum(i8), jnp.sum(i32, axis=0), jnp.sum(b), jnp.prod(i8, axis=1), jnp.max(i32),
        jnp.sum(u8), jnp.mean(i32), jnp.any(b, axis=0), jnp.all(b), jnp.any(i32 > 3),
        jnp.min(b), jnp.sum(b, axis=1, keepdims=True),
    )
    return fs, (i8, i32, b, u8)


@program(x64=True)
def prog_mean_var_std(jax, jnp):
    x = randf(3, 5)
    fs = lambda x: (jnp.mean(x), jnp.mean(x, axis=1), jnp.var(x, axis=0), jnp.std(x),
                    jnp.var(x, ddof=1), x.mean(axis=0, keepdims=True))
    return fs, (x,)


@program()
def prog_reduction_dtype_arg(jax, jnp):
    x = randi(4, 3)
    return lambda x: (jnp.sum(x, dtype=jnp.float32), jnp.mean(x, axis=0, dtype=jnp.float16)), (x,)


@program()
def prog_reductions_nan(jax, jnp):
    x = np.array([[1.0, np.nan, 3.0], [4.0, 5.0, -1.0]], np.float32)
    fs = lambda x: (jnp.max(x, axis=1), jnp.min(x, axis=0), jnp.sum(x), jnp.nansum(x),
                    jnp.nanmax(x, axis=1))
    return fs, (x,)


@program()
def prog_reductions_empty(jax, jnp):
    x = np.zeros((0, 3), np.float32)
    return lambda x: (jnp.sum(x, axis=0), jnp.prod(x, axis=0), jnp.any(x > 0)), (x,)


@program()
def prog_logsumexp_count_nonzero(jax, jnp):
    x = randf(3, 4)
    fs = lambda x: (jax.nn.logsumexp(x), jax.nn.logsumexp(x, axis=1),
                    jnp.count_nonzero(x > 0), jnp.count_nonzero(x > 0, axis=0))
    return fs, (x,)


@program()
def prog_grad_reductions(jax, jnp):
    x = randf(3, 4)
    f = lambda x: (jnp.sum(x ** 2) + jnp.prod(x, axis=0).sum() + jnp.mean(x, axis=1).sum()
                   + jnp.max(x, axis=1).sum() + jnp.min(x) + jnp.var(x))
    return jax.grad(f), (x,)


@program()
def prog_grad_max_ties(jax, jnp):
    x = np.array([[1.0, 3.0, 3.0], [2.0, 2.0, 2.0]], np.float32)
    return jax.grad(lambda x: jnp.sum(jnp.max(x, axis=1)) + jnp.min(x)), (x,)


@program(x64=True)
def prog_argmax_argmin(jax, jnp):
    x = np.array([[1.0, 3.0, 3.0, 0.0], [5.0, -1.0, 5.0, 2.0], [0.0, 0.0, 0.0, 0.0]], "f4")
    fs = lambda x: (jnp.argmax(x), jnp.argmax(x, axis=1), jnp.argmin(x, axis=0),
                    jnp.argmin(x, axis=-1, keepdims=True), x.argmax(axis=0))
    return fs, (x,)


@program()
def prog_argmax_int_nan(jax, jnp):
    i = randi(3, 5)
    x = np.array([1.0, np.nan, 3.0], np.float32)
    return lambda i, x: (jnp.argmax(i, axis=1), jnp.argmin(i), jnp.argmax(x), jnp.argmin(x)), (
        i, x)


@program(x64=True)
def prog_cumsum_cumprod(jax, jnp):
    x, i, b = randf(3, 4), randi(3, 4), randb(5)
    fs = lambda x, i, b: (jnp.cumsum(x, axis=1), jnp.cumsum(x), jnp.cumprod(x, axis=0),
                          jnp.cumsum(i, axis=0), jnp.cumsum(b), jnp.cumprod(i, axis=1),
                          jnp.cumsum(x, axis=0, dtype=jnp.int32))
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
    fs = lambda x, i: (jnp.sort(x), jnp.sort(x, axis=0), jnp.sort(i, axis=None),
                       jnp.sort(x.ravel()))
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


# ----------------------------------------------------------------------------------------------
# Shapes: broadcast, reshape, transpose, squeeze, expand_dims, concatenate, stack, split, pad,
# flip, tile, repeat.


@program(jaxpr_text=True)
def prog_broadcast_add(jax, jnp):
    return lambda x, y: x + y, (randf(3), randf(2, 3, seed=1))


@program()
def prog_broadcast_to(jax, jnp):
    x = randf(3, 1)
    fs = lambda x: (jnp.broadcast_to(x, (2, 3, 4)), jnp.broadcast_to(1.0, (2,)),
                    jnp.broadcast_arrays(x, jnp.ones(4))[0])
    return fs, (x,)


@program(jaxpr_text=True)
def prog_reshape(jax, jnp):
    return lambda x: x.reshape(2, 3), (randf(6),)


@program()
def prog_reshape_many(jax, jnp):
    x = randf(2, 3, 4)
    fs = lambda x: (jnp.reshape(x, (6, -1)), x.reshape(-1), x.ravel(), x.flatten(),
                    jnp.reshape(x, (4, 3, 2), order="F"), x.reshape((1, 24)))
    return fs, (x,)


@program()
def prog_transpose(jax, jnp):
    x = randf(2, 3, 4)
    fs = lambda x: (x.T, jnp.transpose(x, (1, 0, 2)), x.transpose(2, 0, 1),
                    jnp.moveaxis(x, 0, -1), jnp.swapaxes(x, 0, 2), x.mT)
    return fs, (x,)


@program(jaxpr_text=True)
def prog_transpose_2d(jax, jnp):
    return lambda x: x.T, (randf(2, 3),)


@program()
def prog_squeeze_expand_dims(jax, jnp):
    x = randf(1, 3, 1)
    fs = lambda x: (jnp.squeeze(x), jnp.squeeze(x, axis=0), x.squeeze(-1),
                    jnp.expand_dims(x, 1), jnp.expand_dims(x[0, :, 0], (0, 2)), x[None, ..., None])
    return fs, (x,)


@program()
def prog_atleast(jax, jnp):
    return lambda x: (jnp.atleast_1d(x), jnp.atleast_2d(x), jnp.atleast_3d(x)), (np.float32(2),)


@program()
def prog_concatenate_stack(jax, jnp):
    a, b = randf(2, 3), randf(2, 3, seed=1)
    c = randi(2, 3)
    fs = lambda a, b, c: (
        jnp.concatenate([a, b]), jnp.concatenate([a, b, a], axis=1), jnp.stack([a, b]),
        jnp.stack([a, b], axis=-1), jnp.hstack([a, b]), jnp.vstack([a, b]),
        jnp.concatenate([a, c], axis=0), jnp.column_stack([a[0], b[0]]),
        jnp.dstack([a, b]), jnp.concatenate([a, b], axis=None),
    )
    return fs, (a, b, c)


@program()
def prog_split(jax, jnp):
    x = randf(6, 4)
    fs = lambda x: (jnp.split(x, 3), jnp.split(x, [1, 4], axis=0), jnp.split(x, 2, axis=1),
                    jnp.array_split(x, 4), jnp.hsplit(x, 2), jnp.vsplit(x, [2]))
    return fs, (x,)


@program()
def prog_pad(jax, jnp):
    x, i = randf(2, 3), randi(3)
    fs = lambda x, i: (jnp.pad(x, 1), jnp.pad(x, ((0, 1), (2, 0))), jnp.pad(i, (2, 1), constant_values=7),
                       jnp.pad(x, 1, mode="edge"), jnp.pad(x, ((1, 1), (2, 2)), mode="reflect"),
                       jnp.pad(x, ((0, 0), (1, 2)), mode="wrap"))
    return fs, (x, i)


@program()
def prog_lax_pad_negative_interior(jax, jnp):
    x = randf(5)
    return lambda x: (jax.lax.pad(x, 0.0, [(1, -1, 1)]), jax.lax.pad(x, -1.0, [(-2, 2, 0)])), (x,)


@program()
def prog_flip_roll(jax, jnp):
    x = randf(3, 4)
    fs = lambda x: (jnp.flip(x), jnp.flip(x, axis=0), jnp.flip(x, (0, 1)), jnp.fliplr(x),
                    jnp.flipud(x), jnp.roll(x, 1), jnp.roll(x, -2, axis=1), jnp.rot90(x))
    return fs, (x,)


@program()
def prog_tile_repeat(jax, jnp):
    x = randf(2, 3)
    fs = lambda x: (jnp.tile(x, 2), jnp.tile(x, (2, 1, 2)), jnp.repeat(x, 2),
                    jnp.repeat(x, 3, axis=0), jnp.repeat(x, np.array([1, 0, 2]), axis=1),
                    x.repeat(2, axis=1))
    return fs, (x,)


@program()
def prog_grad_shape_ops(jax, jnp):
    w = randf(4, 6, seed=2)

    def f(x):
        y = jnp.concatenate([x, jnp.flip(x, 1)], axis=1)  # (2, 6)
        y = jnp.tile(y, (2, 1)) * w  # (4, 6)
        y = jnp.pad(y.T.reshape(3, 8), ((1, 0), (0, 1)))
        a, b = jnp.split(y, 2, axis=0)
        return jnp.sum(jnp.stack([a, b]) ** 2) + jnp.sum(jnp.repeat(x, 2, axis=0))

    return jax.grad(f), (randf(2, 3),)


@program()
def prog_jvp_shape_ops(jax, jnp):
    def f(x):
        return jnp.expand_dims(jnp.squeeze(jnp.transpose(x, (2, 0, 1))), 0) * jnp.roll(x, 1)

    x = randf(1, 3, 1)
    return lambda x, t: jax.jvp(f, (x,), (t,)), (x, randf(1, 3, 1, seed=1))


# ----------------------------------------------------------------------------------------------
# Slicing, integer-array indexing, .at[] updates.


@program()
def prog_basic_slicing(jax, jnp):
    x = randf(4, 5, 3)
    fs = lambda x: (x[1], x[1:3], x[::2], x[::-1], x[..., 0], x[:, -1], x[1, 2:, None],
                    x[-3:-1, ::-2, 1], x[None, 0], x[2, 3, 1], x[:, 1:4:2, :])
    return fs, (x,)


@program()
def prog_integer_array_indexing(jax, jnp):
    x = randf(4, 5)
    i = np.array([0, 2, 3, 2], np.int32)
    j = np.array([[1, 4], [0, 0]], np.int32)
    fs = lambda x, i, j: (x[i], x[:, i], x[i, i], x[j], x[j, 1], x[i[:2], 1:3],
                          x[np.array([-1, -2])], x[[0, 1], [2, 3]])
    return fs, (x, i, j)


@program()
def prog_indexing_out_of_bounds_clamps(jax, jnp):
    x = np.arange(4.0, dtype=np.float32)
    return lambda x, i: (x[i], jnp.take(x, i, mode="clip")), (x, np.array([5, -7, 1], np.int32))


@program()
def prog_boolean_mask_eager(jax, jnp):
    x = randf(6)
    return lambda x: (x[x > 0], x[np.array([True, False, True, False, False, True])]), (x,)


@program()
def prog_take_take_along_axis(jax, jnp):
    x = randf(3, 4)
    idx = np.array([[0, 3], [1, 1], [2, 0]], np.int32)
    fs = lambda x, idx: (jnp.take(x, np.array([2, 0]), axis=1), jnp.take_along_axis(x, idx, 1),
                         jnp.take(x, 5), jnp.take_along_axis(x, jnp.argsort(x, axis=0), axis=0))
    return fs, (x, idx)


@program()
def prog_at_updates(jax, jnp):
    x = randf(5)
    i = np.array([0, 2, 2, 4], np.int32)
    v = np.array([1.0, 2.0, 3.0, 4.0], np.float32)
    fs = lambda x, i, v: (x.at[1].set(7.0), x.at[i].add(v), x.at[i].mul(2.0),
                          x.at[i].min(v), x.at[i].max(v), x.at[1:3].set(0.0), x.at[i].get(),
                          x.at[-1].add(1), x.at[::2].multiply(3.0))
    return fs, (x, i, v)


@program()
def prog_at_updates_2d(jax, jnp):
    x = randf(3, 4)
    i = np.array([2, 0], np.int32)
    fs = lambda x, i: (x.at[i, 1].set(-1.0), x.at[:, i].add(10.0), x.at[1].set(jnp.arange(4.0)),
                       x.at[i].set(0.0), x.at[..., 0].divide(2.0), x.at[i, i].power(2.0))
    return fs, (x, i)


@program()
def prog_at_int_and_oob(jax, jnp):
    x = randi(5)
    # Out-of-bound scatter indices are dropped (the default "drop"/"promise_in_bounds" modes).
    return lambda x: (x.at[2].set(9), x.at[np.array([1, 7])].add(100), x.at[0].set(2.7)), (x,)


@program()
def prog_grad_indexing(jax, jnp):
    i = np.array([0, 2, 2, 1], np.int32)

    def f(x):
        return jnp.sum(x[i] ** 2) + jnp.sum(x[1:, ::-1] * 3.0) + x[0, 0]

    return jax.grad(f), (randf(3, 3),)


@program()
def prog_grad_at_set_add(jax, jnp):
    i = np.array([0, 2, 2], np.int32)

    def f(x, v):
        y = x.at[i].add(v * 2.0)
        z = y.at[1].set(v[0] ** 2)
        return jnp.sum(z ** 2)

    return jax.grad(f, argnums=(0, 1)), (randf(4), randf(3, seed=1))


@program()
def prog_lax_dynamic_slice_update(jax, jnp):
    x = randf(5, 4)
    lax = jax.lax
    fs = lambda x, s: (lax.dynamic_slice(x, (s, 1), (2, 2)),
                       lax.dynamic_slice(x, (4, 3), (2, 2)),  # start clamps into range
                       lax.dynamic_update_slice(x, jnp.ones((2, 2)), (s, s)),
                       lax.dynamic_slice_in_dim(x, s, 3, axis=0),
                       lax.dynamic_update_slice(x, jnp.zeros((1, 4)), (9, 0)))
    return fs, (x, np.int32(1))


@program()
def prog_grad_dynamic_slice(jax, jnp):
    lax = jax.lax
    f = lambda x, u: jnp.sum(lax.dynamic_update_slice(x, u * 3.0, (1, 1)) ** 2) + jnp.sum(
        lax.dynamic_slice(x, (2, 0), (2, 3)))
    return jax.grad(f, argnums=(0, 1)), (randf(4, 3), randf(2, 2, seed=1))


@program()
def prog_lax_slice_gather_ops(jax, jnp):
    x = randf(4, 6)
    lax = jax.lax
    fs = lambda x: (lax.slice(x, (1, 0), (3, 6), (1, 2)), lax.slice_in_dim(x, 1, 4, axis=1),
                    lax.index_in_dim(x, 2, axis=0, keepdims=False), lax.rev(x, (1,)))
    return fs, (x,)


# ----------------------------------------------------------------------------------------------
# dot / matmul / einsum / tensordot.


@program(jaxpr_text=True)
def prog_matmul_t(jax, jnp):
    return lambda x: x.T @ x, (randf(3, 2),)


@program(x64=True)
def prog_dot_matmul(jax, jnp):
    a, b, v = randf(3, 4), randf(4, 2, seed=1), randf(4, seed=2)
    fs = lambda a, b, v: (jnp.dot(a, b), a @ b, a @ v, v @ b, jnp.dot(v, v), jnp.matmul(a, b),
                          jnp.vdot(v, v), jnp.inner(v, v), jnp.outer(v, v[:2]))
    return fs, (a, b, v)


@program()
def prog_batched_matmul(jax, jnp):
    a, b, c = randf(2, 3, 4), randf(2, 4, 5, seed=1), randf(4, 5, seed=2)
    d = randf(3, 1, 2, 4, seed=3)
    return lambda a, b, c, d: (a @ b, a @ c, jnp.matmul(d, c), jnp.dot(a, c)), (a, b, c, d)


@program(x64=True)
def prog_int_matmul(jax, jnp):
    a, b, c = randi(3, 4), randi(4, 2, seed=1), randi(4, 2, seed=2, dtype=np.int8)
    bo = randb(4, 2)
    return lambda a, b, c, bo: (a @ b, a @ c, jnp.dot(a, b.astype(jnp.float32)), c.T @ c, a @ bo), (
        a, b, c, bo)


@program()
def prog_einsum(jax, jnp):
    a, b, c = randf(3, 4), randf(4, 5, seed=1), randf(2, 3, 4, seed=2)
    sq = randf(3, 3, seed=3)
    fs = lambda a, b, c, sq: (
        jnp.einsum("ij,jk->ik", a, b), jnp.einsum("bij,jk->bik", c, b),
        jnp.einsum("ii->i", sq), jnp.einsum("ii", sq), jnp.einsum("i,j->ij", a[0], b[0]),
        jnp.einsum("bij->jb", c), jnp.einsum("ij,ij->", a, a), jnp.einsum("...j,jk", c, b),
    )
    return fs, (a, b, c, sq)


@program()
def prog_tensordot(jax, jnp):
    a, b = randf(2, 3, 4), randf(3, 4, 5, seed=1)
    fs = lambda a, b: (jnp.tensordot(a, b), jnp.tensordot(a, b, axes=([1, 2], [0, 1])),
                       jnp.tensordot(a[0], b[:, 0], axes=1), jnp.tensordot(a[0, 0], b[0, 0], axes=0))
    return fs, (a, b)


@program()
def prog_lax_dot_general(jax, jnp):
    a, b = randf(2, 3, 4), randf(2, 4, 5, seed=1)
    dn = (((2,), (1,)), ((0,), (0,)))
    fs = lambda a, b: (jax.lax.dot_general(a, b, dn),
                       jax.lax.dot_general(a, b, dn, preferred_element_type=np.float32),
                       jax.lax.dot(a[0], b[0]))
    return fs, (a, b)


@program()
def prog_grad_matmul_einsum(jax, jnp):
    def f(a, b):
        return jnp.sum((a @ b) ** 2) + jnp.einsum("ij,jk,ik->", a, b, a @ b) + jnp.trace(a @ a.T)

    return jax.grad(f, argnums=(0, 1)), (randf(3, 4), randf(4, 3, seed=1))


@program()
def prog_grad_batched_matmul(jax, jnp):
    f = lambda a, b: jnp.sum(jnp.tanh(a @ b))
    return jax.grad(f, argnums=(0, 1)), (randf(2, 3, 4), randf(4, 2, seed=1))


# ----------------------------------------------------------------------------------------------
# Creation: iota / arange / linspace / eye / zeros / full / tri.


@program(x64=True)
def prog_arange(jax, jnp):
    def f():
        return (jnp.arange(5), jnp.arange(1, 10, 2), jnp.arange(0.0, 1.0, 0.25),
                jnp.arange(5, dtype=jnp.float32), jnp.arange(10, 0, -3), jnp.arange(2.5),
                jnp.arange(np.int16(4)), jnp.arange(0, 5, dtype=jnp.uint8))

    return f, ()


@program(x64=True)
def prog_linspace(jax, jnp):
    def f():
        return (jnp.linspace(0, 1, 5), jnp.linspace(0.0, 1.0, 4, endpoint=False),
                jnp.linspace(-1, 1, 1), jnp.linspace(0, 10, 6, dtype=jnp.int32),
                jnp.linspace(np.zeros(2), np.ones(2), 3))

    return f, ()


@program(x64=True)
def prog_eye_identity_tri(jax, jnp):
    def f():
        return (jnp.eye(3), jnp.eye(3, 4, k=1), jnp.eye(2, dtype=jnp.int32), jnp.identity(3),
                jnp.tri(3), jnp.tri(3, 4, k=-1, dtype=bool))

    return f, ()


@program(x64=True)
def prog_zeros_ones_full(jax, jnp):
    x = randi(2, 3)

    def f(x):
        return (jnp.zeros(3), jnp.ones((2, 2), dtype=jnp.int32), jnp.full((2,), 7),
                jnp.full((2, 2), 1.5, dtype=jnp.float16), jnp.zeros_like(x), jnp.ones_like(x, float),
                jnp.full_like(x, 2.5), jnp.empty((0,)), jnp.zeros((2,), bool))

    return f, (x,)


@program()
def prog_tril_triu(jax, jnp):
    x = randf(3, 4)
    return lambda x: (jnp.tril(x), jnp.triu(x, 1), jnp.tril(x, -1), jnp.diag(x), jnp.diag(x[0])), (
        x,)


@program(x64=True)
def prog_lax_iota(jax, jnp):
    lax = jax.lax
    return lambda: (lax.iota(np.int32, 4), lax.iota(np.float32, 3), lax.broadcasted_iota(
        np.int32, (2, 3), 1)), ()


# ----------------------------------------------------------------------------------------------
# lax-level operations called directly.


@program()
def prog_lax_elementwise(jax, jnp):
    x, y = randf(4), randf(4, seed=1)
    lax = jax.lax
    fs = lambda x, y: (lax.add(x, y), lax.sub(x, y), lax.mul(x, 2.0), lax.div(x, y),
                       lax.max(x, y), lax.neg(x), lax.integer_pow(x, 3), lax.square(x),
                       lax.pow(jnp.abs(x), y), lax.rem(x, y), lax.sign(x), lax.abs(x),
                       lax.atan2(x, y), lax.exp2(x), lax.nextafter(x, y))
    return fs, (x, y)


@program()
def prog_lax_int_div_rem(jax, jnp):
    x = np.array([7, -7, 7, -7], np.int32)
    y = np.array([2, 2, -2, -2], np.int32)
    return lambda x, y: (jax.lax.div(x, y), jax.lax.rem(x, y)), (x, y)


@program()
def prog_lax_broadcast_reshape(jax, jnp):
    x = randf(3)
    lax = jax.lax
    fs = lambda x: (lax.broadcast_in_dim(x, (2, 3), (1,)), lax.broadcast(x, (2,)),
                    lax.reshape(x, (3, 1)), lax.expand_dims(x, (0,)), lax.squeeze(x[None], (0,)),
                    lax.transpose(lax.broadcast(x, (2,)), (1, 0)), lax.concatenate([x, x], 0))
    return fs, (x,)


@program()
def prog_lax_reductions(jax, jnp):
    x = randf(3, 4)
    lax = jax.lax
    fs = lambda x: (lax.reduce_sum(x, (0,)), lax.reduce_max(x, (1,)), lax.reduce_min(x, (0, 1)),
                    lax.reduce_prod(x, (1,)), lax.argmax(x, 1, np.int32),
                    lax.argmin(x, 0, np.int32), lax.reduce_and(x > 0, (1,)),
                    lax.reduce_or(x > 0, (0,)))
    return fs, (x,)


@program()
def prog_lax_sort_multi(jax, jnp):
    k = np.array([3, 1, 2, 1, 0], np.int32)
    v = randf(5)
    return lambda k, v: (jax.lax.sort(v), jax.lax.sort((k, v), num_keys=1),
                         jax.lax.sort_key_val(k, v)), (k, v)


@program()
def prog_lax_clamp_select(jax, jnp):
    x = randf(5)
    return lambda x: (jax.lax.clamp(-0.5, x, 0.5), jax.lax.clamp(np.float32(0), x, np.float32(1))), (
        x,)


@program()
def prog_stop_gradient(jax, jnp):
    f = lambda x: jnp.sum(x * jax.lax.stop_gradient(x) + jax.lax.stop_gradient(x ** 2))
    return lambda x: (f(x), jax.grad(f)(x)), (randf(3),)


# ----------------------------------------------------------------------------------------------
# nn functions.


@program()
def prog_nn_activations(jax, jnp):
    x = randf(3, 4, lo=-4, hi=4)
    nn = jax.nn
    fs = lambda x: (nn.relu(x), nn.sigmoid(x), nn.softplus(x), nn.silu(x), nn.gelu(x),
                    nn.gelu(x, approximate=False), nn.elu(x), nn.leaky_relu(x),
                    nn.relu6(x * 2), nn.hard_tanh(x), nn.log_sigmoid(x), nn.swish(x),
                    nn.soft_sign(x), nn.celu(x), nn.selu(x))
    return fs, (x,)


@program()
def prog_nn_softmax(jax, jnp):
    x = randf(3, 4, lo=-4, hi=4)
    nn = jax.nn
    fs = lambda x: (nn.softmax(x), nn.softmax(x, axis=0), nn.log_softmax(x),
                    nn.log_softmax(x, axis=(0, 1)), nn.standardize(x, axis=-1))
    return fs, (x,)


@program()
def prog_nn_one_hot(jax, jnp):
    i = np.array([0, 2, 1, 5, -1], np.int32)
    nn = jax.nn
    return lambda i: (nn.one_hot(i, 3), nn.one_hot(i, 4, dtype=jnp.int32), nn.one_hot(i[:2], 3,
                                                                                      axis=0)), (i,)


@program()
def prog_softmax_grad(jax, jnp):
    return jax.grad(lambda x: jnp.sum(jax.nn.softmax(x) ** 2)), (np.arange(4.0, dtype=np.float32),)


@program()
def prog_grad_nn_activations(jax, jnp):
    nn = jax.nn

    def f(x):
        return jnp.sum(nn.relu(x) + nn.sigmoid(x) + nn.softplus(x) + nn.gelu(x) + nn.elu(x)
                       + nn.silu(x) + nn.leaky_relu(x) + nn.log_sigmoid(x))

    return jax.grad(f), (randf(7, lo=-4, hi=4),)


@program()
def prog_grad_log_softmax_logsumexp(jax, jnp):
    labels = np.array([1, 0, 3], np.int32)

    def loss(logits):
        lp = jax.nn.log_softmax(logits)
        return -jnp.mean(jnp.sum(jax.nn.one_hot(labels, 4) * lp, axis=-1)) + jax.nn.logsumexp(
            logits)

    return jax.value_and_grad(loss), (randf(3, 4),)


@program()
def prog_softmax_extreme(jax, jnp):
    x = np.array([[1000.0, 0.0, -1000.0], [-np.inf, 0.0, 1.0]], np.float32)
    return lambda x: (jax.nn.softmax(x), jax.nn.log_softmax(x), jax.nn.logsumexp(x, axis=1)), (x,)


# ----------------------------------------------------------------------------------------------
# Forward mode: jvp, linearize.


@program()
def prog_jvp_sin_mul(jax, jnp):
    f = lambda x: jnp.sin(x) * x
    return lambda x, t: jax.jvp(f, (x,), (t,)), (randf(4), randf(4, seed=1))


@program()
def prog_jvp_two_args(jax, jnp):
    f = lambda x, y: (x * y, jnp.exp(x) / y)
    x, y = randf(3), randf(3, seed=1, lo=1, hi=2)
    return lambda x, y, tx, ty: jax.jvp(f, (x, y), (tx, ty)), (x, y, randf(3, seed=2),
                                                               randf(3, seed=3))


@program()
def prog_jvp_pytree(jax, jnp):
    def f(p):
        return {"out": p["w"] @ p["x"], "norm": jnp.sum(p["x"] ** 2)}

    p = {"w": randf(2, 3), "x": randf(3, seed=1)}
    t = {"w": randf(2, 3, seed=2), "x": randf(3, seed=3)}
    return lambda p, t: jax.jvp(f, (p,), (t,)), (p, t)


@program()
def prog_jvp_has_aux(jax, jnp):
    f = lambda x: (jnp.tanh(x), {"aux": x * 2})
    return lambda x: jax.jvp(f, (x,), (jnp.ones_like(x),), has_aux=True), (randf(3),)


@program(x64=True)
def prog_jvp_scalar_python(jax, jnp):
    return lambda: jax.jvp(lambda x: x ** 3 + jnp.sin(x), (2.0,), (1.0,)), ()


@program()
def prog_jvp_int_primal_float0(jax, jnp):
    def f(x, n):
        return x * n

    def run(x):
        n = np.array([1, 2, 3], np.int32)
        t0 = np.zeros((3,), dtype=jax.dtypes.float0)
        return jax.jvp(f, (x, n), (jnp.ones_like(x), t0))

    return run, (randf(3),)


@program()
def prog_linearize(jax, jnp):
    f = lambda x: jnp.sin(x) * jnp.cos(x) + x ** 2

    def run(x, t1, t2):
        y, f_jvp = jax.linearize(f, x)
        return y, f_jvp(t1), f_jvp(t2)

    return run, (randf(4), randf(4, seed=1), randf(4, seed=2))


@program()
def prog_linearize_two_args(jax, jnp):
    f = lambda x, y: jnp.sum(x * y) + jnp.tanh(x)

    def run(x, y):
        out, f_jvp = jax.linearize(f, x, y)
        return out, f_jvp(jnp.ones_like(x), jnp.zeros_like(y) + 2.0)

    return run, (randf(3), randf(3, seed=1))


# ----------------------------------------------------------------------------------------------
# Reverse mode: grad, value_and_grad, vjp, higher order.


@program(x64=True)
def prog_grad_simple(jax, jnp):
    return jax.grad(lambda x: jnp.sum(jnp.sin(x) * x ** 2)), (randf(5),)


@program(x64=True)
def prog_grad_python_scalar(jax, jnp):
    return lambda x: (jax.grad(lambda x: x * x)(x), jax.grad(jnp.exp)(x)), (3.0,)


@program()
def prog_grad_argnums(jax, jnp):
    f = lambda x, y, z: jnp.sum(x * y ** 2 + z)
    args = (randf(3), randf(3, seed=1), randf(3, seed=2))
    return lambda *a: (jax.grad(f, argnums=1)(*a), jax.grad(f, argnums=(0, 2))(*a)), args


@program()
def prog_grad_pytree_mlp(jax, jnp):
    params = {
        "w1": randf(3, 4, seed=1), "b1": randf(4, seed=2),
        "w2": randf(4, 2, seed=3), "b2": randf(2, seed=4),
    }
    x, y = randf(5, 3, seed=5), randf(5, 2, seed=6)

    def loss(p, x, y):
        h = jnp.tanh(x @ p["w1"] + p["b1"])
        return jnp.mean((h @ p["w2"] + p["b2"] - y) ** 2)

    return jax.grad(loss), (params, x, y)


@program()
def prog_sgd_step_tree_map(jax, jnp):
    params = [randf(3, 2, seed=1), (randf(2, seed=2), randf(2, seed=3))]
    x = randf(4, 3, seed=4)

    def loss(p):
        w, (b, c) = p
        return jnp.sum(jnp.sin(x @ w + b) * c)

    def step(p):
        g = jax.grad(loss)(p)
        return jax.tree_util.tree_map(lambda a, b: a - 0.1 * b, p, g)

    return step, (params,)


@program()
def prog_grad_has_aux(jax, jnp):
    f = lambda x: (jnp.sum(x ** 2), {"mean": jnp.mean(x), "n": x.shape[0]})
    return jax.grad(f, has_aux=True), (randf(4),)


@program()
def prog_value_and_grad(jax, jnp):
    f = lambda x, y: jnp.sum(jnp.exp(x) * y)
    return jax.value_and_grad(f, argnums=(0, 1)), (randf(3), randf(3, seed=1))


@program()
def prog_value_and_grad_has_aux(jax, jnp):
    f = lambda x: (jnp.sum(jnp.tanh(x)), x * 2)
    return jax.value_and_grad(f, has_aux=True), (randf(3),)


@program()
def prog_grad_allow_int_float0(jax, jnp):
    f = lambda x, n: x * n
    return jax.grad(f, argnums=(0, 1), allow_int=True), (2.0, 3)


@program()
def prog_vjp_basic(jax, jnp):
    f = lambda x: jnp.sin(x) * x

    def run(x, ct):
        y, pullback = jax.vjp(f, x)
        return y, pullback(ct)

    return run, (randf(4), randf(4, seed=1))


@program()
def prog_vjp_multi_out_pytree(jax, jnp):
    def f(x, y):
        return {"a": x * y, "b": (jnp.sum(x), y ** 2)}

    def run(x, y):
        out, pullback = jax.vjp(f, x, y)
        ct = {"a": jnp.ones(3), "b": (2.0 * jnp.ones(()), jnp.arange(3.0))}
        return out, pullback(ct)

    return run, (randf(3), randf(3, seed=1))


@program()
def prog_vjp_has_aux(jax, jnp):
    def run(x):
        y, pb, aux = jax.vjp(lambda x: (jnp.cos(x), x + 1), x, has_aux=True)
        return y, pb(jnp.ones_like(y)), aux

    return run, (randf(3),)


@program()
def prog_vjp_twice(jax, jnp):
    def run(x):
        _, pb = jax.vjp(lambda x: jnp.exp(x) * 2.0, x)
        return pb(jnp.ones(3)), pb(jnp.arange(3.0))

    return run, (randf(3),)


@program(x64=True)
def prog_grad_of_grad(jax, jnp):
    f = lambda x: jnp.sin(x) * x ** 3
    return lambda x: (jax.grad(jax.grad(f))(x), jax.grad(jax.grad(jax.grad(f)))(x)), (
        np.float32(0.7),)


@program()
def prog_grad_of_grad_tanh(jax, jnp):
    g2 = jax.grad(jax.grad(lambda x: jnp.tanh(x) * jnp.exp(-x)))
    return jax.vmap(g2), (randf(5),)


@program()
def prog_grad_of_vjp(jax, jnp):
    def f(x):
        _, pb = jax.vjp(jnp.sin, x)
        return jnp.sum(pb(x)[0] ** 2)

    return jax.grad(f), (randf(3),)


@program()
def prog_jvp_of_grad(jax, jnp):
    g = jax.grad(lambda x: jnp.sum(jnp.exp(x) * jnp.sin(x)))
    return lambda x, t: jax.jvp(g, (x,), (t,)), (randf(3), randf(3, seed=1))


@program()
def prog_jacfwd(jax, jnp):
    f = lambda x: jnp.sin(x) * jnp.sum(x)
    return jax.jacfwd(f), (randf(3),)


@program()
def prog_jacrev(jax, jnp):
    f = lambda x: jnp.sin(x) * jnp.sum(x)
    return jax.jacrev(f), (randf(3),)


@program(x64=True)
def prog_jacobians_matrix_input(jax, jnp):
    f = lambda x: x @ x.T + jnp.eye(2)
    x = randf(2, 3)
    return lambda x: (jax.jacfwd(f)(x), jax.jacrev(f)(x)), (x,)


@program()
def prog_jacobians_argnums_pytree(jax, jnp):
    f = lambda x, y: {"p": x * y[0], "q": jnp.sum(x) + y[1]}
    args = (randf(2), (randf(2, seed=1), np.float32(3.0)))
    return lambda x, y: (jax.jacfwd(f, argnums=(0, 1))(x, y), jax.jacrev(f, argnums=1)(x, y)), args


@program()
def prog_jacrev_scalar_out(jax, jnp):
    return jax.jacrev(lambda x: jnp.sum(x ** 3)), (randf(4),)


@program(x64=True)
def prog_hessian(jax, jnp):
    f = lambda x: jnp.sum(jnp.sin(x) * x[::-1] ** 2)
    return jax.hessian(f), (randf(3),)


@program()
def prog_hessian_matrix(jax, jnp):
    f = lambda w: jnp.sum(jnp.tanh(w @ np.arange(3.0, dtype=np.float32)))
    return jax.hessian(f), (randf(2, 3),)


@program()
def prog_jacfwd_of_jacrev(jax, jnp):
    f = lambda x: jnp.prod(x) + jnp.sum(x ** 3)
    return jax.jacfwd(jax.jacrev(f)), (randf(3),)


# ----------------------------------------------------------------------------------------------
# vmap.


@program(x64=True)
def prog_vmap_axis0(jax, jnp):
    f = lambda x: jnp.sum(x ** 2) * x
    return jax.vmap(f), (randf(4, 3),)


@program()
def prog_vmap_axis1(jax, jnp):
    f = lambda x, y: jnp.dot(x, y)
    return jax.vmap(f, in_axes=(1, None)), (randf(3, 5), randf(3, seed=1))


@program()
def prog_vmap_out_axes(jax, jnp):
    f = lambda x: (x * 2, jnp.sum(x))
    return jax.vmap(f, in_axes=1, out_axes=(1, 0)), (randf(3, 4),)


@program()
def prog_vmap_none_and_scalar(jax, jnp):
    f = lambda x, s, c: x * s + c
    return jax.vmap(f, in_axes=(0, 0, None)), (randf(4, 2), randf(4, seed=1), 3.0)


@program()
def prog_vmap_nested(jax, jnp):
    f = lambda x, y: jnp.sum(x * y)
    g = jax.vmap(jax.vmap(f, in_axes=(None, 0)), in_axes=(0, None))  # pairwise table
    return g, (randf(3, 4), randf(5, 4, seed=1))


@program()
def prog_vmap_nested_axes(jax, jnp):
    f = lambda x: jnp.max(x) - x
    return jax.vmap(jax.vmap(f, in_axes=1, out_axes=1), in_axes=2, out_axes=0), (randf(2, 3, 4),)


@program()
def prog_vmap_pytree(jax, jnp):
    def f(p):
        return {"s": p["a"] + p["b"][0], "t": p["b"][1] * 2}

    p = {"a": randf(4, 2), "b": (randf(4, 2, seed=1), randf(4, seed=2))}
    return jax.vmap(f, in_axes=({"a": 0, "b": (0, 0)},)), (p,)


@program()
def prog_vmap_matmul_einsum(jax, jnp):
    a, b = randf(5, 2, 3), randf(3, 4, seed=1)
    fs = lambda a, b: (jax.vmap(jnp.matmul, (0, None))(a, b),
                       jax.vmap(lambda m: jnp.einsum("ij,jk->ik", m, b))(a),
                       jax.vmap(jnp.matmul, (None, 2), 2)(a[0], jnp.stack([b, b], axis=2)))
    return fs, (a, b)


@program()
def prog_vmap_indexing(jax, jnp):
    x = randf(4, 6)
    i = np.array([0, 5, 2, 3], np.int32)
    fs = lambda x, i: (jax.vmap(lambda r, j: r[j])(x, i), jax.vmap(lambda r: r[1:4:2])(x),
                       jax.vmap(lambda r, j: r.at[j].set(0.0))(x, i),
                       jax.vmap(lambda j: x[j], in_axes=0)(i),
                       jax.vmap(lambda r, j: jax.lax.dynamic_slice(r, (j,), (2,)))(x, i))
    return fs, (x, i)


@program()
def prog_vmap_reductions_sort(jax, jnp):
    x = randf(3, 5)
    fs = lambda x: (jax.vmap(jnp.sum)(x), jax.vmap(jnp.argmax, in_axes=1)(x),
                    jax.vmap(jnp.sort)(x), jax.vmap(jnp.cumsum, in_axes=1, out_axes=1)(x),
                    jax.vmap(lambda r: jnp.mean(r, keepdims=True))(x),
                    jax.vmap(jax.nn.softmax)(x))
    return fs, (x,)


@program()
def prog_vmap_shape_ops(jax, jnp):
    x = randf(3, 2, 4)
    fs = lambda x: (jax.vmap(lambda r: r.T)(x), jax.vmap(lambda r: r.reshape(8))(x),
                    jax.vmap(lambda r: jnp.concatenate([r, r], 0), in_axes=2)(x),
                    jax.vmap(lambda r: jnp.pad(r, 1))(x), jax.vmap(jnp.flip)(x),
                    jax.vmap(lambda r: jnp.broadcast_to(r[0], (3, 4)))(x),
                    jax.vmap(lambda r: jnp.stack([r, r * 2]), in_axes=1, out_axes=2)(x))
    return fs, (x,)


@program()
def prog_vmap_where_clip_cond_values(jax, jnp):
    x, c = randf(4, 3), randb(4)
    f = lambda r, c: jnp.where(c, jnp.clip(r, -0.5, 0.5), -r)
    return jax.vmap(f), (x, c)


@program()
def prog_vmap_axis_size_none_inputs(jax, jnp):
    f = lambda x: x + 1.0
    return lambda x: jax.vmap(lambda _: f(x), in_axes=0)(jnp.arange(3)), (randf(2),)


@program()
def prog_vmap_creation_inside(jax, jnp):
    f = lambda x: x * jnp.arange(3.0) + jnp.ones(3) + jnp.eye(3)[0]
    return jax.vmap(f), (randf(4, 3),)


# ----------------------------------------------------------------------------------------------
# jit and composites.


@program(x64=True)
def prog_jit_simple(jax, jnp):
    return jax.jit(lambda x, y: jnp.sin(x) * y + 1.0), (randf(3), randf(3, seed=1))


@program()
def prog_jit_static_argnums(jax, jnp):
    f = jax.jit(lambda x, n: jnp.sum(x ** n, axis=0), static_argnums=1)
    return lambda x: (f(x, 2), f(x, 3)), (randf(3, 2),)


@program()
def prog_jit_pytree_io(jax, jnp):
    @jax.jit
    def f(p):
        return {"y": p["a"] @ p["b"], "z": (p["a"].sum(), None)}

    return f, ({"a": randf(2, 3), "b": randf(3, 2, seed=1)},)


@program(x64=True)
def prog_jit_weak_scalars(jax, jnp):
    f = jax.jit(lambda x, y: (x + y, x * 2, y + 1))
    return lambda: (f(1.0, 2), f(np.float32(1), 2.5), f(3, 4)), ()


@program()
def prog_jit_int_ops(jax, jnp):
    f = jax.jit(lambda x: (x // 3, x % 3, x >> 1, jnp.argsort(x), jnp.cumsum(x)))
    return f, (randi(7, lo=-10, hi=10),)


@program()
def prog_jit_nested(jax, jnp):
    inner = jax.jit(lambda x: jnp.exp(x) - 1.0)
    outer = jax.jit(lambda x: inner(x) * inner(2 * x))
    return outer, (randf(4),)


@program()
def prog_jit_closure_constants(jax, jnp):
    w = randf(3, 3, seed=7)
    return jax.jit(lambda x: jnp.tanh(x @ w) + w[0]), (randf(2, 3),)


@program()
def prog_jit_indexing_scatter(jax, jnp):
    f = jax.jit(lambda x, i: (x[i], x.at[i].add(1.0), x[1:, ::2]))
    return f, (randf(4, 4), np.array([3, 0, 3], np.int32))


@program()
def prog_jit_of_grad(jax, jnp):
    return jax.jit(jax.grad(lambda x: jnp.sum(jnp.tanh(x) ** 2))), (randf(5),)


@program()
def prog_grad_of_jit(jax, jnp):
    f = jax.jit(lambda x: jnp.sum(jnp.sin(x) * jnp.cos(x)))
    return jax.grad(f), (randf(5),)


@program()
def prog_grad_of_jit_multi(jax, jnp):
    f = jax.jit(lambda x, y: (jnp.sum(x * y), x - y))
    return jax.grad(lambda x, y: f(x, y)[0] + jnp.sum(f(x, y)[1] ** 2), argnums=(0, 1)), (
        randf(3), randf(3, seed=1))


@program()
def prog_vmap_of_grad(jax, jnp):
    f = lambda w, x: jnp.sum(jnp.tanh(w * x)) ** 2
    return jax.vmap(jax.grad(f), in_axes=(None, 0)), (randf(3), randf(4, 3, seed=1))


@program()
def prog_grad_of_vmap_summed(jax, jnp):
    f = lambda x: jnp.sin(x) @ x
    return jax.grad(lambda xs: jnp.sum(jax.vmap(f)(xs))), (randf(4, 3),)


@program()
def prog_jit_vmap_grad(jax, jnp):
    f = lambda w, x, y: (jnp.dot(w, x) - y) ** 2
    per_example = jax.jit(jax.vmap(jax.grad(f), in_axes=(None, 0, 0)))
    return per_example, (randf(3), randf(5, 3, seed=1), randf(5, seed=2))


@program()
def prog_vmap_of_jit(jax, jnp):
    f = jax.jit(lambda x: jnp.sum(x ** 2) - x)
    return jax.vmap(f, in_axes=1), (randf(3, 4),)


@program()
def prog_jvp_of_vmap(jax, jnp):
    f = jax.vmap(lambda x: jnp.sin(x) * jnp.sum(x))
    return lambda x, t: jax.jvp(f, (x,), (t,)), (randf(2, 3), randf(2, 3, seed=1))


@program()
def prog_vmap_of_jvp(jax, jnp):
    f = lambda x: jnp.exp(x) * x
    g = lambda x, t: jax.jvp(f, (x,), (t,))
    return jax.vmap(g), (randf(4, 2), randf(4, 2, seed=1))


@program()
def prog_vmap_of_jacfwd_jacrev(jax, jnp):
    f = lambda x: jnp.tanh(x) * x[0]
    return lambda xs: (jax.vmap(jax.jacfwd(f))(xs), jax.vmap(jax.jacrev(f))(xs)), (randf(3, 2),)


@program()
def prog_jit_hessian(jax, jnp):
    f = lambda x: jnp.sum(jnp.exp(x) * x[::-1])
    return jax.jit(jax.hessian(f)), (randf(3),)


@program()
def prog_jacrev_of_jit(jax, jnp):
    return jax.jacrev(jax.jit(lambda x: jnp.cumsum(x) * x)), (randf(3),)


@program()
def prog_jit_value_and_grad_mlp(jax, jnp):
    params = (randf(3, 4, seed=1), randf(4, seed=2))
    x = randf(6, 3, seed=3)

    @jax.jit
    def step(p):
        def loss(p):
            w, b = p
            return jnp.mean(jax.nn.relu(x @ w + b) ** 2)

        val, g = jax.value_and_grad(loss)(p)
        return val, jax.tree_util.tree_map(lambda a, b: a - 0.5 * b, p, g)

    return step, (params,)


@program()
def prog_jit_linearize(jax, jnp):
    f = jax.jit(lambda x: jnp.sin(x) ** 2)

    def run(x):
        y, f_jvp = jax.linearize(f, x)
        return y, f_jvp(jnp.ones_like(x))

    return run, (randf(3),)


# ----------------------------------------------------------------------------------------------
# checkpoint / remat.


@program()
def prog_checkpoint_grad(jax, jnp):
    g = jax.checkpoint(lambda x: jnp.sin(jnp.sin(x)) * x)
    return jax.grad(lambda x: jnp.sum(g(x))), (randf(4),)


@program()
def prog_checkpoint_value_and_vmap(jax, jnp):
    g = jax.checkpoint(lambda w, x: jnp.tanh(x @ w))
    loss = lambda w, xs: jnp.sum(jax.vmap(g, in_axes=(None, 0))(w, xs) ** 2)
    return jax.value_and_grad(loss), (randf(3, 2), randf(4, 3, seed=1))


@program()
def prog_checkpoint_nested_jit(jax, jnp):
    g = jax.checkpoint(jax.jit(lambda x: jnp.exp(jnp.cos(x))))
    return jax.jit(jax.grad(lambda x: jnp.sum(g(g(x))))), (randf(3),)


@program()
def prog_remat_hessian(jax, jnp):
    g = jax.remat(lambda x: jnp.sum(jnp.sin(x) ** 3))
    return jax.hessian(g), (randf(2),)


# ----------------------------------------------------------------------------------------------
# make_jaxpr (avals only) and eval_shape.


@program()
def prog_make_jaxpr_shapes(jax, jnp):
    f = lambda x, y: (x @ y, jnp.sum(x, axis=0), (x > 0).astype(jnp.int32))
    return jax.make_jaxpr(f), (randf(2, 3), randf(3, 4, seed=1))


@program()
def prog_make_jaxpr_grad_shapes(jax, jnp):
    f = jax.grad(lambda p: jnp.sum(p["w"] ** 2) + p["b"], argnums=0)
    return jax.make_jaxpr(f), ({"w": randf(2, 2), "b": np.float32(1.0)},)


@program()
def prog_make_jaxpr_weak_scalars(jax, jnp):
    return jax.make_jaxpr(lambda x, n: (x * 2.0, n + 1, x * n)), (1.5, 3)


@program(x64=True)
def prog_make_jaxpr_vmap_shapes(jax, jnp):
    f = jax.vmap(lambda x: (jnp.argmax(x), jnp.cumsum(x)), in_axes=1)
    return jax.make_jaxpr(f), (randf(3, 5),)


@program()
def prog_eval_shape(jax, jnp):
    f = lambda x, y: {"a": x @ y, "b": jnp.sum(y, axis=1).astype(jnp.int8)}
    return lambda x, y: jax.eval_shape(f, x, y), (randf(2, 3), randf(3, 4, seed=1))


# ----------------------------------------------------------------------------------------------
# Printed jaxprs must match for these (compared as text as well as run).


@program(jaxpr_text=True)
def prog_sin_only(jax, jnp):
    return jnp.sin, (randf(3),)


@program(jaxpr_text=True)
def prog_sin_times_literal(jax, jnp):
    return lambda x: jnp.sin(x) * 2.0, (randf(3),)


@program(jaxpr_text=True)
def prog_exp_minus_log(jax, jnp):
    return lambda x: jnp.exp(x) - jnp.log(x), (randf(3, lo=0.5, hi=2),)


@program(jaxpr_text=True)
def prog_sum_axis0(jax, jnp):
    return lambda x: jnp.sum(x, axis=0), (randf(3, 2),)


@program(jaxpr_text=True)
def prog_grad_sin_jaxpr(jax, jnp):
    return jax.grad(jnp.sin), (np.float32(1.0),)


@program(jaxpr_text=True)
def prog_cos_tanh_chain(jax, jnp):
    return lambda x: jnp.tanh(jnp.cos(x)) + x, (randf(2, 2),)


# ----------------------------------------------------------------------------------------------
# Control flow and custom derivatives.


@program()
def prog_lax_cond(jax, jnp):
    f = lambda p, x: jax.lax.cond(p, lambda x: jnp.sin(x), lambda x: x * 2.0, x)
    return lambda x: (f(True, x), f(False, x), jax.grad(lambda x: jnp.sum(f(True, x)))(x)), (
        randf(3),)


@program()
def prog_lax_fori_while(jax, jnp):
    def f(x):
        a = jax.lax.fori_loop(0, 5, lambda i, c: c * 1.5 + i, x)
        b = jax.lax.while_loop(lambda c: c[0] < 10, lambda c: (c[0] + 3, c[1] * 2.0), (0, x))
        return a, b

    return f, (randf(2),)


@program()
def prog_lax_scan(jax, jnp):
    def f(c, xs):
        return jax.lax.scan(lambda c, x: (c * 0.9 + x, jnp.sin(c)), c, xs)

    return f, (np.float32(1.0), randf(5, 2, seed=1)[:, 0])


@program()
def prog_grad_scan(jax, jnp):
    def loss(w, xs):
        c, ys = jax.lax.scan(lambda c, x: (jnp.tanh(c * w + x), c), 0.0, xs)
        return c + jnp.sum(ys)

    return jax.grad(loss), (np.float32(0.5), randf(6))


@program()
def prog_custom_jvp(jax, jnp):
    @jax.custom_jvp
    def f(x):
        return jnp.log1p(jnp.exp(x))

    @f.defjvp
    def f_jvp(primals, tangents):
        (x,), (t,) = primals, tangents
        return f(x), t * jax.nn.sigmoid(x)

    return lambda x: (f(x), jax.grad(lambda x: jnp.sum(f(x)))(x), jax.vmap(jax.grad(f))(x)), (
        randf(4),)


@program()
def prog_custom_vjp(jax, jnp):
    @jax.custom_vjp
    def clip_grad(x):
        return x

    def fwd(x):
        return x, None

    def bwd(_, g):
        return (jnp.clip(g, -0.1, 0.1),)

    clip_grad.defvjp(fwd, bwd)
    return lambda x: (clip_grad(x), jax.grad(lambda x: jnp.sum(clip_grad(x) ** 2))(x)), (randf(4),)


# ----------------------------------------------------------------------------------------------
# Assorted jnp utilities commonly used in models.


@program()
def prog_misc_jnp(jax, jnp):
    x = randf(3, 4)
    fs = lambda x: (jnp.abs(x).max(), jnp.linalg.norm(x), jnp.linalg.norm(x, axis=1),
                    jnp.trace(x), jnp.diagonal(x), jnp.sign(x) * jnp.sqrt(jnp.abs(x)),
                    jnp.allclose(x, x), jnp.array_equal(x, x + 0), jnp.isclose(x, x + 1e-9),
                    jnp.shape(x), jnp.ndim(x), jnp.size(x))
    return fs, (x,)


@program()
def prog_array_methods(jax, jnp):
    x = randf(2, 3)
    fs = lambda x: (x.sum(), x.mean(axis=0), x.std(), x.min(1), x.argmin(), x.prod(), x.cumsum(),
                    x.clip(0, 1), x.round(1), x.astype(jnp.int32).max(), x.squeeze(),
                    x.swapaxes(0, 1), x.any(), x.all(axis=1), x.conj(), x.real, abs(x), x.ravel(),
                    x.dot(x.T), x.reshape(3, 2).T.shape, x.size, x.ndim, x.dtype == np.float32)
    return fs, (x,)


@program()
def prog_operator_overloads(jax, jnp):
    x, i = randf(4), randi(4, lo=1, hi=5)
    fs = lambda x, i: (1.0 - x, 2 / x, 3 ** i, -x, +x, abs(-x), x @ x, 2 * i, i // 2, 7 % i,
                       x ** i, i << 1, i & 3, 5 | i, x.__rtruediv__(1.0), divmod(i, 3))
    return fs, (x, i)


@program()
def prog_meshgrid_outer_ops(jax, jnp):
    a, b = randf(3), randf(2, seed=1)
    fs = lambda a, b: (jnp.meshgrid(a, b), jnp.meshgrid(a, b, indexing="ij"),
                       jnp.add.outer(a, b),
                       jnp.ix_(np.arange(2), np.arange(3))[0])
    return fs, (a, b)


@program()
def prog_unique_free_ops(jax, jnp):
    x = randf(3, 4)
    fs = lambda x: (jnp.maximum.reduce(x, axis=0),
                    jnp.diff(x), jnp.diff(x, axis=0), jnp.cross(x[:, :3], x[:, 1:]),
                    jnp.kron(x[:2, :2], jnp.eye(2)), jnp.polyval(np.array([1.0, 2.0, 3.0]), x))
    return fs, (x,)


@program()
def prog_interp_searchsorted(jax, jnp):
    xp = np.array([0.0, 1.0, 2.0, 4.0], np.float32)
    fp = np.array([1.0, 3.0, 2.0, 0.0], np.float32)
    x = np.array([-1.0, 0.5, 1.5, 3.0, 5.0], np.float32)
    fs = lambda x, xp, fp: (jnp.searchsorted(xp, x), jnp.searchsorted(xp, x, side="right"),
                            jnp.interp(x, xp, fp), jnp.digitize(x, xp))
    return fs, (x, xp, fp)
