"""linearize (primal now, linear tangent map later) and linear_transpose."""

from __future__ import annotations

import numpy as np
import pytest

import jaxlite as jax
from jaxlite import lax

X3 = np.array([0.5, 1.0, 2.0], np.float32)
X23 = np.arange(6, dtype=np.float32).reshape(2, 3)


@pytest.fixture
def x64():
    prev = jax.config.x64_enabled
    jax.config.update("jax_enable_x64", True)
    yield
    jax.config.update("jax_enable_x64", prev)


# ----------------------------------------------------------------------------------------------
# linearize


def test_linearize_matches_jvp():
    f = lambda x: lax.mul(lax.sin(x), lax.exp(x))
    y, f_jvp = jax.linearize(f, X3)
    y2, t2 = jax.jvp(f, (X3,), (2 * X3,))
    np.testing.assert_allclose(np.asarray(y), np.asarray(y2))
    np.testing.assert_allclose(np.asarray(f_jvp(2 * X3)), np.asarray(t2), rtol=1e-6)


def test_linearize_primal_output_and_types():
    y, f_jvp = jax.linearize(lambda a: lax.mul(a, a), X3)
    np.testing.assert_allclose(np.asarray(y), X3 * X3)
    t = f_jvp(X3)
    np.testing.assert_allclose(np.asarray(t), 2 * X3 * X3)
    assert t.dtype == np.float32 and not t.weak_type
    y, f_jvp = jax.linearize(lax.sin, 1.0)
    t = f_jvp(2.0)
    assert float(t) == pytest.approx(2 * np.cos(1.0), rel=1e-6)
    assert y.weak_type and t.weak_type


def test_linearize_runs_the_primal_once():
    calls = []

    def f(x):
        calls.append(1)
        return lax.sin(x)

    _, f_jvp = jax.linearize(f, X3)
    f_jvp(X3)
    f_jvp(X3)
    assert len(calls) == 1


def test_linearized_function_is_linear():
    _, f_jvp = jax.linearize(lambda x, y: lax.mul(lax.cos(x), y), X3, X3)
    a, b = f_jvp(X3, X3), f_jvp(2 * X3, 2 * X3)
    np.testing.assert_allclose(np.asarray(b), 2 * np.asarray(a), rtol=1e-6)
    z = f_jvp(np.zeros(3, np.float32), np.zeros(3, np.float32))
    np.testing.assert_array_equal(np.asarray(z), np.zeros(3))


def test_linearize_pytrees():
    def f(d):
        return {"u": lax.mul(d["a"], d["b"]), "v": lax.sin(d["a"])}

    primals = {"a": X3, "b": 2 * X3}
    _, f_jvp = jax.linearize(f, primals)
    out = f_jvp({"a": np.ones(3, np.float32), "b": np.zeros(3, np.float32)})
    np.testing.assert_allclose(np.asarray(out["u"]), 2 * X3)
    np.testing.assert_allclose(np.asarray(out["v"]), np.cos(X3), rtol=1e-6)


def test_linearize_output_independent_of_input():
    _, f_jvp = jax.linearize(lambda a, b: lax.sin(b), X3, X3)
    t = f_jvp(np.ones(3, np.float32), np.zeros(3, np.float32))
    np.testing.assert_array_equal(np.asarray(t), np.zeros(3))
    assert t.dtype == np.float32


def test_linearize_has_aux():
    y, f_jvp, aux = jax.linearize(lambda x: (lax.sin(x), lax.cos(x)), 1.0, has_aux=True)
    assert float(aux) == pytest.approx(np.cos(1.0), rel=1e-6)
    assert float(f_jvp(1.0)) == pytest.approx(np.cos(1.0), rel=1e-6)


def test_linearize_rejects_mismatched_tangents():
    _, f_jvp = jax.linearize(lax.sin, X3)
    with pytest.raises(ValueError):
        f_jvp(np.ones(2, np.float32))
    with pytest.raises(TypeError):
        f_jvp(X3, X3)
    with pytest.raises(TypeError):
        f_jvp(np.ones(3, np.int32))


def test_linearize_of_jit_and_grad():
    f = jax.jit(lambda x: lax.mul(lax.sin(x), x))
    _, f_jvp = jax.linearize(f, X3)
    np.testing.assert_allclose(
        np.asarray(f_jvp(np.ones(3, np.float32))), np.cos(X3) * X3 + np.sin(X3), rtol=1e-6
    )
    _, g_jvp = jax.linearize(jax.grad(lax.sin), 1.0)
    assert float(g_jvp(1.0)) == pytest.approx(-np.sin(1.0), rel=1e-6)


def test_linearize_numerically(x64):
    from jaxlite.test_util import numerical_jvp

    def f(x, y):
        return lax.div(lax.sin(lax.mul(x, y)), lax.add(lax.mul(y, y), 1.0))

    rng = np.random.RandomState(0)
    x, y, tx, ty = rng.randn(4, 5)
    _, f_jvp = jax.linearize(f, x, y)
    want = numerical_jvp(f, (x, y), (tx, ty))
    np.testing.assert_allclose(np.asarray(f_jvp(tx, ty)), want, rtol=1e-7, atol=1e-9)


# ----------------------------------------------------------------------------------------------
# linear_transpose


def test_linear_transpose_scale():
    (ct,) = jax.linear_transpose(lambda a: lax.mul(a, 2.0), X3)(X3)
    np.testing.assert_allclose(np.asarray(ct), 2 * X3)


def test_linear_transpose_is_the_adjoint(x64):
    # <A^T v, u> == <v, A u> for a linear map built from shape ops and sums.
    def A(u, w):
        y = lax.transpose(lax.reshape(u, (3, 2)), (1, 0))
        return lax.add(lax.mul(y, 3.0), lax.broadcast_in_dim(lax.reduce_sum(w, (1,)), (2, 3), (0,)))

    rng = np.random.RandomState(0)
    u, w, v = rng.randn(2, 3), rng.randn(2, 4), rng.randn(2, 3)
    at_u, at_w = jax.linear_transpose(A, u, w)(v)
    lhs = np.vdot(np.asarray(at_u), u) + np.vdot(np.asarray(at_w), w)
    rhs = np.vdot(v, np.asarray(A(u, w)))
    assert lhs == pytest.approx(rhs, rel=1e-12)


def test_linear_transpose_of_transpose():
    (ct,) = jax.linear_transpose(lambda a: lax.transpose(a, (1, 0)), X23)(X23.T.copy())
    np.testing.assert_array_equal(np.asarray(ct), X23)


def test_linear_transpose_multiple_inputs_and_outputs():
    f = lambda a, b: (lax.add(lax.mul(a, 2.0), lax.reduce_sum(b, (0,))), lax.neg(a))
    ca, cb = jax.linear_transpose(f, X3, X23)((X3, np.ones(3, np.float32)))
    np.testing.assert_allclose(np.asarray(ca), 2 * X3 - 1)
    np.testing.assert_allclose(np.asarray(cb), np.broadcast_to(X3, (2, 3)))


def test_linear_transpose_unused_input_gets_zeros():
    ca, cb = jax.linear_transpose(lambda a, b: a, X3, X3)(X3)
    np.testing.assert_array_equal(np.asarray(ca), X3)
    np.testing.assert_array_equal(np.asarray(cb), np.zeros(3))
    assert cb.dtype == np.float32


def test_linear_transpose_keeps_weak_types():
    (ct,) = jax.linear_transpose(lambda a: lax.mul(a, 2.0), 1.0)(1.0)
    assert float(ct) == 2.0 and ct.weak_type


def test_linear_transpose_accepts_shape_dtype_structs():
    spec = jax.ShapeDtypeStruct((3,), np.float32)
    (ct,) = jax.linear_transpose(lambda a: lax.reduce_sum(a, (0,)), spec)(np.float32(2.0))
    np.testing.assert_array_equal(np.asarray(ct), [2.0, 2.0, 2.0])


def test_linear_transpose_does_not_run_the_function_per_call():
    calls = []

    def f(a):
        calls.append(1)
        return lax.mul(a, 3.0)

    t = jax.linear_transpose(f, X3)
    t(X3)
    t(X3)
    assert len(calls) == 1


def test_linear_transpose_rejects_wrong_cotangent_shape():
    with pytest.raises(TypeError):
        jax.linear_transpose(lambda a: a, X3)(np.ones(2, np.float32))


def test_linear_transpose_rejects_wrong_arity():
    with pytest.raises(TypeError):
        jax.linear_transpose(lambda a: a, X3)(X3, X3)


def test_linear_transpose_of_nonlinear_function_is_an_internal_error():
    with pytest.raises(AssertionError):
        jax.linear_transpose(lambda a: lax.mul(a, a), X3)(X3)
