"""checkpoint / remat: same values and derivatives, and the backward pass recomputes."""

from __future__ import annotations

import numpy as np
import pytest

import jaxlite as jax
from jaxlite import lax
from jaxlite._src.rules import defjvp, defvectorized, standard_primitive
from jaxlite.test_util import check_grads

X3 = np.array([0.5, 1.0, 2.0], np.float32)


@pytest.fixture
def x64():
    prev = jax.config.x64_enabled
    jax.config.update("jax_enable_x64", True)
    yield
    jax.config.update("jax_enable_x64", prev)


def _f(x):
    return lax.sin(lax.mul(lax.sin(x), lax.cos(x)))


def _g(x, y):
    return lax.reduce_sum(lax.mul(lax.exp(lax.sin(x)), y), (0,))


def _np(x):
    return np.asarray(x)


# ----------------------------------------------------------------------------------------------
# Same numbers as without checkpoint


def test_values_equal_without_checkpoint():
    np.testing.assert_array_equal(_np(jax.checkpoint(_f)(X3)), _np(_f(X3)))
    np.testing.assert_array_equal(_np(jax.checkpoint(_g)(X3, X3)), _np(_g(X3, X3)))
    out = jax.checkpoint(_f)(1.0)
    assert out.weak_type and out.dtype == np.float32


def test_remat_is_checkpoint():
    assert jax.remat is jax.checkpoint


def test_grad_equals_without_checkpoint():
    for x in (0.3, 1.7):
        assert float(jax.grad(jax.checkpoint(_f))(x)) == pytest.approx(
            float(jax.grad(_f)(x)), rel=1e-6
        )
    gx, gy = jax.grad(jax.checkpoint(_g), argnums=(0, 1))(X3, X3)
    wx, wy = jax.grad(_g, argnums=(0, 1))(X3, X3)
    np.testing.assert_allclose(_np(gx), _np(wx), rtol=1e-6)
    np.testing.assert_allclose(_np(gy), _np(wy), rtol=1e-6)


def test_grad_with_respect_to_one_of_two_arguments():
    gy = jax.grad(jax.checkpoint(_g), argnums=1)(X3, X3)
    np.testing.assert_allclose(_np(gy), _np(jax.grad(_g, argnums=1)(X3, X3)), rtol=1e-6)


def test_grad_of_grad_equals_without_checkpoint():
    want = float(jax.grad(jax.grad(_f))(0.7))
    assert float(jax.grad(jax.grad(jax.checkpoint(_f)))(0.7)) == pytest.approx(want, rel=1e-5)
    # Checkpointing the first derivative too.
    got = jax.grad(jax.checkpoint(jax.grad(jax.checkpoint(_f))))(0.7)
    assert float(got) == pytest.approx(want, rel=1e-5)


def test_nested_checkpoint():
    inner = jax.checkpoint(lambda x: lax.sin(lax.sin(x)))
    outer = jax.checkpoint(lambda x: lax.mul(inner(x), x))
    want = jax.grad(lambda x: lax.mul(lax.sin(lax.sin(x)), x))(0.4)
    assert float(jax.grad(outer)(0.4)) == pytest.approx(float(want), rel=1e-6)


def test_jit_inside_checkpoint():
    f = jax.checkpoint(lambda x: lax.mul(jax.jit(lax.sin)(x), x))
    assert float(jax.grad(f)(0.4)) == pytest.approx(np.cos(0.4) * 0.4 + np.sin(0.4), rel=1e-6)


def test_checkpoint_inside_jit():
    f = jax.jit(lambda x: lax.mul(jax.checkpoint(lax.sin)(x), x))
    assert float(jax.grad(f)(0.4)) == pytest.approx(np.cos(0.4) * 0.4 + np.sin(0.4), rel=1e-6)


def test_jvp_of_checkpoint():
    y, t = jax.jvp(jax.checkpoint(_f), (X3,), (np.ones(3, np.float32),))
    y2, t2 = jax.jvp(_f, (X3,), (np.ones(3, np.float32),))
    np.testing.assert_allclose(_np(y), _np(y2))
    np.testing.assert_allclose(_np(t), _np(t2), rtol=1e-6)


def test_check_grads_through_checkpoint(x64):
    rng = np.random.RandomState(0)
    check_grads(jax.checkpoint(_g), (rng.randn(4), rng.randn(4)), order=2)


def test_pytree_arguments_and_outputs():
    def f(d):
        return {"a": lax.sin(d["x"]), "b": lax.mul(d["x"], d["y"])}

    d = {"x": X3, "y": 2 * X3}
    out = jax.checkpoint(f)(d)
    np.testing.assert_allclose(_np(out["a"]), np.sin(X3), rtol=1e-6)
    g = jax.grad(lambda d: lax.reduce_sum(jax.checkpoint(f)(d)["b"], (0,)))(d)
    np.testing.assert_allclose(_np(g["x"]), 2 * X3)
    np.testing.assert_allclose(_np(g["y"]), X3)


def test_closure_over_constant_and_outer_tracer():
    c = np.array([1.0, 2.0, 3.0], np.float32)
    g = jax.grad(
        lambda x: lax.reduce_sum(jax.checkpoint(lambda y: lax.mul(lax.sin(y), c))(x), (0,))
    )(X3)
    np.testing.assert_allclose(_np(g), np.cos(X3) * c, rtol=1e-6)

    # The checkpointed function closes over `a`, a tracer of the outer grad.
    def outer(a):
        return jax.checkpoint(lambda y: lax.mul(lax.sin(a), y))(a)

    assert float(jax.grad(outer)(1.0)) == pytest.approx(np.cos(1.0) + np.sin(1.0), rel=1e-6)


def test_static_argnums():
    def f(x, n):
        for _ in range(n):
            x = lax.sin(x)
        return x

    out = jax.checkpoint(f, static_argnums=(1,))(X3, 2)
    np.testing.assert_allclose(_np(out), np.sin(np.sin(X3)), rtol=1e-6)
    g = jax.grad(lambda x: jax.checkpoint(f, static_argnums=(1,))(x, 2))(0.5)
    assert float(g) == pytest.approx(np.cos(np.sin(0.5)) * np.cos(0.5), rel=1e-6)


def test_vmap_and_jit_of_checkpoint():
    x = np.arange(6, dtype=np.float32).reshape(2, 3) / 5
    np.testing.assert_allclose(_np(jax.vmap(jax.checkpoint(_f))(x)), _np(_f(x)), rtol=1e-6)
    np.testing.assert_allclose(_np(jax.jit(jax.checkpoint(_f))(x)), _np(_f(x)), rtol=1e-6)
    g = jax.jit(jax.grad(jax.checkpoint(_f)))(0.7)
    assert float(g) == pytest.approx(float(jax.grad(_f)(0.7)), rel=1e-6)
    gv = jax.vmap(jax.grad(jax.checkpoint(_f)))(X3)
    np.testing.assert_allclose(_np(gv), _np(jax.vmap(jax.grad(_f))(X3)), rtol=1e-6)


# ----------------------------------------------------------------------------------------------
# The backward pass recomputes


def _names(closed):
    return [e.primitive.name for e in closed.eqns]


def _producer(closed, var):
    for eqn in closed.eqns:
        if any(v is var for v in eqn.outvars):
            return eqn
    return None


def test_checkpoint_is_staged_as_one_equation():
    closed = jax.make_jaxpr(jax.checkpoint(_f))(1.0)
    (eqn,) = closed.eqns
    assert eqn.primitive.name == "checkpoint"
    assert eqn.params["differentiated"] is False
    assert _names(eqn.params["jaxpr"]) == ["sin", "cos", "mul", "sin"]


def test_backward_pass_recomputes_primal_operations():
    f = lambda x: lax.sin(lax.sin(x))
    closed = jax.make_jaxpr(jax.grad(jax.checkpoint(f)))(1.0)
    # The gradient is computed by a checkpoint equation that takes the primal input and the
    # output cotangent, and whose body recomputes sin: the residuals were not saved.
    last = _producer(closed, closed.jaxpr.outvars[0])
    assert last is not None and last.primitive.name == "checkpoint"
    assert last.params["differentiated"] is True
    assert closed.jaxpr.invars[0] in last.invars
    body = _names(last.params["jaxpr"])
    assert "sin" in body and "mul" in body

    # Without checkpoint, the backward pass only multiplies saved residuals.
    plain = jax.make_jaxpr(jax.grad(f))(1.0)
    last = _producer(plain, plain.jaxpr.outvars[0])
    assert last.primitive.name == "mul"
    bwd = plain.eqns[plain.eqns.index(last) - 1 :]
    assert all(e.primitive.name == "mul" for e in bwd)


# A sin that counts how often its implementation runs.
_calls: list = []
counting_sin_p = standard_primitive(
    "counting_sin",
    lambda x: (_calls.append(1), np.sin(x))[1],
    lambda x: x.shape,
    lambda x: x.dtype,
    lambda w: w,
)
defjvp(counting_sin_p, lambda g, ans, x: lax.mul(g, lax.cos(x)))
defvectorized(counting_sin_p)


def _counted(x):
    return lax.mul(counting_sin_p.bind(x), x)


def test_backward_pass_reruns_the_primal_at_run_time():
    _calls.clear()
    g_plain = jax.grad(_counted)(0.5)
    plain_calls = len(_calls)
    _calls.clear()
    g_remat = jax.grad(jax.checkpoint(_counted))(0.5)
    remat_calls = len(_calls)
    assert float(g_plain) == pytest.approx(float(g_remat), rel=1e-6)
    assert plain_calls == 1
    assert remat_calls == 2  # once forward, once recomputed in the backward pass


def test_forward_only_runs_the_primal_once():
    _calls.clear()
    jax.checkpoint(_counted)(0.5)
    assert len(_calls) == 1


# ----------------------------------------------------------------------------------------------
# User-level programs through jaxlite.numpy


@pytest.fixture
def jnp():
    return pytest.importorskip("jaxlite.numpy")


def test_checkpointed_layers(x64, jnp):
    def layer(w, h):
        return jnp.tanh(h @ w)

    def net(ws, x, remat):
        lay = jax.checkpoint(layer) if remat else layer
        for w in ws:
            x = lay(w, x)
        return jnp.sum(x**2)

    rng = np.random.RandomState(0)
    ws = [rng.randn(3, 3) / 2 for _ in range(3)]
    x = rng.randn(2, 3)
    got = jax.grad(net)(ws, x, True)
    want = jax.grad(net)(ws, x, False)
    for g, w in zip(got, want):
        np.testing.assert_allclose(np.asarray(g), np.asarray(w), rtol=1e-12)
    check_grads(lambda ws, x: net(ws, x, True), (ws, x), order=1)
