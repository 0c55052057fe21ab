"""matmul, dot, vdot, inner, outer, tensordot, kron and einsum: against NumPy and JAX, with
derivatives and vmap."""

from __future__ import annotations

import numpy as np
import pytest
from test_numpy_util import arr, check_vs_jax

import jaxlite
import jaxlite.numpy as jnp
from jaxlite import test_util as tu

RNG = np.random.RandomState(0)
A = RNG.randn(3, 4).astype(np.float32)
B = RNG.randn(4, 5).astype(np.float32)
A3 = RNG.randn(2, 3, 4).astype(np.float32)
W = np.arange(4, dtype=np.float32)
V = np.arange(3, dtype=np.int32)


@pytest.fixture(scope="module")
def jax_np():
    return pytest.importorskip("jax").numpy


PRODUCTS = [
    ("matmul", (A, B), {}),
    ("matmul", (A3, B), {}),
    ("matmul", (A, W), {}),
    ("matmul", (W, B), {}),
    ("matmul", (W, W), {}),
    (
        "matmul",
        (RNG.randn(5, 1, 2, 3).astype(np.float32), RNG.randn(4, 3, 2).astype(np.float32)),
        {},
    ),
    ("matmul", (RNG.randn(2, 3).astype(np.float32), RNG.randn(5, 3, 2).astype(np.float32)), {}),
    ("matmul", (W, RNG.randn(2, 4, 3).astype(np.float32)), {}),
    ("matmul", (np.ones((2, 3), np.int8), np.ones((3, 2), np.int32)), {}),
    ("matmul", (A, A), {}),
    ("matmul", (A, 2.0), {}),
    ("matmul", (A, B), {"preferred_element_type": np.float32}),
    ("dot", (A, B), {}),
    ("dot", (A3, RNG.randn(5, 4, 6).astype(np.float32)), {}),
    ("dot", (A, 2.0), {}),
    ("dot", (W, W), {}),
    ("dot", (V, V), {}),
    ("vdot", (A, A), {}),
    ("vdot", (np.array([1 + 2j, 3j], np.complex64),) * 2, {}),
    ("outer", (V, W), {}),
    ("inner", (A, RNG.randn(5, 4).astype(np.float32)), {}),
    ("inner", (W, W), {}),
    ("tensordot", (A, B), {"axes": 1}),
    ("tensordot", (A3, A), {"axes": ([1, 2], [0, 1])}),
    ("tensordot", (A, A), {"axes": 2}),
    ("tensordot", (A, A), {"axes": (0, 0)}),
    ("kron", (np.array([[1, 2], [3, 4]], np.int32), np.ones((2, 2), np.int32)), {}),
    ("kron", (W, V), {}),
]


@pytest.mark.parametrize("name,args,kwargs", PRODUCTS)
def test_products_vs_jax(jax_np, name, args, kwargs):
    args = tuple(arr(a) if isinstance(a, np.ndarray) else a for a in args)
    check_vs_jax(jax_np, name, args, kwargs, rtol=1e-5)


EINSUMS = [
    ("ij,jk->ik", (A, B)),
    ("ii->", (np.ones((3, 3), np.float32),)),
    ("ij->j", (A,)),
    ("bij,bjk->bki", (A3, RNG.randn(2, 4, 5).astype(np.float32))),
    ("...ij,...jk", (A3, RNG.randn(2, 4, 5).astype(np.float32))),
    ("i,i", (W, W)),
    ("i,j->ij", (V, W)),
    ("ij", (A,)),
    ("ji", (A,)),
    ("ii->i", (RNG.randn(3, 3).astype(np.float32),)),
    ("ij,jk,kl->il", (A, B, RNG.randn(5, 2).astype(np.float32))),
    ("bij->", (A3,)),
    ("ij,ij->", (A, A)),
    ("i,i->i", (W, W)),
    ("ij,j->i", (A, W)),
    ("...i,i->...", (A3, W)),
    ("bij,jk->bik", (A3, B)),
    ("iij->j", (RNG.randn(3, 3, 2).astype(np.float32),)),
    ("i...->...", (A,)),
    ("ab,cd->abcd", (A[:2, :2], A[:2, :3])),
    ("ij,kj->ik", (np.ones((2, 3), np.int32), np.ones((4, 3), np.float32))),
]


@pytest.mark.parametrize("spec,ops", EINSUMS)
def test_einsum_vs_numpy(spec, ops):
    got = jnp.einsum(spec, *ops)
    want = np.einsum(spec, *ops)
    assert got.shape == want.shape
    np.testing.assert_allclose(np.asarray(got), want, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("spec,ops", EINSUMS)
def test_einsum_vs_jax(jax_np, spec, ops):
    check_vs_jax(jax_np, "einsum", (spec, *[arr(o) for o in ops]), rtol=1e-5)


def test_einsum_jaxpr_is_one_dot_general():
    jaxpr = str(jaxlite.make_jaxpr(lambda a, b: jnp.einsum("ij,jk->ik", a, b))(A, B))
    assert jaxpr.count("dot_general") == 1 and "transpose" not in jaxpr


def test_product_errors():
    with pytest.raises(TypeError, match="contracting dimensions"):
        jnp.matmul(jnp.ones((2, 3)), jnp.ones((2, 3)))
    with pytest.raises(ValueError):
        jnp.matmul(jnp.ones(3), 2.0)
    with pytest.raises(ValueError):
        jnp.einsum("ij,jk->ik", jnp.ones((2, 3)), jnp.ones((4, 5)))
    with pytest.raises(ValueError):
        jnp.einsum("ij->q", jnp.ones((2, 3)))


def test_product_gradients(x64):
    a = jnp.asarray(RNG.randn(3, 4))
    b = jnp.asarray(RNG.randn(4, 2))
    for f in [
        jnp.matmul,
        jnp.dot,
        lambda x, y: jnp.einsum("ij,jk->ki", x, y),
        lambda x, y: jnp.tensordot(x, y, 1),
        lambda x, y: jnp.outer(x, y),
        lambda x, y: jnp.einsum("ij,ij->i", x, x) + jnp.sum(y),
    ]:
        tu.check_grads(f, (a, b), order=2, modes=("fwd", "rev"))


def test_batched_matmul_vmap():
    a = jnp.asarray(RNG.randn(5, 3, 4).astype(np.float32))
    b = jnp.asarray(RNG.randn(4, 2).astype(np.float32))
    out = jaxlite.vmap(jnp.matmul, in_axes=(0, None))(a, b)
    np.testing.assert_allclose(np.asarray(out), np.asarray(a) @ np.asarray(b), rtol=1e-5)
    out = jaxlite.vmap(lambda x: x @ x.T)(a)
    np.testing.assert_allclose(
        np.asarray(out), np.asarray(a) @ np.asarray(a).transpose(0, 2, 1), rtol=1e-5
    )
