"""Elementwise jnp functions: values against NumPy; dtypes, weak types and values against JAX;
type promotion and broadcasting (including the jaxprs they stage); errors; the eager fast
path against the traced path."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from test_numpy_util import arr, check_vs_jax

import jaxlite
import jaxlite.numpy as jnp

RNG = np.random.RandomState(0)
F32 = arr(RNG.randn(3) * 2, np.float32)
F32_2D = arr(RNG.randn(2, 3) * 2, np.float32)
F16 = arr(RNG.randn(3), np.float16)
I32 = arr([-3, 0, 5], np.int32)
I8 = arr([-3, 1, 5], np.int8)
U8 = arr([3, 1, 5], np.uint8)
B = arr([True, False, True])
C64 = arr([1 + 2j, -1j, 3], np.complex64)
KINDS = {
    "f32": F32,
    "f16": F16,
    "i32": I32,
    "u8": U8,
    "b": B,
    "c64": C64,
    "pyfloat": 1.5,
    "pyint": 2,
    "pybool": True,
    "pyneg": -2,
}

UNARY = """sin cos tan arcsin arccos arctan sinh cosh tanh arcsinh arccosh arctanh exp exp2
expm1 log log1p log2 log10 sqrt cbrt deg2rad rad2deg radians degrees reciprocal sinc negative
sign square positive absolute abs floor ceil trunc round around rint isfinite isnan isinf
isposinf isneginf signbit logical_not invert bitwise_not conjugate conj real imag angle""".split()

BINARY = """add subtract multiply true_divide divide maximum minimum arctan2 nextafter fmod
equal not_equal less less_equal greater greater_equal bitwise_and bitwise_or bitwise_xor
logical_and logical_or logical_xor left_shift right_shift remainder mod floor_divide divmod
power float_power fmax fmin copysign heaviside hypot logaddexp logaddexp2""".split()

PAIRS = [
    ("f32", "f16"),
    ("f32", "i32"),
    ("i32", "u8"),
    ("b", "b"),
    ("b", "i32"),
    ("f32", "pyfloat"),
    ("pyint", "f16"),
    ("i32", "pyint"),
    ("u8", "pyneg"),
    ("pyfloat", "pyint"),
    ("pybool", "f32"),
    ("f32_2d", "f32"),
    ("c64", "f32"),
]
KINDS["f32_2d"] = F32_2D

# Known difference from JAX: arctan2 of complex arguments (JAX takes another branch cut).
SKIP = {("arctan2", "c64", "f32")}


@pytest.fixture(scope="module")
def jax_np():
    jax = pytest.importorskip("jax")
    return jax.numpy


@pytest.mark.parametrize("name", UNARY)
def test_unary_vs_jax(jax_np, name):
    for kind, x in KINDS.items():
        if kind == "f32_2d" or (name, kind) in SKIP:
            continue
        check_vs_jax(jax_np, name, (x,))


@pytest.mark.parametrize("name", BINARY)
def test_binary_vs_jax(jax_np, name):
    for k1, k2 in PAIRS:
        if (name, k1, k2) in SKIP:
            continue
        check_vs_jax(jax_np, name, (KINDS[k1], KINDS[k2]))
        if k1 != k2:
            check_vs_jax(jax_np, name, (KINDS[k2], KINDS[k1]))


@pytest.mark.parametrize(
    "name,np_name",
    [
        ("sin", "sin"),
        ("exp", "exp"),
        ("log1p", "log1p"),
        ("arctan", "arctan"),
        ("tanh", "tanh"),
        ("sqrt", "sqrt"),
        ("cbrt", "cbrt"),
        ("exp2", "exp2"),
        ("log2", "log2"),
        ("log10", "log10"),
        ("floor", "floor"),
        ("rint", "rint"),
        ("trunc", "trunc"),
        ("sign", "sign"),
        ("square", "square"),
        ("abs", "abs"),
        ("reciprocal", "reciprocal"),
        ("deg2rad", "deg2rad"),
        ("isfinite", "isfinite"),
        ("signbit", "signbit"),
        ("sinc", "sinc"),
    ],
)
def test_unary_vs_numpy(name, np_name):
    x = np.array([-2.5, -1.0, -0.0, 0.0, 0.5, 1.5, 2.5, 3.0], np.float32)
    if name in ("sqrt", "log2", "log10", "log1p"):
        x = np.abs(x) + 0.5
    got = getattr(jnp, name)(x)
    want = getattr(np, np_name)(x)
    assert got.dtype == want.dtype
    np.testing.assert_allclose(np.asarray(got), want, rtol=2e-6)


@pytest.mark.parametrize(
    "name",
    [
        "add",
        "subtract",
        "multiply",
        "divide",
        "power",
        "maximum",
        "minimum",
        "remainder",
        "floor_divide",
        "fmod",
        "arctan2",
        "hypot",
        "logaddexp",
        "copysign",
        "fmax",
        "fmin",
        "heaviside",
        "nextafter",
    ],
)
def test_binary_vs_numpy(name):
    x = np.array([-3.5, -1.0, 0.0, 2.0, 7.25, np.nan], np.float32)
    y = np.array([2.0, -0.75, 1.5, 3.0, -2.0, 1.0], np.float32)
    if name == "power":
        x = np.abs(x)
    got = getattr(jnp, name)(x, y)
    want = getattr(np, name)(x, y)
    assert got.dtype == want.dtype
    np.testing.assert_allclose(np.asarray(got), want, rtol=2e-6, atol=1e-7)


def test_integer_division_semantics():
    x = np.array([-7, -3, 0, 3, 7], np.int32)
    y = np.array([2, -2, 3, 2, -3], np.int32)
    np.testing.assert_array_equal(np.asarray(jnp.floor_divide(x, y)), x // y)
    np.testing.assert_array_equal(np.asarray(jnp.remainder(x, y)), np.remainder(x, y))
    np.testing.assert_array_equal(np.asarray(x % jnp.asarray(y)), x % y)
    # Integer x % 0 and fmod by zero give 0 (no error), as in JAX.
    assert int(jnp.remainder(5, 0)) == 0
    assert int(jnp.fmod(jnp.int32(5), 0)) == 0


def test_power_special_cases():
    x = jnp.arange(4, dtype=jnp.int32)
    np.testing.assert_array_equal(np.asarray(x**3), np.arange(4) ** 3)
    np.testing.assert_array_equal(np.asarray(jnp.power(x, x)), np.arange(4) ** np.arange(4))
    assert jnp.power(2, 10).dtype == np.int32
    assert float(jnp.power(jnp.float32(2.0), jnp.int32(3))) == 8.0
    jaxpr = str(jaxlite.make_jaxpr(lambda v: v**2)(1.0))
    assert "integer_pow[y=2]" in jaxpr


def test_where_and_clip():
    c = np.array([True, False, True])
    np.testing.assert_array_equal(np.asarray(jnp.where(c, 1.0, 2.0)), [1.0, 2.0, 1.0])
    assert jnp.where(c, 1.0, 2.0).weak_type
    out = jnp.where(np.array([[1], [0]]), np.arange(3.0), -1)
    np.testing.assert_array_equal(np.asarray(out), np.where([[1], [0]], np.arange(3.0), -1))
    (idx,) = jnp.where(np.array([0, 3, 0, 1]))
    np.testing.assert_array_equal(np.asarray(idx), [1, 3])
    x = np.linspace(-2, 2, 5).astype(np.float32)
    np.testing.assert_array_equal(np.asarray(jnp.clip(x, -1, 1)), np.clip(x, -1, 1))
    np.testing.assert_array_equal(np.asarray(jnp.clip(x, max=0.5)), np.minimum(x, 0.5))
    assert jnp.clip(np.arange(3, dtype=np.int32), 1.5).dtype == np.float32
    with pytest.raises(ValueError):
        jnp.where(c, 1.0)


def test_isclose_allclose():
    a = np.array([1.0, np.inf, -np.inf, np.nan, 1.0], np.float32)
    b = np.array([1.0 + 1e-7, np.inf, np.inf, np.nan, 1.1], np.float32)
    np.testing.assert_array_equal(np.asarray(jnp.isclose(a, b)), np.isclose(a, b))
    np.testing.assert_array_equal(
        np.asarray(jnp.isclose(a, b, equal_nan=True)), np.isclose(a, b, equal_nan=True)
    )
    assert bool(jnp.allclose(np.ones(3), np.ones(3) + 1e-9))
    assert not bool(jnp.allclose(np.ones(3), np.zeros(3)))


# ----------------------------------------------------------------------------------------------
# Promotion and broadcasting


@pytest.mark.parametrize(
    "x,y,dtype,weak",
    [
        (1, 2, "int32", True),
        (1, 2.0, "float32", True),
        (True, 1, "int32", True),
        (True, True, "bool", False),
        (np.int8(1), 1000, "int8", False),
        (np.float16(1), 2.0, "float16", False),
        (np.int32(1), 1.5, "float32", True),
        (np.uint8(1), np.int8(1), "int16", False),
        (np.uint32(1), np.int32(1), "int32", False),
        (np.float16(1), np.int64(1), "float16", False),
        (1j, np.float32(1), "complex64", False),
    ],
)
def test_promotion_table(x, y, dtype, weak):
    out = jnp.add(x, y)
    assert out.dtype == np.dtype(dtype)
    assert out.weak_type == weak


def test_python_int_parsing():
    # Python ints parse as int32, then cast (wrapping) to the result dtype, as in JAX.
    np.testing.assert_array_equal(np.asarray(jnp.ones(2, jnp.uint8) + 1000), [233, 233])
    with pytest.raises(OverflowError):
        jnp.ones(2) + 2**40


def test_broadcasting_errors_name_op_and_shapes():
    # As in JAX: operands of one rank reach lax, whose error names the lax operation; rank
    # promotion of operands of different ranks raises a ValueError listing the shapes.
    with pytest.raises(
        TypeError,
        match=r"add got incompatible shapes for broadcasting: "
        r"\(3,\), \(4,\)",
    ):
        jnp.add(jnp.ones(3), jnp.ones(4))
    with pytest.raises(TypeError, match=r"^max got incompatible shapes.*\(2, 3\), \(4, 3\)"):
        jnp.maximum(jnp.ones((2, 3)), jnp.ones((4, 3)))
    with pytest.raises(
        ValueError, match=r"^Incompatible shapes for broadcasting: shapes=\[\(2, 3\), \(2,\)\]$"
    ):
        jnp.ones((2, 3)) * jnp.ones(2)
    with pytest.raises(
        ValueError, match=r"^Incompatible shapes for broadcasting: shapes=\[\(2, 3\), \(2,\)\]$"
    ):
        jaxlite.make_jaxpr(lambda x, y: x * y)(jnp.ones((2, 3)), jnp.ones(2))
    with pytest.raises(
        ValueError,
        match=r"^Incompatible shapes for broadcasting: shapes=\[\(2, 3\), \(\), \(4, 3\)\]$",
    ):
        jnp.where(jnp.ones((2, 3)) > 0, 1.0, jnp.ones((4, 3)))
    with pytest.raises(
        TypeError,
        match="add requires ndarray or scalar arguments, got <class 'list'> at position 1",
    ):
        jnp.add(jnp.ones(3), [1, 2, 3])
    with pytest.raises(TypeError, match="unsupported operand"):
        jnp.ones(3) + [1, 2, 3]


def test_broadcast_values():
    a = np.arange(6, dtype=np.float32).reshape(2, 3)
    np.testing.assert_array_equal(np.asarray(jnp.add(a, np.arange(3.0))), a + np.arange(3.0))
    np.testing.assert_array_equal(np.asarray(jnp.add(a[:, :1], a[:1])), a[:, :1] + a[:1])


EXPECTED_JAXPR = """{ lambda ; a:f32[] b:f32[3]. let
    c:f32[] = sin a
    d:f32[] = convert_element_type[new_dtype=float32 weak_type=False] c
    e:f32[3] = mul d b
    f:f32[3] = add e 2.0:f32[]
  in (f,) }"""


def test_jaxpr_of_promotion_matches_jax():
    got = str(jaxlite.make_jaxpr(lambda x, y: jnp.sin(x) * y + 2.0)(1.0, jnp.ones(3)))
    assert got == EXPECTED_JAXPR


def test_jaxpr_of_promotion_live(jax_np):
    import jax

    cases = [
        (
            lambda x, y: jnp.sin(x) * y + 2.0,
            lambda x, y: jax_np.sin(x) * y + 2.0,
            (1.0, np.ones(3, np.float32)),
        ),
        (lambda x, y: x + y, lambda x, y: x + y, (1, np.ones(3, np.float32))),
        (lambda x: x + 1.5, lambda x: x + 1.5, (1,)),
        (lambda x: x * True, lambda x: x * True, (1.0,)),
        (lambda x: jnp.isnan(x), lambda x: jax_np.isnan(x), (np.ones(3, np.float32),)),
        (lambda x: jnp.log2(x), lambda x: jax_np.log2(x), (np.ones(3, np.float32),)),
    ]
    for lite_f, jax_f, args in cases:
        want = str(jax.make_jaxpr(jax_f)(*args))
        got = str(jaxlite.make_jaxpr(lite_f)(*args))
        assert got == want


# ----------------------------------------------------------------------------------------------
# Eager fast path == traced path


FAST_UNARY = [
    "sin",
    "cos",
    "exp",
    "log",
    "tanh",
    "sqrt",
    "negative",
    "sign",
    "floor",
    "ceil",
    "abs",
]
FAST_BINARY = [
    "add",
    "subtract",
    "multiply",
    "divide",
    "maximum",
    "minimum",
    "equal",
    "less",
    "greater_equal",
    "arctan2",
]


@pytest.mark.parametrize("name", FAST_UNARY)
def test_fast_path_unary_matches_traced(name):
    f = getattr(jnp, name)
    for x in [
        jnp.asarray(np.linspace(0.1, 2, 5, dtype=np.float32)),
        jnp.asarray(0.5),
        jnp.asarray(np.ones(3, np.float16)),
        jnp.asarray(np.arange(3, dtype=np.int32)),
    ]:
        eager = f(x)
        traced = jaxlite.jit(f)(x)
        assert eager.dtype == traced.dtype and eager.weak_type == traced.weak_type
        np.testing.assert_array_equal(np.asarray(eager), np.asarray(traced))


@pytest.mark.parametrize("name", FAST_BINARY)
def test_fast_path_binary_matches_traced(name):
    f = getattr(jnp, name)
    x = jnp.asarray(np.linspace(0.1, 2, 4, dtype=np.float32))
    w = jnp.asarray(0.25)  # weak
    i = jnp.asarray(np.arange(4, dtype=np.int32))
    for a, b in itertools.product([x, w, i, 2, 1.5], repeat=2):
        if not isinstance(a, jnp.ndarray) and not isinstance(b, jnp.ndarray):
            continue
        eager = f(a, b)
        traced = jaxlite.jit(f)(a, b)
        assert eager.dtype == traced.dtype, (a, b)
        assert eager.weak_type == traced.weak_type, (a, b)
        np.testing.assert_array_equal(np.asarray(eager), np.asarray(traced))


def test_operators_defer_to_unknown_types():
    class Other:
        def __radd__(self, other):
            return "radd"

        def __eq__(self, other):
            return "eq"

    x = jnp.ones(2)
    assert x + Other() == "radd"
    assert (x == None) is False  # noqa: E711
    assert (x != "a") is True


def test_numpy_scalar_and_array_operands():
    x = jnp.arange(3.0)
    out = np.ones(3) + x
    assert isinstance(out, jnp.ndarray) and out.dtype == np.float32
    out = np.float32(2) * x
    assert isinstance(out, jnp.ndarray) and out.dtype == np.float32


@pytest.fixture
def both_x64(jax_np):
    import jax

    from jaxlite._src.config import config

    prev = jax.config.jax_enable_x64
    jax.config.update("jax_enable_x64", True)
    config.update("jax_enable_x64", True)
    yield
    jax.config.update("jax_enable_x64", prev)
    config.update("jax_enable_x64", False)


def test_x64_promotion_vs_jax(jax_np, both_x64):
    kinds = [
        arr([1.5, -2.0, 0.5]),
        arr([1.5, -2.0, 0.5], np.float32),
        arr([3, -1, 2]),
        arr([3, -1, 2], np.int32),
        1.5,
        2,
        arr([True, False, True]),
    ]
    for name in [
        "add",
        "multiply",
        "true_divide",
        "power",
        "floor_divide",
        "remainder",
        "maximum",
        "arctan2",
        "logaddexp",
    ]:
        for a, b in itertools.product(kinds, repeat=2):
            check_vs_jax(jax_np, name, (a, b))
    for name in ["sin", "sqrt", "round", "square", "isnan", "sum", "mean", "cumsum"]:
        for a in kinds:
            check_vs_jax(jax_np, name, (a,))


def test_rank_promotion_staging():
    # jnp only adds leading size-1 axes; lax broadcasts size-1 dimensions (as in JAX).
    f32 = lambda *s: np.ones(s, np.float32)  # noqa: E731
    text = str(jaxlite.make_jaxpr(lambda x, y: x + y)(f32(3), f32(2, 3)))
    assert "c:f32[1,3] = broadcast_in_dim[broadcast_dimensions=(1,)] a" in text
    assert "d:f32[2,3] = add c b" in text
    text = str(jaxlite.make_jaxpr(lambda x, y: x * y)(f32(3, 1), f32(1, 4)))
    assert "broadcast_in_dim" not in text and "c:f32[3,4] = mul a b" in text
    # Nothing staged and dropped when a fast route declines (one rank promotion only).
    for f, args in [
        (lambda x, y: x & y, (np.ones(3, bool), np.ones((2, 3), bool))),
        (lambda x, y: x / y, (np.ones(3, np.int32), np.ones((2, 3), np.int32))),
        (jnp.left_shift, (np.ones(3, np.int32), np.ones((2, 3), np.int32))),
    ]:
        text = str(jaxlite.make_jaxpr(f)(*args))
        assert " _:" not in text, text
    # Values and gradients are those of full broadcasting.
    x, y = np.arange(3, dtype=np.float32), np.arange(6, dtype=np.float32).reshape(2, 3)
    np.testing.assert_array_equal(np.asarray(jaxlite.jit(jnp.add)(x, y)), x + y)
    g = jaxlite.grad(lambda a, b: jnp.sum(a * b), argnums=(0, 1))(x[:, None], y[:1])
    np.testing.assert_allclose(np.asarray(g[0]), np.full((3, 1), y[0].sum()))
    np.testing.assert_allclose(np.asarray(g[1]), np.full((1, 3), x.sum()))
    out = jaxlite.vmap(lambda a, b: a + b, in_axes=(0, None))(np.ones((5, 2, 1)), x)
    assert out.shape == (5, 2, 3)


def test_python_scalar_literals_keep_their_value():
    # A weak Python scalar operand reaches lax as it is and prints in full, as in JAX; a
    # strong operand rounds it.
    text = str(jaxlite.make_jaxpr(lambda x: x / 3.0 + 1 / 3)(1.0))
    assert "add b 0.3333333333333333:f32[]" in text
    text = str(jaxlite.make_jaxpr(lambda x: x * 0.1)(np.ones(3, np.float32)))
    assert "mul a 0.10000000149011612:f32[]" in text
    text = str(jaxlite.make_jaxpr(lambda z: z + (0.1 + 1j))(jnp.asarray(1j)))
    assert "add a (0.1+1j):c64[]" in text
    text = str(jaxlite.make_jaxpr(lambda x: jnp.sin(0.1) * x)(1.0))
    assert "sin 0.1:f32[]" in text
    # Results are arrays, never the Python scalars themselves.
    fs = [
        lambda x: jnp.positive(0.1),
        lambda x: jnp.floor(3),
        lambda x: jnp.real(0.1),
        lambda x: jnp.full((), 0.1),
        lambda x: jnp.clip(0.1),
        lambda x: jnp.absolute(2),
        lambda x: jnp.where(True, 0.1, 0.2),
        lambda x: jnp.maximum(0.1, 0.2),
        lambda x: jnp.add(0.1, 2),
        lambda x: jnp.nan_to_num(0.1),
        lambda x: jnp.float_power(2, 0.5),
    ]
    for f in fs:
        out = jaxlite.jit(f)(1.0)
        assert isinstance(out, jaxlite.Array) and out.weak_type, (f, out)
        traced = jaxlite.make_jaxpr(lambda x, f=f: f(x) * x)(1.0)
        assert traced.out_avals[0].weak_type
    # Python ints keep JAX's range check.
    with pytest.raises(OverflowError):
        jaxlite.jit(lambda x: x + 2**40)(1)


def test_round_of_bool_and_hypot_of_complex_raise_value_error_as_jax():
    with pytest.raises(ValueError, match="not inexact"):
        jnp.round(jnp.array([True, False]))
    with pytest.raises(ValueError, match="hypot is not well defined for complex"):
        jnp.hypot(jnp.array([1j]), jnp.array([2.0]))


def test_complex_maximum_minimum_pick_lexicographically_as_xla():
    # XLA picks x where it compares lexicographically greater (less) than y, else y: a NaN
    # does not propagate as in NumPy, and the result depends on the operand order.
    jnp_ref = pytest.importorskip("jax").numpy
    x = np.array([1 + 2j, -1j, 0, np.nan + 1j, 3 - 0j, 1 + np.nan * 1j, 2 + 1j], np.complex64)
    y = np.array([3 - 0j, np.nan + 1j, 0, -1j, 1 + 2j, 1 + 0j, 2 + 1j], np.complex64)
    for name in ("maximum", "minimum"):
        want = np.asarray(getattr(jnp_ref, name)(x, y))
        for got in (getattr(jnp, name)(x, y), jaxlite.jit(getattr(jnp, name))(x, y)):
            assert np.asarray(got).tobytes() == want.tobytes(), name
