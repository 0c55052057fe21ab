"""jaxlite.nn: values, dtypes and weak types against JAX; derivatives (including the
gradient-0 kinks of relu/relu6 and the stabilised softmax/logsumexp) against JAX and finite
differences."""

from __future__ import annotations

import numpy as np
import pytest
from test_numpy_util import arr, check_vs_jax

import jaxlite
import jaxlite.nn as nn
import jaxlite.numpy as jnp
from jaxlite import test_util as tu

RNG = np.random.RandomState(0)
A = RNG.randn(3, 4).astype(np.float32) * 3
A[0, 0] = 0.0
INTS = np.array([-2, 0, 3], np.int32)
ACTIVATIONS = """relu relu6 sigmoid softplus soft_sign silu swish log_sigmoid elu celu selu
leaky_relu hard_tanh hard_sigmoid hard_silu hard_swish gelu softmax log_softmax
standardize""".split()


@pytest.fixture(scope="module")
def jax_nn():
    jax = pytest.importorskip("jax")
    return jax.nn


def _nn(jnn):
    return lambda name: lambda m: getattr(jnn if m is not jnp else nn, name)


@pytest.mark.parametrize("name", ACTIVATIONS)
def test_activations_vs_jax(jax_nn, name):
    import jax.numpy as jax_np

    def fn(m):
        return getattr(nn if m is jnp else jax_nn, name)

    for x in (arr(A), 1.5, arr(INTS), arr(A.astype(np.float16))):
        check_vs_jax(jax_np, fn, (x,))


@pytest.mark.parametrize(
    "name,args,kwargs",
    [
        ("gelu", (arr(A),), {"approximate": False}),
        ("softmax", (arr(A),), {"axis": 0}),
        ("log_softmax", (arr(A),), {"axis": (0, 1)}),
        ("glu", (arr(A),), {}),
        ("logsumexp", (arr(A),), {}),
        ("logsumexp", (arr(A),), {"axis": 1}),
        ("logsumexp", (arr(A),), {"axis": 0, "keepdims": True}),
        ("logsumexp", (arr(A),), {"b": arr(-np.ones((3, 4), np.float32)), "return_sign": True}),
        ("logsumexp", (arr(A),), {"b": arr(-np.ones((3, 4), np.float32))}),
        ("logsumexp", (arr(np.full(3, -np.inf, np.float32)),), {}),
        ("one_hot", (arr(np.array([0, 2, -1, 5], np.int32)), 4), {}),
        ("one_hot", (arr(np.array([0, 2, -1, 5], np.int32)), 4), {"axis": 0}),
        ("one_hot", (arr(np.array([0, 2], np.int32)), 3), {"dtype": np.int32}),
        ("one_hot", (arr(np.array([[1, 0]])), 2), {}),
        ("softmax", (arr(A),), {"where": arr(RNG.rand(3, 4) > 0.3)}),
        ("log_softmax", (arr(A),), {"where": arr(RNG.rand(3, 4) > 0.3)}),
        ("standardize", (arr(A),), {"axis": 0}),
        ("elu", (arr(A),), {"alpha": 0.5}),
        ("leaky_relu", (arr(A),), {"negative_slope": 0.2}),
        ("celu", (arr(A),), {"alpha": 2.0}),
    ],
)
def test_nn_arguments_vs_jax(jax_nn, name, args, kwargs):
    import jax.numpy as jax_np

    def fn(m):
        return getattr(nn if m is jnp else jax_nn, name)

    check_vs_jax(jax_np, fn, args, kwargs)


@pytest.mark.parametrize("name", ACTIVATIONS + ["logsumexp"])
def test_gradients_vs_jax(jax_nn, name):
    import jax

    x = A.ravel()
    want = jax.grad(lambda v: jax.numpy.sum(getattr(jax_nn, name)(v) * jax.numpy.arange(12.0)))(x)
    got = jaxlite.grad(lambda v: jnp.sum(getattr(nn, name)(v) * jnp.arange(12.0)))(x)
    np.testing.assert_allclose(np.asarray(got), np.asarray(want), rtol=2e-5, atol=1e-6)


def test_kink_gradients():
    for f, points, want in [
        (nn.relu, [0.0, -1.0, 2.0], [0.0, 0.0, 1.0]),
        (nn.relu6, [0.0, 6.0, 3.0, 7.0], [0.0, 0.0, 1.0, 0.0]),
        (nn.softplus, [0.0], [0.5]),
    ]:
        got = [float(jaxlite.grad(f)(p)) for p in points]
        assert got == want


def test_relu_keeps_nan_and_dtype():
    out = nn.relu(jnp.asarray([np.nan, -np.inf, np.inf, -1.0], jnp.float32))
    np.testing.assert_array_equal(np.asarray(out), [np.nan, 0.0, np.inf, 0.0])
    assert nn.relu(jnp.arange(3)).dtype == np.int32


def test_softmax_logsumexp_stability():
    big = jnp.asarray([1000.0, 1000.0, -1000.0])
    np.testing.assert_allclose(np.asarray(nn.softmax(big)), [0.5, 0.5, 0.0])
    np.testing.assert_allclose(float(nn.logsumexp(big)), 1000.0 + np.log(2.0), rtol=1e-6)
    np.testing.assert_allclose(
        np.asarray(nn.log_softmax(big)), [-np.log(2), -np.log(2), -2000 - np.log(2)], rtol=1e-6
    )
    g = jaxlite.grad(lambda v: nn.logsumexp(v))(big)
    np.testing.assert_allclose(np.asarray(g), [0.5, 0.5, 0.0])
    assert np.isnan(float(nn.logsumexp(jnp.asarray([0.0, 0.0]), b=jnp.asarray([1.0, -2.0]))))


def test_nn_finite_differences(x64):
    x = jnp.asarray(RNG.randn(3, 4))
    for f in [
        nn.gelu,
        lambda v: nn.gelu(v, approximate=False),
        nn.softmax,
        nn.log_softmax,
        lambda v: nn.logsumexp(v, axis=0),
        nn.silu,
        nn.softplus,
        nn.standardize,
        nn.elu,
        nn.log_sigmoid,
        nn.sigmoid,
    ]:
        tu.check_grads(f, (x,), order=2, modes=("fwd", "rev"))


def test_nn_under_vmap_and_jit():
    x = jnp.asarray(A)
    out = jaxlite.vmap(nn.softmax)(x)
    np.testing.assert_allclose(np.asarray(out), np.asarray(nn.softmax(x, axis=-1)), rtol=1e-6)
    out = jaxlite.jit(lambda v: nn.one_hot(jnp.argmax(v, -1), 4))(x)
    np.testing.assert_array_equal(np.asarray(out), np.eye(4, dtype=np.float32)[A.argmax(-1)])
