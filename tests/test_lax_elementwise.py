"""lax elementwise primitives (elementwise.py, bitwise.py, special.py).

Values, dtypes and weak types against JAX (float32 and float64), derivatives against finite
differences (orders 1 and 2, float64), vmap against a Python loop (batch axes 0 and 1 and
unbatched operands), dtype errors and printed jaxprs against JAX, and the special-function
kernels against mpmath.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import jaxlite
from jaxlite import test_util as tu
from jaxlite._src.config import config
from jaxlite._src.lax import bitwise as B
from jaxlite._src.lax import elementwise as L
from jaxlite._src.lax import special as S


class _Lite:
    """The jaxlite lax namespace over the three modules, so one lambda runs on both libraries."""

    def __getattr__(self, name):
        for mod in (L, S, B):
            if name in mod.__dict__:
                return mod.__dict__[name]
        raise AttributeError(name)


LITE = _Lite()


@pytest.fixture(scope="module")
def jax():
    return pytest.importorskip("jax")


@pytest.fixture
def both64(jax):
    """64-bit types in jaxlite and in JAX."""
    prev = jax.config.jax_enable_x64
    jax.config.update("jax_enable_x64", True)
    config.update("jax_enable_x64", True)
    yield
    jax.config.update("jax_enable_x64", prev)
    config.update("jax_enable_x64", False)


# ----------------------------------------------------------------------------------------------
# Domains: where each function is smooth (derivative checks) and defined.


def d_any(rng, shape):
    return rng.uniform(-2, 2, shape)


def d_pos(rng, shape):
    return rng.uniform(0.5, 2, shape)


def d_unit(rng, shape):
    return rng.uniform(-0.9, 0.9, shape)


def d_gt1(rng, shape):
    return rng.uniform(1.2, 3, shape)


def d_tan(rng, shape):
    return rng.uniform(-1.2, 1.2, shape)


def d_nonzero(rng, shape):
    return rng.choice([-1.0, 1.0], shape) * rng.uniform(0.5, 2, shape)


def d_ints(rng, shape):  # float values with ties, for comparisons
    return rng.integers(-2, 3, shape).astype(np.float64)


def d_rem_x(rng, shape):
    return rng.choice([-1.0, 1.0], shape) * rng.uniform(2.2, 2.8, shape)


def d_rem_y(rng, shape):  # x / y stays strictly between integers: rem is smooth there
    return rng.choice([-1.0, 1.0], shape) * rng.uniform(1.65, 1.95, shape)


def d_zeta_s(rng, shape):
    return rng.uniform(2, 4, shape)


def d_lgamma(rng, shape):  # includes negative non-integers
    return rng.uniform(-3.9, 4, shape) + 0.05


def d_wide(rng, shape):  # includes 0, infinities and NaN
    vals = np.array([0.0, -0.0, 1.5, -2.5, 0.5, -0.5, np.inf, -np.inf, np.nan, 3.7, -1e30, 2.5])
    return rng.choice(vals, shape)


# (id, fn(m, *xs), domains, differentiable, value tolerance f32/f64 override)
UNARY = [
    ("neg", lambda m, x: m.neg(x), d_any, True),
    ("sign", lambda m, x: m.sign(x), d_wide, False),
    ("abs", lambda m, x: m.abs(x), d_nonzero, True),
    ("floor", lambda m, x: m.floor(x), d_wide, False),
    ("ceil", lambda m, x: m.ceil(x), d_wide, False),
    ("round_away", lambda m, x: m.round(x, 0), d_wide, False),
    ("round_even", lambda m, x: m.round(x, 1), d_wide, False),
    ("is_finite", lambda m, x: m.is_finite(x), d_wide, False),
    ("square", lambda m, x: m.square(x), d_any, True),
    ("sqrt", lambda m, x: m.sqrt(x), d_pos, True),
    ("rsqrt", lambda m, x: m.rsqrt(x), d_pos, True),
    ("cbrt", lambda m, x: m.cbrt(x), d_nonzero, True),
    ("exp", lambda m, x: m.exp(x), d_any, True),
    ("exp2", lambda m, x: m.exp2(x), d_any, True),
    ("expm1", lambda m, x: m.expm1(x), d_any, True),
    ("log", lambda m, x: m.log(x), d_pos, True),
    ("log1p", lambda m, x: m.log1p(x), d_pos, True),
    ("sin", lambda m, x: m.sin(x), d_any, True),
    ("cos", lambda m, x: m.cos(x), d_any, True),
    ("tan", lambda m, x: m.tan(x), d_tan, True),
    ("asin", lambda m, x: m.asin(x), d_unit, True),
    ("acos", lambda m, x: m.acos(x), d_unit, True),
    ("atan", lambda m, x: m.atan(x), d_any, True),
    ("sinh", lambda m, x: m.sinh(x), d_any, True),
    ("cosh", lambda m, x: m.cosh(x), d_any, True),
    ("tanh", lambda m, x: m.tanh(x), d_any, True),
    ("asinh", lambda m, x: m.asinh(x), d_any, True),
    ("acosh", lambda m, x: m.acosh(x), d_gt1, True),
    ("atanh", lambda m, x: m.atanh(x), d_unit, True),
    ("logistic", lambda m, x: m.logistic(x), d_any, True),
    ("erf", lambda m, x: m.erf(x), d_any, True),
    ("erfc", lambda m, x: m.erfc(x), d_any, True),
    ("erf_inv", lambda m, x: m.erf_inv(x), d_unit, True),
    ("lgamma", lambda m, x: m.lgamma(x), d_pos, True),
    ("lgamma_neg", lambda m, x: m.lgamma(x), d_lgamma, False),
    ("digamma", lambda m, x: m.digamma(x), d_pos, True),
    ("digamma_neg", lambda m, x: m.digamma(x), d_lgamma, False),
    ("integer_pow_m2", lambda m, x: m.integer_pow(x, -2), d_nonzero, True),
    ("integer_pow_0", lambda m, x: m.integer_pow(x, 0), d_nonzero, True),
    ("integer_pow_1", lambda m, x: m.integer_pow(x, 1), d_nonzero, True),
    ("integer_pow_2", lambda m, x: m.integer_pow(x, 2), d_nonzero, True),
    ("integer_pow_5", lambda m, x: m.integer_pow(x, 5), d_nonzero, True),
    ("reciprocal", lambda m, x: m.reciprocal(x), d_nonzero, True),
    ("polygamma_1", lambda m, x: m.polygamma(np.array(1, x.dtype), x), d_pos, True),
    ("polygamma_2", lambda m, x: m.polygamma(np.array(2, x.dtype), x), d_pos, True),
]

BINARY = [
    ("add", lambda m, x, y: m.add(x, y), (d_any, d_any), True),
    ("sub", lambda m, x, y: m.sub(x, y), (d_any, d_any), True),
    ("mul", lambda m, x, y: m.mul(x, y), (d_any, d_any), True),
    ("div", lambda m, x, y: m.div(x, y), (d_any, d_nonzero), True),
    ("rem", lambda m, x, y: m.rem(x, y), (d_rem_x, d_rem_y), True),
    ("max", lambda m, x, y: m.max(x, y), (d_any, d_any), True),
    ("min", lambda m, x, y: m.min(x, y), (d_any, d_any), True),
    ("max_wide", lambda m, x, y: m.max(x, y), (d_wide, d_wide), False),
    ("min_wide", lambda m, x, y: m.min(x, y), (d_wide, d_wide), False),
    ("pow", lambda m, x, y: m.pow(x, y), (d_pos, d_any), True),
    ("atan2", lambda m, x, y: m.atan2(x, y), (d_any, d_nonzero), True),
    ("nextafter", lambda m, x, y: m.nextafter(x, y), (d_ints, d_ints), False),
    ("zeta", lambda m, x, y: m.zeta(x, y), (d_zeta_s, d_pos), False),
    ("eq", lambda m, x, y: m.eq(x, y), (d_ints, d_ints), False),
    ("ne", lambda m, x, y: m.ne(x, y), (d_ints, d_ints), False),
    ("lt", lambda m, x, y: m.lt(x, y), (d_ints, d_ints), False),
    ("le", lambda m, x, y: m.le(x, y), (d_ints, d_ints), False),
    ("gt", lambda m, x, y: m.gt(x, y), (d_ints, d_ints), False),
    ("ge", lambda m, x, y: m.ge(x, y), (d_ints, d_ints), False),
]

CASES = [(n, f, (d,), g) for n, f, d, g in UNARY] + BINARY
CASE_IDS = [c[0] for c in CASES]

# Where XLA's own float64 implementation is less accurate than ours.
F64_RTOL = {"erf_inv": 1e-9, "lgamma_neg": 1e-11, "digamma_neg": 1e-11}


def _args(domains, dtype, shape=(3, 4), seed=0):
    rng = np.random.default_rng(seed)
    return [d(rng, shape).astype(dtype) for d in domains]


def _assert_same(got, want, rtol, atol, what=""):
    got_np, want_np = np.asarray(got), np.asarray(want)
    assert got_np.dtype == want_np.dtype, (what, got_np.dtype, want_np.dtype)
    assert got.weak_type == want.weak_type, what
    if got_np.dtype.kind in "biu":
        np.testing.assert_array_equal(got_np, want_np, err_msg=what)
    else:
        np.testing.assert_allclose(got_np, want_np, rtol=rtol, atol=atol, err_msg=what)
    if got_np.dtype.kind == "f":  # signed zeros agree too
        np.testing.assert_array_equal(
            np.signbit(got_np[got_np == 0]), np.signbit(want_np[got_np == 0]), err_msg=what
        )


# ----------------------------------------------------------------------------------------------
# Values, dtypes and weak types against JAX


@pytest.mark.parametrize("name,fn,domains,diff", CASES, ids=CASE_IDS)
def test_values_float32(jax, name, fn, domains, diff):
    args = _args(domains, np.float32)
    want = fn(jax.lax, *args)
    got = fn(LITE, *args)
    _assert_same(got, want, rtol=2e-5, atol=2e-6, what=name)


@pytest.mark.parametrize("name,fn,domains,diff", CASES, ids=CASE_IDS)
def test_values_float64(jax, both64, name, fn, domains, diff):
    args = _args(domains, np.float64)
    want = fn(jax.lax, *args)
    got = fn(LITE, *args)
    _assert_same(got, want, rtol=F64_RTOL.get(name, 1e-13), atol=1e-14, what=name)


SCALAR_CASES = [c for c in CASES if not c[0].startswith("polygamma")]


@pytest.mark.parametrize("name,fn,domains,diff", SCALAR_CASES, ids=[c[0] for c in SCALAR_CASES])
def test_weak_types_from_python_scalars(jax, name, fn, domains, diff):
    x = [float(d(np.random.default_rng(1), ())) for d in domains]
    want = fn(jax.lax, *x)
    got = fn(LITE, *x)
    _assert_same(got, want, rtol=2e-5, atol=2e-6, what=name)


COMPLEX_UNARY = [
    "neg",
    "sign",
    "abs",
    "square",
    "sqrt",
    "rsqrt",
    "exp",
    "exp2",
    "expm1",
    "log",
    "log1p",
    "sin",
    "cos",
    "tan",
    "asin",
    "acos",
    "atan",
    "sinh",
    "cosh",
    "tanh",
    "asinh",
    "acosh",
    "atanh",
    "logistic",
    "real",
    "imag",
    "conj",
]


@pytest.mark.parametrize("name", COMPLEX_UNARY)
@pytest.mark.parametrize("dtype", [np.complex64, np.complex128])
def test_complex_values(jax, both64, name, dtype):
    rng = np.random.default_rng(0)
    x = (rng.uniform(-1.5, 1.5, (5,)) + 1j * rng.uniform(-1.5, 1.5, (5,))).astype(dtype)
    want = getattr(jax.lax, name)(x)
    got = getattr(LITE, name)(x)
    tol = 1e-5 if dtype == np.complex64 else 1e-12
    _assert_same(got, want, rtol=tol, atol=tol, what=name)


@pytest.mark.parametrize("dtype", [np.complex64, np.complex128])
def test_complex_binary_values(jax, both64, dtype):
    rng = np.random.default_rng(0)
    mk = lambda: (rng.uniform(-2, 2, (5,)) + 1j * rng.uniform(-2, 2, (5,))).astype(dtype)
    x, y = mk(), mk()
    tol = 1e-5 if dtype == np.complex64 else 1e-12
    for name in ["add", "sub", "mul", "div", "pow", "atan2", "eq", "ne", "max", "min"]:
        _assert_same(getattr(LITE, name)(x, y), getattr(jax.lax, name)(x, y), tol, tol, name)
    re = np.real(x).astype(np.finfo(dtype).dtype)
    im = np.imag(x).astype(re.dtype)
    _assert_same(LITE.complex(re, im), jax.lax.complex(re, im), 0, 0, "complex")
    _assert_same(LITE.conj(re), jax.lax.conj(re), 0, 0, "conj of real")
    _assert_same(LITE.integer_pow(x, 3), jax.lax.integer_pow(x, 3), tol, tol, "integer_pow")
    _assert_same(LITE.pow(x, np.int32(3)), jax.lax.pow(x, np.int32(3)), tol, tol, "pow int")


INT_DTYPES = [np.int8, np.int32, np.uint8, np.uint32, np.int64, np.uint64]
INT_UNARY = ["neg", "sign", "abs", "square", "bitwise_not", "population_count", "clz"]
INT_BINARY = [
    "add",
    "sub",
    "mul",
    "div",
    "rem",
    "max",
    "min",
    "eq",
    "ne",
    "lt",
    "le",
    "gt",
    "ge",
    "bitwise_and",
    "bitwise_or",
    "bitwise_xor",
    "shift_left",
    "shift_right_arithmetic",
    "shift_right_logical",
]


@pytest.mark.parametrize("dtype", INT_DTYPES)
def test_integer_values(jax, both64, dtype):
    info = np.iinfo(dtype)
    special_vals = np.array(
        [0, 1, 2, 5, 7, info.max, info.max - 1, info.min, info.min + 1], dtype=dtype
    )
    if info.min < 0:
        special_vals = np.concatenate([special_vals, np.array([-1, -2, -7], dtype)])
    x = np.repeat(special_vals, len(special_vals))
    y = np.tile(special_vals, len(special_vals))
    for name in INT_UNARY:
        if name == "abs" and info.min == 0:
            continue
        _assert_same(getattr(LITE, name)(x), getattr(jax.lax, name)(x), 0, 0, name)
    for name in INT_BINARY:
        _assert_same(getattr(LITE, name)(x, y), getattr(jax.lax, name)(x, y), 0, 0, name)
    bits = 8 * np.dtype(dtype).itemsize
    amounts = np.array([0, 1, 3, bits - 1, bits, bits + 5, 100][:7], np.int64)
    if info.min < 0:
        amounts = np.concatenate([amounts, [-1, -bits]])
    amounts = amounts.astype(dtype)
    xs = np.repeat(special_vals, len(amounts))
    ys = np.tile(amounts, len(special_vals))
    for name in ["shift_left", "shift_right_arithmetic", "shift_right_logical"]:
        _assert_same(getattr(LITE, name)(xs, ys), getattr(jax.lax, name)(xs, ys), 0, 0, name)
    for p in [0, 1, 2, 3, 7]:
        _assert_same(LITE.integer_pow(x, p), jax.lax.integer_pow(x, p), 0, 0, "integer_pow")


def test_bool_values(jax):
    x = np.array([True, True, False, False])
    y = np.array([True, False, True, False])
    for name in [
        "bitwise_and",
        "bitwise_or",
        "bitwise_xor",
        "eq",
        "ne",
        "lt",
        "le",
        "gt",
        "ge",
        "max",
        "min",
    ]:
        _assert_same(getattr(LITE, name)(x, y), getattr(jax.lax, name)(x, y), 0, 0, name)
    _assert_same(LITE.bitwise_not(x), jax.lax.bitwise_not(x), 0, 0, "not")
    _assert_same(LITE.select_n(x, y, x), jax.lax.select_n(x, y, x), 0, 0, "select_n")


def test_float16(jax):
    x = np.linspace(-0.9, 0.9, 7).astype(np.float16)
    for name in [
        "sin",
        "exp",
        "erf",
        "erf_inv",
        "lgamma",
        "digamma",
        "logistic",
        "tanh",
        "floor",
        "sign",
        "cbrt",
    ]:
        _assert_same(getattr(LITE, name)(x), getattr(jax.lax, name)(x), 2e-3, 2e-3, name)
    _assert_same(LITE.nextafter(x, x[::-1]), jax.lax.nextafter(x, x[::-1]), 0, 0, "nextafter")


# ----------------------------------------------------------------------------------------------
# Derivatives: finite differences, orders 1 and 2, float64


@pytest.mark.parametrize(
    "name,fn,domains,diff", [c for c in CASES if c[3]], ids=[c[0] for c in CASES if c[3]]
)
def test_grads(x64, name, fn, domains, diff):
    args = _args(domains, np.float64, shape=(3,), seed=2)
    tu.check_grads(lambda *xs: fn(LITE, *xs), args, order=2)


@pytest.mark.parametrize(
    "name,fn,domains,diff", BINARY[:5] + BINARY[9:11], ids=[c[0] for c in BINARY[:5] + BINARY[9:11]]
)
def test_grads_with_scalar_operand(x64, name, fn, domains, diff):
    # A rank-0 operand broadcasts: its cotangent is summed.
    x, y = _args(domains, np.float64, shape=(3,), seed=3)
    tu.check_grads(lambda a, b: fn(LITE, a, b), (x, y[0]), order=2)
    tu.check_grads(lambda a, b: fn(LITE, a, b), (x[0], y), order=2)


def test_grads_pow_integer_exponent(x64):
    x = np.array([0.7, 1.3, 2.1])
    for y in [np.array([-2, 0, 3], np.int32), np.int32(1), np.int64(2)]:
        tu.check_grads(lambda a: LITE.pow(a, y), (x,), order=2)


def test_grads_complex_parts(x64):
    x, y = np.array([0.7, -1.3, 2.1]), np.array([-0.4, 1.1, 0.6])
    c = lambda a, b: LITE.complex(a, b)
    tu.check_grads(lambda a, b: LITE.abs(c(a, b)), (x, y), order=2)
    tu.check_grads(lambda a, b: LITE.real(LITE.mul(c(a, b), c(b, a))), (x, y), order=2)
    tu.check_grads(lambda a, b: LITE.imag(LITE.mul(c(a, b), LITE.conj(c(b, a)))), (x, y), order=2)
    tu.check_grads(lambda a: LITE.real(LITE.mul(LITE.conj(a), LITE.sin(c(a, a)))), (x,), order=2)
    tu.check_grads(lambda a, b: LITE.imag(LITE.exp(c(a, b))), (x, y), order=2)


def test_grads_complex_inputs(x64):
    z = np.array([0.7 - 0.2j, -1.3 + 0.5j, 2.1 + 1.0j])
    for name in ["sin", "exp", "log", "sqrt", "tanh", "square", "conj", "real", "imag", "abs"]:
        tu.check_grads(getattr(LITE, name), (z,), order=2)


PIECEWISE_CONSTANT = [
    "sign",
    "floor",
    "ceil",
    "round_away",
    "round_even",
    "is_finite",
    "eq",
    "ne",
    "lt",
    "le",
    "gt",
    "ge",
]


@pytest.mark.parametrize(
    "name,fn,domains,diff", [c for c in CASES if c[0] in PIECEWISE_CONSTANT], ids=PIECEWISE_CONSTANT
)
def test_zero_derivatives(name, fn, domains, diff):
    args = _args(domains, np.float32, shape=(3,))
    f = lambda *xs: fn(LITE, *xs)
    out, tan = jaxlite.jvp(f, args, [np.ones_like(a) for a in args])
    if np.asarray(out).dtype == np.bool_:
        assert np.asarray(tan).dtype == jaxlite.dtypes.float0
    else:
        np.testing.assert_array_equal(np.asarray(tan), 0)


def test_no_derivative_rules():
    with pytest.raises(NotImplementedError, match="nextafter"):
        jaxlite.jvp(lambda x: LITE.nextafter(x, 2.0), (1.0,), (1.0,))
    with pytest.raises(NotImplementedError, match="zeta"):
        jaxlite.jvp(lambda x: LITE.zeta(x, 2.0), (3.0,), (1.0,))
    with pytest.raises(ValueError, match="polygamma gradient with respect to m"):
        jaxlite.grad(lambda m: LITE.polygamma(m, 2.0))(1.0)


def test_derivative_conventions(jax):
    g = jaxlite.grad
    # max/min split the tangent evenly at ties; clamp gives 0 at ties; |x|' = 1 at 0; pow's
    # d/dy is 0 where x == 0, and d/dx with a float y = 0 is 0 * x^-1 (nan at 0) as JAX.
    pairs = [
        (lambda x, y: LITE.max(x, y), lambda x, y: jax.lax.max(x, y), (1.0, 1.0)),
        (lambda x, y: LITE.min(x, y), lambda x, y: jax.lax.min(x, y), (1.0, 1.0)),
        (lambda x: LITE.abs(x), lambda x: jax.lax.abs(x), (0.0,)),
        (lambda x, y: LITE.pow(x, y), lambda x, y: jax.lax.pow(x, y), (0.0, 2.0)),
        (lambda x, y: LITE.pow(x, y), lambda x, y: jax.lax.pow(x, y), (0.0, 1.0)),
        (
            lambda a, x, b: LITE.clamp(a, x, b),
            lambda a, x, b: jax.lax.clamp(a, x, b),
            (0.0, 0.0, 1.0),
        ),
        (
            lambda a, x, b: LITE.clamp(a, x, b),
            lambda a, x, b: jax.lax.clamp(a, x, b),
            (0.0, 1.0, 1.0),
        ),
        (lambda x, y: LITE.rem(x, y), lambda x, y: jax.lax.rem(x, y), (-5.5, 2.0)),
    ]
    for fl, fj, args in pairs:
        argnums = tuple(range(len(args)))
        got = g(fl, argnums=argnums)(*args)
        want = jax.grad(fj, argnums=argnums)(*args)
        np.testing.assert_array_equal(np.asarray(got), np.asarray(want))
    assert float(g(LITE.max)(1.0, 1.0)) == 0.5
    assert float(g(LITE.max, argnums=1)(1.0, 1.0)) == 0.5
    assert float(g(LITE.min)(1.0, 2.0)) == 1.0
    assert float(g(LITE.abs)(0.0)) == 1.0
    assert float(g(lambda x: LITE.clamp(0.0, x, 1.0))(0.0)) == 0.0
    assert float(g(lambda x: LITE.clamp(0.0, x, 1.0))(0.5)) == 1.0
    assert float(g(lambda m: LITE.clamp(m, 0.0, 1.0))(0.0)) == 0.0
    assert float(g(lambda m: LITE.clamp(m, 0.0, 1.0))(0.5)) == 1.0
    assert float(g(lambda m: LITE.clamp(0.0, 2.0, m))(1.0)) == 1.0
    assert float(g(lambda y: LITE.pow(0.0, y))(2.0)) == 0.0
    assert math.isnan(float(g(lambda x: LITE.pow(x, 0.0))(0.0)))
    assert float(g(lambda x: LITE.pow(x, 1.0))(0.0)) == 1.0
    assert float(g(lambda x: LITE.pow(x, np.int32(0)))(0.0)) == 0.0
    assert float(g(lambda x: LITE.integer_pow(x, 0))(0.0)) == 0.0
    assert float(g(lambda y: LITE.rem(5.5, y))(2.0)) == -2.0
    assert float(g(lambda y: LITE.rem(-5.5, y))(2.0)) == 2.0
    assert float(g(lambda x: LITE.logistic(x))(-100.0)) == pytest.approx(
        float(jax.grad(jax.lax.logistic)(-100.0))
    )


def test_grad_jaxprs_match_jax(jax):
    cases = [
        (
            lambda x: jaxlite.jvp(lambda x: LITE.integer_pow(x, 3), (x,), (x,)),
            lambda x: jax.jvp(lambda x: jax.lax.integer_pow(x, 3), (x,), (x,)),
            (1.0,),
        ),
        (
            lambda x: jaxlite.jvp(lambda x: LITE.integer_pow(x, 1), (x,), (x,)),
            lambda x: jax.jvp(lambda x: jax.lax.integer_pow(x, 1), (x,), (x,)),
            (1.0,),
        ),
        (jaxlite.grad(LITE.lgamma), jax.grad(jax.lax.lgamma), (1.5,)),
        (jaxlite.grad(LITE.digamma), jax.grad(jax.lax.digamma), (1.5,)),
        (
            jaxlite.grad(lambda x, y: LITE.polygamma(x, y), argnums=1),
            jax.grad(lambda x, y: jax.lax.polygamma(x, y), argnums=1),
            (1.0, 2.0),
        ),
    ]
    for fl, fj, args in cases:
        assert str(jaxlite.make_jaxpr(fl)(*args)) == str(jax.make_jaxpr(fj)(*args))


JVP_UNARY = [
    "neg",
    "sign",
    "abs",
    "floor",
    "ceil",
    "round",
    "is_finite",
    "square",
    "sqrt",
    "rsqrt",
    "cbrt",
    "exp",
    "exp2",
    "expm1",
    "log",
    "log1p",
    "sin",
    "cos",
    "tan",
    "asin",
    "acos",
    "atan",
    "sinh",
    "cosh",
    "tanh",
    "asinh",
    "acosh",
    "atanh",
    "logistic",
    "erf",
    "erfc",
    "erf_inv",
    "lgamma",
    "digamma",
    "reciprocal",
]
JVP_BINARY = ["add", "sub", "mul", "div", "rem", "max", "min", "pow", "atan2"]


@pytest.mark.parametrize("name", JVP_UNARY + JVP_BINARY)
def test_jvp_jaxprs_and_tangent_weak_types_match_jax(jax, name):
    n = 1 if name in JVP_UNARY else 2

    def run(lib, m, args):
        f = getattr(m, name)
        jp = lib.make_jaxpr(lambda *a: lib.jvp(f, a[:n], a[n:]))(*args)
        return str(jp), lib.jvp(f, args[:n], args[n:])[1]

    for args in [(np.float32(0.5),) * 2 * n, (0.5,) * 2 * n]:
        want_text, want_t = run(jax, jax.lax, args)
        got_text, got_t = run(jaxlite, LITE, args)
        if type(args[0]) is not float:  # JAX prints weak literals with the Python value
            assert got_text == want_text
        assert got_t.dtype == want_t.dtype and got_t.weak_type == want_t.weak_type


def test_jvp_jaxprs_match_jax_special_cases(jax):
    f32, c64 = np.float32(0.5), np.complex64(1 + 1j)
    cases = [
        (lambda m, x, t: (m.abs, (x,), (t,)), (c64, c64)),
        (lambda m, x, y, t: (lambda a: m.pow(a, y), (x,), (t,)), (f32, np.int32(2), f32)),
        (lambda m, x, t: (lambda a: m.integer_pow(a, -2), (x,), (t,)), (f32, f32)),
        (
            lambda m, p, x, y, t: (lambda a, b: m.select_n(p, a, b), (x, y), (t, t)),
            (np.bool_(True), f32, f32, f32),
        ),
        (lambda m, x, y, t: (lambda b: m.polygamma(x, b), (y,), (t,)), (f32, f32, f32)),
    ]
    for make, args in cases:
        texts = []
        for lib, m in ((jax, jax.lax), (jaxlite, LITE)):
            texts.append(str(lib.make_jaxpr(lambda *a, lib=lib, m=m: lib.jvp(*make(m, *a)))(*args)))
        assert texts[0] == texts[1]


# ----------------------------------------------------------------------------------------------
# vmap against a Python loop


def _batched(x, axis):
    """`x` of shape (4,) per example, stacked 3 times along `axis`."""
    return np.moveaxis(np.stack([x * (1 + 0.1 * i) for i in range(3)]), 0, axis)


@pytest.mark.parametrize("name,fn,domains,diff", CASES, ids=CASE_IDS)
def test_vmap(name, fn, domains, diff):
    rng = np.random.default_rng(4)
    per = [d(rng, (4,)).astype(np.float32) for d in domains]
    if name.startswith(("rem", "zeta", "lgamma", "digamma")) or name.endswith("wide"):
        stacked = lambda x, ax: np.moveaxis(np.stack([x, x[::-1], np.roll(x, 1)]), 0, ax)
    else:
        stacked = _batched
    f = lambda *xs: fn(LITE, *xs)
    if len(per) == 1:
        for ax in (0, 1):
            tu.check_batching(f, [stacked(per[0], ax)], in_axes=ax)
        return
    x, y = per
    combos = [
        ((0, 0), [stacked(x, 0), stacked(y, 0)]),
        ((1, 0), [stacked(x, 1), stacked(y, 0)]),
        ((0, 1), [stacked(x, 0), stacked(y, 1)]),
        ((0, None), [stacked(x, 0), y]),
        ((None, 1), [x, stacked(y, 1)]),
        ((1, None), [stacked(x, 1), y[0]]),  # unbatched rank-0 operand
        ((None, 0), [x[0], stacked(y, 0)]),
    ]
    for axes, args in combos:
        tu.check_batching(f, args, in_axes=axes)


@pytest.mark.parametrize("name,fn,domains,diff", CASES, ids=CASE_IDS)
def test_jit(name, fn, domains, diff):
    tu.check_jit(lambda *xs: fn(LITE, *xs), _args(domains, np.float32, shape=(4,)))


def test_vmap_integer_and_bool_ops():
    rng = np.random.default_rng(5)
    x = rng.integers(-50, 50, (3, 4)).astype(np.int32)
    y = rng.integers(-3, 40, (4, 3)).astype(np.int32)
    for name in INT_BINARY:
        tu.check_batching(getattr(LITE, name), [x, y], in_axes=(0, 1))
        tu.check_batching(getattr(LITE, name), [x, y[:, 0]], in_axes=(0, None))
    for name in ["bitwise_not", "population_count", "clz", "sign", "abs"]:
        tu.check_batching(getattr(LITE, name), [y], in_axes=1)
    b = x > 0
    tu.check_batching(LITE.bitwise_xor, [b, b.T], in_axes=(0, 1))
    tu.check_batching(lambda a: LITE.integer_pow(a, 3), [x], in_axes=1)
    tu.check_batching(
        lambda a, e: LITE.pow(a, e), [x.astype(np.float32), y[0] % 4], in_axes=(1, None)
    )


# ----------------------------------------------------------------------------------------------
# select_n


def test_select_n_values(jax):
    rng = np.random.default_rng(6)
    cases = [rng.standard_normal((2, 3)).astype(np.float32) for _ in range(3)]
    p = rng.standard_normal((2, 3)) > 0
    i = rng.integers(0, 3, (2, 3)).astype(np.int32)
    for which, cs in [
        (p, cases[:2]),
        (True, cases[:2]),
        (np.bool_(False), cases[:2]),
        (i, cases),
        (np.int32(2), cases),
        (i.astype(np.uint8), cases),
        (p, cases[:1]),
    ]:
        _assert_same(LITE.select_n(which, *cs), jax.lax.select_n(which, *cs), 0, 0, "select_n")
    _assert_same(
        LITE.select(p, cases[0], cases[1]), jax.lax.select(p, cases[0], cases[1]), 0, 0, "select"
    )
    _assert_same(LITE.select_n(True, 1.0, 2.0), jax.lax.select_n(True, 1.0, 2.0), 0, 0, "weak")
    _assert_same(
        LITE.select_n(True, 1.0, np.float32(2)),
        jax.lax.select_n(True, 1.0, np.float32(2)),
        0,
        0,
        "not weak",
    )


def test_select_n_errors(jax):
    f32 = jaxlite.ShapeDtypeStruct
    sds = jax.ShapeDtypeStruct
    combos = [
        [((), "float32"), ((3,), "float32"), ((3,), "float32")],
        [((3,), "bool"), ((3,), "float32"), ((3,), "int32")],
        [((3,), "bool"), ((), "float32"), ((3,), "float32")],
        [((4,), "bool"), ((3,), "float32"), ((3,), "float32")],
        [((), "bool"), ((3,), "float32"), ((3,), "float32"), ((3,), "float32")],
    ]
    for spec in combos:
        with pytest.raises(TypeError) as want:
            jax.eval_shape(jax.lax.select_n, *[sds(s, d) for s, d in spec])
        with pytest.raises(TypeError) as got:
            jaxlite.eval_shape(LITE.select_n, *[f32(s, d) for s, d in spec])
        assert str(got.value) == str(want.value).split("\n")[0]
    with pytest.raises(ValueError, match="at least one case"):
        LITE.select_n(True)


def test_select_n_grads(x64):
    rng = np.random.default_rng(7)
    a, b, c = (rng.standard_normal(4) for _ in range(3))
    p = np.array([True, False, True, False])
    i = np.array([0, 2, 1, 2], np.int32)
    tu.check_grads(lambda x, y: LITE.select_n(p, x, y), (a, b), order=2)
    tu.check_grads(lambda x, y, z: LITE.select_n(i, x, y, z), (a, b, c), order=2)
    tu.check_grads(lambda x: LITE.select_n(np.bool_(True), x, LITE.sin(x)), (a,), order=2)
    tu.check_grads(lambda x: LITE.select_n(i, x, np.zeros(4), LITE.mul(x, x)), (a,), order=2)
    tu.check_grads(lambda x: LITE.select_n(LITE.gt(x, 0.0), LITE.neg(x), x), (a,), order=2)


def test_select_n_vmap():
    rng = np.random.default_rng(8)
    x, y, z = (rng.standard_normal((3, 4)).astype(np.float32) for _ in range(3))
    p = rng.standard_normal((3, 4)) > 0
    i = rng.integers(0, 3, (3, 4)).astype(np.int32)
    f = LITE.select_n
    checks = [
        ((0, 0, 0), [p, x, y]),
        ((0, None, None), [p, x[0], y[0]]),  # batched predicate, unbatched cases
        ((None, 0, 0), [p[0], x, y]),  # unbatched predicate, batched cases
        ((None, 0, 1), [np.bool_(True), x, y.T]),  # unbatched scalar predicate
        ((0, 0, None), [p[:, 0], x, y[0]]),  # batched scalar predicate
        ((0, None, None), [p[:, 0], x[0], y[0]]),
        ((1, 0, None), [p.T, x, y[0]]),
        ((0, 0, None, 1), [i, x, y[0], z.T]),
        ((0, None, 0, None), [i[:, 0], x[0], y, z[0]]),
    ]
    for axes, args in checks:
        tu.check_batching(f, args, in_axes=axes)


# ----------------------------------------------------------------------------------------------
# clamp


def test_clamp(jax, both64):
    rng = np.random.default_rng(9)
    x = rng.uniform(-2, 2, (5,))
    lo, hi = rng.uniform(-1, 0, (5,)), rng.uniform(0, 1, (5,))
    for args in [
        (-0.5, x, 0.5),
        (lo, x, hi),
        (lo, x, 0.5),
        (np.float64(-0.5), x, hi),
        (0, np.array([-3, 0, 3]), 2),
        (True, np.array([True, False]), True),
    ]:
        _assert_same(LITE.clamp(*args), jax.lax.clamp(*args), 0, 0, "clamp")
    _assert_same(LITE.clamp(0.0, np.nan, 1.0), jax.lax.clamp(0.0, np.nan, 1.0), 0, 0, "nan")
    tu.check_grads(LITE.clamp, (lo, x, hi), order=2)
    tu.check_grads(LITE.clamp, (np.float64(-0.5), x, np.float64(0.5)), order=2)
    tu.check_grads(lambda a: LITE.clamp(a, x, 0.5), (lo,), order=2)
    f32 = np.float32
    for axes, args in [
        ((None, 0, None), [f32(-0.5), x.astype(f32)[:3, None] * np.ones((3, 4), f32), f32(1)]),
        ((0, 0, 0), [lo[:3].astype(f32), x[:3].astype(f32), hi[:3].astype(f32)]),
        ((0, None, None), [lo[:3].astype(f32), x[:4].astype(f32), f32(0.5)]),
        ((0, 1, None), [lo[:3].astype(f32), np.ones((4, 3), f32) * 0.1, hi[:4].astype(f32)]),
        ((None, 1, 0), [lo[:4].astype(f32), np.ones((4, 3), f32) * 0.7, hi[:3].astype(f32)]),
    ]:
        tu.check_batching(LITE.clamp, args, in_axes=axes)


def test_clamp_errors(jax):
    sds, lsds = jax.ShapeDtypeStruct, jaxlite.ShapeDtypeStruct
    for spec in [
        [((2,), "float32"), ((3,), "float32"), ((), "float32")],
        [((), "float32"), ((), "float32"), ((3,), "float32")],
        [((), "int32"), ((3,), "float32"), ((), "float32")],
    ]:
        with pytest.raises(TypeError) as want:
            jax.eval_shape(jax.lax.clamp, *[sds(s, d) for s, d in spec])
        with pytest.raises(TypeError) as got:
            jaxlite.eval_shape(LITE.clamp, *[lsds(s, d) for s, d in spec])
        assert str(got.value) == str(want.value).split("\n")[0]


# ----------------------------------------------------------------------------------------------
# Dtype acceptance and error messages against JAX

ALL_UNARY = [
    "neg",
    "sign",
    "abs",
    "floor",
    "ceil",
    "round",
    "is_finite",
    "square",
    "sqrt",
    "rsqrt",
    "cbrt",
    "exp",
    "exp2",
    "expm1",
    "log",
    "log1p",
    "sin",
    "cos",
    "tan",
    "asin",
    "acos",
    "atan",
    "sinh",
    "cosh",
    "tanh",
    "asinh",
    "acosh",
    "atanh",
    "logistic",
    "erf",
    "erfc",
    "erf_inv",
    "lgamma",
    "digamma",
    "real",
    "imag",
    "conj",
    "bitwise_not",
    "population_count",
    "clz",
    "reciprocal",
]
ALL_BINARY = [
    "add",
    "sub",
    "mul",
    "div",
    "rem",
    "max",
    "min",
    "pow",
    "atan2",
    "nextafter",
    "eq",
    "ne",
    "lt",
    "le",
    "gt",
    "ge",
    "bitwise_and",
    "bitwise_or",
    "bitwise_xor",
    "shift_left",
    "shift_right_arithmetic",
    "shift_right_logical",
    "complex",
    "polygamma",
    "zeta",
]
DTS = ["bool", "int8", "int32", "uint32", "float16", "float32", "complex64"]


def _outcome(run):
    try:
        out = run()
    except (TypeError, ValueError) as e:
        return f"{type(e).__name__}: {str(e).splitlines()[0]}"
    return f"{out.shape} {np.dtype(out.dtype).name} {getattr(out, 'weak_type', False)}"


@pytest.mark.parametrize("name", ALL_UNARY)
def test_unary_dtype_rules(jax, name):
    for dt in DTS:
        want = _outcome(
            lambda: jax.eval_shape(getattr(jax.lax, name), jax.ShapeDtypeStruct((2,), dt))
        )
        got = _outcome(
            lambda: jaxlite.eval_shape(getattr(LITE, name), jaxlite.ShapeDtypeStruct((2,), dt))
        )
        assert got == want, (name, dt)


@pytest.mark.parametrize("name", ALL_BINARY)
def test_binary_dtype_rules(jax, name):
    for dx in DTS:
        for dy in ["bool", "int32", "uint32", "float16", "float32", "complex64"]:
            if dy != dx and dy not in ("int32", "float32"):
                continue
            want = _outcome(
                lambda: jax.eval_shape(
                    getattr(jax.lax, name),
                    jax.ShapeDtypeStruct((2,), dx),
                    jax.ShapeDtypeStruct((), dy),
                )
            )
            got = _outcome(
                lambda: jaxlite.eval_shape(
                    getattr(LITE, name),
                    jaxlite.ShapeDtypeStruct((2,), dx),
                    jaxlite.ShapeDtypeStruct((), dy),
                )
            )
            assert got == want, (name, dx, dy)


def test_weak_type_rules(jax):
    w = lambda d: jax.ShapeDtypeStruct((), d, weak_type=True)
    lw = lambda d: jaxlite.ShapeDtypeStruct((), d, weak_type=True)
    s, ls = (lambda d: jax.ShapeDtypeStruct((), d)), (lambda d: jaxlite.ShapeDtypeStruct((), d))
    for name, kinds in [
        ("pow", [(w, "float32"), (s, "int32")]),
        ("pow", [(w, "float32"), (w, "int32")]),
        ("eq", [(w, "float32"), (w, "float32")]),
        ("lt", [(w, "float32"), (s, "float32")]),
        ("is_finite", [(w, "float32")]),
        ("abs", [(w, "complex64")]),
        ("real", [(w, "complex64")]),
        ("complex", [(w, "float32")] * 2),
        ("clamp", [(w, "float32"), (s, "float32"), (w, "float32")]),
        ("clamp", [(w, "float32")] * 3),
        ("select_n", [(s, "bool"), (w, "float32"), (w, "float32")]),
        ("select_n", [(w, "int32"), (w, "float32"), (s, "float32")]),
    ]:
        want = _outcome(lambda: jax.eval_shape(getattr(jax.lax, name), *[k(d) for k, d in kinds]))
        lk = {w: lw, s: ls}
        got = _outcome(
            lambda: jaxlite.eval_shape(getattr(LITE, name), *[lk[k](d) for k, d in kinds])
        )
        assert got == want, name


def test_other_errors(jax):
    with pytest.raises(
        TypeError,
        match=r"Integers cannot be raised to negative powers, got "
        r"integer_pow\(int32\[\], -3\)",
    ):
        LITE.integer_pow(np.int32(2), -3)
    with pytest.raises(ValueError, match="2 is not a valid RoundingMethod"):
        LITE.round(1.5, 2)
    with pytest.raises(
        TypeError,
        match=r"add got incompatible shapes for broadcasting: "
        r"\(3,\), \(4,\)",
    ):
        jaxlite.make_jaxpr(LITE.add)(np.ones(3, np.float32), np.ones(4, np.float32))
    with pytest.raises(ValueError, match=r"from int8 of size 8 bits to float16"):
        LITE.bitcast_convert_type(np.ones((3, 3), np.int8), np.float16)


# ----------------------------------------------------------------------------------------------
# Printed jaxprs against JAX


def test_jaxprs_match_jax(jax):
    f32, c64, i32 = np.float32(1.5), np.complex64(1 + 2j), np.int32(3)
    x3 = np.ones(3, np.float32)
    cases = [
        (lambda m, x: m.integer_pow(x, 2), (f32,)),
        (lambda m, x: m.integer_pow(x, -1), (f32,)),
        (lambda m, x: m.reciprocal(x), (f32,)),
        (lambda m, x: m.round(x), (f32,)),
        (lambda m, x: m.round(x, 1), (f32,)),
        (lambda m, x: m.round(x, m.RoundingMethod.TO_NEAREST_EVEN), (f32,)),
        (lambda m, x: m.conj(x), (c64,)),
        (lambda m, x: m.conj(x), (f32,)),
        (lambda m, x: m.abs(x), (c64,)),
        (lambda m, x: m.real(x), (c64,)),
        (lambda m, x, y: m.complex(x, y), (f32, f32)),
        (lambda m, x: m.is_finite(x), (f32,)),
        (lambda m, x, y: m.pow(x, y), (x3, i32)),
        (lambda m, x: m.max(x, 0.0), (x3,)),
        (lambda m, x, y: m.eq(x, y), (x3, f32)),
        (lambda m, x: m.bitwise_not(x), (i32,)),
        (lambda m, x, y: m.bitwise_and(x, y), (np.bool_(True), np.bool_(False))),
        (lambda m, x, y: m.shift_right_logical(x, y), (i32, i32)),
        (lambda m, x: m.population_count(x), (i32,)),
        (lambda m, x: m.bitcast_convert_type(x, np.int8), (x3,)),
        (lambda m, p, x, y: m.select_n(p, x, y), (np.bool_(True), f32, f32)),
        (lambda m, p, x: m.select_n(p, x), (np.bool_(True), f32)),
        (lambda m, p, x, y: m.select(p, x, y), (np.bool_(True), f32, f32)),
        (lambda m, a, x, b: m.clamp(a, x, b), (f32, x3, f32)),
        (lambda m, x: m.erf_inv(x), (f32,)),
        (lambda m, x, y: m.polygamma(x, y), (f32, f32)),
        (lambda m, x, y: m.zeta(x, y), (f32, f32)),
        (lambda m, x, y: m.nextafter(x, y), (f32, f32)),
        (lambda m, x, y: m.rem(x, y), (i32, i32)),
    ]
    for fn, args in cases:
        want = str(jax.make_jaxpr(lambda *a, fn=fn: fn(jax.lax, *a))(*args))
        got = str(jaxlite.make_jaxpr(lambda *a, fn=fn: fn(LITE, *a))(*args))
        assert got == want


# ----------------------------------------------------------------------------------------------
# Edge-case semantics (XLA's) against JAX


def test_edge_semantics(jax, both64):
    wide = np.array([0.0, -0.0, 1.5, -2.5, 0.5, -0.5, 2.5, np.inf, -np.inf, np.nan, 1e300])
    x = np.repeat(wide, len(wide))
    y = np.tile(wide, len(wide))
    for name in ["max", "min", "rem", "div", "pow", "atan2", "nextafter", "add", "mul"]:
        _assert_same(getattr(LITE, name)(x, y), getattr(jax.lax, name)(x, y), 1e-14, 0, name)
    for name in [
        "sign",
        "round",
        "floor",
        "ceil",
        "is_finite",
        "logistic",
        "exp",
        "erf",
        "erfc",
        "lgamma",
        "digamma",
        "erf_inv",
        "sqrt",
        "cbrt",
        "tanh",
        "abs",
        "neg",
        "expm1",
        "log1p",
    ]:
        _assert_same(getattr(LITE, name)(wide), getattr(jax.lax, name)(wide), 1e-12, 0, name)
    _assert_same(LITE.round(wide, 1), jax.lax.round(wide, 1), 0, 0, "round even")
    _assert_same(LITE.clamp(0.0, wide, 1.0), jax.lax.clamp(0.0, wide, 1.0), 0, 0, "clamp")
    halves = np.array([0.5, 1.5, 2.5, -0.5, -1.5, 0.49999999999999994, -2.5000001, 3.0])
    for rm in (0, 1):
        _assert_same(LITE.round(halves, rm), jax.lax.round(halves, rm), 0, 0, "round")
    big = np.array([-800.0, -40.0, 40.0, 800.0])
    _assert_same(LITE.logistic(big), jax.lax.logistic(big), 1e-15, 0, "logistic")
    _assert_same(
        LITE.logistic(big.astype(np.float32)),
        jax.lax.logistic(big.astype(np.float32)),
        1e-6,
        0,
        "logistic f32",
    )
    p = np.array([2.0, -2.0, 0.5, 0.0, -0.5, 1.0])
    s = np.array([1.0, 1.0, 2.0, 2.0, 2.0, 3.0])
    for m in [0.0, 1.0, 2.0, 3.0, 1.5, -1.0]:
        mm = np.full_like(p, m)
        _assert_same(LITE.polygamma(mm, p), jax.lax.polygamma(mm, p), 1e-12, 0, f"pg {m}")
    zs = np.array([2.0, 3.0, 2.0, 1.0, 0.5, 2.5, 4.0, 2.0])
    za = np.array([0.0, 0.0, -1.5, 1.0, 1.0, -0.5, np.inf, 1e-3])
    _assert_same(LITE.zeta(zs, za), jax.lax.zeta(zs, za), 1e-12, 0, "zeta")
    del s


# ----------------------------------------------------------------------------------------------
# Special-function kernels (float64) against math and mpmath


def _rel_or_abs(got, want):
    return np.max(np.abs(got - want) / np.maximum(1.0, np.abs(want)))


def test_erf_kernels_against_math():
    xs = np.concatenate([np.linspace(-7, 7, 4001), np.linspace(2, 27, 1001), [0.0, -0.0]])
    want = np.array([math.erf(v) for v in xs])
    assert np.max(np.abs(S.erf_f64(xs) - want)) < 3e-15
    wantc = np.array([math.erfc(v) for v in xs])
    rel = np.abs(S.erfc_f64(xs) - wantc) / np.maximum(wantc, 1e-300)
    assert np.max(rel) < 2e-14
    np.testing.assert_array_equal(S.erf_f64([np.inf, -np.inf]), [1.0, -1.0])
    np.testing.assert_array_equal(S.erfc_f64([np.inf, -np.inf]), [0.0, 2.0])
    assert np.isnan(S.erf_f64(np.nan)) and np.isnan(S.erfc_f64(np.nan))


def test_lgamma_kernel_against_math():
    xs = np.concatenate(
        [np.linspace(-20.3, 30, 20001), np.logspace(-300, 300, 201), [0.5, 1.0, 2.0, 3.0, 1e-320]]
    )
    want = np.array([math.lgamma(v) for v in xs])
    assert _rel_or_abs(S.lgamma_f64(xs), want) < 5e-15
    np.testing.assert_array_equal(S.lgamma_f64([0.0, -1.0, -2.0, np.inf, -np.inf, -1e300]), np.inf)


def test_kernels_against_mpmath():
    mpmath = pytest.importorskip("mpmath")
    mpmath.mp.dps = 40
    xs = np.concatenate([np.linspace(-9.7, 30, 1501), np.logspace(-200, 200, 81)])
    xs = xs[np.abs(xs - np.round(xs)) > 1e-6]
    want = np.array([float(mpmath.digamma(v)) for v in xs])
    assert _rel_or_abs(S.digamma_f64(xs), want) < 5e-15
    want = np.array([float(mpmath.loggamma(v).real) for v in xs])
    assert _rel_or_abs(S.lgamma_f64(xs), want) < 5e-15
    # Next to the zeros of lgamma at 1 and 2 the error is relative too.
    near = np.array([1 + 1e-9, 1 - 1e-7, 2 + 1e-10, 2 - 3e-8, 1.25, 1.75])
    want = np.array([float(mpmath.loggamma(v).real) for v in near])
    np.testing.assert_allclose(S.lgamma_f64(near), want, rtol=1e-14)
    ys = np.concatenate(
        [
            np.linspace(-0.999999, 0.999999, 1001),
            1 - np.logspace(-16, -1, 60),
            np.logspace(-300, -1, 30),
        ]
    )
    want = np.array([float(mpmath.erfinv(v)) for v in ys])
    np.testing.assert_allclose(S.erf_inv_f64(ys), want, rtol=5e-15)
    ss = np.array([2.0, 3.0, 2.5, 5.0, 10.0, 2.0, 2.0, 4.0, 1.5, 2.0, 3.0, 7.0])
    aa = np.array([1.0, 0.3, 7.2, 0.01, 2.0, -0.5, -7.25, 100.0, 1e-3, 1e6, -2.5, 0.5])
    want = np.array([float(mpmath.zeta(s, a)) for s, a in zip(ss, aa)])
    np.testing.assert_allclose(S.zeta_f64(ss, aa), want, rtol=1e-14)
    nn = np.array([1.0, 2.0, 3.0, 1.0, 4.0, 1.0, 2.0, 0.0, 1.0])
    xx = np.array([0.5, 0.5, 2.3, -0.5, 10.2, 1e-5, 100.0, 3.0, 1.4616])
    want = np.array([float(mpmath.polygamma(int(n), x)) for n, x in zip(nn, xx)])
    np.testing.assert_allclose(S.polygamma_f64(nn, xx), want, rtol=1e-14)


def test_kernels_against_jax_scipy(jax, both64):
    from jax.scipy import special as jss

    xs = np.linspace(-9.7, 30, 997)
    np.testing.assert_allclose(S.digamma_f64(xs), jss.digamma(xs), rtol=1e-12, atol=1e-13)
    ys = np.linspace(-0.99, 0.99, 999)
    np.testing.assert_allclose(S.erf_inv_f64(ys), jss.erfinv(ys), rtol=1e-9)


def test_kernels_large_arrays_are_vectorised():
    # 300k elements in well under a few seconds each (no per-element Python).
    import time

    x = np.random.default_rng(0).standard_normal(300_000) * 5
    for k in (S.erf_f64, S.erfc_f64, S.lgamma_f64, S.digamma_f64):
        t = time.perf_counter()
        k(x)
        assert time.perf_counter() - t < 5.0
    t = time.perf_counter()
    S.erf_inv_f64(np.tanh(x))
    assert time.perf_counter() - t < 10.0


# ----------------------------------------------------------------------------------------------
# bitcast_convert_type


def test_bitcast_convert_type(jax):
    x = np.array([1.0, -2.5, np.inf], np.float32)
    for dt in [np.int32, np.uint32, np.int8, np.float16, np.uint16]:
        _assert_same(
            LITE.bitcast_convert_type(x, dt), jax.lax.bitcast_convert_type(x, dt), 0, 0, str(dt)
        )
    i8 = np.arange(12, dtype=np.int8).reshape(3, 4)
    _assert_same(
        LITE.bitcast_convert_type(i8, np.float32),
        jax.lax.bitcast_convert_type(i8, np.float32),
        0,
        0,
        "merge",
    )
    _assert_same(
        LITE.bitcast_convert_type(1.0, np.int32),
        jax.lax.bitcast_convert_type(1.0, np.int32),
        0,
        0,
        "weak",
    )
    tu.check_batching(lambda a: LITE.bitcast_convert_type(a, np.int8), [np.ones((2, 3))], in_axes=1)
    tu.check_batching(lambda a: LITE.bitcast_convert_type(a, np.float32), [i8[:, None]], in_axes=0)


@pytest.mark.parametrize("src", [np.float16, np.float32, np.float64])
@pytest.mark.parametrize(
    "dst", [np.int8, np.uint8, np.int16, np.int32, np.uint32, np.int64, np.uint64]
)
def test_float_to_int_conversion_saturates_like_xla(src, dst):
    import jax  # test-only oracle

    x = np.array(
        [-1.7, -0.5, 0.5, 254.9, 256.0, 1e10, -1e10, np.nan, np.inf, -np.inf, 2.0**31, 3e9],
        np.float64,
    )
    with jaxlite.enable_x64(True), np.errstate(all="ignore"):
        x = x.astype(src)
        jax.config.update("jax_enable_x64", True)
        try:
            want = np.asarray(jax.lax.convert_element_type(x, dst))
        finally:
            jax.config.update("jax_enable_x64", False)
        got = np.asarray(jaxlite.lax.convert_element_type(jaxlite.numpy.asarray(x), dst))
        jitted = np.asarray(jaxlite.jit(lambda v: jaxlite.lax.convert_element_type(v, dst))(x))
    np.testing.assert_array_equal(got, want)
    np.testing.assert_array_equal(jitted, want)
    assert got.dtype == want.dtype == np.dtype(dst)
