"""Reductions, cumulative reductions and sorting: against NumPy values and against JAX
(dtypes, weak types, values), with axis/keepdims/where/dtype/initial arguments, and their
derivatives."""

from __future__ import annotations

import numpy as np
import pytest
from test_numpy_util import arr, check_vs_jax

import jaxlite
import jaxlite.numpy as jnp
from jaxlite import test_util as tu

RNG = np.random.RandomState(0)
A = arr(RNG.randn(3, 4), np.float32)
A3 = arr(RNG.randn(2, 3, 4), np.float32)
INT = arr(RNG.randint(-5, 5, (3, 4)), np.int32)
I8 = arr(RNG.randint(-5, 5, (3, 4)), np.int8)
U8 = arr(RNG.randint(0, 5, (3, 4)), np.uint8)
B = arr(RNG.rand(3, 4) > 0.5)
H = arr(RNG.randn(3, 4), np.float16)
C = arr(RNG.randn(3, 4) + 1j * RNG.randn(3, 4), np.complex64)
M = arr(RNG.rand(3, 4) > 0.3)
INPUTS = {"f32": A, "i32": INT, "i8": I8, "u8": U8, "bool": B, "f16": H, "c64": C}
AXES = [
    {},
    {"axis": 0},
    {"axis": -1},
    {"axis": (0, 1)},
    {"keepdims": True},
    {"axis": 1, "keepdims": True},
]
REDUCTIONS = """sum prod max min all any mean var std argmax argmin ptp count_nonzero nansum
nanmax nanmin nanmean median""".split()


@pytest.fixture(scope="module")
def jax_np():
    return pytest.importorskip("jax").numpy


@pytest.mark.parametrize("name", REDUCTIONS)
def test_reductions_vs_jax(jax_np, name):
    for kind, x in INPUTS.items():
        if kind == "f16" and name in ("sum", "nansum", "nanmean"):
            continue  # XLA accumulates float16 sums in float32; checked separately below
        for kw in AXES:
            if name in ("argmax", "argmin") and isinstance(kw.get("axis"), tuple):
                continue
            check_vs_jax(jax_np, name, (x,), kw)


@pytest.mark.parametrize("name", ["cumsum", "cumprod", "sort", "argsort"])
def test_cumulative_and_sort_vs_jax(jax_np, name):
    for x in INPUTS.values():
        for kw in [{}, {"axis": 0}, {"axis": -1}, {"axis": None}]:
            check_vs_jax(jax_np, name, (x,), kw)


def test_reduction_arguments_vs_jax(jax_np):
    for name in ("sum", "prod", "mean"):
        for x in (A, INT, I8, B):
            check_vs_jax(jax_np, name, (x,), {"dtype": np.float32})
            check_vs_jax(jax_np, name, (x,), {"where": M})
    for name in ("max", "min"):
        check_vs_jax(jax_np, name, (A,), {"where": M, "initial": 0.0})
        check_vs_jax(jax_np, name, (A,), {"initial": 0.5, "axis": 0})
        check_vs_jax(jax_np, name, (arr(np.zeros((0, 3), np.float32)),), {"axis": 0})
    check_vs_jax(jax_np, "sum", (A,), {"initial": 1.0})
    check_vs_jax(jax_np, "sum", (arr(np.zeros((0, 3), np.float32)),), {"axis": 0})
    check_vs_jax(jax_np, "var", (A,), {"ddof": 1})
    check_vs_jax(jax_np, "std", (INT,), {"ddof": 1, "axis": 0})
    check_vs_jax(jax_np, "var", (A,), {"where": M})
    check_vs_jax(jax_np, "var", (arr(np.ones(1, np.float32)),), {"ddof": 1})
    for scalar in (2.0, 2, True):
        for name in ("mean", "sum", "max", "var"):
            check_vs_jax(jax_np, name, (scalar,))
    check_vs_jax(jax_np, "argmax", (arr(np.array([1.0, np.nan, 3.0], np.float32)),))
    check_vs_jax(jax_np, "argmin", (arr(np.array([1, 0, 0], np.int32)),), {"keepdims": True})
    check_vs_jax(jax_np, "sort", (A,), {"descending": True})
    check_vs_jax(jax_np, "argsort", (arr(np.array([3, 1, 2, 1], np.int32)),), {"descending": True})
    check_vs_jax(jax_np, "quantile", (A, 0.3))
    check_vs_jax(jax_np, "percentile", (A, 30), {"axis": 1})
    check_vs_jax(jax_np, "average", (A,), {"axis": 1, "weights": arr(np.arange(4.0))})
    check_vs_jax(jax_np, "cumsum", (I8,), {"axis": 1, "dtype": np.int32})


@pytest.mark.parametrize(
    "name", ["sum", "prod", "max", "min", "mean", "var", "std", "argmax", "argmin", "all", "any"]
)
def test_reductions_vs_numpy(name):
    x = RNG.randn(3, 4, 5).astype(np.float32)
    for axis in (None, 0, 2, (0, 2)):
        if name in ("argmax", "argmin") and isinstance(axis, tuple):
            continue
        got = getattr(jnp, name)(x, axis=axis)
        want = getattr(np, name)(x, axis=axis)
        np.testing.assert_allclose(np.asarray(got), want, rtol=2e-5, atol=1e-6)
        if name not in ("argmax", "argmin"):
            got = getattr(jnp, name)(x, axis=axis, keepdims=True)
            assert got.shape == getattr(np, name)(x, axis=axis, keepdims=True).shape


def test_integer_mean_is_float32():
    x = np.arange(6, dtype=np.int32)
    assert jnp.mean(x).dtype == np.float32
    assert jnp.var(x).dtype == np.float32
    assert jnp.sum(x.astype(np.int8)).dtype == np.int32
    assert jnp.sum(np.ones(3, bool)).dtype == np.int32
    assert jnp.sum(x.astype(np.uint8)).dtype == np.uint32


def test_empty_reduction_errors():
    with pytest.raises(ValueError, match="zero-size array to reduction operation max"):
        jnp.max(np.zeros((0,), np.float32))
    with pytest.raises(ValueError, match="initial"):
        jnp.max(np.ones(3, np.float32), where=np.ones(3, bool))
    with pytest.raises(ValueError):
        jnp.argmax(np.zeros((0,), np.float32))
    with pytest.raises(ValueError):
        jnp.sum(np.ones((2, 3)), axis=2)


def test_sort_values():
    x = np.array([3.0, np.nan, -1.0, 2.0, -np.inf], np.float32)
    np.testing.assert_array_equal(np.asarray(jnp.sort(x)), np.sort(x))
    np.testing.assert_array_equal(np.asarray(jnp.argsort(x)), np.argsort(x, kind="stable"))
    y = RNG.randint(0, 3, (4, 6)).astype(np.int32)
    np.testing.assert_array_equal(
        np.asarray(jnp.argsort(y, axis=0)), np.argsort(y, axis=0, kind="stable")
    )
    np.testing.assert_array_equal(np.asarray(jnp.cumsum(y, axis=1)), np.cumsum(y, axis=1))


@pytest.fixture
def x64_on(x64):
    yield


def test_reduction_gradients(x64_on):
    x = RNG.randn(3, 4)
    for f in [
        lambda v: jnp.sum(v**2, axis=0),
        lambda v: jnp.mean(v, axis=1),
        lambda v: jnp.var(v, axis=0, ddof=1),
        lambda v: jnp.std(v),
        lambda v: jnp.max(v, axis=1),
        lambda v: jnp.prod(v, axis=0),
        lambda v: jnp.cumsum(v, axis=1),
        lambda v: jnp.sort(v, axis=0),
        lambda v: jnp.sum(v, where=v > 0),
    ]:
        tu.check_grads(f, (jnp.asarray(x),), order=2, modes=("fwd", "rev"))


def test_reductions_under_vmap_and_jit():
    x = jnp.asarray(RNG.randn(5, 3, 4).astype(np.float32))
    out = jaxlite.vmap(lambda v: jnp.var(v, axis=0))(x)
    np.testing.assert_allclose(np.asarray(out), np.var(np.asarray(x), axis=1), rtol=1e-5)
    out = jaxlite.jit(lambda v: jnp.argmax(v, axis=-1))(x)
    np.testing.assert_array_equal(np.asarray(out), np.argmax(np.asarray(x), axis=-1))


def test_scalar_cumulative_and_complex_masked_extrema_match_jax():
    jax_np = pytest.importorskip("jax").numpy
    c = np.asarray([1 + 2j, 3j, 2 + 0j], np.complex64)
    mask = np.asarray([True, False, True])
    cases = [
        lambda m: m.cumsum(m.asarray(2.0), axis=0),
        lambda m: m.cumsum(2.0, axis=-1),
        lambda m: m.cumprod(3, axis=0),
        lambda m: m.max(m.asarray(c), where=mask, initial=0j),
        lambda m: m.min(m.asarray(c), where=mask, initial=5 + 5j),
        lambda m: m.max(m.asarray(c), where=mask, initial=m.asarray(3.0 + 0j)),
    ]
    for case in cases:
        want, got = case(jax_np), case(jnp)
        np.testing.assert_array_equal(np.asarray(got), np.asarray(want))
        assert got.dtype == want.dtype and got.shape == want.shape
    # A scalar has one axis here: axis 1 is out of bounds, with JAX's error type.
    for m in (jax_np, jnp):
        with pytest.raises(ValueError, match="axis 1 is out of bounds for array of dimension 1"):
            m.cumsum(2.0, axis=1)


_AN = A3.value.copy()
_AN[1, 2, 3] = np.nan
_AN[0, :, 1] = np.nan
_QUANTILE_CASES = [
    ("quantile", (A3, 0.3), {"axis": 1}),
    (
        "quantile",
        (A3, arr(np.array([0.1, 0.55, 0.9], np.float32))),
        {"axis": (0, 2), "keepdims": True},
    ),
    ("quantile", (arr(np.array([3.0, 1.0, np.nan, 2.0], np.float32)), 0.5), {}),
    ("quantile", (A3, 0.5), {"axis": 0, "method": "higher"}),
    ("quantile", (A3, 0.3), {"method": "lower"}),
    ("quantile", (A3, arr(np.array([0.2, 0.8], np.float32))), {"axis": 2, "method": "nearest"}),
    ("quantile", (H, 0.3), {}),
    ("quantile", (INT, 0.25), {"axis": 1}),
    ("quantile", (A, arr(np.ones((2, 2), np.float32))), {}),
    ("quantile", (A, 0.5), {"method": "foo"}),
    ("median", (INT,), {}),
    ("median", (A3,), {"axis": -1}),
    ("median", (arr(np.array([-np.inf, np.nan, 1.0], np.float32)),), {}),
    ("median", (A,), {"axis": None, "keepdims": True}),
    ("nanquantile", (arr(_AN), arr(np.array([0.2, 0.8], np.float32))), {"axis": 2}),
    ("nanmedian", (arr(_AN),), {"axis": (0, 1)}),
    ("nanmedian", (arr(np.array([np.nan, np.nan], np.float32)),), {}),
    ("percentile", (A3, 37.5), {"axis": 1, "method": "midpoint", "keepdims": True}),
    ("percentile", (arr(np.arange(10.0, dtype=np.float32)), arr(np.array([10, 50], np.int32))), {}),
    ("nanpercentile", (arr(_AN), arr(np.array([5.0, 50.0], np.float32))), {}),
]


@pytest.mark.parametrize("i", range(len(_QUANTILE_CASES)))
def test_quantiles_as_jax(jax_np, i):
    """Values (NaN propagation included), dtypes, shapes and errors of the quantile family;
    interpolation may differ from XLA's fused arithmetic in the last place."""
    name, args, kwargs = _QUANTILE_CASES[i]
    check_vs_jax(jax_np, name, args, kwargs, rtol=1e-6)


def test_quantile_traced_q_and_derivatives(jax_np):
    jax = pytest.importorskip("jax")
    x = np.array([3.0, 1.0, 2.0, 5.0], np.float32)
    got = jaxlite.jit(lambda q: jnp.quantile(jnp.asarray(x), q))(0.3)
    want = jax.jit(lambda q: jax_np.quantile(x, q))(0.3)
    np.testing.assert_allclose(got, want, rtol=1e-6)
    for f in ("quantile", "median"):
        args = (0.3,) if f == "quantile" else ()
        g = jaxlite.grad(lambda a, f=f: getattr(jnp, f)(a, *args))(jnp.asarray(x))
        w = jax.grad(lambda a, f=f: getattr(jax_np, f)(a, *args))(x)
        np.testing.assert_allclose(g, w, rtol=1e-6)
    rows = jaxlite.vmap(jnp.median)(jnp.asarray(A.value))
    np.testing.assert_allclose(rows, np.median(A.value, axis=1), rtol=1e-6)
