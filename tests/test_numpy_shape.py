"""Array creation and shape functions: against NumPy values and against JAX (dtypes, weak
types, values); error messages; the jaxprs of traced creation."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from test_numpy_util import arr, check_vs_jax

import jaxlite
import jaxlite.numpy as jnp

RNG = np.random.RandomState(0)
A = arr(RNG.randn(3, 4), np.float32)
A3 = arr(RNG.randn(2, 3, 4), np.float32)
V = arr(np.arange(3), np.int32)
W = arr(np.arange(4), np.float32)


@pytest.fixture(scope="module")
def jax_np():
    return pytest.importorskip("jax").numpy


CREATION = [
    ("zeros", (3,), {}),
    ("zeros", ((2, 3),), {"dtype": int}),
    ("ones", (3,), {"dtype": np.float16}),
    ("empty", (2,), {}),
    ("full", (3, 1.0), {}),
    ("full", ((2, 3), V), {}),
    ("full", (3, 2.0), {"dtype": np.int32}),
    ("full", ((), True), {}),
    ("zeros_like", (A,), {}),
    ("ones_like", (2.0,), {}),
    ("full_like", (A, 3), {}),
    ("full_like", (V, 2.5), {}),
    ("empty_like", (V,), {}),
    ("ones_like", (A,), {"dtype": np.int32, "shape": (5,)}),
    ("arange", (5,), {}),
    ("arange", (1, 5, 2), {}),
    ("arange", (0, 1, 0.25), {}),
    ("arange", (5.0,), {}),
    ("arange", (0.1, 0.7, 0.1), {}),
    ("arange", (-3,), {}),
    ("arange", (10, 2, -3), {}),
    ("arange", (5,), {"dtype": np.float32}),
    ("linspace", (0, 1, 5), {}),
    ("linspace", (0, 10, 4), {"dtype": np.int32}),
    ("linspace", (0.0, 1.0, 5), {"endpoint": False}),
    ("linspace", (0, 1, 3), {"retstep": True}),
    ("linspace", (arr(np.zeros(2, np.float32)), arr(np.ones(2, np.float32)), 3), {}),
    ("linspace", (2, 3, 1), {}),
    ("linspace", (2, 3, 0), {}),
    ("linspace", (arr(np.zeros(2, np.float32)), 1.0, 4), {"axis": 1}),
    ("logspace", (0, 2, 3), {}),
    ("eye", (3,), {}),
    ("eye", (2, 3), {"k": 1, "dtype": int}),
    ("eye", (3,), {"k": -1}),
    ("identity", (2,), {}),
    ("tri", (3,), {}),
    ("tri", (3, 4, -1), {}),
    ("tril", (A,), {}),
    ("triu", (A, 1), {}),
    ("tril", (A3, -1), {}),
    ("array", (1.0,), {}),
    ("array", ([1, 2],), {}),
    ("array", ([1, 2.0],), {}),
    ("array", ([[1], [2]],), {}),
    ("array", (True,), {}),
    ("array", ([True, 2],), {}),
    ("array", (1.5,), {"dtype": np.int32}),
    ("array", (A,), {}),
    ("array", ((1, 2),), {}),
    ("array", ([],), {}),
    ("array", (1.0,), {"ndmin": 2}),
    ("array", (1j,), {}),
    ("array", ([V, V],), {}),
    ("array", ([arr(np.int32(1)), 2.5],), {}),
    ("asarray", (1,), {}),
    ("asarray", (np.ones(2),), {}),
    ("asarray", (np.float64(1.0),), {}),
    ("asarray", ([np.float32(1), 2.0],), {}),
    ("asarray", (np.arange(3),), {}),
    ("meshgrid", (V, W), {}),
    ("meshgrid", (V, W), {"indexing": "ij"}),
    ("meshgrid", (V, W), {"sparse": True}),
]


@pytest.mark.parametrize("name,args,kwargs", CREATION)
def test_creation_vs_jax(jax_np, name, args, kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        check_vs_jax(jax_np, name, args, kwargs)


SHAPE_OPS = [
    ("reshape", (A, (4, 3))),
    ("reshape", (A, (-1,))),
    ("reshape", (A, (2, -1))),
    ("reshape", (A, (5, -1))),
    ("ravel", (A,)),
    ("transpose", (A,)),
    ("transpose", (A3, (1, 0, 2))),
    ("swapaxes", (A3, 0, 2)),
    ("moveaxis", (A3, 0, -1)),
    ("moveaxis", (A3, (0, 1), (2, 0))),
    ("squeeze", (arr(np.ones((1, 3, 1))),)),
    ("squeeze", (arr(np.ones((1, 3, 1))), 0)),
    ("squeeze", (A, 0)),
    ("expand_dims", (A, 0)),
    ("expand_dims", (A, (0, 3))),
    ("expand_dims", (A, -1)),
    ("concatenate", ([A, A],)),
    ("concatenate", ([A, A], 1)),
    ("concatenate", ([V, W],)),
    ("concatenate", ([A, A3],)),
    ("concatenate", ([A, A], None)),
    ("concatenate", ([1.0, 2.0],)),
    ("stack", ([A, A],)),
    ("stack", ([A, A], -1)),
    ("stack", ([V, V, V],)),
    ("stack", ([A, W],)),
    ("hstack", ([V, W],)),
    ("hstack", ([A, A],)),
    ("vstack", ([V, V],)),
    ("vstack", ([A, A],)),
    ("dstack", ([A, A],)),
    ("column_stack", ([V, V],)),
    ("split", (W, 2)),
    ("split", (A, [1, 3], 1)),
    ("split", (W, 3)),
    ("array_split", (W, 3)),
    ("array_split", (A, 2, 1)),
    ("tile", (V, 2)),
    ("tile", (A, (2, 1))),
    ("tile", (V, (2, 2))),
    ("repeat", (V, 2)),
    ("repeat", (A, 2, 1)),
    ("repeat", (V, arr(np.array([1, 0, 2])))),
    ("broadcast_to", (V, (2, 3))),
    ("broadcast_to", (V, (4,))),
    ("broadcast_arrays", (V, arr(np.ones((2, 1), np.float32)))),
    ("flip", (A,)),
    ("flip", (A, 1)),
    ("fliplr", (A,)),
    ("flipud", (A,)),
    ("rot90", (A,)),
    ("rot90", (A, 2)),
    ("rot90", (A, 3)),
    ("roll", (W, 1)),
    ("roll", (A, -1, 1)),
    ("roll", (A, 2)),
    ("atleast_1d", (1.0,)),
    ("atleast_2d", (V,)),
    ("atleast_3d", (V,)),
    ("atleast_3d", (A,)),
    ("atleast_1d", (V, A)),
    ("pad", (V, 1)),
    ("pad", (A, ((1, 0), (0, 2)))),
    ("pad", (V, (1, 2))),
    ("permute_dims", (A3, (2, 0, 1))),
    ("matrix_transpose", (A3,)),
]


@pytest.mark.parametrize("name,args", SHAPE_OPS)
def test_shape_ops_vs_jax(jax_np, name, args):
    check_vs_jax(jax_np, name, args)


def test_pad_modes_vs_numpy():
    x = np.arange(5, dtype=np.float32)
    for mode in ("edge", "reflect", "symmetric", "wrap"):
        np.testing.assert_array_equal(
            np.asarray(jnp.pad(x, (2, 3), mode=mode)), np.pad(x, (2, 3), mode=mode)
        )
    np.testing.assert_array_equal(
        np.asarray(jnp.pad(x, 1, constant_values=7)), np.pad(x, 1, constant_values=7)
    )


def test_shape_introspection():
    x = np.ones((2, 3))
    assert jnp.ndim(x) == 2 and jnp.shape(x) == (2, 3) and jnp.size(x) == 6
    assert jnp.size(x, 0) == 2
    assert jnp.isscalar(1.0) and jnp.isscalar(jnp.asarray(1.0)) and not jnp.isscalar(x)
    assert jnp.broadcast_shapes((2, 1), (3,)) == (2, 3)
    with pytest.raises(ValueError):
        jnp.broadcast_shapes((2,), (3,))


def test_shape_errors():
    with pytest.raises(TypeError, match="cannot reshape array of shape"):
        jnp.reshape(jnp.ones(6), (4, 2))
    with pytest.raises(ValueError, match="cannot select an axis to squeeze out"):
        jnp.squeeze(jnp.ones((2, 3)), 0)
    with pytest.raises(ValueError, match="Incompatible shapes for broadcasting"):
        jnp.broadcast_to(jnp.ones(3), (4,))
    with pytest.raises(ValueError, match="array split does not result in an equal division"):
        jnp.split(jnp.ones(4), 3)
    with pytest.raises(ValueError, match="Zero-dimensional arrays cannot be concatenated"):
        jnp.concatenate([1.0, 2.0])
    with pytest.raises(ValueError, match="must have the same shape"):
        jnp.stack([jnp.ones(2), jnp.ones(3)])
    with pytest.raises(TypeError, match="Shapes must be 1D sequences of concrete values"):
        jaxlite.jit(lambda n: jnp.zeros(n))(3)


def test_explicit_float64_warns_and_narrows():
    with pytest.warns(UserWarning, match="Explicitly requested dtype float64"):
        x = jnp.zeros(2, dtype=np.float64)
    assert x.dtype == np.float32
    with pytest.warns(UserWarning):
        assert jnp.float64(1.0).dtype == np.float32


def test_x64_creation(x64):
    assert jnp.zeros(2).dtype == np.float64
    assert jnp.arange(3).dtype == np.int64
    assert jnp.array(1.0).dtype == np.float64 and jnp.array(1.0).weak_type
    assert jnp.linspace(0, 1, 3).dtype == np.float64


def test_traced_creation_jaxprs():
    assert str(jaxlite.make_jaxpr(lambda: jnp.zeros(3))()) == (
        "{ lambda ; . let a:f32[3] = broadcast_in_dim 0.0:f32[] in (a,) }"
    )
    jaxpr = str(jaxlite.make_jaxpr(lambda x: jnp.array([x, 1.0, x]))(1.0))
    assert "concatenate" in jaxpr and "convert_element_type" in jaxpr
    out = jaxlite.jit(lambda x: jnp.array([[x, 2 * x], [3 * x, x]]))(2.0)
    np.testing.assert_array_equal(np.asarray(out), [[2.0, 4.0], [6.0, 2.0]])
    out = jaxlite.jit(lambda a, b: jnp.linspace(a, b, 5))(0.0, 1.0)
    np.testing.assert_allclose(np.asarray(out), np.linspace(0, 1, 5), rtol=1e-6)
    with pytest.raises(jaxlite.errors.ConcretizationTypeError):
        jaxlite.jit(lambda n: jnp.arange(n))(3)


def test_creation_jaxprs_match_jax(jax_np):
    import jax

    cases = [
        (lambda m: lambda: m.zeros(3), ()),
        (lambda m: lambda: m.arange(5), ()),
        (lambda m: lambda: m.arange(2, 5), ()),
        (lambda m: lambda: m.eye(2), ()),
        (lambda m: lambda x: m.zeros_like(x), (np.ones(3, np.float32),)),
        (lambda m: lambda x: m.full(3, x), (1.0,)),
        (lambda m: lambda x: m.array([x, x]), (np.ones(2, np.float32),)),
    ]
    for mk, args in cases:
        assert str(jaxlite.make_jaxpr(mk(jnp))(*args)) == str(jax.make_jaxpr(mk(jax_np))(*args))


def test_shape_ops_gradients_and_vmap():
    x = jnp.asarray(RNG.randn(2, 3).astype(np.float32))
    g = jaxlite.grad(lambda v: jnp.sum(jnp.tile(v, (2, 1)) ** 2) + jnp.sum(jnp.roll(v, 1, 1) * v))(
        x
    )
    want = 4 * np.asarray(x) + np.roll(np.asarray(x), 1, 1) + np.roll(np.asarray(x), -1, 1)
    np.testing.assert_allclose(np.asarray(g), want, rtol=1e-5)
    out = jaxlite.vmap(lambda v: jnp.concatenate([v, v[::-1]]))(x)
    np.testing.assert_array_equal(
        np.asarray(out), np.concatenate([np.asarray(x), np.asarray(x)[:, ::-1]], 1)
    )
